"""Scenario schema: the frozen dataclasses a simulation run is built from.

A scenario describes one planning question for an after-sales call center: how long to
simulate, how calls arrive in each queue, how long they take, how patient callers are, which
agent groups answer which queues with how many people, and which emergencies (group-complaint
surge, quality recall, natural disaster) hit during the horizon.

Units are part of every field name (``_seconds``, ``_minutes``, ``_hours``, ``_per_day``);
probabilities and shares are fractions in [0, 1]. Times of events are hours since the start of
the horizon. All containers are tuples so a scenario is immutable and hashable; the web planner
edits scenarios through :func:`scenarios.scenario_to_dict` and :func:`scenarios.scenario_from_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The queues a center can have (the enterprise hotline serves business customers).
QUEUE_KINDS: tuple[str, ...] = ("consultation", "complaint", "technical", "enterprise")
#: Case classes in the order agents serve them (urgent first).
PRIORITIES: tuple[str, ...] = ("urgent", "general", "normal")
#: Allowed statistics interval lengths in minutes.
INTERVAL_MINUTES: tuple[int, ...] = (15, 30)
#: Allowed distributions for handle, patience and repair times.
DISTRIBUTIONS: tuple[str, ...] = ("exponential", "lognormal")
#: The longest horizon a scenario may ask for: 31 days.
MAX_HORIZON_HOURS: float = 31 * 24.0
#: How waiting callers and callback requests share agents (see :class:`Callback`).
CALLBACK_RULES: tuple[str, ...] = ("live_first", "promise_first")
#: Event types, as written in the ``type`` key of an event.
EVENT_TYPES: tuple[str, ...] = ("group_complaint_surge", "quality_recall", "disaster")
#: An event's true incident grade (DOMAIN.md: level 1 major, 2 large, 3 general); drills
#: reveal it in the debrief and score the trainee's declared grade against it.
EVENT_GRADES: tuple[str, ...] = ("L1", "L2", "L3")


@dataclass(frozen=True)
class Text:
    """A user-facing text in Simplified Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``zh`` or ``en``), English for anything else."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class ServiceLevelTarget:
    """``percent`` of offered calls answered within ``seconds`` (e.g. 80/20)."""

    percent: float = 80.0
    seconds: float = 20.0

    @property
    def fraction(self) -> float:
        """The target as a fraction in [0, 1]."""
        return self.percent / 100.0


@dataclass(frozen=True)
class PriorityTarget:
    """Response and resolution targets of one case class, in hours from the first contact."""

    respond_hours: float
    resolve_hours: float


@dataclass(frozen=True)
class PriorityTargets:
    """Targets per case class; the defaults are the after-sales rules in DOMAIN.md."""

    urgent: PriorityTarget = PriorityTarget(1.0, 2.0)
    general: PriorityTarget = PriorityTarget(2.0, 4.0)
    normal: PriorityTarget = PriorityTarget(4.0, 8.0)

    def of(self, priority: str) -> PriorityTarget:
        """The target of a case class by name."""
        return getattr(self, priority)


@dataclass(frozen=True)
class Distribution:
    """A positive random duration: exponential by its mean, or lognormal by mean and CV."""

    distribution: str
    mean: float
    cv: float | None = None


@dataclass(frozen=True)
class PriorityMix:
    """Shares of arriving cases per class; they sum to 1."""

    urgent: float = 0.1
    general: float = 0.3
    normal: float = 0.6

    def shares(self) -> tuple[float, float, float]:
        """Shares in :data:`PRIORITIES` order."""
        return (self.urgent, self.general, self.normal)


@dataclass(frozen=True)
class Redial:
    """What an abandoning caller does: redials with ``probability`` after an exponential delay."""

    probability: float = 0.0
    mean_delay_minutes: float = 10.0


@dataclass(frozen=True)
class Callback:
    """Callbacks offered to callers who waited ``offer_after_seconds``; some accept.

    A request is promised within ``promise_minutes``; one not made within ``expire_minutes``
    expires (the customer is no longer reachable; the case is lost). ``priority_rule`` says how
    callbacks share agents with live callers: ``live_first`` serves a callback only when no
    live caller of the agent's skills waits; ``promise_first`` also serves a callback before
    live callers once less than ``at_risk_minutes`` are left of its promise.
    """

    enabled: bool = False
    offer_after_seconds: float = 60.0
    accept_probability: float = 0.5
    promise_minutes: float = 60.0
    expire_minutes: float = 240.0
    priority_rule: str = "live_first"
    at_risk_minutes: float = 15.0


@dataclass(frozen=True)
class Repeat:
    """An unresolved, unescalated contact comes back with ``probability`` after a delay."""

    probability: float = 1.0
    mean_delay_hours: float = 24.0


@dataclass(frozen=True)
class OpeningHours:
    """When the hotline answers, and what callers who ring while it is closed do.

    Open every day from ``open_hour`` to ``close_hour`` (clock hours). A contact that arrives
    while closed hears the opening hours; with ``return_probability`` the caller tries again
    after the next opening, at ``h`` hours after it where ``h`` follows ``return_hours``
    (relative weights of the first, second, ... hour after opening, uniform within each hour);
    otherwise the caller gives up (the case is lost). Staffing has nothing to do with it: with
    the line open and nobody on the phones, callers queue, abandon and redial.
    """

    open_hour: float = 0.0
    close_hour: float = 24.0
    return_probability: float = 0.8
    return_hours: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)

    @property
    def always_open(self) -> bool:
        """True when the line never closes."""
        return self.open_hour <= 0.0 and self.close_hour >= 24.0


@dataclass(frozen=True)
class ArrivalShape:
    """Relative call volume over a day: 24, 48 or 96 weights (hour, half or quarter hour)."""

    name: str
    weights: tuple[float, ...]


@dataclass(frozen=True)
class QueueSpec:
    """One queue (hotline menu branch): its volume, durations, caller behaviour and target."""

    name: str
    calls_per_day: float
    handle_time_seconds: Distribution
    arrival_shape: str = "flat"
    day_factors: tuple[float, ...] = (1.0,)
    after_call_work_seconds: float = 0.0
    patience_seconds: Distribution | None = None
    redial: Redial = Redial()
    callback: Callback = Callback()
    repeat: Repeat = Repeat()
    priority_mix: PriorityMix = PriorityMix()
    escalation_probability: float = 0.0
    service_level: ServiceLevelTarget = ServiceLevelTarget()
    title: Text | None = None


@dataclass(frozen=True)
class AgentGroup:
    """A skill group of agents; ``skills`` lists the queues it answers, most preferred first.

    ``handle_time_factor`` and ``first_contact_resolution`` are where training quality enters:
    a well-trained group talks shorter and resolves more on the first contact.
    """

    name: str
    skills: tuple[str, ...]
    handle_time_factor: float = 1.0
    first_contact_resolution: float = 0.85
    back_office_staff: int = 0
    reserve_staff: int = 0
    title: Text | None = None


@dataclass(frozen=True)
class GroupStaffing:
    """Scheduled agents per interval for one group, repeated when shorter than the horizon."""

    group: str
    agents: tuple[int, ...]
    shrinkage: float = 0.3


@dataclass(frozen=True)
class TechnicianPool:
    """Second stage: technicians who work escalated cases; targets come from the priorities."""

    agents: tuple[int, ...]
    repair_time_hours: Distribution = Distribution("lognormal", 2.0, 0.8)


@dataclass(frozen=True)
class GroupComplaintSurge:
    """Many customers complain about one issue: volume of ``queue`` ramps to a peak and decays."""

    queue: str
    start_hour: float
    end_hour: float
    peak_multiplier: float
    ramp_hours: float = 0.5
    decay_hours: float = 1.0
    title: Text | None = None
    grade: str | None = None
    type: str = field(default="group_complaint_surge", init=False)


@dataclass(frozen=True)
class QualityRecall:
    """A major quality problem: more calls, longer calls and more escalations to technicians."""

    start_hour: float
    end_hour: float
    volume_multiplier: float = 1.5
    handle_time_multiplier: float = 1.2
    escalation_increase: float = 0.1
    queues: tuple[str, ...] = ()
    title: Text | None = None
    grade: str | None = None
    type: str = field(default="quality_recall", init=False)


@dataclass(frozen=True)
class Disaster:
    """Force majeure: fewer staff can work, more are absent, calls shift to callbacks."""

    start_hour: float
    end_hour: float
    staff_availability: float = 0.7
    absenteeism: float = 0.1
    callback_shift: float = 0.2
    volume_multiplier: float = 1.0
    queues: tuple[str, ...] = ()
    title: Text | None = None
    grade: str | None = None
    type: str = field(default="disaster", init=False)


Event = GroupComplaintSurge | QualityRecall | Disaster


@dataclass(frozen=True)
class Scenario:
    """A complete, validated simulation scenario (see ``scenarios/README.md`` for every key)."""

    id: str
    title: Text
    description: Text
    horizon_hours: float
    interval_minutes: int
    queues: tuple[QueueSpec, ...]
    groups: tuple[AgentGroup, ...]
    staffing: tuple[GroupStaffing, ...]
    start_hour: float = 0.0
    warmup_hours: float = 0.0
    priorities: PriorityTargets = PriorityTargets()
    arrival_shapes: tuple[ArrivalShape, ...] = ()
    technicians: TechnicianPool | None = None
    events: tuple[Event, ...] = ()
    opening_hours: OpeningHours | None = None
    start_weekday: int = 0

    @property
    def interval_seconds(self) -> float:
        """Length of one statistics/staffing interval in seconds."""
        return self.interval_minutes * 60.0

    @property
    def horizon_seconds(self) -> float:
        """Length of the simulated period in seconds."""
        return self.horizon_hours * 3600.0

    @property
    def n_intervals(self) -> int:
        """Number of intervals in the horizon."""
        return int(round(self.horizon_hours * 60.0 / self.interval_minutes))

    @property
    def queue_names(self) -> tuple[str, ...]:
        """Queue names in scenario order."""
        return tuple(q.name for q in self.queues)

    @property
    def group_names(self) -> tuple[str, ...]:
        """Agent group names in scenario order."""
        return tuple(g.name for g in self.groups)

    def queue(self, name: str) -> QueueSpec:
        """The queue called ``name`` (KeyError if absent)."""
        for queue in self.queues:
            if queue.name == name:
                return queue
        raise KeyError(name)

    def group(self, name: str) -> AgentGroup:
        """The agent group called ``name`` (KeyError if absent)."""
        for group in self.groups:
            if group.name == name:
                return group
        raise KeyError(name)

    def staffing_of(self, group: str) -> GroupStaffing:
        """The staffing plan of ``group`` (KeyError if absent)."""
        for plan in self.staffing:
            if plan.group == group:
                return plan
        raise KeyError(group)

    def shape(self, name: str) -> ArrivalShape:
        """The arrival shape ``name``; ``flat`` is built in."""
        for shape in self.arrival_shapes:
            if shape.name == name:
                return shape
        if name == "flat":
            return ArrivalShape("flat", (1.0,) * 24)
        raise KeyError(name)

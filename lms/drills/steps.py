"""The emergency procedure's steps (DOMAIN.md) and the standard time for each.

The duty supervisor is scored on doing each step, and on time, counted in simulated time from
the first sign of the emergency (the first alert or report after its onset; a step done
before that sign is no response and counts nothing):

* report to the manager at once (standard: within 15 minutes of the onset);
* the manager starts the emergency mechanism (standard: within 30 minutes);
* tell affected customers about the interruption with a restoration schedule (within 24 h;
  in a drill, the sooner the better, and it counts as on time up to 24 h);
* callbacks after resolution (only after the emergency has ended; within 24 h of the end);
* review (复盘) once the emergency is over.

Steps are stored as drill actions like the engine's actions, so one timeline holds both.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One procedural step: its action kind, label and standard."""

    kind: str
    #: ``{zh, en}`` name of the step.
    label: dict
    #: ``{zh, en}`` statement of the standard.
    standard: dict
    #: Latest on-time moment, in seconds after the onset (None: no upper limit).
    due_after_onset: float | None = None
    #: Counted only once the emergency has ended (callbacks, review).
    after_resolution: bool = False
    #: Latest on-time moment after the emergency ended, in seconds.
    due_after_resolution: float | None = None
    #: What the step records besides its time: ``(name, kind)``, kind ``grade`` or ``text``.
    fields: tuple = ()


def _text(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


STEPS = (
    Step("report_manager", _text("向售后经理报告", "Report to the manager"),
         _text("立即:发现后 15 分钟内", "At once: within 15 minutes of the first sign"),
         due_after_onset=15 * 60, fields=(("grade", "grade"), ("report", "text"))),
    Step("start_emergency_mechanism", _text("启动应急机制", "Start the emergency mechanism"),
         _text("事件发生后 30 分钟内", "Within 30 minutes of the onset"),
         due_after_onset=30 * 60),
    Step("notify_customers",
         _text("通知受影响客户并告知恢复时间表",
               "Notify affected customers with a restoration schedule"),
         _text("事件发生后 24 小时内", "Within 24 hours of the onset"),
         due_after_onset=24 * 3600, fields=(("restoration", "text"),)),
    Step("callbacks_after_resolution",
         _text("问题解决后回访客户", "Call customers back after resolution"),
         _text("问题解决之后、24 小时内", "After the problem is resolved, within 24 hours"),
         after_resolution=True, due_after_resolution=24 * 3600),
    Step("review", _text("组织复盘", "Hold the review"),
         _text("应急事件结束之后", "Once the emergency is over"), after_resolution=True),
)
STEP_KINDS = tuple(step.kind for step in STEPS)
#: Incident grades a report can state (DOMAIN.md: L1 major, L2 general, L3 minor).
GRADES = ("L1", "L2", "L3")
#: Longest text a step (or the unified reply) keeps.
MAX_TEXT = 2000


class ContentRefused(ValueError):
    """A step's content that cannot be stored; ``path`` names the field."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


def check_text(path: str, value) -> str:
    """A trimmed text of at most :data:`MAX_TEXT` characters, or :class:`ContentRefused`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContentRefused(path, "text")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ContentRefused(path, "too_long")
    return value


def check_content(kind: str, params: dict) -> dict:
    """The step's recorded content (empty fields left out), or :class:`ContentRefused`."""
    rule = step(kind)
    names = dict(rule.fields)
    content = {}
    for name, value in params.items():
        if name not in names:
            raise ContentRefused(f"params.{name}", "unknown")
        if names[name] == "grade":
            if value in (None, ""):
                continue
            if value not in GRADES:
                raise ContentRefused(f"params.{name}", "grade")
            content[name] = value
        else:
            text = check_text(f"params.{name}", value)
            if text:
                content[name] = text
    return content


def step(kind: str) -> Step:
    """The step called ``kind``."""
    return next(s for s in STEPS if s.kind == kind)


def step_text(kind: str) -> dict:
    """``{zh, en}`` name of the step ``kind``."""
    return step(kind).label


def timeliness(kind: str, done_at: float | None, onset: float, resolved: float) -> dict:
    """Whether a step was done and on time; times are drill seconds.

    ``onset`` is the moment the step's clock starts (scoring passes the first sign of the
    emergency): a step done before it is ``before_signal``, never on time.
    """
    rule = step(kind)
    if done_at is None:
        return {"kind": kind, "done_at": None, "delay": None, "verdict": "missing"}
    if rule.after_resolution:
        if done_at < resolved:
            return {"kind": kind, "done_at": done_at, "delay": done_at - resolved,
                    "verdict": "too_early"}
        late = rule.due_after_resolution is not None and \
            done_at - resolved > rule.due_after_resolution
        return {"kind": kind, "done_at": done_at, "delay": done_at - resolved,
                "verdict": "late" if late else "on_time"}
    if done_at < onset:
        return {"kind": kind, "done_at": done_at, "delay": done_at - onset,
                "verdict": "before_signal"}
    delay = done_at - onset
    late = rule.due_after_onset is not None and delay > rule.due_after_onset
    return {"kind": kind, "done_at": done_at, "delay": delay,
            "verdict": "late" if late else "on_time"}

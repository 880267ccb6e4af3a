"""Scoring and debrief of a finished drill, on the four dimensions of DOMAIN.md.

The trainee's record is replayed to the end and set beside two runs on the same seed (common
random numbers, so the differences come from the decisions): doing nothing, and a good
reference policy (five minutes after the first sign of the emergency: report to the manager
with the true grade, emergency plan, callbacks, IVR announcement, unified reply, back office
to the phones, emergency team with extra technicians, the notice; later the callbacks after
resolution and the review; a library scenario may have its own,
:func:`policy.reference_decisions`). Both records go through the same rules
(:mod:`lms.drills.policy`): limited pools, call-in delays, fixed effect sizes, costs.

Score (0..1) = Σ weight × dimension (:data:`WEIGHTS`, shown in the debrief):

* **Response time** (0.4): each step of :mod:`lms.drills.steps`, timed from the *first sign*
  of the emergency (the first signal or situation report at or after its onset: the live
  alerts are signals, :mod:`simulation.drill_signals`, so this is the first moment a
  supervisor could have noticed something), counts 1 when on time, 0.5 when late, 0 when
  missing, done before the first sign (a step taken before anything happened is not a
  response) or, for the steps after resolution, done too early. The grade decision is one
  more item: the grade declared with the first report at or after the first sign against the
  true grade of the scenario's events (:func:`true_grade`), 1 when right, 0.5 one level off,
  0 otherwise or when none was declared (:data:`GRADE_POINTS`). The true grade and the
  events themselves are shown only in the debrief.
* **Handling efficiency** (0.2): mean progress on service level and on cases past their
  response target.
* **Customer satisfaction** (0.2): mean progress on abandonment rate and average wait.
  Progress is how far the trainee got from "nothing" towards the reference: 0 = no better than
  doing nothing, 1 = as good as the reference or better.
* **Resource use** (0.2): cost (staff-hour equivalents, :func:`policy.cost`) against the
  reference's: 1 up to the reference's cost, then 0.2 less for every 10 % above it (0 at
  1.5 × the reference). Without any cost in the reference: 1 when nothing was spent, else 0.5.

Passed at 0.6. Calling in everything at the start and clicking every step at once scores
below it: the steps count nothing and the cost exceeds the reference's.
"""

import json

from lms.auth.models import utcnow
from lms.drills import injects, narrative, policy, replay, steps
from lms.drills.models import Drill
from lms.signals import activity_result
from simulation.drill import Drill as EngineDrill
from simulation.texts import render

PASS_MARK = 0.6
REFERENCE_DELAY = 300.0
#: Weight of each dimension in the score (they sum to 1).
WEIGHTS = {"response": 0.4, "efficiency": 0.2, "satisfaction": 0.2, "resources": 0.2}
#: Resource score lost per 100 % of cost above the reference's.
OVERSPEND_PENALTY = 2.0
#: The procedural step an engine action also fulfils.
STEP_EQUIVALENTS = {"activate_emergency_plan": "start_emergency_mechanism"}
#: Alert codes that are no sign of the emergency.
NOT_A_SIGN = ("action_applied", "incident_over")


def onset_and_resolution(scenario) -> tuple[float, float]:
    """Drill seconds of the first event's start and the last event's end."""
    if not scenario.events:
        return 0.0, scenario.horizon_seconds
    onset = min(e.start_hour for e in scenario.events) * 3600.0
    resolved = min(scenario.horizon_seconds, max(e.end_hour for e in scenario.events) * 3600.0)
    return onset, resolved


def first_sign(scenario, alerts: list[dict]) -> float:
    """Drill seconds of the first sign of the emergency a supervisor could see.

    The first engine signal (:mod:`simulation.drill_signals`; not an action taking effect nor
    the notice that the incident is over) or situation report at or after the onset; the
    onset itself when there is none. Signals before the onset are noise and do not count.
    """
    onset, _ = onset_and_resolution(scenario)
    times = [a["time"] for a in alerts
             if a["code"] not in NOT_A_SIGN and a["time"] >= onset]
    times += [r["time"] for r in narrative.situation_reports(scenario) if r["time"] >= onset]
    return min(times, default=onset)


def reference_records(scenario, sign: float | None = None) -> list[tuple[str, dict, float]]:
    """The good reference policy as decisions ``(kind, params, drill_seconds)``.

    The decisions are the scenario's (:func:`policy.reference_decisions`), taken
    :data:`REFERENCE_DELAY` after the first sign; the report declares the true grade.
    """
    onset, resolved = onset_and_resolution(scenario)
    last = scenario.horizon_seconds - 1
    at = min((onset if sign is None else sign) + REFERENCE_DELAY, last)
    grade = true_grade(scenario)
    found = []
    for kind, params in policy.reference_decisions(scenario):
        if kind == "report_manager" and grade is not None:
            params = {**params, "grade": grade}
        found.append((kind, params, at))
    after = min(resolved + REFERENCE_DELAY, last)
    found += [("callbacks_after_resolution", {}, after), ("review", {}, after)]
    return found


def true_grade(scenario) -> str | None:
    """The incident's true grade: the most severe ``grade`` of the scenario's events."""
    grades = [e.grade for e in scenario.events if getattr(e, "grade", None)]
    return min(grades, default=None)  # "L1" < "L2" < "L3": the most severe first


#: Points of the grade decision (one item of the response-time dimension).
GRADE_POINTS = {"correct": 1.0, "one_level_off": 0.5, "wrong": 0.0, "missing": 0.0}


def grade_result(records, scenario, sign: float) -> dict | None:
    """The grade the trainee declared against the true grade, or None without a true grade.

    The decision is the grade of the first report to the manager, made at or after the first
    sign, that states one (a grade declared before anything could be seen is no decision).
    """
    truth = true_grade(scenario)
    if truth is None:
        return None
    declared, at = None, None
    for kind, params, when in records:
        grade = params.get("grade") if kind == "report_manager" else None
        if grade and when >= sign:
            declared, at = grade, when
            break
    if declared is None:
        verdict = "missing"
    elif declared == truth:
        verdict = "correct"
    elif abs(int(declared[1:]) - int(truth[1:])) == 1:
        verdict = "one_level_off"
    else:
        verdict = "wrong"
    return {"true": truth, "declared": declared, "time": at, "verdict": verdict,
            "points": GRADE_POINTS[verdict]}


def reveal(scenario) -> list[dict]:
    """What really happened, for the debrief only: each event's title, time and true grade."""
    return [{"title": None if e.title is None else {"zh": e.title.zh, "en": e.title.en},
             "grade": e.grade, "start": e.start_hour * 3600.0,
             "end": min(e.end_hour * 3600.0, scenario.horizon_seconds)}
            for e in scenario.events]


def reference_actions(scenario) -> list[dict]:
    """The reference policy's decisions as ``{type, time, params}`` (engine actions only)."""
    return [{"type": kind, "time": at, "params": params}
            for kind, params, at in reference_records(scenario)
            if kind not in steps.STEP_KINDS]


def _final(scenario, seed: int, actions: list[dict]) -> dict:
    return EngineDrill(scenario, seed, actions).state_at(scenario.horizon_seconds)


def _progress(value, nothing, reference, higher_is_better: bool) -> float:
    if value is None or nothing is None or reference is None:
        return 0.0
    gain = (value - nothing) if higher_is_better else (nothing - value)
    room = (reference - nothing) if higher_is_better else (nothing - reference)
    if room <= 1e-9:
        return 1.0 if gain >= -1e-9 else 0.0
    return max(0.0, min(1.0, gain / room))


def step_results(records, scenario, sign: float) -> list[dict]:
    """Timeliness of each procedural step (the first time it was done), from the first sign."""
    _, resolved = onset_and_resolution(scenario)
    first: dict[str, float] = {}
    for kind, _params, at in records:
        kind = STEP_EQUIVALENTS.get(kind, kind)
        if kind in steps.STEP_KINDS and kind not in first:
            first[kind] = at
    return [steps.timeliness(kind, first.get(kind), sign, resolved) for kind in steps.STEP_KINDS]


STEP_POINTS = {"on_time": 1.0, "late": 0.5, "too_early": 0.0, "before_signal": 0.0,
               "missing": 0.0}


def response_score(step_rows: list[dict], grade: dict | None = None) -> float:
    """Mean points of the steps (:data:`STEP_POINTS`) and of the grade decision
    (:data:`GRADE_POINTS`, when the scenario states a true grade)."""
    points = [STEP_POINTS[s["verdict"]] for s in step_rows]
    if grade is not None:
        points.append(grade["points"])
    return sum(points) / len(points)


def resource_score(mine: float, reference: float) -> float:
    """1 up to the reference's cost, less :data:`OVERSPEND_PENALTY` per 100 % above it."""
    if reference <= 1e-9:
        return 1.0 if mine <= 1e-9 else 0.5
    return max(0.0, min(1.0, 1.0 - OVERSPEND_PENALTY * (mine / reference - 1.0)))


def _timeline(drill: Drill, scenario) -> list[dict]:
    """Snapshots at the end of every interval for the replay slider."""
    engine = EngineDrill(scenario, drill.seed, replay.engine_actions(drill))
    frames = []
    for k in range(1, scenario.n_intervals + 1):
        t = min(k * scenario.interval_seconds, scenario.horizon_seconds)
        state = engine.state_at(t)
        frames.append({"time": t, "service_level": state["kpis"]["service_level"],
                       "abandon_rate": state["kpis"]["abandon_rate"],
                       "offered": state["kpis"]["offered"],
                       "waiting": sum(q["waiting"]["total"] for q in state["queues"].values()),
                       "backlog": state["technicians"]["backlog"]})
    return frames


def evaluate(scenario, seed: int, records) -> dict:
    """Dimensions, KPIs, steps and cost of a record of decisions (plain data)."""
    actions, used = policy.replay_record(scenario, records)
    mine = _final(scenario, seed, actions)
    nothing = _final(scenario, seed, [])
    sign = first_sign(scenario, nothing["alerts"])
    ref_actions, ref_used = policy.replay_record(scenario, reference_records(scenario, sign))
    reference = _final(scenario, seed, ref_actions)
    kpis = {}
    for name, higher in (("service_level", True), ("abandon_rate", False), ("asa", False),
                         ("past_response_target", False), ("abandoned", False)):
        kpis[name] = {"mine": mine["kpis"][name], "nothing": nothing["kpis"][name],
                      "reference": reference["kpis"][name], "higher_is_better": higher,
                      "progress": _progress(mine["kpis"][name], nothing["kpis"][name],
                                            reference["kpis"][name], higher)}
    step_rows = step_results(records, scenario, sign)
    grade = grade_result(records, scenario, sign)
    my_cost, ref_cost = policy.cost(scenario, used), policy.cost(scenario, ref_used)
    dimensions = {
        "response": response_score(step_rows, grade),
        "efficiency": (kpis["service_level"]["progress"]
                       + kpis["past_response_target"]["progress"]) / 2,
        "satisfaction": (kpis["abandon_rate"]["progress"] + kpis["asa"]["progress"]) / 2,
        "resources": resource_score(my_cost["total"], ref_cost["total"]),
    }
    score = sum(WEIGHTS[name] * value for name, value in dimensions.items())
    return {"score": round(score, 4), "dimensions": dimensions, "weights": WEIGHTS,
            "kpis": kpis, "steps": step_rows, "grade": grade, "sign": sign, "mine": mine,
            "cost": my_cost, "reference_cost": ref_cost}


def debrief(drill: Drill) -> dict:
    """Everything the debrief page and PDF show (plain data)."""
    scenario = replay.scenario_of(drill)
    result = evaluate(scenario, drill.seed, replay.records(drill))
    mine = result.pop("mine")
    onset, resolved = onset_and_resolution(scenario)
    sign = result["sign"]
    own = [a for a in drill.actions if a.kind != injects.INJECT]
    after_sign = [a.drill_seconds for a in own if a.drill_seconds >= sign]
    targets = {q.name: q.service_level.percent / 100.0 for q in scenario.queues}
    return {
        **result,
        "target_service_level": min(targets.values()),
        "onset": onset, "resolved": resolved, "start_hour": scenario.start_hour,
        "response_seconds": (min(after_sign) - sign) if after_sign else None,
        "answered_share": (mine["kpis"]["answered"] / mine["kpis"]["offered"]
                           if mine["kpis"]["offered"] else None),
        "callbacks_requested": mine["kpis"]["callbacks_requested"],
        "actions": [{"time": a.drill_seconds, "kind": a.kind, "params": a.params,
                     "label": action_label(a.kind), **_who(drill, a)} for a in own],
        "team": drill.is_team,
        "alerts": sorted([{"time": a["time"], "text": a["text"]} for a in mine["alerts"]
                          if a["code"] != "action_applied"] +
                         [{"time": r["time"], "text": r["text"]}
                          for r in narrative.situation_reports(scenario)] +
                         [{"time": a.drill_seconds, "text": injects.alert_text(a.params),
                           "injected": True}
                          for a in drill.actions if a.kind == injects.INJECT],
                         key=lambda alert: alert["time"]),
        "content": procedure_content(own),
        "events": reveal(scenario),
        "timeline": _timeline(drill, scenario),
    }


def _who(drill: Drill, action) -> dict:
    """Who took ``action`` and in which role, as the debrief names them."""
    from lms.drills import roles

    people = {p.user_id: p for p in drill.participants}
    user = people[action.user_id].user if action.user_id in people else \
        (drill.trainee if action.user_id == drill.trainee_id else None)
    titles = roles.queue_titles(replay.scenario_of(drill))
    code = action.role or (people[action.user_id].role_code if action.user_id in people
                           else None)
    return {"user_id": action.user_id, "by": user.name if user else None,
            "role": code, "role_label": roles.label(code, titles) if code else None}


#: (action kind, parameter) → what the debrief shows it as.
CONTENT = (("report_manager", "grade"), ("report_manager", "report"),
           ("publish_unified_reply", "text"), ("notify_customers", "restoration"))


def procedure_content(actions) -> dict:
    """What the trainee decided and wrote in the procedure (the first time each was given)."""
    found: dict = {}
    for action in actions:
        for kind, name in CONTENT:
            value = action.params.get(name) if action.kind == kind else None
            if value and name not in found:
                found[name] = {"value": value, "time": action.drill_seconds}
    return found


def action_label(kind: str) -> dict:
    """``{zh, en}`` name of an engine action, ``move_staff`` or a procedural step."""
    if kind == injects.INJECT:
        return {"zh": "培训师插入的事件", "en": "Event injected by the trainer"}
    if kind == replay.MOVE_STAFF:
        return {"zh": "在坐席组之间调配人员", "en": "Move staff between groups"}
    if kind in steps.STEP_KINDS:
        return steps.step_text(kind)
    return render("actions", kind)


def score(drill: Drill) -> None:
    """Store the debrief and score of a finished drill and announce the result."""
    result = debrief(drill)
    drill.debrief_json = json.dumps(result, ensure_ascii=False)
    drill.score = result["score"]
    # A team drill's score is the team's: every participant gets it.
    people = [p.user_id for p in drill.participants] or [drill.trainee_id]
    for user_id in people:
        activity_result.send("emergency_drill", user_id=user_id,
                             ref=f"drill:{drill.scenario_key}",
                             passed=result["score"] >= PASS_MARK, score=result["score"],
                             at=drill.finished_at or utcnow())

"""Scoring and debrief of a finished drill.

The trainee's record is replayed to the end and set beside two runs on the same seed (common
random numbers, so the differences come from the decisions): doing nothing, and a good
reference policy (five minutes after the onset: emergency plan, callbacks, IVR announcement,
unified reply, back office to the phones, emergency team with extra technicians).

Score (0..1) = half outcome, half procedure. Outcome: for service level and abandonment, how
far the trainee got from "nothing" towards the reference (0 = no better than doing nothing,
1 = as good as the reference or better). Procedure: each step of :mod:`lms.drills.steps`
counts 1 when on time, 0.5 when late or too early, 0 when missing. Passed at 0.6.
"""

import json

from lms.auth.models import utcnow
from lms.drills import narrative, replay, steps
from lms.drills.models import Drill
from lms.signals import activity_result
from simulation.drill import Drill as EngineDrill
from simulation.texts import render

PASS_MARK = 0.6
REFERENCE_DELAY = 300.0
#: The procedural step an engine action also fulfils.
STEP_EQUIVALENTS = {"activate_emergency_plan": "start_emergency_mechanism"}


def onset_and_resolution(scenario) -> tuple[float, float]:
    """Drill seconds of the first event's start and the last event's end."""
    if not scenario.events:
        return 0.0, scenario.horizon_seconds
    onset = min(e.start_hour for e in scenario.events) * 3600.0
    resolved = min(scenario.horizon_seconds, max(e.end_hour for e in scenario.events) * 3600.0)
    return onset, resolved


def reference_actions(scenario) -> list[dict]:
    """The good reference policy as engine actions."""
    onset, _ = onset_and_resolution(scenario)
    at = min(onset + REFERENCE_DELAY, scenario.horizon_seconds - 1)
    actions = [{"type": "activate_emergency_plan", "time": at, "params": {}},
               {"type": "enable_callbacks", "time": at, "params": {"queue": "all"}},
               {"type": "ivr_announcement", "time": at, "params": {"queue": "all"}},
               {"type": "escalate_to_emergency_team", "time": at,
                "params": {"extra_technicians": 3}}]
    complaint = "complaint" if "complaint" in scenario.queue_names else scenario.queue_names[0]
    actions.append({"type": "publish_unified_reply", "time": at, "params": {"queue": complaint}})
    for group in scenario.groups:
        if group.back_office_staff:
            actions.append({"type": "pull_back_office", "time": at,
                            "params": {"group": group.name, "count": group.back_office_staff}})
    return actions


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


def step_results(drill: Drill, scenario) -> list[dict]:
    """Timeliness of each procedural step (first time it was done)."""
    onset, resolved = onset_and_resolution(scenario)
    first: dict[str, float] = {}
    for action in drill.actions:
        kind = STEP_EQUIVALENTS.get(action.kind, action.kind)
        if kind in steps.STEP_KINDS and kind not in first:
            first[kind] = action.drill_seconds
    return [steps.timeliness(kind, first.get(kind), onset, resolved) for kind in steps.STEP_KINDS]


STEP_POINTS = {"on_time": 1.0, "late": 0.5, "too_early": 0.5, "missing": 0.0}


def _resources(drill: Drill, scenario) -> dict:
    used = {"agents_added": 0, "agents_moved": 0, "back_office_pulled": 0,
            "extra_technicians": 0, "reserves": 0}
    for action in drill.actions:
        params = action.params
        if action.kind == "add_agents":
            used["agents_added"] += int(params.get("count", 0))
        elif action.kind == "move_staff":
            used["agents_moved"] += int(params.get("count", 0))
        elif action.kind == "pull_back_office":
            used["back_office_pulled"] += int(params.get("count", 0))
        elif action.kind == "escalate_to_emergency_team":
            used["extra_technicians"] += int(params.get("extra_technicians", 0))
        elif action.kind == "activate_emergency_plan":
            used["reserves"] = sum(g.reserve_staff for g in scenario.groups)
    return used


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


def debrief(drill: Drill) -> dict:
    """Everything the debrief page and PDF show (plain data)."""
    scenario = replay.scenario_of(drill)
    mine = _final(scenario, drill.seed, replay.engine_actions(drill))
    nothing = _final(scenario, drill.seed, [])
    reference = _final(scenario, drill.seed, reference_actions(scenario))
    kpis = {}
    for name, higher in (("service_level", True), ("abandon_rate", False), ("asa", False),
                         ("past_response_target", False), ("abandoned", False)):
        kpis[name] = {"mine": mine["kpis"][name], "nothing": nothing["kpis"][name],
                      "reference": reference["kpis"][name], "higher_is_better": higher,
                      "progress": _progress(mine["kpis"][name], nothing["kpis"][name],
                                            reference["kpis"][name], higher)}
    outcome = (kpis["service_level"]["progress"] + kpis["abandon_rate"]["progress"]) / 2
    step_rows = step_results(drill, scenario)
    procedure = sum(STEP_POINTS[s["verdict"]] for s in step_rows) / len(step_rows)
    onset, resolved = onset_and_resolution(scenario)
    after_onset = [a.drill_seconds for a in drill.actions if a.drill_seconds >= onset]
    targets = {q.name: q.service_level.percent / 100.0 for q in scenario.queues}
    return {
        "score": round(0.5 * outcome + 0.5 * procedure, 4), "outcome": outcome,
        "procedure": procedure, "kpis": kpis, "steps": step_rows,
        "target_service_level": min(targets.values()),
        "onset": onset, "resolved": resolved, "start_hour": scenario.start_hour,
        "response_seconds": (min(after_onset) - onset) if after_onset else None,
        "answered_share": (mine["kpis"]["answered"] / mine["kpis"]["offered"]
                           if mine["kpis"]["offered"] else None),
        "callbacks_requested": mine["kpis"]["callbacks_requested"],
        "resources": _resources(drill, scenario),
        "actions": [{"time": a.drill_seconds, "kind": a.kind, "params": a.params,
                     "label": action_label(a.kind)} for a in drill.actions],
        "alerts": sorted([{"time": a["time"], "text": a["text"]} for a in mine["alerts"]
                          if a["code"] != "action_applied"] +
                         [{"time": r["time"], "text": r["text"]}
                          for r in narrative.situation_reports(scenario)],
                         key=lambda alert: alert["time"]),
        "timeline": _timeline(drill, scenario),
    }


def action_label(kind: str) -> dict:
    """``{zh, en}`` name of an engine action, ``move_staff`` or a procedural step."""
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
    activity_result.send("emergency_drill", user_id=drill.trainee_id,
                         ref=f"drill:{drill.scenario_key}", passed=result["score"] >= PASS_MARK,
                         score=result["score"], at=drill.finished_at or utcnow())

"""What the live drill page and the debrief show, as plain data in the reader's language."""

import json

from flask import abort, url_for
from flask_babel import gettext as _

from lms.auth.models import User
from lms.drills import clock, injects, narrative, policy, replay, scoring, service, steps
from lms.drills.models import Drill, DrillAction
from lms.extensions import db
from lms.i18n import local_text
from lms.reports.charts import Series, line_chart
from simulation.drill_actions import ACTION_TYPES


def clock_label(start_hour: float, seconds: float) -> str:
    """Wall-clock time of the simulated day, e.g. ``10:35``."""
    minutes = int(start_hour * 60 + seconds // 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _title(obj, lang: str) -> str:
    return obj.title.get(lang) if getattr(obj, "title", None) else obj.name


def action_forms(drill: Drill, lang: str) -> list[dict]:
    """Each engine action with the inputs its parameters need."""
    scenario = replay.scenario_of(drill)
    groups = [(g.name, _title(g, lang)) for g in scenario.groups]
    queues = [(q.name, _title(q, lang)) for q in scenario.queues]
    forms = [{"kind": replay.MOVE_STAFF, "label": scoring.action_label(replay.MOVE_STAFF),
              "inputs": [{"name": "from_group", "kind": "select", "options": groups},
                         {"name": "to_group", "kind": "select", "options": groups[1:] +
                          groups[:1]},
                         {"name": "count", "kind": "number", "default": 1, "low": 1,
                          "high": 500, "step": 1}]}]
    for name, kind in ACTION_TYPES.items():
        inputs = []
        for param_name, param in kind.params.items():
            if param_name not in policy.TRAINEE_PARAMS.get(name, ()):
                continue  # an effect size: fixed by the drill's rules, not the trainee's
            if param.kind == "group":
                inputs.append({"name": param_name, "kind": "select", "options": groups})
            elif param.kind in ("queue", "queues"):
                options = ([("all", "*")] if param.kind == "queues" else []) + queues
                if param.default in dict(options):
                    options.sort(key=lambda o, d=param.default: o[0] != d)
                inputs.append({"name": param_name, "kind": "select", "options": options})
            else:
                inputs.append({"name": param_name, "kind": "number", "default": param.default,
                               "low": param.low, "high": param.high,
                               "step": 1 if param.kind == "int" else 0.05})
        if "text" in policy.TRAINEE_PARAMS.get(name, ()):
            inputs.append({"name": "text", "kind": "textarea", "max": steps.MAX_TEXT})
        forms.append({"kind": name, "label": scoring.action_label(name), "inputs": inputs})
    return forms


def page_context(drill: Drill, lang: str) -> dict:
    """Template data for the live page."""
    return {"action_forms": action_forms(drill, lang), "steps": steps.STEPS,
            "state": state_json(drill, lang), "policy": policy}


def state_json(drill: Drill, lang: str) -> dict:
    """The drill now: clock, KPIs, queues, technicians, alerts, actions, steps."""
    scenario = replay.scenario_of(drill)
    horizon = scenario.horizon_seconds
    t = clock.drill_seconds(drill, horizon)
    data = {"status": drill.status, "drill_seconds": t, "horizon_seconds": horizon,
            "compression": drill.compression,
            "clock": clock_label(scenario.start_hour, t),
            "debrief_url": url_for("drills.debrief", drill_id=drill.id)}
    if drill.status == "finished":
        return data
    state = replay.state_at(drill, t)
    data["kpis"] = state["kpis"]
    data["queues"] = [{"name": name, "title": _title(scenario.queue(name), lang),
                       "waiting": q["waiting"]["total"], "callbacks": q["waiting"]["callbacks"],
                       "service_level": q["service_level"], "offered": q["offered"],
                       "abandoned": q["abandoned"]} for name, q in state["queues"].items()]
    left = policy.resources_left(scenario, replay.usage(drill))
    data["agents"] = [{"name": name, "title": _title(scenario.group(name), lang),
                       "on_phones": g["on_phones"], "busy": g["busy"],
                       "reserve_left": left["reserve"][name],
                       "back_office_left": left["back_office"][name]}
                      for name, g in state["agents"].items()]
    data["technicians_left"] = left["technicians"]
    data["technicians"] = state["technicians"]
    feed = state["alerts"] + [r for r in narrative.situation_reports(scenario) if r["time"] <= t]
    feed += [{"time": a.drill_seconds, "text": injects.alert_text(a.params), "code": "inject"}
             for a in service.injected(drill) if a.drill_seconds <= t]
    feed.sort(key=lambda alert: alert["time"])
    data["alerts"] = [{"clock": clock_label(scenario.start_hour, a["time"]),
                       "text": a["text"][lang], "code": a["code"]} for a in feed][::-1]
    data["actions"] = [{"clock": clock_label(scenario.start_hour, a.drill_seconds),
                        "label": scoring.action_label(a.kind)[lang], "key": a.client_key}
                       for a in service.own_actions(drill)][::-1]
    done = {a.kind for a in drill.actions}
    data["steps_done"] = [s.kind for s in steps.STEPS if s.kind in done]
    return data


def room_json(drill: Drill, lang: str) -> dict:
    """The control room's view: the trainee's state plus every action with who took it."""
    data = state_json(drill, lang)
    start_hour = replay.scenario_of(drill).start_hour
    names = {drill.trainee_id: drill.trainee.name}
    if drill.trainer:
        names[drill.trainer_id] = drill.trainer.name
    data["log"] = [{"clock": clock_label(start_hour, a.drill_seconds),
                    "label": scoring.action_label(a.kind)[lang],
                    "detail": injects.alert_text(a.params)[lang]
                    if a.kind == injects.INJECT else "",
                    "by": names.get(a.user_id) or (_("someone else") if a.user_id else "—"),
                    "inject": a.kind == injects.INJECT}
                   for a in drill.actions][::-1]
    data["status_label"] = drill.status
    return data


def action_json(drill: Drill, action: DrillAction, lang: str, repeated: bool) -> dict:
    """The stored action as the page confirms it: its key, drill time and label."""
    start_hour = replay.scenario_of(drill).start_hour
    return {"key": action.client_key, "kind": action.kind,
            "drill_seconds": action.drill_seconds,
            "clock": clock_label(start_hour, action.drill_seconds),
            "label": scoring.action_label(action.kind)[lang], "repeated": repeated}


def drill_for_reader(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` is its trainee, the trainer who scheduled it, or an admin."""
    drill = service.get_drill(drill_id)
    if user.id not in (drill.trainee_id, drill.trainer_id) and not user.has_role("admin"):
        abort(403)
    return drill


def drill_info(drill: Drill, lang: str) -> dict:
    """Plain facts about the drill for the report header."""
    return {"id": drill.id, "title": drill.title(lang), "trainee": drill.trainee.name,
            "trainer": drill.trainer.name if drill.trainer else "—",
            "finished_at": local_text(drill.finished_at)
            if drill.finished_at else "—", "compression": drill.compression,
            "seed": drill.seed, "score": drill.score}


def debrief_context(drill: Drill, lang: str) -> dict:
    """Template data of the debrief page and PDF."""
    result = drill.debrief
    if result is None or "dimensions" not in result:  # none yet, or scored by older rules
        scoring.score(drill)
        db.session.commit()
        result = drill.debrief
    start = result["start_hour"]
    frames = result["timeline"]
    labels = [clock_label(start, f["time"]) for f in frames]
    chart = line_chart(labels, [Series(_("Service level so far"),
                                       [f["service_level"] for f in frames])],
                       title=_("Service level over the drill"),
                       target=result["target_service_level"], y_max=1.0)
    items = [{"time": a["time"], "kind": "action", "label": a["label"]}
             for a in result["actions"]]
    items += [{"time": a["time"], "kind": "alert", "text": a["text"]} for a in result["alerts"]]
    items.sort(key=lambda item: (item["time"], item["kind"] != "alert"))
    return {"result": result, "frames": frames, "frame_labels": labels,
            "frames_json": json.dumps(frames), "sl_chart": chart, "start_hour": start,
            "clock_label": clock_label, "drill_info": drill_info(drill, lang),
            "steps_by_kind": {s.kind: s for s in steps.STEPS}, "timeline_items": items}

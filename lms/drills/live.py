"""What the live drill page and the debrief show, as plain data in the reader's language."""

import json

from flask import abort, url_for
from flask_babel import gettext as _

from lms.auth.models import User
from lms.drills import (
    clock,
    injects,
    narrative,
    policy,
    replay,
    roles,
    scoring,
    service,
    snapshot,
    steps,
)
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


def page_context(drill: Drill, lang: str, viewer: User | None = None) -> dict:
    """Template data for the live page of ``viewer`` (a participant or the trainee)."""
    state = state_json(drill, lang, viewer)
    return {"action_forms": action_forms(drill, lang), "steps": steps.STEPS,
            "state": state, "policy": policy, "me": state["me"],
            "window_minutes": int(snapshot.WINDOW_SECONDS // 60)}


def group_alerts(feed: list[dict], start_hour: float, lang: str) -> list[dict]:
    """Alerts of the same kind collapsed into one line with a count, newest first.

    Engine alerts of one code on one queue are one kind (``service_level_breach`` on the
    complaint queue, every half hour); situation reports and injects are each their own.
    The line shows the latest text, how often and since when.
    """
    groups: dict[tuple, dict] = {}
    for alert in feed:
        params = alert.get("params") or {}
        if alert["code"] in ("situation_report", "inject"):
            key = (alert["code"], alert["text"]["en"], alert["time"])
        else:
            key = (alert["code"], params.get("queue"))
        group = groups.get(key)
        if group is None:
            groups[key] = group = {"code": alert["code"], "count": 0, "first": alert["time"]}
        group["count"] += 1
        group["last"] = alert["time"]
        group["text"] = alert["text"][lang]
    rows = sorted(groups.values(), key=lambda g: g["last"], reverse=True)
    for row in rows:
        row["first_clock"] = clock_label(start_hour, row["first"])
        row["last_clock"] = clock_label(start_hour, row["last"])
        row["key"] = f"{row['code']}-{row['first']:.0f}"
    return rows


def _names(drill: Drill) -> dict[int, str]:
    names = {drill.trainee_id: drill.trainee.name}
    names.update({p.user_id: p.user.name for p in drill.participants})
    if drill.trainer:
        names[drill.trainer_id] = drill.trainer.name
    return names


def _paused_by(drill: Drill) -> str | None:
    paused = clock.last_pause(drill)
    if paused is None:
        return None
    return "trainer" if paused.by_trainer else "team"


def version(drill: Drill, snap_t: float, viewer: User | None = None) -> str:
    """What the page's copy of the state depends on: the ETag of :func:`state_json`."""
    people = ".".join(f"{p.id}{'c' if service.connected(p) else ''}{'j' if p.joined_at else ''}"
                      for p in drill.participants)
    last = drill.actions[-1].id if drill.actions else 0
    return (f"{drill.id}-{drill.status}-{len(drill.actions)}.{last}-{len(drill.clock_events)}"
            f"-{snap_t:.0f}-{people}-{viewer.id if viewer else 0}")


def state_json(drill: Drill, lang: str, viewer: User | None = None) -> dict:
    """The drill now, as ``viewer`` sees it: clock, KPIs (cumulative and the last 30
    simulated minutes), chart points, queues, technicians, grouped alerts, the viewer's own
    actions and the team's, steps done, the viewer's role and the participants."""
    scenario = replay.scenario_of(drill)
    horizon = scenario.horizon_seconds
    t = clock.drill_seconds(drill, horizon)
    data = {"status": drill.status, "drill_seconds": t, "horizon_seconds": horizon,
            "compression": drill.compression, "paused_by": _paused_by(drill),
            "clock": clock_label(scenario.start_hour, t), "team": drill.is_team,
            "debrief_url": url_for("drills.debrief", drill_id=drill.id)}
    data["me"] = _me(drill, viewer, lang)
    if drill.status == "finished":
        data["version"] = version(drill, t, viewer)
        return data
    live_now = snapshot.live(drill, t)
    t = live_now["t"]
    state = live_now["state"]
    data.update(drill_seconds=t, clock=clock_label(scenario.start_hour, t),
                version=version(drill, t, viewer))
    data["kpis"] = state["kpis"]
    window = live_now["window"]
    data["window"] = {**window, "from_clock": clock_label(scenario.start_hour, window["from"])}
    data["chart"] = _chart(scenario, state, live_now["waiting_at_end"])
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
    # "action applied" notes are the team's own actions: they are listed there, not here
    feed = [a for a in state["alerts"] if a["time"] <= t and a["code"] != "action_applied"]
    feed += [r for r in narrative.situation_reports(scenario) if r["time"] <= t]
    feed += [{"time": a.drill_seconds, "text": injects.alert_text(a.params), "code": "inject"}
             for a in service.injected(drill) if a.drill_seconds <= t]
    feed.sort(key=lambda alert: alert["time"])
    data["alerts"] = [{"clock": clock_label(scenario.start_hour, a["time"]),
                       "text": a["text"][lang], "code": a["code"]} for a in feed][::-1]
    data["alert_groups"] = group_alerts(feed, scenario.start_hour, lang)
    titles = roles.queue_titles(scenario)
    names = _names(drill)
    mine = service.own_actions(drill, viewer) if viewer is not None and drill.is_team \
        else service.own_actions(drill)
    data["actions"] = [{"clock": clock_label(scenario.start_hour, a.drill_seconds),
                        "label": scoring.action_label(a.kind)[lang], "key": a.client_key}
                       for a in mine][::-1]
    data["team_actions"] = [
        {"clock": clock_label(scenario.start_hour, a.drill_seconds),
         "label": scoring.action_label(a.kind)[lang], "key": a.client_key,
         "by": names.get(a.user_id, "—"),
         "role": roles.label(a.role, titles)[lang] if a.role else "",
         "mine": viewer is not None and a.user_id == viewer.id}
        for a in service.own_actions(drill)][::-1] if drill.is_team else []
    done = {scoring.STEP_EQUIVALENTS.get(a.kind, a.kind) for a in drill.actions}
    data["steps_done"] = [s.kind for s in steps.STEPS if s.kind in done]
    data["participants"] = [
        {"name": p.user.name, "role": roles.label(p.role_code, titles)[lang],
         "joined": p.joined_at is not None, "connected": service.connected(p)}
        for p in drill.participants]
    return data


def _me(drill: Drill, viewer: User | None, lang: str) -> dict:
    """The viewer's role, what it may do and whether it controls the clock."""
    if viewer is None:
        return {"role": None, "role_label": "", "allowed": [], "clock": False}
    titles = roles.queue_titles(replay.scenario_of(drill))
    code = service.role_of(drill, viewer)
    kinds = [*replay.action_kinds(), *steps.STEP_KINDS]
    return {"role": code,
            "role_label": roles.label(code, titles)[lang] if code else "",
            "queue": code.partition(":")[2] or None if code else None,
            "allowed": [k for k in kinds if service.may_take(drill, viewer, k)],
            "clock": service.may_control_clock(drill, viewer)}


def _chart(scenario, state: dict, waiting_at_end: dict) -> list[dict]:
    """One point per interval so far: callers waiting at its end (now, for the current one)
    and its service level."""
    points = []
    now_waiting = sum(q["waiting"]["total"] for q in state["queues"].values())
    for row in state["series"]:
        k = row["interval"]
        points.append({"interval": k,
                       "clock": clock_label(scenario.start_hour, k * scenario.interval_seconds),
                       "waiting": waiting_at_end.get(k, now_waiting),
                       "service_level": row["service_level"],
                       "current": k not in waiting_at_end})
    return points


def room_json(drill: Drill, lang: str) -> dict:
    """The control room's view: the trainee's state plus every action with who took it."""
    data = state_json(drill, lang)
    scenario = replay.scenario_of(drill)
    start_hour = scenario.start_hour
    names = _names(drill)
    titles = roles.queue_titles(scenario)
    data["log"] = [{"clock": clock_label(start_hour, a.drill_seconds),
                    "label": scoring.action_label(a.kind)[lang],
                    "detail": injects.alert_text(a.params)[lang]
                    if a.kind == injects.INJECT else "",
                    "by": (names.get(a.user_id) or (_("someone else") if a.user_id else "—"))
                    + (f" · {roles.label(a.role, titles)[lang]}" if a.role else ""),
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
    if user.id != drill.trainer_id and not service.takes_part(drill, user) and \
            not user.has_role("admin"):
        abort(403)
    return drill


def drill_info(drill: Drill, lang: str) -> dict:
    """Plain facts about the drill for the report header."""
    titles = roles.queue_titles(replay.scenario_of(drill))
    team = ", ".join(f"{p.user.name} ({roles.label(p.role_code, titles)[lang]})"
                     for p in drill.participants)
    return {"id": drill.id, "title": drill.title(lang), "trainee": team or drill.trainee.name,
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
    items = [{"time": a["time"], "kind": "action", "label": a["label"], "by": a.get("by"),
              "role_label": a.get("role_label")} for a in result["actions"]]
    items += [{"time": a["time"], "kind": "alert", "text": a["text"]} for a in result["alerts"]]
    items.sort(key=lambda item: (item["time"], item["kind"] != "alert"))
    return {"result": result, "frames": frames, "frame_labels": labels,
            "frames_json": json.dumps(frames), "sl_chart": chart, "start_hour": start,
            "clock_label": clock_label, "drill_info": drill_info(drill, lang),
            "steps_by_kind": {s.kind: s for s in steps.STEPS}, "timeline_items": items}

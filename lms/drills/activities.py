"""``drill:<scenario id>``: emergency drills as course activities.

Keys are scenario library ids (``group_complaint_surge``); a scored drill reports
``drill:<scenario id>`` (``scoring.score``). Only library scenarios with an emergency event can
be drilled, so only those are offered and resolve.
"""

from flask import url_for

from lms.activities import ActivityKind, register


def scenario_titles() -> dict[str, dict]:
    """``{scenario id: {zh, en}}`` of every library scenario that can be drilled."""
    from lms.drills.service import drill_scenarios

    return {entry.id: {"zh": entry.title.zh, "en": entry.title.en}
            for entry in sorted(drill_scenarios(), key=lambda entry: entry.id)}


def drills_url(key: str) -> str:
    """The trainee's drill list, where a scheduled drill is started."""
    return url_for("drills.my_drills")


register(ActivityKind(prefix="drill", activity_kind="emergency_drill", choices=scenario_titles,
                      url_for_key=drills_url))

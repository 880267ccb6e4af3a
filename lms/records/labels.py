"""Words the record shows for its codes (course status, grading method, certificate state)."""

from flask_babel import lazy_gettext as _l

COURSE_STATUS = {
    "completed": _l("Completed"),
    "renewal_due": _l("Renewal due"),
    "in_progress": _l("In progress"),
    "not_started": _l("Not started"),
}

GRADING_METHOD = {
    "highest": _l("Highest attempt"),
    "last": _l("Last attempt"),
    "average": _l("Average of attempts"),
}

CERTIFICATE_STATE = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "superseded": _l("Superseded"),
}


def label(table: dict, code) -> str:
    """The word for ``code`` in ``table``, or the code itself when it has none."""
    return str(table.get(code, code or ""))


def percent(fraction) -> str:
    """``0.753`` → ``75.3 %``; ``—`` for no score."""
    return "—" if fraction is None else f"{fraction * 100:.1f} %"


def hours(value) -> str:
    """Hours without trailing zeros (``12.5 h``)."""
    return f"{float(value or 0):g} h"


def template_helpers() -> dict:
    """What the record templates use to show codes and numbers."""
    return {"COURSE_STATUS": COURSE_STATUS, "GRADING_METHOD": GRADING_METHOD,
            "CERTIFICATE_STATE": CERTIFICATE_STATE, "label": label, "percent": percent,
            "hours": hours}

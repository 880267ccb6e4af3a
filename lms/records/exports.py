"""The learner record and the gradebook as XLSX sheets (times in the site's local time)."""

from flask_babel import gettext as _

from lms.i18n import localized
from lms.records.labels import (
    CERTIFICATE_STATE,
    COURSE_STATUS,
    GRADING_METHOD,
    hours,
    label,
    percent,
)
from lms.tabular import write_xlsx
from lms.web import local_datetime


def _passed(value) -> str:
    if value is None:
        return "—"
    return _("Passed") if value else _("Not passed")


def _day(value) -> str:
    return value.isoformat() if value is not None else "—"


def record_rows(record: dict) -> list[list]:
    """The record as rows of (section, title, result, detail, date)."""
    person, hours_row = record["person"], record["hours"]
    rows = [[_("Person"), person["name"], person["employee_no"], person["department"] or "—",
             _day(person["hired_on"])]]
    for course in record["courses"]:
        rows.append([_("Course"), localized(course["title"]),
                     label(COURSE_STATUS, course["status"]), f"{course['percent']} %",
                     local_datetime(course["completed_at"])])
    for exam in record["exams"]:
        allowed = exam["attempts_allowed"] or _("unlimited")
        rows.append([_("Exam"), localized(exam["title"]),
                     f"{percent(exam['score'])} · {_passed(exam['passed'])}",
                     _("%(method)s; attempts %(used)s of %(allowed)s",
                       method=label(GRADING_METHOD, exam["grading_method"]),
                       used=exam["attempts_used"], allowed=allowed), ""])
    for roleplay in record["roleplays"]:
        rows.append([_("Role-play"), localized(roleplay["title"]), percent(roleplay["score"]),
                     _("%(n)s raters", n=roleplay["raters"]), _day(roleplay["performed_on"])])
    for drill in record["drills"]:
        rows.append([_("Drill"), localized(drill["title"]), percent(drill["score"]), "",
                     local_datetime(drill["finished_at"])])
    for survey in record["surveys"]:
        rows.append([_("Survey"), localized(survey["title"]), _("Submitted"), "",
                     local_datetime(survey["submitted_at"])])
    for certificate in record["certificates"]:
        rows.append([_("Certificate"), localized(certificate["title"]),
                     label(CERTIFICATE_STATE, certificate["state"]), certificate["code"],
                     local_datetime(certificate["issued_at"])])
    rows.append([_("Online hours"), "", hours(hours_row["online_done"]),
                 _("of %(planned)s planned", planned=hours(hours_row["online_planned"])), ""])
    rows.append([_("Offline hours"), "", hours(hours_row["offline_done"]),
                 _("of %(planned)s planned", planned=hours(hours_row["offline_planned"])), ""])
    return rows


def record_xlsx(record: dict) -> bytes:
    """The record as one XLSX sheet."""
    headers = [_("Section"), _("Title"), _("Result"), _("Detail"), _("Date")]
    return write_xlsx(record_rows(record), headers=headers, sheet_title=_("Learner record"))


def gradebook_headers() -> list[str]:
    """The gradebook's column titles in the page language."""
    return [_("Name"), _("Employee no."), _("Department"), _("Hired on"),
            _("Courses completed"), _("Renewal due"), _("Exams passed"), _("Role-play mean"),
            _("Drill mean"), _("Surveys"), _("Valid certificates"), _("Online hours"),
            _("Offline hours")]


def gradebook_row(row: dict) -> list:
    """One summary (see `service.summary`) as the gradebook's cells."""
    person, hours_row = row["person"], row["hours"]
    return [person["name"], person["employee_no"], person["department"] or "—",
            _day(person["hired_on"]),
            f"{row['courses_completed']} / {row['courses_total']}", row["courses_renewal_due"],
            f"{row['exams_passed']} / {row['exams_total']}", percent(row["roleplay_mean"]),
            percent(row["drill_mean"]), row["surveys"], row["certificates_valid"],
            f"{hours(hours_row['online_done'])} / {hours(hours_row['online_planned'])}",
            f"{hours(hours_row['offline_done'])} / {hours(hours_row['offline_planned'])}"]


def gradebook_xlsx(rows: list[dict]) -> bytes:
    """The gradebook rows as one XLSX sheet."""
    return write_xlsx([gradebook_row(row) for row in rows], headers=gradebook_headers(),
                      sheet_title=_("Gradebook"))

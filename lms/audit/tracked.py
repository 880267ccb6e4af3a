"""Which tables the audit log follows, what their rows are called and how a change is named.

Tables are named by table name (the schema is shared), so this module imports no feature.
A table missing here is not audited: the tables left out are a person's own moment-to-moment
activity (answers autosaved, lessons viewed, drill moves), derived state a tracked change
already explains (completions, activity results), and bookkeeping (sessions, sign-in
counters, deliveries, the audit itself). A job a person asked for is tracked by its row
(who asked for which kind, and how it ended), never its parameters: they may hold
passwords. Settings and personal-data requests are recorded by their features with explicit
verbs (:func:`lms.audit.service.record`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

#: Column values shown as this marker instead of the value (hashes, robot secrets).
SECRET = "•••"


@dataclass(frozen=True)
class Change:
    """One row's change as the audit sees it: only the columns that moved, old and new."""

    #: ``insert``, ``update`` or ``delete``.
    op: str
    old: dict = field(default_factory=dict)
    new: dict = field(default_factory=dict)
    #: Values of flag columns after the change, moved or not (what a verb may read).
    current: dict = field(default_factory=dict)

    def moved(self, column: str) -> bool:
        """Whether ``column`` changed."""
        return column in self.new or column in self.old

    def now(self, column: str):
        """The value of ``column`` after the change."""
        return self.new.get(column, self.current.get(column))


def _crud(change: Change) -> str:
    return {"insert": "created", "update": "updated", "delete": "deleted"}[change.op]


def _user_verb(change: Change) -> str:
    if change.op != "update":
        return _crud(change)
    if change.moved("password_hash"):
        return "password_reset" if change.now("must_change_password") is True \
            else "password_changed"
    if change.moved("active"):
        return "reactivated" if change.new.get("active") else "deactivated"
    return "updated"


def _role_verb(change: Change) -> str:
    return {"insert": "role_granted", "delete": "role_removed"}.get(change.op, "updated")


def _lead_verb(change: Change) -> str:
    return {"insert": "lead_scope_added", "delete": "lead_scope_removed"}.get(change.op,
                                                                              "updated")


def _status_verb(published: str = "published", draft: str = "draft") -> Callable:
    def verb(change: Change) -> str:
        if change.op == "update" and change.moved("status"):
            if change.new.get("status") == published:
                return "published"
            if change.old.get("status") == published and change.new.get("status") == draft:
                return "unpublished"
        return _crud(change)

    return verb


def _certificate_verb(change: Change) -> str:
    if change.op == "insert":
        return "issued"
    if change.op == "update" and change.moved("revoked_at"):
        return "revoked" if change.new.get("revoked_at") else "restored"
    if change.op == "update" and change.new.get("superseded_by_id"):
        return "superseded"
    return _crud(change)


def _attempt_verb(change: Change) -> str:
    if change.op == "insert":
        return "started"
    if change.op == "update":
        if change.moved("state") and change.new.get("state") == "in_progress":
            return "reopened"
        if change.moved("submitted_at") and change.new.get("submitted_at"):
            return "submitted"
        if change.moved("score") or change.moved("passed"):
            return "score_changed"
        if change.moved("deadline"):
            return "deadline_moved"
    return _crud(change)


def _session_verb(change: Change) -> str:
    if change.op == "update" and change.new.get("status") == "cancelled":
        return "cancelled"
    return _crud(change)


def _enrolment_verb(change: Change) -> str:
    if change.op == "insert":
        return "enrolled"
    if change.op == "update" and change.moved("status"):
        return "withdrawn" if change.new.get("status") == "withdrawn" else "enrolled"
    if change.op == "update" and change.moved("attendance"):
        return "attendance_marked"
    return _crud(change)


def _grade_verb(change: Change) -> str:
    return "graded" if change.op in ("insert", "update") else "deleted"


def _regrade_verb(change: Change) -> str:
    if change.op == "insert":
        return "previewed"
    if change.op == "update" and change.new.get("applied_at"):
        return "applied"
    return _crud(change)


def _override_verb(change: Change) -> str:
    return {"insert": "overridden", "delete": "override_removed"}.get(change.op, "updated")


def _job_verb(change: Change) -> str:
    if change.op == "insert":
        return "requested"
    if change.op == "update" and change.moved("status"):
        return {"running": "started", "done": "finished", "failed": "failed"}.get(
            change.new.get("status"), "updated")
    return _crud(change)


def _job_worth(change: Change) -> bool:
    """A job someone asked for: its request and its end (its start is implied by the end).

    Jobs nobody owns (deliveries, digests, sweeps) are bookkeeping; what they change in a
    tracked table is recorded anyway, as the system's.
    """
    if change.now("owner_id") is None:
        return False
    return not (change.op == "update" and change.new.get("status") == "running")


def _day_off_verb(change: Change) -> str:
    if change.op == "insert":
        return "requested"
    if change.op == "delete":
        return "withdrawn"
    if change.moved("status"):
        return {"approved": "approved", "declined": "rejected"}.get(change.new.get("status"),
                                                                    "updated")
    return _crud(change)


def _run_verb(change: Change) -> str:
    if change.op == "update" and change.new.get("cancel_requested"):
        return "cancelled"
    return _crud(change)


def _roster_verb(change: Change) -> str:
    if change.op == "update" and change.new.get("published_at"):
        return "published"
    return _crud(change)


def _always(change: Change) -> bool:
    return True


def _assignment_verb(change: Change) -> str:
    if change.op == "insert":
        return "assigned"
    if change.op == "delete" or (change.op == "update" and change.new.get("withdrawn_at")):
        return "withdrawn"
    return _crud(change)


@dataclass(frozen=True)
class Tracked:
    """How the audit log follows one table."""

    #: The object kind written on the event (``user``, ``certificate``).
    kind: str
    #: Name a person reads.
    label: object
    verb: Callable[[Change], str] = _crud
    #: Columns whose change alone is not worth an event (timestamps, reminder marks).
    ignore: frozenset = frozenset()
    #: Columns recorded as changed without their value.
    secret: frozenset = frozenset()
    #: The column that names the object the event is about instead of the row itself
    #: (a role row is about its user).
    owner_column: str = ""
    #: Whether a change is worth an event (a job merely moving to "running" is not).
    worth: Callable[[Change], bool] = _always


TRACKED: dict[str, Tracked] = {
    "users": Tracked("user", _l("User"), _user_verb,
                     ignore=frozenset({"last_login_at", "created_at"}),
                     secret=frozenset({"password_hash"})),
    "user_roles": Tracked("user", _l("User"), _role_verb, owner_column="user_id"),
    "departments": Tracked("department", _l("Department")),
    "lead_departments": Tracked("user", _l("User"), _lead_verb, owner_column="user_id"),
    "course_curricula": Tracked("curriculum", _l("Curriculum")),
    "courses": Tracked("course", _l("Course"), _status_verb()),
    "course_modules": Tracked("module", _l("Course module")),
    "course_lessons": Tracked("lesson", _l("Lesson")),
    "course_assets": Tracked("course_asset", _l("Course file")),
    "course_activities": Tracked("activity", _l("Course activity")),
    "course_prerequisites": Tracked("prerequisite", _l("Prerequisite")),
    "learning_paths": Tracked("path", _l("Learning path"), _status_verb()),
    "learning_path_items": Tracked("path_item", _l("Learning path entry")),
    "course_assignments": Tracked("assignment", _l("Assignment"), _assignment_verb,
                                  ignore=frozenset({"reminded_at", "overdue_reminded_at"})),
    "course_standing_assignments": Tracked("standing_assignment", _l("Standing assignment"),
                                           _assignment_verb),
    "exam_exams": Tracked("exam", _l("Exam")),
    "exam_items": Tracked("exam_item", _l("Exam question slot")),
    "exam_assignments": Tracked("exam_assignment", _l("Exam assignment"), _assignment_verb),
    "exam_question_categories": Tracked("question_category", _l("Question category")),
    "exam_questions": Tracked("question", _l("Question")),
    "exam_question_versions": Tracked("question_version", _l("Question version")),
    "exam_attempts": Tracked("attempt", _l("Exam attempt"), _attempt_verb,
                             ignore=frozenset({"announced_at", "review_revealed_at",
                                               "needs_grading", "seed"})),
    "exam_attempt_extensions": Tracked("attempt_extension", _l("Extra time")),
    "exam_manual_grades": Tracked("grade", _l("Manual grade"), _grade_verb),
    "exam_regrade_runs": Tracked("regrade", _l("Regrade"), _regrade_verb),
    "exam_overrides": Tracked("exam_override", _l("Exam exception"), _override_verb),
    "exam_mark_overrides": Tracked("mark_override", _l("Mark override"), _override_verb),
    "exam_certificates": Tracked("certificate", _l("Certificate"), _certificate_verb,
                                 ignore=frozenset({"reminded_at"})),
    "exam_certificate_policies": Tracked("certificate_policy", _l("Certificate validity")),
    "roleplay_rubrics": Tracked("rubric", _l("Rubric")),
    "roleplay_cards": Tracked("card", _l("Role-play card")),
    "roleplay_performances": Tracked("performance", _l("Role-play performance"),
                                     ignore=frozenset({"result_sent_at"})),
    "roleplay_scores": Tracked("roleplay_score", _l("Role-play score")),
    "practice_sessions": Tracked("practice_session", _l("Practice session"), _session_verb),
    "practice_enrolments": Tracked("enrolment", _l("Enrolment"), _enrolment_verb),
    "practice_checklists": Tracked("checklist", _l("Practical checklist")),
    "practice_checklist_marks": Tracked("checklist_mark", _l("Checklist mark")),
    "drills": Tracked("drill", _l("Emergency drill"),
                      ignore=frozenset({"last_seen_at"})),
    "evaluation_kpi_months": Tracked("kpi_month", _l("KPI month")),
    "evaluation_test_pairs": Tracked("test_pair", _l("Pre/post-test pair")),
    "planning_scenarios": Tracked("scenario", _l("Planning scenario")),
    "planning_runs": Tracked("planning_run", _l("Planning run"), _run_verb,
                             ignore=frozenset({"progress_note_json", "control_token",
                                               "created_at"})),
    "workforce_histories": Tracked("workforce_history", _l("Contact history")),
    "workforce_events": Tracked("workforce_event", _l("Special event")),
    "workforce_forecasts": Tracked("workforce_forecast", _l("Forecast")),
    "workforce_actuals": Tracked("workforce_actual", _l("Intraday actual")),
    "notify_webhooks": Tracked("webhook", _l("Department robot"),
                               secret=frozenset({"secret", "url"})),
    "rostering_plans": Tracked("shift_plan", _l("Shift plan"), _roster_verb,
                               ignore=frozenset({"requirement_json", "templates_json",
                                                 "scenario_yaml", "created_at", "job_id",
                                                 "verify_job_id"})),
    "rostering_shifts": Tracked("shift", _l("Shift"), ignore=frozenset({"breaks_json"})),
    "rostering_contracts": Tracked("contract", _l("Work contract"),
                                   ignore=frozenset({"updated_at", "updated_by_id"})),
    "rostering_day_off_requests": Tracked("day_off", _l("Day-off request"), _day_off_verb,
                                          ignore=frozenset({"created_at", "decided_at",
                                                            "decided_by_id"})),
    "rostering_templates": Tracked("shift_template", _l("Shift template"),
                                   ignore=frozenset({"created_at"})),
    "drill_participants": Tracked("drill_participant", _l("Drill participant"),
                                  ignore=frozenset({"added_at", "joined_at", "last_seen_at"})),
    "callback_surveys": Tracked("callback_survey", _l("Callback survey"),
                                ignore=frozenset({"created_at"})),
    "jobs": Tracked("job", _l("Background job"), _job_verb, worth=_job_worth,
                    ignore=frozenset({"params_json", "result_json", "progress", "worker",
                                      "runner", "created_at", "started_at", "finished_at"})),
}

#: Kinds recorded by features themselves (not from a table), with their names.
EXPLICIT_KINDS = {
    "setting": _l("Site setting"),
    "erasure_request": _l("Erasure request"),
    "data_export": _l("Personal data export"),
    "backup": _l("Backup"),
    "import": _l("Import"),
    "sign_in_lock": _l("Sign-in lock"),
}

#: Verbs and the words a person reads for them.
VERBS = {
    "created": _l("created"), "updated": _l("changed"), "deleted": _l("deleted"),
    "password_reset": _l("password reset"), "password_changed": _l("password changed"),
    "deactivated": _l("deactivated"), "reactivated": _l("reactivated"),
    "role_granted": _l("role granted"), "role_removed": _l("role removed"),
    "lead_scope_added": _l("department added to lead scope"),
    "lead_scope_removed": _l("department removed from lead scope"),
    "published": _l("published"), "unpublished": _l("unpublished"),
    "issued": _l("issued"), "revoked": _l("revoked"), "restored": _l("restored"),
    "superseded": _l("renewed"),
    "started": _l("started"), "submitted": _l("submitted"), "reopened": _l("reopened"),
    "score_changed": _l("score changed"), "deadline_moved": _l("deadline moved"),
    "cancelled": _l("cancelled"), "enrolled": _l("enrolled"), "withdrawn": _l("withdrawn"),
    "attendance_marked": _l("attendance marked"), "graded": _l("graded"),
    "previewed": _l("previewed"), "applied": _l("applied"), "overridden": _l("overridden"),
    "override_removed": _l("override removed"), "assigned": _l("assigned"),
    "bulk": _l("changed in bulk"),
    "requested": _l("requested"), "approved": _l("approved"),
    "rejected": _l("rejected"), "downloaded": _l("downloaded"), "finished": _l("finished"),
    "failed": _l("failed"), "unlocked": _l("sign-in locks lifted"),
    "recordings_swept": _l("recordings removed (retention)"),
}


def kind_labels() -> dict[str, object]:
    """Every object kind the log can hold, with its name (for the filter)."""
    labels = {tracked.kind: tracked.label for tracked in TRACKED.values()}
    labels.update(EXPLICIT_KINDS)
    return labels


#: Names of the columns that change most often, for the before → after list.
FIELD_LABELS = {
    "name": _l("Name"), "username": _l("User name"), "employee_no": _l("Employee number"),
    "email": _l("E-mail"), "active": _l("May sign in"), "password_hash": _l("Password"),
    "must_change_password": _l("Must change password"), "locale": _l("Language"),
    "time_zone": _l("Time zone"), "department_id": _l("Department"), "role": _l("Role"),
    "status": _l("Status"), "title": _l("Title"), "score": _l("Score"), "passed": _l("Passed"),
    "points": _l("Points"), "state": _l("State"), "revoked_at": _l("Revoked at"),
    "revoked_reason": _l("Reason for revoking"), "due_on": _l("Due on"),
    "deadline": _l("Deadline"), "value": _l("Value"), "code": _l("Code"),
    "user_id": _l("Person"), "hired_on": _l("Hired on"), "manual": _l("Grade"),
    "comment": _l("Comment"), "levels": _l("Levels"), "fraction": _l("Score"),
    "count": _l("Rows"), "ids": _l("Row numbers"), "reason": _l("Reason"),
    "note": _l("Note"), "rows": _l("Rows"), "format": _l("Format"), "what": _l("What"),
    "expires_at": _l("Expires at"), "issued_at": _l("Issued at"),
    "validity_days": _l("Validity (days)"), "opens_at": _l("Opens at"),
    "closes_at": _l("Closes at"), "pass_mark": _l("Pass mark"), "slug": _l("Short name"),
    "attendance": _l("Attendance"), "submitted_at": _l("Submitted at"),
    "applied_at": _l("Applied at"), "file": _l("File"), "files": _l("Files"),
    "path": _l("File"), "lock": _l("Lock"), "locks": _l("Locks"),
    "revision": _l("Schema revision"), "tables": _l("Tables"),
    "kind": _l("Kind"), "owner_id": _l("Owner"), "error": _l("Error"),
    "cancel_requested": _l("Cancel requested"), "published_at": _l("Published at"),
}


def field_label(key: str):
    """The name a person reads for a column (a plain rendering of the key if unknown)."""
    return FIELD_LABELS.get(key) or key.replace("_", " ")

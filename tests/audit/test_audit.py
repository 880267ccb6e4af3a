"""The audit log: captured changes with old → new, explicit events, filters, export, access."""

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from lms.audit import service
from lms.audit.models import AuditEvent
from lms.auth.models import User
from lms.exams import certificates
from lms.extensions import db
from tests.factories import make_user


def events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def test_an_edit_by_an_admin_records_who_where_and_old_to_new(client, auth, app):
    admin_id = auth.as_role("admin")
    with app.app_context():
        person = make_user(roles=["trainee"], name="Li Na", email="li@example.com")
        person_id, username, number = person.id, person.username, person.employee_no
    response = auth.post(f"/admin/users/{person_id}/edit", {
        "username": username, "employee_no": number, "name": "Li Na Wang",
        "email": "li@example.com", "department": "Hotline East", "roles": ["trainee", "trainer"],
        "active": "y", "locale": ""}, form_page=f"/admin/users/{person_id}/edit")
    assert response.status_code == 302
    with app.app_context():
        updated = events("user.updated")[-1]
        assert updated.actor_id == admin_id and updated.address == "127.0.0.1"
        assert updated.object_id == person_id
        assert updated.old == {"name": "Li Na"} and updated.new == {"name": "Li Na Wang"}
        assert updated.source == "admin.edit_user"
        granted = events("user.role_granted")[-1]
        assert granted.object_id == person_id and granted.new["role"] == "trainer"


def test_a_password_reset_is_recorded_without_the_hash(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        person_id = make_user(roles=["trainee"]).id
    assert auth.post(f"/admin/users/{person_id}/reset-password",
                     form_page="/admin/users").status_code == 302
    with app.app_context():
        reset = events("user.password_reset")[-1]
        assert reset.new["password_hash"] == "•••" and reset.old["password_hash"] == "•••"
        assert reset.new["must_change_password"] is True
        stored = db.session.get(User, person_id).password_hash
        assert stored not in str(reset.old) + str(reset.new)


def test_certificates_issued_and_revoked_are_recorded(app_ctx):
    person = make_user(roles=["trainee"])
    certificate = certificates.issue(person.id, "course", 7, title={"zh": "回访", "en": "Callback"})
    db.session.commit()
    certificates.revoke(certificate, "manual")
    db.session.commit()
    issued, revoked = events("certificate.issued")[-1], events("certificate.revoked")[-1]
    assert issued.object_id == revoked.object_id == certificate.id
    assert issued.object_label == certificate.code and issued.new["user_id"] == person.id
    assert revoked.old == {"revoked_at": None, "revoked_reason": None}
    assert revoked.new["revoked_reason"] == "manual"


def test_a_rolled_back_change_leaves_no_event(app_ctx):
    person = make_user(roles=["trainee"])
    before = len(events())
    person.name = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert len(events()) == before


def test_many_rows_in_one_flush_become_one_bulk_event(app_ctx):
    from lms.admin.service import create_user

    for n in range(service.BULK_THRESHOLD + 5):
        create_user(username=f"bulk{n}", employee_no=f"B{n:04d}", name=f"Bulk {n}",
                    department=None, roles=["trainee"], password="correct-horse-1")
    db.session.commit()
    created = events("user.created")
    assert len(created) == 1 and created[0].new["count"] == service.BULK_THRESHOLD + 5


def test_events_are_append_only(app_ctx):
    make_user(roles=["trainee"])
    stored = events()[0]
    stored.action = "user.deleted"
    with pytest.raises(service.AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events()[0])
    with pytest.raises(service.AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_record_refuses_an_unknown_action(app_ctx):
    with pytest.raises(ValueError):
        service.record("user.teleported")


def _event_at(moment: datetime, action="setting.updated", actor=None) -> None:
    with service.acting_as(actor.id if actor else None):
        row = service.record(action, label="x", new={"value": 1})
    row.at = moment
    db.session.commit()


def test_filters_by_local_dates_who_action_and_kind(client, auth, app):
    auth.as_role("admin", name="Chief Admin", locale="en")
    with app.app_context():
        worker = make_user(roles=["trainer"], name="Zhao Trainer")
        # 17:30 UTC on 1 March is 01:30 on 2 March in Shanghai.
        _event_at(datetime(2026, 3, 1, 17, 30), actor=worker)
        _event_at(datetime(2026, 3, 1, 9, 0), action="backup.created")
    body = client.get("/admin/audit/?since=2026-03-02&until=2026-03-02").get_data(as_text=True)
    assert "Zhao Trainer" in body and "2026-03-02 01:30" in body
    body = client.get("/admin/audit/?until=2026-03-01").get_data(as_text=True)
    assert "Zhao Trainer" not in body
    body = client.get("/admin/audit/?who=zhao&kind=setting").get_data(as_text=True)
    assert "2026-03-02 01:30" in body and "2026-03-01 17:00" not in body
    body = client.get("/admin/audit/?verb=created&kind=backup").get_data(as_text=True)
    assert "2026-03-01 17:00" in body and "Zhao Trainer" not in body
    bad = client.get("/admin/audit/?since=2026-03-05&until=2026-03-01")
    assert bad.status_code == 400 and "before the start date" in bad.get_data(as_text=True)


def test_export_csv_and_xlsx_are_neutralised_and_audited(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        with service.acting_as(None):
            service.record("setting.updated", label="=HYPERLINK(\"x\")", new={"value": "=1+1"})
        db.session.commit()
    response = client.get("/admin/audit/?export=csv&kind=setting")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2
    assert rows[1][4].startswith("'=") and "'{" not in rows[1][6]
    xlsx = client.get("/admin/audit/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    with app.app_context():
        assert len(events("data_export.downloaded")) == 2


def test_downloading_a_learner_record_is_recorded(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        person_id = make_user(roles=["trainee"]).id
    response = client.get(f"/records/people/{person_id}/xlsx")
    assert response.status_code == 200
    with app.app_context():
        download = events("data_export.downloaded")[-1]
        assert download.new == {"what": "records.person_xlsx", "user_id": person_id}


@pytest.mark.parametrize("role", ["trainee", "trainer", "planner"])
def test_only_admins_see_the_log(client, auth, role):
    auth.as_role(role)
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/?export=csv").status_code == 403

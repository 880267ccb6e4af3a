"""Certificates: issued on course completion, PDF with the Chinese name, public check,
validity and recertification, cohort ZIP, a trainer's revocation. The full cycle (withdrawal,
reissue, renewal through the real services) is in ``test_certificate_cycle``."""

import io
import zipfile
from datetime import timedelta

from pypdf import PdfReader

from lms import signals
from lms.auth.models import utcnow
from lms.exams import certificates
from lms.exams.models import Certificate
from lms.extensions import db
from tests.factories import make_user

TITLE = {"zh": "服务标准入门", "en": "Service standards basics"}


def _complete(user_id, course_id=7, at=None):
    signals.course_completed.send("course", user_id=user_id, course_id=course_id,
                                  at=at or utcnow(), title=TITLE)
    db.session.commit()


def test_completion_issues_a_certificate_with_pdf_and_public_check(app, client):
    with app.app_context():
        holder = make_user(roles=["trainee"], name="王小明")
        _complete(holder.id)
        _complete(holder.id)  # a repeated signal issues nothing new
        issued = db.session.query(Certificate).all()
        assert len(issued) == 1
        code = issued[0].code
        with app.test_request_context():
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(
                certificates.certificate_pdf(issued[0]))).pages)
    assert "王小明" in text and "服务标准入门" in text and code in text
    public = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "王小明" in public and "服务标准入门" in public and "valid" in public
    assert client.get("/verify/NOPE-NOPE-NOPE").status_code == 404


def test_validity_and_recertification(app_ctx):
    holder = make_user(roles=["trainee"])
    certificates.set_validity("course", 7, 365)
    long_ago = utcnow() - timedelta(days=350)
    _complete(holder.id, at=long_ago)
    first = db.session.query(Certificate).one()
    assert first.expires_at == long_ago + timedelta(days=365)
    due = certificates.due_for_recertification(holder.id)
    assert [r.certificate.id for r in due] == [first.id] and 14 <= due[0].days_left <= 15
    assert [r.certificate.id for r in certificates.sweep()] == [first.id]
    assert certificates.sweep() == []  # reminded once
    _complete(holder.id)  # recertified before it lapses
    assert db.session.query(Certificate).count() == 2
    assert certificates.due_for_recertification(holder.id) == []
    db.session.refresh(first)
    assert first.superseded_by is not None and first.state == "superseded"
    assert [c.id for c in certificates.chain_of(first)] == [first.id, first.superseded_by.id]


def test_expired_certificate_is_shown_as_not_valid(app, client):
    with app.app_context():
        holder = make_user(roles=["trainee"], name="李四")
        certificates.set_validity("course", 7, 30)
        _complete(holder.id, at=utcnow() - timedelta(days=40))
        code = db.session.query(Certificate).one().code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "李四" in page and ("已过期" in page or "expired" in page)


def test_cohort_zip_and_expiring_list_for_the_trainee(app, client, auth):
    user_id = auth.as_role("trainee", name="赵六", department="Hotline East")
    with app.app_context():
        other = make_user(roles=["trainee"], department="Field South")
        certificates.set_validity("course", 7, 365)
        _complete(user_id, at=utcnow() - timedelta(days=340))
        _complete(other.id)
        department_id = db.session.get(type(other), user_id).department_id
    mine = client.get("/exams/mine").get_data(as_text=True)
    assert "服务标准入门" in mine and ("重新认证" in mine or "Recertification" in mine)
    trainer = make_trainer_client(app)
    archive = trainer.get(f"/exams/manage/certificates/cohort.zip?department={department_id}")
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 1 and names[0].endswith(".pdf")


def make_trainer_client(app):
    """A second client signed in as a trainer."""
    from tests.conftest import Auth

    other = app.test_client()
    Auth(other, app).as_role("trainer")
    return other


def test_a_trainer_revokes_a_certificate(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        holder = make_user(roles=["trainee"], name="钱七")
        _complete(holder.id)
        certificate = db.session.query(Certificate).one()
        certificate_id, code = certificate.id, certificate.code
    from tests.conftest import csrf_token

    token = csrf_token(client, "/exams/manage/certificates")
    response = client.post(f"/exams/manage/certificates/{certificate_id}/revoke",
                           data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "钱七" in page and ("已被撤销" in page or "revoked" in page)
    assert "培训师撤销了该证书" in page or "a trainer revoked it" in page
    with app.app_context():
        revoked = db.session.get(Certificate, certificate_id)
        assert revoked.revoked_at is not None and revoked.revoked_reason == "manual"
        assert certificates.current_certificate(revoked.user_id, "course", 7) is None


def test_an_aware_completion_time_is_accepted(app_ctx):
    from datetime import UTC, datetime

    holder = make_user(roles=["trainee"])
    signals.path_completed.send("path", user_id=holder.id, path_id=3,
                                at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    db.session.commit()
    certificate = db.session.query(Certificate).one()
    assert certificate.subject_kind == "path" and certificate.issued_at.hour == 8
    assert certificate.subject_title["en"] == "Learning path #3"


def test_a_trainer_sets_a_validity_period_by_picking_the_course_by_its_title(app, client, auth):
    from tests.conftest import csrf_token
    from tests.courses.factories import make_course

    auth.as_role("trainer")
    with app.app_context():
        course = make_course("validity-course")
        course_id, title = course.id, course.title["zh"]
    page = client.get("/exams/manage/certificates").get_data(as_text=True)
    assert title in page and "Course or path number" not in page and "课程或路径编号" not in page
    token = csrf_token(client, "/exams/manage/certificates")
    reply = client.post("/exams/manage/certificates", data={
        "csrf_token": token, "subject": f"course:{course_id}", "validity_days": "365"})
    assert reply.status_code == 302
    page = client.get("/exams/manage/certificates").get_data(as_text=True)
    assert f"{title}: 365" in page
    with app.app_context():
        assert certificates.validity_days("course", course_id) == 365
    refused = client.post("/exams/manage/certificates", data={
        "csrf_token": token, "subject": "course:999999", "validity_days": "30"})
    assert refused.status_code == 400 or "Validity period saved" not in refused.get_data(
        as_text=True)


def test_the_certificate_is_one_landscape_page_with_an_absolute_link_and_its_qr_code(app):
    app.config["SITE_URL"] = "https://academy.example.cn"
    try:
        with app.app_context():
            holder = make_user(roles=["trainee"], name="王小明")
            certificate = certificates.issue(holder.id, "course", 1,
                                             title={"zh": "回访", "en": "Callbacks"})
            db.session.commit()
            with app.test_request_context():
                reader = PdfReader(io.BytesIO(certificates.certificate_pdf(certificate)))
            code = certificate.code
    finally:
        app.config.pop("SITE_URL", None)
    (page,) = reader.pages  # one page, no half-empty second one
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = page.extract_text()
    assert f"https://academy.example.cn/verify/{code}" in text.replace("\n", "")
    assert "1 / 1" not in text  # no page counter on a certificate
    assert len(page.images) == 1  # the QR code (no logo set)

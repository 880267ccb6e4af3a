"""A team lead signs off the practical checklist of a person they lead (on-the-job
assessment), and cannot open the checklist of someone from another department."""

from datetime import timedelta

from lms.auth.models import Department
from lms.extensions import db
from lms.practice import service
from tests.factories import make_user
from tests.practice.factories import make_session, observe_all, onsite_course, trainees


def test_a_lead_signs_off_their_person_and_not_another_departments(app, client, auth):
    with app.app_context():
        course = onsite_course()
        trainer = make_user(roles=["trainer"], department="Training Center")
        own = trainees(course, 1, department="Hotline East", name="东区新人")[0]
        other = trainees(course, 1, department="Field Service South", name="南区新人")[0]
        practice = make_session(course, trainer, starts_in=timedelta(minutes=-30))
        for person in (own, other):
            enrolment = service.enrol(practice, person, trainer)
            service.mark_attendance(enrolment, "present", trainer)
        db.session.commit()
        lead = make_user(roles=["lead"], department="Hotline East")
        lead.led_departments = [Department.get_or_create("Hotline East")]
        db.session.commit()
        observe_all(course, own, trainer)
        own_id, other_id, username = own.id, other.id, lead.username
    auth.login(username)
    index = client.get("/practice/").get_data(as_text=True)
    assert "东区新人" in index and "南区新人" not in index
    mine = f"/practice/checklists/onsite-practice/{own_id}"
    assert client.get(mine).status_code == 200
    assert client.get(f"/practice/checklists/onsite-practice/{other_id}").status_code == 403
    signed = auth.post(mine + "/sign-off", {}, form_page=mine)
    assert signed.status_code in (200, 302)
    with app.app_context():
        from lms.practice.checklists import find

        course = onsite_course()
        assert find(course, own_id).signed_off_at is not None
    refused = auth.post(f"/practice/checklists/onsite-practice/{other_id}/sign-off", {},
                        form_page=mine)
    assert refused.status_code == 403

"""Activity references resolve: imports, the editor and ``courses check`` refuse what names nothing;
the shipped content names only what exists; results reach their course step."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from lms import activities
from lms.auth.models import User
from lms.courses import content_service, references
from lms.courses.bundle import CONTENT_DIR, write_course_dir
from lms.courses.bundle_model import ACTIVITY_REF_PREFIX
from lms.courses.models import Activity, Course
from lms.exams.models import Exam
from lms.extensions import db
from tests.courses.factories import assign_to, make_course, make_exam, small_bundle
from tests.courses.helpers import COURSE_YAML, line_of, make_zip, valid_course_files

REF_LINE = line_of(COURSE_YAML, "ref: exam:callback-basics-final")


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Course.id))),
            db.session.scalar(select(func.count(Activity.id))))


# --- the bundle import -----------------------------------------------------------------------


def test_zip_import_naming_a_missing_exam_is_refused_with_file_and_line(client, auth, app):
    auth.as_role("trainer", locale="en")
    response = auth.post("/courses/manage/import", {
        "file": (io.BytesIO(make_zip(valid_course_files())), "course.zip")},
        form_page="/courses/manage/import", content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"course.yaml:{REF_LINE}" in body
    assert "ref &#39;exam:callback-basics-final&#39; names no exam that exists" in body
    assert 'name="token"' not in body  # no preview to confirm
    with app.app_context():
        assert _counts() == (0, 0)


def test_zip_import_confirm_rechecks_and_stores_nothing_when_the_exam_went_away(client, auth,
                                                                              app):
    auth.as_role("trainer")
    with app.app_context():
        exam_id = make_exam().id
    preview = auth.post("/courses/manage/import", {
        "file": (io.BytesIO(make_zip(valid_course_files())), "course.zip")},
        form_page="/courses/manage/import", content_type="multipart/form-data")
    assert preview.status_code == 200
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"',
                      preview.get_data(as_text=True)).group(1)
    with app.app_context():
        db.session.delete(db.session.get(Exam, exam_id))
        db.session.commit()
    done = auth.post("/courses/manage/import/confirm", {"token": token},
                     form_page="/courses/manage")
    assert done.status_code == 302 and done.location.endswith("/courses/manage/import")
    page = client.get(done.location).get_data(as_text=True)
    assert f"course.yaml:{REF_LINE}" in page and "exam:callback-basics-final" in page
    with app.app_context():
        assert _counts() == (0, 0)


def test_loading_a_folder_with_a_missing_ref_names_it_and_loads_nothing(runner, app, tmp_path):
    bundle = small_bundle(**{"exam:callback-basics-final": "exam:no-such-final"})
    write_course_dir(bundle, tmp_path / "content" / "callback-basics")
    result = runner.invoke(args=["courses", "load", "--lang", "en", str(tmp_path / "content")])
    assert result.exit_code != 0
    assert f"callback-basics/course.yaml:{REF_LINE}: ref 'exam:no-such-final' names no exam" \
        in result.output
    assert "nothing was loaded" in result.output
    with app.app_context():
        assert _counts() == (0, 0)


def test_a_course_may_name_its_own_practical_assessment(app_ctx, tmp_path):
    # practice:<slug> names a course with lesson checklists: it resolves once the course is in
    # place, so the loader checks references after putting the courses in the session.
    make_exam()
    yaml_text = COURSE_YAML.replace("activities:\n", """activities:
  - kind: practice
    ref: practice:callback-basics
    title:
      zh: 回访基础
      en: Callback basics
    delivery_mode: offline_practice
    planned_hours: 0
    required: true
""")
    files = valid_course_files()
    files["course.yaml"] = yaml_text.encode()
    folder = tmp_path / "callback-basics"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    content_service.load_content(folder, status="draft")
    course = db.session.scalar(select(Course))
    assert {a.ref for a in course.activities} == {"exam:callback-basics-final",
                                                  "practice:callback-basics"}


# --- the course editor -----------------------------------------------------------------------


@pytest.fixture
def course_id(app):
    with app.app_context():
        make_exam()
        make_exam("technical-skills-final", {"zh": "技术技能结业考试",
                                             "en": "Technical skills final exam"})
        return make_course().id


def test_editor_refuses_a_reference_that_names_nothing_on_the_field(client, auth, app,
                                                                    course_id):
    auth.as_role("trainer", locale="en")
    url = f"/courses/manage/courses/{course_id}/activities/new"
    response = auth.post(url, {"ref": "exam:does-not-exist", "delivery_mode": "online",
                               "planned_hours": "1", "required": "y"}, form_page=url)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="ref-error" role="alert">([^<]*)</p>', body)
    assert error and "names no exam that exists" in error.group(1)
    assert "callback-basics-final" in error.group(1)  # what exists instead
    with app.app_context():
        assert db.session.scalar(select(func.count(Activity.id))) == 1  # the bundle's own


def test_picker_lists_what_exists_grouped_by_kind_with_titles_not_keys(client, auth, app,
                                                                      course_id):
    auth.as_role("trainer")
    body = client.get(f"/courses/manage/courses/{course_id}/activities/new").get_data(
        as_text=True)
    select_html = re.search(r'<select[^>]*name="ref".*?</select>', body, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">', select_html)
    assert groups[:1] == ["考试"]
    assert {"角色扮演演练", "应急演练", "问卷", "实操考核"} <= set(groups)
    options = dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html))
    assert options["exam:technical-skills-final"] == "技术技能结业考试"
    assert options["drill:group_complaint_surge"] == "群体投诉激增"
    assert options["roleplay:ac_failed_again_after_repair"] == "空调修好后再次故障"
    assert all(label.strip() and label != value for value, label in options.items() if value)


def test_picking_an_exam_stores_its_reference_kind_and_title(client, auth, app, course_id):
    from lms.exams.models import ExamAssignment
    from tests.factories import make_user

    with app.app_context():
        trainee = make_user(roles=["trainee"])
        trainee_id = trainee.id
        assign_to(db.session.get(Course, course_id), trainee)
    auth.as_role("trainer")
    url = f"/courses/manage/courses/{course_id}/activities/new"
    response = auth.post(url, {"ref": "exam:technical-skills-final", "delivery_mode": "online",
                               "planned_hours": "1", "required": "y"}, form_page=url)
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(
            Activity.ref == "exam:technical-skills-final"))
        assert activity.kind == "exam" and activity.required
        assert activity.title == {"zh": "技术技能结业考试", "en": "Technical skills final exam"}
        # Already assigned people get the new exam on their list, as an assignment would do.
        assert db.session.scalar(select(ExamAssignment).where(
            ExamAssignment.user_id == trainee_id,
            ExamAssignment.exam_id == activity_exam_id(activity.ref)))


def activity_exam_id(ref: str) -> int:
    return db.session.scalar(select(Exam.id).where(Exam.slug == ref.split(":", 1)[1]))


def test_editor_shows_a_stored_reference_that_names_nothing(client, auth, app, course_id):
    auth.as_role("trainer", locale="en")
    with app.app_context():
        db.session.delete(db.session.scalar(select(Exam).where(
            Exam.slug == "callback-basics-final")))
        db.session.commit()
        activity_id = db.session.scalar(select(Activity.id))
    editor = client.get(f"/courses/manage/courses/{course_id}").get_data(as_text=True)
    assert "names no exam that exists" in editor
    form = client.get(f"/courses/manage/activities/{activity_id}").get_data(as_text=True)
    assert "exam:callback-basics-final (names nothing)" in form


# --- flask courses check ---------------------------------------------------------------------


def test_courses_check_passes_on_the_shipped_content_from_an_empty_database(runner, app):
    result = runner.invoke(args=["courses", "check", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Every activity reference resolves." in result.output
    with app.app_context():  # a check stores nothing
        assert _counts() == (0, 0)
        assert db.session.scalar(select(func.count(Exam.id))) == 0


def test_courses_check_names_a_stored_course_with_a_broken_ref(runner, app):
    with app.app_context():
        make_course()  # names exam:callback-basics-final, which does not exist
    result = runner.invoke(args=["courses", "check", "--lang", "en"])
    assert result.exit_code == 1
    assert ("Callback basics (callback-basics), activity 1 “Final exam”: ref "
            "'exam:callback-basics-final' names no exam that exists") in result.output
    assert "1 stored activity reference(s)" in result.output


def test_courses_check_names_file_and_line_of_a_broken_course_file(runner, app, tmp_path):
    bundle = small_bundle(**{"exam:callback-basics-final": "exam:gone"})
    write_course_dir(bundle, tmp_path / "callback-basics")
    result = runner.invoke(args=["courses", "check", "--lang", "zh",
                                 str(tmp_path / "callback-basics")])
    assert result.exit_code == 1
    assert f"course.yaml:{REF_LINE}: 引用 'exam:gone' 找不到对应的考试" in result.output


# --- the shipped content ---------------------------------------------------------------------


def test_every_kind_of_the_bundle_format_is_registered_with_its_prefix(app_ctx):
    registered = activities.kinds()
    for kind, prefix in ACTIVITY_REF_PREFIX.items():
        assert registered[prefix].activity_kind == kind


def test_every_shipped_reference_resolves_and_links_to_where_it_is_done(app):
    with app.test_request_context():
        content_service.load_content()
        stored = db.session.scalars(select(Activity)).all()
        assert len(stored) == 10
        assert references.stored_problems() == []
        for activity in stored:
            assert references.refusal(activity.ref, activity.kind) is None, activity.ref
            if activity.kind != "survey":  # the survey's page is per course (course page)
                assert references.link_of(activity), activity.ref


def test_the_references_features_send_are_the_ones_courses_name(app_ctx):
    from lms.evaluation.service import SURVEY_REF
    from lms.exams.shipped import shipped_refs

    assert SURVEY_REF == "survey:post-course"
    shipped = {a.ref for c in content_service.bundles.read_content_dir(CONTENT_DIR)[0]
               for a in c.activities}
    assert {ref for ref in shipped if ref.startswith("exam:")} <= shipped_refs()


def test_a_drill_finished_with_a_score_reaches_its_course_step_as_done(app, client, auth):
    from lms.courses import progress
    from lms.drills import replay, scoring, service
    from tests.drills.factories import let_time_pass, make_drill

    user_id = auth.as_role("trainee")
    with app.test_request_context():
        content_service.load_content(CONTENT_DIR / "emergency-handling")
        course = db.session.scalar(select(Course).where(Course.slug == "emergency-handling"))
        trainee = db.session.get(User, user_id)
        assign_to(course, trainee)
        drill = make_drill(trainee=trainee)
        service.control(drill, "start")
        db.session.commit()
        let_time_pass(drill, 12.5)  # after the onset, as the drill tests play it
        service.take_action(drill, trainee, "report_manager", {})
        service.take_action(drill, trainee, "activate_emergency_plan", {})
        for raw in scoring.reference_actions(replay.scenario_of(drill))[1:]:
            service.take_action(drill, trainee, raw["type"], raw["params"])
        db.session.commit()
        service.control(drill, "finish")  # the real scoring path sends activity_result
        db.session.commit()
        assert drill.score and drill.score >= scoring.PASS_MARK
        state = progress.book_for(user_id).progress(user_id, course)
        steps = {step.ref: step.done for step in state.steps if step.ref}
        assert steps["drill:group_complaint_surge"] is True
        assert steps["drill:quality_recall"] is False
    page = client.get("/courses/c/emergency-handling").get_data(as_text=True)
    item = re.search(r'<li data-ref="drill:group_complaint_surge">.*?</li>', page, re.S).group(0)
    assert 'href="/drills/"' in item and "✓" in item

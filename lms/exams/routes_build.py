"""Building an exam: its settings, the questions picked from the bank, draw rules with a
mark per slot, who takes it; and the warning before the questions of an exam with attempts
change. The pickers' state lives in ``exam_builder``."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.access import roles_required
from lms.exams import bank_service, exam_admin, exam_builder, exam_service
from lms.exams.forms import ExamForm
from lms.exams.models import Exam, default_review
from lms.exams.routes import bp
from lms.exams.routes_manage import (
    FIRST_YEAR,
    LAST_YEAR,
    TRAINERS,
    _exam_or_404,
    _fill_exam,
    form_errors,
    utc_to_local,
)
from lms.extensions import db


def _form_from_exam(form: ExamForm, exam: Exam) -> None:
    form.process(obj=exam)
    form.title_zh.data, form.title_en.data = exam.title.get("zh"), exam.title.get("en")
    form.pass_mark.data = round(exam.pass_mark * 100)
    form.opens_at.data, form.closes_at.data = utc_to_local(exam.opens_at), \
        utc_to_local(exam.closes_at)
    form.pairing_key.data = exam.pairing_key or ""
    form.fixed_keys.data = form.draws.data = form.departments.data = form.employees.data = ""
    exam_admin.review_to_form(form, exam.review)


def _plan_errors(form: ExamForm, exam: Exam | None, plan) -> list[str]:
    duplicate = db.session.scalar(select(Exam).where(Exam.slug == form.slug.data))
    errors = plan.errors + ([_("Another exam uses the key %(key)s.", key=form.slug.data)]
                            if duplicate is not None and duplicate is not exam else [])
    if form.opens_at.data and form.closes_at.data and \
            form.closes_at.data <= form.opens_at.data:
        errors.append(_("The exam must close after it opens."))
    errors += [_("%(field)s: give a date between %(first)d and %(last)d.",
                 field=field.label.text, first=FIRST_YEAR, last=LAST_YEAR)
               for field in (form.opens_at, form.closes_at)
               if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR]
    return errors


def _questions_change(exam: Exam | None, plan) -> bool:
    """Whether saving would change the questions of an exam that has attempts."""
    if exam is None or not exam_service.attempts_count(exam):
        return False
    return exam_admin.items_signature(exam.items) != exam_admin.items_signature(plan.items)


def _exam_form(exam: Exam | None):
    form = ExamForm()
    errors, found, status = [], None, 200
    if request.method == "POST":
        picked = exam_builder.picked_from_post(request.form, form)
        browsing = request.form.get("find") or request.form.get("add_picked")
        if request.form.get("add_picked"):
            exam_builder.add_ticked(picked, request.form)
        if browsing:
            found = bank_service.find_questions(
                bank_service.filter_from_args(exam_builder.finder_args(request.form)))
        elif form.validate_on_submit():
            plan = exam_admin.check_plan(form.fixed_keys.data, form.draws.data,
                                         form.departments.data, form.employees.data, picked)
            errors = _plan_errors(form, exam, plan)
            if not errors and _questions_change(exam, plan) and not form.confirm_change.data:
                errors.append(_("This exam has attempts. Tick the box below the questions to "
                                "change them: attempts already made keep their questions."))
            if not errors:
                target = exam or Exam(created_by_id=current_user.id, title={})
                _fill_exam(target, form)
                exam_admin.apply_plan(target, plan)
                db.session.add(target)
                db.session.commit()
                flash(_("Exam saved."), "success")
                return redirect(url_for("exams.manage_exam", exam_id=target.id))
            status = 400
        else:
            errors, status = form_errors(form), 400
        exam_builder.spare_rows(form)
    else:
        picked = exam_builder.Picked()
        if exam is not None:
            _form_from_exam(form, exam)
            picked = exam_admin.picked_of(exam)
            form.user_ids.data, form.department_ids.data = picked.user_ids, \
                picked.department_ids
        else:
            exam_admin.review_to_form(form, default_review())
        exam_builder.fill_rules(form, picked)
    exam_builder.set_choices(form)
    return render_template(
        "exams/exam_form.html", form=form, exam=exam, errors=errors,
        fixed=exam_builder.fixed_rows(picked), found=found,
        has_attempts=bool(exam and exam_service.attempts_count(exam)),
        finder=exam_builder.finder_args(request.form) if request.method == "POST" else {},
        **_bank_choices()), status


def _bank_choices() -> dict:
    from lms.exams.routes_bank import bank_choices

    return bank_choices()


@bp.route("/exams/manage/new", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_exam_new():
    """Create an exam."""
    return _exam_form(None)


@bp.route("/exams/manage/<int:exam_id>/edit", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_exam_edit(exam_id: int):
    """Change an exam's settings, questions and assignment."""
    return _exam_form(_exam_or_404(exam_id))



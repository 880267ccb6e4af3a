"""Trainer pages: exams (settings, results, extra time, item analysis, exports), the essay
queue, transcripts and certificates."""

from datetime import datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, to_user_timezone, to_utc
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth import scope
from lms.auth.access import roles_required
from lms.auth.models import Department, utcnow
from lms.exams import (
    certificates,
    exam_admin,
    exam_service,
    extra_time,
    grading,
    overrides,
    results,
)
from lms.exams.attempts import AttemptRefused
from lms.exams.forms import ConfirmForm, ExamForm, ExtensionForm, ManualGradeForm, ValidityForm
from lms.exams.models import (
    Attempt,
    AttemptExtension,
    AttemptQuestion,
    AttemptState,
    Certificate,
    Exam,
)
from lms.exams.routes import bp, language, review_items
from lms.extensions import db
from lms.home.widgets import register_widget
from lms.i18n import localized
from lms.tabular import CSV_MIMETYPE, XLSX_MIMETYPE, download_response, write_csv, write_xlsx
from question_bank.grading import ReviewOptions
from question_bank.model import QuestionType
from question_bank.qtypes import kind_of

TRAINERS = ("trainer", "admin")
#: Years a trainer may type for an exam's or an override's window (a typo is refused).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def local_to_utc(value: datetime | None) -> datetime | None:
    """A time typed in local time (the site's zone, or the user's own) as naive UTC."""
    return to_utc(value) if value is not None else None


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored UTC time as naive local time, for a form's datetime box."""
    return to_user_timezone(value).replace(tzinfo=None) if value is not None else None


def _trainer_widget(user) -> dict:
    """The trainer's exam panel: how many essays wait in the grading queue."""
    return {"essays_waiting": len(grading.grading_queue())}


register_widget("trainer", "exams/_trainer_widget.html", _trainer_widget, order=30)


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort(404)
    return exam


@bp.route("/exams/manage")
@roles_required(*TRAINERS)
def manage():
    """All exams with their attempts count, and the way to the bank, queue and certificates."""
    exams = db.session.scalars(select(Exam).order_by(Exam.created_at.desc(), Exam.id)).all()
    return render_template("exams/manage.html", exams=exams,
                           counts={e.id: exam_service.attempts_count(e) for e in exams},
                           queue=len(grading.grading_queue()))


def _fill_exam(exam: Exam, form: ExamForm) -> None:
    exam.slug = form.slug.data
    exam.title = {"zh": form.title_zh.data.strip(), "en": form.title_en.data.strip()}
    exam.pass_mark = form.pass_mark.data / 100
    exam.time_limit_minutes = form.time_limit_minutes.data
    exam.opens_at, exam.closes_at = local_to_utc(form.opens_at.data), \
        local_to_utc(form.closes_at.data)
    exam.attempts_allowed = form.attempts_allowed.data
    exam.grading_method, exam.test_kind = form.grading_method.data, form.test_kind.data
    exam.pairing_key = form.pairing_key.data.strip() or None
    exam.questions_per_page = form.questions_per_page.data
    exam.shuffle_questions = form.shuffle_questions.data
    exam.shuffle_options = form.shuffle_options.data
    exam.review = exam_admin.review_from_form(form)


def form_errors(form) -> list[str]:
    """One line per refused field of a posted form (an expired form token included)."""
    lines = []
    for name, messages in form.errors.items():
        if name == "csrf_token":
            lines.append(_("The form has expired; send it again."))
            continue
        field = getattr(form, name, None)
        label = field.label.text if field is not None else name
        if messages and isinstance(messages[0], dict):  # rows of a FieldList
            for number, row in enumerate(messages, start=1):
                for inner, texts in (row or {}).items():
                    sub = getattr(field.entries[number - 1].form, inner, None)
                    lines.append(f"{label} {number}, {sub.label.text if sub else inner}: "
                                 f"{' '.join(str(m) for m in texts)}")
            continue
        lines.append(f"{label}: {' '.join(str(m) for m in messages)}")
    return lines


def _results_page(exam: Exam, extension_errors=(), status: int = 200):
    """The results page of ``exam``, with the extra-time forms and their audit trail."""
    now = utcnow()
    chart = results.distribution_chart(exam, _("Score distribution"), _("Score (%)"),
                                       _("Attempts"))
    attempts = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id)
                                  .options(selectinload(Attempt.user),
                                           selectinload(Attempt.extensions))
                                  .order_by(Attempt.started_at.desc())).all()
    extendable = {a.id for a in attempts if a.deadline is not None and (
        a.is_open or (a.state == AttemptState.CLOSED_BY_TIMER
                      and extra_time.reopen_refusal(a) is None))}
    extensions = db.session.scalars(select(AttemptExtension).join(Attempt).where(
        Attempt.exam_id == exam.id).order_by(AttemptExtension.id.desc())).all()
    return render_template(
        "exams/exam_results.html", exam=exam, attempts=attempts, chart=chart,
        shortfall=exam_service.draw_shortfall(exam), gain=results.paired_gain(exam),
        overview=results.overview(exam),
        count=exam_service.question_count(exam), extendable=extendable,
        extensions=extensions, extension_errors=list(extension_errors),
        override_count=len(overrides.overrides_of(exam)),
        running=sum(1 for a in attempts if a.is_open and a.deadline is not None),
        confirm=ConfirmForm(), now=now), status


@bp.route("/exams/manage/<int:exam_id>")
@roles_required(*TRAINERS)
def manage_exam(exam_id: int):
    """Results of one exam: every attempt, the score distribution, extra time given."""
    return _results_page(_exam_or_404(exam_id))


def extension_refusal_text(refused: AttemptRefused) -> str:
    """Why an attempt could not be given extra time, for the trainer."""
    return {
        "untimed": _("This attempt has no time limit, so there is no deadline to move."),
        "too_short": ngettext("Its deadline passed longer ago than that: give at least "
                              "%(num)d minute.",
                              "Its deadline passed longer ago than that: give at least %(num)d "
                              "minutes.", refused.params.get("needed", 1)),
        "submitted": _("The trainee submitted this attempt; a submitted attempt is not "
                       "reopened."),
        "review_revealed": _("The trainee has seen how this attempt was marked, so it cannot "
                             "be reopened."),
        "later_attempt": _("The trainee has started a later attempt, so this one cannot be "
                           "reopened."),
        "graded_by_trainer": _("A trainer has graded part of this attempt, so it cannot be "
                               "reopened."),
        "bad_minutes": _("Give between 1 and 600 extra minutes."),
        "bad_reason": _("Say why (at most 500 characters)."),
    }.get(refused.code, _("Bad request"))


def _extension_form_or_errors() -> tuple[ExtensionForm, list[str]]:
    form = ExtensionForm()
    return form, ([] if form.validate_on_submit() else form_errors(form))


@bp.route("/exams/manage/attempts/<int:attempt_id>/extend", methods=["POST"])
@roles_required(*TRAINERS)
def manage_extend_attempt(attempt_id: int):
    """Give one attempt extra minutes with a reason (audited); may reopen a timed-out one."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    form, errors = _extension_form_or_errors()
    if errors:
        return _results_page(attempt.exam, errors, 400)
    try:
        extension = extra_time.extend_attempt(attempt.id, form.minutes.data, form.reason.data,
                                              current_user.id)
    except AttemptRefused as refused:
        db.session.rollback()
        return _results_page(attempt.exam, [extension_refusal_text(refused)], refused.status)
    flash(_("%(name)s has %(n)d more minutes (attempt %(number)d).", name=attempt.user.name,
            n=extension.minutes, number=attempt.number), "success")
    return redirect(url_for("exams.manage_exam", exam_id=attempt.exam_id))


@bp.route("/exams/manage/<int:exam_id>/extend", methods=["POST"])
@roles_required(*TRAINERS)
def manage_extend_exam(exam_id: int):
    """Give every running attempt of the exam extra minutes (a classroom-wide outage)."""
    exam = _exam_or_404(exam_id)
    form, errors = _extension_form_or_errors()
    if errors:
        return _results_page(exam, errors, 400)
    try:
        outcome = extra_time.extend_exam(exam, form.minutes.data, form.reason.data,
                                         current_user.id)
    except AttemptRefused as refused:
        db.session.rollback()
        return _results_page(exam, [extension_refusal_text(refused)], refused.status)
    flash(ngettext("%(num)d attempt has %(n)d more minutes.",
                   "%(num)d attempts have %(n)d more minutes.", len(outcome.extended),
                   n=form.minutes.data), "success" if outcome.extended else "info")
    for attempt, refused in outcome.skipped:
        flash(f"{attempt.user.name} ({_('attempt %(n)d', n=attempt.number)}): "
              f"{extension_refusal_text(refused)}", "warning")
    return redirect(url_for("exams.manage_exam", exam_id=exam.id))


@bp.route("/exams/manage/<int:exam_id>/items")
@roles_required(*TRAINERS)
def manage_items(exam_id: int):
    """Item analysis: facility, discrimination, reliability, distractors, and where to look."""
    exam = _exam_or_404(exam_id)
    statistics, labels = results.item_analysis_for(exam)
    option_names = {option_id: text for label in labels.values()
                    for option_id, text in label["options"].items()}
    return render_template("exams/items.html", exam=exam, stats=statistics, labels=labels,
                           option_names=option_names)


@bp.route("/exams/manage/<int:exam_id>/items.<any(csv, xlsx):kind>")
@roles_required(*TRAINERS)
def manage_export_items(exam_id: int, kind: str):
    """The item analysis as CSV or XLSX (a row per question, then per option)."""
    exam = _exam_or_404(exam_id)
    headers, rows = results.item_analysis_rows(exam, language())
    name = f"{localized(exam.title)} {_('item analysis')}.{kind}"
    if kind == "csv":
        return download_response(write_csv(rows, headers), name, CSV_MIMETYPE)
    return download_response(write_xlsx(rows, headers, sheet_title=_("Items")), name,
                             XLSX_MIMETYPE)


@bp.route("/exams/manage/<int:exam_id>/results.<any(csv, xlsx):kind>")
@roles_required(*TRAINERS)
def manage_export_results(exam_id: int, kind: str):
    """Every attempt of an exam as CSV or XLSX."""
    exam = _exam_or_404(exam_id)
    disposition = {"Content-Disposition": f"attachment; filename={exam.slug}-results.{kind}"}
    if kind == "csv":
        return Response(results.export_csv(exam), mimetype="text/csv; charset=utf-8",
                        headers=disposition)
    return Response(results.export_xlsx(exam), headers=disposition, mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


@bp.route("/exams/manage/<int:exam_id>/responses.<any(csv, xlsx):kind>")
@roles_required(*TRAINERS)
def manage_export_responses(exam_id: int, kind: str):
    """Every response to every question of the exam's closed attempts, as CSV or XLSX."""
    exam = _exam_or_404(exam_id)
    lang = request.args.get("lang") if request.args.get("lang") in ("zh", "en") else language()
    data = results.export_responses(exam, kind, lang)
    return download_response(data, f"{exam.slug}-responses.{kind}",
                             CSV_MIMETYPE if kind == "csv" else XLSX_MIMETYPE)


@bp.route("/exams/manage/attempts/<int:attempt_id>")
@roles_required(*TRAINERS)
def manage_attempt(attempt_id: int):
    """A trainee's attempt with everything shown (score, correctness, feedback, key)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    if attempt.is_open:
        flash(_("This attempt is still in progress."), "info")
        return redirect(url_for("exams.manage_exam", exam_id=attempt.exam_id))
    return attempt_page(attempt)


def attempt_page(attempt: Attempt, errors=(), status: int = 200):
    """The trainer's view of a closed attempt, with reopen and mark forms (and refusals)."""
    from lms.exams.routes_overrides import attempt_tools

    show = ReviewOptions()
    return render_template("exams/review.html", attempt=attempt, exam=attempt.exam, show=show,
                           items=review_items(attempt, show, language()), trainer=True,
                           tools=attempt_tools(attempt), errors=list(errors)), status


@bp.route("/exams/manage/grading")
@roles_required(*TRAINERS)
def manage_grading():
    """Essays waiting for a trainer, oldest first."""
    return render_template("exams/grading_queue.html", queue=grading.grading_queue())


def _essays(question):
    if question.type == QuestionType.ESSAY:
        return [("", question)]
    return [(sub.key, sub) for sub in question.subquestions if sub.type == QuestionType.ESSAY]


def _manual_from_form(question, form) -> float | dict | None:
    values = {}
    for key, _essay in _essays(question):
        raw = form.get(f"fraction-{key}" if key else "fraction", "")
        try:
            percent = float(raw)
        except ValueError:
            return None
        if not 0 <= percent <= 100:
            return None
        values[key] = percent / 100
    return values[""] if question.type == QuestionType.ESSAY else values


@bp.route("/exams/manage/grading/<int:slot_id>", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_grade(slot_id: int):
    """Grade one essay against its rubric, with a comment for the trainee."""
    slot = db.session.get(AttemptQuestion, slot_id)
    if slot is None or slot.attempt.is_open:
        abort(404)
    question, _grade = grading.grade_slot(slot)
    form = ManualGradeForm()
    error = ""
    if form.validate_on_submit():
        manual = _manual_from_form(question, request.form)
        if manual is None:
            error = _("Give a percentage from 0 to 100 for each essay.")
        else:
            grading.record_manual_grade(slot, manual, form.comment.data or "", current_user.id)
            if overrides.mark_overrides_of(slot.attempt):  # regrading must keep them
                overrides.apply_marks(slot.attempt)
                if not slot.attempt.needs_grading:
                    grading.announce_standing(slot.attempt.user_id, slot.attempt.exam)
            db.session.commit()
            flash(_("Grade saved."), "success")
            return redirect(url_for("exams.manage_grading"))
    elif request.method == "POST":
        error = " ".join(form_errors(form))
    elif slot.manual_grade:
        form.comment.data = slot.manual_grade.comment
    response = slot.answer.response if slot.answer else None
    essays = [{"key": key, "text": essay.text.get(language()),
               "rubric": kind_of(essay).grader_info_html(essay, language()),
               "answer": (response.get(key) if isinstance(response, dict) else response) or ""}
              for key, essay in _essays(question)]
    return render_template("exams/grade.html", slot=slot, form=form, essays=essays,
                           error=error), 400 if error else 200


@bp.route("/exams/manage/people/<int:user_id>")
@roles_required(*TRAINERS, "lead")
def manage_transcript(user_id: int):
    """One trainee's transcript: every attempt and certificate (a team lead: of the people
    they lead only)."""
    person = scope.person_or_404(current_user, user_id)
    return render_template("exams/transcript.html", person=person,
                           attempts=results.transcript(person.id),
                           certificates=certificates.certificates_of(person.id))


@bp.route("/exams/manage/certificates", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_certificates():
    """Issued certificates, renewals due, validity periods, and a cohort ZIP download."""
    form = ValidityForm()
    subjects = certificates.subjects()
    kinds = {"path": _("Learning path"), "course": _("Course")}
    form.subject.choices = [(s.value, f"{kinds[s.kind]} · {localized(s.title)}")
                            for s in subjects]
    if form.validate_on_submit():
        kind, subject_id = form.subject.data.split(":", 1)
        certificates.set_validity(kind, int(subject_id), form.validity_days.data)
        db.session.commit()
        flash(_("Validity period saved."), "success")
        return redirect(url_for("exams.manage_certificates"))
    issued = db.session.scalars(select(Certificate).order_by(Certificate.issued_at.desc())
                                .limit(200)).all()
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render_template("exams/certificates.html", issued=issued, form=form,
                           subjects=[s for s in subjects if s.validity_days],
                           renewals=certificates.due_for_recertification(),
                           departments=departments, is_valid=certificates.is_valid,
                           confirm=ConfirmForm(),
                           soon=utcnow() + timedelta(days=30))


@bp.route("/exams/manage/certificates/cohort.zip")
@roles_required(*TRAINERS)
def manage_cohort_zip():
    """Every valid certificate of a department as one ZIP of PDFs."""
    department = request.args.get("department", type=int)
    if department is not None and not 1 <= department <= 2**31 - 1:
        abort(404)
    data, _count = certificates.cohort_zip(department)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=certificates.zip"})



@bp.route("/exams/manage/certificates/<int:certificate_id>/revoke", methods=["POST"])
@roles_required(*TRAINERS)
def manage_revoke_certificate(certificate_id: int):
    """Revoke a certificate (issued by mistake); the public check then says so."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    certificate.revoked = True
    db.session.commit()
    flash(_("Certificate %(code)s revoked.", code=certificate.code), "success")
    return redirect(url_for("exams.manage_certificates"))

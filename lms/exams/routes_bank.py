"""Trainer pages of the question bank: browse, preview, edit (new version), import, export,
and regrade after a key correction."""

import dataclasses
import random

import yaml
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.auth.access import roles_required
from lms.exams import bank_service, choice_form, grading, transfer
from lms.exams.forms import ChoiceQuestionForm, ConfirmForm, ImportForm, QuestionForm
from lms.exams.models import Question, QuestionVersion, RegradeRun
from lms.exams.routes import bp, language
from lms.extensions import db
from lms.tabular import content_disposition
from question_bank import qtypes
from question_bank.formats.yaml_native import read_yaml
from question_bank.grading import ReviewOptions
from question_bank.model import Curriculum, Difficulty, QuestionType

TRAINERS = ("trainer", "admin")


def _question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


def bank_filter(args) -> bank_service.BankFilter:
    """The bank filter of a query string (the bank page and the exam's question picker)."""
    return bank_service.filter_from_args(args)


def bank_choices() -> dict:
    """What the filter boxes offer."""
    return {"categories": bank_service.categories(), "tags": bank_service.all_tags(),
            "types": [t.value for t in QuestionType], "difficulties": [d.value for d in Difficulty],
            "curricula": [c.value for c in Curriculum]}


@bp.route("/exams/manage/questions")
@roles_required(*TRAINERS)
def manage_questions():
    """The bank, a page at a time: full-text search and filters (category subtree, several
    tags, type, difficulty, curriculum, status), with usage and facility per question."""
    wanted = bank_filter(request.args)
    found = bank_service.find_questions(wanted)
    return render_template(
        "exams/bank.html", found=found, questions=found.questions, wanted=wanted,
        usage=bank_service.usage_of(q.id for q in found.questions),
        page_args={k: request.args.getlist(k) for k in request.args if k != "page"},
        export_formats=transfer.EXPORT_FORMATS, confirm=ConfirmForm(), **bank_choices())


@bp.route("/exams/manage/questions/<int:question_id>")
@roles_required(*TRAINERS)
def manage_question(question_id: int):
    """One question previewed as a trainee sees it (and answerable), its versions and
    duplicates; ``?diff=<n>`` compares version n with the one shown."""
    question = _question_or_404(question_id)
    number = request.args.get("version", question.latest_number, type=int)
    version = next((v for v in question.versions if v.number == number), question.latest)
    return _question_page(question, version)


def _question_page(question: Question, version: QuestionVersion, answered=None,
                   response=None):
    definition = bank_service.definition_of(version)
    view = qtypes.public_view(definition, language(), random.Random(0))
    other = request.args.get("diff", type=int)
    compared = next((v for v in question.versions if v.number == other), None)
    return render_template(
        "exams/question.html", question=question, version=version, view=view,
        review=qtypes.review_view(definition, None, qtypes.grade(definition, None),
                                  language(), random.Random(0),
                                  ReviewOptions(score=False, correctness=False)),
        answered=answered, response=response, compared=compared,
        diff=bank_service.version_diff(compared, version) if compared else None,
        usage=bank_service.usage_of([question.id]).get(question.id),
        duplicates=bank_service.duplicates_of(definition), confirm=ConfirmForm()), \
        200


#: The lines put before a single question's YAML to make it a bank file (see ``_as_bank``).
_BANK_HEAD = "curriculum: service_standards\nquestions:\n"


def _parse_definition(text: str, key: str | None):
    """The one question of a YAML definition, or the list of problems (with the lines of
    the text as typed)."""
    whole = text.lstrip().startswith("curriculum:")
    result = read_yaml(text if whole else _as_bank(text), "definition.yaml", shipped=False)
    if result.errors:
        shift = 0 if whole else _BANK_HEAD.count("\n")
        issues = [dataclasses.replace(item, line=item.line - shift)
                  if item.line and item.line > shift else item for item in result.errors]
        return None, [f"{item.where()}: {item.message(language())}" for item in issues]
    if len(result.questions) != 1:
        return None, [_("Write exactly one question.")]
    question = result.questions[0]
    if key and question.key != key:
        return None, [_("The key cannot change (it was %(key)s).", key=key)]
    return question, []


def _as_bank(text: str) -> str:
    """One question's mapping as a bank of one, indented under ``questions:`` so that every
    line keeps its place (an error on line 10 is reported on line 10). The question's own
    ``curriculum`` overrides the bank's."""
    lines = text.replace("\r\n", "\n").split("\n")
    body = "\n".join(("- " if index == 0 else "  ") + line for index, line in enumerate(lines))
    return _BANK_HEAD + body


def _definition_text(version: QuestionVersion) -> str:
    return yaml.safe_dump(version.definition, allow_unicode=True, sort_keys=False, width=100)


@bp.route("/exams/manage/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_question_edit(question_id: int):
    """Edit a question; saving a change adds a new version (attempts keep theirs)."""
    question = _question_or_404(question_id)
    form = QuestionForm()
    errors = []
    if form.validate_on_submit():
        definition, errors = _parse_definition(form.definition.data, question.key)
        if definition is not None:
            saved = bank_service.save_question(definition, user_id=current_user.id,
                                               note=form.note.data or "")
            db.session.commit()
            if saved.new_version:
                flash(_("Saved as version %(n)d. Past attempts keep the version they saw.",
                        n=saved.version.number), "success")
            else:
                flash(_("Nothing changed, so no new version was made."), "info")
            return redirect(url_for("exams.manage_question", question_id=question.id))
    elif request.method == "GET":
        form.definition.data = _definition_text(question.latest)
    return render_template("exams/question_edit.html", form=form, question=question,
                           errors=errors), 400 if errors else 200


def _starter(kind: str) -> str:
    starters = {
        "single_choice": {"options": [{"text": {"zh": "对", "en": "Right"}, "fraction": 1},
                                      {"text": {"zh": "错", "en": "Wrong"}, "fraction": 0}]},
        "true_false": {"answer": True},
        "essay": {"grader_info": {"zh": "评分要点", "en": "What a good answer says"}},
    }
    data = {"key": "new-question", "type": kind, "category": "service-standards",
            "curriculum": "service_standards", "difficulty": "medium",
            "text": {"zh": "题干", "en": "Question text"},
            "general_feedback": {"zh": "为什么", "en": "Why"}, **starters.get(kind, {})}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@bp.route("/exams/manage/questions/new", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_question_new():
    """Write a new question of any type in the native format."""
    form = QuestionForm()
    errors = []
    if form.validate_on_submit():
        definition, errors = _parse_definition(form.definition.data, None)
        if definition is not None:
            if db.session.scalar(select(Question).where(Question.key == definition.key)):
                errors = [_("A question with key %(key)s exists already.", key=definition.key)]
            else:
                saved = bank_service.save_question(definition, user_id=current_user.id,
                                                   note=form.note.data or "")
                db.session.commit()
                flash(_("Question %(key)s created.", key=definition.key), "success")
                return redirect(url_for("exams.manage_question", question_id=saved.question.id))
    elif request.method == "GET":
        form.definition.data = _starter(request.args.get("type", "single_choice"))
    return render_template("exams/question_edit.html", form=form, question=None,
                           errors=errors, types=[t.value for t in QuestionType]), \
        400 if errors else 200


@bp.route("/exams/manage/import", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_import():
    """Upload a file and see its preview; errors name file and line; nothing is saved yet."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        wanted = transfer.ImportRequest(form.format.data, form.language.data,
                                        form.category.data.strip() or "imported",
                                        upload.filename or f"upload.{form.format.data}")
        report = transfer.check_import(data, wanted, language())
        token = transfer.stash(data, wanted) if report["ok"] else ""
        return render_template("exams/import.html", form=form, report=report, token=token,
                               confirm=ConfirmForm(), filename=wanted.filename), \
            200 if report["ok"] else 400
    return render_template("exams/import.html", form=form, report=None, token="",
                           confirm=ConfirmForm()), 400 if form.errors else 200


@bp.route("/exams/manage/import/<token>", methods=["POST"])
@roles_required(*TRAINERS)
def manage_import_confirm(token: str):
    """Import the previewed file: every question, or none."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    stored = transfer.apply_import(token, current_user.id)
    if stored is None:
        flash(_("That upload is gone or no longer clean; upload it again."), "danger")
        return redirect(url_for("exams.manage_import"))
    flash(ngettext("%(num)d question imported or updated.",
                   "%(num)d questions imported or updated.", len(stored)), "success")
    return redirect(url_for("exams.manage_questions"))


@bp.route("/exams/manage/export")
@roles_required(*TRAINERS)
def manage_export():
    """Download a category subtree as GIFT, Moodle XML or YAML."""
    file_format = request.args.get("format", "gift")
    if file_format not in transfer.EXPORT_FORMATS:
        abort(400)
    category = request.args.get("category", "").strip()
    text, skipped = transfer.export(category, file_format, request.args.get("lang", language()))
    if skipped:  # an export carries every question asked for, or none
        flash(_("Not exported: %(format)s cannot hold %(keys)s (case questions). Export this "
                "category as YAML, or move them out of it first.",
                format={"gift": "GIFT", "xml": "Moodle XML"}.get(file_format, file_format),
                keys=", ".join(item.key or "" for item in skipped)[:300]), "danger")
        return redirect(url_for("exams.manage_questions", category=category))
    suffix = {"gift": "gift.txt", "xml": "xml", "yaml": "yaml"}[file_format]
    name = (category.replace("/", "-") or "bank") + "." + suffix
    headers = {"Content-Disposition": content_disposition(name)}  # RFC 5987: Chinese names
    return Response(text, mimetype="text/plain; charset=utf-8", headers=headers)


@bp.route("/exams/manage/questions/<int:question_id>/regrade", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_regrade(question_id: int):
    """Regrade finished attempts with the latest key: dry run first, then apply."""
    question = _question_or_404(question_id)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        run_id = request.form.get("run", type=int)
        if run_id:
            run = db.session.get(RegradeRun, run_id)
            if run is None or run.question_id != question.id:
                abort(404)
            count = grading.regrade_apply(run, current_user.id)
            flash(ngettext("Regrade applied to %(num)d attempt.",
                           "Regrade applied to %(num)d attempts.", count), "success")
        else:
            run = grading.regrade_dry_run(question.id, question.latest, current_user.id)
        return redirect(url_for("exams.manage_regrade", question_id=question.id, run=run.id))
    run = db.session.get(RegradeRun, request.args.get("run", 0, type=int))
    runs = db.session.scalars(select(RegradeRun).where(RegradeRun.question_id == question.id)
                              .order_by(RegradeRun.created_at.desc())).all()
    return render_template("exams/regrade.html", question=question, run=run, runs=runs,
                           confirm=ConfirmForm())



def _choice_page(question: Question | None):
    form = ChoiceQuestionForm()
    errors = []
    if form.validate_on_submit():
        data = choice_form.form_to_data(form)
        definition, errors = choice_form.check(data, language())
        if definition is not None and question is not None and definition.key != question.key:
            definition, errors = None, [_("The key cannot change (it was %(key)s).",
                                          key=question.key)]
        if definition is not None and question is None and db.session.scalar(
                select(Question).where(Question.key == definition.key)):
            definition, errors = None, [_("A question with key %(key)s exists already.",
                                          key=definition.key)]
        if definition is not None:
            saved = bank_service.save_question(definition, user_id=current_user.id,
                                               note=form.note.data or "")
            db.session.commit()
            flash(_("Saved as version %(n)d. Past attempts keep the version they saw.",
                    n=saved.version.number), "success")
            return redirect(url_for("exams.manage_question", question_id=saved.question.id))
    elif request.method == "GET" and question is not None:
        choice_form.data_to_form(form, question.latest.definition)
    return render_template("exams/choice_form.html", form=form, question=question,
                           errors=errors), 400 if errors or form.errors else 200


@bp.route("/exams/manage/questions/new/choice", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_choice_new():
    """Write a new single- or multiple-choice question with a form."""
    return _choice_page(None)


@bp.route("/exams/manage/questions/<int:question_id>/choice", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_choice_edit(question_id: int):
    """Edit a choice question with a form (saving a change adds a version)."""
    question = _question_or_404(question_id)
    if question.type not in ("single_choice", "multiple_choice"):
        return redirect(url_for("exams.manage_question_edit", question_id=question.id))
    return _choice_page(question)

"""Trainer pages for writing questions: the structured form of every type, retiring and
deleting, and the category tree."""

import random

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.auth.access import roles_required
from lms.exams import authoring, bank_service, categories
from lms.exams.forms import ConfirmForm
from lms.exams.models import Question, QuestionCategory
from lms.exams.routes import bp, language
from lms.exams.routes_bank import TRAINERS, _question_or_404, _question_page
from lms.extensions import db
from question_bank import qtypes
from question_bank.editor import label as editor_label
from question_bank.grading import ReviewOptions
from question_bank.model import QuestionType

# --- structured forms for every type (built from the type's editor fields) -----------------
TYPE_NAMES = tuple(t.value for t in QuestionType)


def _editor_page(kind: str, question: Question | None):
    """GET: the form (blank or from the latest version); POST: check, then save or re-show."""
    lang = language()
    if request.method == "GET":
        data = question.latest.definition if question is not None else None
        if data is not None and question is not None:
            data = {**data, "category": question.category.path}
        editor = authoring.editor_for(kind, lang, data)
        if question is None:
            editor.form.category.data = request.args.get("category", "")
        return _render_editor(editor, question)
    editor = authoring.posted_editor(kind, lang, request.form)
    if request.form.get("add_sub") or request.form.get("regrow"):
        return _render_editor(authoring.regrown(editor, lang, request.form), question)
    if not editor.form.validate():
        editor.errors = authoring.form_errors(editor, lang)
        return _render_editor(editor, question, 400)
    definition, editor.errors = authoring.checked_definition(editor, lang)
    if definition is not None and question is not None and definition.key != question.key:
        definition, editor.errors = None, [_("The key cannot change (it was %(key)s).",
                                             key=question.key)]
    if definition is not None and question is None and db.session.scalar(
            select(Question).where(Question.key == definition.key)):
        definition, editor.errors = None, [_("A question with key %(key)s exists already.",
                                             key=definition.key)]
    if definition is None:
        return _render_editor(editor, question, 400)
    saved = bank_service.save_question(definition, user_id=current_user.id,
                                       note=editor.form.note.data or "")
    db.session.commit()
    if saved.created:
        flash(_("Question %(key)s created.", key=definition.key), "success")
    elif saved.new_version:
        flash(_("Saved as version %(n)d. Past attempts keep the version they saw.",
                n=saved.version.number), "success")
    else:
        flash(_("Nothing changed, so no new version was made."), "info")
    return redirect(url_for("exams.manage_question", question_id=saved.question.id,
                            _anchor="preview"))


def _render_editor(editor, question: Question | None, status: int = 200):
    return render_template(
        "exams/question_form.html", editor=editor, question=question, types=TYPE_NAMES,
        L=lambda code, **params: editor_label(code, language(), **params),
        used_in=bank_service.exams_with_attempts(question.id) if question else []), status


@bp.route("/exams/manage/questions/new/<any(" + ", ".join(TYPE_NAMES) + "):kind>",
          methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_question_form_new(kind: str):
    """Write a new question of one type with its own structured, bilingual form."""
    return _editor_page(kind, None)


@bp.route("/exams/manage/questions/<int:question_id>/form", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_question_form(question_id: int):
    """Edit a question with its type's form (saving a change adds a version)."""
    question = _question_or_404(question_id)
    return _editor_page(question.type, question)


@bp.route("/exams/manage/questions/<int:question_id>/preview", methods=["POST"])
@roles_required(*TRAINERS)
def manage_question_preview(question_id: int):
    """Answer the preview: grade the response and show every feedback and the key."""
    question = _question_or_404(question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    number = request.form.get("version", question.latest_number, type=int)
    version = next((v for v in question.versions if v.number == number), question.latest)
    definition = bank_service.definition_of(version)
    raw = qtypes.kind_of(definition).response_from_form(definition, request.form, "preview")
    response = qtypes.normalise_response(definition, raw)
    problems = qtypes.validate_response(definition, response)
    if problems:
        flash(_("This answer does not fit the question: %(why)s",
                why="; ".join(p.message(language()) for p in problems)), "warning")
        return redirect(url_for("exams.manage_question", question_id=question.id,
                                version=version.number, _anchor="preview"))
    grade = qtypes.grade(definition, response)
    answered = qtypes.review_view(definition, response, grade, language(), random.Random(0),
                                  ReviewOptions())
    return _question_page(question, version, answered=answered, response=response)


@bp.route("/exams/manage/questions/<int:question_id>/status/<any(active, retired, deleted):status>",
          methods=["POST"])
@roles_required(*TRAINERS)
def manage_question_status(question_id: int, status: str):
    """Retire, restore or delete a question (deleting refuses while an exam fixes it)."""
    question = _question_or_404(question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    fixed = bank_service.fixed_in_exams(question.id) if status == "deleted" else []
    if fixed:
        flash(_("Not deleted: the exams %(exams)s hold this question. Take it out of them "
                "first, or retire it.", exams=", ".join(fixed)), "danger")
    else:
        bank_service.set_status(question, status)
        db.session.commit()
        flash({"active": _("The question is in use again."),
               "retired": _("The question is retired: no new random draw picks it."),
               "deleted": _("The question is deleted; the attempts that used it keep it.")}[
                   status], "success")
    return redirect(url_for("exams.manage_question", question_id=question.id))


def category_refusal_text(refused) -> str:
    """Why a category change was refused, for the trainer."""
    params = refused.params
    return {
        "empty": _("Give the category a name."),
        "invalid": _("%(path)s is not a category path: one line, parts separated by /, no "
                     "empty part, at most 200 characters.", path=params.get("path", "")),
        "exists": _("A category %(path)s exists already.", path=params.get("path", "")),
        "into_itself": _("A category cannot move into itself or below itself."),
        "bad_name": _("A new name is one part, without /."),
        "no_parent": _("There is no category %(path)s to move it into.",
                       path=params.get("path", "")),
        "has_children": _("Not deleted: it has sub-categories. Move or delete them first."),
        "has_questions": ngettext("Not deleted: it holds %(num)d question. Move it or delete "
                                  "it first.",
                                  "Not deleted: it holds %(num)d questions. Move them or delete "
                                  "them first.", params.get("n", 0)),
        "drawn": _("Not deleted: the exams %(exams)s draw questions from it.",
                   exams=params.get("exams", "")),
        "uncategorised": _("The category for questions without one cannot be deleted."),
    }.get(refused.code, _("Bad request"))


@bp.route("/exams/manage/categories", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_categories():
    """The category tree: create, rename, move and delete (with the checks)."""
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        action = request.form.get("action", "")
        found = db.session.get(QuestionCategory, request.form.get("category", 0, type=int)) \
            if action != "create" else None
        if action != "create" and found is None:
            abort(404)
        try:
            if action == "create":
                categories.create(request.form.get("path", ""))
            elif action == "rename":
                categories.rename(found, request.form.get("name", ""))
            elif action == "move":
                categories.move(found, request.form.get("parent", ""))
            elif action == "delete":
                categories.delete(found)
            else:
                abort(400)
        except categories.CategoryRefused as refused:
            db.session.rollback()
            flash(category_refusal_text(refused), "danger")
            return redirect(url_for("exams.manage_categories"))
        db.session.commit()
        flash(_("Categories saved."), "success")
        return redirect(url_for("exams.manage_categories"))
    return render_template("exams/categories.html", rows=categories.tree(),
                           confirm=ConfirmForm())

"""The administrator's audit log page (filters, CSV/XLSX export) and the hooks that feed it:
flush capture, downloads of personal data, finished imports."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms import signals
from lms.audit import service
from lms.audit.forms import AuditFilterForm
from lms.auth.access import roles_required
from lms.extensions import db
from lms.tabular import CSV_MIMETYPE, XLSX_MIMETYPE, download_response, write_csv, write_xlsx

log = logging.getLogger("lms.audit")
bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PAGE_SIZE = 50
service.install()

#: GET pages whose download holds people's data: each download is an audit event.
PERSONAL_DATA_DOWNLOADS = {
    "records.person_pdf": _l("Learner record (PDF)"),
    "records.person_xlsx": _l("Learner record (XLSX)"),
    "records.gradebook_xlsx": _l("Gradebook (XLSX)"),
    "exams.my_certificate_pdf": _l("Certificate (PDF)"),
    "exams.manage_cohort_zip": _l("Certificates of a cohort (ZIP)"),
    "exams.manage_export_results": _l("Exam results"),
    "courses.export_progress": _l("Course progress"),
    "roleplay.recording": _l("Role-play recording"),
    "drills.debrief_pdf": _l("Drill debrief (PDF)"),
}

#: Background job kinds that import data, by the name a person reads.
IMPORT_LABELS = {"admin.import_users": _l("User import")}


@bp.route("/", endpoint="log")
@roles_required("admin")
def audit_log():
    """Every recorded action, newest first, filtered by who, what, kind and local dates."""
    form = AuditFilterForm(request.args)
    valid = form.validate() if request.args else True
    query = service.AuditQuery(
        who=form.who.data or "", verb=form.verb.data or "", kind=form.kind.data or "",
        since=form.since.data, until=form.until.data) if valid else service.AuditQuery()
    statement = service.search(query)
    export = request.args.get("export", "")
    if valid and export in ("csv", "xlsx"):
        return _export(statement, export, query)
    page = db.paginate(statement, per_page=PAGE_SIZE, error_out=False)
    return render_template("audit/log.html", form=form, page=page,
                           service=service), 200 if valid else 400


def _export(statement, kind: str, query: service.AuditQuery):
    rows = service.export_rows(statement)
    service.record("data_export.downloaded", label=service.bilingual(_l("Audit log")),
                   new={"rows": len(rows), "format": kind, "who": query.who,
                        "action": query.verb, "kind": query.kind,
                        "since": query.since, "until": query.until})
    db.session.commit()
    headers = service.export_headers()
    if kind == "csv":
        return download_response(write_csv(rows, headers), _("Audit log.csv"), CSV_MIMETYPE)
    return download_response(write_xlsx(rows, headers, sheet_title=_("Audit log")),
                             _("Audit log.xlsx"), XLSX_MIMETYPE)


@bp.after_app_request
def _personal_data_download(response):
    """Record a successful download of people's data (learner records, certificates...)."""
    if (request.method == "GET" and request.endpoint in PERSONAL_DATA_DOWNLOADS
            and response.status_code == 200
            and getattr(current_user, "is_authenticated", False)):
        service.record("data_export.downloaded",
                       label=service.bilingual(PERSONAL_DATA_DOWNLOADS[request.endpoint]),
                       new={"what": request.endpoint, **(request.view_args or {})})
        db.session.commit()
    return response


def _on_job_finished(sender, job_id=None, owner_id=None, ok=None, **_):
    """A finished import (users, KPIs...) is an event of the person who started it."""
    if "import" not in str(sender):
        return
    service.record("import.finished" if ok else "import.failed", object_id=job_id,
                   label=service.bilingual(IMPORT_LABELS.get(str(sender), _l("Import"))),
                   new={"job": sender}, actor_id=owner_id)


signals.job_finished.connect(_on_job_finished)

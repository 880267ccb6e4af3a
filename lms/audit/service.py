"""Writing the audit log: flush capture of tracked tables, explicit records, queries, erasure.

Capture: after every ORM flush, each inserted, updated or deleted row of a table in
:data:`lms.audit.tracked.TRACKED` becomes one event with the changed columns old → new, in
the same transaction (a rolled-back change leaves no event). Rows a cascade deletes as
orphans count as deleted; bulk ``DELETE``/``UPDATE`` statements are captured by
:mod:`lms.audit.bulk`. Many rows of one kind in one flush (an import) become one event with
their count and ids. The actor is the signed-in user of the request, or whoever
:func:`acting_as` names (commands; a background job runs as the person who asked for it,
from ``job:<kind>``), else the system.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum

import click
from flask import g, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import event, func, inspect, or_, select, update

from lms.audit.models import AuditEvent
from lms.audit.tracked import (
    SECRET,
    TRACKED,
    VERBS,
    Change,
    Tracked,
    field_label,
    kind_labels,
)
from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.i18n import local_text, localized, to_utc

log = logging.getLogger("lms.audit")

#: More rows than this of one kind and verb in one flush are recorded as one event.
BULK_THRESHOLD = 25
#: Longest text kept of one value (longer ones end in "…").
MAX_TEXT = 300
#: Identity fields of a user replaced in earlier events when the person is erased.
IDENTITY_FIELDS = ("name", "username", "employee_no", "email")
ERASED = "[erased]"
#: Columns whose value after a change the verbs (and ``Tracked.worth``) may read.
FLAG_COLUMNS = ("must_change_password", "active", "status", "owner_id")

_UNSET = object()
_actor: ContextVar[object] = ContextVar("lms_audit_actor", default=_UNSET)
_place: ContextVar[str] = ContextVar("lms_audit_source", default="")


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted through the ORM."""


# --- who, where, from which page -------------------------------------------------------------

@contextmanager
def acting_as(user_id: int | None, source: str = "") -> Iterator[None]:
    """Record the events inside the block as done by ``user_id`` (commands, jobs), and
    from ``source`` (``job:<kind>``) when given instead of the page or command."""
    token, place = _actor.set(user_id), _place.set(source[:80]) if source else None
    try:
        yield
    finally:
        _actor.reset(token)
        if place is not None:
            _place.reset(place)


def current_actor_id() -> int | None:
    """The person changes are recorded for: :func:`acting_as`, else the signed-in user."""
    chosen = _actor.get()
    if chosen is not _UNSET:
        return chosen
    if has_request_context():
        # Read the user Flask-Login already loaded; loading one here would query mid-flush.
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id
    return None


def _address() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def _source() -> str:
    if _place.get():
        return _place.get()
    if has_request_context():
        return (request.endpoint or request.path)[:80]
    context = click.get_current_context(silent=True)
    if context is not None:
        return f"cli:{context.command_path}"[:80]
    return "background"


# --- values ----------------------------------------------------------------------------------

def jsonable(value):
    """``value`` as JSON-safe data, long texts shortened."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict | list | tuple):
        text = json.dumps(value, ensure_ascii=False, default=str)
        if len(text) <= MAX_TEXT:
            return json.loads(text)
        return text[:MAX_TEXT] + "…"
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _label_of(state) -> str | dict | None:
    return label_from(state.dict)


def label_from(values: dict) -> str | dict | None:
    """How a row is called, from its column values (user name, bilingual title, code...)."""
    if values.get("username"):
        return f"{values.get('name') or ''} ({values['username']})".strip()
    if values.get("title_zh") or values.get("title_en"):
        return {"zh": values.get("title_zh") or "", "en": values.get("title_en") or ""}
    for key in ("code", "title", "name", "slug", "key", "kind"):
        if values.get(key):
            return jsonable(values[key])
    return None


def _unloaded_old_values(session, state, ignore: frozenset) -> dict:
    """Stored values of columns set without being read first (their history lacks them)."""
    missing = [attr for attr in state.mapper.column_attrs
               if attr.key not in ignore and state.attrs[attr.key].history.added
               and not state.attrs[attr.key].history.deleted]
    if not missing or state.identity is None:
        return {}
    where = [column == value
             for column, value in zip(state.mapper.primary_key, state.identity, strict=True)]
    row = session.connection().execute(
        select(*[attr.columns[0] for attr in missing]).where(*where)).first()
    return {} if row is None else {attr.key: value
                                   for attr, value in zip(missing, row, strict=True)}


def _before_flush(session, flush_context, instances) -> None:
    stored = session.info.setdefault("audit_old", {})
    for obj in session.dirty:
        tracked = TRACKED.get(getattr(obj, "__tablename__", ""))
        if tracked is not None:
            state = inspect(obj)
            found = _unloaded_old_values(session, state, tracked.ignore)
            if found:
                stored[id(obj)] = found


def _change_of(state, op: str, tracked: Tracked, known_old: dict) -> Change | None:
    old, new = {}, {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in tracked.ignore or key == "id":
            continue
        if op == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else known_old.get(key)
            after = history.added[0] if history.added else None
            if before == after:
                continue
            secret = key in tracked.secret
            old[key] = SECRET if secret else jsonable(before)
            new[key] = SECRET if secret else jsonable(after)
        else:
            value = state.dict.get(key)
            if value is None:
                continue
            (new if op == "insert" else old)[key] = SECRET if key in tracked.secret \
                else jsonable(value)
    if op == "update" and not new:
        return None
    # Flags a verb reads even when they did not move (a second reset keeps the flag set).
    current = {key: jsonable(state.dict[key]) for key in FLAG_COLUMNS if key in state.dict}
    return Change(op, old, new, current)


def owner_label(session, column: str, owner_id) -> str | None:
    if column != "user_id" or owner_id is None:
        return None
    user = session.identity_map.get(inspect(User).identity_key_from_primary_key((owner_id,)))
    if user is None:
        user = next((obj for obj in session.new
                     if isinstance(obj, User) and obj.id == owner_id), None)
    return f"{user.name} ({user.username})" if user is not None else None


def _event_values(session, state, tracked: Tracked, change: Change) -> dict:
    if tracked.owner_column:
        owner_id = state.dict.get(tracked.owner_column)
        object_id, label = owner_id, owner_label(session, tracked.owner_column, owner_id)
    else:
        identity = state.mapper.primary_key_from_instance(state.obj())
        object_id = identity[0] if len(identity) == 1 and isinstance(identity[0], int) \
            else None
        label = _label_of(state)
    return {"action": f"{tracked.kind}.{tracked.verb(change)}", "object_kind": tracked.kind,
            "object_id": object_id, "object_label": label, "old": change.old or None,
            "new": change.new or None}


def collapse(rows: list[dict]) -> list[dict]:
    """More than :data:`BULK_THRESHOLD` events of one action become one with a count."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["action"]].append(row)
    collapsed = []
    for action, members in grouped.items():
        if len(members) <= BULK_THRESHOLD:
            collapsed.extend(members)
            continue
        ids = [m["object_id"] for m in members if m["object_id"] is not None]
        collapsed.append({"action": action, "object_kind": members[0]["object_kind"],
                          "object_id": None, "object_label": None, "old": None,
                          "new": {"count": len(members), "ids": ids[:100]}})
    return collapsed


def _deleted_objects(session, flush_context) -> list:
    """Rows the flush deleted: explicit deletes and orphans removed by a cascade
    (``parent.children.remove(child)`` never enters ``session.deleted``)."""
    found = list(session.deleted)
    seen = {id(obj) for obj in found}
    for state, (is_delete, list_only) in flush_context.states.items():
        obj = state.obj()
        if is_delete and not list_only and obj is not None and id(obj) not in seen:
            found.append(obj)
            seen.add(id(obj))
    return found


def _after_flush(session, flush_context) -> None:
    known_old = session.info.pop("audit_old", {})
    rows = []
    for op, objects in (("insert", session.new), ("update", session.dirty),
                        ("delete", _deleted_objects(session, flush_context))):
        for obj in objects:
            tracked = TRACKED.get(getattr(obj, "__tablename__", ""))
            if tracked is None:
                continue
            if op == "update" and not session.is_modified(obj, include_collections=False):
                continue
            state = inspect(obj)
            change = _change_of(state, op, tracked, known_old.get(id(obj), {}))
            if change is not None and tracked.worth(change):
                rows.append(_event_values(session, state, tracked, change))
    if not rows:
        return
    write_rows(session, rows)


def write_rows(session, rows: list[dict]) -> None:
    """Store captured events (action, object, old, new) with who, where and from which page."""
    common = {"at": utcnow(), "actor_id": current_actor_id(), "address": _address(),
              "source": _source()}
    session.connection().execute(AuditEvent.__table__.insert(),
                                 [{**common, **row} for row in collapse(rows)])


def _refuse_change(mapper, connection, target) -> None:
    raise AppendOnlyError("audit events are append-only")


def install() -> None:
    """Capture tracked changes on every flush and bulk statement, and keep events
    append-only (idempotent)."""
    from lms.audit.bulk import capture_statement

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
    if not event.contains(Session, "do_orm_execute", capture_statement):
        event.listen(Session, "do_orm_execute", capture_statement)
    for name in ("before_update", "before_delete"):
        if not event.contains(AuditEvent, name, _refuse_change):
            event.listen(AuditEvent, name, _refuse_change)


# --- explicit records --------------------------------------------------------------------------

def bilingual(text) -> dict:
    """A translatable text in both languages, for labels stored in events."""
    found = {}
    for lang in ("zh", "en"):
        with force_locale(lang):
            found[lang] = str(text)
    return found


def _split(action: str) -> tuple[str, str]:
    kind, _dot, verb = action.partition(".")
    if kind not in kind_labels() or verb not in VERBS:
        raise ValueError(f"unknown audit action {action!r}")
    return kind, verb


def record(action: str, obj=None, *, object_id: int | None = None, label=None,
           old: dict | None = None, new: dict | None = None,
           actor_id=_UNSET) -> AuditEvent:
    """Add one event ``<kind>.<verb>`` about ``obj`` (a row, or ``object_id``/``label``).

    The event joins the caller's transaction: it is stored when the caller commits.
    """
    kind, _verb = _split(action)
    if obj is not None:
        state = inspect(obj)
        object_id = object_id if object_id is not None else (state.identity or (None,))[0]
        label = label if label is not None else _label_of(state)
    event_row = AuditEvent(
        action=action, object_kind=kind, object_id=object_id, object_label=jsonable(label),
        old={k: jsonable(v) for k, v in old.items()} if old else None,
        new={k: jsonable(v) for k, v in new.items()} if new else None,
        actor_id=current_actor_id() if actor_id is _UNSET else actor_id,
        address=_address(), source=_source())
    db.session.add(event_row)
    return event_row


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditQuery:
    """What the log page filters by; empty values filter nothing."""

    who: str = ""
    verb: str = ""
    kind: str = ""
    #: Local dates (the viewer's time zone), both inclusive.
    since: date | None = None
    until: date | None = None


def search(query: AuditQuery):
    """The events matching ``query``, newest first (a SELECT for paging or export)."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if query.who:
        like = f"%{query.who.strip().lower()}%"
        people = select(User.id).where(or_(func.lower(User.username).like(like),
                                           func.lower(User.name).like(like),
                                           func.lower(User.employee_no).like(like)))
        statement = statement.where(AuditEvent.actor_id.in_(people))
    if query.verb:
        statement = statement.where(AuditEvent.action.like(f"%.{query.verb}"))
    if query.kind:
        statement = statement.where(AuditEvent.object_kind == query.kind)
    if query.since:
        statement = statement.where(AuditEvent.at >= to_utc(datetime.combine(query.since,
                                                                             time())))
    if query.until:
        end = datetime.combine(query.until + timedelta(days=1), time())
        statement = statement.where(AuditEvent.at < to_utc(end))
    return statement


def describe(audit_event: AuditEvent) -> str:
    """What happened, in words: "Certificate: revoked"."""
    kind, _dot, verb = audit_event.action.partition(".")
    kind_name = kind_labels().get(kind, kind)
    return f"{kind_name}: {VERBS.get(verb, verb)}"


def who(audit_event: AuditEvent) -> str:
    """The actor's name and user name, or "System"."""
    if audit_event.actor is None:
        return _("System")
    return f"{audit_event.actor.name} ({audit_event.actor.username})"


def label_text(audit_event: AuditEvent) -> str:
    """The object's name at the time (bilingual titles in the viewer's language)."""
    shown = localized(audit_event.object_label) if audit_event.object_label else ""
    if audit_event.object_id is not None:
        return f"{shown} #{audit_event.object_id}".strip()
    if audit_event.new and "count" in audit_event.new:
        return _("%(n)d rows", n=audit_event.new["count"])
    return shown


def value_text(value) -> str:
    """One old or new value as short text."""
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:MAX_TEXT]
    return str(value)


def changes(audit_event: AuditEvent) -> list[tuple[str, str, str]]:
    """``(field name, old, new)`` for every value the event holds."""
    old, new = audit_event.old or {}, audit_event.new or {}
    fields = list(dict.fromkeys([*old.keys(), *new.keys()]))
    return [(str(field_label(name)), value_text(old.get(name)) if name in old else "",
             value_text(new.get(name)) if name in new else "") for name in fields]


EXPORT_HEADERS = ("time", "who", "address", "what", "object", "old", "new", "source")


def export_rows(statement, limit: int = 100_000) -> list[list]:
    """The events of ``statement`` as spreadsheet rows (times in the viewer's zone)."""
    rows = []
    for audit_event in db.session.scalars(statement.limit(limit)):
        rows.append([local_text(audit_event.at, "yyyy-MM-dd HH:mm:ss"), who(audit_event),
                     audit_event.address, describe(audit_event), label_text(audit_event),
                     json.dumps(audit_event.old, ensure_ascii=False) if audit_event.old else "",
                     json.dumps(audit_event.new, ensure_ascii=False) if audit_event.new else "",
                     audit_event.source])
    return rows


def export_headers() -> list[str]:
    """Translated column titles of the export."""
    return [_("Time"), _("Who"), _("Network address"), _("What"), _("Object"),
            _("Before"), _("After"), _("Page or command")]


# --- erasure ---------------------------------------------------------------------------------

def scrub_person(user_id: int, label: str, old_username: str = "") -> int:
    """Replace an erased person's identity inside earlier events about them.

    The only change ever made to stored events: the erasure itself is recorded as a new
    event. Returns how many events were rewritten.
    """
    about = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_kind == "user", AuditEvent.object_id == user_id)).all()
    table = AuditEvent.__table__
    if old_username:  # lifted sign-in locks name the account in their key
        for audit_event in db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_kind == "sign_in_lock")):
            if str((audit_event.new or {}).get("lock", "")).startswith(f"pair:{old_username}|"):
                db.session.execute(update(table).where(table.c.id == audit_event.id)
                                   .values(new={"lock": ERASED}))
    for audit_event in about:
        values = {"object_label": label}
        for column in ("old", "new"):
            stored = getattr(audit_event, column)
            if stored:
                values[column] = {k: (ERASED if k in IDENTITY_FIELDS else v)
                                  for k, v in stored.items()}
        db.session.execute(update(table).where(table.c.id == audit_event.id).values(**values))
    db.session.expire_all()
    log.info("audit: identity of user %s removed from %d event(s)", user_id, len(about))
    return len(about)

"""Capture of bulk statements on tracked tables: ``session.execute(delete(Model)...)``.

A flush never sees rows removed or changed by an ORM ``DELETE``/``UPDATE`` statement, so
:func:`capture_statement` (a ``do_orm_execute`` listener) reads the rows the statement's
``WHERE`` matches, runs the statement, and records one event per row (old → new for an
update) exactly as the flush capture does, collapsed into one event past
:data:`lms.audit.service.BULK_THRESHOLD` rows. Bulk ``INSERT`` statements are not captured:
tracked rows are created through the ORM.
"""

from __future__ import annotations

from sqlalchemy import select, tuple_

from lms.audit.service import FLAG_COLUMNS, jsonable, label_from, owner_label, write_rows
from lms.audit.tracked import SECRET, TRACKED, Change, Tracked


def _columns(table, tracked: Tracked) -> list:
    """The columns worth reading: the key and every column not ignored (no big blobs)."""
    return [c for c in table.columns if c.primary_key or c.name not in tracked.ignore]


def _matching_rows(session, table, tracked: Tracked, statement, parameters) -> list[dict]:
    query = select(*_columns(table, tracked))
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    params = parameters if isinstance(parameters, dict) and parameters else None
    return [dict(row) for row in session.connection().execute(query, params).mappings()]


def _rows_by_key(session, table, tracked: Tracked, keys: list[tuple]) -> dict[tuple, dict]:
    if not keys:
        return {}
    columns = list(table.primary_key.columns)
    found = session.connection().execute(
        select(*_columns(table, tracked)).where(tuple_(*columns).in_(keys))).mappings()
    return {tuple(row[c.name] for c in columns): dict(row) for row in found}


def _shown(tracked: Tracked, key: str, value):
    return SECRET if key in tracked.secret else jsonable(value)


def _change(tracked: Tracked, op: str, before: dict, after: dict | None) -> Change | None:
    keys = [k for k in before if k not in tracked.ignore and k != "id"]
    if op == "delete":
        old = {k: _shown(tracked, k, before[k]) for k in keys if before[k] is not None}
        return Change("delete", old, {}, {k: jsonable(before[k]) for k in FLAG_COLUMNS
                                          if k in before})
    moved = [k for k in keys if after is not None and before[k] != after.get(k)]
    if not moved:
        return None
    return Change("update", {k: _shown(tracked, k, before[k]) for k in moved},
                  {k: _shown(tracked, k, after[k]) for k in moved},
                  {k: jsonable(after[k]) for k in FLAG_COLUMNS if k in after})


def _event(session, table, tracked: Tracked, values: dict, change: Change) -> dict:
    if tracked.owner_column:
        object_id = values.get(tracked.owner_column)
        label = owner_label(session, tracked.owner_column, object_id)
    else:
        keys = [values[c.name] for c in table.primary_key.columns]
        object_id = keys[0] if len(keys) == 1 and isinstance(keys[0], int) else None
        label = label_from(values)
    return {"action": f"{tracked.kind}.{tracked.verb(change)}", "object_kind": tracked.kind,
            "object_id": object_id, "object_label": jsonable(label),
            "old": change.old or None, "new": change.new or None}


def capture_statement(orm_execute_state):
    """``do_orm_execute``: run a bulk DELETE/UPDATE of a tracked table and record its rows."""
    if not (orm_execute_state.is_delete or orm_execute_state.is_update):
        return None
    statement = orm_execute_state.statement
    table = getattr(statement, "table", None)
    tracked = TRACKED.get(getattr(table, "name", ""))
    if tracked is None or isinstance(orm_execute_state.parameters, list):
        return None  # untracked, or an executemany by primary key (rare; not captured)
    session = orm_execute_state.session
    before = _matching_rows(session, table, tracked, statement,
                            orm_execute_state.parameters)
    result = orm_execute_state.invoke_statement()
    op = "delete" if orm_execute_state.is_delete else "update"
    columns = list(table.primary_key.columns)
    keys = [tuple(row[c.name] for c in columns) for row in before]
    after = _rows_by_key(session, table, tracked, keys) if op == "update" else {}
    rows = []
    for key, values in zip(keys, before, strict=True):
        change = _change(tracked, op, values, after.get(key))
        if change is not None and tracked.worth(change):
            rows.append(_event(session, table, tracked, after.get(key, values), change))
    if rows:
        write_rows(session, rows)
    return result

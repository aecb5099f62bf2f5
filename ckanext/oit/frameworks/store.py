"""Editions and fiscal-year choices in PostgreSQL: reading them for the registry,
writing them for the edition actions, each change in the audit trail.

The revision token is read on a connection of its own, outside the caller's
transaction, so a check never flushes or joins what a request is writing and
always sees what other processes have committed.
"""
from __future__ import annotations

import datetime
import json
import time
import uuid
from typing import Any

import sqlalchemy as sa

from ckan import model

from ckanext.oit import audit
from ckanext.oit.frameworks.model import EditionsRevision, FiscalYearEdition, StoredEdition
from ckanext.oit.i18n_messages import N_

EDITION_ACTIONS = ("edition_load", "edition_reset", "edition_fiscal_year")
audit.ACTION_LABELS.update({
    "edition_load": N_("Load an OIT edition"),
    "edition_reset": N_("Return an OIT edition to the packaged file"),
    "edition_fiscal_year": N_("Choose the edition of a fiscal year"),
})
_REVISION_ID = 1
_REQUEST_FLAG = "_oit_editions_token"


def _read(statement: str) -> list[Any]:
    with model.meta.engine.connect() as connection:
        return list(connection.execute(sa.text(statement)))


def token() -> Any:
    """The revision token; None when nothing is stored (or before the migration)."""
    try:
        rows = _read(f"SELECT token FROM {EditionsRevision.__tablename__} WHERE id = {_REVISION_ID}")
    except sa.exc.DBAPIError:
        return None
    return rows[0][0] if rows else None


def rows() -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    editions = _read(f"SELECT name, document FROM {StoredEdition.__tablename__} ORDER BY name")
    years = _read(f"SELECT fiscal_year, edition FROM {FiscalYearEdition.__tablename__} ORDER BY fiscal_year")
    return [(r[0], r[1]) for r in editions], [(int(r[0]), r[1]) for r in years]


# outside a web request (a job, a command) the token is read again at most this often
OUTSIDE_REQUEST_SECONDS = 2.0
_UNCHECKED = object()
_last_outside: list[Any] = [_UNCHECKED, 0.0]   # the token last read outside a request, and when


def checked_in_this_request(current: Any) -> bool:
    """Was the token already read for this request (or, outside one, a moment ago)?"""
    from flask import g, has_request_context
    if has_request_context():
        return getattr(g, _REQUEST_FLAG, _UNCHECKED) == current
    seen, at = _last_outside
    return seen == current and time.monotonic() - at < OUTSIDE_REQUEST_SECONDS


def mark_checked(value: Any) -> None:
    from flask import g, has_request_context
    if has_request_context():
        setattr(g, _REQUEST_FLAG, value)
    else:
        _last_outside[:] = [value, time.monotonic()]


# one change of the editions at a time, across processes (held until the commit)
_LOCK_KEY = 0x0117_ED17_0008


def lock() -> Any:
    """Wait for any other change of the editions to be committed, and hold off the
    next until this transaction ends; the revision token as it then is."""
    session = model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    row = session.execute(sa.text(f"SELECT token FROM {EditionsRevision.__tablename__} WHERE id = :id"),
                          {"id": _REVISION_ID}).first()
    return row[0] if row else None


def keys_in_use() -> set[str]:
    """The item keys that datasets (not deleted) carry."""
    from ckanext.oit import compat

    return compat.distinct_extra_values("item_key")


def _bump() -> None:
    session = model.Session
    row = session.get(EditionsRevision, _REVISION_ID)
    if row is None:
        session.add(EditionsRevision(id=_REVISION_ID, token=uuid.uuid4().hex))
    else:
        row.token = uuid.uuid4().hex


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _audit(action: str, user: model.User | None, comment: str | None, before: Any, after: Any) -> None:
    audit.record(action=action, package_id=None, owner_org=None, actor_id=user.id if user else None,
                 actor_name=user.name if user else None, comment=comment, before=before, after=after)


def stored_document(name: str) -> dict[str, Any] | None:
    row = model.Session.get(StoredEdition, name)
    return json.loads(row.document) if row else None


def loaded(name: str) -> StoredEdition | None:
    return model.Session.get(StoredEdition, name)


def save(document: dict[str, Any], user: model.User | None, comment: str | None, diff: Any) -> None:
    """Store an edition (replacing the stored one of its name); the caller commits."""
    name = str(document["edition"])
    row = model.Session.get(StoredEdition, name)
    if row is None:
        row = StoredEdition(name=name)
        model.Session.add(row)
    row.document = json.dumps(document, ensure_ascii=False, sort_keys=False)
    row.loaded_by, row.loaded_at = (user.name if user else None), _now()
    _bump()
    _audit("edition_load", user, comment, None, {"edition": name, "changes": diff})


def reset(name: str, user: model.User | None, comment: str | None) -> bool:
    """Forget the stored edition of this name (the packaged file serves again)."""
    row = model.Session.get(StoredEdition, name)
    if row is None:
        return False
    model.Session.delete(row)
    _bump()
    _audit("edition_reset", user, comment, {"edition": name}, None)
    return True


def set_fiscal_year(fiscal_year: int, edition: str | None, user: model.User | None, comment: str | None) -> None:
    """Choose the edition of a fiscal year; None returns the year to the default rule."""
    row = model.Session.get(FiscalYearEdition, fiscal_year)
    before = {"fiscal_year": fiscal_year, "edition": row.edition} if row else None
    if edition is None:
        if row is not None:
            model.Session.delete(row)
    else:
        if row is None:
            row = FiscalYearEdition(fiscal_year=fiscal_year)
            model.Session.add(row)
        row.edition, row.set_by, row.set_at = edition, (user.name if user else None), _now()
    _bump()
    _audit("edition_fiscal_year", user, comment, before,
           {"fiscal_year": fiscal_year, "edition": edition} if edition else None)


def history(limit: int = 50) -> list[Any]:
    """The newest edition changes of the audit trail."""
    table = audit.audit_event_table
    return list(model.Session.query(audit.AuditEvent).filter(table.c.action.in_(EDITION_ACTIONS))
                .order_by(table.c.id.desc()).limit(limit))

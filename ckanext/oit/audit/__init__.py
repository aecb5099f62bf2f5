"""The audit trail of the publishing workflow.

One event per workflow transition and per change to an OIT dataset, in the
append-only table ``oit_audit_event``. Each event carries the hash of the one
before it (a single chain over the whole table, ordered by id), so a changed,
removed or reordered row shows up in :func:`verify`.

:func:`record` writes into the caller's SQLAlchemy session and does not commit:
the event is committed together with the change it describes, or not at all.
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

import ckan.model as ckan_model

from ckanext.oit import spreadsheet_cells, thai_calendar
# The submodule is named `model`: importing it binds `model` in this package,
# hence `ckan_model` for CKAN's.
from ckanext.oit.audit.model import CONTENT_FIELDS, AuditEvent, audit_event_table
from ckanext.oit.i18n_messages import N_, Message, language


# prev_hash of the first event.
GENESIS_HASH = "0" * 64

# Key of the transaction-scoped advisory lock that makes writers take turns:
# the bytes b"oitaudit" read as a big-endian integer.
_LOCK_KEY = 8028075772694784372

_VERIFY_BATCH = 1000


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _json_text(value: Any) -> str | None:
    return None if value is None else _canonical_json(value)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _hash(values: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of an event's content fields and prev_hash."""
    content: dict[str, Any] = {name: values[name] for name in CONTENT_FIELDS}
    content["created"] = values["created"].isoformat(timespec="microseconds")
    content["prev_hash"] = values["prev_hash"]
    return hashlib.sha256(_canonical_json(content).encode("utf-8")).hexdigest()


def _values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in (*CONTENT_FIELDS, "prev_hash")}


def record(
    *,
    action: str,
    package_id: str | None,
    owner_org: str | None,
    actor_id: str | None,
    actor_name: str | None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    before: Any = None,
    after: Any = None,
    change_request_id: str | None = None,
) -> AuditEvent:
    """Append one event in ``ckan.model.Session`` (flushed, not committed).

    Holds a transaction-wide advisory lock until the caller commits or rolls
    back, so events are chained in the order of their ids.
    """
    if not action or not isinstance(action, str):
        raise ValueError("an audit event needs an action")
    session = ckan_model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    table = audit_event_table
    prev_hash = session.execute(
        sa.select(table.c.hash).order_by(table.c.id.desc()).limit(1)
    ).scalar()
    event = AuditEvent(
        created=_utcnow(),
        actor_id=actor_id,
        actor_name=actor_name,
        package_id=package_id,
        owner_org=owner_org,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        before=_json_text(before),
        after=_json_text(after),
        change_request_id=change_request_id,
        prev_hash=prev_hash or GENESIS_HASH,
    )
    event.hash = _hash(_values(event))
    session.add(event)
    # Flush now: the id is taken while the lock is held, and a second event of
    # the same transaction finds this one as its predecessor.
    session.flush([event])
    return event


def events(
    *,
    package_id: str | None = None,
    owner_org: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[AuditEvent]:
    """Events of a dataset and/or an organisation (all when neither is given), by id."""
    columns = audit_event_table.c
    query = sa.select(AuditEvent)
    if package_id is not None:
        query = query.where(columns.package_id == package_id)
    if owner_org is not None:
        query = query.where(columns.owner_org == owner_org)
    query = query.order_by(columns.id.desc() if newest_first else columns.id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(ckan_model.Session.execute(query).scalars())


def _parse(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """A JSON-ready dict of an event; ``before``/``after`` parsed back."""
    return {
        "id": event.id,
        "created": event.created.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "package_id": event.package_id,
        "owner_org": event.owner_org,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
        "before": _parse(event.before),
        "after": _parse(event.after),
        "change_request_id": event.change_request_id,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
    }


# --- verification -------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """``checked`` counts the events examined (up to and including a bad one);
    ``last_hash`` is the hash of the newest good event, worth noting elsewhere:
    removing events from the end of the chain leaves no broken link."""

    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str
    last_hash: str | None = None


def verify() -> VerifyResult:
    """Walk all events by id, recompute each hash and check each prev_hash link."""
    table = audit_event_table
    session = ckan_model.Session
    checked = 0
    last_id: int | None = None
    expected_prev = GENESIS_HASH
    while True:
        query = sa.select(table).order_by(table.c.id).limit(_VERIFY_BATCH)
        if last_id is not None:
            query = query.where(table.c.id > last_id)
        rows = session.execute(query).mappings().all()
        if not rows:
            break
        for row in rows:
            checked += 1
            if _hash(row) != row["hash"]:
                return VerifyResult(
                    False, checked, row["id"],
                    "content changed: the stored hash does not match the event's fields",
                    None if last_id is None else expected_prev,
                )
            if row["prev_hash"] != expected_prev:
                if last_id is None:
                    reason = (
                        f"link broken: the first event does not start the chain; "
                        f"a row is missing before id {row['id']}"
                    )
                else:
                    reason = (
                        f"link broken: prev_hash does not match the hash of event {last_id}; "
                        f"a row is missing before id {row['id']} (or event {last_id} was rewritten)"
                    )
                return VerifyResult(
                    False, checked, row["id"], reason, None if last_id is None else expected_prev
                )
            expected_prev = row["hash"]
            last_id = row["id"]
    if last_id is None:
        return VerifyResult(True, 0, None, "no events", None)
    return VerifyResult(True, checked, None, "chain intact", expected_prev)


# --- CSV export -----------------------------------------------------------------

# The columns of the CSV (msgids).
HEADERS: tuple[str, ...] = (N_("Time"), N_("Actor"), N_("Action"), N_("From"), N_("To"),
                            N_("Note"), N_("Dataset ID"), N_("Changes"))

# Names of the states events move between (code -> msgid); the workflow adds its own,
# as it depends on the audit trail and not the other way round.
STATE_LABELS: dict[str, str] = {}

# Names for action codes (code -> msgid); a code not listed is shown as it is.
# Other capabilities add their own codes here.
ACTION_LABELS: dict[str, str] = {
    "create": N_("Create"),
    "update": N_("Update"),
    "delete": N_("Delete"),
    "submit": N_("Submit for approval"),
    "approve": N_("Approve"),
    "return": N_("Return for changes"),
    "withdraw": N_("Withdraw"),
    # not CKAN's "Add resource" button: the trail's names are its own
    "resource_create": N_("Add a resource"),
    "resource_update": N_("Update a resource"),
    "resource_delete": N_("Delete a resource"),
    "change_request": N_("Request a change"),
    "change_approve": N_("Approve change"),
    "change_return": N_("Return change"),
    "records_load": N_("Load the table's rows"),
}

_NOTHING = "—"
_SUMMARY_VALUE_MAX = 80
_MISSING = object()


def label(labels: Mapping[str, str], code: str | None, lang: str | None = None) -> str:
    """The name of ``code`` in ``lang`` (the request's by default); an unknown code as it is."""
    if not code:
        return ""
    msgid = labels.get(code)
    return Message(msgid).say(lang) if msgid else code


def _display_time(created: datetime.datetime, lang: str) -> str:
    from ckan.lib.helpers import get_display_timezone

    local = created.replace(tzinfo=datetime.timezone.utc).astimezone(get_display_timezone())
    return f"{thai_calendar.format_date(local.date(), 'short', lang)} {local:%H:%M}"


def _short(value: Any) -> str:
    if value is _MISSING or value is None:
        return _NOTHING
    text = value if isinstance(value, str) else _canonical_json(value)
    text = " ".join(text.split())
    if len(text) > _SUMMARY_VALUE_MAX:
        text = text[: _SUMMARY_VALUE_MAX - 1] + "…"
    return text


def _changes(before: Any, after: Any) -> str:
    """"field: before → after" for each field that differs; "; " between them."""
    if before is None and after is None:
        return ""
    if isinstance(before, dict) or isinstance(after, dict):
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        parts = [
            f"{key}: {_short(old.get(key, _MISSING))} → {_short(new.get(key, _MISSING))}"
            for key in sorted(set(old) | set(new), key=str)
            if old.get(key, _MISSING) != new.get(key, _MISSING)
        ]
        return "; ".join(parts)
    if before == after:
        return ""
    return f"{_short(before)} → {_short(after)}"


# A cell that starts like a formula is run by spreadsheets: the rule of every download.
_cell = spreadsheet_cells.csv_cell


def to_csv(events: Iterable[AuditEvent], lang: str = "th") -> str:
    """The events as CSV text for Excel: BOM, a header row in Thai or English,
    local times (Buddhist Era years in Thai), one row per event."""
    lang = language(lang or "th")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([Message(header).say(lang) for header in HEADERS])
    for event in events:
        writer.writerow([
            _display_time(event.created, lang),
            _cell(event.actor_name or event.actor_id),
            _cell(label(ACTION_LABELS, event.action, lang)),
            _cell(label(STATE_LABELS, event.from_state, lang)),
            _cell(label(STATE_LABELS, event.to_state, lang)),
            _cell(event.comment),
            _cell(event.package_id),
            _cell(_changes(_parse(event.before), _parse(event.after))),
        ])
    return "\ufeff" + out.getvalue()

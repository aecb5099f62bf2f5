"""The validation state of each table of a dataset, read from the database: what
the dataset page, the approval page, the dashboards, the polling action and the
workflow's confirmation all show and check."""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.oit.i18n_messages import N_, Message
from ckanext.oit.records import jobs, tables
from ckanext.oit.records.model import FAILED, INVALID, LOADED, QUEUED, RecordsLoad

# A linked table: the portal never checked the file behind the link.
NOT_VALIDATED = "not_validated"
STATUSES = (LOADED, INVALID, FAILED, QUEUED, NOT_VALIDATED)
# what a submission or an approval is asked to confirm (or refused)
DOUBTFUL = (INVALID, FAILED, QUEUED, NOT_VALIDATED)


def is_table(resource: model.Resource) -> bool:
    """A file of a table format in a dataset whose item has a table schema,
    uploaded or linked."""
    return jobs.table_format(resource) and jobs.table_for(resource) is not None


def _linked(resource: model.Resource) -> bool:
    return resource.url_type != "upload"


def _current(resource: model.Resource, row: RecordsLoad | None) -> RecordsLoad | None:
    """The stored state, if it is about the resource's present file. For a link
    only a fetch under way or failed counts, and only if it is newer than the
    resource's last change (the state of an earlier upload is not the link's)."""
    if row is None or not _linked(resource):
        return row
    if row.status not in (QUEUED, FAILED):
        return None
    changed = resource.metadata_modified
    return row if changed is None or row.updated_at >= changed else None


_LOOK_UP: Any = object()  # the caller has not read the state row

# A loaded table without rows whose schema allows an empty period (oit.empty_table):
# said by the schema's flag, so that an empty month reads as stated, not as missing
_EMPTY = {"no_procurement": N_("No procurement in this period: accepted as a table without rows")}
_EMPTY_OTHER = N_("Nothing to report in this period: accepted as a table without rows")


def empty_period(state: dict[str, Any]) -> dict[str, Any] | None:
    """``{"flag", "message" (Thai / English), "message_th", "message_en"}`` for a table
    loaded with no rows whose schema has ``oit.empty_table`` (a header-only file, or one
    row saying "no procurement" in a phrase of the schema); None otherwise."""
    if state.get("status") != LOADED or state.get("row_count"):
        return None
    empty = tables.empty_table(tables.get(state.get("table") or ""))
    if empty is None:
        return None
    message = Message(_EMPTY.get(empty.get("flag") or "", _EMPTY_OTHER))
    return {"flag": empty.get("flag"), "message": message.both(), "message_th": message.say("th"),
            "message_en": message.say("en")}


def resource_state(resource: model.Resource, row: RecordsLoad | None = _LOOK_UP, *,
                   limit: int = 100) -> dict[str, Any] | None:
    """The state of one resource's table as a dict (``status`` one of STATUSES,
    ``row_count``, ``problem_count``, ``problems`` (first ``limit``), ``linked``, and
    ``empty_period`` (see empty_period) for a period stated to have no rows);
    None when the resource is not a table and has no state."""
    if row is _LOOK_UP:
        row = model.Session.get(RecordsLoad, resource.id)
    current = _current(resource, row)
    if current is not None:
        state = current.as_dict(limit)
    elif is_table(resource):
        # the rows of an earlier upload, if any, are still served
        state = {"status": NOT_VALIDATED, "table": jobs.table_for(resource),
                 "row_count": row.row_count if row is not None else None, "problem_count": 0,
                 "problems": [], "encoding": None, "updated_at": None, "warnings": []}
    else:
        return None
    state["linked"] = _linked(resource)
    empty = empty_period(state)
    if empty is not None:
        state["empty_period"] = empty
    return state


def table_states(package: model.Package, *, limit: int = 100) -> list[dict[str, Any]]:
    """Each table resource of the dataset, in the dataset's order: its state
    (see resource_state) with ``resource_id`` and ``name``. Empty for a dataset
    with no table (a document-only item, a PDF link)."""
    resources = (model.Session.query(model.Resource)
                 .filter(model.Resource.package_id == package.id, model.Resource.state == "active")
                 .order_by(model.Resource.position).all())
    if not resources:
        return []
    rows = {row.resource_id: row for row in model.Session.query(RecordsLoad)
            .filter(RecordsLoad.resource_id.in_([r.id for r in resources]))}
    found = []
    for resource in resources:
        state = resource_state(resource, rows.get(resource.id), limit=limit)
        if state is not None:
            state.update(resource_id=resource.id, name=resource.name or "")
            found.append(state)
    return found


def doubtful(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tables a submission or an approval must not pass unnoticed."""
    return [s for s in states if s["status"] in DOUBTFUL]

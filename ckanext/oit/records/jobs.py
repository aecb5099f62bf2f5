"""The background job that turns an uploaded file into DataStore rows."""
from __future__ import annotations

import contextvars
import logging
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit
from ckanext.oit import dataset_types, frameworks
from ckanext.oit.i18n_messages import Message
from ckanext.oit.records import previews
from ckanext.oit.records import reading, replace, tables, validation
from ckanext.oit.records.model import FAILED, INVALID, LOADED, QUEUED, RecordsLoad

log = logging.getLogger(__name__)
FORMATS = ("csv", "xlsx", "xlsm", "tsv", "txt")


def table_for(resource: model.Resource) -> str | None:
    """The table schema that applies to a resource's dataset, if its item has one."""
    package = resource.package
    if package is None or not dataset_types.is_oit_type(package.type):
        return None
    key, fiscal_year = package.extras.get("item_key"), package.extras.get("fiscal_year")
    if not key or not fiscal_year:
        return None
    try:
        item = frameworks.item_for(key, int(fiscal_year)) or frameworks.any_item(key)
    except (ValueError, frameworks.FrameworkError):
        return None
    return item.table if item is not None and tables.get(item.table or "") else None


def table_format(resource: model.Resource) -> bool:
    """Whether the resource is a file of a table format (its format, else the
    extension of its file name or link)."""
    path = urlsplit(resource.url or "").path
    kind = (resource.format or (path.rsplit(".", 1)[-1] if "." in path else "")).lower()
    return kind in FORMATS


def wanted(resource: model.Resource) -> bool:
    """An uploaded table of a records item: loaded by the job after each change.
    A linked one is loaded once staff have it fetched (records/fetch.py)."""
    return resource.url_type == "upload" and table_format(resource) and table_for(resource) is not None


def _state(resource: model.Resource) -> RecordsLoad:
    state = model.Session.get(RecordsLoad, resource.id)
    if state is None:
        state = RecordsLoad(resource_id=resource.id, package_id=resource.package_id, status=QUEUED)
        model.Session.add(state)
    state.table_name = table_for(resource)
    return state


def queue(resource_id: str, *, again: bool = False) -> None:
    """Mark the resource queued and hand it to the worker. ``again``: the watchdog
    queues a lost job once more (it counts as the same file's second attempt)."""
    resource = model.Resource.get(resource_id)
    state = _state(resource)
    state.set(QUEUED, rows=state.row_count)  # earlier rows stay served until the new file is in
    state.attempts = (state.attempts or 1) + 1 if again else 1
    state.job_id = f"oit-records-{resource_id}-{uuid.uuid4().hex[:8]}"
    job_id = state.job_id
    model.Session.commit()
    try:
        # a large file takes minutes (CKAN's job timeout is 180 s); a timeout ends as "failed"
        tk.enqueue_job(load, [resource_id], title=f"OIT records {resource_id}", rq_kwargs={
            "timeout": int(tk.config.get("ckanext.oit.records.job_timeout") or 1800), "job_id": job_id})
    except Exception:
        # never left "queued" with no job behind it
        state = _state(model.Resource.get(resource_id))
        state.set(FAILED, rows=state.row_count, problems=[problem(Message(
            "The file could not be queued for processing; tell the site administrator, then upload it again"))])
        model.Session.commit()
        raise


def _workflow_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True, "oit_workflow": True}


def problem(message: Message) -> dict[str, Any]:
    return validation.Problem(None, None, None, message).as_dict()


def _drop_rows(resource_id: str) -> None:
    try:
        tk.get_action("datastore_delete")(_workflow_context(), {"resource_id": resource_id, "force": True})
    except tk.ObjectNotFound:
        pass


def _create_table(resource_id: str, schema: dict[str, Any]) -> None:
    """An empty DataStore table of the schema, made by CKAN (its columns, labels and
    the resource's datastore_active flag); the rows come by replace.Replacement."""
    keys = schema.get("primaryKey") or []
    tk.get_action("datastore_create")(_workflow_context(), {
        "resource_id": resource_id, "force": True, "fields": tables.datastore_fields(schema),
        "primary_key": [keys] if isinstance(keys, str) else keys, "records": []})


def _kept_rows(resource_id: str) -> int | None:
    """How many rows (of an earlier file) the DataStore holds; None: no table."""
    try:
        return tk.get_action("datastore_search")(_workflow_context(), {
            "resource_id": resource_id, "limit": 0})["total"]
    except tk.ObjectNotFound:
        return None


def _refuse(resource_id: str, status: str, problems: list[dict[str, Any]], encoding: str | None = None,
            warnings: list[dict[str, Any]] | None = None, problem_count: int | None = None):
    """The new file is not loaded; the rows of the last valid file stay (a published
    table does not disappear because a replacement was wrong)."""
    state = _state(model.Resource.get(resource_id))
    state.set(status, rows=_kept_rows(resource_id), problems=problems, encoding=encoding, warnings=warnings,
              problem_count=problem_count)
    model.Session.commit()
    return state.as_dict()


def _path(resource: model.Resource) -> str:
    return uploader.get_resource_uploader({"id": resource.id, "url": resource.url,
                                           "url_type": resource.url_type}).get_path(resource.id)


@dataclass
class _Checked:
    checker: validation.Checker
    encoding: str | None


def _stream(resource: model.Resource, schema: dict[str, Any],
            replacement: replace.Replacement | None) -> _Checked:
    """Read and check the file row by row; while no problem is found, each row
    goes on to ``replacement`` (None: check only). Memory stays flat: no row is kept."""
    with reading.open_table(_path(resource), resource.url or "", resource.extras.get("oit_sheet")) as table:
        checker = validation.Checker(schema, table.headers)
        for number, cells in table.rows:
            ready = checker.feed(number, cells)
            if replacement is not None and not checker.problems:
                for row in ready:
                    replacement.add(row)
        ready = checker.finish()
        if replacement is not None and not checker.problems:
            for row in ready:
                replacement.add(row)
        return _Checked(checker, table.encoding)


# The resource this process is loading: CKAN 2.12's DataStore patches the resource
# (datastore_active) while its rows are written, which must not queue the file again.
_loading: contextvars.ContextVar[str | None] = contextvars.ContextVar("oit_records_loading", default=None)


def loading() -> str | None:
    return _loading.get()


def load(resource_id: str) -> dict[str, Any]:
    """Read, normalise and validate the file; load the rows as a whole, or none.
    Nothing is deleted before the new file has passed; whatever goes wrong ends
    in a state with a problem to read, never in "queued"."""
    token = _loading.set(resource_id)
    try:
        return _load(resource_id)
    finally:
        _loading.reset(token)


def _load(resource_id: str) -> dict[str, Any]:
    resource = model.Resource.get(resource_id)
    if resource is None:
        return {"status": FAILED}
    created = False  # this run made the (empty) table: a refused first file leaves none
    replacement: replace.Replacement | None = None
    checked: _Checked | None = None
    try:
        state = _state(resource)
        schema = tables.get(state.table_name or "")
        if schema is None:
            return _refuse(resource_id, FAILED, [problem(Message("This dataset's item has no table schema"))])
        columns = replace.table_columns(resource_id)
        if columns is not None and not replace.fits(columns, schema):
            # the table schema changed since the last load: the file must pass before the old table goes
            checked = _stream(resource, schema, None)
            if checked.checker.problems:
                return _invalid(resource_id, checked)
            _drop_rows(resource_id)
            columns = None
        if columns is None:
            _create_table(resource_id, schema)
            created = True
        replacement = replace.Replacement(resource_id, schema)
        checked = _stream(resource, schema, replacement)
        if checked.checker.problems:
            replacement.abandon()
            replacement = None
            return _invalid(resource_id, checked, drop=created)
        count = replacement.commit()
        replacement = None
    except reading.ReadError as error:
        _undo(resource_id, replacement, created)
        return _refuse(resource_id, INVALID, [problem(error.message)])
    except Exception as error:
        log.exception("the records of resource %s could not be loaded", resource_id)
        model.Session.rollback()
        _undo(resource_id, replacement, created)
        reason = validation.visible(f"{type(error).__name__}: {error}".splitlines()[0])[:300]
        return _refuse(resource_id, FAILED, [problem(Message(
            "The file could not be processed (%(reason)s); upload it again, and if it fails again "
            "tell the site administrator", reason=reason))])
    loaded = model.Resource.get(resource_id)
    state = _state(loaded)
    state.set(LOADED, rows=count, encoding=checked.encoding,
              warnings=[w.as_dict() for w in checked.checker.warnings])
    # the rows are a write to the dataset: the loader's own event, in the same commit
    audit.record(action="records_load", package_id=loaded.package_id, owner_org=loaded.package.owner_org,
                 actor_id=None, actor_name="ckanext-oit records job",
                 after={"resource_id": resource_id, "rows": count})
    model.Session.commit()
    try:
        previews.after_records_loaded(resource_id)  # the resource page previews the rows
    except Exception:  # the rows are in: a missing preview is not a failed load
        log.exception("no table view for resource %s", resource_id)
    return state.as_dict()


def _invalid(resource_id: str, checked: _Checked, drop: bool = False) -> dict[str, Any]:
    if drop:
        _drop_rows(resource_id)
    checker = checked.checker
    return _refuse(resource_id, INVALID, [p.as_dict() for p in sorted(
        checker.problems, key=lambda p: (p.row or 0, p.column or ""))], checked.encoding,
        [w.as_dict() for w in checker.warnings], checker.problem_count)


def _undo(resource_id: str, replacement: replace.Replacement | None, created: bool) -> None:
    """After a failure: the staging table goes (rolled back), the live rows stay;
    an empty table this run made goes too."""
    if replacement is not None:
        try:
            replacement.abandon()
        except Exception:
            log.exception("could not roll back the staging table of resource %s", resource_id)
    if created:
        try:
            _drop_rows(resource_id)
        except Exception:
            log.exception("could not drop the empty table of resource %s", resource_id)

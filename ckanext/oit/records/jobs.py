"""The background job that turns an uploaded file into DataStore rows."""
from __future__ import annotations

import logging
from typing import Any

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import frameworks
from ckanext.oit.portal import previews
from ckanext.oit.records import reading, tables, validation
from ckanext.oit.records.model import FAILED, INVALID, LOADED, QUEUED, RecordsLoad

log = logging.getLogger(__name__)
FORMATS = ("csv", "xlsx", "xlsm", "tsv", "txt")
CHUNK = 5000


def table_for(resource: model.Resource) -> str | None:
    """The table schema that applies to a resource's dataset, if its item has one."""
    package = resource.package
    if package is None or not str(package.type).startswith("oit-"):
        return None
    key, fiscal_year = package.extras.get("item_key"), package.extras.get("fiscal_year")
    if not key or not fiscal_year:
        return None
    try:
        item = frameworks.item_for(key, int(fiscal_year)) or frameworks.any_item(key)
    except (ValueError, frameworks.FrameworkError):
        return None
    return item.table if item is not None and tables.get(item.table or "") else None


def wanted(resource: model.Resource) -> bool:
    kind = (resource.format or resource.url.rsplit(".", 1)[-1]).lower()
    return resource.url_type == "upload" and kind in FORMATS and table_for(resource) is not None


def _state(resource: model.Resource) -> RecordsLoad:
    state = model.Session.get(RecordsLoad, resource.id)
    if state is None:
        state = RecordsLoad(resource_id=resource.id, package_id=resource.package_id, status=QUEUED)
        model.Session.add(state)
    state.table_name = table_for(resource)
    return state


def queue(resource_id: str) -> None:
    """Mark the resource queued and hand it to the worker."""
    resource = model.Resource.get(resource_id)
    _state(resource).set(QUEUED)
    model.Session.commit()
    tk.enqueue_job(load, [resource_id], title=f"OIT records {resource_id}")


def _workflow_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True, "oit_workflow": True}


def _drop_rows(resource_id: str) -> None:
    try:
        tk.get_action("datastore_delete")(_workflow_context(), {"resource_id": resource_id, "force": True})
    except tk.ObjectNotFound:
        pass


def load(resource_id: str) -> dict[str, Any]:
    """Read, normalise and validate the file; load the rows as a whole, or none."""
    resource = model.Resource.get(resource_id)
    if resource is None:
        return {"status": FAILED}
    state = _state(resource)
    schema = tables.get(state.table_name or "")
    try:
        path = uploader.get_resource_uploader({"id": resource.id, "url": resource.url,
                                               "url_type": resource.url_type}).get_path(resource.id)
        with open(path, "rb") as stream:
            raw = reading.read(stream.read(), resource.url or "", resource.extras.get("oit_sheet"))
    except reading.ReadError as error:
        _drop_rows(resource.id)
        state.set(INVALID, problems=[validation.Problem(None, None, None, error.th, error.en).as_dict()])
        model.Session.commit()
        return state.as_dict()
    rows, problems = validation.check(raw, schema)
    if problems:
        # nothing half-valid is served: the table goes until a valid file comes
        _drop_rows(resource.id)
        state.set(INVALID, problems=[p.as_dict() for p in problems], encoding=raw.encoding)
        model.Session.commit()
        return state.as_dict()
    context = _workflow_context()
    _drop_rows(resource.id)
    records = [{k: validation._plain(v) for k, v in row.items()} for row in rows]
    tk.get_action("datastore_create")(dict(context), {
        "resource_id": resource.id, "force": True, "fields": tables.datastore_fields(schema),
        "records": records[:CHUNK]})
    for start in range(CHUNK, len(records), CHUNK):
        tk.get_action("datastore_upsert")(dict(context), {
            "resource_id": resource.id, "force": True, "method": "insert",
            "records": records[start:start + CHUNK]})
    state = _state(model.Resource.get(resource_id))
    state.set(LOADED, rows=len(records), encoding=raw.encoding)
    model.Session.commit()
    previews.after_records_loaded(resource_id)  # the resource page previews the rows
    return state.as_dict()

"""Actions of the records: the table schemas and the rows across datasets."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.i18n_messages import both
from ckanext.oit.messages import ORGANISATION_NOT_FOUND
from ckanext.oit.parameters import validated
from ckanext.oit.records import fetch, states, tables
from ckanext.oit.records import search as records_search
from ckanext.oit.records.logic import schema


@tk.side_effect_free
def oit_table_schema_list(context, data_dict):
    """The table schemas of the tabular disclosures: name and titles."""
    tk.check_access("oit_table_schema_list", context, data_dict)
    return [{"name": name, "title": {"th": table.get("title", name),
                                     "en": (table.get("oit") or {}).get("title_en", name)},
             "field_count": len(table["fields"])}
            for name, table in ((n, tables.get(n)) for n in tables.names())]


@tk.side_effect_free
def oit_table_schema_show(context, data_dict):
    """One Frictionless Table Schema.

    :param name: e.g. ``procurement-monthly-summary``
    """
    tk.check_access("oit_table_schema_show", context, data_dict)
    table = tables.get(str(data_dict.get("name") or ""))
    if table is None:
        raise tk.ObjectNotFound(both("No table schema %(name)s", name=data_dict.get("name")))
    return table


@tk.side_effect_free
def oit_records_search(context, data_dict):
    """Every record of one kind for an organisation, across its datasets: e.g.
    every procurement row of FY 2569 from the twelve monthly summaries. Only
    datasets the caller may see take part (the public: published ones).

    :param organization: the organisation's id or name
    :param table: the table schema's name, e.g. ``procurement-monthly-summary``
    :param fiscal_year: (optional) Buddhist Era
    :param period: (optional) e.g. ``2025-10``
    :param filters: (optional) ``{column: value}`` (a dict or JSON text)
    :param q: (optional) words separated by spaces, each of which must be inside
        some text or number cell of the row (a Thai word inside a phrase too);
        case-insensitive, Thai digits as Arabic, ``%`` and ``_`` literal
    :param limit: (optional, default 100) and ``offset``
    """
    tk.check_access("oit_records_search", context, data_dict)
    org = model.Group.get(str(data_dict.get("organization") or ""))
    if org is None:
        raise tk.ObjectNotFound(ORGANISATION_NOT_FOUND.both())
    data = validated(data_dict, schema.records_search(), context)
    return records_search.search(
        {"user": context.get("user"), "ignore_auth": False}, org.id, str(data_dict.get("table") or ""),
        data.get("fiscal_year"), data_dict.get("period") or None, data.get("filters") or {},
        data["limit"], data["offset"], data.get("q"))


@tk.side_effect_free
def oit_records_state_show(context, data_dict):
    """The validation state of a dataset's tables, for a page to follow while a
    file is checked: ``{"package_id", "tables": [{"resource_id", "name",
    "status", "row_count", "problem_count", "problems", "warnings", "linked", ...}]}``;
    ``warnings``: what the file lacks (a column of the official form), never blocking;
    ``status`` is ``loaded``, ``invalid``, ``failed``, ``queued`` or
    ``not_validated`` (a linked file the portal has not checked).

    :param resource_id: one resource's table (its dataset is read from the database)
    :param package_id: or every table of a dataset (id or name)
    """
    data = validated(data_dict, schema.records_state_show(), context)
    if not data.get("resource_id") and not data.get("package_id"):
        raise tk.ValidationError({"resource_id": [both("Give resource_id or package_id")]})
    resource = model.Resource.get(data["resource_id"]) if data.get("resource_id") else None
    package = resource.package if resource is not None else model.Package.get(data.get("package_id") or "")
    if package is None or (data.get("resource_id") and (resource is None or resource.state != "active")):
        raise tk.ObjectNotFound(both("Not found"))
    tk.check_access("oit_records_state_show", context, data)
    found = states.table_states(package)
    if resource is not None:
        found = [t for t in found if t["resource_id"] == resource.id]
    return {"package_id": package.id, "tables": found}


def oit_records_fetch(context, data_dict):
    """Fetch the file behind a linked table and validate it as an upload: a
    background job fetches it (public addresses only, with size and time
    limits), stores it as the resource's file as the caller, and the loader
    checks it. Only while the dataset is a draft, returned or withdrawn.

    :param resource_id: the linked resource
    """
    data = validated(data_dict, schema.records_fetch(), context)
    resource = model.Resource.get(data["resource_id"])
    if resource is None or resource.state != "active":
        raise tk.ObjectNotFound(both("Resource not found"))
    tk.check_access("oit_records_fetch", context, data)
    reason = fetch.not_fetchable(resource) or fetch.already_queued(resource)
    if reason is not None:
        raise tk.ValidationError({"resource_id": [reason.both()]})
    return fetch.queue(resource.id, context.get("user") or "")

"""Actions of the records: the table schemas and the rows across datasets."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.i18n_messages import both
from ckanext.oit.messages import ORGANISATION_NOT_FOUND
from ckanext.oit.parameters import validated
from ckanext.oit.records import search as records_search
from ckanext.oit.records import tables
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
        data["limit"], data["offset"])

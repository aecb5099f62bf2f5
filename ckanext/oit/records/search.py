"""All the records of one kind for an organisation (and fiscal year, period),
across its datasets: one SQL query over their DataStore tables.

The datasets are found through package_search, so what a caller may see is
decided by CKAN's own permission labels: the public sees published ones only.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure_query, frameworks
from ckanext.oit.i18n_messages import both
from ckanext.oit.records import tables, text_search
from ckanext.oit.records.model import LOADED, RecordsLoad

MAX_DATASETS = 1000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def item_keys_of(table: str) -> list[str]:
    keys = {i.key for e in frameworks.editions() for i in e.items if i.table == table}
    return sorted(keys)


def datasets(context: dict[str, Any], org_id: str, table: str, fiscal_year: int | None,
             period: str | None) -> list[dict[str, Any]]:
    keys = item_keys_of(table)
    if not keys:
        return []
    result = disclosure_query.search(
        context, organization=org_id, item_keys=keys, fiscal_years=[fiscal_year] if fiscal_year else [],
        period=period, include_private=True, rows=MAX_DATASETS, sort="fiscal_year asc, period asc")
    # whole results, not an fl list: search hooks that read a dataset's type see a whole dataset
    return [{"id": r["id"], "name": r["name"], "fiscal_year": r.get("fiscal_year"),
             "period": r.get("period")} for r in result["results"]]


def search(context: dict[str, Any], org_id: str, table: str, fiscal_year: int | None = None,
           period: str | None = None, filters: dict[str, Any] | None = None,
           limit: int = 100, offset: int = 0, q: str | None = None) -> dict[str, Any]:
    schema = tables.get(table)
    if schema is None:
        raise tk.ObjectNotFound(both("No table schema %(table)s", table=table))
    columns = [f["name"] for f in schema["fields"]]
    unknown = set(filters or {}) - set(columns)
    if unknown:
        raise tk.ValidationError({"filters": [both("Unknown columns: %(columns)s", columns=", ".join(sorted(unknown)))]})
    # words inside the cells (Thai has no spaces between words): records/text_search.py
    words, word_params = text_search.where(schema, q)
    found = {d["id"]: d for d in datasets(context, org_id, table, fiscal_year, period)}
    # a table whose replacement file failed keeps (and serves) the rows of its last valid file
    loads = (model.Session.query(RecordsLoad)
             .join(model.Resource, model.Resource.id == RecordsLoad.resource_id)
             .filter(RecordsLoad.package_id.in_(list(found)), model.Resource.state == "active",
                     sa.or_(RecordsLoad.status == LOADED, RecordsLoad.row_count.isnot(None)),
                     RecordsLoad.table_name == table).all()) if found else []
    fields = [{"id": "_dataset", "type": "text"}, {"id": "_fiscal_year", "type": "text"},
              {"id": "_period", "type": "text"}] + tables.datastore_fields(schema)
    if not loads:
        return {"count": 0, "fields": fields, "records": [], "datasets": []}

    params: dict[str, Any] = {}
    where = []
    for i, (column, value) in enumerate(sorted((filters or {}).items())):
        where.append(f"{_quote(column)}::text = :f{i}")
        params[f"f{i}"] = str(value)
    if words:
        where.append(f"({words})")
        params.update(word_params)
    selects = []
    for i, load in enumerate(loads):
        dataset = found[load.package_id]
        params.update({f"d{i}": dataset["name"], f"y{i}": str(dataset.get("fiscal_year") or ""),
                       f"p{i}": str(dataset.get("period") or "")})
        selects.append(
            f"SELECT :d{i} AS _dataset, :y{i} AS _fiscal_year, :p{i} AS _period, "
            + ", ".join(_quote(c) for c in columns) + f" FROM {_quote(load.resource_id)}"
            + (" WHERE " + " AND ".join(where) if where else ""))
    union = " UNION ALL ".join(selects)
    order = "_fiscal_year, _period, _dataset" + (", item_number" if "item_number" in columns else "")
    from ckanext.datastore.backend.postgres import get_read_engine  # only with the datastore plugin

    with get_read_engine().connect() as connection:
        count = connection.execute(sa.text(f"SELECT count(*) FROM ({union}) AS every"), params).scalar()
        rows = connection.execute(sa.text(
            f"SELECT * FROM ({union}) AS every ORDER BY {order} LIMIT :limit OFFSET :offset"),
            dict(params, limit=limit, offset=offset)).mappings().all()
    return {"count": count, "fields": fields, "records": [_json_ready(dict(r)) for r in rows],
            "datasets": [found[load.package_id]["name"] for load in loads]}


def _json_ready(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, Decimal):
            row[key] = float(value)
        elif isinstance(value, (datetime.date, datetime.datetime)):
            row[key] = value.isoformat()
    return row

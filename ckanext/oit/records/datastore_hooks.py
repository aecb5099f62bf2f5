"""``datastore_search`` on our records tables: a plain string ``q`` finds its terms
inside the cells (records/text_search.py) instead of CKAN's English tsquery, which
cannot find a Thai word inside a phrase. Every other table, a ``q`` given per
column (a dict) and ``plain=false`` (PostgreSQL's tsquery language, which the
table view sends) keep CKAN's behaviour.

CKAN runs the datastore plugin's hook first (it must be the first IDatastore
plugin); ours (plugin ``oit_datastore``) then takes its tsquery clause and rank out
again and puts the cell match in. The rows come in ``_id`` order (the file's)
unless ``sort`` is given.
"""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.oit.records import text_search
from ckanext.oit.records.model import RecordsLoad

RANK = "rank"


def _ours(resource_id: Any) -> bool:
    return bool(resource_id) and model.Session.get(RecordsLoad, str(resource_id)) is not None


def _takes(data_dict: dict[str, Any]) -> bool:
    q = data_dict.get("q")
    return (isinstance(q, str) and bool(text_search.terms(q)) and data_dict.get("plain", True) is not False
            and _ours(data_dict.get("resource_id")))


def validate(context: Any, data_dict: dict[str, Any], fields_types: dict[str, str]) -> dict[str, Any]:
    return data_dict  # no parameter of our own: CKAN's validation stands


def delete(context: Any, data_dict: dict[str, Any], fields_types: dict[str, str],
           query_dict: dict[str, Any]) -> dict[str, Any]:
    return query_dict


def search(context: Any, data_dict: dict[str, Any], fields_types: dict[str, str],
           query_dict: dict[str, Any]) -> dict[str, Any]:
    # "ts_query": the datastore plugin's hook ran (always, before ours); else leave it be
    if "ts_query" not in query_dict or not _takes(data_dict):
        return query_dict
    from ckanext.datastore.backend import postgres

    q = data_dict["q"]
    where = query_dict.setdefault("where", [])
    clause = (f"_full_text @@ {postgres.identifier('query')}",)
    if clause in where:
        where.remove(clause)  # once: a full_text parameter adds the same clause for itself
    if not data_dict.get("full_text"):  # else the tsquery and its rank are full_text's
        _, ranks = postgres._textsearch_query(postgres._fts_lang(data_dict.get("language")), q,
                                              data_dict.get("plain", True), None)
        rank = ranks.get(RANK)
        query_dict["ts_query"] = ""
        if rank:
            query_dict["select"] = [s for s in query_dict.get("select", []) if rank not in s]
            query_dict["sort"] = [s for s in query_dict.get("sort", []) if not s.startswith(rank)]
        if fields_types.get(RANK) == "float":  # the datastore plugin's, for its rank column
            del fields_types[RANK]
        _drop_rank_field(data_dict)
    fragment, params = text_search.where(
        {name: kind for name, kind in fields_types.items() if name != RANK}, q)
    where.append((fragment, params))
    return query_dict


def _drop_rank_field(data_dict: dict[str, Any]) -> None:
    """``fields`` may name ``rank`` with a string ``q``; there is no rank now."""
    fields = data_dict.get("fields")
    if not fields:
        return
    from ckanext.datastore.helpers import get_list

    listed = get_list(fields) or []
    if RANK in listed:
        data_dict["fields"] = [f for f in listed if f != RANK]

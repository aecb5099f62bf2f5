"""Search tuning: make CKAN's dataset search use the Thai-analysed Solr fields.

The Solr schema (config/solr/make_schema.py) copies titles, descriptions, tags
and text extras into ``title_th``/``text_th``, tokenised with Solr's Thai
tokenizer. CKAN queries ``name title tags groups text`` unless told otherwise,
so the query fields are set here from ``ckanext.oit.search.qf``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def with_thai_query_fields(search_params: dict[str, Any]) -> dict[str, Any]:
    # A caller that names its own query fields keeps them.
    if not search_params.get("qf"):
        search_params["qf"] = tk.config.get("ckanext.oit.search.qf")
    return search_params

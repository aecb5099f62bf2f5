"""Finding a word inside the cells of a records table.

Thai is written without spaces between words, so PostgreSQL's full-text search
(one lexeme per space-separated run) cannot find a word inside a phrase. Here a
query is split on whitespace; each term must be inside some text or number cell
of the row (ILIKE: case-insensitive; Thai digits read as Arabic, as the loader
stores them). A GIN trigram index (pg_trgm) over those cells makes it fast; the
match never depends on the index: a table without one (loaded before it existed,
or where pg_trgm is missing) is searched row by row with the same result.

pg_trgm reads Thai letters, combining vowels and tone marks as word characters
only when the database's LC_CTYPE is a UTF-8 one (C.UTF-8, th_TH.UTF-8, ...):
under plain C it extracts no trigram from Thai and the index cannot help.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Union

import ckan.plugins.toolkit as tk

from ckanext.oit import thai_calendar
from ckanext.oit.i18n_messages import both
from ckanext.oit.records import tables

MAX_TERMS = 20
MAX_INDEX_COLUMNS = 32  # PostgreSQL's INDEX_MAX_KEYS
TEXT_TYPES = {"text", "varchar"}
# their text form is immutable, so it can be indexed (a date's depends on DateStyle)
NUMBER_TYPES = {"int2", "int4", "int8", "numeric", "float4", "float8"}
# whitespace, and the zero-width space Thai text often carries between words
_SEPARATORS = re.compile(r"[\s\u200b]+")
_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")

Columns = Union[dict[str, Any], Mapping[str, str], Iterable[Any]]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def terms(q: Any) -> list[str]:
    """The terms of a query, each once, in their order."""
    found = _SEPARATORS.split(thai_calendar.normalise_digits(str(q or "")))
    return list(dict.fromkeys(t for t in found if t))


def _typed(columns: Columns) -> list[tuple[str, str]]:
    """(name, DataStore type) of a table schema's fields, of CKAN's ``fields_types``
    (a mapping; the ``_id``-like columns are not data) or of (name, type) pairs."""
    if isinstance(columns, Mapping) and isinstance(columns.get("fields"), list):
        return [(f["id"], f["type"]) for f in tables.datastore_fields(columns)]
    pairs = columns.items() if isinstance(columns, Mapping) else columns
    return [(name, kind) for name, kind in pairs if not str(name).startswith("_")]


def expressions(columns: Columns) -> list[str]:
    """The searched cells as SQL, written alike in the index and the query (the
    planner uses the index only for the very same expression)."""
    found = []
    for name, kind in _typed(columns):
        if kind in TEXT_TYPES:
            found.append(_quote(name))
        elif kind in NUMBER_TYPES:
            found.append(f"CAST({_quote(name)} AS text)")
    return found


def _pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _variants(term: str) -> list[str]:
    """A term and what else it may be in a cell: 45,000 is stored 45000 in an amount."""
    if _GROUPED_NUMBER.fullmatch(term):
        return [term, term.replace(",", "")]
    return [term]


def where(columns: Columns, q: Any, prefix: str = "oit_q") -> tuple[str, dict[str, Any]]:
    """A WHERE fragment with ``:name`` parameters: every term of ``q`` in some cell
    of the row. ``("", {})`` when ``q`` has no term (nothing to filter)."""
    found = terms(q)
    if not found:
        return "", {}
    if len(found) > MAX_TERMS:
        raise tk.ValidationError({"q": [both("Search for at most %(count)d words at a time", count=MAX_TERMS)]})
    cells = expressions(columns)
    if not cells:
        return "false", {}
    clauses, params = [], {}
    for i, term in enumerate(found):
        alternatives = []
        for j, variant in enumerate(_variants(term)):
            name = f"{prefix}{i}_{j}"
            params[name] = _pattern(variant)
            alternatives.extend(f"{cell} ILIKE :{name}" for cell in cells)
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses), params


def _index_name(table: str, n: int) -> str:
    # short and unique per table: the staging table's indexes keep their names after the swap
    return f"oit_trgm_{hashlib.sha1(table.encode('utf-8')).hexdigest()[:16]}_{n}"


def index_statements(table: str, schema: dict[str, Any]) -> list[str]:
    """The DDL that indexes ``table``'s searched cells for ``where``: GIN trigram
    indexes of at most 32 columns each. Each is built only where pg_trgm is
    installed (a warning otherwise): a missing extension slows the search, it must
    not fail the load."""
    cells = expressions(schema)
    statements = []
    for n, start in enumerate(range(0, len(cells), MAX_INDEX_COLUMNS)):
        part = cells[start:start + MAX_INDEX_COLUMNS]
        ddl = (f"CREATE INDEX {_quote(_index_name(table, n))} ON {_quote(table)} USING gin ("
               + ", ".join(f"({cell}) gin_trgm_ops" for cell in part) + ")")
        literal = "'" + ddl.replace("'", "''") + "'"
        statements.append(
            "DO $oit$ BEGIN "
            "IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') "
            f"THEN EXECUTE {literal}; "
            "ELSE RAISE WARNING 'pg_trgm is not installed: records search works without its index'; "
            "END IF; END $oit$")
    return statements


def has_index(connection: Any, table: str) -> bool:
    """Whether ``table`` has a trigram index (a DB-API connection of the DataStore)."""
    cursor = connection.cursor()
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_opclass o ON o.oid = ANY (i.indclass) "
        "WHERE i.indrelid = to_regclass(%s) AND o.opcname = 'gin_trgm_ops')", (_quote(table),))
    return bool(cursor.fetchone()[0])


def add_index(table: str, schema: dict[str, Any]) -> bool:
    """Index a table loaded before these indexes existed; False if it had one (or
    is gone). For a command or migration to run over the old tables."""
    from ckanext.datastore.backend.postgres import get_write_engine  # only with the datastore plugin

    connection = get_write_engine().raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT to_regclass(%s)", (_quote(table),))
        if cursor.fetchone()[0] is None or has_index(connection, table):
            connection.rollback()
            return False
        for statement in index_statements(table, schema):
            cursor.execute(statement)
        connection.commit()
        return has_index(connection, table)
    finally:
        connection.close()

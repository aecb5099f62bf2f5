"""Replacing a DataStore table's rows as a whole, in one transaction.

The new rows are copied (PostgreSQL COPY) into a staging table shaped like the
live one; its full-text column, keys and indexes are built after the copy, and
only then does it take the live table's place, in the same transaction. A reader
sees the old rows or the new, never a mix; a failure anywhere rolls back and
leaves the live rows as they were.

The live table is the one CKAN's DataStore made (datastore_create): the staging
table copies its columns and their comments (the field labels), so CKAN reads
the new table as its own.
"""
from __future__ import annotations

import datetime
import io
import logging
import uuid
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.oit.records import tables, text_search

log = logging.getLogger(__name__)
CHUNK = 5000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, (datetime.date, datetime.datetime)):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value.normalize(), "f")  # 12500.00 stored as 12500, as the JSON rows were
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_engine():
    from ckanext.datastore.backend.postgres import get_write_engine  # only with the datastore plugin

    return get_write_engine()


def table_columns(table: str) -> list[tuple[str, str]] | None:
    """(name, type) of the live table's own columns, in order; None: no table."""
    connection = write_engine().raw_connection()
    try:
        return _columns(connection.cursor(), table)
    finally:
        connection.rollback()
        connection.close()


def _columns(cursor, table: str) -> list[tuple[str, str]] | None:
    cursor.execute("SELECT to_regclass(%s)", (_quote(table),))
    if cursor.fetchone()[0] is None:
        return None
    cursor.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (_quote(table),))
    return [(name, kind) for name, kind in cursor.fetchall() if not name.startswith("_")]


_TYPE_NAMES = {"text": "text", "int8": "bigint", "numeric": "numeric", "date": "date", "bool": "boolean",
               "timestamp": "timestamp without time zone", "int4": "integer"}


def fits(columns: list[tuple[str, str]] | None, schema: dict[str, Any]) -> bool:
    """Whether the live table has exactly the schema's columns and types."""
    wanted = [(f["id"], _TYPE_NAMES.get(f["type"], f["type"])) for f in tables.datastore_fields(schema)]
    return columns == wanted


class Replacement:
    """One replacement of table ``table`` by rows of ``schema``: ``add`` rows
    (copied in chunks as they come), then ``commit`` or ``abandon``.
    The live table must exist and fit the schema (see fits)."""

    def __init__(self, table: str, schema: dict[str, Any], chunk: int | None = None):
        self.table, self.schema, self.chunk = table, schema, chunk or CHUNK
        self.columns = [f["name"] for f in schema["fields"]]
        self.tag = uuid.uuid4().hex[:12]
        self.staging = f"oit_staging_{self.tag}"
        self.buffer: list[str] = []
        self.count = 0
        self.connection = write_engine().raw_connection()
        self.cursor = self.connection.cursor()
        try:
            self._create()
        except Exception:
            self.abandon()
            raise

    def _create(self) -> None:
        staging, live = _quote(self.staging), _quote(self.table)
        sequence = _quote(f"oit_{self.tag}_id_seq")
        # no defaults, indexes or triggers: the copy goes to a bare table, those come after
        self.cursor.execute(f"CREATE TABLE {staging} (LIKE {live} INCLUDING COMMENTS)")
        self.cursor.execute(f"CREATE SEQUENCE {sequence} OWNED BY {staging}._id")
        self.cursor.execute(f"ALTER TABLE {staging} ALTER COLUMN _id SET DEFAULT nextval('{sequence}')")

    def add(self, row: dict[str, Any]) -> None:
        self.buffer.append("\t".join(copy_text(row.get(c)) for c in self.columns))
        if len(self.buffer) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        data = io.StringIO("\n".join(self.buffer) + "\n")
        self.cursor.copy_expert(
            f"COPY {_quote(self.staging)} ({', '.join(_quote(c) for c in self.columns)}) FROM STDIN", data)
        self.count += len(self.buffer)
        self.buffer = []

    def commit(self) -> int:
        """Build the staging table's full text, keys and indexes, put it in the live
        table's place and commit; the number of rows."""
        self.flush()
        staging, live, tag = _quote(self.staging), _quote(self.table), self.tag
        language = tk.config.get("ckan.datastore.default_fts_lang") or "english"
        # GIN indexes build several times faster with room to sort in (for this transaction only)
        self.cursor.execute("SET LOCAL maintenance_work_mem = '128MB'")
        # what CKAN's full-text trigger would have written for each row, in one statement
        self.cursor.execute(
            f"UPDATE {staging} SET _full_text = to_tsvector(%s, concat_ws(' ', "
            + ", ".join(f"{_quote(c)}::text" for c in self.columns) + "))", (language,))
        self.cursor.execute(f"ALTER TABLE {staging} ADD CONSTRAINT {_quote(f'oit_{tag}_pkey')} PRIMARY KEY (_id)")
        self.cursor.execute(f"CREATE INDEX {_quote(f'oit_{tag}_full_text')} ON {staging} USING gin (_full_text)")
        keys = self.schema.get("primaryKey") or []
        keys = [keys] if isinstance(keys, str) else keys
        if keys:  # the checks named any duplicate; this keeps any other writer from adding one
            self.cursor.execute(f"CREATE UNIQUE INDEX {_quote(f'oit_{tag}_key')} ON {staging} ("
                                + ", ".join(_quote(k) for k in keys) + ")")
        if self.count >= int(tk.config.get("ckanext.oit.records.text_index_min_rows") or 0):
            for statement in text_search.index_statements(self.staging, self.schema):
                self.cursor.execute(statement)
        triggers, aliases = self._live_triggers(), self._live_aliases()
        # CASCADE: a DataStore alias is a view of the live table; each is made again below
        self.cursor.execute(f"DROP TABLE {live} CASCADE")
        self.cursor.execute(f"ALTER TABLE {staging} RENAME TO {live}")
        for alias in aliases:
            self.cursor.execute(f"CREATE VIEW {_quote(alias)} AS SELECT * FROM {live}")
        for definition in triggers:  # CKAN's full-text trigger, for rows written later by the API
            self.cursor.execute(definition)
        # CKAN 2.12 serves a table's row count from a cache of its own
        self.cursor.execute("SELECT to_regproc('update_cached_table_row_count')")
        if self.cursor.fetchone()[0] is not None:
            self.cursor.execute("SELECT update_cached_table_row_count(%s)", (self.table,))
        self.connection.commit()
        self.connection.close()
        return self.count

    def _live_triggers(self) -> list[str]:
        self.cursor.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
                            "AND NOT tgisinternal", (_quote(self.table),))
        return [definition for (definition,) in self.cursor.fetchall()]

    def _live_aliases(self) -> list[str]:
        """The views on the live table (datastore_create ``aliases``)."""
        self.cursor.execute(
            "SELECT DISTINCT dependent.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
            "JOIN pg_class dependent ON dependent.oid = r.ev_class "
            "WHERE d.refobjid = %s::regclass AND dependent.relkind = 'v' AND dependent.oid <> d.refobjid",
            (_quote(self.table),))
        return [name for (name,) in self.cursor.fetchall()]

    def abandon(self) -> None:
        try:
            self.connection.rollback()
        finally:
            self.connection.close()

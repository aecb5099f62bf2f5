"""``ckan oit records …``: the tables' loads."""
from __future__ import annotations

import click


@click.group(short_help="Uploaded tables and their loads")
def records() -> None:
    """The records loaded from uploaded tables."""


@records.command("watchdog")
def watchdog() -> None:
    """Queue once more each table load lost with its worker, and mark one lost
    twice as failed (for cron, every few minutes)."""
    from ckanext.oit.records.watchdog import sweep

    done = sweep()
    click.echo(f"{len(done.requeued)} load(s) queued again, {len(done.failed)} marked failed")


@records.command("text-index")
def text_index() -> None:
    """Build the Thai word-search index of each table loaded before it existed
    (once, after the upgrade; a table loaded since has it)."""
    from ckan import model

    from ckanext.oit.records import tables, text_search
    from ckanext.oit.records.model import RecordsLoad

    added = 0
    for state in model.Session.query(RecordsLoad).filter(RecordsLoad.row_count.isnot(None)):
        schema = tables.get(state.table_name or "")
        if schema is not None and text_search.add_index(state.resource_id, schema):
            added += 1
    click.echo(f"{added} table(s) indexed")

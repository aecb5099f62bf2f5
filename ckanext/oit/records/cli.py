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

"""``ckan oit …`` commands."""
from __future__ import annotations

import click

from ckanext.oit.audit.cli import audit
from ckanext.oit.channels.cli import channels
from ckanext.oit.frameworks.cli import edition
from ckanext.oit.i18n_messages import Message
from ckanext.oit.records.cli import records


@click.group(short_help="ckanext-oit commands")
def oit() -> None:
    """Commands of ckanext-oit (ITA/OIT disclosures)."""


@oit.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.argument("queues", nargs=-1)
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """CKAN's job worker with RQ's scheduler, so that failed mails are retried."""
    from ckanext.oit.notifications.jobs import run_worker

    run_worker(queues, burst=burst)


@oit.command("remind")
@click.option("--as-of", help="The day to judge by (YYYY-MM-DD); today by default.")
@click.option("--days-ahead", default=7, show_default=True, help="Items due within this many days.")
def remind(as_of: str | None, days_ahead: int) -> None:
    """E-mail each organisation's editors and admins its overdue and soon-due
    items (for cron); an item and period is never reminded twice."""
    import datetime

    from ckanext.oit.compliance.reminders import remind as send

    day = datetime.date.fromisoformat(as_of) if as_of else None
    lines = send(day, days_ahead)
    for line in lines:
        click.echo(line)
    click.echo(f"{len([line for line in lines if not line.startswith('sysadmins:')])} organisation(s) reminded")


@oit.command("policy")
def show_policy() -> None:
    """What every action may do to OIT datasets (workflow/policy.py), as the README lists it."""
    from ckanext.oit.workflow import policy

    for kind, meaning in policy.CLASSES.items():
        click.echo(f"- `{kind}`: {Message(meaning).both()}")
    click.echo()
    click.echo(policy.markdown_table())


oit.add_command(audit)
oit.add_command(channels)
oit.add_command(edition)
oit.add_command(records)

"""``ckan oit …`` commands."""
from __future__ import annotations

import click

from ckanext.oit import demo
from ckanext.oit.audit.cli import audit
from ckanext.oit.channels.cli import channels

__all__ = ["oit"]


@click.group(short_help="ckanext-oit commands")
def oit() -> None:
    """Commands of ckanext-oit (ITA/OIT disclosures)."""


@oit.command("demo")
@click.option("--samples", is_flag=True,
              help="Also publish sample content: a แบบ สขร.1 with records, an answered question, feedback.")
def load_demo(samples: bool) -> None:
    """Create the demo agency and its users (idempotent). Demo passwords only."""
    for line in demo.load():
        click.echo(line)
    if samples:
        from ckanext.oit import demo_samples

        for line in demo_samples.load():
            click.echo(line)
    click.echo("Demo logins (for a local demo only):")
    for name, password, role in demo.credentials():
        click.echo(f"  {name:<10} {password:<16} {role}")


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
    click.echo(f"{len(lines)} organisation(s) reminded")


@oit.command("policy")
def show_policy() -> None:
    """What every action may do to OIT datasets (workflow/policy.py), as the README lists it."""
    from ckanext.oit.workflow import policy

    for kind, (th, en) in policy.CLASSES.items():
        click.echo(f"- `{kind}`: {th} / {en}")
    click.echo()
    click.echo(policy.markdown_table())


oit.add_command(audit)
oit.add_command(channels)

"""``ckan oit audit …``: check the audit chain, export an organisation's trail."""
from __future__ import annotations

import click

from ckan import model

from ckanext.oit import audit as trail
from ckanext.oit.i18n_messages import Message


@click.group(short_help="Audit trail of the publishing workflow")
def audit() -> None:
    """The append-only, hash-chained audit trail of the publishing workflow."""


@audit.command("verify")
def verify() -> None:
    """Recompute every event's hash and check the links; exit 1 when broken."""
    result = trail.verify()
    if not result.ok:
        click.echo(f"BROKEN at event {result.first_bad_id}: {result.reason}")
        raise click.exceptions.Exit(1)
    click.echo(f"OK: {result.checked} events, chain intact")
    if result.last_hash:
        # Kept somewhere else, this also shows later whether events were cut off the end.
        click.echo(f"Last hash: {result.last_hash}")


@audit.command("export")
@click.option("--org", "org", required=True, help="Name or id of the organisation.")
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True,
              help="Language of the header, labels and dates.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (UTF-8 with BOM); standard output when left out.")
def export(org: str, lang: str, output: str | None) -> None:
    """Write an organisation's audit trail as CSV, oldest event first."""
    group = model.Group.get(org)
    if group is None or not group.is_organization:
        raise click.BadParameter(
            Message("No organisation named “%(org)s”", org=org).say(lang), param_hint="--org")
    found = trail.events(owner_org=group.id)
    text = trail.to_csv(found, lang=lang)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        click.echo(f"Wrote {len(found)} events of {group.name} to {output}", err=True)
    else:
        click.echo(text, nl=False)

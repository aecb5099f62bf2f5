"""``ckan oit-demo``: the demo agency of `make run`."""
from __future__ import annotations

import click

from ckanext.oit_demo import agency


@click.command("oit-demo", short_help="load the demo agency of a local ckanext-oit portal")
@click.option("--samples", is_flag=True,
              help="Also publish sample content: a แบบ สขร.1 with records, an answered question, feedback.")
def oit_demo(samples: bool) -> None:
    """Create the demo agency and its users (idempotent). Demo passwords only."""
    for line in agency.load():
        click.echo(line)
    if samples:
        from ckanext.oit_demo import samples as sample_content

        for line in sample_content.load():
            click.echo(line)
    click.echo("Demo logins (for a local demo only):")
    for name, password, role in agency.credentials():
        click.echo(f"  {name:<10} {password:<16} {role}")

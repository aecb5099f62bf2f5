"""``ckan oit channels …``: retention and the yearly complaint statistics."""
from __future__ import annotations

import click


@click.group(short_help="Q&A, complaints and feedback channels")
def channels() -> None:
    """The two-way channels: questions, complaints, feedback."""


@channels.command("retention")
def retention() -> None:
    """Delete closed complaints and attachments older than the retention settings,
    and clear the contact of answered questions and feedback (for cron)."""
    from ckanext.oit.channels.retention import apply

    done = apply()
    click.echo(f"{done.complaints_deleted} closed complaint(s) and {done.attachments_deleted} attachment(s) deleted; "
               f"name and e-mail cleared from {done.contacts_cleared} question(s) and feedback")


@channels.command("statistics")
@click.option("--organization", "organization", required=True, help="Name or id of the organisation.")
@click.option("--fiscal-year", "fiscal_year", type=int, help="Fiscal year (Buddhist Era); the current one by default.")
@click.option("--now", "run_now", is_flag=True, help="Run here instead of queueing a job for the worker.")
def statistics(organization: str, fiscal_year: int | None, run_now: bool) -> None:
    """Generate the complaint statistics of a fiscal year into the organisation's
    oit-complaint dataset (a draft until approved), as a job on the worker."""
    from ckan import model

    from ckanext.oit import thai_calendar
    from ckanext.oit.channels import jobs, statistics as stats
    from ckanext.oit.i18n_messages import Message

    org = model.Group.get(organization)
    if org is None or not org.is_organization:
        raise click.BadParameter(Message("No organisation named '%(name)s'", name=organization).say(),
                                 param_hint="--organization")
    year = fiscal_year or thai_calendar.fiscal_year_of(thai_calendar.today())
    import ckan.plugins.toolkit as tk

    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    if run_now:
        click.echo(str(stats.generate(org.id, year, user)))
    else:
        click.echo(f"queued job {jobs.queue_statistics(org.id, year, user)} for {org.name} FY {year}")

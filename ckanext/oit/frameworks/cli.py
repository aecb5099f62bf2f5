"""``ckan oit edition …``: load, export, list and choose the OIT editions,
through the same actions as the admin page (as the site user)."""
from __future__ import annotations

import base64
from pathlib import Path

import click


def _call(action: str, data: dict) -> dict:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        return tk.get_action(action)({"user": site_user["name"]}, data)
    except tk.ValidationError as error:
        for field, problems in error.error_dict.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                click.echo(f"{field}: {problem}", err=True)
        raise SystemExit(1)
    except tk.ObjectNotFound as error:
        raise click.ClickException(str(error.message or error))


@click.group(short_help="OIT editions (item lists) in the running portal")
def edition() -> None:
    """The OIT item lists of each assessment cycle, kept in the database."""


@edition.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edition", "name", help="For a CSV of items: the edition it corrects.")
@click.option("--yes", is_flag=True, help="Store it without asking (after the changes are shown).")
@click.option("--comment", help="Why, for the audit trail.")
def load(path: Path, name: str | None, yes: bool, comment: str | None) -> None:
    """Check an edition file (YAML, XLSX or CSV), show what it changes, and store it when confirmed."""
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    def upload() -> FileStorage:
        return FileStorage(stream=BytesIO(path.read_bytes()), filename=path.name)

    data = {"edition": name, "comment": comment} if name else {"comment": comment}
    preview = _call("oit_edition_load", {**data, "upload": upload()})
    replaces = preview["replaces"] or "-"
    click.echo(f"edition {preview['edition']}: {preview['item_count']} items; compared with {replaces}")
    for change in preview["changes"]:
        click.echo(f"  {change['change']}: {change['message']}")
    if not preview["changes"] and preview["same_name"]:
        click.echo("  no change")
    if not (yes or click.confirm("Store this edition?", default=False)):
        click.echo("nothing stored")
        return
    _call("oit_edition_load", {**data, "upload": upload(), "confirm": True, "revision": preview["revision"]})
    click.echo(f"edition {preview['edition']} stored")


@edition.command("export")
@click.argument("name")
@click.option("--format", "kind", type=click.Choice(["yaml", "xlsx"]), default="yaml", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File; standard output by default (YAML).")
def export(name: str, kind: str, output: Path | None) -> None:
    """An edition as the file loaded back by ``load``."""
    found = _call("oit_edition_export", {"edition": name, "format": kind})
    content = found["content"].encode("utf-8") if kind == "yaml" else base64.b64decode(found["content"])
    if output is None:
        if kind != "yaml":
            raise click.UsageError("XLSX needs --output")
        click.echo(found["content"], nl=False)
    else:
        output.write_bytes(content)
        click.echo(f"{output}")


@edition.command("list")
def listing() -> None:
    """The editions, where each comes from, and the fiscal years chosen."""
    from ckanext.oit.frameworks import registry

    for found in _call("oit_framework_list", {}):
        years = " ".join(str(y) for y in found["fiscal_years"])
        click.echo(f"{found['edition']}\t{found['origin']}\t{found['item_count']} items\tfiscal years {years}")
    for year, name in registry.fiscal_year_map().items():
        click.echo(f"fiscal year {year}: edition {name}")


@edition.command("reset")
@click.argument("name")
@click.option("--comment", help="Why, for the audit trail.")
def reset(name: str, comment: str | None) -> None:
    """Forget the stored copy of an edition: the packaged file serves again."""
    _call("oit_edition_reset", {"edition": name, "comment": comment})
    click.echo(f"edition {name}: the packaged file serves")


@edition.command("year")
@click.argument("fiscal_year", type=int)
@click.argument("name", required=False)
@click.option("--comment", help="Why, for the audit trail.")
def year(fiscal_year: int, name: str | None, comment: str | None) -> None:
    """Choose the edition of a fiscal year; without NAME, the year follows the default rule again."""
    found = _call("oit_fiscal_year_edition_set", {"fiscal_year": fiscal_year, "edition": name, "comment": comment})
    state = " (provisional)" if found["provisional"] else ""
    click.echo(f"fiscal year {found['fiscal_year']}: edition {found['edition']}{state}")

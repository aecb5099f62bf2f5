"""Downloads of records and of blank templates."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.oit.records import files, tables

records = Blueprint("oit_records", __name__)

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _download(body: bytes, filename: str, fmt: str) -> Response:
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})


@records.route("/oit/records/<org>/<table>.<fmt>")
def download(org: str, table: str, fmt: str):
    if fmt not in MIMETYPES:
        return tk.abort(404)
    args = tk.request.args
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        result = tk.get_action("oit_records_search")(context, {
            "organization": org, "table": table, "fiscal_year": args.get("fiscal_year"),
            "period": args.get("period"), "limit": 1_000_000})
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError as error:
        return tk.abort(400, str(error.error_dict))
    name = f"{org}-{table}" + (f"-{args['fiscal_year']}" if args.get("fiscal_year") else "")
    if fmt == "csv":
        return _download(files.records_csv(result), name, fmt)
    if fmt == "json":
        return _download(files.records_json(result), name, fmt)
    return _download(files.records_xlsx(result, table), name, fmt)


@records.route("/oit/tables/<name>/template.<fmt>")
def template(name: str, fmt: str):
    schema = tables.get(name)
    if schema is None or fmt not in ("csv", "xlsx"):
        return tk.abort(404)
    body = files.template_csv(schema) if fmt == "csv" else files.template_xlsx(schema)
    return _download(body, f"{name}-template", fmt)

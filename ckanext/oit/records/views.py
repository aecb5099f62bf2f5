"""Downloads of records and of blank templates: for machines by default (the API's
names, ISO dates), for people with ?for=people (downloads.py)."""
from __future__ import annotations

from flask import Blueprint, Response
from werkzeug.http import dump_options_header

import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import in_page_language
from ckanext.oit.records import downloads, files, tables

records = Blueprint("oit_records", __name__)

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _download(body: bytes, filename: str, fmt: str) -> Response:
    # content_type, not mimetype: werkzeug would add a second charset to the first
    return Response(body, content_type=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})


def _refusal(error: tk.ValidationError) -> str:
    """An action's refusal for the error page: its messages in the page's language, not a Python dict."""
    return "; ".join(str(in_page_language(m)) for v in error.error_dict.values()
                     for m in (v if isinstance(v, list) else [v]))


@records.route("/oit/records/<org>/<table>.<fmt>")
def download(org: str, table: str, fmt: str):
    if fmt not in MIMETYPES:
        return tk.abort(404)
    args = tk.request.args
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    if downloads.wanted():
        if fmt == "json":
            return tk.abort(404)  # JSON is for machines
        try:
            return downloads.agency(context, org, table, args.get("fiscal_year"), args.get("period"), fmt)
        except tk.ObjectNotFound:
            return tk.abort(404)
        except tk.ValidationError as error:
            return tk.abort(400, _refusal(error))
    try:
        result = tk.get_action("oit_records_search")(context, {
            "organization": org, "table": table, "fiscal_year": args.get("fiscal_year"),
            "period": args.get("period"), "limit": 1_000_000})
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError as error:
        return tk.abort(400, _refusal(error))
    name = f"{org}-{table}" + (f"-{args['fiscal_year']}" if args.get("fiscal_year") else "")
    if fmt == "csv":
        return _download(files.records_csv(result), name, fmt)
    if fmt == "json":
        return _download(files.records_json(result), name, fmt)
    return _download(files.records_xlsx(result, table), name, fmt)


PAGE = 10_000


def _table_rows(context: dict, resource_id: str) -> dict:
    """Every row of a resource's DataStore table, read with the caller's rights."""
    search = tk.get_action("datastore_search")
    result = search(dict(context), {"resource_id": resource_id, "limit": PAGE, "offset": 0})
    records = list(result["records"])
    while len(records) < result.get("total", 0):
        page = search(dict(context), {"resource_id": resource_id, "limit": PAGE, "offset": len(records)})
        if not page["records"]:
            break
        records.extend(page["records"])
    fields = [f for f in result["fields"] if not f["id"].startswith("_")]
    return {"fields": fields, "records": records}


@records.route("/oit/records/resource/<resource_id>.<fmt>")
def resource_download(resource_id: str, fmt: str):
    """One resource's rows for a spreadsheet; no cell runs as a formula."""
    if fmt not in ("csv", "xlsx"):
        return tk.abort(404)
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        if downloads.wanted():
            return downloads.resource(context, resource_id, fmt)
        result = _table_rows(context, resource_id)
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.NotAuthorized:
        return tk.abort(403)
    body = files.records_csv(result) if fmt == "csv" else files.records_xlsx(result, "records")
    return _download(body, f"records-{resource_id}", fmt)


@records.before_app_request
def _spreadsheet_dumps_are_ours():
    """CKAN's DataStore dump writes cells as stored, formulas included: the
    formats people open in a spreadsheet come from the download above."""
    if tk.request.endpoint != "datastore.dump":
        return None
    fmt = (tk.request.args.get("format") or "csv").lower()
    if fmt not in ("csv", "tsv", "xlsx"):
        return None  # JSON and XML are for machines and stay as stored
    resource_id = (tk.request.view_args or {}).get("resource_id", "")
    return tk.redirect_to("oit_records.resource_download", resource_id=resource_id,
                          fmt="xlsx" if fmt == "xlsx" else "csv")


CSV_MIMETYPES = ("text/csv", "text/tab-separated-values")


@records.after_app_request
def _csv_names_its_charset(response: Response) -> Response:
    """Every CSV leaves with one charset: the original file of a resource with the one
    it is written in (CKAN serves it as plain text/csv), ours with utf-8."""
    if response.mimetype not in CSV_MIMETYPES:
        return response
    charset = response.mimetype_params.get("charset")
    endpoint = tk.request.endpoint or ""
    if not charset and response.status_code in (200, 206) and (
            endpoint == "resource.download" or endpoint.endswith("_resource.download")):
        charset = downloads.original_charset((tk.request.view_args or {}).get("resource_id", ""))
    if charset:
        params = dict(response.mimetype_params, charset=charset)
        response.headers["Content-Type"] = dump_options_header(response.mimetype, params)
    return response


@records.route("/oit/tables/<name>/template.<fmt>")
def template(name: str, fmt: str):
    schema = tables.get(name)
    if schema is None or fmt not in ("csv", "xlsx"):
        return tk.abort(404)
    body = files.template_csv(schema) if fmt == "csv" else files.template_xlsx(schema)
    return _download(body, f"{name}-template", fmt)

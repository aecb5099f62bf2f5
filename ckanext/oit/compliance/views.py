"""The public landing page of an organisation × fiscal year × item: the URL
an agency gives the assessors. It depends on nothing that can be renamed."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure_query, frameworks
from ckanext.oit.compliance import itas
from ckanext.oit.compliance.due import expected

compliance = Blueprint("oit_compliance", __name__)


@compliance.route("/oit/<org>/<int:fiscal_year>/<item_key>")
def landing(org: str, fiscal_year: int, item_key: str):
    organization = model.Group.get(org)
    item = frameworks.item_for(item_key, fiscal_year) if 2400 < fiscal_year < 2800 else None
    if organization is None or not organization.is_organization or item is None:
        return tk.abort(404)
    periods = expected(item, fiscal_year)
    result = disclosure_query.public(
        organization=organization.id, item_keys=[item.key], fiscal_years=sorted({p.fiscal_year for p in periods}),
        rows=1000, sort="metadata_modified desc")
    found = disclosure_query.by_disclosure(result["results"])
    rows = [{"expected": p, "datasets": found.get((item.key, str(p.fiscal_year), p.period), [])} for p in periods]
    return tk.render("oit/compliance/landing.html", {
        "organization": organization, "fiscal_year": fiscal_year, "item": item, "rows": rows})


@compliance.route("/oit/<org>/<int:fiscal_year>/itas.<fmt>")
def itas_sheet(org: str, fiscal_year: int, fmt: str):
    try:
        sheet = tk.get_action("oit_itas_export")({"user": ""}, {"id": org, "fiscal_year": fiscal_year})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404)
    name = f"itas-{sheet['organization']}-{fiscal_year}"
    if fmt == "csv":
        return Response(itas.as_csv(sheet["rows"]), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        return Response(itas.as_xlsx(sheet["rows"]),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    if fmt == "html":
        return tk.render("oit/compliance/itas.html", {
            "organization": model.Group.get(org), "fiscal_year": fiscal_year, "rows": sheet["rows"]})
    return tk.abort(404)


def _user() -> str:
    return tk.current_user.name if tk.current_user.is_authenticated else ""


def _when(id: str) -> dict:
    args = tk.request.args
    return {"id": id, "fiscal_year": args.get("fiscal_year"), "as_of": args.get("as_of")}


def _overdue_first(shown: dict) -> list[dict]:
    late = []
    for item in shown["items"]:
        for period in item["periods"]:
            if period["status"] in ("overdue", "missing", "returned"):
                late.append({"item": item, "period": period})
    order = {"overdue": 0, "returned": 1, "missing": 2}
    return sorted(late, key=lambda e: (order[e["period"]["status"]], e["period"]["due"]))


@compliance.route("/organization/<id>/oit-compliance")
def dashboard(id: str):
    try:
        shown = tk.get_action("oit_compliance_show")({"user": _user()}, _when(id))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError as error:
        return tk.abort(400, str(error.error_dict))
    from ckanext.oit.compliance.rollup import summary
    return tk.render("oit/compliance/dashboard.html", {
        "organization": model.Group.get(id), "shown": shown, "summary": summary(shown),
        "late": _overdue_first(shown), "edition": frameworks.edition(shown["edition"])})


@compliance.route("/organization/<id>/oit-rollup")
def rollup_dashboard(id: str):
    try:
        result = tk.get_action("oit_compliance_rollup")({"user": _user()}, _when(id))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.NotAuthorized:
        return tk.abort(403)
    return tk.render("oit/compliance/rollup.html", {"organization": model.Group.get(id), "result": result})

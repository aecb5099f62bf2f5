"""The public landing page of an organisation × fiscal year × item: the URL
an agency gives the assessors. It depends on nothing that can be renamed."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure_query, frameworks
from ckanext.oit.compliance import itas, monitor
from ckanext.oit.compliance.due import expected
from ckanext.oit.i18n_messages import N_

compliance = Blueprint("oit_compliance", __name__)


@compliance.route("/oit/<org>/<int:fiscal_year>/<item_key>")
def landing(org: str, fiscal_year: int, item_key: str):
    organization = model.Group.get(org)
    in_range = 2400 < fiscal_year < 2800
    # a key the year's edition merged into another item keeps its address: it shows that item
    item = frameworks.counting_item(item_key, fiscal_year) if in_range else None
    # a key a newer list dropped keeps the address of what was published under it
    kept = frameworks.any_item(item_key) if item is None and in_range else None
    item = item or kept
    if organization is None or not organization.is_organization or item is None:
        return tk.abort(404)
    periods = expected(item, fiscal_year)
    result = disclosure_query.public(
        organization=organization.id, item_keys=item.counted_keys,
        fiscal_years=sorted({p.fiscal_year for p in periods}), rows=1000, sort="metadata_modified desc")
    if kept is not None and not result["results"]:
        return tk.abort(404)
    found = disclosure_query.by_disclosure(result["results"])
    rows = [{"expected": p, "datasets": monitor.matches(found, item, str(p.fiscal_year), p.period)} for p in periods]
    from ckanext.oit.work.todo import landing_create_urls  # the organisation's editors create what is missing
    return tk.render("oit/compliance/landing.html", {
        "organization": organization, "fiscal_year": fiscal_year, "item": item, "rows": rows,
        "create_urls": landing_create_urls(_user(), organization, rows)})


@compliance.route("/oit/<org>/<int:fiscal_year>/itas.<fmt>")
def itas_sheet(org: str, fiscal_year: int, fmt: str):
    try:
        sheet = tk.get_action("oit_itas_export")({"user": ""}, {
            "id": org, "fiscal_year": fiscal_year, "as_of": tk.request.args.get("as_of")})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404)
    name = f"itas-{sheet['organization']}-{fiscal_year}"
    notice = frameworks.resolve(fiscal_year).notice
    if fmt == "csv":
        return Response(itas.as_csv(sheet["rows"], notice=notice), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        return Response(itas.as_xlsx(sheet["rows"], notice=notice),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    if fmt == "html":
        organization = model.Group.get(org)
        rows = [dict(row, counted=itas.counted_text(row), channel_label=itas.channel_text(row))
                for row in sheet["rows"]]
        return tk.render("oit/compliance/itas.html", {
            "organization": organization, "fiscal_year": fiscal_year, "rows": rows, "rules": itas.RULES,
            "may_explain": _may_explain(organization)})
    return tk.abort(404)


def _may_explain(organization: model.Group) -> bool:
    try:
        tk.check_access("oit_itas_explanation_update", {"user": _user()}, {"id": organization.id})
    except tk.NotAuthorized:
        return False
    return True


@compliance.route("/oit/<org>/<int:fiscal_year>/itas/explanation", methods=["POST"])
def itas_explanation(org: str, fiscal_year: int):
    """One item's explanation from the sheet's editor; the action decides who may (the admins)."""
    organization = model.Group.get(org)
    if organization is None or not organization.is_organization:
        return tk.abort(404)
    anchor = {}
    try:
        saved = tk.get_action("oit_itas_explanation_update")({"user": _user()}, {
            "id": organization.id, "fiscal_year": fiscal_year, "item_key": tk.request.form.get("item_key", ""),
            "text": tk.request.form.get("text", "")})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError:
        # only a hand-made form names an unknown item or year; the page's language, not the API's two
        tk.h.flash_error(tk._("The explanation was not saved: unknown item or fiscal year"))
    else:
        tk.h.flash_success(tk._("Explanation saved"))
        anchor = {"_anchor": f"itas-{saved['item_key']}"}
    return tk.redirect_to(tk.url_for("oit_compliance.itas_sheet", org=organization.name, fiscal_year=fiscal_year,
                                     fmt="html", **anchor))


# the dashboards' answer to a fiscal year or date they cannot read (in the page's language)
BAD_YEAR_OR_DATE = N_("Give the fiscal year as a Buddhist Era year (such as 2569) and the date as YYYY-MM-DD")


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
    return sorted(late, key=lambda e: (order[e["period"]["status"]], e["period"]["due"],
                                       monitor.natural_key(e["item"]["code"])))


def _years(organization: model.Group, fiscal_year: int) -> list[int]:
    """The fiscal years of the switcher, newest first: as the organisation's OIT page offers them."""
    from ckanext.oit.portal.oit_page import fiscal_years
    return fiscal_years(organization.id, fiscal_year)


@compliance.route("/organization/<id>/oit-compliance")
def dashboard(id: str):
    try:
        shown = tk.get_action("oit_compliance_show")({"user": _user()}, _when(id))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.ValidationError:
        return tk.abort(400, tk._(BAD_YEAR_OR_DATE))
    from ckanext.oit.compliance.rollup import summary
    organization = model.Group.get(id)
    items = sorted(shown["items"], key=lambda i: monitor.natural_key(i["code"]))
    return tk.render("oit/compliance/dashboard.html", {
        "organization": organization, "shown": shown, "summary": summary(shown),
        "late": _overdue_first(shown), "edition": frameworks.edition(shown["edition"]),
        "items": [dict(item, status=monitor.item_status(item),
                       published=sum(p["status"] == monitor.PUBLISHED for p in item["periods"]))
                  for item in items],
        "labels": monitor.STATUS_LABELS, "years": _years(organization, shown["fiscal_year"]),
        "as_of": tk.request.args.get("as_of")})


@compliance.route("/organization/<id>/oit-rollup")
def rollup_dashboard(id: str):
    try:
        result = tk.get_action("oit_compliance_rollup")({"user": _user()}, _when(id))
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.NotAuthorized:
        return tk.abort(403)
    except tk.ValidationError:
        return tk.abort(400, tk._(BAD_YEAR_OR_DATE))
    organization = model.Group.get(id)
    return tk.render("oit/compliance/rollup.html", {
        "organization": organization, "result": result, "years": _years(organization, result["fiscal_year"]),
        "as_of": tk.request.args.get("as_of")})

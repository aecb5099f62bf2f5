"""The organisation's OIT page (`/oit/<organisation>`), by fiscal year, and
its print view: what agencies hand-make on their websites, built from data."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import thai_calendar
from ckanext.oit.portal import oit_page

portal = Blueprint("oit_portal", __name__)


def _organization(org: str) -> model.Group:
    organization = model.Group.get(org)
    if organization is None or not organization.is_organization or organization.state != "active":
        return tk.abort(404, tk._("Organization not found"))
    return organization


def _render(org: str, fiscal_year: int, printable: bool):
    organization = _organization(org)
    if not oit_page.FIRST_FISCAL_YEAR < fiscal_year < oit_page.LAST_FISCAL_YEAR:
        return tk.abort(404)
    page = oit_page.build(organization, fiscal_year)
    extra = {"organization": organization, "fiscal_year": fiscal_year, "page": page,
             "fiscal_years": oit_page.fiscal_years(organization.id, fiscal_year), "today": thai_calendar.today()}
    template = "oit/portal/oit_page_print.html" if printable else "oit/portal/oit_page.html"
    return tk.render(template, extra)


@portal.route("/oit/<org>")
def oit_page_current(org: str):
    return _render(org, oit_page.current_fiscal_year(), tk.asbool(tk.request.args.get("print")))


@portal.route("/oit/<org>/<int:fiscal_year>")
def oit_page_year(org: str, fiscal_year: int):
    return _render(org, fiscal_year, tk.asbool(tk.request.args.get("print")))


@portal.route("/oit/<org>/<int:fiscal_year>/print")
def oit_page_print(org: str, fiscal_year: int):
    return _render(org, fiscal_year, True)

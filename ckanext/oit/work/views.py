"""Pages of "my work": the start page after login (/oit/my-work) and the way in to a
new dataset, a chooser of the typed OIT forms (/oit/my-work/new) that CKAN's "Add
dataset" buttons open instead of its generic form."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import dataset_types, frameworks, thai_calendar
from ckanext.oit.parameters import validated
from ckanext.oit.work.logic import schema

work = Blueprint("oit_work", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _fiscal_years(current: int) -> list[int]:
    """The years the page offers: two back (reports on last year are due in this one) and the next."""
    return list(range(current + 1, current - 3, -1))


@work.route("/oit/my-work")
def my_work():
    if not tk.current_user.is_authenticated:
        return tk.redirect_to(tk.url_for("user.login", next=tk.url_for("oit_work.my_work")))
    try:
        shown = tk.get_action("oit_my_work")(_context(), {"fiscal_year": tk.request.args.get("fiscal_year")})
    except tk.NotAuthorized:
        shown = None
    except tk.ValidationError:
        return tk.abort(400, tk._("The fiscal year must be a year number (BE)"))
    if not shown or not shown["organizations"]:
        # the start page after every login: whoever edits for no organisation gets CKAN's dashboard
        return tk.redirect_to(tk.url_for("dashboard.datasets"))
    current = thai_calendar.fiscal_year_of(thai_calendar.today())
    return tk.render("oit/work/my_work.html", {"shown": shown, "fiscal_years": _fiscal_years(current)})


def _categories(fiscal_year: int) -> list[dict[str, Any]]:
    """The OIT dataset types (disclosure categories) with the items of the fiscal year's edition."""
    edition = frameworks.edition_for(fiscal_year)
    categories = []
    for dataset_type in dataset_types.registered():
        schema_ = tk.h.scheming_get_dataset_schema(dataset_type) or {}
        items = sorted((i for i in edition.items if i.dataset_type == dataset_type), key=lambda i: i.order)
        # a report on the previous fiscal year is the disclosure of that year
        entries = [{"item": i, "fiscal_year": fiscal_year - 1 if i.cadence == "previous-year" else fiscal_year}
                   for i in items]
        categories.append({"type": dataset_type, "label": schema_.get("oit_label") or {},
                           "about": schema_.get("oit_about") or {}, "items": entries})
    # in the order of the first item of each (the announcement's order), types without items last
    return sorted(categories, key=lambda c: (not c["items"], c["items"][0]["item"].order if c["items"] else 0,
                                             c["type"]))


def register(app: Any) -> None:
    """CKAN's generic add-dataset form (``dataset.new``, /dataset/new) makes a type without
    the workflow's fields, which the guard refuses when it is sent: whoever still reaches
    it (a bookmark, a typed address) gets the typed forms' chooser (from make_middleware)."""

    def to_the_chooser() -> Any:
        if tk.request.endpoint == "dataset.new":
            return tk.redirect_to(tk.url_for("oit_work.choose"))
        return None

    app.before_request(to_the_chooser)


@work.route("/oit/my-work/new")
def choose():
    """Which typed form to open: by category and item of the fiscal year, for one organisation."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to(tk.url_for("user.login", next=tk.url_for("oit_work.choose")))
    # every OIT dataset belongs to an organisation: the person must be able to add to one
    available = tk.h.organizations_available("create_dataset")
    if not available:
        return tk.abort(403, tk._("Only the organisation's editors may do this"))
    try:
        data = validated({"fiscal_year": tk.request.args.get("fiscal_year")}, schema.my_work(), {})
    except tk.ValidationError:
        return tk.abort(400, tk._("The fiscal year must be a year number (BE)"))
    current = thai_calendar.fiscal_year_of(thai_calendar.today())
    fiscal_year = data.get("fiscal_year") or current
    # the organisation comes from the database, and only one the person may add datasets to
    wanted = model.Group.get(str(tk.request.args.get("organization") or ""))
    organization = next((o for o in available if wanted is not None and o["id"] == wanted.id), None)
    if organization is None and len(available) == 1:
        organization = available[0]
    return tk.render("oit/work/choose.html", {
        "categories": _categories(fiscal_year), "fiscal_year": fiscal_year,
        "fiscal_years": _fiscal_years(current), "organization": organization,
        "organizations": available})

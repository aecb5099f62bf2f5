"""The sysadmin's page of OIT editions (under CKAN's admin area): the editions
and where each comes from, the fiscal-year choices, loading a file with its
check and its changes shown before it is confirmed, exports and the history."""
from __future__ import annotations

import base64
import json
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.oit import audit, frameworks
from ckanext.oit.frameworks import registry, store
from ckanext.oit.i18n_messages import in_page_language

editions = Blueprint("oit_editions", __name__, url_prefix="/ckan-admin/oit-editions")


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _allowed(action: str = "oit_edition_load") -> None:
    try:
        tk.check_access(action, _context(), {})
    except tk.NotAuthorized:
        tk.abort(403)


def _page(extra: dict[str, Any] | None = None):
    listed = tk.get_action("oit_framework_list")(_context(), {})
    from ckanext.oit.portal.oit_page import current_fiscal_year

    current = current_fiscal_year()
    years = sorted({y for e in frameworks.editions() for y in e.fiscal_years}
                   | set(registry.fiscal_year_map()) | {current, current + 1})
    choices = [{"fiscal_year": y, "resolution": frameworks.resolve(y),
                "chosen": registry.stored_fiscal_years().get(y)} for y in years]
    history = [dict(audit.event_dict(e), label=audit.label(audit.ACTION_LABELS, e.action)) for e in store.history()]
    return tk.render("oit/frameworks/editions.html", {
        "editions": listed, "years": choices, "history": history, "current_fiscal_year": current,
        **(extra or {})})


@editions.route("/", methods=["GET"])
def index():
    _allowed()
    return _page()


def _errors(error: tk.ValidationError) -> list[str]:
    return [in_page_language(p) for problems in error.error_dict.values()
            for p in (problems if isinstance(problems, list) else [problems])]


@editions.route("/load", methods=["POST"])
def load():
    """Check the uploaded file and show what it changes; nothing is stored yet."""
    _allowed()
    form, files = tk.request.form, tk.request.files
    data = {"edition": form.get("edition") or None, "comment": form.get("comment") or None}
    upload = files.get("upload")
    if upload is None or not upload.filename:
        return _page({"load_errors": [tk._("Choose the edition file to load")], "load_comment": data["comment"]})
    data["upload"] = upload
    try:
        preview = tk.get_action("oit_edition_load")(_context(), {k: v for k, v in data.items() if v is not None})
    except tk.ValidationError as error:
        return _page({"load_errors": _errors(error), "load_file": upload.filename, "load_comment": data["comment"]})
    return tk.render("oit/frameworks/edition_preview.html", {
        "preview": preview, "filename": upload.filename, "comment": data["comment"] or "",
        "document": json.dumps(preview["document"], ensure_ascii=False)})


@editions.route("/confirm", methods=["POST"])
def confirm():
    """Store the checked edition (checked again: the page is only a messenger)."""
    _allowed()
    form = tk.request.form
    try:
        done = tk.get_action("oit_edition_load")(_context(), {
            "content": form.get("document") or "", "filename": "edition.yaml", "confirm": True,
            "comment": form.get("comment") or None, "revision": form.get("revision")})
    except tk.ValidationError as error:
        return _page({"load_errors": _errors(error)})
    tk.h.flash_success(tk._("Edition %(edition)s is stored and in use on every page now") % {"edition": done["edition"]})
    return tk.redirect_to("oit_editions.index")


@editions.route("/reset", methods=["POST"])
def reset():
    _allowed("oit_edition_reset")
    try:
        tk.get_action("oit_edition_reset")(_context(), {"edition": tk.request.form.get("edition") or "",
                                                         "comment": tk.request.form.get("comment") or None})
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        message = _errors(error) if isinstance(error, tk.ValidationError) else [in_page_language(error.message)]
        return _page({"load_errors": message})
    tk.h.flash_success(tk._("Edition %(edition)s: the shipped item list serves again")
                       % {"edition": tk.request.form.get("edition") or ""})
    return tk.redirect_to("oit_editions.index")


@editions.route("/year", methods=["POST"])
def year():
    _allowed("oit_fiscal_year_edition_set")
    form = tk.request.form
    try:
        tk.get_action("oit_fiscal_year_edition_set")(_context(), {
            "fiscal_year": form.get("fiscal_year") or "", "edition": form.get("edition") or None,
            "comment": form.get("comment") or None})
    except tk.ValidationError as error:
        return _page({"year_errors": _errors(error)})
    tk.h.flash_success(tk._("The fiscal year's edition is saved"))
    return tk.redirect_to("oit_editions.index")


@editions.route("/<name>.<fmt>", methods=["GET"])
def export(name: str, fmt: str):
    if fmt not in ("yaml", "xlsx"):
        return tk.abort(404)
    try:
        found = tk.get_action("oit_edition_export")(_context(), {"edition": name, "format": fmt})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404)
    content = found["content"].encode("utf-8") if fmt == "yaml" else base64.b64decode(found["content"])
    return Response(content, mimetype=found["media_type"],
                    headers={"Content-Disposition": f'attachment; filename="{found["filename"]}"'})

"""Web pages of the workflow: the transition buttons' targets, the director's
approval list, staff's returned list, change requests, the audit CSV."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit, disclosure_query
from ckanext.oit.i18n_messages import N_, language

workflow = Blueprint("oit_workflow", __name__)

# transition -> what is said once it is done
TRANSITIONS = {"submit": N_("The dataset was submitted for approval"),
               "approve": N_("The dataset was approved"),
               "return": N_("The dataset was returned for changes"),
               "withdraw": N_("The dataset was withdrawn")}


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _dataset_url(package: model.Package) -> str:
    return tk.url_for(f"{package.type}.read", id=package.name)


@workflow.route("/dataset/<id>/oit/<transition>", methods=["POST"])
def transition(id: str, transition: str):
    package = model.Package.get(id)
    if package is None or transition not in TRANSITIONS:
        return tk.abort(404)
    try:
        tk.get_action(f"oit_{transition}")(_context(), {"id": package.id, "comment": tk.request.form.get("comment")})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(message)
        return tk.redirect_to(_dataset_url(package))
    tk.h.flash_success(tk._(TRANSITIONS[transition]))
    return tk.redirect_to(_dataset_url(package))


def _search(status: str, org_ids: list[str]) -> list[dict[str, Any]]:
    if not org_ids:
        return []
    return disclosure_query.search(_context(), organization=org_ids, status=status, include_private=True,
                                   rows=1000, sort="metadata_modified desc")["results"]


def _org_ids(permission: str) -> list[str]:
    orgs = tk.get_action("organization_list_for_user")(_context(), {"permission": permission})
    return [o["id"] for o in orgs]


@workflow.route("/oit/approvals")
def approvals():
    """Waiting for my approval: pending datasets and open change requests of my organisations."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403)
    org_ids = _org_ids("manage_group")
    pending = _search("pending", org_ids)
    found = [request for org_id in org_ids
             for request in tk.get_action("oit_change_request_list")(_context(), {"organization": org_id})]
    requests = []
    for request in sorted(found, key=lambda r: r["requested_at"]):
        try:
            package = tk.get_action("package_show")(_context(), {"id": request["package_id"]})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue  # its dataset was purged, or moved where this director cannot see it
        requests.append({"request": request, "package": package})
    return tk.render("oit/workflow/approvals.html", {"pending": pending, "requests": requests})


@workflow.route("/oit/returned")
def returned():
    """Returned to me: datasets sent back for changes in the organisations I edit for."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403)
    org_ids = _org_ids("update_dataset")
    datasets = _search("returned", org_ids)
    return tk.render("oit/workflow/returned.html", {"datasets": datasets})


@workflow.route("/oit/change-request/<id>")
def change_request(id: str):
    try:
        shown = tk.get_action("oit_change_request_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404)
    except tk.NotAuthorized:
        return tk.abort(403)
    package = model.Package.get(shown["package_id"])
    return tk.render("oit/workflow/change_request.html", {"request": shown, "package": package})


@workflow.route("/organization/<id>/oit-audit.csv")
def audit_csv(id: str):
    org = model.Group.get(id)
    if org is None:
        return tk.abort(404)
    try:
        tk.check_access("oit_audit_list", _context(), {"organization": org.id})
    except tk.NotAuthorized:
        return tk.abort(403)
    body = audit.to_csv(audit.events(owner_org=org.id), lang=language())
    return Response(body.encode("utf-8") if isinstance(body, str) else body,
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="oit-audit-{org.name}.csv"'})

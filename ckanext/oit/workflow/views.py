"""Web pages of the workflow: the transition buttons' targets, the director's
approval list, staff's returned list, change requests, the audit CSV."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit, disclosure_query
from ckanext.oit.i18n_messages import N_, language
from ckanext.oit.records import fetch as records_fetch
from ckanext.oit.workflow import helpers

workflow = Blueprint("oit_workflow", __name__)

# transition -> what is said once it is done
TRANSITIONS = {"submit": N_("The dataset was submitted for approval"),
               "approve": N_("The dataset was approved"),
               "return": N_("The dataset was returned for changes"),
               "withdraw": N_("The dataset was withdrawn")}


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _may(action: str, package: model.Package) -> bool:
    try:
        tk.check_access(action, _context(), {"id": package.id})
    except tk.NotAuthorized:
        return False
    return True


def _dataset_url(package: model.Package) -> str:
    return tk.url_for(f"{package.type}.read", id=package.name)


@workflow.route("/dataset/<id>/oit/<transition>", methods=["POST"])
def transition(id: str, transition: str):
    package = model.Package.get(id)
    if package is None or transition not in TRANSITIONS:
        return tk.abort(404)
    if transition == "approve" and _may("oit_approve", package) and (own := helpers.oit_own_work({"id": package.id})):
        tk.h.flash_error(own)  # four eyes: said on the dataset's page, not as a 403
        return tk.redirect_to(_dataset_url(package))
    data = {"id": package.id, "comment": tk.request.form.get("comment")}
    if tk.request.form.get("confirm_tables"):  # the panel's "submit anyway" box
        data["confirm_tables"] = tk.request.form["confirm_tables"]
    try:
        tk.get_action(f"oit_{transition}")(_context(), data)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        said = getattr(error, "oit_message", None)
        if said is not None:
            tk.h.flash_error(said.say())
            return tk.redirect_to(_dataset_url(package))
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
    org_ids = _org_ids("admin")  # the director's: an editor's or a member's role decides nothing here
    pending = _search("pending", org_ids)
    found = []
    for org_id in org_ids:
        try:
            found.extend(tk.get_action("oit_change_request_list")(_context(), {"organization": org_id}))
        except tk.NotAuthorized:
            continue  # listed through a parent organisation only: its own admins decide
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
    """Returned to me: datasets sent back for changes in the organisations I
    edit for, each with the director's reason."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403)
    org_ids = _org_ids("update_dataset")
    datasets = _search("returned", org_ids)
    reasons = helpers.returned_reasons([d["id"] for d in datasets])
    return tk.render("oit/workflow/returned.html", {"datasets": datasets, "reasons": reasons})


@workflow.route("/oit/resource/<resource_id>/fetch", methods=["POST"])
def fetch_linked(resource_id: str):
    """The resource page's "fetch and validate" button (records/fetch.py)."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active" or resource.package is None:
        return tk.abort(404)
    package = resource.package
    try:
        tk.get_action("oit_records_fetch")(_context(), {"resource_id": resource.id})
    except tk.NotAuthorized:
        return tk.abort(403)
    except tk.ValidationError:
        reason = records_fetch.not_fetchable(resource) or records_fetch.already_queued(resource)
        tk.h.flash_error(reason.say() if reason is not None else tk._("The file could not be fetched"))
    else:
        tk.h.flash_success(tk._("The linked file is being fetched and checked; "
                                "this page shows the result when it is done"))
    return tk.redirect_to(tk.url_for(f"{package.type}_resource.read", id=package.name, resource_id=resource.id))


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

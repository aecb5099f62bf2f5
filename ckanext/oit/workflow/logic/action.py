"""Actions of the publishing workflow: the director's decisions and the change requests."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.i18n_messages import both
from ckanext.oit.parameters import organization_or_invalid, package_or_404, validated
from ckanext.oit.workflow import change_requests, transitions
from ckanext.oit.workflow.logic import schema
from ckanext.oit.workflow.model import ChangeRequest


def _transition(name: str, context, data_dict):
    tk.check_access(f"oit_{name}", context, data_dict)
    return transitions.run(name, context, data_dict)


def oit_submit(context, data_dict):
    """Submit a draft (or returned, or withdrawn) dataset for the director's approval.

    :param id: the dataset's id or name
    :param confirm_tables: (optional) ``true`` to submit although a table is
        invalid, failed, queued or not validated (refused outright when
        ``ckanext.oit.invalid_tables = refuse``)
    """
    return _transition("submit", context, data_dict)


def oit_approve(context, data_dict):
    """Approve: publish a pending dataset, or apply the open change request of a
    published one.

    :param id: the dataset's id or name
    :param comment: (optional)
    :param confirm_tables: (optional) as for oit_submit; a change request needs none
    """
    return _transition("approve", context, data_dict)


def oit_return(context, data_dict):
    """Return a pending dataset (or a change request) to its author, with a reason.

    :param id: the dataset's id or name
    :param comment: the reason (required)
    """
    return _transition("return", context, data_dict)


def oit_withdraw(context, data_dict):
    """Withdraw a published dataset from the public, with a reason.

    :param id: the dataset's id or name
    :param comment: the reason (required)
    """
    return _transition("withdraw", context, data_dict)


@tk.side_effect_free
def oit_change_request_list(context, data_dict):
    """Change requests of a dataset (``id``) or an organisation (``organization``).

    :param status: ``open`` (default), ``approved``, ``returned`` or ``all``
    """
    tk.check_access("oit_change_request_list", context, data_dict)
    status = validated(data_dict, schema.change_request_list(), context)["status"]
    query = model.Session.query(ChangeRequest)
    if data_dict.get("id"):
        query = query.filter(ChangeRequest.package_id == package_or_404(data_dict["id"]).id)
    else:
        query = query.filter(ChangeRequest.owner_org == organization_or_invalid(data_dict).id)
    if status != "all":
        query = query.filter(ChangeRequest.status == status)
    return [change_requests.summary(r) for r in query.order_by(ChangeRequest.requested_at)]


@tk.side_effect_free
def oit_change_request_show(context, data_dict):
    """One change request with a before/after of each change it holds.

    :param id: the change request's id
    """
    request = model.Session.get(ChangeRequest, str(data_dict.get("id") or ""))
    if request is None:
        raise tk.ObjectNotFound(both("Change request not found"))
    tk.check_access("oit_change_request_show", context, dict(data_dict, package_id=request.package_id))
    return change_requests.show(request)

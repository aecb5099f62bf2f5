"""Actions of the audit trail."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit import audit
from ckanext.oit.audit.logic import schema
from ckanext.oit.parameters import organization_or_invalid, package_or_404, validated


@tk.side_effect_free
def oit_audit_list(context, data_dict):
    """The audit trail of a dataset (``id``) or an organisation (``organization``), oldest first.

    :param limit: (optional) at most this many events, 0–1000 (1000 by default)
    :param offset: (optional)
    """
    tk.check_access("oit_audit_list", context, data_dict)
    numbers = validated(data_dict, schema.audit_list(), context)
    limit, offset = numbers["limit"], numbers["offset"]
    if data_dict.get("id"):
        events = audit.events(package_id=package_or_404(data_dict["id"]).id, limit=limit, offset=offset)
    else:
        events = audit.events(owner_org=organization_or_invalid(data_dict).id, limit=limit, offset=offset)
    return [audit.event_dict(e) for e in events]

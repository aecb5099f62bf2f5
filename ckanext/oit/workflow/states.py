"""States of an OIT dataset and who may move it where.

Visibility follows the state only: a dataset is public exactly when published.
"""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.oit import audit
from ckanext.oit.i18n_messages import N_

DRAFT, PENDING, RETURNED, PUBLISHED, WITHDRAWN = "draft", "pending", "returned", "published", "withdrawn"
STATES = (DRAFT, PENDING, RETURNED, PUBLISHED, WITHDRAWN)

# transition → (states it starts from, state it ends in, role it needs)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((DRAFT, RETURNED, WITHDRAWN), PENDING, "editor"),
    "approve": ((PENDING,), PUBLISHED, "admin"),
    "return": ((PENDING,), RETURNED, "admin"),
    "withdraw": ((PUBLISHED,), WITHDRAWN, "admin"),
}
# Editors may change these directly; a published dataset changes by change request.
EDITABLE = (DRAFT, RETURNED, WITHDRAWN)
DELETABLE = (DRAFT, RETURNED)

# state -> its name (a msgid)
LABELS = {
    DRAFT: N_("Draft"),
    PENDING: N_("Pending approval"),
    RETURNED: N_("Returned for changes"),
    PUBLISHED: N_("Published"),
    WITHDRAWN: N_("Withdrawn"),
}
audit.STATE_LABELS.update(LABELS)  # the audit trail's history and CSV name the states so


# Written by the workflow only, never through a form, the API or extras.
WORKFLOW_FIELDS = ("oit_status", "oit_submitted_by", "oit_submitted_at", "oit_approved_by", "oit_approved_at")


def is_oit(package: model.Package | dict | None) -> bool:
    """Whether the workflow governs ``package``: every dataset of the portal
    (types outside the OIT schemas are refused when made, and one that got in
    some other way is governed all the same)."""
    return package is not None


def status_of(package: model.Package) -> str:
    return package.extras.get("oit_status") or DRAFT


def package_of(context: dict[str, Any], id_or_name: str | None) -> model.Package | None:
    if not id_or_name:
        return None
    return model.Package.get(id_or_name)

"""Resource hooks: queue an uploaded table for loading; show its state."""
from __future__ import annotations

import logging
from typing import Any

from ckan import model

from ckanext.oit.records import jobs, states

log = logging.getLogger(__name__)


def after_change(resource_dict: dict[str, Any]) -> None:
    resource = model.Resource.get(resource_dict.get("id") or "")
    if resource is not None and resource.id != jobs.loading() and jobs.wanted(resource):
        try:
            jobs.queue(resource.id)
        except Exception:  # a queue that is down must not undo the upload
            log.exception("could not queue the records of resource %s", resource.id)


def with_state(resource_dict: dict[str, Any]) -> dict[str, Any]:
    """``oit_records``: the table's state (records/states.py), "not_validated"
    for a linked table the portal never checked."""
    resource = model.Resource.get(resource_dict.get("id") or "")
    state = states.resource_state(resource) if resource is not None else None
    if state is not None:
        resource_dict["oit_records"] = dict(state, resource_id=resource.id)
    return resource_dict

"""Keep a dataset's activity stream as private as the dataset.

CKAN's activity plugin labels each activity with the dataset's visibility at
the time it was made; after a withdrawal, the activities from its published
days would still show the old content to everyone. They take the dataset's
present labels instead.
"""
from __future__ import annotations

import ckan.plugins as p
from ckan import model
from ckan.lib.plugins import get_permission_labels


def relabel(package: model.Package) -> int:
    """Give every activity of the dataset its present permission labels."""
    if not p.plugin_loaded("activity"):
        return 0
    from ckanext.activity.model import Activity

    labels = get_permission_labels().get_dataset_labels(package)
    return (model.Session.query(Activity)
            .filter(Activity.object_id == package.id)
            .update({"permission_labels": labels}, synchronize_session=False))


def label_like_its_dataset(activity_dict: dict) -> None:
    """An activity about a dataset that comes without labels (CKAN's resource
    view activities) takes the dataset's, so a draft's view stays private."""
    if activity_dict.get("permission_labels") is not None:
        return
    package = model.Package.get(str(activity_dict.get("object_id") or ""))
    if package is not None:
        activity_dict["permission_labels"] = get_permission_labels().get_dataset_labels(package)

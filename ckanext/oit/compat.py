"""What differs between the CKAN versions ckanext-oit supports, 2.11 and 2.12, in one place.

CKAN 2.12 keeps a dataset's extras in a JSONB column ``package.extras`` (2.11: the
``package_extra`` table, ``model.PackageExtra``), runs on SQLAlchemy 2 and rq 2, and
registers actions of its own (files, activity clean-up) that the policy classifies.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

CKAN_2_12 = tk.check_ckan_version(min_version="2.12")


def filter_by_extras(query: Any, **pairs: str) -> Any:
    """``query`` (over model.Package) narrowed to datasets whose extras hold every key=value."""
    if CKAN_2_12:
        for key, value in pairs.items():
            query = query.filter(model.Package.extras[key].astext == value)
        return query
    from sqlalchemy.orm import aliased

    for key, value in pairs.items():
        extra = aliased(model.PackageExtra)
        query = query.join(extra, (extra.package_id == model.Package.id) & (extra.key == key) & (extra.value == value))
    return query


def distinct_extra_values(key: str) -> set[str]:
    """The values datasets that are not deleted hold in one extra."""
    import sqlalchemy as sa

    if CKAN_2_12:
        statement = sa.text("SELECT DISTINCT p.extras ->> :key FROM package p "
                            "WHERE p.state <> 'deleted' AND p.extras ? :key")
    else:
        statement = sa.text("SELECT DISTINCT e.value FROM package_extra e JOIN package p ON p.id = e.package_id "
                            "WHERE e.key = :key AND coalesce(e.state, 'active') = 'active' AND p.state <> 'deleted'")
    return {r[0] for r in model.Session.execute(statement, {"key": key}) if r[0]}


def unload_plugins() -> None:
    """Unload what ``ckan.plugins.load_all()`` loaded, as CKAN's ``with_plugins`` ends
    (2.12 has no system plugins any more, nor ``unload_non_system_plugins``)."""
    import ckan.plugins

    if CKAN_2_12:
        ckan.plugins.unload_all()
    else:
        ckan.plugins.unload_non_system_plugins()


def package_patch_deferred(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_patch`` that leaves the commit to the caller, and the patched dataset.

    CKAN 2.12.0's package_update rolls a change made with ``defer_commit`` back (its
    savepoint is released only when it commits itself), except when asked for the id
    only, and it no longer indexes such a change: so ask for the id, then index the
    dataset as the session holds it (2.11 indexes it there too, before the commit)."""
    context = dict(context, defer_commit=True)
    if not CKAN_2_12:
        return tk.get_action("package_patch")(context, data_dict)
    from ckan import logic

    package_id = tk.get_action("package_patch")(dict(context, return_id_only=True), data_dict)
    logic.index_update_package_dicts(logic.package_show_default_and_custom_schemas(context, package_id))
    return tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": package_id})

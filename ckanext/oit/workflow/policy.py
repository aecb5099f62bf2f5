"""What every registered action may do to the portal's datasets, in one table.

Every dataset of an agency's portal is under the workflow, and so is what hangs
off it: resources, views, DataStore tables, group memberships, relationships,
collaborators, tags and activities. Each action CKAN has registered (core and
every enabled plugin) is in exactly one class below; an action in none of them
is refused to everyone but sysadmins, so a new CKAN version or plugin cannot
open a path silently (``tests/workflow/test_policy.py`` lists the registry and
fails on an unclassified name). Operators classify another plugin's actions
that change no dataset with ``ckanext.oit.policy.outside_actions``.

Targets are always found from the stored objects (a resource's dataset, a
view's resource), never from ids the caller sends alongside.
"""
from __future__ import annotations

import functools

import logging
from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit
from ckanext.oit.i18n_messages import N_, both
from ckanext.oit.workflow import activity
from ckanext.oit.workflow.states import is_oit

log = logging.getLogger(__name__)

Action = Callable[[dict, dict], Any]

# Side-effect-free: CKAN's own auth of the dataset decides what is shown.
READ = "read"
# Reads whose results we filter: CKAN lists what drafts use too.
FILTERED = "filtered"
# Our own actions: their auth functions and logic apply the workflow.
OURS = "ours"
# Writes that change no dataset nor anything hanging off one.
OUTSIDE = "outside"
# Writes to datasets, resources, views or tables: workflow/guard.py decides
# (allowed, turned into a change request, refused) by state and role.
GUARDED = "guarded"
# On a governed dataset: a sysadmin's only, and audited.
SYSADMIN = "sysadmin"
# On a governed dataset: refused to everyone; only the workflow may.
REFUSED = "refused"

# class -> what it means (a msgid)
CLASSES: dict[str, str] = {
    READ: N_("read; CKAN's dataset permissions decide"),
    FILTERED: N_("read, without what comes from datasets that are not public"),
    OURS: N_("ckanext-oit's own actions"),
    OUTSIDE: N_("changes no dataset"),
    GUARDED: N_("through the workflow: allowed, held as a change request, or refused by state and role"),
    SYSADMIN: N_("sysadmins only, audited"),
    REFUSED: N_("refused on OIT datasets"),
}

_READS = """
activity_data_show activity_diff activity_show am_following_dataset am_following_group
am_following_user api_token_list config_option_list config_option_show
current_package_list_with_resources dashboard_new_activities_count
dataset_followee_count dataset_followee_list dataset_follower_count dataset_follower_list
datastore_info datastore_search_sql followee_count followee_list
get_site_user group_autocomplete group_followee_count group_followee_list
group_follower_count group_follower_list group_list group_list_authz group_package_show
group_show help_show job_list job_show license_list member_roles_list
organization_autocomplete organization_followee_count
organization_followee_list organization_follower_count organization_follower_list
organization_list organization_list_for_user organization_show
package_autocomplete package_collaborator_list_for_user
package_list package_relationships_list package_search package_show
resource_search resource_show resource_view_list
resource_view_show scheming_dataset_schema_list scheming_dataset_schema_show status_show
activity_delete_counts file_show file_owner_scan
task_status_show term_translation_show user_autocomplete
user_followee_count user_followee_list user_follower_count user_follower_list user_list
user_show vocabulary_list vocabulary_show
"""
_FILTERED = """tag_list tag_show tag_search tag_autocomplete format_autocomplete member_list datastore_search
package_collaborator_list user_activity_list dashboard_activity_list organization_activity_list
group_activity_list package_activity_list recently_changed_packages_activity_list"""
_OUTSIDE = """
api_token_create api_token_revoke config_option_update dashboard_mark_activities_old
datastore_function_create datastore_function_delete follow_dataset follow_group follow_user
unfollow_dataset unfollow_group unfollow_user group_delete group_purge group_member_create
group_member_delete job_cancel job_clear organization_delete
organization_member_create organization_member_delete organization_patch
send_email_notifications task_status_delete task_status_update task_status_update_many
term_translation_update term_translation_update_many user_create user_delete user_invite
user_patch user_update vocabulary_create vocabulary_delete vocabulary_update tag_create
file_create file_register
"""
_GUARDED = """
package_create package_update package_patch package_revise package_delete
package_owner_org_update package_resource_reorder bulk_update_public bulk_update_private
bulk_update_delete resource_create resource_update resource_patch resource_delete
resource_view_create resource_view_update resource_view_delete resource_view_reorder
resource_create_default_resource_views package_create_default_resource_views
datastore_create datastore_upsert datastore_delete datastore_records_delete
datastore_run_triggers group_create group_update group_patch organization_create organization_update
"""
_SYSADMIN = "dataset_purge member_create member_delete organization_purge tag_delete activity_delete activity_delete_all"
_REFUSED = """
package_relationship_create package_relationship_update package_relationship_delete
package_collaborator_create package_collaborator_delete activity_create resource_view_clear
file_delete file_rename file_pin file_unpin file_ownership_transfer
"""
# New in CKAN 2.12 (its file storage, the clean-up of activities): absent on 2.11.
SINCE_CKAN_2_12 = frozenset("""
activity_delete activity_delete_all activity_delete_counts file_create file_delete file_owner_scan
file_ownership_transfer file_pin file_register file_rename file_show file_unpin
""".split())

RULES: dict[str, str] = {
    name: kind
    for kind, names in ((READ, _READS), (FILTERED, _FILTERED), (OUTSIDE, _OUTSIDE),
                        (GUARDED, _GUARDED), (SYSADMIN, _SYSADMIN), (REFUSED, _REFUSED))
    for name in names.split()
}


def classify(name: str) -> str | None:
    """The class of an action, or None when nobody has classified it."""
    if name in RULES:
        return RULES[name]
    if name in _ours():
        return OURS
    if name in _configured_outside():
        return OUTSIDE
    return None


@functools.lru_cache(maxsize=1)
def _ours() -> frozenset[str]:
    # by what we define, not by the prefix: another plugin's oit_* action is not ours
    from ckanext.oit import registry
    return frozenset(registry.actions())


def _configured_outside() -> set[str]:
    return set(tk.aslist(tk.config.get("ckanext.oit.policy.outside_actions") or ""))


def unclassified(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if classify(n) is None)


# --- targets, from the stored objects ---------------------------------------

def _package(id_or_name: Any) -> model.Package | None:
    return model.Package.get(str(id_or_name)) if id_or_name else None


def _packages_of_tag(data_dict: dict[str, Any]) -> list[model.Package]:
    tag = model.Tag.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    if tag is None:
        return []
    return [pt.package for pt in model.Session.query(model.PackageTag).filter_by(tag_id=tag.id, state="active")]


def _organization_packages(data_dict: dict[str, Any]) -> list[model.Package]:
    group = model.Group.get(str(data_dict.get("id") or ""))
    if group is None or not group.is_organization:
        return []
    return model.Session.query(model.Package).filter(
        model.Package.owner_org == group.id, model.Package.state != "deleted").all()


def _activity_package(activity_id: Any) -> model.Package | None:
    from ckanext.activity.model import Activity

    activity = Activity.get(str(activity_id)) if activity_id else None
    return _package(activity.object_id) if activity is not None else None


def _owner_package(owner_type: Any, owner_id: Any) -> model.Package | None:
    if owner_type == "package":
        return _package(owner_id)
    if owner_type == "resource" and owner_id:
        resource = model.Resource.get(str(owner_id))
        return resource.package if resource is not None else None
    return None


def _file_packages(name: str, data_dict: dict[str, Any]) -> list[model.Package | None]:
    """CKAN 2.12's files: the dataset that owns the file, and for a transfer the new owner's."""
    file = model.Session.get(model.File, str(data_dict.get("id") or "")) if data_dict.get("id") else None
    owner = file.owner if file is not None else None
    found = [_owner_package(owner.owner_type, owner.owner_id)] if owner is not None else []
    if name == "file_ownership_transfer":
        found.append(_owner_package(data_dict.get("owner_type"), data_dict.get("owner_id")))
    return found


def _view_packages(data_dict: dict[str, Any]) -> list[model.Package]:
    from ckanext.oit.workflow.guard import view_package  # the guard's own lookup

    package = view_package(data_dict)
    return [package] if package is not None else []


def targets(name: str, data_dict: dict[str, Any]) -> list[model.Package]:
    """The governed datasets an action of the SYSADMIN or REFUSED class touches."""
    found: list[model.Package | None]
    if name in ("member_create", "member_delete"):
        if str(data_dict.get("object_type") or "").lower() != "package":  # CKAN reads it case-blind
            return []  # a person's membership: a matter of the organisation
        found = [_package(data_dict.get("object"))]
    elif name.startswith("package_relationship_"):
        found = [_package(data_dict.get(k)) for k in ("subject", "object", "id", "id2")]
    elif name.startswith("package_collaborator_") or name == "dataset_purge":
        found = [_package(data_dict.get("id"))]
    elif name == "activity_create":
        found = [_package(data_dict.get("object_id"))]
    elif name == "activity_delete":
        found = [_activity_package(data_dict.get("id"))]  # a range or all: no one dataset
    elif name.startswith("file_"):
        found = list(_file_packages(name, data_dict))
    elif name == "tag_delete":
        found = list(_packages_of_tag(data_dict))
    elif name == "organization_purge":
        found = list(_organization_packages(data_dict))
    elif name == "resource_view_clear":
        # It clears views across the site: any dataset is enough to refuse it.
        found = [model.Session.query(model.Package).filter(model.Package.state == "active").first()]
    else:
        found = []
    return [p for p in found if p is not None and is_oit(p)]


def _is_sysadmin(context: dict[str, Any]) -> bool:
    from ckan import authz

    return bool(context.get("user")) and authz.is_sysadmin(context.get("user"))


def _deny(message: str):
    raise tk.NotAuthorized(message)


def _record(name: str, context: dict[str, Any], packages: list[model.Package], data_dict: dict[str, Any]) -> None:
    user = model.User.get(context.get("user") or "")
    shown = {k: v for k, v in data_dict.items() if isinstance(v, (str, int, float, bool, type(None)))}
    for package in packages:
        audit.record(action=name, package_id=package.id, owner_org=package.owner_org,
                     actor_id=user.id if user else None,
                     actor_name=user.name if user else context.get("user"), after=shown)


def _sysadmin_only(name: str) -> Action:
    def guard(original: Action, context, data_dict):
        packages = [] if context.get("oit_workflow") else targets(name, data_dict)
        if packages and not _is_sysadmin(context):
            _deny(both("Only sysadmins may run %(action)s on an OIT dataset", action=name))
        if packages:
            tk.check_access(name, context, data_dict)
            # Recorded before the change: a purge leaves nothing to look at afterwards.
            _record(name, context, packages, data_dict)
        return original(context, data_dict)
    guard.__name__ = name
    return tk.chained_action(guard)


def _refused(name: str) -> Action:
    def guard(original: Action, context, data_dict):
        if name == "activity_create":
            activity.label_like_its_dataset(data_dict)
        # ignore_auth: CKAN's own internal calls (the activity stream records
        # a change through activity_create); no API request can set it.
        trusted = context.get("oit_workflow") or context.get("ignore_auth")
        if not trusted and targets(name, data_dict):
            _deny(both("%(action)s is not allowed on OIT datasets", action=name))
        return original(context, data_dict)
    guard.__name__ = name
    return tk.chained_action(guard)


def _unclassified(name: str) -> Action:
    def guard(original: Action, context, data_dict):
        if not context.get("oit_workflow") and not _is_sysadmin(context):
            _deny(both("%(action)s has not been classified for this portal (ckanext.oit.policy.outside_actions)",
                       action=name))
        return original(context, data_dict)
    guard.__name__ = name
    return tk.chained_action(guard)


def chained_actions(registered: Iterable[str]) -> dict[str, Action]:
    """Wrappers for the SYSADMIN, REFUSED and unclassified actions among ``registered``."""
    actions: dict[str, Action] = {}
    for name in registered:
        kind = classify(name)
        if kind == SYSADMIN:
            actions[name] = _sysadmin_only(name)
        elif kind == REFUSED:
            actions[name] = _refused(name)
        elif kind is None:
            log.warning("ckanext-oit: action %s is not classified; refused to all but sysadmins", name)
            actions[name] = _unclassified(name)
    return actions


def _compose(outer: Action, inner: Action) -> Action:
    """Two chained actions of ours on one name: ``outer`` runs first."""
    def both(original: Action, context, data_dict):
        return outer(lambda c, d: inner(original, c, d), context, data_dict)
    both.__name__ = getattr(outer, "__name__", "chained")
    return tk.chained_action(both)


def merge(*tables: dict[str, Action]) -> dict[str, Action]:
    """One action table from several, chaining twice-named chained actions."""
    merged: dict[str, Action] = {}
    for table in tables:
        for name, function in table.items():
            previous = merged.get(name)
            if previous is not None and getattr(previous, "chained_action", False) \
                    and getattr(function, "chained_action", False):
                merged[name] = _compose(previous, function)
            elif previous is not None:
                raise RuntimeError(f"ckanext-oit defines the action {name} twice")
            else:
                merged[name] = function
    return merged


def registered_names(plugin: Any) -> set[str]:
    """Every action name CKAN will register: its core modules' and every other
    plugin's (ours are classified as OURS or by the table)."""
    import importlib

    import ckan.plugins as p
    from ckan import authz

    names: set[str] = set()
    for part in ("get", "create", "update", "delete", "patch", "file"):
        try:
            module = importlib.import_module(f"ckan.logic.action.{part}")
        except ModuleNotFoundError:  # file: CKAN 2.12 on
            continue
        names.update(k for k, _ in authz.get_local_functions(module))
    for other in p.PluginImplementations(p.IActions):
        if other is not plugin:
            names.update(other.get_actions())
    return names


def markdown_table() -> str:
    """The classification as the README shows it (``ckan oit policy``)."""
    lines = ["| class | actions |", "|---|---|"]
    for kind in CLASSES:
        if kind == OURS:
            continue
        names = sorted(n for n, k in RULES.items() if k == kind)
        lines.append(f"| `{kind}` | {' '.join(f'`{n}`' for n in names)} |")
    return "\n".join(lines)

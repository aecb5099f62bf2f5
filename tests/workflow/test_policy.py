"""Deny by default: every action CKAN has registered is classified by
ckanext/oit/workflow/policy.py, and the README lists the classification."""
from __future__ import annotations

import re

import pytest

import ckan.logic
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit.workflow import policy
from support import REPO

pytestmark = pytest.mark.usefixtures("with_plugins")

README = REPO / "README.md"


def live_registry() -> dict:
    tk.get_action("package_show")  # CKAN builds its registry on first use
    return dict(ckan.logic._actions)


def test_every_registered_action_is_classified():
    registry = live_registry()
    assert len(registry) > 150
    assert policy.unclassified(registry) == [], (
        "classify these in ckanext/oit/workflow/policy.py (and the README)")


def test_every_class_names_only_actions_that_exist():
    registry = live_registry()
    absent = set(policy.RULES) - set(registry)
    if tk.check_ckan_version(max_version="2.11.99"):
        absent -= policy.SINCE_CKAN_2_12  # classified already, registered from 2.12 on
    assert sorted(absent) == []


def _chain(function):
    """The functions an action runs through: CKAN wraps each registered action
    in a closure over ``functools.partial(chained, previous)`` links."""
    import functools
    import inspect

    current = inspect.getclosurevars(function).nonlocals.get("_action", function)
    while isinstance(current, functools.partial):
        yield current.func
        current = current.args[0] if current.args else None


@pytest.mark.parametrize("kind", [policy.SYSADMIN, policy.REFUSED, policy.GUARDED, policy.FILTERED])
def test_the_guarded_classes_run_through_a_wrapper_of_ours(kind):
    registry = live_registry()
    for name, rule in policy.RULES.items():
        # a name not registered (CKAN 2.12's on 2.11) fails the test above unless it is one of those
        if rule == kind and name not in VIA_ANOTHER_ACTION and name in registry:
            assert any(f.__module__.startswith("ckanext.oit") for f in _chain(registry[name])), name


# These reach the guards through the action they call (package_update, resource_update).
VIA_ANOTHER_ACTION = {"package_patch", "package_revise", "resource_patch", "package_resource_reorder",
                      "group_patch"}


def test_an_action_nobody_classified_is_refused_to_all_but_sysadmins(clean_db):
    calls = []

    def made_up_action(context, data_dict):  # as another plugin would register it
        calls.append(data_dict)
        return "done"

    wrapper = policy.chained_actions(["made_up_action"])["made_up_action"]
    user = factories.User()
    with pytest.raises(tk.NotAuthorized, match="not been classified"):
        wrapper(made_up_action, {"user": user["name"]}, {"id": "x"})
    with pytest.raises(tk.NotAuthorized):
        wrapper(made_up_action, {"user": ""}, {"id": "x"})
    assert calls == []
    sysadmin = factories.Sysadmin()
    assert wrapper(made_up_action, {"user": sysadmin["name"]}, {"id": "x"}) == "done"


@pytest.mark.ckan_config("ckanext.oit.policy.outside_actions", "made_up_action")
def test_an_operator_may_classify_another_plugins_action_as_outside():
    assert policy.classify("made_up_action") == policy.OUTSIDE
    assert policy.chained_actions(["made_up_action"]) == {}


def test_the_readme_lists_the_classification():
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- policy:begin -->")[1].split("<!-- policy:end -->")[0]
    listed = {}
    for line in section.splitlines():
        match = re.match(r"\| `(\w+)` \| (.+) \|$", line.strip())
        if match:
            listed[match.group(1)] = set(re.findall(r"`(\w+)`", match.group(2)))
    expected = {kind: {n for n, k in policy.RULES.items() if k == kind} for kind in policy.CLASSES
                if kind != policy.OURS}
    assert listed == expected


def test_an_action_is_ours_because_we_define_it_not_because_of_its_name():
    assert policy.classify("oit_submit") == policy.OURS
    assert policy.classify("oit_from_another_plugin") is None  # refused to all but sysadmins

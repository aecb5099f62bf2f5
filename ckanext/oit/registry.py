"""What the plugin registers with CKAN, collected from the modules rather than
listed by hand: each capability's actions and auth functions (the functions
named ``oit_*`` of its ``logic/action.py`` and ``logic/auth.py``), the
template helpers (the ``oit_*`` functions of the helper modules), the
blueprints and the commands. Imports happen when CKAN asks, not when the plugin is loaded."""
from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import Any, Callable

# the capabilities with a logic/ package of actions
CAPABILITIES = ("frameworks", "workflow", "audit", "records", "compliance", "channels", "work")
# the capabilities with pages (views.py), in the order their blueprints are registered
VIEWS = ("workflow", "records", "compliance", "portal", "channels", "work", "frameworks")
# the modules that define template helpers
HELPER_MODULES = ("ckanext.oit.helpers", "ckanext.oit.i18n_dates", "ckanext.oit.i18n_labels",
                  "ckanext.oit.portal.home", "ckanext.oit.channels", "ckanext.oit.workflow.helpers",
                  "ckanext.oit.records.helpers",
                  "ckanext.oit.work.helpers")


def _ours(module: ModuleType) -> dict[str, Callable[..., Any]]:
    """The ``oit_*`` functions defined in the module (aliases included)."""
    return {name: value for name, value in vars(module).items()
            if name.startswith("oit_") and inspect.isfunction(value) and value.__module__ == module.__name__}


def _collected(kind: str) -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for capability in CAPABILITIES:
        module = importlib.import_module(f"ckanext.oit.{capability}.logic.{kind}")
        for name, function in _ours(module).items():
            if name in found:
                raise RuntimeError(f"ckanext-oit defines the {kind} function {name} twice")
            found[name] = function
    return found


def actions() -> dict[str, Callable[..., Any]]:
    return _collected("action")


def auth_functions() -> dict[str, Callable[..., Any]]:
    return _collected("auth")


def helpers() -> dict[str, Callable[..., Any]]:
    """The ``oit_*`` functions of the helper modules, and the CKAN helpers they chain."""
    found: dict[str, Callable[..., Any]] = {}
    for name in HELPER_MODULES:
        module = importlib.import_module(name)
        found.update((key, value) for key, value in vars(module).items()
                     if inspect.isfunction(value) and value.__module__ == module.__name__
                     and (key.startswith("oit_") or getattr(value, "chained_helper", False)))
    return found


def blueprints() -> list[Any]:
    """The blueprint each capability defines in its views.py."""
    from flask import Blueprint

    found = []
    for capability in VIEWS:
        module = importlib.import_module(f"ckanext.oit.{capability}.views")
        found.extend(value for value in vars(module).values()
                     if isinstance(value, Blueprint) and value.import_name == module.__name__)
    return found


def commands() -> list[Any]:
    """``ckan oit``: the other commands are its subcommands."""
    from ckanext.oit import cli
    return [cli.oit]

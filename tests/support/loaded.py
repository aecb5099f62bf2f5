"""Plugins and the test app kept from one test to the next.

CKAN's ``with_plugins`` reloads every plugin for each test (each load recomputes the
configuration and configures every plugin again: the DataStore checks its database
roles) and its ``app`` builds a new WSGI application (which loads them all once more):
1.4 s a test here, most of the suite's time. Ours keep both while nothing changed:
the plugins are the ones the last clean load gave (by identity: whoever unloads or
reloads them makes the next test load again) and the test sets no ``ckan_config``
mark. A marked test gets both fresh, as CKAN gives them, and so does the test after
it; the configuration itself is still restored after each test by CKAN's
``ckan_config``."""
from __future__ import annotations

from typing import Any, Callable

import pytest


class _State:
    plugins: tuple[Any, ...] | None = None  # the plugin objects of the last clean load
    app: Any = None
    app_plugins: tuple[Any, ...] | None = None


_state = _State()


def _loaded() -> tuple[Any, ...]:
    from ckan.plugins import core

    return tuple(core._PLUGINS_SERVICE.get(name) for name in core._PLUGINS)


def _same(kept: tuple[Any, ...] | None, now: tuple[Any, ...]) -> bool:
    return kept is not None and len(kept) == len(now) and all(a is b for a, b in zip(kept, now))


def _marked(request: pytest.FixtureRequest) -> bool:
    return any(True for _ in request.node.iter_markers("ckan_config"))


def ensure_plugins(request: pytest.FixtureRequest) -> None:
    """The configured plugins loaded, as ``with_plugins`` loads them."""
    import ckan.plugins

    if _marked(request):
        ckan.plugins.load_all()
        _state.plugins = None  # loaded under the mark: the next test loads again
        return
    if not _same(_state.plugins, _loaded()):
        ckan.plugins.load_all()
        _state.plugins = _loaded()


def built_by_the_test(make_app: Callable[[], Any]) -> Callable[[], Any]:
    """CKAN's ``make_app`` for a test that builds its own app (perhaps under a configuration
    it changed, and CKAN's plugins are singletons: reloaded, they stay the same objects):
    the next test loads the plugins and builds the app again. ``.kept`` is CKAN's own."""
    def build() -> Any:
        _state.plugins = _state.app = None
        return make_app()
    build.kept = make_app  # type: ignore[attr-defined]
    return build


def app(request: pytest.FixtureRequest, make_app: Callable[[], Any]) -> Any:
    """The test app, as CKAN's ``app`` fixture gives it (``make_app``: CKAN's factory)."""
    if _marked(request):
        _state.plugins = _state.app = None
        return make_app()
    if _state.app is None or not _same(_state.app_plugins, _loaded()):
        _state.app = make_app()  # loads every plugin under this (unmarked) configuration
        _state.plugins = _state.app_plugins = _loaded()
    return _state.app

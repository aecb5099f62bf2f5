"""Shared fixtures. Tests run against the real services started by `make test`
(PostgreSQL, Solr core ``ckan-test``, Redis), configured in test.ini."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins as p
from ckan import model

# Plugins with alembic migrations of their own, applied after each reset.
MIGRATED_PLUGINS = ("activity", "oit")


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db, plus the migrations of the plugins we run with
    (loaded first: a plugin's migrations run only when it is loaded)."""
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)
    # The audit table is outside CKAN's metadata (its rows may not be deleted,
    # see migration oit_0001), so CKAN's reset leaves it; TRUNCATE may.
    if sa.inspect(model.Session.get_bind()).has_table("oit_audit_event"):
        model.Session.execute(sa.text("TRUNCATE oit_audit_event RESTART IDENTITY"))
        model.Session.commit()


@pytest.fixture(autouse=True)
def every_write_left_an_audit_event(request):
    """After each test that used the database: the audit chain is intact, and
    every dataset's last change has an audit event at or after it (each write
    path to a dataset moves its metadata_modified)."""
    yield
    if "reset_db" not in request.fixturenames or request.node.get_closest_marker("unaudited"):
        return
    from ckanext.oit import audit

    model.Session.remove()
    if not sa.inspect(model.Session.get_bind()).has_table("oit_audit_event"):
        return
    unaudited = model.Session.execute(sa.text(
        "SELECT p.name, p.metadata_modified FROM package p WHERE NOT EXISTS ("
        " SELECT 1 FROM oit_audit_event e WHERE e.package_id = p.id"
        " AND e.created >= p.metadata_modified)")).all()
    result = audit.verify()
    model.Session.remove()
    assert unaudited == [], "datasets changed without an audit event"
    assert result.ok, result.reason


@pytest.fixture
def solr_url(ckan_config) -> str:
    return ckan_config["solr_url"].rstrip("/")

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


@pytest.fixture
def solr_url(ckan_config) -> str:
    return ckan_config["solr_url"].rstrip("/")

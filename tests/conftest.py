"""Shared fixtures. Tests run against the real services started by `make test`
(PostgreSQL, Solr core ``ckan-test``, Redis), configured in test.ini."""
from __future__ import annotations

import pytest

import ckan.plugins as p

# Plugins with alembic migrations of their own, applied after each reset.
MIGRATED_PLUGINS = ("activity", "oit")


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the migrations of the plugins we run with."""
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)


@pytest.fixture
def solr_url(ckan_config) -> str:
    return ckan_config["solr_url"].rstrip("/")

"""Fixtures of every capability. Tests run against the real services started by
`make test` (PostgreSQL, Solr core ``ckan-test``, Redis), configured in test.ini;
the tests under tests/unit need neither (they run with CKAN's pytest plugin off,
`make test-unit`), so nothing here reads the configuration at import."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import sqlalchemy as sa

import ckan.plugins as p
from ckan import model

from support import jobs, live, loaded
from support.frameworks import EDITIONS
from support.mail import SmtpServer
from support.workflow import Office, new_office, reset_database

UNIT = Path(__file__).parent / "unit"

# Plugins with alembic migrations of their own, applied after each reset.
MIGRATED_PLUGINS = ("activity", "oit")
# CKAN's reset deletes every row; the dead ones pile up until autovacuum comes (a
# minute): by the end of the suite each query took twice as long. So vacuum every
# few resets (a quarter of a second).
VACUUM_EVERY = 20
_resets = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Passwords hashed with 1,000 rounds in the test process instead of passlib's
    25,000: each organisation of a test has eight people, and hashing was a tenth of
    the suite. Logins verify any number of rounds (the live servers keep the default)."""
    from passlib.hash import pbkdf2_sha512

    from ckan.model import user

    default = user.pbkdf2_sha512
    user.pbkdf2_sha512 = pbkdf2_sha512.using(rounds=1000)
    yield
    user.pbkdf2_sha512 = default


@pytest.fixture
def with_plugins(ckan_config, request):
    """CKAN's with_plugins, keeping the plugins between tests (support/loaded.py)."""
    loaded.ensure_plugins(request)


@pytest.fixture
def make_app(make_app):
    """CKAN's make_app; after a test that builds its own app, the next loads afresh (support/loaded.py)."""
    return loaded.built_by_the_test(make_app)


@pytest.fixture
def app(request, make_app):
    """CKAN's app, kept between tests (support/loaded.py)."""
    return loaded.app(request, make_app.kept)


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
    if next(_resets) % VACUUM_EVERY == 0:
        with model.Session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))


@pytest.fixture(autouse=True)
def packaged_editions_afterwards(request):
    """After a test that stored editions or fiscal-year choices, the next test (which
    may not reset the database) finds the packaged item lists again."""
    yield
    if request.node.path.is_relative_to(UNIT) or "reset_db" not in request.fixturenames:
        return
    from ckanext.oit.frameworks import registry, store
    from ckanext.oit.frameworks.model import EditionsRevision, FiscalYearEdition, StoredEdition

    if store.token() is None:
        return
    model.Session.remove()
    for table in (StoredEdition, FiscalYearEdition, EditionsRevision):
        model.Session.query(table).delete()
    model.Session.commit()
    registry.forget()


@pytest.fixture(autouse=True)
def every_write_left_an_audit_event(request):
    """After each test that used the database: the audit chain is intact, and
    every dataset's last change has an audit event at or after it (each write
    path to a dataset moves its metadata_modified)."""
    yield
    if request.node.path.is_relative_to(UNIT):  # no database there
        return
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
def live_server(ckan_config, tmp_path):
    """`ckan run` on the test configuration, its site URL on loopback (support/live.py)."""
    with live.server(ckan_config["__file__"], tmp_path) as base:
        yield base


@pytest.fixture
def solr_url(ckan_config) -> str:
    return ckan_config["solr_url"].rstrip("/")


# --- people of an organisation (support/workflow.py) -------------------------

@pytest.fixture
def office(clean_db, clean_index) -> Office:
    """A fresh database with one organisation's people."""
    return new_office()


@pytest.fixture(scope="module")
def shared_office(reset_db) -> Office:
    """One organisation for a whole module of tests that each make their own
    dataset (cheaper than a reset per test; tests must not depend on others)."""
    from ckanext.oit import compat

    p.load_all()
    try:
        reset_database(reset_db)
        return new_office()
    finally:
        compat.unload_plugins()


@pytest.fixture
def people(office):
    """The office, plus a complaint officer (an editor) designated by the
    sysadmin (an admin alone only proposes); for the channels and the CSRF tests."""
    import ckan.lib.jobs as ckan_jobs
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories

    officer = factories.User(email="officer@example.go.th")
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": office.org["id"], "username": officer["name"], "role": "editor"})
    office.users["officer"] = officer
    office.act("sysadmin", "oit_complaint_officer_add", organization=office.org["name"], user=officer["name"])
    ckan_jobs.get_queue().empty()  # the designation's own notice is not what these tests look at
    return office


@pytest.fixture
def fresh_limits():
    """No rate limit of the public channels counted before or after the test
    (autouse under tests/channels)."""
    from ckanext.oit.channels import abuse

    abuse.reset_rate_limits()
    yield
    abuse.reset_rate_limits()


# --- mail and jobs (support/mail.py, support/jobs.py) ------------------------

@pytest.fixture
def smtp(ckan_config):
    """The test SMTP server, not yet started (the mail server is 'down')."""
    from ckan.lib.mailer import _parse_smtp_server

    host, port = _parse_smtp_server(ckan_config["smtp.server"])
    server = SmtpServer(host, port)
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp):
    """The test SMTP server, running."""
    return smtp.start()


@pytest.fixture
def mail_queue(clean_queues):
    """CKAN's default queue, empty, and no job left in its registries (CKAN's
    clean_queues empties the queues only; a failed or scheduled job lives on
    in a registry)."""
    import ckan.lib.jobs as ckan_jobs

    jobs.purge_registries()
    yield ckan_jobs.get_queue()
    jobs.purge_registries()
    ckan_jobs.get_queue().empty()


# --- framework editions (support/frameworks.py) -------------------------------

@pytest.fixture
def edition_copy(tmp_path):
    """A copy of the shipped framework editions, to change."""
    import shutil

    folder = tmp_path / "frameworks"
    shutil.copytree(EDITIONS, folder)
    return folder

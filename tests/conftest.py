"""The fixed cast of every test: coordinator A (Werra-Meißner-Kreis), coordinator B (another
body, Hochtaunuskreis), a clerk, a second clerk, an approver, a second approver and a
programme administrator; plus an open programme period 2026–2030 with budgets."""

import fnmatch
import os
import posixpath
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from accounts.roles import Role
from files.models import StoredFile
from municipalities.loading import load_bodies
from municipalities.models import AdministrativeCourt, Municipality
from tests import factories


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need real row locks; on SQLite they are skipped, saying so.
    With REQUIRE_POSTGRES=1 (CI) a skip would hide a missing check, so it fails instead."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError("REQUIRE_POSTGRES=1, aber DATABASE_URL zeigt nicht auf PostgreSQL.")
    skip = pytest.mark.skip(reason="braucht PostgreSQL: mit DATABASE_URL=postgres://… ausführen")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def flush_may_truncate_append_only_tables():
    """pytest-django empties the tables after a transactional test (threads, browser) with
    TRUNCATE, which the append-only tables refuse on PostgreSQL (grants/migrations/
    0013_g_truncate_guard.py) except in a test database whose flush sets this for its own
    transaction. Nothing else in the suite may truncate them."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        return ["SET LOCAL wirfunding.allow_truncate = 'on'", *statements] if statements else statements

    with mock.patch.object(DatabaseOperations, "sql_flush", sql_flush):
        yield


@pytest.fixture
def programme(db):
    return factories.make_programme()


def _body(name: str) -> Municipality:
    # The bodies come from a data migration; a transactional test (threads, browser) empties
    # the tables when it ends, so the official list is loaded again where it is missing.
    if not Municipality.objects.exists():
        load_bodies(Municipality, AdministrativeCourt)
    return Municipality.objects.get(name=name)


@pytest.fixture
def body_a(db):
    return _body("Werra-Meißner-Kreis")


@pytest.fixture
def body_b(db):
    return _body("Hochtaunuskreis")


@pytest.fixture
def coordinator_a(body_a):
    return factories.make_user("koordination-a", Role.KOORDINATION, body_a)


@pytest.fixture
def coordinator_b(body_b):
    return factories.make_user("koordination-b", Role.KOORDINATION, body_b)


@pytest.fixture
def clerk(db):
    return factories.make_user("sachbearbeitung", Role.SACHBEARBEITUNG)


@pytest.fixture
def clerk2(db):
    return factories.make_user("sachbearbeitung2", Role.SACHBEARBEITUNG)


@pytest.fixture
def approver(db):
    return factories.make_user("bewilligung", Role.BEWILLIGUNG)


@pytest.fixture
def approver2(db):
    return factories.make_user("bewilligung2", Role.BEWILLIGUNG)


@pytest.fixture
def programme_admin(db):
    return factories.make_user("programmverwaltung", Role.PROGRAMMVERWALTUNG)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


class StoredPath:
    """One stored file by name, read through the configured storage (as the download views do)."""

    def __init__(self, name: str):
        self.name = name

    def exists(self) -> bool:
        return default_storage.exists(self.name)

    def read_bytes(self) -> bytes:
        with default_storage.open(self.name, "rb") as handle:
            return handle.read()


class StoredFiles:
    """The files of the storage under test as a directory: `private_storage / name`, `rglob("*.pdf")`."""

    def __truediv__(self, name: str) -> StoredPath:
        return StoredPath(name)

    def rglob(self, pattern: str) -> list[StoredPath]:
        names = StoredFile.objects.values_list("name", flat=True)
        return [StoredPath(name) for name in names if fnmatch.fnmatch(posixpath.basename(name), pattern)]


@pytest.fixture
def private_storage(db) -> StoredFiles:
    """Uploaded files (attachments, Sachberichte) in the storage the tests run with (the database
    backend, the production default): they are rolled back with the test like every other row."""
    return StoredFiles()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`-n auto` (xdist's default `--dist load`): single tests, but the groups of tests that share
    an expensive fixture together in one process (tests/xdist_groups.py)."""
    if config.getvalue("dist") != "load":
        return None
    from tests.xdist_groups import GroupedLoadScheduling
    return GroupedLoadScheduling(config, log)


_RENDER_MEMO = {"on": True}


@pytest.fixture(autouse=True)
def _real_render_for_marked_tests(request):
    """Tests marked `real_render` (those that prove the bytes are deterministic) render every
    time: under the memo below, "rendered again gives the same bytes" could not fail."""
    if request.node.get_closest_marker("real_render") is None:
        yield
        return
    _RENDER_MEMO["on"] = False
    try:
        yield
    finally:
        _RENDER_MEMO["on"] = True


@pytest.fixture(scope="session", autouse=True)
def notice_pdfs_rendered_once_per_input():
    """A notice PDF is a pure function of its HTML, stylesheet and fonts (tests/grants/notices/
    test_render.py and test_deterministic_bytes.py prove the bytes are the same in every process,
    from any hash seed). Hundreds of tests issue the same award notice through the factories; this
    renders each distinct input once per process and hands the same bytes out again. A test that
    replaces the renderer (or breaks the fonts: another input key) still gets its own, and so does
    a test marked `real_render`."""
    if os.environ.get("TEST_RENDER_MEMO") == "0":  # to compare: every render for real
        yield
        return
    from functools import lru_cache

    from grants.notices import hearing, render

    @lru_cache(maxsize=32)
    def rendered(html: str, stylesheet: str, fonts: frozenset) -> bytes:
        return original(html, stylesheet)

    def write_pdf(html: str, stylesheet: str) -> bytes:
        if not _RENDER_MEMO["on"]:
            return original(html, stylesheet)
        return rendered(html, stylesheet, render._FontFilesOnly.allowed)

    original = render._write_pdf
    with mock.patch.object(render, "_write_pdf", write_pdf), mock.patch.object(hearing, "_write_pdf", write_pdf):
        yield

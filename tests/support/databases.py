"""The feedback database on both backends: SQLite in the test's directory, and a real PostgreSQL
(Debian's, started once per session on loopback) with a new empty database per test."""

from __future__ import annotations

import os
import uuid

import pytest

from evals.postgres import postgres_bin, start_postgres
from feedback.database import FeedbackDatabase
from tests.support.waiting import WAIT_S

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres():
    if postgres_bin() is None:
        message = "PostgreSQL is not installed: `make install-test` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = start_postgres(durable=False, timeout=WAIT_S)
    yield server
    server.stop()


@pytest.fixture
def database_url(request, tmp_path):
    """A URL of an empty feedback database: a SQLite path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "feedback.sqlite"
    server = request.getfixturevalue("postgres")
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def feedback_db(database_url):
    database = FeedbackDatabase(database_url)
    yield database
    database.close()


def pytest_generate_tests(metafunc):
    """Every test that takes `database_url` (or `feedback_db`) runs on both backends."""
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True)

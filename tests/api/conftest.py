"""Fixtures of the API tests: apps over the session index with settings of the test's own, and a
real server on loopback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from server.app import create_app


@pytest.fixture
def make_client(corpus_settings, assistant, tmp_path):
    """A TestClient over the session index with settings overrides; data in tmp_path."""
    opened = []

    def make(client_ip: str = "203.0.113.9", served=None, **overrides):
        if isinstance(overrides.get("admin_key"), str):
            overrides["admin_key"] = SecretStr(overrides["admin_key"])
        settings = corpus_settings.updated(**{"data_dir": tmp_path / "data", **overrides})
        c = TestClient(create_app(settings, served or assistant), client=(client_ip, 40000))
        opened.append(c.__enter__())
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture(scope="package")
def live(corpus_settings, corpus_index, tmp_path_factory):
    from evals.loadtest import copy_index, serve

    work = tmp_path_factory.mktemp("abuse-live")
    server = serve(
        copy_index(corpus_settings.data_dir, work / "data"), work, {"PIANO_MAX_BODY_BYTES": "4096"}
    )
    yield server
    server.stop()

"""The deployment files that the tests cannot run (systemd units, compose: no systemd or container
engine here) still agree with the code: every setting they name exists, every command they run
is one the project has, the nginx file is the one the tests start."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.settings import FLAT_NAMES
from evals.nginx import SITE, render_site

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_piano_variable_in_deploy_is_a_setting():
    known = {f"PIANO_{name.upper()}" for name in FLAT_NAMES} | {
        "PIANO_DATA_DIR",
        "PIANO_CORPUS_DIR",
    }
    named = set()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            named |= set(re.findall(r"\bPIANO_[A-Z_]+\b", _text(path)))
    named.discard("PIANO_DB_PASSWORD")  # compose's own secret, read by compose, not a setting
    assert named and named <= known, named - known


def test_the_units_run_the_projects_commands():
    commands = {
        "piano-api@.service": "-m assistant serve --host 127.0.0.1 --port %i",
        "piano-index.service": "-m indexer build --quiet",
        "piano-chroma.service": "/chroma run --path",
    }
    for unit, command in commands.items():
        text = _text(DEPLOY / "systemd" / unit)
        [exec_start] = re.findall(r"^ExecStart=(.*)$", text, flags=re.M)
        assert command in exec_start, unit
        if "assistant" in command or "indexer" in command:
            assert "EnvironmentFile=/etc/piano/piano.env" in text, unit
    assert "Unit=piano-index.service" in _text(DEPLOY / "systemd" / "piano-index.path")


def test_compose_describes_nginx_two_replicas_chroma_and_postgresql():
    compose = yaml.safe_load(_text(DEPLOY / "compose.yaml"))
    services = compose["services"]
    assert {"nginx", "api-1", "api-2", "chroma", "postgres", "indexer"} <= set(services)
    ports = []
    for name in ("api-1", "api-2"):
        replica = services[name]
        env = replica["environment"]
        assert env["PIANO_DATABASE_URL"].startswith("postgresql://")
        assert env["PIANO_CHROMA_HOST"] == "chroma" and env["PIANO_RATE_LIMIT_PER_MINUTE"] == "0"
        assert env["PIANO_PAGE_RATE_LIMIT_PER_MINUTE"] == "0"
        assert replica["volumes"] == ["index:/srv/piano/data:ro"]
        assert replica["network_mode"] == "service:nginx"
        ports.append(replica["command"][-1])
    # The replicas listen where the nginx file (used unchanged) sends the requests.
    site = _text(SITE)
    assert all(f"server 127.0.0.1:{port} " in site for port in ports)
    assert (
        "./nginx/chiedi-al-piano.conf:/etc/nginx/conf.d/default.conf:ro"
        in services["nginx"]["volumes"]
    )
    assert "described, not built" in _text(DEPLOY / "compose.yaml").lower()


def test_the_tests_change_only_addresses_and_logs_in_the_nginx_file(tmp_path):
    rendered = render_site([40001, 40002], 40000, tmp_path)
    changed = [
        (a, b)
        for a, b in zip(_text(SITE).splitlines(), rendered.splitlines(), strict=True)
        if a != b
    ]
    assert len(changed) == 1 + 4 + 2  # listen, two replicas in two upstreams, the two logs
    for before, after in changed:
        assert re.sub(r"[\d.:]+|/\S+/", "", before) == re.sub(r"[\d.:]+|/\S+/", "", after)

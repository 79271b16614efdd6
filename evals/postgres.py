"""A throwaway PostgreSQL on 127.0.0.1 for the tests and the bench: Debian's `postgresql` binaries,
`initdb` into a temporary directory, a free loopback port, password authentication.

PostgreSQL refuses to run as root: as root (CI), the server runs as the `postgres` user that the
Debian package creates, from a directory that user owns. Stopped by its own pid.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from evals.servers import LOOPBACK, free_port

USER = "piano"


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL's bin directory, or the one on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("postgres")
    return Path(found).resolve().parent if found else None


@dataclass
class Postgres:
    proc: subprocess.Popen[bytes]
    port: int
    root: Path
    password: str
    command: list[str]
    user: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@{LOOPBACK}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def halt(self) -> None:
        """Fast shutdown (SIGINT: clients disconnected, no recovery needed); the data stays."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def resume(self, timeout: float = 60) -> None:
        """Start again after `halt`, on the same port and data."""
        self.proc = _spawn(self.command, self.root, self.user)
        _wait_ready(self, timeout)

    def stop(self) -> None:
        """Halt and remove the data directory."""
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)


def _spawn(command: list[str], root: Path, user: str | None) -> subprocess.Popen[bytes]:
    with open(root / "postgres.log", "ab") as log:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, user=user, start_new_session=True
        )


def start_postgres(durable: bool = True, timeout: float = 60) -> Postgres:
    """initdb + postgres on a free port. `durable=False` turns fsync off (tests: faster, and
    nothing there needs to survive a crash of the machine)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: `make install-test` installs it")
    as_root = os.geteuid() == 0
    # Not under the caller's temporary directory: as root that one is closed to `postgres`.
    root = Path(tempfile.mkdtemp(prefix="piano-postgres-"))
    password = secrets.token_urlsafe(16)
    (root / "password").write_text(password)
    user = "postgres" if as_root else None
    if as_root:
        shutil.chown(root, "postgres")
        shutil.chown(root / "password", "postgres")
    subprocess.run(
        [
            str(bin_dir / "initdb"),
            "--pgdata",
            str(root / "data"),
            "--username",
            USER,
            "--pwfile",
            str(root / "password"),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
        ],
        check=True,
        capture_output=True,
        user=user,
        timeout=120,
    )
    port = free_port()
    settings = [f"listen_addresses={LOOPBACK}", f"port={port}", f"unix_socket_directories={root}"]
    if not durable:
        settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
    command = [str(bin_dir / "postgres"), "-D", str(root / "data")]
    command += [arg for s in settings for arg in ("-c", s)]
    server = Postgres(_spawn(command, root, user), port, root, password, command, user)
    _wait_ready(server, timeout)
    return server


def _wait_ready(server: Postgres, timeout: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.proc.poll() is None:
        try:
            psycopg.connect(server.url(), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    log = (server.root / "postgres.log").read_text(errors="replace")[-2000:]
    server.stop()
    raise RuntimeError(f"PostgreSQL did not start on port {server.port}:\n{log}")

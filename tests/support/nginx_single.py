"""Debian's nginx as a real reverse proxy in front of one server of ours (the site file
deploy/nginx/single-server.conf): started on a free loopback port with a configuration written
into a temporary directory (pid, logs and temp files there too, so no root is needed), and
stopped by its own pid. Two replicas behind one nginx: tests/support/nginx.py.

The site configuration is a file of deploy/nginx/ with its `listen` port and its upstream
address replaced, so a test exercises the configuration the README shows.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.waiting import WAIT_S

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "deploy" / "nginx" / "single-server.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN = """\
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site_config(site: Path, port: int, upstream: str, bind: str | None = None) -> str:
    """The site file with nginx listening on 127.0.0.1:`port` and proxying to `upstream`;
    with `bind`, nginx connects upstream from that address (another host, as the app sees it)."""
    text = site.read_text(encoding="utf-8")
    text = re.sub(r"listen 80(\b[^;]*);", rf"listen 127.0.0.1:{port}\1;", text)
    text = re.sub(r"server 127\.0\.0\.1:8000;", f"server {upstream};", text)
    if bind:
        text = re.sub(r"(proxy_pass [^;]+;)", rf"\1\n        proxy_bind {bind};", text)
    return text


class Nginx:
    """`nginx -p WORK -c WORK/nginx.conf -g 'daemon off;'` on 127.0.0.1:`port`."""

    def __init__(
        self, work: Path, upstream: str, site: Path = SITE, bind: str | None = None
    ) -> None:
        if not Path(NGINX).exists():
            pytest.fail("nginx is not installed: `make install-test` installs Debian's nginx")
        self.work = work
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        work.mkdir(parents=True, exist_ok=True)
        (work / "site.conf").write_text(
            site_config(site, self.port, upstream, bind), encoding="utf-8"
        )
        # As root, nginx would hand its workers to `nobody`, who cannot enter a private tmp dir.
        user = "user root;" if os.geteuid() == 0 else ""
        (work / "nginx.conf").write_text(MAIN.format(work=work, user=user), encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        command = [NGINX, "-p", str(self.work), "-c", str(self.work / "nginx.conf")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            pytest.fail(f"nginx refuses the configuration:\n{check.stderr}")
        self.proc = subprocess.Popen(
            [*command, "-g", "daemon off;"], stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    pytest.fail(f"nginx did not start: {self.error_log()}")
                time.sleep(0.05)

    def error_log(self) -> str:
        log = self.work / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful: the workers finish, then exit
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

"""nginx in front of the replicas, on loopback, with the deployment's own configuration
(deploy/nginx/chiedi-al-piano.conf): only the `listen` line and the replicas' addresses are
rewritten (and the log directory), so the tests and the bench exercise the file a public body
installs.

Debian's nginx, run from a temporary prefix with its own pid, logs and temporary files; stopped
by its own pid.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from evals.servers import LOOPBACK, Server, free_port

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "deploy" / "nginx" / "chiedi-al-piano.conf"
# The replicas' addresses as the committed file writes them, in order.
SITE_REPLICAS = ("127.0.0.1:8101", "127.0.0.1:8102")

MAIN = """worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/temp/body;
    proxy_temp_path {root}/temp/proxy;
    fastcgi_temp_path {root}/temp/fastcgi;
    uwsgi_temp_path {root}/temp/uwsgi;
    scgi_temp_path {root}/temp/scgi;
    include {root}/chiedi-al-piano.conf;
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def render_site(replica_ports: list[int], port: int, logs_dir: Path) -> str:
    """The committed site configuration, listening on 127.0.0.1:`port`, proxying to the replicas
    on these ports (one or two: the committed file names two), logging into `logs_dir`."""
    text = SITE.read_text(encoding="utf-8")
    text, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\1listen {LOOPBACK}:{port};", text)
    assert listens == 1, "deploy/nginx: the `listen 80;` line moved"
    for n, address in enumerate(SITE_REPLICAS):
        pattern = rf"(?m)^(\s*)server {re.escape(address)}( .*)?;\n"
        if n < len(replica_ports):
            text, found = re.subn(pattern, rf"\1server {LOOPBACK}:{replica_ports[n]}\2;\n", text)
        else:
            text, found = re.subn(pattern, "", text)
        assert found == 2, f"deploy/nginx: {address} should be in both upstreams"
    assert len(replica_ports) <= len(SITE_REPLICAS)
    text, logs = re.subn(r"/var/log/nginx/", f"{logs_dir}/", text)
    assert logs == 2, "deploy/nginx: the access and error logs moved"
    return text


@dataclass
class Nginx(Server):
    """nginx's master process; `root` holds its configuration, logs and temporary files."""

    root: Path = Path()

    def error_log(self) -> str:
        return (self.root / "error.log").read_text(errors="replace") if self.root.name else ""

    def stop(self) -> None:
        """SIGQUIT: graceful shutdown (requests in flight finish)."""
        if self.proc.poll() is None:
            self.proc.send_signal(3)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)


def start_nginx(replica_ports: list[int], timeout: float = 30) -> Nginx:
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed: `make install-test` installs it")
    # Its own directory under /tmp, open to nginx's worker user (as root: nobody).
    root = Path(tempfile.mkdtemp(prefix="piano-nginx-"))
    os.chmod(root, 0o755)
    (root / "temp").mkdir()
    port = free_port()
    (root / "chiedi-al-piano.conf").write_text(
        render_site(replica_ports, port, root), encoding="utf-8"
    )
    (root / "nginx.conf").write_text(MAIN.format(root=root), encoding="utf-8")
    test = subprocess.run(
        [
            binary,
            "-t",
            "-p",
            str(root),
            "-e",
            str(root / "error.log"),
            "-c",
            str(root / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
    )
    if test.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration:\n{test.stderr}")
    with open(root / "stderr.log", "wb") as out:
        proc = subprocess.Popen(
            [binary, "-p", str(root), "-e", str(root / "error.log"), "-c", str(root / "nginx.conf")]
            + ["-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Nginx("nginx", proc, port, root / "stderr.log", root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(server.url + "/metrics", timeout=2)  # nginx's own 404: it is up
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    message = server.error_log() + server.log.read_text(errors="replace")
    server.stop()
    raise RuntimeError(f"nginx did not start on port {port}:\n{message[-2000:]}")

"""nginx in front of the servers a test starts, with the deployment's configuration
(deploy/nginx/chiedi-al-piano.conf, rewritten only for addresses and logs by evals/nginx.py,
which the bench shares). Requests can leave from another loopback address than 127.0.0.1, which
that configuration exempts from the rate limit, to be counted like a client from outside."""

from __future__ import annotations

import os

import httpx
import pytest

from evals.nginx import Nginx, nginx_binary, start_nginx

__all__ = ["Nginx", "client_from", "require_nginx", "start_nginx"]

# A client "from outside": any loopback address but the exempt 127.0.0.1 (all of 127/8 is local).
OUTSIDE = "127.0.0.2"


def require_nginx() -> None:
    if nginx_binary() is None:
        message = "nginx is not installed: `make install-test` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def client_from(address: str = OUTSIDE, **kwargs) -> httpx.Client:
    """An httpx client whose connections leave from `address`."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), **kwargs)

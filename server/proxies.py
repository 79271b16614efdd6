"""Which reverse proxies uvicorn believes about the client: those of PIANO_TRUSTED_PROXIES, and
by default none (uvicorn's own default believes X-Forwarded-For from 127.0.0.1, so any local
client could pick its address, and with it a fresh rate-limit budget per request)."""

from __future__ import annotations

from typing import Any

from core.serving import ProtectionSettings


def proxy_options(protection: ProtectionSettings) -> dict[str, Any]:
    """uvicorn's `proxy_headers`/`forwarded_allow_ips` for these settings."""
    proxies = protection.proxies
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": []}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}

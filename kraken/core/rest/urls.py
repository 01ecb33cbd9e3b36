"""Base-URL policy: HTTPS/WSS only, plain HTTP/WS only towards loopback hosts (for tests)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from kraken.core.errors import KrakenUsageError

__all__ = ["is_loopback_host", "validate_base_url"]

_SECURE = {"https": "http", "wss": "ws"}


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str, *, websocket: bool = False) -> str:
    """Return ``url`` without a trailing slash, or raise :class:`KrakenUsageError`.

    Credentials travel in headers, so only TLS is accepted; the plain scheme is allowed for
    loopback hosts only, which is what tests and the fake exchange use.
    """
    if not isinstance(url, str) or not url:
        raise KrakenUsageError(
            "base_url must be a non-empty string such as 'https://api.kraken.com'."
        )
    parts = urlsplit(url)
    secure = "wss" if websocket else "https"
    plain = _SECURE[secure]
    if not parts.hostname:
        raise KrakenUsageError(f"base_url {url!r} has no host; expected e.g. '{secure}://host'.")
    if parts.scheme == plain and not is_loopback_host(parts.hostname):
        raise KrakenUsageError(
            f"base_url {url!r} uses {plain}://; only {secure}:// is allowed, except towards "
            "loopback hosts (127.0.0.1, ::1, localhost) for tests."
        )
    if parts.scheme not in (secure, plain):
        raise KrakenUsageError(f"base_url {url!r} must start with {secure}://.")
    if parts.query or parts.fragment:
        raise KrakenUsageError(f"base_url {url!r} must not carry a query or fragment.")
    return url.rstrip("/")

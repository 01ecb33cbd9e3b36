"""REST transports over httpx: a blocking ``httpx.Client`` and an ``httpx.AsyncClient``.

The async transport runs on asyncio and trio alike (httpx reaches the event loop through anyio).
Every httpx exception is translated into the SDK's error tree at this boundary.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from kraken.core.errors import KrakenTimeoutError, KrakenTransportError
from kraken.core.rest.values import Request, Response

__all__ = ["AsyncHttpxTransport", "HttpxTransport", "httpx_limits", "map_httpx_errors"]

DEFAULT_TIMEOUT = 30.0
"""Seconds for the whole request (connect is capped at 10 s), as Kraken's Rust SDK defaults."""


def httpx_limits(keep_alive: bool, keep_alive_msecs: int) -> httpx.Limits:
    """Connection-pool limits for the ``keep_alive``/``keep_alive_msecs`` client options."""
    return httpx.Limits(
        max_connections=100,
        max_keepalive_connections=20 if keep_alive else 0,
        keepalive_expiry=keep_alive_msecs / 1000 if keep_alive else 0.0,
    )


def _timeout(seconds: float | None) -> httpx.Timeout:
    connect = None if seconds is None else min(seconds, 10.0)
    return httpx.Timeout(seconds, connect=connect)


@contextmanager
def map_httpx_errors(request: Request, timeout: float | None) -> Iterator[None]:
    """Translate httpx, OS and TLS failures into :class:`KrakenTransportError` (no headers)."""
    where = request.endpoint or request.method
    try:
        yield
    except httpx.TimeoutException as exc:
        raise KrakenTimeoutError(
            f"{where}: no reply within {timeout} s ({type(exc).__name__}); raise timeout= or retry"
        ) from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ssl.SSLError, OSError) as exc:
        raise KrakenTransportError(f"{where}: request failed: {type(exc).__name__}: {exc}") from exc


def _client_options(
    timeout: float | None,
    proxy: str | None,
    keep_alive: bool,
    keep_alive_msecs: int,
    verify: bool | ssl.SSLContext,
) -> dict[str, Any]:
    """Keyword arguments shared by ``httpx.Client`` and ``httpx.AsyncClient``."""
    return {
        "timeout": _timeout(timeout),
        "proxy": proxy,
        "limits": httpx_limits(keep_alive, keep_alive_msecs),
        "verify": verify,
        # Redirects are not followed: a signed request must not be replayed elsewhere.
        "follow_redirects": False,
    }


def _response(raw: httpx.Response) -> Response:
    return Response(raw.status_code, {k.lower(): v for k, v in raw.headers.items()}, raw.content)


class HttpxTransport:
    """Blocking :class:`~kraken.ports.rest.RestTransport` over ``httpx.Client``.

    Args:
        timeout: seconds for a whole request; ``None`` waits forever.
        proxy: an ``http://``, ``https://`` or ``socks5://`` proxy URL.
        keep_alive: reuse connections between requests.
        keep_alive_msecs: how long an idle pooled connection is kept.
        verify: TLS verification; on by default (an ``ssl.SSLContext`` is accepted too).
        client: use this ``httpx.Client`` instead (its own settings then apply; it is closed
            with the transport).
    """

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        proxy: str | None = None,
        keep_alive: bool = True,
        keep_alive_msecs: int = 5000,
        verify: bool | ssl.SSLContext = True,
        client: httpx.Client | None = None,
    ) -> None:
        self._timeout = timeout
        self._client = client or httpx.Client(
            **_client_options(timeout, proxy, keep_alive, keep_alive_msecs, verify)
        )

    def send(self, request: Request) -> Response:
        """Send one request; every HTTP status comes back as a :class:`Response`."""
        with map_httpx_errors(request, self._timeout):
            raw = self._client.request(
                request.method, request.url, headers=request.headers, content=request.body or None
            )
        return _response(raw)

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()

    def __repr__(self) -> str:
        return f"HttpxTransport(timeout={self._timeout})"


class AsyncHttpxTransport:
    """Async :class:`~kraken.ports.rest.AsyncRestTransport` over ``httpx.AsyncClient``.

    Same arguments as :class:`HttpxTransport`; runs on asyncio and trio.
    """

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        proxy: str | None = None,
        keep_alive: bool = True,
        keep_alive_msecs: int = 5000,
        verify: bool | ssl.SSLContext = True,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._timeout = timeout
        self._client = client or httpx.AsyncClient(
            **_client_options(timeout, proxy, keep_alive, keep_alive_msecs, verify)
        )

    async def send(self, request: Request) -> Response:
        """Send one request; every HTTP status comes back as a :class:`Response`."""
        with map_httpx_errors(request, self._timeout):
            raw = await self._client.request(
                request.method, request.url, headers=request.headers, content=request.body or None
            )
        return _response(raw)

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._client.aclose()

    def __repr__(self) -> str:
        return f"AsyncHttpxTransport(timeout={self._timeout})"

"""Lean blocking REST transport: HTTP/1.1 spoken by the SDK's own codec over stdlib sockets.

The blocking twin of :mod:`kraken.adapters.http1_anyio` (same codec, same pool rules). On
loopback a signed call through it costs about what ``http.client`` costs, well under
``httpx.Client`` (bench B8). Proxies are not spoken here: with ``proxy=`` the clients use the
httpx transport instead.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time

from kraken.adapters.http1_common import (
    CONNECT_CAP,
    DEFAULT_TIMEOUT,
    IdlePool,
    tls_context,
    translated_error,
)
from kraken.core.http1 import Origin, ResponseReader, request_head, split_url
from kraken.core.rest.values import Request, Response

__all__ = ["SocketHttpTransport"]

_READ_SIZE = 65536


class _Connection:
    __slots__ = ("since", "socket")

    def __init__(self, sock: socket.socket) -> None:
        self.socket = sock
        self.since = 0.0


class SocketHttpTransport:
    """Blocking :class:`~kraken.ports.rest.RestTransport` speaking HTTP/1.1 over sockets.

    Args:
        timeout: seconds for a whole request (connect capped at 10 s); ``None`` waits forever.
        keep_alive: reuse connections between requests.
        keep_alive_msecs: how long an idle pooled connection is kept.
        verify: TLS verification; on by default (an ``ssl.SSLContext`` is accepted too).

    Thread-safe: each request takes a connection of its own from the pool.
    """

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        keep_alive: bool = True,
        keep_alive_msecs: int = 5000,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        self._timeout = timeout
        self._keep_alive = keep_alive
        self._verify = verify
        self._tls: ssl.SSLContext | None = None  # built on the first https request (~10 ms)
        self._pool: IdlePool[_Connection] = IdlePool(keep_alive_msecs / 1000)

    def send(self, request: Request) -> Response:
        """Send one request; every HTTP status comes back as a :class:`Response`."""
        origin, target = split_url(request.url)
        body = request.body
        data = request_head(request.method, target, origin.authority, request.headers, len(body))
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        connection: _Connection | None = None
        reader = ResponseReader(request.method)
        try:
            connection = self._checkout(origin)
            sock = connection.socket
            sock.settimeout(_left(deadline))
            sock.sendall(data + body if body else data)
            response: Response | None = None
            while response is None:
                sock.settimeout(_left(deadline))
                chunk = sock.recv(_READ_SIZE)
                response = reader.feed(chunk) if chunk else reader.end_of_stream()
        except BaseException as exc:
            if connection is not None:
                _discard(connection.socket)
            error = translated_error(exc, request, self._timeout, (OSError,))
            if error is exc:
                raise
            raise error from exc
        to_close = (
            self._pool.give(origin, connection)
            if reader.reusable and self._keep_alive
            else connection
        )
        if to_close is not None:
            _discard(to_close.socket)
        return response

    def _checkout(self, origin: Origin) -> _Connection:
        """A pooled connection to ``origin`` that is still fresh, or a new one."""
        connection, stale = self._pool.take(origin)
        for old in stale:
            _discard(old.socket)
        return connection or _Connection(self._connect(origin))

    def _connect(self, origin: Origin) -> socket.socket:
        connect_timeout = None if self._timeout is None else min(self._timeout, CONNECT_CAP)
        sock = socket.create_connection((origin.host, origin.port), timeout=connect_timeout)
        try:
            # Requests are small and written at once: do not hold them back (Nagle).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if origin.scheme == "https":
                if self._tls is None:
                    self._tls = tls_context(self._verify)
                return self._tls.wrap_socket(sock, server_hostname=origin.host)
        except BaseException:
            sock.close()
            raise
        return sock

    def close(self) -> None:
        """Close pooled connections."""
        for connection in self._pool.drain():
            _discard(connection.socket)

    def __repr__(self) -> str:
        return f"SocketHttpTransport(timeout={self._timeout})"


def _left(deadline: float | None) -> float | None:
    """Seconds left before ``deadline`` (None: no limit); raises once it has passed."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _discard(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()

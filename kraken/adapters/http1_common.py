"""What the two lean HTTP/1.1 transports share: defaults, TLS context, idle check, errors."""

from __future__ import annotations

import select
import ssl
import threading
import time
from typing import Any, Generic, Protocol, TypeVar

from kraken.core.errors import KrakenTimeoutError, KrakenTransportError
from kraken.core.http1 import Origin
from kraken.core.rest.values import Request

__all__ = [
    "CONNECT_CAP",
    "DEFAULT_TIMEOUT",
    "MAX_IDLE_PER_ORIGIN",
    "IdlePool",
    "peer_has_spoken",
    "tls_context",
    "translated_error",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds for the whole request (connect is capped at 10 s), as Kraken's Rust SDK defaults."""

CONNECT_CAP = 10.0
"""The most seconds a connection attempt may take, whatever the request timeout."""

MAX_IDLE_PER_ORIGIN = 20
"""Idle connections kept per origin; the oldest beyond this are closed."""


def tls_context(verify: bool | ssl.SSLContext) -> ssl.SSLContext:
    """The TLS context for ``verify``: the system's trust store, none, or the one given."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["http/1.1"])
    return context


def peer_has_spoken(sock: Any) -> bool:
    """True when an idle socket is readable: the server closed it (or sent unasked bytes).

    A pooled connection the server has closed while it sat idle would swallow the next
    request; it is dropped before use instead (one ``select`` with no wait, as httpcore does).
    """
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):  # closed underneath us
        return True
    return bool(readable)


def translated_error(
    exc: BaseException,
    request: Request,
    timeout: float | None,
    link_errors: tuple[type[BaseException], ...],
) -> BaseException:
    """The SDK error for a failure while sending (cancellation and the SDK's own errors pass).

    ``link_errors`` are the I/O library's errors of a failed connection (``OSError`` covers
    ``ssl.SSLError`` and refused or reset connections).
    """
    where = request.endpoint or request.method
    if isinstance(exc, KrakenTransportError):
        return exc
    if isinstance(exc, TimeoutError):  # socket.timeout and anyio's fail_after alike
        return KrakenTimeoutError(f"{where}: no reply within {timeout} s; raise timeout= or retry")
    if isinstance(exc, link_errors):
        return KrakenTransportError(f"{where}: request failed: {type(exc).__name__}: {exc}")
    return exc


class Pooled(Protocol):
    """What the pool needs of a connection: its OS socket (or None) and when it went idle."""

    socket: Any
    since: float


C = TypeVar("C", bound=Pooled)


class IdlePool(Generic[C]):
    """The idle keep-alive connections of one transport, per origin, and the rules for them.

    A connection is handed out again only while it has been idle at most ``idle_seconds`` and
    the server has not closed it; at most :data:`MAX_IDLE_PER_ORIGIN` wait per origin (the
    oldest beyond that are let go). The pool never closes anything itself: it returns what the
    transport must close, so the sync and async transports close in their own way. Safe to
    share between threads (a lock held only around dict and list operations).
    """

    def __init__(self, idle_seconds: float) -> None:
        self._idle_seconds = idle_seconds
        self._idle: dict[Origin, list[C]] = {}
        self._lock = threading.Lock()

    def take(self, origin: Origin) -> tuple[C | None, list[C]]:
        """A fresh idle connection to ``origin`` (or None), and the stale ones to close."""
        stale: list[C] = []
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(origin)
                candidate = idle.pop() if idle else None
            if candidate is None:
                return None, stale
            if now - candidate.since <= self._idle_seconds and not peer_has_spoken(
                candidate.socket
            ):
                return candidate, stale
            stale.append(candidate)

    def give(self, origin: Origin, connection: C) -> C | None:
        """Keep ``connection`` for reuse; returns the oldest one to close if there are too many."""
        connection.since = time.monotonic()
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            idle.append(connection)
            return idle.pop(0) if len(idle) > MAX_IDLE_PER_ORIGIN else None

    def drain(self) -> list[C]:
        """Every idle connection, removed from the pool (to close them all)."""
        with self._lock:
            idle, self._idle = self._idle, {}
        return [connection for connections in idle.values() for connection in connections]

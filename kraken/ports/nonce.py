"""The nonce-source port, for keys shared between processes or machines."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol, runtime_checkable

__all__ = ["NonceSource", "RequestGate"]


@runtime_checkable
class NonceSource(Protocol):
    """Hands out strictly increasing nonces for one API key.

    The SDK already guarantees increasing nonces within one process (threads and tasks alike).
    Plug a source backed by a shared store (an atomic Redis ``INCR`` seeded from the time, a
    file lock, a database sequence) when several processes sign with the same key. The method
    may be a coroutine function when used with an async client.
    """

    def next_nonce(self, key_fingerprint: str, now_ns: int) -> int | Awaitable[int]:
        """Return a nonce greater than every nonce handed out before for this key.

        Args:
            key_fingerprint: 16 hex chars naming the key (never the key itself).
            now_ns: the current time in nanoseconds (or the scaled ``custom_timestamp_fn``).
        """
        ...


@runtime_checkable
class RequestGate(Protocol):
    """Optional second capability of a nonce source: one signed request per key at a time.

    A shared nonce sequence keeps nonces unique, but two processes can still *send* theirs in
    the other order, and Kraken refuses the older one unless the key has a nonce window. When
    the ``nonce_source`` also has these two methods, a client holds the key from taking its
    nonce until the reply is back, so no request of another process can overtake it. The cost
    is that the processes' private calls on that key no longer overlap.

    The client never blocks on it: it calls :meth:`try_hold` and, while that says no, sleeps a
    millisecond and tries again (so an event loop keeps running).
    """

    def try_hold(self, key_fingerprint: str) -> bool:
        """Take the key for one request if no other holder has it; never wait."""
        ...

    def release(self, key_fingerprint: str) -> None:
        """Give the key back (called once per successful :meth:`try_hold`)."""
        ...

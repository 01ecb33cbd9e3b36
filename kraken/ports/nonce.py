"""The nonce-source port, for keys shared between processes or machines."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol, runtime_checkable

__all__ = ["NonceSource"]


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

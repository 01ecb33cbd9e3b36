"""Process-wide nonce state and ordering gates, one per API key.

Kraken rejects a nonce that is not greater than the last one it *processed* for a key. Two
things are needed for that to hold under threads and tasks:

1. the values are strictly increasing across the process: one :class:`NonceFloor` per key,
   advanced under a ``threading.Lock`` that is never held across I/O;
2. requests arrive in nonce order: a per-key gate is held from taking the nonce until the reply
   has come back, so a later nonce cannot overtake an earlier one on another connection. The
   gate is one ``threading.Lock`` per key for the whole process; async callers queue first on
   an ``anyio.Lock`` per key and event loop, then try that lock without blocking the loop
   (``KeyGate`` in ``_async/support.py``), so sync threads and async tasks share one order.

The gate serialises private calls on one key. Kraken's own limits (a REST counter of 15-20 with
a decay of 0.33-1 per second) make that free in practice; keys shared across processes need a
:class:`~kraken.ports.nonce.NonceSource` and a nonce window on the key.
"""

from __future__ import annotations

import threading

from kraken.core.auth.nonce import NonceFloor

__all__ = ["KeyState", "key_state"]


class KeyState:
    """The nonce floor and the sync ordering gate of one API key."""

    __slots__ = ("floor", "gate", "lock")

    def __init__(self) -> None:
        self.floor = NonceFloor()
        self.lock = threading.Lock()
        self.gate = threading.Lock()

    def next_nonce(self, now_ns: int) -> int:
        """The next strictly increasing nonce for this key (thread-safe)."""
        with self.lock:
            return self.floor.next(now_ns)

    def observe(self, nonce: int) -> None:
        """Raise the floor to ``nonce`` (a value handed out by a plugged NonceSource)."""
        with self.lock:
            if nonce > self.floor.last:
                self.floor.last = nonce


_registry: dict[str, KeyState] = {}
_registry_lock = threading.Lock()


def key_state(fingerprint: str) -> KeyState:
    """The process-wide state for the key with this fingerprint (created on first use)."""
    state = _registry.get(fingerprint)
    if state is None:
        with _registry_lock:
            state = _registry.setdefault(fingerprint, KeyState())
    return state

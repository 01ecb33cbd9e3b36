"""Process-wide nonce state and ordering gates, one per API key.

Kraken rejects a nonce that is not greater than the last one it *processed* for a key. Two
things are needed for that to hold under threads and tasks:

1. the values are strictly increasing across the process: one :class:`NonceFloor` per key,
   advanced only by the holder of the key's gate (below), so it needs no lock of its own;
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
    """The nonce floor and the process-wide ordering gate of one API key.

    Every sync and async caller takes a nonce only while holding ``gate`` (the async ``KeyGate``
    holds it too), which is what makes the floor safe without a lock of its own.
    """

    __slots__ = ("fingerprint", "floor", "gate", "next_nonce")

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.floor = NonceFloor()
        self.gate = threading.Lock()
        #: ``next_nonce(now_ns)``: the next strictly increasing nonce; call it holding ``gate``.
        self.next_nonce = self.floor.next

    def observe(self, nonce: int) -> None:
        """Raise the floor to ``nonce`` (from a plugged NonceSource); call it holding ``gate``."""
        if nonce > self.floor.last:
            self.floor.last = nonce


_registry: dict[str, KeyState] = {}
_registry_lock = threading.Lock()


def key_state(fingerprint: str) -> KeyState:
    """The process-wide state for the key with this fingerprint (created on first use)."""
    state = _registry.get(fingerprint)
    if state is None:
        with _registry_lock:
            state = _registry.setdefault(fingerprint, KeyState(fingerprint))
    return state

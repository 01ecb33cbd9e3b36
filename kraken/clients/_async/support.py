"""Async primitives the REST base is written against; ``_sync/support.py`` is their blocking twin.

These few functions are the only hand-written sync/async pair: everything built on them is
generated (``tools/codegen.py``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable
from typing import TypeVar

import anyio
import anyio.lowlevel

__all__ = ["key_gate", "resolve"]

T = TypeVar("T")

_gates: dict[tuple[str, anyio.lowlevel.EventLoopToken], anyio.Lock] = {}
_gates_lock = threading.Lock()
_MAX_IDLE_GATES = 256


async def resolve(value: T | Awaitable[T]) -> T:
    """Await ``value`` if it is awaitable (an async signer or nonce source), else return it."""
    if inspect.isawaitable(value):
        return await value
    return value


def key_gate(fingerprint: str) -> anyio.Lock:
    """The ordering gate for one key in the running event loop (asyncio or trio)."""
    token = anyio.lowlevel.current_token()
    key = (fingerprint, token)
    gate = _gates.get(key)
    if gate is None:
        with _gates_lock:
            if len(_gates) >= _MAX_IDLE_GATES:
                # Forget gates nobody holds (typically of event loops that have ended).
                for stale in [k for k, g in _gates.items() if not g.locked()]:
                    del _gates[stale]
            gate = _gates.setdefault(key, anyio.Lock())
    return gate

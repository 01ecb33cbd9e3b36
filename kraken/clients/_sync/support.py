"""Blocking twins of ``_async/support.py``: the primitives the generated sync clients use."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable
from typing import TypeVar

import anyio
import anyio.lowlevel

from kraken.clients.nonces import key_state
from kraken.core.errors import KrakenUsageError

__all__ = ["key_gate", "resolve"]

T = TypeVar("T")


def resolve(value: T | Awaitable[T]) -> T:
    """Return ``value``; an awaitable (an async signer) is run to completion on a fresh loop.

    A sync client can use an async ``custom_sign_message_fn`` from plain threads. Inside a
    running event loop that would block the loop, so it is refused with a pointer to the async
    client.
    """
    if not inspect.isawaitable(value):
        return value
    try:
        anyio.lowlevel.current_token()
    except RuntimeError:  # no event loop runs in this thread: safe to start one
        pass
    else:
        if inspect.iscoroutine(value):
            value.close()
        raise KrakenUsageError(
            "An async signer or nonce source was used by a sync client inside a running event "
            "loop; use the Async client there (e.g. AsyncSpotClient)."
        )

    async def wait() -> T:
        return await value

    return anyio.run(wait)


def key_gate(fingerprint: str) -> threading.Lock:
    """The process-wide ordering gate for one key, shared by every thread."""
    return key_state(fingerprint).gate

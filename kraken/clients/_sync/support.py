"""Blocking twins of ``_async/support.py``: the primitives the generated sync clients use."""

from __future__ import annotations

import inspect
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import anyio.lowlevel

from kraken.clients.nonces import KeyState
from kraken.core.errors import KrakenUsageError

__all__ = ["Group", "Mailbox", "Waiter", "Wakeup", "key_gate", "new_lock", "resolve"]

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


def sleep(seconds: float, clock: object = None) -> None:
    """Block for ``seconds`` (a rate-limit or retry wait).

    A ``clock`` with a ``sleep(seconds)`` method (a test's virtual clock) does the waiting
    instead; an awaitable it returns is run as :func:`resolve` runs one.
    """
    custom = getattr(clock, "sleep", None)
    if callable(custom):
        resolve(custom(seconds))
        return
    time.sleep(seconds)


def key_gate(key: KeyState) -> threading.Lock:
    """The process-wide ordering gate for one key, shared by every thread."""
    return key.gate


class Group:
    """Where background pumps run: daemon threads, joined (bounded) on close."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def open(self) -> None:
        """Nothing to enter: threads start on demand."""

    def start_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` in a daemon thread."""
        thread = threading.Thread(target=fn, args=args, daemon=True, name="kraken-ws-pump")
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def close(self) -> None:
        """Wait (at most a few seconds) for the pumps to finish."""
        deadline = time.monotonic() + 5.0
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []


class Wakeup:
    """Lets a sleeping pump be woken early (a subscribe, a close)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        """Wake the waiter."""
        self._event.set()

    def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds, or until :meth:`set`."""
        self._event.wait(timeout)
        self._event.clear()


class Mailbox:
    """A bounded queue of messages for ``for message in ws`` iteration."""

    def __init__(self, size: int) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(size)

    def put_nowait(self, item: Any) -> bool:
        """Queue ``item``; False (dropped) when the consumer lags ``size`` items behind."""
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            return False
        return True

    def get(self) -> Any:
        """The next item (blocks)."""
        return self._queue.get()


def new_lock() -> threading.Lock:
    """A lock shared by the pump thread and the caller's threads."""
    return threading.Lock()


class Waiter:
    """One reply awaited by a caller's thread, set by the pump thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        """Wake the caller."""
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when :meth:`set` was called."""
        return self._event.wait(timeout)

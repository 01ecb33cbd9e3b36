"""Async primitives the REST base is written against; ``_sync/support.py`` is their blocking twin.

These few functions are the only hand-written sync/async pair: everything built on them is
generated (``tools/codegen.py``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import anyio
import anyio.abc
import anyio.lowlevel

from kraken.clients.nonces import key_state
from kraken.core.errors import KrakenUsageError

__all__ = ["Group", "Mailbox", "Waiter", "Wakeup", "key_gate", "new_lock", "resolve"]

T = TypeVar("T")

_gates: dict[tuple[str, anyio.lowlevel.EventLoopToken], KeyGate] = {}
_gates_lock = threading.Lock()
_MAX_IDLE_GATES = 256


async def resolve(value: T | Awaitable[T]) -> T:
    """Await ``value`` if it is awaitable (an async signer or nonce source), else return it."""
    if inspect.isawaitable(value):
        return await value
    return value


async def sleep(seconds: float, clock: object = None) -> None:
    """Wait ``seconds`` (a rate-limit or retry wait); cancellable like any anyio sleep.

    A ``clock`` with a ``sleep(seconds)`` method (a test's virtual clock) does the waiting
    instead; it may return an awaitable.
    """
    custom = getattr(clock, "sleep", None)
    if callable(custom):
        result = custom(seconds)
        if inspect.isawaitable(result):
            await result
        else:
            await anyio.lowlevel.checkpoint()
        return
    await anyio.sleep(seconds)


class KeyGate:
    """The ordering gate of one key for async callers.

    First among the tasks of this event loop (an anyio lock), then against every other thread
    of the process (the key's ``threading.Lock``, shared with sync clients and other loops).

    The process-wide lock is only ever *tried* from the event loop, never waited on, so the
    loop cannot block; while a thread holds it the task polls every millisecond, which also
    keeps cancellation safe (nothing is acquired on behalf of a cancelled task).
    """

    __slots__ = ("_local", "_process")

    def __init__(self, local: anyio.Lock, process: threading.Lock) -> None:
        self._local = local
        self._process = process

    async def __aenter__(self) -> None:
        await self._local.acquire()
        try:
            while not self._process.acquire(blocking=False):
                await anyio.sleep(0.001)
        except BaseException:
            self._local.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._process.release()
        self._local.release()


def key_gate(fingerprint: str) -> KeyGate:
    """The ordering gate for one key in the running event loop (asyncio or trio)."""
    token = anyio.lowlevel.current_token()
    key = (fingerprint, token)
    gate = _gates.get(key)
    if gate is None:
        with _gates_lock:
            if len(_gates) >= _MAX_IDLE_GATES:
                # Forget gates nobody holds (typically of event loops that have ended).
                for stale in [k for k, g in _gates.items() if not g._local.locked()]:
                    del _gates[stale]
            # fast_acquire: an uncontended acquire does not yield to the loop (bench/: 7.7 us
            # -> 2 us per call on asyncio); fairness under contention is unchanged.
            local = anyio.Lock(fast_acquire=True)
            gate = _gates.setdefault(key, KeyGate(local, key_state(fingerprint).gate))
    return gate


class Group:
    """Where background pumps run: an anyio task group entered by ``async with`` on the client."""

    def __init__(self) -> None:
        self._group: anyio.abc.TaskGroup | None = None

    async def open(self) -> None:
        """Enter the task group."""
        group = anyio.create_task_group()
        await group.__aenter__()
        self._group = group

    def start_soon(self, fn: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> None:
        """Run ``fn(*args)`` in the background."""
        if self._group is None:
            raise KrakenUsageError(
                "Use the async client as a context manager so it can run its connections: "
                "`async with AsyncWebsocketClient(...) as ws:`."
            )
        self._group.start_soon(fn, *args)

    async def close(self) -> None:
        """Cancel what still runs and leave the task group."""
        group, self._group = self._group, None
        if group is not None:
            group.cancel_scope.cancel()
            await group.__aexit__(None, None, None)


class Wakeup:
    """Lets a sleeping pump be woken early (a subscribe, a close)."""

    def __init__(self) -> None:
        self._event = anyio.Event()

    def set(self) -> None:
        """Wake the waiter."""
        self._event.set()

    async def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds, or until :meth:`set`."""
        with anyio.move_on_after(timeout):
            await self._event.wait()
        self._event = anyio.Event()


class Mailbox:
    """An unbounded-by-default queue of messages for ``async for`` iteration."""

    def __init__(self, size: int) -> None:
        self._send, self._receive = anyio.create_memory_object_stream[Any](size)

    def put_nowait(self, item: Any) -> bool:
        """Queue ``item``; False (dropped) when the consumer lags ``size`` items behind."""
        try:
            self._send.send_nowait(item)
        except anyio.WouldBlock:
            return False
        return True

    async def get(self) -> Any:
        """The next item."""
        return await self._receive.receive()


def new_lock() -> threading.Lock:
    """The lock around a WebSocket session's methods (``with lock:``, never across an await).

    The same ``threading.Lock`` as the sync twin: the sections it guards are synchronous, so on
    an event loop it is never contended and costs ~50 ns, where an ``anyio.Lock`` cost a
    cancellation check, and without ``fast_acquire`` two loop turns, per message (bench B5).
    """
    return threading.Lock()


class Waiter:
    """One reply awaited by a caller, set by the pump (WS request/response correlation)."""

    def __init__(self) -> None:
        self._event = anyio.Event()

    def set(self) -> None:
        """Wake the caller."""
        self._event.set()

    async def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when :meth:`set` was called."""
        with anyio.move_on_after(timeout):
            await self._event.wait()
        return self._event.is_set()

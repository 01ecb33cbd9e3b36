"""Async primitives the REST base is written against; ``_sync/support.py`` is their blocking twin.

These few functions are the only hand-written sync/async pair: everything built on them is
generated (``tools/codegen.py``).
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import anyio
import anyio.abc
import anyio.lowlevel

from kraken.clients.nonces import KeyState
from kraken.core.errors import KrakenUsageError

__all__ = ["Group", "Mailbox", "Waiter", "Wakeup", "key_gate", "new_lock", "resolve"]

T = TypeVar("T")

_gates: dict[tuple[str, object], KeyGate] = {}
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


def _loop_key() -> object:
    """What identifies the running event loop, cheaply (this runs on every private call).

    ``anyio.lowlevel.current_token()`` costs ~1.5 us on asyncio (it asks sniffio, which looks up
    the current task); the running asyncio loop itself is one C call. A trio task (native, or
    trio in guest mode on an asyncio loop, where no asyncio task runs) is keyed by its trio
    token; anything else by anyio's token.
    """
    loop = asyncio._get_running_loop()
    if loop is not None and asyncio.current_task(loop) is not None:
        return loop
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            return trio.lowlevel.current_trio_token()
        except RuntimeError:  # not inside trio
            pass
    return anyio.lowlevel.current_token()


class KeyGate:
    """The ordering gate of one key for the async callers of one event loop.

    First a FIFO among the tasks of this loop, then the key's process-wide ``threading.Lock``
    (shared with sync clients and other loops). The FIFO is a flag plus a queue of events that
    hands the gate to the next waiter on release: a free gate is taken without any call into
    the event loop (``anyio.Lock`` costs ~2 us there: two current-task lookups and a
    cancellation check). A cancelled waiter that was already handed the gate passes it on.

    The process-wide lock is only ever *tried* from the event loop, never waited on, so the
    loop cannot block; while a thread holds it the task polls every millisecond, which also
    keeps cancellation safe (nothing is acquired on behalf of a cancelled task).
    """

    __slots__ = ("_busy", "_process", "_waiters")

    def __init__(self, process: threading.Lock) -> None:
        self._busy = False
        self._waiters: deque[anyio.Event] = deque()
        self._process = process

    def locked(self) -> bool:
        """True while a task holds the gate (or it is being handed to the next waiter)."""
        return self._busy

    async def __aenter__(self) -> None:
        await self._enter_local()
        try:
            while not self._process.acquire(blocking=False):
                await anyio.sleep(0.001)
        except BaseException:
            self._leave_local()
            raise

    async def _enter_local(self) -> None:
        if not self._busy:
            self._busy = True
            return
        turn = anyio.Event()
        self._waiters.append(turn)
        try:
            await turn.wait()
        except BaseException:
            if turn.is_set():
                self._leave_local()  # it was handed to us as we were cancelled: pass it on
            else:
                self._waiters.remove(turn)
            raise

    def _leave_local(self) -> None:
        if self._waiters:
            self._waiters.popleft().set()  # stays busy: the next waiter owns it now
        else:
            self._busy = False

    async def __aexit__(self, *exc_info: object) -> None:
        self._process.release()
        self._leave_local()


def key_gate(state: KeyState) -> KeyGate:
    """The ordering gate for one key in the running event loop (asyncio or trio)."""
    key = (state.fingerprint, _loop_key())
    gate = _gates.get(key)
    if gate is None:
        with _gates_lock:
            if len(_gates) >= _MAX_IDLE_GATES:
                # Forget gates nobody holds (typically of event loops that have ended).
                for stale in [k for k, g in _gates.items() if not g.locked()]:
                    del _gates[stale]
            gate = _gates.setdefault(key, KeyGate(state.gate))
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

"""The async key gate: FIFO among a loop's tasks, cancellation never loses or leaks the gate."""

from __future__ import annotations

import threading

import anyio
import pytest

from kraken.clients._async.support import KeyGate, key_gate
from kraken.clients.nonces import key_state

pytestmark = pytest.mark.anyio


async def test_waiters_get_the_gate_in_arrival_order() -> None:
    gate = KeyGate(threading.Lock())
    order: list[int] = []

    async def take(n: int) -> None:
        async with gate:
            order.append(n)
            await anyio.sleep(0.001)

    async with anyio.create_task_group() as group:
        for n in range(8):
            group.start_soon(take, n)
            await anyio.sleep(0)  # queue them in this order
    assert order == list(range(8))
    assert not gate.locked()


async def test_a_cancelled_waiter_leaves_the_queue_and_the_next_one_proceeds() -> None:
    gate = KeyGate(threading.Lock())
    got: list[str] = []
    release = anyio.Event()
    cancelled = anyio.CancelScope()

    async def holder() -> None:
        async with gate:
            await release.wait()

    async def waiter(name: str) -> None:
        async with gate:
            got.append(name)

    async def cancellable() -> None:
        with cancelled:
            await waiter("cancelled")

    async with anyio.create_task_group() as group:
        group.start_soon(holder)
        await anyio.sleep(0.01)
        group.start_soon(cancellable)
        await anyio.sleep(0.01)
        group.start_soon(waiter, "next")
        await anyio.sleep(0.01)
        cancelled.cancel()  # while it waits in the queue
        await anyio.sleep(0.01)
        release.set()
    assert got == ["next"]
    assert not gate.locked()


def test_a_waiter_cancelled_as_it_is_handed_the_gate_passes_it_on() -> None:
    # asyncio only: a raw Task.cancel() between the hand-over and the waiter's next step makes
    # the wait raise although the gate is already the waiter's (trio has no such window).
    import asyncio

    async def main() -> None:
        gate = KeyGate(threading.Lock())
        got: list[str] = []

        async def enter(name: str) -> None:
            async with gate:
                got.append(name)

        await gate.__aenter__()
        second = asyncio.create_task(enter("second"))
        await asyncio.sleep(0)
        third = asyncio.create_task(enter("third"))
        await asyncio.sleep(0)
        await gate.__aexit__(None, None, None)  # hands the gate to `second`
        second.cancel()  # before it runs again
        await asyncio.wait_for(asyncio.gather(second, third, return_exceptions=True), 5)
        assert second.cancelled()
        assert got == ["third"]
        assert not gate.locked()

    asyncio.run(main())


async def test_a_thread_holding_the_key_keeps_tasks_out_until_it_lets_go() -> None:
    process = threading.Lock()
    gate = KeyGate(process)
    process.acquire()
    entered = anyio.Event()

    async def task() -> None:
        async with gate:
            entered.set()

    async with anyio.create_task_group() as group:
        group.start_soon(task)
        await anyio.sleep(0.02)
        assert not entered.is_set()
        process.release()
        with anyio.fail_after(2):
            await entered.wait()
    assert not process.locked()


async def test_one_gate_per_key_and_event_loop() -> None:
    assert key_gate(key_state("fingerprint-a")) is key_gate(key_state("fingerprint-a"))
    assert key_gate(key_state("fingerprint-a")) is not key_gate(key_state("fingerprint-b"))


def test_each_event_loop_gets_its_own_gate(anyio_backend: str) -> None:
    async def gate_of_this_loop() -> KeyGate:
        return key_gate(key_state("fingerprint-loops"))

    first = anyio.run(gate_of_this_loop, backend=anyio_backend)
    second = anyio.run(gate_of_this_loop, backend=anyio_backend)
    assert first is not second

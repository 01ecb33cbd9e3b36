"""Many private calls at once on one key never reach the server out of nonce order.

The server is a real loopback HTTP server whose verifier (its own code, not our signer) checks
every signature and rejects any nonce not greater than the last accepted one for the key.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
import uuid
from collections.abc import Iterator

import anyio
import httpx
import pytest

from kraken import AsyncSpotClient, KrakenError, SpotClient
from kraken.testing import LoopbackServer, nonce_book, spot_stub_app
from kraken.testing.verify import expected_spot_signature

SECRET = base64.b64encode(bytes(range(1, 65))).decode()

pytestmark = pytest.mark.loopback


@pytest.fixture
def exchange() -> Iterator[tuple[str, str, object]]:
    """A strict-nonce stub on loopback, for a key no other test uses."""
    key = f"concurrency-{uuid.uuid4().hex}"
    app = spot_stub_app({key: SECRET})
    with LoopbackServer(app) as server:
        yield server.url, key, app


def _assert_strict(app: object, key: str, expected: int) -> None:
    history = nonce_book(app).history(key)  # type: ignore[arg-type]
    assert len(history) == expected
    assert all(b > a for a, b in itertools.pairwise(history))


def test_threads_on_one_key_never_send_a_stale_nonce(exchange: tuple[str, str, object]) -> None:
    url, key, app = exchange
    errors: list[BaseException] = []
    threads_n, calls_each = 8, 25

    def worker(client: SpotClient) -> None:
        for _ in range(calls_each):
            try:
                client.get_account_balance()
            except KrakenError as exc:  # pragma: no cover - the assertion below reports it
                errors.append(exc)

    # Two client instances on the same key: the gate and the nonce floor are per key.
    with (
        SpotClient(api_key=key, api_secret=SECRET, base_url=url, rate_limit="off") as first,
        SpotClient(api_key=key, api_secret=SECRET, base_url=url, rate_limit="off") as second,
    ):
        threads = [
            threading.Thread(target=worker, args=((first, second)[i % 2],))
            for i in range(threads_n)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert time.monotonic() - started < 60
    assert errors == []
    _assert_strict(app, key, threads_n * calls_each)


@pytest.mark.anyio
async def test_tasks_on_one_key_never_send_a_stale_nonce(exchange: tuple[str, str, object]) -> None:
    url, key, app = exchange
    errors: list[BaseException] = []
    tasks_n = 200

    async with AsyncSpotClient(
        api_key=key, api_secret=SECRET, base_url=url, rate_limit="off"
    ) as client:

        async def one() -> None:
            try:
                await client.get_open_orders()
            except KrakenError as exc:  # pragma: no cover - the assertion below reports it
                errors.append(exc)

        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for _ in range(tasks_n):
                    group.start_soon(one)
    assert errors == []
    _assert_strict(app, key, tasks_n)


def test_the_server_really_rejects_out_of_order_nonces(exchange: tuple[str, str, object]) -> None:
    """Control: the check above can fail. Two signed requests sent in reverse nonce order."""
    url, key, _ = exchange
    path = "/0/private/Balance"
    results = []
    with httpx.Client(base_url=url) as http:
        for nonce in (2_000, 1_000):
            body = f'{{"nonce":{nonce}}}'.encode()
            headers = {
                "API-Key": key,
                "API-Sign": expected_spot_signature(SECRET, path, nonce, body),
                "Content-Type": "application/json",
            }
            results.append(http.post(path, content=body, headers=headers).json())
    assert results[0]["error"] == []
    assert results[1]["error"] == ["EAPI:Invalid nonce"]


def hammer_one_key(
    url: str,
    key: str,
    *,
    thread_calls: int,
    secret: str = SECRET,
    threads: int = 8,
    tasks: int = 200,
) -> list[BaseException]:
    """``threads`` sync clients (``thread_calls`` each) and ``tasks`` async calls at once, all on
    ``key``; the SDK errors they met (shared with the reliability suite)."""
    errors: list[BaseException] = []

    def worker() -> None:
        with SpotClient(api_key=key, api_secret=secret, base_url=url, rate_limit="off") as client:
            for _ in range(thread_calls):
                try:
                    client.get_account_balance()
                except KrakenError as exc:  # pragma: no cover - reported by the caller
                    errors.append(exc)

    async def run_tasks() -> None:
        async with AsyncSpotClient(
            api_key=key, api_secret=secret, base_url=url, rate_limit="off"
        ) as client:

            async def one() -> None:
                try:
                    await client.get_open_orders()
                except KrakenError as exc:  # pragma: no cover - reported by the caller
                    errors.append(exc)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    for _ in range(tasks):
                        group.start_soon(one)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    anyio.run(run_tasks)
    for thread in workers:
        thread.join(timeout=60)
    return errors


def test_threads_and_tasks_together_on_one_key(exchange: tuple[str, str, object]) -> None:
    """8 sync threads and 200 async tasks at the same time: sync and async gates are one."""
    url, key, app = exchange
    errors = hammer_one_key(url, key, thread_calls=15)
    assert errors == []
    _assert_strict(app, key, 8 * 15 + 200)

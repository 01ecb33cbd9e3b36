"""The SDK's WebsocketClient / AsyncWebsocketClient against the fake, in memory and on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from kraken import AsyncSpotClient, AsyncWebsocketClient, SpotClient, WebsocketClient
from kraken.adapters.clock import SystemClock
from kraken.testing.fake import (
    FAKE_FUTURES_KEY,
    FAKE_FUTURES_SECRET,
    FakeKraken,
    FakeKrakenServer,
)

from .helpers import ReferenceBook, new_secret

FAST = {"ping_interval": 0.5, "pong_timeout": 0.5}
BOOK = {"topic": "book", "payload": {"symbol": ["BTC/USD"], "depth": 10}}


class Seen:
    """Every event of a client, thread-safely."""

    def __init__(self, client: Any, events: tuple[str, ...]) -> None:
        self.lock = threading.Lock()
        self.items: list[tuple[str, Any]] = []
        for event in events:
            client.on(event, self._handler(event))

    def _handler(self, event: str) -> Callable[[Any], None]:
        def handle(data: Any) -> None:
            with self.lock:
                self.items.append((event, data))

        return handle

    def of(self, event: str, channel: str | None = None) -> list[Any]:
        with self.lock:
            return [
                data
                for name, data in self.items
                if name == event and (channel is None or data.get("channel") == channel)
            ]


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def check_books(messages: list[dict[str, Any]]) -> int:
    """Replay book messages (a fresh book per snapshot); every checksum must match."""
    book = ReferenceBook(10)
    for message in messages:
        mine, sent = book.apply(message)
        assert mine == sent
    return len(messages)


def test_sync_client_in_memory_books_executions_and_a_reconnect() -> None:
    key, secret = "wsclient-sync", new_secret("wsclient-sync")
    fake = FakeKraken(seed=1, keys={key: secret}, clock=SystemClock(), step_interval=0.02)
    rest = SpotClient(api_key=key, api_secret=secret, transport=fake.transport())
    ws = WebsocketClient(api_key=key, api_secret=secret, connector=fake.ws_connector(),
                         rest_client=rest, **FAST)  # fmt: skip
    seen = Seen(ws, ("message", "response", "reconnected"))
    with ws:
        ws.subscribe(BOOK, "spotPublicV2")
        ws.subscribe("executions", "spotPrivateV2")
        wait_until(lambda: len(seen.of("message", "book")) > 20)
        wait_until(lambda: len(seen.of("message", "executions")) >= 1)  # the snapshot
        txid = rest.submit_order(
            {"pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.01"}
        )["txid"][0]
        wait_until(lambda: len(seen.of("message", "executions")) >= 2)
        update = seen.of("message", "executions")[1]
        assert {e["order_id"] for e in update["data"]} == {txid}
        fake.faults.ws("drop", path="/v2")
        wait_until(lambda: bool(seen.of("reconnected")))
        wait_until(lambda: [m["type"] for m in seen.of("message", "book")].count("snapshot") == 2)
    assert check_books(seen.of("message", "book")) > 20


def test_futures_challenge_signed_by_the_sdk_passes_the_fakes_check() -> None:
    fake = FakeKraken(clock=SystemClock())
    with FakeKrakenServer(fake) as server:
        ws = WebsocketClient(api_key=FAKE_FUTURES_KEY, api_secret=FAKE_FUTURES_SECRET,
                             ws_url=server.urls["futures_ws"], **FAST)  # fmt: skip
        seen = Seen(ws, ("response",))
        with ws:
            ws.subscribe("open_orders", "derivativesPrivateV1")
            wait_until(lambda: any(r.get("feed") == "open_orders" for r in seen.of("response")))
        acks = [r["event"] for r in seen.of("response") if r.get("feed") == "open_orders"]
        assert acks == ["subscribed"]


def test_sync_client_over_loopback_books() -> None:
    fake = FakeKraken(seed=4, clock=SystemClock(), step_interval=0.02)
    with FakeKrakenServer(fake, tick_interval=0.01) as server:
        ws = WebsocketClient(ws_url=server.urls["spot_ws_public"], **FAST)
        seen = Seen(ws, ("message",))
        with ws:
            ws.subscribe(BOOK, "spotPublicV2")
            wait_until(lambda: len(seen.of("message", "book")) > 30)
    assert check_books(seen.of("message", "book")) > 30


@pytest.mark.anyio
async def test_async_client_in_memory() -> None:
    key, secret = "wsclient-async", new_secret("wsclient-async")
    fake = FakeKraken(seed=2, keys={key: secret}, clock=SystemClock(), step_interval=0.02)
    rest = AsyncSpotClient(api_key=key, api_secret=secret, transport=fake.async_transport())
    books: list[dict[str, Any]] = []
    async with AsyncWebsocketClient(api_key=key, api_secret=secret, rest_client=rest,
                                    connector=fake.async_ws_connector(), **FAST) as ws:  # fmt: skip
        await ws.subscribe(BOOK, "spotPublicV2")
        with anyio.fail_after(10):
            async for message in ws:
                if message.get("channel") == "book":
                    books.append(message)
                    if len(books) == 25:
                        break
    assert check_books(books) == 25

"""Maintained, checksum-verified books from the WS clients (protocol.md 4.7, vector V5)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import anyio
import pytest

from kraken.clients._async.websocket import AsyncWebsocketClient
from kraken.clients._sync.websocket import WebsocketClient
from kraken.testing.ws_server import LoopbackWsServer
from kraken.testing.ws_stub import KrakenWsStub
from tests.book_vectors import V5_ASKS, V5_BIDS, levels_json
from tests.clients.test_websocket_client import Recorder, async_wait_until, wait_until

pytestmark = pytest.mark.loopback

SNAPSHOT = (
    '{"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":'
    + levels_json(V5_BIDS)
    + ',"asks":'
    + levels_json(V5_ASKS)
    + ',"checksum":3310070434}]}'
)
BAD_UPDATE = (
    '{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[],"asks":'
    '[{"price":45285.2,"qty":0.5}],"checksum":1,"timestamp":"2026-01-01T00:00:00Z"}]}'
)


@pytest.fixture
def stub() -> KrakenWsStub:
    return KrakenWsStub()


@pytest.fixture
def server(stub: KrakenWsStub) -> Iterator[LoopbackWsServer]:
    with LoopbackWsServer(stub.handler) as running:
        yield running


def book_subscribes(stub: KrakenWsStub) -> int:
    return sum(
        1
        for m in stub.received
        if m.get("method") == "subscribe" and m["params"]["channel"] == "book"
    )


def test_book_is_verified_and_resynchronised(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2")
    seen = Recorder(ws)
    book = ws.book("BTC/USD", depth=10)
    wait_until(lambda: bool(seen.of("response")))
    stub.push_text(SNAPSHOT)
    wait_until(lambda: bool(seen.of("book")))
    assert seen.of("book")[0]["event"].checksum == 3310070434
    assert book.best_bid()[0] == Decimal("45283.5")  # type: ignore[index]
    assert book.best_ask()[0] == Decimal("45285.2")  # type: ignore[index]
    assert book.spread() == Decimal("1.7")
    # Raw mode: the book messages still reach "message" handlers.
    assert any(m.get("channel") == "book" for m in seen.of("message"))
    stub.push_text(BAD_UPDATE)
    wait_until(lambda: bool(seen.of("book_resync")))
    assert seen.of("book_resync")[0]["gave_up"] is False
    assert book.best_ask()[1] == Decimal("0.00100000")  # type: ignore[index]  # the bad update was withheld
    wait_until(lambda: book_subscribes(stub) == 2)  # resubscribed for a fresh snapshot
    assert any(m.get("method") == "unsubscribe" for m in stub.received)
    ws.close_all()


@pytest.mark.anyio
async def test_async_book(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    async with AsyncWebsocketClient(ws_url=server.url + "/v2") as ws:
        seen = Recorder(ws)
        book = await ws.book("BTC/USD", depth=10)
        await async_wait_until(lambda: bool(seen.of("response")))
        stub.push_text(SNAPSHOT)
        with anyio.fail_after(5):
            while not seen.of("book"):
                await anyio.sleep(0.01)
        bids, _asks = book.top(3)
        assert [str(level[0]) for level in bids] == ["45283.5", "45283.4", "45282.1"]
        assert book.checksum() == 3310070434

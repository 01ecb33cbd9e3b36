"""WebsocketClient and AsyncWebsocketClient against a Kraken-shaped stub on a real loopback socket."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import anyio
import pytest

import kraken
from kraken.clients._async.websocket import AsyncWebsocketClient
from kraken.clients._sync.websocket import WebsocketClient
from kraken.core.rest.values import Request, Response
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport
from kraken.testing.ws_server import LoopbackWsServer
from kraken.testing.ws_stub import KrakenWsStub

pytestmark = pytest.mark.loopback

API_KEY = "ws-test-key"
API_SECRET = base64.b64encode(bytes(range(64))).decode()
FUTURES_SECRET = base64.b64encode(bytes(range(100, 164))).decode()
TICKER = {"topic": "ticker", "payload": {"symbol": ["BTC/USD"]}}
BOOK = {"topic": "book", "payload": {"symbol": ["ETH/USD"], "depth": 10}}
FAST = {"ping_interval": 0.3, "pong_timeout": 0.3}


class Recorder:
    """Collects every event the client emits, thread-safely."""

    def __init__(self, client: Any) -> None:
        self.events: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        for event in kraken.clients._async.websocket.EVENTS:
            client.on(event, self._make(event))

    def _make(self, event: str) -> Callable[[Any], None]:
        def handler(data: Any) -> None:
            with self.lock:
                self.events.append((event, data))

        return handler

    def of(self, event: str) -> list[Any]:
        with self.lock:
            return [data for name, data in self.events if name == event]


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


async def async_wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(0.01)


@pytest.fixture
def stub() -> KrakenWsStub:
    return KrakenWsStub(tokens={"tok-1"}, futures_keys={API_KEY: FUTURES_SECRET})


@pytest.fixture
def server(stub: KrakenWsStub) -> Iterator[LoopbackWsServer]:
    with LoopbackWsServer(stub.handler) as running:
        yield running


def token_rest(stub: KrakenWsStub) -> tuple[MemoryTransport, list[str]]:
    """A REST stand-in issuing WebSocket tokens the WS stub accepts."""
    issued: list[str] = []

    def handler(request: Request) -> Response:
        token = f"tok-{len(issued) + 2}"
        issued.append(token)
        stub.tokens.add(token)
        body = {"error": [], "result": {"token": token, "expires": 900}}
        return Response(200, {}, json.dumps(body).encode())

    return MemoryTransport(handler), issued


def subscribed_channels(stub: KrakenWsStub, connection: int) -> list[str]:
    return [s.get("channel") or s.get("feed") for s in stub.subscriptions[connection]]


# ----------------------------------------------------------------------------- sync client


def test_public_stream_sync(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2")
    seen = Recorder(ws)
    ws.subscribe([TICKER, BOOK], "spotPublicV2")
    wait_until(lambda: len(seen.of("response")) == 2)
    assert seen.of("open")[0]["wsKey"] == "spotPublicV2"
    stub.push(
        {"channel": "ticker", "type": "update", "data": [{"symbol": "BTC/USD", "bid": 45283.50000}]}
    )
    wait_until(lambda: any(m.get("channel") == "ticker" for m in seen.of("message")))
    ticker = next(m for m in seen.of("message") if m.get("channel") == "ticker")
    assert ticker["data"][0]["bid"] == Decimal("45283.50000")
    assert ws.is_connected("spotPublicV2")
    ws.close_all()
    wait_until(lambda: bool(seen.of("close")))
    assert not ws.is_connected("spotPublicV2")


def test_unknown_topic_or_key_fails_before_connecting(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2")
    with pytest.raises(kraken.KrakenUsageError, match="valid topics"):
        ws.subscribe("executions", "spotPublicV2")
    with pytest.raises(kraken.KrakenUsageError, match="valid keys"):
        ws.subscribe("ticker", "spotPublic")
    with pytest.raises(kraken.MissingCredentialsError):
        ws.subscribe("executions", "spotPrivateV2")
    time.sleep(0.1)
    assert stub.connections == 0


def test_drops_reconnect_and_restore_every_subscription_once(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2", **FAST)
    seen = Recorder(ws)
    ws.subscribe([TICKER, BOOK, "instrument"], "spotPublicV2")
    wait_until(lambda: len(seen.of("response")) == 3)
    drops = 10
    for n in range(1, drops + 1):
        wait_until(lambda: ws.is_connected("spotPublicV2"))
        stub.inject("drop")
        wait_until(lambda n=n: len(seen.of("reconnected")) == n)
        wait_until(lambda n=n: len(stub.subscriptions) == n + 1 and len(stub.subscriptions[n]) == 3)
    assert len(seen.of("reconnecting")) == drops
    for connection in range(drops + 1):
        assert subscribed_channels(stub, connection) == ["ticker", "book", "instrument"]
    ws.close_all()


def test_silent_server_is_detected_and_replaced(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2", **FAST)
    seen = Recorder(ws)
    ws.subscribe("instrument", "spotPublicV2")
    wait_until(lambda: bool(seen.of("response")))
    started = time.monotonic()
    stub.inject("silence")
    wait_until(lambda: bool(seen.of("reconnecting")), timeout=5.0)
    assert time.monotonic() - started <= FAST["ping_interval"] * 2 + FAST["pong_timeout"] + 1.0
    wait_until(lambda: bool(seen.of("reconnected")))
    ws.close_all()


def test_close_1008_is_terminal_and_malformed_frames_are_reported(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2", **FAST)
    seen = Recorder(ws)
    ws.subscribe("instrument", "spotPublicV2")
    wait_until(lambda: bool(seen.of("response")))
    stub.inject("garbage")
    wait_until(lambda: any(e.get("error") == "malformed JSON" for e in seen.of("exception")))
    assert ws.is_connected("spotPublicV2")
    stub.inject("close:1008")
    wait_until(lambda: bool(seen.of("close")))
    time.sleep(0.3)
    assert seen.of("reconnecting") == []
    assert stub.connections == 1


def test_private_spot_fetches_a_token_and_recovers_from_invalidation(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    transport, issued = token_rest(stub)
    rest = kraken.SpotClient(api_key=API_KEY, api_secret=API_SECRET, transport=transport)
    ws = WebsocketClient(
        api_key=API_KEY, api_secret=API_SECRET, ws_url=server.url + "/v2", rest_client=rest, **FAST
    )
    seen = Recorder(ws)
    ws.subscribe(["executions", "balances"], "spotPrivateV2")
    wait_until(lambda: len(seen.of("response")) == 2)
    assert seen.of("authenticated") == [{"wsKey": "spotPrivateV2"}]
    sent = [m for m in stub.received if m.get("method") == "subscribe"]
    assert [m["params"]["token"] for m in sent] == [issued[0], issued[0]]
    # Tokens invalidated, then the socket drops: the reused token is refused, a fresh one is
    # fetched and every private subscription comes back without user action.
    stub.inject("invalidate_tokens")
    stub.inject("drop")
    wait_until(lambda: len(issued) == 2)
    wait_until(
        lambda: (
            len(stub.subscriptions) >= 2
            and subscribed_channels(stub, -1) == ["executions", "balances"]
        )
    )
    assert any("Invalid token" in e["error"] for e in seen.of("exception"))
    ws.close_all()


def test_futures_private_challenge(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(api_key=API_KEY, api_secret=FUTURES_SECRET, ws_url=server.url + "/ws/v1")
    seen = Recorder(ws)
    ws.subscribe(["open_orders", "fills"], "derivativesPrivateV1")
    wait_until(lambda: len(seen.of("response")) == 2)
    assert seen.of("authenticated") == [{"wsKey": "derivativesPrivateV1"}]
    assert [r["event"] for r in seen.of("response")] == ["subscribed", "subscribed"]
    ws.close_all()


def test_wrong_futures_secret_is_refused_by_the_independent_check(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    wrong = base64.b64encode(b"nope" * 16).decode()
    ws = WebsocketClient(api_key=API_KEY, api_secret=wrong, ws_url=server.url + "/ws/v1")
    seen = Recorder(ws)
    ws.subscribe("open_orders", "derivativesPrivateV1")
    wait_until(lambda: bool(seen.of("exception")))
    assert seen.of("exception")[0]["data"]["event"] == "subscribed_failed"
    ws.close_all()


def test_sync_iteration(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2")
    iterator = iter(ws)
    ws.subscribe("instrument", "spotPublicV2")
    first = next(iterator)  # the status frame Kraken sends on connect
    assert first["channel"] == "status"
    ws.close_all()


# ----------------------------------------------------------------------------- async client


@pytest.mark.anyio
async def test_public_stream_async(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    async with AsyncWebsocketClient(ws_url=server.url + "/v2", **FAST) as ws:
        seen = Recorder(ws)
        await ws.subscribe([TICKER, BOOK], "spotPublicV2")
        await async_wait_until(lambda: len(seen.of("response")) == 2)
        stub.push({"channel": "ticker", "type": "update", "data": [{"bid": 1.10}]})
        received = []
        with anyio.fail_after(5):
            async for message in ws:
                received.append(message)
                if message.get("channel") == "ticker":
                    break
        assert received[-1]["data"][0]["bid"] == Decimal("1.10")
        stub.inject("drop")
        await async_wait_until(lambda: bool(seen.of("reconnected")))
        await async_wait_until(
            lambda: len(stub.subscriptions) == 2 and len(stub.subscriptions[1]) == 2
        )
        assert subscribed_channels(stub, 1) == ["ticker", "book"]
    assert seen.of("close")


@pytest.mark.anyio
async def test_private_async_with_async_handlers(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    issued: list[str] = []

    async def handler(request: Request) -> Response:
        token = f"tok-a{len(issued)}"
        issued.append(token)
        stub.tokens.add(token)
        return Response(
            200, {}, json.dumps({"error": [], "result": {"token": token, "expires": 900}}).encode()
        )

    rest = kraken.AsyncSpotClient(
        api_key=API_KEY, api_secret=API_SECRET, transport=AsyncMemoryTransport(handler)
    )
    authenticated = anyio.Event()

    async def on_authenticated(data: Any) -> None:
        authenticated.set()

    async with AsyncWebsocketClient(
        api_key=API_KEY, api_secret=API_SECRET, ws_url=server.url + "/v2", rest_client=rest
    ) as ws:
        ws.on("authenticated", on_authenticated)
        seen = Recorder(ws)
        await ws.subscribe("executions", "spotPrivateV2")
        with anyio.fail_after(5):
            await authenticated.wait()
        await async_wait_until(lambda: bool(seen.of("response")))
    assert issued == ["tok-a0"]


@pytest.mark.anyio
async def test_async_client_needs_its_context_manager() -> None:
    ws = AsyncWebsocketClient(ws_url="ws://127.0.0.1:9/v2")
    with pytest.raises(kraken.KrakenUsageError, match="async with"):
        await ws.subscribe("instrument", "spotPublicV2")


def test_secrets_stay_out_of_reprs_and_events(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(api_key=API_KEY, api_secret=FUTURES_SECRET, ws_url=server.url + "/ws/v1")
    seen = Recorder(ws)
    ws.subscribe("open_orders", "derivativesPrivateV1")
    wait_until(lambda: bool(seen.of("response")))
    text = repr(ws) + repr(seen.events)
    assert FUTURES_SECRET not in text
    assert API_KEY not in repr(ws)
    ws.close_all()

"""The fault matrix for AsyncWebsocketClient on asyncio and trio (the sync client has its own)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import anyio
import pytest

import kraken
from kraken.clients._async.websocket import AsyncWebsocketClient
from kraken.core.rest.values import Request, Response
from kraken.testing.memory import AsyncMemoryTransport
from kraken.testing.ws_server import LoopbackWsServer
from kraken.testing.ws_stub import KrakenWsStub
from tests.clients.test_websocket_client import Recorder, async_wait_until

pytestmark = [pytest.mark.loopback, pytest.mark.anyio]

API_KEY = "async-faults-key"
SECRET = base64.b64encode(bytes(range(9, 73))).decode()
FAST = {"ping_interval": 0.3, "pong_timeout": 0.3}


@pytest.fixture
def stub() -> KrakenWsStub:
    return KrakenWsStub(tokens={"tok-1"}, futures_keys={API_KEY: SECRET})


@pytest.fixture
def server(stub: KrakenWsStub) -> Iterator[LoopbackWsServer]:
    with LoopbackWsServer(stub.handler) as running:
        yield running


async def test_drop_silence_and_garbage_are_survived(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    async with AsyncWebsocketClient(ws_url=server.url + "/v2", **FAST) as ws:
        seen = Recorder(ws)
        await ws.subscribe(
            ["instrument", {"topic": "ticker", "payload": {"symbol": ["BTC/USD"]}}], "spotPublicV2"
        )
        await async_wait_until(lambda: len(seen.of("response")) == 2)
        stub.inject("garbage")
        await async_wait_until(
            lambda: any(e.get("error") == "malformed JSON" for e in seen.of("exception"))
        )
        assert ws.is_connected("spotPublicV2")
        stub.inject("drop")
        await async_wait_until(lambda: len(seen.of("reconnected")) == 1)
        started = anyio.current_time()
        stub.inject("silence")
        await async_wait_until(lambda: len(seen.of("reconnected")) == 2)
        assert anyio.current_time() - started <= 0.3 * 2 + 0.3 + 1.0 + 0.5
        await async_wait_until(
            lambda: len(stub.subscriptions) == 3 and len(stub.subscriptions[2]) == 2
        )
        assert [[s["channel"] for s in subs] for subs in stub.subscriptions] == [
            ["instrument", "ticker"]
        ] * 3


async def test_close_1008_is_terminal(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    async with AsyncWebsocketClient(ws_url=server.url + "/v2", **FAST) as ws:
        seen = Recorder(ws)
        await ws.subscribe("instrument", "spotPublicV2")
        await async_wait_until(lambda: bool(seen.of("response")))
        stub.inject("close:1008")
        await async_wait_until(lambda: bool(seen.of("close")))
        await anyio.sleep(0.3)
        assert seen.of("reconnecting") == []
        assert stub.connections == 1


async def test_rejected_token_is_replaced(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    issued: list[str] = []

    async def handler(request: Request) -> Response:
        token = f"tok-x{len(issued)}"
        issued.append(token)
        if len(issued) > 1:  # the first token is refused by the server
            stub.tokens.add(token)
        return Response(
            200, {}, json.dumps({"error": [], "result": {"token": token, "expires": 900}}).encode()
        )

    rest = kraken.AsyncSpotClient(
        api_key=API_KEY, api_secret=SECRET, transport=AsyncMemoryTransport(handler)
    )
    async with AsyncWebsocketClient(
        api_key=API_KEY, api_secret=SECRET, ws_url=server.url + "/v2", rest_client=rest
    ) as ws:
        seen = Recorder(ws)
        await ws.subscribe("balances", "spotPrivateV2")
        await async_wait_until(lambda: bool(seen.of("response")))
        assert any("Invalid token" in e["error"] for e in seen.of("exception"))
        assert issued == ["tok-x0", "tok-x1"]


async def test_futures_challenge(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    async with AsyncWebsocketClient(
        api_key=API_KEY, api_secret=SECRET, ws_url=server.url + "/ws/v1"
    ) as ws:
        seen = Recorder(ws)
        await ws.subscribe(["open_positions", "fills"], "derivativesPrivateV1")
        await async_wait_until(lambda: len(seen.of("response")) == 2)
        assert seen.of("authenticated") == [{"wsKey": "derivativesPrivateV1"}]
        stub.inject("drop")
        await async_wait_until(
            lambda: len(seen.of("authenticated")) == 2
        )  # a new challenge per connection
        await async_wait_until(lambda: len(seen.of("response")) == 4)


async def test_custom_async_signer_signs_the_challenge(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    from kraken.core.auth.signing import HmacSha512Signer

    reference = HmacSha512Signer(base64.b64decode(SECRET))
    calls: list[bytes] = []

    async def sign(message: bytes, secret: str | None) -> str:
        calls.append(message)
        return reference(message)

    async with AsyncWebsocketClient(
        api_key=API_KEY,
        api_secret=SECRET,
        ws_url=server.url + "/ws/v1",
        custom_sign_message_fn=sign,
    ) as ws:
        seen = Recorder(ws)
        await ws.subscribe("fills", "derivativesPrivateV1")
        await async_wait_until(lambda: bool(seen.of("response")))
    assert len(calls) == 1
    assert len(calls[0]) == 32  # SHA-256 of the challenge: exactly what the HMAC covers

"""The fake exchange on a real loopback server: the SDK's clients and independent WS clients."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from kraken import AsyncSpotClient, DerivativesClient, SpotClient
from kraken.adapters.clock import SystemClock
from kraken.adapters.ws_anyio import AnyioWsConnector
from kraken.adapters.ws_sync import SocketWsConnector
from kraken.core.errors import (
    AuthenticationError,
    KrakenTimeoutError,
    KrakenTransportError,
    RateLimitError,
)
from kraken.core.ws.frames import Closed, TextMessage
from kraken.testing.fake import (
    FAKE_FUTURES_KEY,
    FAKE_FUTURES_SECRET,
    FakeKraken,
    FakeKrakenServer,
)

from .helpers import ReferenceBook, decode, futures_signature, new_secret

pytestmark = pytest.mark.loopback

BOOK = {"method": "subscribe", "params": {"channel": "book", "symbol": ["BTC/USD"]}}


@pytest.fixture
def creds(request: pytest.FixtureRequest) -> tuple[str, str]:
    """A spot key of the test's own: the SDK shares rate-limit models per key in a process."""
    return f"key-{request.node.name}", new_secret(request.node.name)


@pytest.fixture
def server(creds: tuple[str, str]) -> Iterator[FakeKrakenServer]:
    fake = FakeKraken(seed=17, clock=SystemClock(), step_interval=0.02, keys=dict([creds]))
    with FakeKrakenServer(fake, tick_interval=0.01, silence_timeout=1.0) as running:
        yield running


def spot(server: FakeKrakenServer, creds: tuple[str, str]) -> SpotClient:
    key, secret = creds
    return SpotClient(api_key=key, api_secret=secret, base_url=server.url)


def message(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    decoded: dict[str, Any] = decode(str(ws.recv(timeout=timeout)))
    return decoded


def ending(ws: ClientConnection, timeout: float = 5.0) -> BaseException:
    """Read until the connection ends or goes quiet; what ended it."""
    for _ in range(1000):
        try:
            ws.recv(timeout=timeout)
        except (ConnectionClosed, TimeoutError) as exc:
            return exc
    raise AssertionError("the stream never ended")


def until(ws: ClientConnection, predicate: Any, limit: int = 200) -> dict[str, Any]:
    for _ in range(limit):
        found = message(ws)
        if predicate(found):
            return found
    raise AssertionError("no such message")


def test_urls(server: FakeKrakenServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.urls["spot_ws_public"] == server.ws_url + "/v2"
    assert server.urls["futures_ws"].endswith("/ws/v1")
    assert "connections=0" in repr(server)


def test_spot_rest_through_the_sdk_client(server: FakeKrakenServer, creds: tuple[str, str]) -> None:
    with spot(server, creds) as client:
        assert client.get_system_status()["status"] == "online"
        assert client.get_account_balance()["ZUSD"] == "100000.0000"
        bid = Decimal(server.fake.book("BTC/USD", 1)["bids"][0][0])
        (txid,) = client.submit_order(
            {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": str(bid - 100),
             "volume": "0.01"}
        )["txid"]  # fmt: skip
        assert client.get_orders({"txid": txid})[txid]["status"] == "open"
        assert client.cancel_order({"txid": txid}) == {"count": 1}
        placed = client.submit_order(
            {"pair": "ETHUSD", "type": "buy", "ordertype": "market", "volume": "1"}
        )
        assert client.get_orders({"txid": placed["txid"][0]})[placed["txid"][0]]["status"] == (
            "closed"
        )
        assert Decimal(client.get_account_balance()["XETH"]) == 101
        assert len(client.get_websockets_token()["token"]) == 43
    history = server.fake.nonces(creds[0])
    assert len(history) >= 8
    assert list(history) == sorted(set(history))


def test_futures_rest_through_the_sdk_client(server: FakeKrakenServer) -> None:
    with DerivativesClient(api_key=FAKE_FUTURES_KEY, api_secret=FAKE_FUTURES_SECRET,
                           base_url=server.url) as client:  # fmt: skip
        tickers = client.get_tickers()["tickers"]
        assert {t["symbol"] for t in tickers} == {"PF_XBTUSD", "PF_ETHUSD"}
        sent = client.submit_order(
            {"orderType": "mkt", "symbol": "PF_XBTUSD", "side": "buy", "size": 2}
        )["sendStatus"]
        assert sent["status"] == "placed"
        assert [e["type"] for e in sent["orderEvents"]] == ["PLACE", "EXECUTION"]
        flex = client.get_accounts()["accounts"]["flex"]
        assert flex["type"] == "multiCollateralMarginAccount"
        assert flex["balanceValue"] == 10000
    size, _ = server.fake.futures_positions()["PF_XBTUSD"]
    assert size == 2
    assert len(server.fake.futures_nonces(FAKE_FUTURES_KEY)) == 2


def test_futures_wrong_secret_is_refused(server: FakeKrakenServer) -> None:
    client = DerivativesClient(api_key=FAKE_FUTURES_KEY, api_secret=new_secret("wrong"),
                               base_url=server.url, retry=None)  # fmt: skip
    with client, pytest.raises(AuthenticationError, match="authenticationError"):
        client.get_accounts()


@pytest.mark.anyio
async def test_async_spot_client_over_http(
    server: FakeKrakenServer, creds: tuple[str, str]
) -> None:
    key, secret = creds
    async with AsyncSpotClient(api_key=key, api_secret=secret, base_url=server.url,
                               retry=None) as client:  # fmt: skip
        assert "ZUSD" in await client.get_account_balance()
        server.fake.faults.next_rest("rate_limit")
        with pytest.raises(RateLimitError):
            await client.get_account_balance()


def test_http_faults_on_the_wire(server: FakeKrakenServer) -> None:
    faults = server.fake.faults
    time_url = server.url + "/0/public/Time"
    with httpx.Client(timeout=5) as http:
        faults.next_rest("html")
        reply = http.get(time_url)
        assert (reply.status_code, reply.headers["content-type"]) == (
            502, "text/html; charset=UTF-8"
        )  # fmt: skip
        assert reply.text.startswith("<!DOCTYPE html>")
        faults.next_rest("http429")
        reply = http.get(time_url)
        assert (reply.status_code, reply.headers["retry-after"]) == (429, "1")
        faults.next_rest("http500")
        assert http.get(time_url).status_code == 500
        faults.next_rest("malformed")
        with pytest.raises(json.JSONDecodeError):
            http.get(time_url).json()
        faults.next_rest("throttled")
        assert http.get(time_url).json()["error"][0].startswith("EService:Throttled:")
        faults.next_rest("slow:0.3")
        started = time.monotonic()
        assert http.get(time_url).json()["error"] == []
        assert time.monotonic() - started >= 0.3
        assert http.get(server.url + "/nowhere").status_code == 404


def test_slow_reply_times_the_client_out(server: FakeKrakenServer) -> None:
    server.fake.faults.next_rest("slow:0.8")
    with (
        SpotClient(base_url=server.url, timeout=0.3, retry=None) as client,
        pytest.raises(KrakenTimeoutError),
    ):
        client.get_server_time()


def test_book_checksums_with_an_independent_client(server: FakeKrakenServer) -> None:
    with connect(server.ws_url + "/v2") as ws:
        assert message(ws)["channel"] == "status"
        ws.send(json.dumps(BOOK))
        assert message(ws)["success"] is True
        book = ReferenceBook(10)
        checked = 0
        while checked < 60:
            found = message(ws)
            if found.get("channel") == "book":
                mine, sent = book.apply(found)
                assert mine == sent
                checked += 1


def test_bad_checksum_over_loopback(server: FakeKrakenServer) -> None:
    with connect(server.ws_url + "/v2") as ws:
        message(ws)
        ws.send(json.dumps(BOOK))
        message(ws)
        book = ReferenceBook(10)
        for _ in range(5):
            mine, sent = book.apply(until(ws, lambda m: m.get("channel") == "book"))
            assert mine == sent
        server.fake.faults.ws("bad_checksum")
        outcomes = []
        for _ in range(20):
            mine, sent = book.apply(until(ws, lambda m: m.get("channel") == "book"))
            outcomes.append(mine == sent)
        assert outcomes.count(False) == 1
        assert outcomes[0] is False


def test_private_executions_after_a_rest_order(
    server: FakeKrakenServer, creds: tuple[str, str]
) -> None:
    with spot(server, creds) as client, connect(server.urls["spot_ws_private"]) as ws:
        token = client.get_websockets_token()["token"]
        message(ws)
        ws.send(json.dumps({"method": "subscribe", "req_id": 3,
                            "params": {"channel": "executions", "token": token}}))  # fmt: skip
        ack = message(ws)
        assert (ack["success"], ack["req_id"]) == (True, 3)
        assert message(ws)["type"] == "snapshot"
        txid = client.submit_order(
            {"pair": "XBTUSD", "type": "sell", "ordertype": "market", "volume": "0.1"}
        )["txid"][0]
        update = until(ws, lambda m: m.get("channel") == "executions")
        assert [e["exec_type"] for e in update["data"]] == ["new", "trade", "filled"]
        assert update["data"][0]["order_id"] == txid
        ws.send(json.dumps({"method": "subscribe",
                            "params": {"channel": "balances", "token": "not-a-token"}}))  # fmt: skip
        assert until(ws, lambda m: "method" in m)["error"] == "EAPI:Invalid token"


def test_futures_challenge_over_loopback(server: FakeKrakenServer) -> None:
    with connect(server.urls["futures_ws"]) as ws:
        assert message(ws) == {"event": "info", "version": 1}
        ws.send(json.dumps({"event": "challenge", "api_key": FAKE_FUTURES_KEY}))
        challenge = message(ws)["message"]
        ws.send(json.dumps({
            "event": "subscribe", "feed": "open_positions", "api_key": FAKE_FUTURES_KEY,
            "original_challenge": challenge,
            "signed_challenge": futures_signature(FAKE_FUTURES_SECRET, challenge),
        }))  # fmt: skip
        assert message(ws)["event"] == "subscribed"
        assert message(ws)["feed"] == "open_positions"
        ws.send(json.dumps({"event": "subscribe", "feed": "book", "product_ids": ["PF_ETHUSD"]}))
        assert message(ws)["event"] == "subscribed"
        snapshot = message(ws)
        assert snapshot["feed"] == "book_snapshot"
        delta = message(ws)
        assert (delta["feed"], delta["seq"]) == ("book", snapshot["seq"] + 1)


def test_drop_is_abrupt(server: FakeKrakenServer) -> None:
    with connect(server.ws_url + "/v2") as ws:
        message(ws)
        server.fake.faults.ws("drop")
        ended = ending(ws)
        assert isinstance(ended, ConnectionClosed)
        assert ended.rcvd is None  # no close frame: the client reports 1006


def test_close_with_a_code(server: FakeKrakenServer) -> None:
    with connect(server.ws_url + "/v2") as ws:
        message(ws)
        server.fake.faults.ws("close:4001")
        ended = ending(ws)
        assert isinstance(ended, ConnectionClosed)
        assert ended.rcvd is not None
        assert ended.rcvd.code == 4001


def test_garbage_frame(server: FakeKrakenServer) -> None:
    with connect(server.ws_url + "/v2") as ws:
        message(ws)
        server.fake.faults.ws("garbage")
        with pytest.raises(json.JSONDecodeError):
            json.loads(ws.recv(timeout=5))


def test_silence_leaves_pings_unanswered(server: FakeKrakenServer) -> None:
    with connect(server.ws_url + "/v2") as ws:
        message(ws)
        ws.send(json.dumps(BOOK))
        message(ws)
        server.fake.faults.ws("silence")
        time.sleep(0.1)  # let the server apply it
        pong = ws.ping()
        assert not pong.wait(0.5)
        # What was in flight drains, then nothing comes until the server gives up on it.
        assert isinstance(ending(ws, 0.5), TimeoutError | ConnectionClosed)


def test_unknown_ws_path_is_404(server: FakeKrakenServer) -> None:
    with pytest.raises(InvalidStatus) as caught, connect(server.ws_url + "/v3"):
        pass
    assert caught.value.response.status_code == 404


def test_sdk_socket_adapter_against_the_server(server: FakeKrakenServer) -> None:
    conn = SocketWsConnector().connect(server.ws_url + "/v2")
    try:
        first = conn.receive(5)
        assert isinstance(first, TextMessage)
        assert decode(first.text)["channel"] == "status"
        conn.send_text(json.dumps(BOOK))
        book = ReferenceBook(10)
        checked = 0
        for _ in range(200):
            received = conn.receive(5)
            assert isinstance(received, TextMessage)
            found = decode(received.text)
            if found.get("channel") == "book":
                mine, sent = book.apply(found)
                assert mine == sent
                checked += 1
                if checked == 20:
                    break
        server.fake.faults.ws("drop")
        for _ in range(500):
            received = conn.receive(5)
            if isinstance(received, Closed):
                assert received.code == 1006
                break
        else:
            raise AssertionError("the drop was not noticed")
    finally:
        conn.close()


@pytest.mark.anyio
async def test_sdk_anyio_adapter_against_the_server(server: FakeKrakenServer) -> None:
    conn = await AnyioWsConnector().connect(server.urls["futures_ws"])
    try:
        first = await conn.receive(5)
        assert isinstance(first, TextMessage)
        assert decode(first.text) == {"event": "info", "version": 1}
        server.fake.faults.ws("close:4003")
        for _ in range(10):
            received = await conn.receive(5)
            if isinstance(received, Closed):
                assert received.code == 4003
                break
        else:
            raise AssertionError("the close was not noticed")
    finally:
        await conn.close()


def test_refused_path_through_the_sdk_adapter(server: FakeKrakenServer) -> None:
    with pytest.raises(KrakenTransportError) as caught:
        SocketWsConnector().connect(server.ws_url + "/nope")
    assert caught.value.status == 404


def test_server_stops_promptly_with_a_silenced_connection() -> None:
    fake = FakeKraken(clock=SystemClock())
    with FakeKrakenServer(fake) as running, connect(running.ws_url + "/v2") as ws:
        ws.recv(timeout=5)
        fake.faults.ws("silence")
        time.sleep(0.2)
        started = time.monotonic()
        stopper = threading.Thread(target=running.stop)
        stopper.start()
        stopper.join(10)
        assert not stopper.is_alive()
        assert time.monotonic() - started < 5

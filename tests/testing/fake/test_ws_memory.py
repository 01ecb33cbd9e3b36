"""WebSockets in memory: the WS port connections on a virtual clock, Spot v2 and Futures v1."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from kraken import SpotClient
from kraken.core.errors import KrakenTransportError
from kraken.core.ws.frames import Closed, Pong, TextMessage, TimedOut
from kraken.ports.ws import AsyncWsConnection, WsConnection
from kraken.testing.fake import (
    FAKE_API_KEY,
    FAKE_API_SECRET,
    FAKE_FUTURES_KEY,
    FAKE_FUTURES_SECRET,
    FakeKraken,
)
from kraken.testing.fake.memory import MemoryWsConnection

from .helpers import ReferenceBook, decode, futures_signature, new_secret

PUBLIC = "wss://ws.kraken.com/v2"
PRIVATE = "wss://ws-auth.kraken.com/v2"
FUTURES = "wss://futures.kraken.com/ws/v1"


def text_of(conn: WsConnection, timeout: float | None = 10.0) -> dict[str, Any]:
    received = conn.receive(timeout)
    assert isinstance(received, TextMessage), received
    message: dict[str, Any] = decode(received.text)
    return message


def reply_of(conn: WsConnection) -> dict[str, Any]:
    """The next method reply, skipping channel messages (heartbeats, updates)."""
    for _ in range(100):
        message = text_of(conn)
        if "method" in message:
            return message
    raise AssertionError("no reply")


def send(conn: WsConnection, message: dict[str, Any]) -> None:
    conn.send_text(json.dumps(message))


def subscribe(conn: WsConnection, **params: Any) -> None:
    send(conn, {"method": "subscribe", "params": params, "req_id": 1})


def connected(fake: FakeKraken, url: str = PUBLIC) -> MemoryWsConnection:
    conn = fake.ws_connector().connect(url)
    greeting = text_of(conn, 0)
    assert greeting.get("channel") == "status" or greeting.get("event") == "info"
    return conn


def token_for(fake: FakeKraken) -> tuple[SpotClient, str]:
    """A REST client on the same fake and a fresh WebSocket token."""
    client = SpotClient(api_key=FAKE_API_KEY, api_secret=FAKE_API_SECRET,
                        transport=fake.transport(), clock=fake.clock, retry=None)  # fmt: skip
    return client, client.get_websockets_token()["token"]


def test_connection_implements_the_port() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    assert isinstance(conn, WsConnection)
    assert fake.connections == 1
    conn.close()
    conn.close()  # idempotent
    assert fake.connections == 0
    assert conn.receive(1) == Closed(1000, "")
    with pytest.raises(KrakenTransportError, match="closed"):
        conn.send_text("{}")


def test_status_first_then_ping_pong() -> None:
    fake = FakeKraken()
    conn = fake.ws_connector().connect(PUBLIC)
    status = text_of(conn, 0)
    assert status["channel"] == "status"
    assert status["data"][0]["system"] == "online"
    assert status["data"][0]["api_version"] == "v2"
    send(conn, {"method": "ping", "req_id": 42})
    pong = text_of(conn, 0)
    assert (pong["method"], pong["req_id"]) == ("pong", 42)
    conn.ping()
    assert conn.receive(0) == Pong()
    assert conn.receive(0) == TimedOut()  # nothing subscribed: nothing more, time unmoved
    assert fake.now() == fake.clock.time()  # type: ignore[attr-defined]


def test_unknown_url_is_refused_with_404() -> None:
    fake = FakeKraken()
    with pytest.raises(KrakenTransportError) as caught:
        fake.ws_connector().connect("wss://ws.kraken.com/v3")
    assert caught.value.status == 404


def test_book_every_checksum_right_over_two_hundred_messages() -> None:
    fake = FakeKraken(seed=21)
    conn = connected(fake)
    subscribe(conn, channel="book", symbol=["BTC/USD"], depth=25)
    ack = text_of(conn)
    assert ack["success"] is True
    assert ack["result"] == {"channel": "book", "depth": 25, "snapshot": True, "symbol": "BTC/USD"}
    book = ReferenceBook(depth=25)
    checked = 0
    for _ in range(200):
        message = text_of(conn)
        if message.get("channel") != "book":
            continue
        mine, sent = book.apply(message)
        assert mine == sent
        checked += 1
    assert checked > 150
    # What the client maintained is the exchange's book.
    assert book.top()["bids"][:10] == fake.book("BTC/USD", 10)["bids"]
    assert book.top()["asks"][:10] == fake.book("BTC/USD", 10)["asks"]


def test_bad_checksum_spoils_exactly_one_message() -> None:
    fake = FakeKraken(seed=4)
    conn = connected(fake)
    subscribe(conn, channel="book", symbol=["ETH/USD"])
    text_of(conn)  # ack
    book = ReferenceBook(depth=10)
    results: list[bool] = []
    for _ in range(10):
        mine, sent = book.apply(text_of(conn))
        assert mine == sent
    fake.faults.ws("bad_checksum")
    for _ in range(30):
        message = text_of(conn)
        if message.get("channel") == "book":
            mine, sent = book.apply(message)
            results.append(mine == sent)
    assert results[0] is False
    assert results.count(False) == 1
    assert fake.faults.served == [("bad_checksum", "book")]


def test_heartbeat_once_a_second_of_quiet() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    subscribe(conn, channel="instrument")
    assert text_of(conn)["result"]["channel"] == "instrument"
    snapshot = text_of(conn)
    assert {p["symbol"] for p in snapshot["data"]["pairs"]} == {"BTC/USD", "ETH/USD"}
    times = []
    for _ in range(3):
        assert text_of(conn) == {"channel": "heartbeat"}
        times.append(fake.now())
    assert times[1] - times[0] == pytest.approx(1.0)
    assert times[2] - times[1] == pytest.approx(1.0)


def test_ticker_and_trade_streams() -> None:
    fake = FakeKraken(seed=2)
    conn = connected(fake)
    subscribe(conn, channel="ticker", symbol=["BTC/USD"], event_trigger="bbo")
    assert text_of(conn)["result"]["event_trigger"] == "bbo"
    snapshot = text_of(conn)
    assert (snapshot["channel"], snapshot["type"]) == ("ticker", "snapshot")
    top = fake.book("BTC/USD", 1)
    assert str(snapshot["data"][0]["bid"]) == top["bids"][0][0]
    subscribe(conn, channel="trade", symbol=["BTC/USD"])
    seen = {"ticker": 0, "trade": 0}
    for _ in range(100):
        message = text_of(conn)
        if message.get("channel") in seen and message.get("type") == "update":
            seen[message["channel"]] += 1
    assert seen["ticker"] > 5
    assert seen["trade"] > 5


def test_subscription_errors() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    subscribe(conn, channel="book", symbol=["XBT/USD"])
    error = text_of(conn)
    assert (error["success"], error["error"]) == (False, "Currency pair not supported XBT/USD")
    subscribe(conn, channel="nope", symbol=["BTC/USD"])
    assert text_of(conn)["error"] == "Subscription name invalid"
    subscribe(conn, channel="book", symbol=["BTC/USD"], depth=7)
    assert text_of(conn)["error"] == "Invalid depth"
    subscribe(conn, channel="book", symbol=["BTC/USD"], snapshot=False)
    assert text_of(conn)["success"] is True
    subscribe(conn, channel="book", symbol=["BTC/USD"])
    assert text_of(conn)["error"] == "Already subscribed"
    send(conn, {"method": "unsubscribe", "params": {"channel": "book", "symbol": ["BTC/USD"]}})
    assert text_of(conn, 0)["method"] == "unsubscribe"
    send(conn, {"method": "fly"})
    assert text_of(conn, 0)["error"] == "Method not found"
    conn.send_text("not json")
    assert text_of(conn, 0)["error"] == "Malformed request"


def test_private_executions_after_a_rest_order() -> None:
    fake = FakeKraken(seed=9)
    client, token = token_for(fake)
    conn = connected(fake, PRIVATE)
    subscribe(conn, channel="executions", token=token, snap_trades=False)
    ack = text_of(conn)
    assert ack["success"] is True
    assert ack["result"]["maxratecount"] == 60
    snapshot = text_of(conn)
    assert (snapshot["type"], snapshot["data"], snapshot["sequence"]) == ("snapshot", [], 1)
    subscribe(conn, channel="balances", token=token)
    text_of(conn)
    balances = text_of(conn)
    assert {b["asset"] for b in balances["data"]} == {"USD", "BTC", "ETH"}
    ask = fake.book("BTC/USD", 1)["asks"][0][0]
    txid = client.submit_order(
        {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": ask, "volume": "0.25",
         "cl_ord_id": "exec-test"}
    )["txid"][0]  # fmt: skip
    update = text_of(conn, 0)
    assert (update["channel"], update["sequence"]) == ("executions", 2)
    kinds = [(e["exec_type"], e["order_status"]) for e in update["data"]]
    assert kinds == [("new", "new"), ("trade", "filled"), ("filled", "filled")]
    assert {e["order_id"] for e in update["data"]} == {txid}
    trade = update["data"][1]
    assert str(trade["last_price"]) == ask
    assert trade["cl_ord_id"] == "exec-test"
    ledger = text_of(conn, 0)
    assert ledger["channel"] == "balances"
    amounts = {e["asset"]: e["amount"] for e in ledger["data"]}
    assert amounts["BTC"] == Decimal("0.25")
    assert amounts["USD"] == -Decimal(ask) * Decimal("0.25")


def test_trading_over_the_websocket() -> None:
    fake = FakeKraken(seed=9)
    _, token = token_for(fake)
    conn = connected(fake, PRIVATE)
    bid = fake.book("BTC/USD", 1)["bids"][0][0]
    send(conn, {"method": "add_order", "req_id": 5, "params": {
        "order_type": "limit", "side": "buy", "order_qty": 0.01, "symbol": "BTC/USD",
        "limit_price": float(bid) - 100, "token": token}})  # fmt: skip
    reply = text_of(conn, 0)
    assert (reply["method"], reply["success"], reply["req_id"]) == ("add_order", True, 5)
    order_id = reply["result"]["order_id"]
    assert fake.open_orders() == [order_id]
    send(conn, {"method": "cancel_order", "params": {"order_id": [order_id], "token": token}})
    assert text_of(conn, 0)["result"] == {"order_id": order_id}
    assert fake.open_orders() == []
    send(conn, {"method": "add_order", "params": {"order_type": "limit", "side": "buy",
                                                  "order_qty": 1, "symbol": "BTC/USD",
                                                  "limit_price": 1, "token": "bogus"}})  # fmt: skip
    assert text_of(conn, 0)["error"] == "EAPI:Invalid token"


def test_tokens_invalid_expired_or_invalidated() -> None:
    fake = FakeKraken()
    conn = connected(fake, PRIVATE)
    subscribe(conn, channel="executions", token="made-up")
    assert text_of(conn, 0)["error"] == "EAPI:Invalid token"
    _, token = token_for(fake)
    fake.clock.advance(901)  # type: ignore[attr-defined]
    subscribe(conn, channel="executions", token=token)
    assert text_of(conn, 0)["error"] == "EAPI:Invalid token"
    _, token = token_for(fake)
    fake.faults.ws("invalidate_tokens")
    subscribe(conn, channel="balances", token=token)
    assert text_of(conn, 0)["error"] == "EAPI:Invalid token"


def test_a_used_token_outlives_fifteen_minutes() -> None:
    fake = FakeKraken()
    _, token = token_for(fake)
    conn = connected(fake, PRIVATE)
    subscribe(conn, channel="balances", token=token)
    assert text_of(conn, 0)["success"] is True
    fake.clock.advance(2000)  # type: ignore[attr-defined]
    subscribe(conn, channel="executions", token=token)
    assert reply_of(conn)["success"] is True


# ---------------------------------------------------------------------------- faults


def test_drop_is_a_1006_close() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    fake.faults.ws("drop")
    assert conn.receive(0) == Closed(1006, "")
    assert fake.connections == 0
    with pytest.raises(KrakenTransportError):
        conn.send_text("{}")
    with pytest.raises(KrakenTransportError):
        conn.ping()


def test_close_with_a_chosen_code() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    fake.faults.ws("close:4001")
    received = conn.receive(0)
    assert isinstance(received, Closed)
    assert received.code == 4001


def test_garbage_is_not_json() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    fake.faults.ws("garbage")
    received = conn.receive(0)
    assert isinstance(received, TextMessage)
    with pytest.raises(ValueError, match="Expecting"):
        json.loads(received.text)


def test_silence_answers_nothing_not_even_pings() -> None:
    fake = FakeKraken()
    conn = connected(fake)
    subscribe(conn, channel="book", symbol=["BTC/USD"])
    text_of(conn)
    text_of(conn)
    fake.faults.ws("silence")
    start = fake.now()
    conn.ping()
    assert conn.receive(5) == TimedOut()
    assert fake.now() == pytest.approx(start + 5)
    conn.send_text(json.dumps({"method": "ping"}))
    assert conn.receive(1) == TimedOut()


def test_faults_wait_for_a_connection_and_respect_the_path() -> None:
    fake = FakeKraken()
    fake.faults.ws("close:4002", path="/ws/v1")
    public = connected(fake)
    assert public.receive(0) == TimedOut()
    futures = fake.ws_connector().connect(FUTURES)
    assert futures.receive(0) == TextMessage('{"event":"info","version":1}')
    received = futures.receive(0)
    assert isinstance(received, Closed)
    assert received.code == 4002


def test_two_connections_each_get_their_own_stream() -> None:
    fake = FakeKraken(seed=6)
    one, two = connected(fake), connected(fake)
    subscribe(one, channel="book", symbol=["BTC/USD"])
    subscribe(two, channel="book", symbol=["ETH/USD"])
    text_of(one)
    text_of(two)
    books = {"one": ReferenceBook(10), "two": ReferenceBook(10)}
    for _ in range(20):
        for name, conn in (("one", one), ("two", two)):
            message = text_of(conn)
            if message.get("channel") == "book":
                mine, sent = books[name].apply(message)
                assert mine == sent
    assert books["one"].top()["bids"] == fake.book("BTC/USD")["bids"]


# ---------------------------------------------------------------------------- futures


def test_futures_challenge_and_private_feed() -> None:
    fake = FakeKraken()
    conn = connected(fake, FUTURES)
    send(conn, {"event": "challenge", "api_key": FAKE_FUTURES_KEY})
    challenge = text_of(conn, 0)
    assert challenge["event"] == "challenge"
    original = challenge["message"]
    signed = futures_signature(FAKE_FUTURES_SECRET, original)
    auth = {"api_key": FAKE_FUTURES_KEY, "original_challenge": original}
    send(conn, {"event": "subscribe", "feed": "open_orders", **auth,
                "signed_challenge": signed})  # fmt: skip
    ack = text_of(conn, 0)
    assert (ack["event"], ack["feed"]) == ("subscribed", "open_orders")
    assert text_of(conn, 0)["feed"] == "open_orders_snapshot"
    wrong = futures_signature(new_secret("other"), original)
    send(conn, {"event": "subscribe", "feed": "fills", **auth, "signed_challenge": wrong})
    assert text_of(conn, 0)["event"] == "subscribed_failed"
    # A challenge issued on another connection does not count here.
    other = connected(fake, FUTURES)
    send(other, {"event": "subscribe", "feed": "fills", **auth, "signed_challenge": signed})
    assert text_of(other, 0)["event"] == "subscribed_failed"
    send(conn, {"event": "challenge", "api_key": "unknown"})
    assert text_of(conn, 0)["event"] == "error"


def test_futures_book_snapshot_then_contiguous_deltas() -> None:
    fake = FakeKraken(seed=8)
    conn = connected(fake, FUTURES)
    send(conn, {"event": "subscribe", "feed": "book", "product_ids": ["PF_XBTUSD"]})
    assert text_of(conn, 0)["event"] == "subscribed"
    snapshot = text_of(conn, 0)
    assert snapshot["feed"] == "book_snapshot"
    bids = {level["price"]: level["qty"] for level in snapshot["bids"]}
    asks = {level["price"]: level["qty"] for level in snapshot["asks"]}
    seq = snapshot["seq"]
    for _ in range(300):
        delta = text_of(conn)
        assert delta["feed"] == "book"
        assert delta["seq"] == seq + 1
        seq = delta["seq"]
        side = bids if delta["side"] == "buy" else asks
        if delta["qty"] == 0:
            side.pop(delta["price"], None)
        else:
            side[delta["price"]] = delta["qty"]
    top = fake.book("PF_XBTUSD", 10)
    assert [str(p) for p in sorted(bids, reverse=True)[:10]] == [p for p, _ in top["bids"]]
    assert [str(p) for p in sorted(asks)[:10]] == [p for p, _ in top["asks"]]


def test_futures_heartbeat_and_ticker() -> None:
    fake = FakeKraken()
    conn = connected(fake, FUTURES)
    send(conn, {"event": "subscribe", "feed": "heartbeat"})
    assert text_of(conn, 0) == {"event": "subscribed", "feed": "heartbeat"}
    first, second = text_of(conn), text_of(conn)
    assert first["feed"] == second["feed"] == "heartbeat"
    assert second["time"] - first["time"] == 1000
    send(conn, {"event": "subscribe", "feed": "ticker", "product_ids": ["PF_ETHUSD"]})
    assert text_of(conn, 0)["product_ids"] == ["PF_ETHUSD"]
    ticker = text_of(conn, 0)
    assert (ticker["feed"], ticker["product_id"]) == ("ticker", "PF_ETHUSD")
    send(conn, {"event": "subscribe", "feed": "book", "product_ids": ["PI_NOPE"]})
    assert text_of(conn, 0) == {"event": "error", "message": "Invalid product id"}


# ---------------------------------------------------------------------------- async


@pytest.mark.anyio
async def test_async_connection_book_and_drop() -> None:
    fake = FakeKraken(seed=13)
    conn = await fake.async_ws_connector().connect(PUBLIC)
    assert isinstance(conn, AsyncWsConnection)

    async def message(timeout: float | None = 10.0) -> dict[str, Any]:
        received = await conn.receive(timeout)
        assert isinstance(received, TextMessage), received
        decoded: dict[str, Any] = decode(received.text)
        return decoded

    assert (await message(0))["channel"] == "status"
    await conn.send_text(json.dumps(
        {"method": "subscribe", "params": {"channel": "book", "symbol": ["BTC/USD"]}}
    ))  # fmt: skip
    assert (await message())["success"] is True
    book = ReferenceBook(10)
    for _ in range(50):
        mine, sent = book.apply(await message())
        assert mine == sent
    await conn.ping()
    assert await conn.receive(0) == Pong()
    fake.faults.ws("drop")
    assert await conn.receive(1) == Closed(1006, "")
    await conn.close()


@pytest.mark.anyio
async def test_async_connection_times_out_on_virtual_time() -> None:
    fake = FakeKraken()
    conn = await fake.async_ws_connector().connect(FUTURES)
    assert isinstance(await conn.receive(0), TextMessage)
    start = fake.now()
    assert await conn.receive(3) == TimedOut()
    assert fake.now() == start + 3  # waiting on a virtual clock moves it
    assert await conn.receive(None) == TimedOut()  # nothing will ever come: no endless wait
    assert fake.now() == start + 3

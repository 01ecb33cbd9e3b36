"""Spot REST through the SDK's own SpotClient on the in-memory transport (virtual time)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from kraken import AsyncSpotClient, SpotClient
from kraken.core.errors import (
    InsufficientFundsError,
    InvalidNonceError,
    KrakenAPIError,
    KrakenTimeoutError,
    KrakenTransportError,
    RateLimitError,
)
from kraken.core.rest.values import Request
from kraken.testing.fake import FakeKraken, VirtualClock
from kraken.testing.fake.clock import DEFAULT_START

from .helpers import envelope, new_secret, signed_spot


def make(tag: str) -> tuple[FakeKraken, SpotClient, str, str]:
    """A fake with its own key (client rate-limit models are shared per key in a process)."""
    key, secret = f"key-{tag}", new_secret(tag)
    fake = FakeKraken(seed=5, keys={key: secret})
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock, retry=None)  # fmt: skip
    return fake, client, key, secret


def test_public_market_data() -> None:
    fake, client, _, _ = make("public")
    assert client.get_server_time()["unixtime"] == int(DEFAULT_START)
    assert client.get_system_status()["status"] == "online"
    pairs = client.get_asset_pairs({"pair": "XBTUSD"})
    assert pairs["XXBTZUSD"]["wsname"] == "XBT/USD"
    assert pairs["XXBTZUSD"]["pair_decimals"] == 1
    book = fake.book("XBTUSD", 5)
    ticker = client.get_ticker({"pair": "XBTUSD"})["XXBTZUSD"]
    assert ticker["a"][0] == book["asks"][0][0]
    assert ticker["b"][0] == book["bids"][0][0]
    depth = client.get_order_book({"pair": "XXBTZUSD", "count": 5})["XXBTZUSD"]
    assert [(p, q) for p, q, _ in depth["asks"]] == book["asks"]
    assert [(p, q) for p, q, _ in depth["bids"]] == book["bids"]
    assert "XXBT" in client.get_asset_info()
    with pytest.raises(KrakenAPIError, match="Unknown asset pair"):
        client.get_ticker({"pair": "DOGEUSD"})


def test_trades_appear_as_time_passes() -> None:
    fake, client, _, _ = make("trades")
    fake.clock.advance(30)  # type: ignore[attr-defined]
    trades = client.get_recent_trades({"pair": "XBTUSD"})["XXBTZUSD"]
    assert trades
    assert all(row[3] in ("b", "s") for row in trades)


def test_balances_order_fill_and_query() -> None:
    fake, client, _, _ = make("fill")
    assert client.get_account_balance() == {
        "ZUSD": "100000.0000",
        "XXBT": "10.0000000000",
        "XETH": "100.0000000000",
    }
    ask = fake.book("BTC/USD", 1)["asks"][0][0]
    placed = client.submit_order(
        {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": ask, "volume": "0.5"}
    )
    (txid,) = placed["txid"]
    assert placed["descr"]["order"] == f"buy 0.50000000 XBTUSD @ limit {ask}"
    info = client.get_orders({"txid": txid, "trades": True})[txid]
    assert info["status"] == "closed"
    assert info["vol_exec"] == "0.50000000"
    cost = Decimal(ask) * Decimal("0.5")
    assert Decimal(info["cost"]) == cost
    assert len(info["trades"]) == 1
    balance = client.get_account_balance()
    assert Decimal(balance["XXBT"]) == Decimal("10.5")
    assert Decimal(balance["ZUSD"]) == Decimal(100000) - cost
    history = client.get_trades_history()
    assert history["count"] == 1
    assert client.get_closed_orders()["closed"][txid]["status"] == "closed"


def test_resting_order_rests_then_fills_when_the_walk_reaches_it() -> None:
    fake, client, _, _ = make("rest")
    bid = fake.book("BTC/USD", 1)["bids"][0][0]
    (txid,) = client.submit_order(
        {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": bid, "volume": "0.1",
         "cl_ord_id": "my-first-order"}
    )["txid"]  # fmt: skip
    assert client.get_open_orders()["open"][txid]["cl_ord_id"] == "my-first-order"
    # Funds are held while it rests.
    held = client.get_extended_balance()["ZUSD"]["hold_trade"]
    assert Decimal(held) == Decimal(bid) * Decimal("0.1")
    for _ in range(2000):  # bounded: seeded walk, fills within a few hundred steps
        fake.clock.advance(0.25)  # type: ignore[attr-defined]
        if client.get_orders({"txid": txid})[txid]["status"] == "closed":
            break
    info = fake.order(txid)
    assert info is not None
    assert info["status"] == "closed"
    assert info["price"] == bid  # a maker fill at the limit price


def test_cancel_by_txid_and_by_client_order_id() -> None:
    fake, client, _, _ = make("cancel")
    bid = Decimal(fake.book("BTC/USD", 1)["bids"][0][0])
    low = str(bid - 500)
    first = client.submit_order(
        {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": low, "volume": "0.01"}
    )["txid"][0]
    client.submit_order(
        {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": low, "volume": "0.01",
         "cl_ord_id": "abc"}
    )  # fmt: skip
    assert len(fake.open_orders()) == 2
    assert client.cancel_order({"txid": first}) == {"count": 1}
    assert client.cancel_order({"cl_ord_id": "abc"}) == {"count": 1}
    assert fake.open_orders() == []
    assert client.get_orders({"txid": first})[first]["status"] == "canceled"
    with pytest.raises(KrakenAPIError, match="Unknown order"):
        client.cancel_order({"txid": first})


def test_order_rejections() -> None:
    fake, client, _, _ = make("reject")
    ask = fake.book("BTC/USD", 1)["asks"][0][0]
    base = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": ask}
    with pytest.raises(InsufficientFundsError):
        client.submit_order({**base, "volume": "100"})
    with pytest.raises(KrakenAPIError, match="Order minimum not met"):
        client.submit_order({**base, "volume": "0.00001"})
    with pytest.raises(KrakenAPIError, match="up to 1 decimals"):
        client.submit_order({**base, "price": "100.25", "volume": "0.01"})
    with pytest.raises(KrakenAPIError, match="Post only order"):
        client.submit_order({**base, "volume": "0.01", "oflags": "post"})
    with pytest.raises(KrakenAPIError, match="Invalid arguments:ordertype"):
        client.submit_order({**base, "ordertype": "stop-loss", "volume": "0.01"})
    validated = client.submit_order({**base, "volume": "0.01", "validate": True})
    assert "txid" not in validated
    assert fake.open_orders() == []
    assert client.cancel_all_orders() == {"count": 0}


def test_market_sell_fills_at_the_best_bid() -> None:
    fake, client, _, _ = make("market")
    bid = fake.book("BTC/USD", 1)["bids"][0][0]
    (txid,) = client.submit_order(
        {"pair": "XBTUSD", "type": "sell", "ordertype": "market", "volume": "1"}
    )["txid"]
    info = client.get_orders({"txid": txid})[txid]
    assert (info["status"], info["price"]) == ("closed", bid)


def test_websockets_token() -> None:
    _, client, _, _ = make("token")
    first, second = client.get_websockets_token(), client.get_websockets_token()
    assert first["expires"] == 900
    assert len(first["token"]) == 43
    assert first["token"] != second["token"]


def test_strict_nonces_per_key() -> None:
    fake, _, key, secret = make("nonce")
    assert envelope(fake.handle_rest(signed_spot("Balance", key, secret, 100)))["error"] == []
    for stale in (100, 99, 1):
        reply = envelope(fake.handle_rest(signed_spot("Balance", key, secret, stale)))
        assert reply == {"error": ["EAPI:Invalid nonce"]}
    assert envelope(fake.handle_rest(signed_spot("Balance", key, secret, 101)))["error"] == []
    assert fake.nonces(key) == (100, 101)


def test_nonce_window_accepts_late_unseen_nonces_once() -> None:
    key, secret = "window-key", new_secret("window")
    fake = FakeKraken(keys={key: secret}, nonce_window=10)

    def error(nonce: int) -> list[str]:
        return envelope(fake.handle_rest(signed_spot("Balance", key, secret, nonce)))["error"]

    assert error(100) == []
    assert error(95) == []
    assert error(95) == ["EAPI:Invalid nonce"]
    assert error(89) == ["EAPI:Invalid nonce"]
    assert error(120) == []


def test_forged_requests_are_refused_without_consuming_nonces() -> None:
    fake, _, key, secret = make("forged")
    wrong = signed_spot("Balance", key, new_secret("someone else"), 7)
    assert envelope(fake.handle_rest(wrong)) == {"error": ["EAPI:Invalid signature"]}
    unknown = signed_spot("Balance", "nobody", secret, 8)
    assert envelope(fake.handle_rest(unknown)) == {"error": ["EAPI:Invalid key"]}
    assert fake.nonces(key) == ()


def test_client_nonces_arrive_strictly_rising() -> None:
    fake, client, key, _ = make("rising")
    for _ in range(5):
        client.get_account_balance()
    history = fake.nonces(key)
    assert len(history) == 5
    assert list(history) == sorted(set(history))


def test_call_counter_refuses_a_burst_when_the_client_does_not_limit() -> None:
    key, secret = "burst-key", new_secret("burst")
    fake = FakeKraken(keys={key: secret})
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock, rate_limit="off", retry=None)  # fmt: skip
    for _ in range(15):  # Starter: at most 15, all at the same (virtual) instant
        client.get_account_balance()
    with pytest.raises(RateLimitError) as caught:
        client.get_account_balance()
    assert caught.value.code == "EAPI:Rate limit exceeded"
    assert fake.spot_counter(key) == pytest.approx(15)
    fake.clock.advance(1 / 0.33 + 0.01)  # type: ignore[attr-defined]
    client.get_account_balance()  # one unit decayed


def test_history_calls_cost_two() -> None:
    key, secret = "history-key", new_secret("history")
    fake = FakeKraken(keys={key: secret}, tier="pro")
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock, rate_limit="off", retry=None)  # fmt: skip
    client.get_trades_history()
    client.get_account_balance()
    assert fake.spot_counter(key) == pytest.approx(3)


def test_the_client_rate_limiter_keeps_under_the_fakes_counter() -> None:
    key, secret = "polite-key", new_secret("polite")
    fake = FakeKraken(keys={key: secret})
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock, retry=None)  # fmt: skip
    for _ in range(40):  # the client waits (in virtual time) instead of overflowing
        client.get_account_balance()
    assert fake.now() > DEFAULT_START + 20
    assert len(fake.nonces(key)) == 40


def test_trading_counter_refuses_the_61st_order_in_a_burst() -> None:
    key, secret = "trader-key", new_secret("trader")
    fake = FakeKraken(keys={key: secret})
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock, rate_limit="off", retry=None)  # fmt: skip
    order = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "20000.0",
             "volume": "0.001", "validate": True}  # fmt: skip
    for _ in range(60):
        client.submit_order(order)
    with pytest.raises(RateLimitError) as caught:
        client.submit_order(order)
    assert caught.value.code == "EOrder:Rate limit exceeded"
    assert fake.trading_counter("XBTUSD") == pytest.approx(60)
    fake.clock.advance(1.01)  # type: ignore[attr-defined]
    client.submit_order(order)


def test_cancelling_a_young_order_costs_eight() -> None:
    key, secret = "young-key", new_secret("young")
    fake = FakeKraken(keys={key: secret})
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock, rate_limit="off", retry=None)  # fmt: skip
    (txid,) = client.submit_order(
        {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "20000.0",
         "volume": "0.001"}
    )["txid"]  # fmt: skip
    client.cancel_order({"txid": txid})
    assert fake.trading_counter("XBTUSD") == pytest.approx(1 + 8)


# ---------------------------------------------------------------------------- faults


def test_http500_then_the_client_retries_a_safe_call() -> None:
    fake = FakeKraken()
    client = SpotClient(transport=fake.transport(), clock=fake.clock)
    fake.faults.next_rest("http500")
    assert client.get_server_time()["unixtime"] >= int(DEFAULT_START)
    assert fake.faults.served == [("http", "/0/public/Time")]
    assert fake.requests == 2


@pytest.mark.parametrize(
    ("kind", "status", "excerpt"),
    [("http500", 500, "Internal Server Error"), ("http429", 429, "Too Many Requests"),
     ("http:503", 503, "Service Unavailable"), ("malformed", 200, '{"error":[],"result"'),
     ("html", 502, "<!DOCTYPE html>"), ("html:200", 200, "<title>200 OK")],
)  # fmt: skip
def test_transport_level_faults(kind: str, status: int, excerpt: str) -> None:
    fake, client, _, _ = make(f"fault-{kind}")
    fake.faults.next_rest(kind)
    with pytest.raises(KrakenTransportError) as caught:
        client.get_account_balance()
    assert caught.value.status == status
    assert excerpt in caught.value.body_excerpt


def test_http429_carries_retry_after() -> None:
    fake = FakeKraken()
    fake.faults.next_rest("http429")
    response = fake.transport().send(Request("GET", "https://api.kraken.com/0/public/Time"))
    assert (response.status, response.headers["retry-after"]) == (429, "1")


def test_rate_limit_fault() -> None:
    fake, client, _, _ = make("fault-rl")
    fake.faults.next_rest("rate_limit")
    with pytest.raises(RateLimitError) as caught:
        client.get_account_balance()
    assert caught.value.code == "EAPI:Rate limit exceeded"


def test_throttled_fault_names_when_to_retry() -> None:
    fake, client, _, _ = make("fault-throttle")
    fake.faults.next_rest("throttled:3")
    now = fake.now()
    with pytest.raises(RateLimitError) as caught:
        client.get_account_balance()
    assert caught.value.code == f"EService:Throttled:{math.ceil(now + 3)}"
    assert caught.value.retry_at == math.ceil(now + 3)


def test_slow_reply_passes_in_virtual_time() -> None:
    fake, client, _, _ = make("fault-slow")
    fake.faults.next_rest("slow:4")
    before = fake.now()
    assert "ZUSD" in client.get_account_balance()
    assert fake.now() == pytest.approx(before + 4)


def test_slow_reply_past_the_transport_timeout() -> None:
    key, secret = "slow-timeout", new_secret("slow-timeout")
    fake = FakeKraken(keys={key: secret})
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(timeout=1.0),
                        clock=fake.clock, retry=None)  # fmt: skip
    fake.faults.next_rest("slow:10")
    before = fake.now()
    with pytest.raises(KrakenTimeoutError):
        client.get_account_balance()
    assert fake.now() == pytest.approx(before + 1.0)
    assert len(fake.nonces(key)) == 1  # the exchange did act: only the reply was lost


def test_invalid_nonce_is_healed_by_one_fresh_nonce() -> None:
    key, secret = "heal-key", new_secret("heal")
    fake = FakeKraken(keys={key: secret})
    # Someone else used a nonce far in the future for this key.
    future = (int(fake.now()) + 3600) * 1_000_000_000
    assert envelope(fake.handle_rest(signed_spot("Balance", key, secret, future)))["error"] == []
    client = SpotClient(api_key=key, api_secret=secret, transport=fake.transport(),
                        clock=fake.clock)  # fmt: skip
    with pytest.raises(InvalidNonceError):
        client.get_account_balance()


@pytest.mark.anyio
async def test_async_client_in_memory() -> None:
    key, secret = "async-key", new_secret("async")
    fake = FakeKraken(keys={key: secret}, clock=VirtualClock())
    client = AsyncSpotClient(api_key=key, api_secret=secret, transport=fake.async_transport(),
                             clock=fake.clock, retry=None)  # fmt: skip
    async with client:
        assert (await client.get_server_time())["unixtime"] == int(DEFAULT_START)
        bid = fake.book("ETH/USD", 1)["bids"][0][0]
        placed = await client.submit_order(
            {"pair": "ETHUSD", "type": "sell", "ordertype": "market", "volume": "2"}
        )
        info = (await client.get_orders({"txid": placed["txid"][0]}))[placed["txid"][0]]
        assert (info["status"], info["price"]) == ("closed", bid)
        assert Decimal((await client.get_account_balance())["XETH"]) == 98
        fake.faults.next_rest("slow:3")
        await client.get_account_balance()
        assert fake.now() == pytest.approx(DEFAULT_START + 3)
        fake.faults.next_rest("rate_limit")
        with pytest.raises(RateLimitError):
            await client.get_account_balance()


@pytest.mark.anyio
async def test_async_transport_timeout() -> None:
    fake = FakeKraken()
    client = AsyncSpotClient(transport=fake.async_transport(timeout=0.5), clock=fake.clock,
                             retry=None)  # fmt: skip
    fake.faults.next_rest("slow:2")
    with pytest.raises(KrakenTimeoutError):
        await client.get_server_time()

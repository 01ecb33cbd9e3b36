"""Futures REST through the SDK's DerivativesClient on the in-memory transport."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kraken import DerivativesClient
from kraken.core.errors import (
    AuthenticationError,
    InvalidNonceError,
    OrderNotAcceptedError,
    RateLimitError,
)
from kraken.core.rest.values import Request
from kraken.testing.fake import FakeKraken

from .helpers import envelope, futures_signature, new_secret

KEY = "futures-memory"


def make(tag: str) -> tuple[FakeKraken, DerivativesClient]:
    key, secret = f"{KEY}-{tag}", new_secret(f"futures-{tag}")
    fake = FakeKraken(seed=12, futures_keys={key: secret})
    client = DerivativesClient(api_key=key, api_secret=secret, transport=fake.transport(),
                               clock=fake.clock, retry=None, rate_limit="off")  # fmt: skip
    return fake, client


def test_public_tickers_and_book() -> None:
    fake, client = make("public")
    tickers = {t["symbol"]: t for t in client.get_tickers()["tickers"]}
    top = fake.book("PF_XBTUSD", 1)
    assert str(tickers["PF_XBTUSD"]["bid"]) == top["bids"][0][0]
    assert str(tickers["PF_XBTUSD"]["ask"]) == top["asks"][0][0]
    assert tickers["PF_XBTUSD"]["tag"] == "perpetual"
    assert client.get_ticker({"symbol": "PF_ETHUSD"})["ticker"]["symbol"] == "PF_ETHUSD"


def test_orders_fill_and_make_positions() -> None:
    fake, client = make("orders")
    ask = fake.book("PF_XBTUSD", 1)["asks"][0][0]
    bought = client.submit_order(
        {"orderType": "mkt", "symbol": "PF_XBTUSD", "side": "buy", "size": "3"}
    )["sendStatus"]
    assert bought["status"] == "placed"
    execution = bought["orderEvents"][1]
    assert execution["type"] == "EXECUTION"
    assert str(execution["price"]) == ask
    bid = Decimal(fake.book("PF_XBTUSD", 1)["bids"][0][0])
    resting = client.submit_order(
        {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": "1",
         "limitPrice": str(bid - 50), "cliOrdId": "mine"}
    )["sendStatus"]  # fmt: skip
    assert [e["type"] for e in resting["orderEvents"]] == ["PLACE"]
    assert [o["order_id"] for o in client.get_open_orders()["openOrders"]] == [resting["order_id"]]
    cancelled = client.cancel_order({"cliOrdId": "mine"})["cancelStatus"]
    assert cancelled["status"] == "cancelled"
    positions = client.get_open_positions()["openPositions"]
    assert [(p["symbol"], p["side"], p["size"]) for p in positions] == [("PF_XBTUSD", "long", 3)]
    accounts = client.get_accounts()["accounts"]["flex"]
    assert accounts["currencies"]["USD"]["quantity"] == 10000


def test_refused_order_statuses() -> None:
    fake, client = make("refused")
    ask = Decimal(fake.book("PF_ETHUSD", 1)["asks"][0][0])
    with pytest.raises(OrderNotAcceptedError, match="postWouldExecute"):
        client.submit_order({"orderType": "post", "symbol": "PF_ETHUSD", "side": "buy",
                             "size": "1", "limitPrice": str(ask)})  # fmt: skip
    with pytest.raises(OrderNotAcceptedError, match="iocWouldNotExecute"):
        client.submit_order({"orderType": "ioc", "symbol": "PF_ETHUSD", "side": "buy",
                             "size": "1", "limitPrice": str(ask - 100)})  # fmt: skip
    with pytest.raises(OrderNotAcceptedError, match="notFound"):
        client.cancel_order({"order_id": "no-such-order"})


def test_authent_and_nonces() -> None:
    key, secret = "futures-auth", new_secret("futures-auth")
    fake = FakeKraken(futures_keys={key: secret})
    path = "/derivatives/api/v3/accounts"

    def raw(nonce: str) -> dict[str, object]:
        """GET accounts signed here: Authent over nonce + path without /derivatives."""
        signature = futures_signature(secret, nonce + path.removeprefix("/derivatives"))
        headers = {"APIKey": key, "Nonce": nonce, "Authent": signature}
        reply: dict[str, object] = envelope(
            fake.handle_rest(Request("GET", "https://futures.kraken.com" + path, headers))
        )
        return reply

    wrong = DerivativesClient(api_key=key, api_secret=new_secret("wrong"),
                              transport=fake.transport(), retry=None)  # fmt: skip
    with pytest.raises(AuthenticationError):
        wrong.get_accounts()
    assert raw("1000")["result"] == "success"
    assert raw("1000")["error"] == "nonceDuplicate"
    assert raw("999")["error"] == "nonceBelowThreshold"
    assert fake.futures_nonces(key) == (1000,)
    client = DerivativesClient(api_key=key, api_secret=secret, transport=fake.transport(),
                               retry=None)  # fmt: skip
    client.get_accounts()  # the SDK's own signature passes the fake's independent check
    # Someone used a far-future nonce on this key: the client's nonces are now all too low.
    assert raw("10000000000000000000")["result"] == "success"
    with pytest.raises(InvalidNonceError):
        client.get_accounts()


def test_budget_refuses_a_burst() -> None:
    fake, client = make("budget")
    order = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "sell", "size": "1",
             "limitPrice": "90000"}  # fmt: skip
    for _ in range(50):  # 50 x 10 = the whole 500 budget
        client.submit_order(order)
    with pytest.raises(RateLimitError, match="apiLimitExceeded"):
        client.submit_order(order)
    fake.clock.advance(1)  # type: ignore[attr-defined]
    client.submit_order(order)


def test_futures_rate_limit_fault() -> None:
    fake, client = make("fault")
    fake.faults.next_rest("rate_limit", match="/derivatives/")
    with pytest.raises(RateLimitError, match="apiLimitExceeded"):
        client.get_accounts()

"""Futures (Derivatives) REST on the fake exchange: tickers, order book, orders, accounts.

Replies follow https://docs.kraken.com/api/docs/guides/futures-rest: ``{"result": "success",
"serverTime": ..., ...}`` or ``{"result": "error", "serverTime": ..., "error": "<code>"}`` with
HTTP 200. Private calls are checked by :class:`~kraken.testing.fake.auth.FuturesAuth` (its own
Authent code, strictly rising nonces) and charged to the key's 500-per-10-seconds budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import parse_qsl

from kraken.core.rest.values import Response
from kraken.testing.fake.market import FUTURES_PRODUCTS
from kraken.testing.fake.state import State
from kraken.testing.fake.wire import dumps, iso_millis

__all__ = ["handle_futures"]

_PREFIX = "/derivatives/api/v3/"
_JSON = {"content-type": "application/json"}
_PUBLIC = frozenset({"tickers", "orderbook", "instruments"})


def _reply(payload: dict[str, object], now: float, status: int = 200) -> Response:
    body = {"result": payload.pop("result", "success"), **payload, "serverTime": iso_millis(now)}
    return Response(status, _JSON, dumps(body).encode())


def error_reply(code: str, now: float, status: int = 200) -> Response:
    """Kraken's futures error envelope."""
    return _reply({"result": "error", "error": code}, now, status)


def handle_futures(
    state: State, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes,
    now: float,
) -> Response:  # fmt: skip
    """Answer one ``/derivatives/api/v3/*`` request (``headers``: lower-case names)."""
    endpoint = path.removeprefix(_PREFIX)
    name = endpoint.split("/", 1)[0]
    params = dict(parse_qsl(query, keep_blank_values=True))
    if body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if name in _PUBLIC:
        return _public(state, endpoint, params, now)
    api_key, code = state.futures_auth.check_rest(headers, path, query, body)
    if api_key is None:
        return error_reply(code, now)
    if not state.futures_budget(api_key).charge(state.futures_cost(name), now):
        return error_reply("apiLimitExceeded", now)
    books = state.market.books
    account = state.futures
    if name == "sendorder" and method == "POST":
        status = account.send(params, now, books)
        return _reply({"sendStatus": status}, now)
    if name == "cancelorder" and method == "POST":
        status = account.cancel(params.get("order_id"), params.get("cliOrdId"), now)
        return _reply({"cancelStatus": status}, now)
    if name == "cancelallorders" and method == "POST":
        return _reply({"cancelStatus": account.cancel_all(now)}, now)
    if name == "openorders":
        orders = [o.as_json(now) for o in account.orders.values() if o.status == "open"]
        return _reply({"openOrders": orders}, now)
    if name == "openpositions":
        positions = [
            {
                "side": "long" if size > 0 else "short",
                "symbol": symbol,
                "price": price,
                "fillTime": iso_millis(now),
                "size": abs(size),
                "unrealizedFunding": Decimal(0),
            }
            for symbol, (size, price) in account.positions.items()
        ]
        return _reply({"openPositions": positions}, now)
    if name == "fills":
        fills = [f for o in account.orders.values() for f in o.fills]
        return _reply({"fills": fills}, now)
    if name == "accounts":
        pnl = account.unrealised(books)
        value = account.collateral + pnl
        return _reply(
            {
                "accounts": {
                    "flex": {
                        "type": "multiCollateralMarginAccount",
                        "currencies": {
                            "USD": {
                                "quantity": account.collateral,
                                "value": account.collateral,
                                "collateral": account.collateral,
                                "available": account.collateral,
                            }
                        },
                        "balanceValue": account.collateral,
                        "portfolioValue": value,
                        "collateralValue": account.collateral,
                        "initialMargin": Decimal(0),
                        "maintenanceMargin": Decimal(0),
                        "pnl": pnl,
                        "unrealizedFunding": Decimal(0),
                        "totalUnrealized": pnl,
                        "availableMargin": value,
                        "marginEquity": value,
                    }
                }
            },
            now,
        )
    return error_reply("notFound", now, 404)


def _ticker(state: State, symbol: str, now: float) -> dict[str, object]:
    book = state.market.books[symbol]
    stats = state.market.stats[symbol]
    (bid, bid_qty), (ask, ask_qty) = book.top_bids(1)[0], book.top_asks(1)[0]
    pair = next(p.pair for p in FUTURES_PRODUCTS if p.symbol == symbol)
    return {
        "symbol": symbol,
        "last": stats.last,
        "lastTime": iso_millis(now),
        "tag": "perpetual",
        "pair": pair,
        "markPrice": (book.price(bid) + book.price(ask)) / 2,
        "bid": book.price(bid),
        "bidSize": book.qty(bid_qty),
        "ask": book.price(ask),
        "askSize": book.qty(ask_qty),
        "vol24h": stats.volume,
        "volumeQuote": stats.notional.quantize(Decimal("0.01")),
        "openInterest": Decimal(0),
        "open24h": stats.open,
        "high24h": stats.high,
        "low24h": stats.low,
        "lastSize": stats.last_qty,
        "fundingRate": Decimal(0),
        "suspended": False,
        "postOnly": False,
    }


def _public(state: State, endpoint: str, params: dict[str, str], now: float) -> Response:
    if endpoint == "tickers":
        return _reply({"tickers": [_ticker(state, p.symbol, now) for p in FUTURES_PRODUCTS]}, now)
    if endpoint.startswith("tickers/"):
        symbol = endpoint.removeprefix("tickers/").upper()
        if state.futures.product(symbol) is None:
            return error_reply("notFound", now)
        return _reply({"ticker": _ticker(state, symbol, now)}, now)
    if endpoint == "orderbook":
        product = state.futures.product(params.get("symbol", ""))
        if product is None:
            return error_reply("notFound", now)
        book = state.market.books[product.symbol]
        return _reply(
            {
                "orderBook": {
                    "bids": [[book.price(p), book.qty(q)] for p, q in book.top_bids(100)],
                    "asks": [[book.price(p), book.qty(q)] for p, q in book.top_asks(100)],
                }
            },
            now,
        )
    if endpoint == "instruments":
        return _reply(
            {
                "instruments": [
                    {
                        "symbol": p.symbol,
                        "type": "flexible_futures",
                        "pair": p.pair,
                        "tickSize": Decimal(1).scaleb(-p.price_decimals),
                        "contractSize": 1,
                        "tradeable": True,
                        "contractValuePrecision": p.price_decimals,
                        "fractionalContractValuePrecision": p.qty_decimals,
                        "tags": [],
                    }
                    for p in FUTURES_PRODUCTS
                ]
            },
            now,
        )
    return error_reply("notFound", now, 404)

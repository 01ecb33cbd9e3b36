"""Spot REST on the fake exchange: public market data and the private account/trading calls.

Replies are Kraken's envelope (``{"error": [], "result": ...}``, HTTP 200; errors carry only
``error``; https://docs.kraken.com/api/docs/guides/spot-rest-intro). Private calls are checked by
:class:`~kraken.testing.verify.SpotAuthVerifier` (key, body, ``API-Sign``, then a strictly rising
nonce per key, optionally within a window) and charged to the key's call counter.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from kraken.core.rest.values import Response
from kraken.testing.fake.limits import HISTORY_METHODS, TRADING_METHODS, cancel_cost
from kraken.testing.fake.market import ASSETS, SPOT_INSTRUMENTS, Instrument, find_instrument
from kraken.testing.fake.spot_account import OrderRejected, SpotFill, SpotOrder
from kraken.testing.fake.state import State, Token
from kraken.testing.fake.wire import decimal_text, rfc1123, rfc3339
from kraken.testing.fake.ws_v2 import publish_spot_events

__all__ = ["MAX_OPEN_ORDERS", "handle_spot"]

MAX_OPEN_ORDERS = {"starter": 60, "intermediate": 80, "pro": 225}
"""Open orders per pair before ``EOrder:Orders limit exceeded``."""

_JSON = {"content-type": "application/json"}


def _reply(payload: object, status: int = 200) -> Response:
    return Response(status, _JSON, json.dumps(payload, separators=(",", ":")).encode())


def _ok(result: object) -> Response:
    return _reply({"error": [], "result": result})


def _error(*errors: str, status: int = 200) -> Response:
    # Kraken reports API errors with HTTP 200 and only the "error" key (spot-rest-intro).
    return _reply({"error": list(errors)}, status)


def _params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    params = dict(parse_qsl(query, keep_blank_values=True))
    if body and "json" in content_type:
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = {}
        if isinstance(decoded, dict):
            params.update({k: str(v) for k, v in decoded.items()})
    elif body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def handle_spot(
    state: State, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes,
    now: float,
) -> Response:  # fmt: skip
    """Answer one ``/0/public/*`` or ``/0/private/*`` request (``headers``: lower-case names)."""
    if path.startswith("/0/public/"):
        handler = _PUBLIC.get(path.removeprefix("/0/public/"))
        if handler is None:
            return _error("EGeneral:Unknown method", status=404)
        return handler(state, _params(query, body, headers.get("content-type", "")), now)
    name = path.removeprefix("/0/private/")
    verdict = state.spot_auth.verify(
        api_key=headers.get("api-key"),
        api_sign=headers.get("api-sign"),
        path=path + (f"?{query}" if query else ""),
        body=body,
        content_type=headers.get("content-type"),
    )
    if not verdict.ok:
        return _error(verdict.error)
    api_key = headers["api-key"]
    handler_private = _PRIVATE.get(name)
    if handler_private is None:
        return _error("EGeneral:Unknown method", status=404)
    if name not in TRADING_METHODS:
        cost = state.history_cost if name in HISTORY_METHODS else 1.0
        if not state.spot_counter(api_key).charge(cost, now):
            return _error("EAPI:Rate limit exceeded")
    params = {
        key: (",".join(map(str, value)) if isinstance(value, list) else _plain(value))
        for key, value in verdict.params.items()
    }
    return handler_private(state, api_key, params, now)


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------- public


def _time(state: State, params: dict[str, str], now: float) -> Response:
    return _ok({"unixtime": int(now), "rfc1123": rfc1123(now)})


def _status(state: State, params: dict[str, str], now: float) -> Response:
    return _ok({"status": "online", "timestamp": rfc3339(now)[:19] + "Z"})


def _assets(state: State, params: dict[str, str], now: float) -> Response:
    return _ok(
        {
            asset.code: {
                "aclass": "currency",
                "altname": asset.altname,
                "decimals": asset.decimals,
                "display_decimals": asset.display_decimals,
                "status": "enabled",
            }
            for asset in ASSETS.values()
        }
    )


def _pairs(params: dict[str, str]) -> list[Instrument] | None:
    """The instruments named by ``pair`` (all when absent); None if one is unknown."""
    names = [n for n in params.get("pair", "").split(",") if n]
    if not names:
        return list(SPOT_INSTRUMENTS)
    found = [find_instrument(n) for n in names]
    return None if any(f is None for f in found) else [f for f in found if f is not None]


def _asset_pairs(state: State, params: dict[str, str], now: float) -> Response:
    pairs = _pairs(params)
    if pairs is None:
        return _error("EQuery:Unknown asset pair")
    result = {}
    for item in pairs:
        tick = Decimal(1).scaleb(-item.price_decimals)
        result[item.rest_key] = {
            "altname": item.altname,
            "wsname": item.wsname,
            "aclass_base": "currency",
            "base": item.base,
            "aclass_quote": "currency",
            "quote": item.quote,
            "lot": "unit",
            "cost_decimals": item.cost_decimals,
            "pair_decimals": item.price_decimals,
            "lot_decimals": item.qty_decimals,
            "lot_multiplier": 1,
            "leverage_buy": [],
            "leverage_sell": [],
            "fees": [[0, 0.0]],
            "fees_maker": [[0, 0.0]],
            "fee_volume_currency": "ZUSD",
            "margin_call": 80,
            "margin_stop": 40,
            "ordermin": decimal_text(item.ordermin),
            "costmin": decimal_text(item.costmin),
            "tick_size": decimal_text(tick),
            "status": "online",
        }
    return _ok(result)


def _ticker(state: State, params: dict[str, str], now: float) -> Response:
    pairs = _pairs(params)
    if pairs is None:
        return _error("EQuery:Unknown asset pair")
    result = {}
    for item in pairs:
        book = state.market.books[item.symbol]
        stats = state.market.stats[item.symbol]
        bid, ask = book.top_bids(1)[0], book.top_asks(1)[0]
        price = item.price_decimals
        qty = item.qty_decimals

        def p(value: Decimal, places: int = price) -> str:
            return decimal_text(value, places)

        volume = p(stats.volume, qty)
        result[item.rest_key] = {
            "a": [book.price_text(ask[0]), "1", book.qty_text(ask[1])],
            "b": [book.price_text(bid[0]), "1", book.qty_text(bid[1])],
            "c": [p(stats.last), p(stats.last_qty, qty)],
            "v": [volume, volume],
            "p": [p(stats.vwap()), p(stats.vwap())],
            "t": [stats.trades, stats.trades],
            "l": [p(stats.low), p(stats.low)],
            "h": [p(stats.high), p(stats.high)],
            "o": p(stats.open),
        }
    return _ok(result)


def _one_pair(params: dict[str, str]) -> Instrument | None:
    return find_instrument(params.get("pair", ""))


def _depth(state: State, params: dict[str, str], now: float) -> Response:
    item = _one_pair(params)
    if item is None:
        return _error("EQuery:Unknown asset pair")
    try:
        count = max(1, min(500, int(params.get("count", "100"))))
    except ValueError:
        return _error("EGeneral:Invalid arguments:count")
    book = state.market.books[item.symbol]
    stamp = int(now)

    def levels(side: list[tuple[int, int]]) -> list[list[object]]:
        return [[book.price_text(p), book.qty_text(q), stamp] for p, q in side]

    return _ok(
        {
            item.rest_key: {
                "asks": levels(book.top_asks(count)),
                "bids": levels(book.top_bids(count)),
            }
        }
    )


def _trades(state: State, params: dict[str, str], now: float) -> Response:
    item = _one_pair(params)
    if item is None:
        return _error("EQuery:Unknown asset pair")
    trades = state.market.trades[item.symbol][-1000:]
    rows = [
        [
            decimal_text(t.price, item.price_decimals),
            decimal_text(t.qty, item.qty_decimals),
            round(t.time, 4),
            t.side[0],
            "l",
            "",
            t.trade_id,
        ]
        for t in trades
    ]
    return _ok({item.rest_key: rows, "last": str(int(now * 1_000_000_000))})


_PUBLIC = {
    "Time": _time,
    "SystemStatus": _status,
    "Assets": _assets,
    "AssetPairs": _asset_pairs,
    "Ticker": _ticker,
    "Depth": _depth,
    "Trades": _trades,
}

# ---------------------------------------------------------------------------- private


def _balance(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    account = state.spot
    return _ok({asset: account.balance_text(asset) for asset in account.balances})


def _balance_ex(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    account = state.spot
    return _ok(
        {
            asset: {
                "balance": account.balance_text(asset),
                "hold_trade": account.balance_text(asset, account.held(asset)),
            }
            for asset in account.balances
        }
    )


def _trade_balance(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    total = Decimal(0)
    for asset, amount in state.spot.balances.items():
        if asset == "ZUSD":
            total += amount
            continue
        for item in SPOT_INSTRUMENTS:
            if item.base == asset and item.quote == "ZUSD":
                book = state.market.books[item.symbol]
                total += amount * book.price(book.best_bid())
    text = decimal_text(total, 4)
    return _ok({"eb": text, "tb": text, "m": "0.0000", "n": "0.0000", "c": "0.0000",
                "v": "0.0000", "e": text, "mf": text, "uv": "0.0000"})  # fmt: skip


def order_info(order: SpotOrder, with_trades: bool = False) -> dict[str, Any]:
    """An order as ``QueryOrders``/``OpenOrders``/``ClosedOrders`` show it."""
    item = order.instrument
    info: dict[str, Any] = {
        "refid": None,
        "userref": order.userref if order.userref is not None else 0,
        "cl_ord_id": order.cl_ord_id,
        "status": order.status,
        "opentm": round(order.opentm, 4),
        "starttm": 0,
        "expiretm": 0,
        "descr": {
            "pair": item.altname,
            "type": order.side,
            "ordertype": order.ordertype,
            "price": order.price_text(),
            "price2": "0",
            "leverage": "none",
            "order": order.description(),
            "close": "",
        },
        "vol": decimal_text(order.volume, item.qty_decimals),
        "vol_exec": decimal_text(order.vol_exec, item.qty_decimals),
        "cost": decimal_text(order.cost, item.cost_decimals),
        "fee": decimal_text(Decimal(0), item.cost_decimals),
        "price": decimal_text(order.avg_price, item.price_decimals),
        "stopprice": "0.00000",
        "limitprice": "0.00000",
        "misc": "",
        "oflags": order.oflags or "fciq",
    }
    if order.closetm is not None:
        info["closetm"] = round(order.closetm, 4)
        info["reason"] = order.reason
    if with_trades and order.trades:
        info["trades"] = list(order.trades)
    return info


def _open_orders(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    trades = params.get("trades") == "true"
    return _ok(
        {
            "open": {
                o.txid: order_info(o, trades)
                for o in state.spot.orders.values()
                if o.status == "open"
            }
        }
    )


def _closed_orders(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    trades = params.get("trades") == "true"
    closed = {
        o.txid: order_info(o, trades)
        for o in reversed(list(state.spot.orders.values()))
        if o.status != "open"
    }
    return _ok({"closed": dict(list(closed.items())[:50]), "count": len(closed)})


def _query_orders(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    wanted = [t for t in params.get("txid", "").split(",") if t]
    if not wanted or len(wanted) > 50:
        return _error("EGeneral:Invalid arguments:txid")
    trades = params.get("trades") == "true"
    result = {}
    for txid in wanted:
        order = state.spot.orders.get(txid)
        if order is None:
            return _error("EOrder:Invalid order")
        result[txid] = order_info(order, trades)
    return _ok(result)


def fill_info(fill: SpotFill) -> dict[str, Any]:
    """A fill as ``TradesHistory`` shows it."""
    item = fill.instrument
    return {
        "ordertxid": fill.txid,
        "postxid": "",
        "pair": item.rest_key,
        "time": round(fill.time, 4),
        "type": fill.side,
        "ordertype": "limit" if fill.maker else "market",
        "price": decimal_text(fill.price, item.price_decimals),
        "cost": decimal_text(fill.cost, item.cost_decimals),
        "fee": decimal_text(Decimal(0), item.cost_decimals),
        "vol": decimal_text(fill.volume, item.qty_decimals),
        "margin": decimal_text(Decimal(0), item.cost_decimals),
        "leverage": "0",
        "misc": "",
        "maker": fill.maker,
    }


def _trades_history(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    fills = {tid: fill_info(f) for tid, f in reversed(list(state.spot.fills.items()))}
    return _ok({"trades": dict(list(fills.items())[:50]), "count": len(fills)})


def _add_order(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    item = find_instrument(params.get("pair", ""))
    if item is not None:
        # Charged on receipt, even if the order then fails validation (spot-ratelimits).
        if not state.trading_counter(item.symbol).charge(1.0, now):
            return _error("EOrder:Rate limit exceeded")
        open_here = sum(
            1 for o in state.spot.orders.values() if o.status == "open" and o.instrument is item
        )
        if open_here >= MAX_OPEN_ORDERS[state.tier]:
            return _error("EOrder:Orders limit exceeded")
    try:
        order, validate_only, events = state.spot.place(params, now, state.market.books)
    except OrderRejected as rejected:
        return _error(rejected.error)
    publish_spot_events(state, events, now)
    result: dict[str, Any] = {"descr": {"order": order.description()}}
    if not validate_only:
        result["txid"] = [order.txid]
    return _ok(result)


def cancel_with_counter(state: State, reference: str, now: float) -> int | str:
    """Cancel by txid/userref/cl_ord_id, charging the trading counter; count or error."""
    orders = state.spot.find(reference)
    if not orders:
        return "EOrder:Unknown order"
    for order in orders:
        counter = state.trading_counter(order.instrument.symbol)
        if not counter.charge(cancel_cost(now - order.opentm), now):
            return "EOrder:Rate limit exceeded"
    events = state.spot.cancel(reference, now)
    publish_spot_events(state, events, now)
    return len(orders)


def _cancel_order(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    reference = params.get("txid") or params.get("cl_ord_id")
    if not reference:
        return _error("EGeneral:Invalid arguments:txid")
    outcome = cancel_with_counter(state, reference, now)
    if isinstance(outcome, str):
        return _error(outcome)
    return _ok({"count": outcome})


def _cancel_all(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    events = state.spot.cancel_all(now)
    publish_spot_events(state, events, now)
    return _ok({"count": sum(1 for e in events if getattr(e, "exec_type", "") == "canceled")})


def _cancel_after(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    try:
        timeout = int(params.get("timeout", ""))
    except ValueError:
        return _error("EGeneral:Invalid arguments:timeout")
    if not 0 <= timeout < 86400:
        return _error("EGeneral:Invalid arguments:timeout")
    state.dead_man_at = now + timeout if timeout else None
    current = rfc3339(now)[:19] + "Z"
    trigger = rfc3339(now + timeout)[:19] + "Z" if timeout else "0"
    return _ok({"currentTime": current, "triggerTime": trigger})


def _ws_token(state: State, api_key: str, params: dict[str, str], now: float) -> Response:
    token = Token(state.ids.token(), now, api_key)
    state.tokens[token.value] = token
    return _ok({"token": token.value, "expires": 900})


_PRIVATE = {
    "Balance": _balance,
    "BalanceEx": _balance_ex,
    "TradeBalance": _trade_balance,
    "OpenOrders": _open_orders,
    "ClosedOrders": _closed_orders,
    "QueryOrders": _query_orders,
    "TradesHistory": _trades_history,
    "AddOrder": _add_order,
    "CancelOrder": _cancel_order,
    "CancelAll": _cancel_all,
    "CancelAllOrdersAfter": _cancel_after,
    "GetWebSocketsToken": _ws_token,
}

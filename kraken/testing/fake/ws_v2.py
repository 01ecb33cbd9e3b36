"""Spot WebSocket v2 on the fake exchange: public market data, private streams, a few trades.

Message shapes follow https://docs.kraken.com/api/docs/websocket-v2/ (``status`` on connect,
``ping``/``pong``, one ``subscribe`` ack per symbol, ``book`` with a CRC32 ``checksum`` in
snapshots and updates, ``ticker``, ``trade``, ``instrument``, ``heartbeat`` about once a second
without other traffic; ``executions`` and ``balances`` with a ``GetWebSocketsToken`` token;
``add_order``, ``cancel_order`` and ``cancel_all``). Prices and quantities are JSON numbers
carrying the instrument's full precision, so the checksum text is the wire text.

Book updates are the difference between what a subscription last received and the current top
``depth`` levels: changed or new levels, ``qty: 0`` for levels that left the book, and nothing for
levels that only fell below the subscribed depth (the client truncates), as Kraken's book guide
describes (https://docs.kraken.com/api/docs/guides/spot-ws-book-v2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from kraken.testing.fake.checksum import book_checksum
from kraken.testing.fake.limits import TRADING_TIERS, cancel_cost
from kraken.testing.fake.market import ASSETS, SPOT_INSTRUMENTS, Book, Trade, find_instrument
from kraken.testing.fake.spot_account import Event, LedgerEntry, OrderEvent, OrderRejected
from kraken.testing.fake.state import BookView, State, Token, V2Conn, loads
from kraken.testing.fake.wire import rfc3339

__all__ = ["open_v2", "publish_spot_events", "receive_v2", "step_v2", "tick_v2"]

BOOK_DEPTHS = (10, 25, 100, 500, 1000)
_PUBLIC = ("book", "ticker", "trade", "instrument")
_PRIVATE = ("executions", "balances")
_SPOT = {item.symbol: item for item in SPOT_INSTRUMENTS}


def open_v2(state: State, conn: V2Conn, now: float) -> None:
    """Greet a new connection with the ``status`` message."""
    state.send(
        conn,
        {
            "channel": "status",
            "type": "update",
            "data": [
                {
                    "api_version": "v2",
                    "connection_id": conn.connection_id,
                    "system": "online",
                    "version": "2.0.0",
                }
            ],
        },
        now,
    )


def _reply(
    state: State, conn: V2Conn, method: object, req_id: object, now: float, **fields: Any
) -> None:
    message: dict[str, Any] = {"method": method}
    message.update(fields)
    if req_id is not None:
        message["req_id"] = req_id
    message["time_in"] = message["time_out"] = rfc3339(now)
    state.send(conn, message, now)


def _fail(state: State, conn: V2Conn, method: object, req_id: object, error: str, now: float,
          **fields: Any) -> None:  # fmt: skip
    _reply(state, conn, method, req_id, now, error=error, success=False, **fields)


def receive_v2(state: State, conn: V2Conn, text: str, now: float) -> None:
    """Handle one client frame."""
    try:
        message = loads(text)
    except ValueError:
        _fail(state, conn, None, None, "Malformed request", now)
        return
    if not isinstance(message, dict):
        _fail(state, conn, None, None, "Malformed request", now)
        return
    method = message.get("method")
    req_id = message.get("req_id")
    params = message.get("params")
    params = params if isinstance(params, dict) else {}
    if method == "ping":
        _reply(state, conn, "pong", req_id, now)
    elif method in ("subscribe", "unsubscribe"):
        _subscription(state, conn, str(method), params, req_id, now)
    elif method in ("add_order", "cancel_order", "cancel_all"):
        _trading(state, conn, str(method), params, req_id, now)
    else:
        _fail(state, conn, method, req_id, "Method not found", now)


def _usable_token(state: State, params: dict[str, Any], now: float) -> Token | None:
    token = state.tokens.get(str(params.get("token", "")))
    return token if token is not None and token.usable(now) else None


def _subscription(
    state: State, conn: V2Conn, method: str, params: dict[str, Any], req_id: object, now: float
) -> None:
    channel = params.get("channel")
    if channel not in _PUBLIC and channel not in _PRIVATE:
        _fail(state, conn, method, req_id, "Subscription name invalid", now)
        return
    if channel in _PRIVATE:
        token = _usable_token(state, params, now)
        if token is None:
            _fail(state, conn, method, req_id, "EAPI:Invalid token", now)
            return
        token.used = True
        _private(state, conn, method, str(channel), params, req_id, now)
        return
    if channel == "instrument":
        _instrument(state, conn, method, params, req_id, now)
        return
    symbols = params.get("symbol")
    if not isinstance(symbols, list) or not symbols:
        _fail(state, conn, method, req_id, "Missing symbol", now)
        return
    depth = params.get("depth", 10)
    if channel == "book" and depth not in BOOK_DEPTHS:
        _fail(state, conn, method, req_id, "Invalid depth", now)
        return
    snapshot = params.get("snapshot", channel != "trade") is not False
    trigger = params.get("event_trigger", "trades")
    if channel == "ticker" and trigger not in ("trades", "bbo"):
        _fail(state, conn, method, req_id, "Invalid event_trigger", now)
        return
    for symbol in symbols:
        if str(symbol) not in _SPOT:
            _fail(state, conn, method, req_id, f"Currency pair not supported {symbol}", now,
                  symbol=symbol)  # fmt: skip
            continue
        result: dict[str, Any] = {"channel": channel}
        if channel == "book":
            result["depth"] = depth
        if channel == "ticker":
            result["event_trigger"] = trigger
        result["snapshot"] = snapshot
        result["symbol"] = symbol
        subscribed = symbol in (
            conn.books if channel == "book" else conn.tickers if channel == "ticker"
            else conn.trades
        )  # fmt: skip
        if method == "unsubscribe":
            if not subscribed:
                _fail(state, conn, method, req_id, "Subscription Not Found", now, symbol=symbol)
                continue
            if channel == "book":
                conn.books.pop(symbol, None)
            elif channel == "ticker":
                conn.tickers.pop(symbol, None)
            else:
                conn.trades.discard(symbol)
            del result["snapshot"]
            _reply(state, conn, method, req_id, now, result=result, success=True)
            continue
        if subscribed:
            _fail(state, conn, method, req_id, "Already subscribed", now, symbol=symbol)
            continue
        _reply(state, conn, method, req_id, now, result=result, success=True)
        book = state.market.books[symbol]
        if channel == "book":
            view = conn.books[symbol] = BookView(int(depth))
            if snapshot:
                _send_book(state, conn, symbol, view, book, now, snapshot=True)
            else:
                view.asks = dict(book.top_asks(view.depth))
                view.bids = dict(book.top_bids(view.depth))
        elif channel == "ticker":
            conn.tickers[symbol] = str(trigger)
            conn.bbo[symbol] = _bbo(book)
            if snapshot:
                _send_ticker(state, conn, symbol, now, "snapshot")
        else:
            conn.trades.add(symbol)
            if snapshot:
                recent = state.market.trades[symbol][-50:]
                _send_trades(state, conn, recent, now, "snapshot", force=True)


# ---------------------------------------------------------------------------- book


def _send_book(
    state: State, conn: V2Conn, symbol: str, view: BookView, book: Book, now: float,
    *, snapshot: bool,
) -> None:  # fmt: skip
    asks = book.top_asks(view.depth)
    bids = book.top_bids(view.depth)
    new_asks, new_bids = dict(asks), dict(bids)
    if snapshot:
        ask_changes, bid_changes = asks, bids
    else:
        ask_changes = _diff(view.asks, new_asks, book.asks, reverse=False)
        bid_changes = _diff(view.bids, new_bids, book.bids, reverse=True)
        if not ask_changes and not bid_changes:
            return
    view.asks, view.bids = new_asks, new_bids
    checksum = book_checksum(
        [(book.price_text(p), book.qty_text(q)) for p, q in asks],
        [(book.price_text(p), book.qty_text(q)) for p, q in bids],
    )
    if state.faults.take_bad_checksum():
        checksum = (checksum + 1) % 2**32
    entry: dict[str, Any] = {
        "symbol": symbol,
        "bids": [_level(book, p, q) for p, q in bid_changes],
        "asks": [_level(book, p, q) for p, q in ask_changes],
        "checksum": checksum,
    }
    if not snapshot:
        entry["timestamp"] = rfc3339(now)
    state.send(
        conn,
        {"channel": "book", "type": "snapshot" if snapshot else "update", "data": [entry]},
        now,
    )


def _level(book: Book, price: int, qty: int) -> dict[str, Any]:
    return {
        "price": Decimal(book.price_text(price)),
        "qty": Decimal(book.qty_text(qty)) if qty else 0,
    }


def _diff(
    old: dict[int, int], new: dict[int, int], full: dict[int, int], *, reverse: bool
) -> list[tuple[int, int]]:
    changes = [(p, q) for p, q in new.items() if old.get(p) != q]
    # A level that left the book is deleted with qty 0; one that only fell below the subscribed
    # depth is not mentioned (the client truncates to its depth).
    changes += [(p, 0) for p in old if p not in new and p not in full]
    return sorted(changes, key=lambda level: level[0], reverse=reverse)


# ---------------------------------------------------------------------------- ticker / trade


def _bbo(book: Book) -> tuple[int, int, int, int]:
    (bid, bid_qty), (ask, ask_qty) = book.top_bids(1)[0], book.top_asks(1)[0]
    return bid, bid_qty, ask, ask_qty


def _send_ticker(state: State, conn: V2Conn, symbol: str, now: float, kind: str) -> None:
    item = _SPOT[symbol]
    book = state.market.books[symbol]
    stats = state.market.stats[symbol]
    bid, bid_qty, ask, ask_qty = _bbo(book)
    places = Decimal(1).scaleb(-item.price_decimals)
    change = stats.last - stats.open
    data = {
        "symbol": symbol,
        "bid": book.price(bid),
        "bid_qty": book.qty(bid_qty),
        "ask": book.price(ask),
        "ask_qty": book.qty(ask_qty),
        "last": stats.last,
        "volume": stats.volume.quantize(Decimal(1).scaleb(-item.qty_decimals)),
        "vwap": stats.vwap().quantize(places),
        "low": stats.low,
        "high": stats.high,
        "change": change,
        "change_pct": (change / stats.open * 100).quantize(Decimal("0.01")),
    }
    state.send(conn, {"channel": "ticker", "type": kind, "data": [data]}, now)


def _send_trades(
    state: State, conn: V2Conn, trades: Sequence[Trade], now: float, kind: str,
    *, force: bool = False,
) -> None:  # fmt: skip
    mine = [t for t in trades if t.symbol in conn.trades]
    if not mine and not force:
        return
    state.send(
        conn,
        {
            "channel": "trade",
            "type": kind,
            "data": [
                {
                    "symbol": t.symbol,
                    "side": t.side,
                    "price": t.price,
                    "qty": t.qty,
                    "ord_type": "market",
                    "trade_id": t.trade_id,
                    "timestamp": rfc3339(t.time),
                }
                for t in mine
            ],
        },
        now,
    )


def _instrument(
    state: State, conn: V2Conn, method: str, params: dict[str, Any], req_id: object, now: float
) -> None:
    if method == "unsubscribe":
        conn.instrument = False
        _reply(state, conn, method, req_id, now, result={"channel": "instrument"}, success=True)
        return
    conn.instrument = True
    result = {"channel": "instrument", "snapshot": True}
    _reply(state, conn, method, req_id, now, result=result, success=True)
    assets = [
        {
            "id": asset.ws,
            "status": "enabled",
            "precision": asset.decimals,
            "precision_display": asset.display_decimals,
            "borrowable": False,
            "collateral_value": Decimal("1.0"),
            "margin_rate": Decimal("0.0"),
        }
        for asset in ASSETS.values()
    ]
    pairs = []
    for item in SPOT_INSTRUMENTS:
        tick = Decimal(1).scaleb(-item.price_decimals)
        pairs.append(
            {
                "symbol": item.symbol,
                "base": ASSETS[item.base].ws,
                "quote": ASSETS[item.quote].ws,
                "status": "online",
                "qty_precision": item.qty_decimals,
                "qty_increment": Decimal(1).scaleb(-item.qty_decimals),
                "price_precision": item.price_decimals,
                "cost_precision": item.cost_decimals,
                "marginable": False,
                "has_index": True,
                "cost_min": item.costmin,
                "tick_size": tick,
                "price_increment": tick,
                "qty_min": item.ordermin,
            }
        )
    state.send(
        conn,
        {"channel": "instrument", "type": "snapshot", "data": {"assets": assets, "pairs": pairs}},
        now,
    )


# ---------------------------------------------------------------------------- time passing


def step_v2(state: State, conn: V2Conn, trades: Sequence[Trade], now: float) -> None:
    """After one market step: book updates, trades and tickers for this connection."""
    for symbol, view in conn.books.items():
        _send_book(state, conn, symbol, view, state.market.books[symbol], now, snapshot=False)
    _send_trades(state, conn, trades, now, "update")
    traded = {t.symbol for t in trades}
    for symbol, trigger in conn.tickers.items():
        top = _bbo(state.market.books[symbol])
        if (trigger == "trades" and symbol in traded) or (
            trigger == "bbo" and top != conn.bbo.get(symbol)
        ):
            conn.bbo[symbol] = top
            _send_ticker(state, conn, symbol, now, "update")


def tick_v2(state: State, conn: V2Conn, now: float) -> None:
    """Send a heartbeat when nothing else went out for about a second (once subscribed)."""
    if conn.subscribed() and now - conn.last_sent >= state.heartbeat_interval:
        state.send(conn, {"channel": "heartbeat"}, now)


def next_heartbeat(state: State, conn: V2Conn) -> float | None:
    """When :func:`tick_v2` will next have a heartbeat to send."""
    return conn.last_sent + state.heartbeat_interval if conn.subscribed() else None


# ---------------------------------------------------------------------------- private


def _exec(event: OrderEvent, trade_number: int) -> dict[str, Any]:
    order = event.order
    item = order.instrument
    data: dict[str, Any] = {
        "order_id": order.txid,
        "symbol": item.symbol,
        "exec_type": event.exec_type,
        "side": order.side,
        "order_type": order.ordertype,
        "order_qty": order.volume,
        "order_userref": order.userref or 0,
        "time_in_force": order.timeinforce,
        "timestamp": rfc3339(event.time),
    }
    if order.cl_ord_id:
        data["cl_ord_id"] = order.cl_ord_id
    if order.price is not None:
        data["limit_price"] = order.price
    places = Decimal(1).scaleb(-item.cost_decimals)
    if event.exec_type == "new":
        data["order_status"] = "new"
        data["cum_qty"] = Decimal(0)
        data["cum_cost"] = Decimal(0)
    elif event.exec_type == "trade" and event.fill is not None:
        fill = event.fill
        data.update(
            order_status="filled" if order.status == "closed" else "partially_filled",
            exec_id=fill.trade_id,
            trade_id=trade_number,
            last_qty=fill.volume,
            last_price=fill.price,
            liquidity_ind="m" if fill.maker else "t",
            cost=fill.cost.quantize(places),
            cum_qty=order.vol_exec,
            cum_cost=order.cost.quantize(places),
            avg_price=order.avg_price.quantize(Decimal(1).scaleb(-item.price_decimals)),
            fees=[{"asset": ASSETS[item.quote].ws, "qty": Decimal(0)}],
            fee_usd_equiv=Decimal(0),
        )
    else:
        data.update(
            order_status="filled" if event.exec_type == "filled" else "canceled",
            cum_qty=order.vol_exec,
            cum_cost=order.cost.quantize(places),
        )
        if event.exec_type == "canceled":
            data["reason"] = order.reason or "User requested"
    return data


def _ledger(entry: LedgerEntry) -> dict[str, Any]:
    asset = ASSETS.get(entry.asset)
    return {
        "ledger_id": entry.ledger_id,
        "ref_id": entry.ref_id,
        "timestamp": rfc3339(entry.time),
        "type": "trade",
        "asset": asset.ws if asset else entry.asset,
        "asset_class": "currency",
        "category": "trade",
        "wallet_type": "spot",
        "wallet_id": "main",
        "amount": entry.amount,
        "fee": Decimal(0),
        "balance": entry.balance,
    }


def publish_spot_events(state: State, events: Iterable[Event], now: float) -> None:
    """Stream order and balance changes to every ``executions``/``balances`` subscriber."""
    events = list(events)
    if not events:
        return
    trade_number = len(state.spot.fills)
    executions = [_exec(e, trade_number) for e in events if isinstance(e, OrderEvent)]
    ledgers = [_ledger(e) for e in events if isinstance(e, LedgerEntry)]
    for conn in state.conns.values():
        if not isinstance(conn, V2Conn) or conn.closed:
            continue
        if executions and conn.executions is not None:
            conn.executions += 1
            state.send(conn, {"channel": "executions", "type": "update", "data": executions,
                              "sequence": conn.executions}, now)  # fmt: skip
        if ledgers and conn.balances is not None:
            conn.balances += 1
            state.send(conn, {"channel": "balances", "type": "update", "data": ledgers,
                              "sequence": conn.balances}, now)  # fmt: skip


def _private(
    state: State, conn: V2Conn, method: str, channel: str, params: dict[str, Any],
    req_id: object, now: float,
) -> None:  # fmt: skip
    result: dict[str, Any] = {"channel": channel}
    if method == "unsubscribe":
        if channel == "executions":
            conn.executions = None
        else:
            conn.balances = None
        _reply(state, conn, method, req_id, now, result=result, success=True)
        return
    if (conn.executions if channel == "executions" else conn.balances) is not None:
        _fail(state, conn, method, req_id, "Already subscribed", now)
        return
    snapshot = params.get("snapshot", True) is not False
    if channel == "executions":
        result["maxratecount"] = int(TRADING_TIERS[state.tier][0])
        snapshot = params.get("snap_orders", True) is not False
    result["snapshot"] = snapshot
    _reply(state, conn, method, req_id, now, result=result, success=True)
    if channel == "executions":
        conn.executions = 1
        if snapshot:
            data = [
                _exec(OrderEvent(order, "new", order.opentm), 0)
                for order in state.spot.orders.values()
                if order.status == "open"
            ]
            state.send(conn, {"channel": "executions", "type": "snapshot", "data": data,
                              "sequence": 1}, now)  # fmt: skip
        return
    conn.balances = 1
    if snapshot:
        data = []
        for code, amount in state.spot.balances.items():
            asset = ASSETS.get(code)
            data.append(
                {
                    "asset": asset.ws if asset else code,
                    "asset_class": "currency",
                    "balance": amount,
                    "wallets": [{"type": "spot", "id": "main", "balance": amount}],
                }
            )
        state.send(
            conn, {"channel": "balances", "type": "snapshot", "data": data, "sequence": 1}, now
        )


# ---------------------------------------------------------------------------- trading


def _trading(
    state: State, conn: V2Conn, method: str, params: dict[str, Any], req_id: object, now: float
) -> None:
    token = _usable_token(state, params, now)
    if token is None:
        _fail(state, conn, method, req_id, "EAPI:Invalid token", now)
        return
    if method == "add_order":
        item = find_instrument(str(params.get("symbol", "")))
        if item is not None and not state.trading_counter(item.symbol).charge(1.0, now):
            _fail(state, conn, method, req_id, "EOrder:Rate limit exceeded", now)
            return
        try:
            order, _, events = state.spot.place(params, now, state.market.books)
        except OrderRejected as rejected:
            _fail(state, conn, method, req_id, rejected.error, now)
            return
        result: dict[str, Any] = {"order_id": order.txid}
        if order.cl_ord_id:
            result["cl_ord_id"] = order.cl_ord_id
        if order.userref is not None:
            result["order_userref"] = order.userref
        _reply(state, conn, method, req_id, now, result=result, success=True)
        publish_spot_events(state, events, now)
    elif method == "cancel_all":
        events = state.spot.cancel_all(now)
        count = sum(1 for e in events if isinstance(e, OrderEvent))
        _reply(state, conn, method, req_id, now, result={"count": count}, success=True)
        publish_spot_events(state, events, now)
    else:
        references = [*(params.get("order_id") or []), *(params.get("cl_ord_id") or [])]
        if not references:
            _fail(state, conn, method, req_id, "EGeneral:Invalid arguments:order_id", now)
        for reference in references:
            orders = state.spot.find(str(reference))
            if not orders:
                _fail(state, conn, method, req_id, "EOrder:Unknown order", now)
                continue
            for order in orders:
                state.trading_counter(order.instrument.symbol).force(
                    cancel_cost(now - order.opentm), now
                )
            events = state.spot.cancel(str(reference), now)
            _reply(state, conn, method, req_id, now, result={"order_id": orders[0].txid},
                   success=True)  # fmt: skip
            publish_spot_events(state, events, now)

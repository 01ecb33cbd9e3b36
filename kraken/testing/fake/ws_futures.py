"""Futures WebSocket v1 on the fake exchange: challenge auth, book, ticker, trade, heartbeat.

Shapes from https://docs.kraken.com/api/docs/guides/futures-websockets and the feed pages: an
``info`` event on connect; ``{"event": "challenge", "api_key"}`` answered with a challenge UUID;
private feeds need ``api_key``, ``original_challenge`` (issued on this connection) and
``signed_challenge``; ``book_snapshot`` then one-level ``book`` deltas whose ``seq`` rises by one
per product; ``ticker`` about once a second; ``heartbeat`` on its interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kraken.testing.fake.market import FUTURES_PRODUCTS, Book, Trade
from kraken.testing.fake.state import FuturesConn, State, loads

__all__ = ["open_futures", "receive_futures", "step_futures", "tick_futures"]

_PUBLIC = ("book", "ticker", "ticker_lite", "trade", "heartbeat")
_PRIVATE = (
    "open_orders",
    "open_orders_verbose",
    "fills",
    "balances",
    "open_positions",
    "account_log",
    "notifications_auth",
)
_PRODUCTS = {product.symbol: product for product in FUTURES_PRODUCTS}


def _millis(now: float) -> int:
    return int(now * 1000)


def open_futures(state: State, conn: FuturesConn, now: float) -> None:
    """Greet a new connection as Kraken does."""
    state.send(conn, {"event": "info", "version": 1}, now)


def receive_futures(state: State, conn: FuturesConn, text: str, now: float) -> None:
    """Handle one client frame."""
    try:
        message = loads(text)
    except ValueError:
        state.send(conn, {"event": "error", "message": "Json Error"}, now)
        return
    if not isinstance(message, dict):
        state.send(conn, {"event": "error", "message": "Json Error"}, now)
        return
    event = message.get("event")
    if event == "challenge":
        api_key = str(message.get("api_key", ""))
        if not state.futures_auth.knows(api_key):
            state.send(conn, {"event": "error", "message": "Invalid API Key"}, now)
            return
        challenge = state.ids.uuid()
        conn.challenges.add((api_key, challenge))
        state.send(conn, {"event": "challenge", "message": challenge}, now)
    elif event in ("subscribe", "unsubscribe"):
        _subscription(state, conn, str(event), message, now)
    else:
        state.send(conn, {"event": "error", "message": "Json Error"}, now)


def _subscription(
    state: State, conn: FuturesConn, event: str, message: dict[str, Any], now: float
) -> None:
    feed = message.get("feed")
    if feed in _PRIVATE:
        _private(state, conn, event, str(feed), message, now)
        return
    if feed not in _PUBLIC:
        state.send(conn, {"event": "error", "message": "Invalid feed"}, now)
        return
    if feed == "heartbeat":
        conn.heartbeat = event == "subscribe"
        conn.last_heartbeat = now
        state.send(conn, {"event": f"{event}d", "feed": feed}, now)
        return
    products = message.get("product_ids")
    if not isinstance(products, list) or not products:
        state.send(conn, {"event": "error", "message": "Invalid product id"}, now)
        return
    products = [str(p).upper() for p in products]
    if any(p not in _PRODUCTS for p in products):
        state.send(conn, {"event": "error", "message": "Invalid product id"}, now)
        return
    state.send(conn, {"event": f"{event}d", "feed": feed, "product_ids": products}, now)
    for product in products:
        if event == "unsubscribe":
            if feed == "book":
                conn.books.discard(product)
            elif feed == "trade":
                conn.trades.discard(product)
            else:
                conn.tickers.pop(product, None)
            continue
        if feed == "book":
            conn.books.add(product)
            _snapshot(state, conn, product, now)
        elif feed == "trade":
            conn.trades.add(product)
        else:
            conn.tickers[product] = str(feed)
            conn.last_ticker = now
            _ticker(state, conn, product, str(feed), now)


def _private(
    state: State, conn: FuturesConn, event: str, feed: str, message: dict[str, Any], now: float
) -> None:
    api_key = str(message.get("api_key", ""))
    challenge = str(message.get("original_challenge", ""))
    signed = str(message.get("signed_challenge", ""))
    if (api_key, challenge) not in conn.challenges or not state.futures_auth.check_challenge(
        api_key, challenge, signed
    ):
        state.send(conn, {"event": f"{event}d_failed", "feed": feed,
                          "message": "Invalid challenge"}, now)  # fmt: skip
        return
    ack = {"event": f"{event}d", "feed": feed, "api_key": api_key}
    ack |= {"original_challenge": challenge, "signed_challenge": signed}
    state.send(conn, ack, now)
    if event == "unsubscribe":
        conn.private.pop(feed, None)
        return
    conn.private[feed] = api_key
    account = state.futures
    if feed in ("open_orders", "open_orders_verbose"):
        orders = [o.as_json(now) for o in account.orders.values() if o.status == "open"]
        state.send(conn, {"feed": f"{feed}_snapshot", "account": api_key, "orders": orders}, now)
    elif feed == "fills":
        fills = [f for o in account.orders.values() for f in o.fills]
        state.send(conn, {"feed": "fills_snapshot", "account": api_key, "fills": fills}, now)
    elif feed == "open_positions":
        positions = [
            {"instrument": symbol, "balance": size, "entry_price": price}
            for symbol, (size, price) in account.positions.items()
        ]
        state.send(conn, {"feed": "open_positions", "account": api_key,
                          "positions": positions, "seq": 1,
                          "timestamp": _millis(now)}, now)  # fmt: skip
    elif feed == "balances":
        state.send(conn, {"feed": "balances_snapshot", "account": api_key, "seq": 1,
                          "flex_futures": {"currencies": {"USD": {
                              "quantity": account.collateral, "value": account.collateral}}},
                          "timestamp": _millis(now)}, now)  # fmt: skip


def _levels(book: Book, side: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [{"price": book.price(p), "qty": book.qty(q)} for p, q in side]


def _snapshot(state: State, conn: FuturesConn, product: str, now: float) -> None:
    book = state.market.books[product]
    state.send(
        conn,
        {
            "feed": "book_snapshot",
            "product_id": product,
            "timestamp": _millis(now),
            "seq": state.futures_seq.get(product, 0),
            "tickSize": None,
            "bids": _levels(book, book.top_bids(100)),
            "asks": _levels(book, book.top_asks(100)),
        },
        now,
    )


def _ticker(state: State, conn: FuturesConn, product: str, feed: str, now: float) -> None:
    book = state.market.books[product]
    stats = state.market.stats[product]
    (bid, bid_qty), (ask, ask_qty) = book.top_bids(1)[0], book.top_asks(1)[0]
    message: dict[str, Any] = {
        "feed": feed,
        "product_id": product,
        "bid": book.price(bid),
        "ask": book.price(ask),
        "change": ((stats.last - stats.open) / stats.open * 100).quantize(Decimal("0.0001")),
        "premium": Decimal("0.0"),
        "volume": stats.volume,
        "tag": "perpetual",
        "pair": _PRODUCTS[product].pair,
        "dtm": 0,
        "maturityTime": 0,
    }
    if feed == "ticker":
        message.update(
            time=_millis(now),
            bid_size=book.qty(bid_qty),
            ask_size=book.qty(ask_qty),
            last=stats.last,
            markPrice=(book.price(bid) + book.price(ask)) / 2,
            open=stats.open,
            high=stats.high,
            low=stats.low,
            suspended=False,
            post_only=False,
        )
    state.send(conn, message, now)


def book_deltas(
    before: dict[str, tuple[dict[int, int], dict[int, int]]], state: State, now: float
) -> dict[str, list[dict[str, Any]]]:
    """One ``book`` message per changed level of each futures book since ``before``.

    Computed once per step and shared by every connection, so ``seq`` is the same for all.
    """
    deltas: dict[str, list[dict[str, Any]]] = {}
    for product, (old_bids, old_asks) in before.items():
        book = state.market.books[product]
        messages = []
        for side, old, new in (("buy", old_bids, book.bids), ("sell", old_asks, book.asks)):
            for price in sorted(set(old) | set(new)):
                if old.get(price) != new.get(price):
                    seq = state.futures_seq[product] = state.futures_seq.get(product, 0) + 1
                    messages.append(
                        {
                            "feed": "book",
                            "product_id": product,
                            "side": side,
                            "seq": seq,
                            "price": book.price(price),
                            "qty": book.qty(new.get(price, 0)),
                            "timestamp": _millis(now),
                        }
                    )
        deltas[product] = messages
    return deltas


def step_futures(
    state: State,
    conn: FuturesConn,
    deltas: dict[str, list[dict[str, Any]]],
    trades: Sequence[Trade],
    now: float,
) -> None:
    """After one market step: book deltas and trades for this connection."""
    for product in sorted(conn.books):
        for message in deltas.get(product, []):
            state.send(conn, message, now)
    for trade in trades:
        if trade.symbol in conn.trades:
            state.send(
                conn,
                {
                    "feed": "trade",
                    "product_id": trade.symbol,
                    "uid": f"{trade.trade_id:032x}",
                    "side": trade.side,
                    "type": "fill",
                    "seq": trade.trade_id,
                    "time": _millis(trade.time),
                    "qty": trade.qty,
                    "price": trade.price,
                },
                now,
            )


def tick_futures(state: State, conn: FuturesConn, now: float) -> None:
    """Heartbeats on their interval and tickers about once a second."""
    interval = state.heartbeat_interval
    if conn.heartbeat and now - conn.last_heartbeat >= interval:
        conn.last_heartbeat = now
        state.send(conn, {"feed": "heartbeat", "time": _millis(now)}, now)
    if conn.tickers and now - conn.last_ticker >= 1.0:
        conn.last_ticker = now
        for product, feed in sorted(conn.tickers.items()):
            _ticker(state, conn, product, feed, now)


def next_tick(state: State, conn: FuturesConn) -> float | None:
    """When :func:`tick_futures` will next have something to send."""
    due = []
    if conn.heartbeat:
        due.append(conn.last_heartbeat + state.heartbeat_interval)
    if conn.tickers:
        due.append(conn.last_ticker + 1.0)
    return min(due) if due else None

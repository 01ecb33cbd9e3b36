"""Spot WebSocket v2 ``level3`` channel: every resting order, in queue order, CRC32-verified.

Channel and rules: https://docs.kraken.com/api/docs/websocket-v2/level3 (served on the L3 key,
``wss://ws-l3.kraken.com/v2``, token required) and the checksum guide
https://docs.kraken.com/api/docs/guides/spot-ws-l3-v2. Snapshot entries are orders
(``order_id``, ``limit_price``, ``order_qty``, ``timestamp``) in queue order; update entries add
``event``: ``add`` (joins the back of its price level), ``modify`` (new quantity), ``delete``.
Every order of a message is applied before the checksum, a level with no orders is removed, and
each side is truncated to the subscribed depth in *price levels* (Kraken republishes every order
of a level that comes back into scope). The checksum walks the top 10 levels per side and, inside
each level, every order in queue order: price fragment then quantity fragment per order.

Queue rule for ``modify`` (not spelled out by Kraken; amends keep priority "where possible",
https://docs.kraken.com/api/docs/guides/spot-amends): same price and no larger quantity keeps the
order's place; a new price or a larger quantity sends it to the back of its level. The checksum
verifies queue order, so a wrong guess shows up as a mismatch and a resync, never as a silently
wrong book.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left, insort
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kraken.core.book._recovery import DEFAULT_MAX_RESYNC_ATTEMPTS, Recovery, RecoveryStatus
from kraken.core.book.checksum import CHECKSUM_LEVELS, crc_fragment, number_and_text
from kraken.core.book.events import BookEvent, BookState, BookUpdated, ChecksumMismatch
from kraken.core.errors import KrakenUsageError

__all__ = ["L3Book", "L3Order"]


@dataclass(frozen=True, slots=True)
class L3Order:
    """One resting order: Kraken's ``order_id``, price, quantity and the order's timestamp."""

    order_id: str
    price: Decimal
    qty: Decimal
    timestamp: object = None


# Stored order: (order_id, price, qty, timestamp, price fragment + qty fragment).
_Order = tuple[str, Decimal, Decimal, object, str]
_Level = dict[str, _Order]  # insertion order is queue order
_Key = tuple[bool, Decimal]  # (is_bid, price)
_TOP = CHECKSUM_LEVELS


class L3Book(RecoveryStatus):
    """One symbol's order-by-order book fed parsed ``level3`` messages; pure, no I/O.

    Same contract as :class:`~kraken.core.book.L2Book`: :meth:`apply` each ``data`` item with
    ``is_snapshot`` from the message ``type``; a checksum mismatch undoes the message and asks for
    a resync, bounded by ``max_resync_attempts``. ``depth`` counts price levels (10, 100, 1000).
    """

    __slots__ = (
        "_ask_keys",
        "_asks",
        "_bid_keys",
        "_bids",
        "_index",
        "_price_precision",
        "_qty_precision",
        "_recovery",
        "depth",
        "symbol",
    )

    def __init__(
        self,
        symbol: str,
        depth: int,
        *,
        price_precision: int | None = None,
        qty_precision: int | None = None,
        max_resync_attempts: int = DEFAULT_MAX_RESYNC_ATTEMPTS,
    ) -> None:
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
            raise KrakenUsageError(f"depth must be a positive int, got {depth!r}")
        self.symbol = symbol
        self.depth = depth
        self._price_precision = price_precision
        self._qty_precision = qty_precision
        self._recovery = Recovery(symbol, max_resync_attempts)
        self._ask_keys: list[Decimal] = []
        self._bid_keys: list[Decimal] = []  # ascending: best bid last
        self._asks: dict[Decimal, _Level] = {}
        self._bids: dict[Decimal, _Level] = {}
        self._index: dict[str, _Key] = {}

    # ------------------------------------------------------------------ feeding

    def apply(self, data: Mapping[str, Any], *, is_snapshot: bool) -> list[BookEvent]:
        """Apply one ``data`` item of a ``level3`` message and say what happened.

        Same answers as :meth:`L2Book.apply <kraken.core.book.L2Book.apply>`.
        """
        symbol = data.get("symbol")
        if symbol is not None and symbol != self.symbol:
            raise KrakenUsageError(f"message for {symbol!r} fed to the {self.symbol!r} book")
        recovery = self._recovery
        if not is_snapshot and recovery.state is not BookState.SYNCED:
            return []
        saved = self._state()
        touched: dict[_Key, _Level | None] = {}
        try:
            if is_snapshot:
                self._install([], {}, [], {}, {})
                self._apply_orders(data, None)
                self._truncate(None)
            else:
                self._apply_orders(data, touched)
                self._truncate(touched)
            expected = data.get("checksum")
            if expected is not None:
                expected = int(expected)
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            # A malformed message leaves the book as it was.
            if is_snapshot:
                self._install(*saved)
            else:
                self._rollback(touched)
            if isinstance(exc, KrakenUsageError):
                raise
            raise KrakenUsageError(
                f"malformed level3 message for {self.symbol!r}: {exc!r}"
            ) from exc
        if expected is not None:
            computed = self.checksum()
            if computed != expected:
                if is_snapshot:
                    self._install(*saved)
                else:
                    self._rollback(touched)
                return [
                    ChecksumMismatch(self.symbol, expected, computed, is_snapshot),
                    recovery.fail("checksum"),
                ]
            if not is_snapshot:
                recovery.failures = 0
        if is_snapshot:
            recovery.state = BookState.SYNCED
        return [BookUpdated(self.symbol, is_snapshot, expected, data.get("timestamp"))]

    def reset(self) -> None:
        """Empty the book, forget failures, and wait for a snapshot."""
        self._recovery.reset()
        self._install([], {}, [], {}, {})

    def _apply_orders(
        self, data: Mapping[str, Any], touched: dict[_Key, _Level | None] | None
    ) -> None:
        for is_bid, name in ((False, "asks"), (True, "bids")):
            for item in data.get(name) or ():
                self._apply_order(is_bid, item, touched)

    def _apply_order(
        self, is_bid: bool, item: Mapping[str, Any], touched: dict[_Key, _Level | None] | None
    ) -> None:
        event = item.get("event", "add")
        order_id = item["order_id"]
        where = self._index.get(order_id)
        if event == "delete":
            if where is not None:
                self._remove(order_id, where, touched)
            return
        if event != "add" and event != "modify":
            return  # unknown event: not ours to guess; the checksum decides
        price, price_text = number_and_text(item["limit_price"], self._price_precision)
        qty, qty_text = number_and_text(item["order_qty"], self._qty_precision)
        if not qty:
            if where is not None:
                self._remove(order_id, where, touched)
            return
        order = (
            order_id,
            price,
            qty,
            item.get("timestamp"),
            crc_fragment(price_text) + crc_fragment(qty_text),
        )
        if where is not None:
            if event == "modify" and where == (is_bid, price):
                level = (self._bids if is_bid else self._asks)[where[1]]
                if qty <= level[order_id][2]:
                    self._touch(where, touched)
                    level[order_id] = order  # same key: keeps its place in the queue
                    return
            self._remove(order_id, where, touched)
        key = (is_bid, price)
        self._touch(key, touched)
        keys, levels = (self._bid_keys, self._bids) if is_bid else (self._ask_keys, self._asks)
        target = levels.get(price)
        if target is None:
            target = levels[price] = {}
            insort(keys, price)
        target[order_id] = order
        self._index[order_id] = key

    def _touch(self, key: _Key, touched: dict[_Key, _Level | None] | None) -> None:
        # Keep a copy of a level the first time a message changes it, for the rollback.
        if touched is not None and key not in touched:
            level = (self._bids if key[0] else self._asks).get(key[1])
            touched[key] = None if level is None else dict(level)

    def _remove(
        self, order_id: str, where: _Key, touched: dict[_Key, _Level | None] | None
    ) -> None:
        self._touch(where, touched)
        is_bid, price = where
        keys, levels = (self._bid_keys, self._bids) if is_bid else (self._ask_keys, self._asks)
        level = levels[price]
        del level[order_id]
        del self._index[order_id]
        if not level:
            del levels[price]
            del keys[bisect_left(keys, price)]

    def _truncate(self, touched: dict[_Key, _Level | None] | None) -> None:
        depth = self.depth
        index = self._index
        for is_bid in (False, True):
            keys, levels = (self._bid_keys, self._bids) if is_bid else (self._ask_keys, self._asks)
            extra = len(keys) - depth
            if extra <= 0:
                continue
            dropped = keys[:extra] if is_bid else keys[depth:]
            for price in dropped:
                self._touch((is_bid, price), touched)
                for order_id in levels.pop(price):
                    del index[order_id]
            if is_bid:
                del keys[:extra]
            else:
                del keys[depth:]

    def _rollback(self, touched: dict[_Key, _Level | None]) -> None:
        # Every order a message moved lives in a touched level, before and after; so dropping the
        # index entries of the touched levels' new contents and re-adding the old ones restores it.
        index = self._index
        for is_bid, price in touched:
            level = (self._bids if is_bid else self._asks).get(price)
            if level is not None:
                for order_id in level:
                    index.pop(order_id, None)
        for (is_bid, price), old in touched.items():
            keys, levels = (self._bid_keys, self._bids) if is_bid else (self._ask_keys, self._asks)
            present = price in levels
            if old is None:
                if present:
                    del levels[price]
                    del keys[bisect_left(keys, price)]
                continue
            if not present:
                insort(keys, price)
            levels[price] = old
            for order_id in old:
                index[order_id] = (is_bid, price)

    def _state(
        self,
    ) -> tuple[
        list[Decimal], dict[Decimal, _Level], list[Decimal], dict[Decimal, _Level], dict[str, _Key]
    ]:
        return self._ask_keys, self._asks, self._bid_keys, self._bids, self._index

    def _install(
        self,
        ask_keys: list[Decimal],
        asks: dict[Decimal, _Level],
        bid_keys: list[Decimal],
        bids: dict[Decimal, _Level],
        index: dict[str, _Key],
    ) -> None:
        self._ask_keys = ask_keys
        self._asks = asks
        self._bid_keys = bid_keys
        self._bids = bids
        self._index = index

    # ------------------------------------------------------------------ reading

    def checksum(self) -> int:
        """CRC32 over every order of the top 10 levels per side, in queue order."""
        asks = self._asks
        bids = self._bids
        parts = [order[4] for key in self._ask_keys[:_TOP] for order in asks[key].values()]
        parts += [
            order[4] for key in reversed(self._bid_keys[-_TOP:]) for order in bids[key].values()
        ]
        return zlib.crc32("".join(parts).encode())

    def best_bid(self) -> tuple[Decimal, Decimal] | None:
        """Highest bid level as ``(price, total qty)``, or ``None``."""
        if not self._bid_keys:
            return None
        price = self._bid_keys[-1]
        return price, sum((o[2] for o in self._bids[price].values()), Decimal(0))

    def best_ask(self) -> tuple[Decimal, Decimal] | None:
        """Lowest ask level as ``(price, total qty)``, or ``None``."""
        if not self._ask_keys:
            return None
        price = self._ask_keys[0]
        return price, sum((o[2] for o in self._asks[price].values()), Decimal(0))

    def spread(self) -> Decimal | None:
        """Best ask minus best bid, or ``None`` when either side is empty."""
        if not self._ask_keys or not self._bid_keys:
            return None
        return self._ask_keys[0] - self._bid_keys[-1]

    def bids(self) -> Iterator[tuple[Decimal, tuple[L3Order, ...]]]:
        """Bid levels high to low, each as ``(price, orders in queue order)``."""
        for price in reversed(list(self._bid_keys)):
            yield price, _orders(self._bids.get(price))

    def asks(self) -> Iterator[tuple[Decimal, tuple[L3Order, ...]]]:
        """Ask levels low to high, each as ``(price, orders in queue order)``."""
        for price in list(self._ask_keys):
            yield price, _orders(self._asks.get(price))

    def top(
        self, n: int = _TOP
    ) -> tuple[
        list[tuple[Decimal, tuple[L3Order, ...]]], list[tuple[Decimal, tuple[L3Order, ...]]]
    ]:
        """The best ``n`` levels per side as ``(bids high to low, asks low to high)``."""
        if n <= 0:
            return [], []
        return (
            [(p, _orders(self._bids[p])) for p in reversed(self._bid_keys[-n:])],
            [(p, _orders(self._asks[p])) for p in self._ask_keys[:n]],
        )

    def order(self, order_id: str) -> L3Order | None:
        """The resting order with this id, or ``None``."""
        where = self._index.get(order_id)
        if where is None:
            return None
        stored = (self._bids if where[0] else self._asks)[where[1]][order_id]
        return L3Order(stored[0], stored[1], stored[2], stored[3])

    def queue_position(self, order_id: str) -> tuple[int, Decimal] | None:
        """``(orders ahead, quantity ahead)`` of an order within its price level, or ``None``."""
        where = self._index.get(order_id)
        if where is None:
            return None
        ahead = 0
        qty_ahead = Decimal(0)
        for other, stored in (self._bids if where[0] else self._asks)[where[1]].items():
            if other == order_id:
                break
            ahead += 1
            qty_ahead += stored[2]
        return ahead, qty_ahead

    def __len__(self) -> int:
        """Number of resting orders on both sides."""
        return len(self._index)

    def __repr__(self) -> str:
        return (
            f"L3Book({self.symbol!r}, depth={self.depth}, state={self._recovery.state.value}, "
            f"orders={len(self._index)})"
        )


def _orders(level: _Level | None) -> tuple[L3Order, ...]:
    if not level:
        return ()
    return tuple(L3Order(o[0], o[1], o[2], o[3]) for o in level.values())

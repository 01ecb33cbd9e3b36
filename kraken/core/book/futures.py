"""Futures (Derivatives) WebSocket v1 ``book`` feed: a snapshot, then one-level deltas by ``seq``.

Feed shapes (https://docs.kraken.com/api/docs/futures-api/websocket/book): the snapshot is
``{"feed": "book_snapshot", "product_id", "timestamp", "seq", "tickSize", "bids": [{"price",
"qty"}], "asks": [...]}``; each delta is ``{"feed": "book", "product_id", "side": "buy"|"sell",
"seq", "price", "qty", "timestamp"}`` and ``qty`` 0 removes the level. Kraken documents ``seq`` only
as "the subscription message sequence number"; we take it as contiguous per product (the snapshot's
``seq`` + 1 is the first delta), so any other number is a gap: the delta is dropped, the book keeps
its last good state and asks for a fresh snapshot. There is no checksum and no depth on this feed.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from kraken.core.book._recovery import DEFAULT_MAX_RESYNC_ATTEMPTS, Recovery, RecoveryStatus
from kraken.core.book.events import BookEvent, BookState, BookUpdated, SequenceGap
from kraken.core.errors import KrakenUsageError

__all__ = ["FuturesBook"]

Level = tuple[Decimal, Decimal]


def _number(value: Any) -> Decimal:
    kind = type(value)
    if kind is Decimal:
        return value  # type: ignore[no-any-return]
    if kind is float:
        # No checksum here, so the float's shortest text (what the wire most likely said) will do.
        return Decimal(repr(value))
    if kind is int or kind is str:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise KrakenUsageError(f"book value {value!r} is not a number") from None
        if number.is_finite():
            return number
    raise KrakenUsageError(f"book value {value!r} must be a Decimal, str, int or float")


class FuturesBook(RecoveryStatus):
    """One product's Futures book fed parsed ``book_snapshot`` / ``book`` messages; pure.

    ``apply(message)`` tells snapshot from delta by ``feed`` (or pass ``is_snapshot``). A ``seq``
    that is not the previous one + 1 yields ``[SequenceGap, ResyncNeeded | ResyncGaveUp]``;
    deltas are then dropped until the next snapshot.
    """

    __slots__ = ("_ask_keys", "_asks", "_bid_keys", "_bids", "_recovery", "product_id", "seq")

    def __init__(
        self, product_id: str, *, max_resync_attempts: int = DEFAULT_MAX_RESYNC_ATTEMPTS
    ) -> None:
        self.product_id = product_id
        #: Sequence number of the last message applied (``None`` before the first snapshot).
        self.seq: int | None = None
        self._recovery = Recovery(product_id, max_resync_attempts)
        self._ask_keys: list[Decimal] = []
        self._bid_keys: list[Decimal] = []  # ascending: best bid last
        self._asks: dict[Decimal, Decimal] = {}
        self._bids: dict[Decimal, Decimal] = {}

    def apply(
        self, message: Mapping[str, Any], *, is_snapshot: bool | None = None
    ) -> list[BookEvent]:
        """Apply one Futures book message and say what happened.

        ``[BookUpdated]`` when applied; ``[SequenceGap, ResyncNeeded | ResyncGaveUp]`` on a gap;
        ``[]`` for a delta dropped while waiting for a snapshot.
        """
        product = message.get("product_id")
        if product is not None and product.upper() != self.product_id.upper():
            raise KrakenUsageError(f"message for {product!r} fed to the {self.product_id!r} book")
        if is_snapshot is None:
            is_snapshot = message.get("feed") == "book_snapshot"
        recovery = self._recovery
        seq = message.get("seq")
        if is_snapshot:
            self._load(message)
            self.seq = seq
            recovery.state = BookState.SYNCED
            return [BookUpdated(self.product_id, True, None, message.get("timestamp"), seq)]
        if recovery.state is not BookState.SYNCED:
            return []
        last = self.seq
        if seq is not None and last is not None:
            if seq != last + 1:
                return [SequenceGap(self.product_id, last + 1, seq), recovery.fail("sequence")]
            recovery.failures = 0
        side = message.get("side")
        if side == "buy":
            self._set(self._bid_keys, self._bids, message)
        elif side == "sell":
            self._set(self._ask_keys, self._asks, message)
        if seq is not None:
            self.seq = seq
        return [BookUpdated(self.product_id, False, None, message.get("timestamp"), seq)]

    def reset(self) -> None:
        """Empty the book, forget failures and ``seq``, and wait for a snapshot."""
        self._recovery.reset()
        self.seq = None
        self._ask_keys, self._asks, self._bid_keys, self._bids = [], {}, [], {}

    @staticmethod
    def _set(
        keys: list[Decimal], levels: dict[Decimal, Decimal], message: Mapping[str, Any]
    ) -> None:
        price = _number(message["price"])
        qty = _number(message["qty"])
        if qty:
            if price not in levels:
                insort(keys, price)
            levels[price] = qty
        elif levels.pop(price, None) is not None:
            del keys[bisect_left(keys, price)]

    def _load(self, message: Mapping[str, Any]) -> None:
        sides: list[dict[Decimal, Decimal]] = []
        for name in ("asks", "bids"):
            levels: dict[Decimal, Decimal] = {}
            items: Sequence[Mapping[str, Any]] = message.get(name) or ()
            for item in items:
                price = _number(item["price"])
                qty = _number(item["qty"])
                if qty:
                    levels[price] = qty
                else:
                    levels.pop(price, None)
            sides.append(levels)
        self._asks, self._bids = sides
        self._ask_keys = sorted(self._asks)
        self._bid_keys = sorted(self._bids)

    # ------------------------------------------------------------------ reading

    def best_bid(self) -> Level | None:
        """Highest bid as ``(price, qty)``, or ``None``."""
        if not self._bid_keys:
            return None
        price = self._bid_keys[-1]
        return price, self._bids[price]

    def best_ask(self) -> Level | None:
        """Lowest ask as ``(price, qty)``, or ``None``."""
        if not self._ask_keys:
            return None
        price = self._ask_keys[0]
        return price, self._asks[price]

    def spread(self) -> Decimal | None:
        """Best ask minus best bid, or ``None`` when either side is empty."""
        if not self._ask_keys or not self._bid_keys:
            return None
        return self._ask_keys[0] - self._bid_keys[-1]

    def top(self, n: int = 10) -> tuple[list[Level], list[Level]]:
        """The best ``n`` levels as ``(bids high to low, asks low to high)``."""
        if n <= 0:
            return [], []
        return (
            [(p, self._bids[p]) for p in reversed(self._bid_keys[-n:])],
            [(p, self._asks[p]) for p in self._ask_keys[:n]],
        )

    def bids(self) -> Iterator[Level]:
        """Every bid level, high to low."""
        for price in reversed(list(self._bid_keys)):
            qty = self._bids.get(price)
            if qty is not None:
                yield price, qty

    def asks(self) -> Iterator[Level]:
        """Every ask level, low to high."""
        for price in list(self._ask_keys):
            qty = self._asks.get(price)
            if qty is not None:
                yield price, qty

    def __len__(self) -> int:
        """Number of levels on both sides."""
        return len(self._ask_keys) + len(self._bid_keys)

    def __repr__(self) -> str:
        return (
            f"FuturesBook({self.product_id!r}, seq={self.seq}, "
            f"state={self._recovery.state.value}, bids={len(self._bid_keys)}, "
            f"asks={len(self._ask_keys)})"
        )

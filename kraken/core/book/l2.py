"""Spot WebSocket v2 ``book`` channel: an L2 book verified by CRC32 on every message.

Maintenance rules (https://docs.kraken.com/api/docs/websocket-v2/book and the checksum guide
https://docs.kraken.com/api/docs/guides/spot-ws-book-v2): apply every level of a message in order
(one level may appear several times), ``qty`` 0 deletes, then truncate each side to the subscribed
depth (Kraken sends no deletes for levels pushed out of scope), then compare the CRC32 of the top
10 levels per side with the message's ``checksum``.

Cost per message does not grow with depth. Each side keeps its exact ``Decimal`` prices in a
sorted list (``bisect``), a list of level entries in the same order (the top 10 is a slice), and
a dict from the price's canonical text to the same mutable entry (an incoming level is looked up
by text: hashing a short str is far cheaper than hashing a fresh ``Decimal``). A level's checksum
text is built when it changes, each side's part of the checksum is cached until a change reaches
its top 10, and a message that fails the checksum is undone from a small undo log, so the book
always shows its last verified state.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from kraken.core.book._recovery import DEFAULT_MAX_RESYNC_ATTEMPTS, Recovery, RecoveryStatus
from kraken.core.book.checksum import CHECKSUM_LEVELS, number_and_text
from kraken.core.book.events import BookEvent, BookState, BookUpdated, ChecksumMismatch
from kraken.core.errors import KrakenUsageError

__all__ = ["L2Book", "Level"]

#: One price level as the book hands it out: ``(price, qty)``.
Level = tuple[Decimal, Decimal]

# A level is one mutable list, shared by its side's entry list and text dict, so a new quantity
# rewrites neither: [price: Decimal, qty: Decimal | str (JSON-string feeds convert on read),
# price fragment, price fragment + qty fragment, canonical price text]. Fragments are the
# checksum texts (no ".", no leading zeros).
_Entry = list[Any]
_TOP = CHECKSUM_LEVELS
_SYNCED = BookState.SYNCED
_crc32 = zlib.crc32


def _canonical(text: str) -> str:
    """One text per number for a plain decimal: ``"45285.20"``, ``"45285.2"`` -> ``"45285.2"``."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _price_of(entry: _Entry) -> Decimal:
    price: Decimal = entry[0]
    return price


def _decimal(qty: Decimal | str) -> Decimal:
    return qty if type(qty) is Decimal else Decimal(qty)


class _Side:
    """One side of the book: sorted prices, their entries in the same order, entries by text."""

    __slots__ = ("by_key", "entries", "is_bid", "keys")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.keys: list[Decimal] = []  # ascending on both sides: the best bid is keys[-1]
        self.entries: list[_Entry] = []  # entries[i] is the level at keys[i]
        self.by_key: dict[str, _Entry] = {}

    def truncate(self, depth: int, undo: list[tuple[Any, ...]]) -> bool:
        """Drop the worst levels beyond ``depth``; True when anything was dropped."""
        keys = self.keys
        extra = len(keys) - depth
        if extra <= 0:
            return False
        by_key = self.by_key
        entries = self.entries
        dropped = entries[:extra] if self.is_bid else entries[depth:]
        for entry in dropped:
            del by_key[entry[4]]
            undo.append((self, entry[4], entry))
        if self.is_bid:
            del keys[:extra]
            del entries[:extra]
        else:
            del keys[depth:]
            del entries[depth:]
        return True

    def insert(self, entry: _Entry) -> None:
        """Put a level in its place (its text key goes in ``by_key`` separately)."""
        index = bisect_left(self.keys, entry[0])
        self.keys.insert(index, entry[0])
        self.entries.insert(index, entry)

    def remove(self, price: Decimal) -> None:
        """Take the level at ``price`` out of the ordered lists."""
        index = bisect_left(self.keys, price)
        del self.keys[index]
        del self.entries[index]

    def fragments(self) -> str:
        """The checksum text of this side's top 10, best first."""
        if self.is_bid:
            return "".join([entry[3] for entry in reversed(self.entries[-_TOP:])])
        return "".join([entry[3] for entry in self.entries[:_TOP]])

    def levels(self, n: int | None = None) -> list[Level]:
        """The best ``n`` levels (all when ``None``) as ``(price, qty)``, best first."""
        entries = self.entries
        if self.is_bid:
            chosen = entries[::-1] if n is None else entries[-n:][::-1]
        else:
            chosen = entries[:] if n is None else entries[:n]
        return [(entry[0], _decimal(entry[1])) for entry in chosen]


class L2Book(RecoveryStatus):
    """One symbol's L2 book fed parsed ``book`` messages; pure, no I/O, no clock.

    ``depth`` is the subscribed depth (Kraken offers 10, 25, 100, 500, 1000). Feed each item of a
    message's ``data`` array to :meth:`apply` with ``is_snapshot`` from the message ``type``.
    Prices and quantities may be ``Decimal`` (``json.loads(text, parse_float=Decimal)``: the
    fast path), JSON strings (also fast), ints, or floats; floats need ``price_precision`` and
    ``qty_precision`` from the instrument channel to rebuild the checksum text. Given precisions,
    shorter wire texts are padded with zeros for the checksum (never rounded); every value then
    takes the careful path, so leave them ``None`` for ``Decimal`` and string feeds.
    """

    __slots__ = (
        "_ask_crc",
        "_asks",
        "_bid_bytes",
        "_bids",
        "_fast",
        "_price_precision",
        "_qty_precision",
        "_recovery",
        "_undo",
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
        for name, value in (("price_precision", price_precision), ("qty_precision", qty_precision)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise KrakenUsageError(f"{name} must be a non-negative int or None, got {value!r}")
        self.symbol = symbol
        self.depth = depth
        self._price_precision = price_precision
        self._qty_precision = qty_precision
        self._fast = price_precision is None and qty_precision is None
        self._recovery = Recovery(symbol, max_resync_attempts)
        self._undo: list[tuple[Any, ...]] = []
        self._asks = _Side(is_bid=False)
        self._bids = _Side(is_bid=True)
        self._ask_crc: int | None = None  # CRC32 of the asks part; None when stale
        self._bid_bytes: bytes | None = None  # the bids part; None when stale

    # ------------------------------------------------------------------ feeding

    def apply(self, data: Mapping[str, Any], *, is_snapshot: bool) -> list[BookEvent]:
        """Apply one ``data`` item of a ``book`` message and say what happened.

        Returns ``[BookUpdated]`` when the message was applied and its checksum agreed (or it
        had none); ``[ChecksumMismatch, ResyncNeeded | ResyncGaveUp]`` when it disagreed (the
        message is undone); ``[]`` for an update dropped while waiting for a snapshot. A
        malformed message raises :class:`~kraken.core.errors.KrakenUsageError` and leaves the
        book as it was.
        """
        symbol = data.get("symbol")
        if symbol is not None and symbol != self.symbol:
            raise KrakenUsageError(f"message for {symbol!r} fed to the {self.symbol!r} book")
        if is_snapshot:
            return self._apply_snapshot(data)
        recovery = self._recovery
        if recovery.state is not _SYNCED:
            return []
        undo = self._undo
        undo.clear()
        try:
            levels = data.get("asks")
            if levels and not self._update(self._asks, levels, undo):
                self._ask_crc = None
            levels = data.get("bids")
            if levels and not self._update(self._bids, levels, undo):
                self._bid_bytes = None
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            self._rollback(undo)
            if isinstance(exc, KrakenUsageError):
                raise
            raise KrakenUsageError(f"malformed book level for {self.symbol!r}: {exc!r}") from exc
        expected = data.get("checksum")
        if expected is None:
            return [BookUpdated(self.symbol, False, None, data.get("timestamp"))]
        computed = self.checksum()
        if computed == expected or (type(expected) is not int and _as_int(expected) == computed):
            recovery.failures = 0
            return [BookUpdated(self.symbol, False, computed, data.get("timestamp"))]
        self._rollback(undo)
        return [
            ChecksumMismatch(self.symbol, _as_int(expected), computed, False),
            recovery.fail("checksum"),
        ]

    def reset(self) -> None:
        """Empty the book, forget failures, and wait for a snapshot (e.g. after a reconnect)."""
        self._recovery.reset()
        self._install(_Side(is_bid=False), _Side(is_bid=True))

    def _update(
        self, side: _Side, updates: Sequence[Mapping[str, Any]], undo: list[tuple[Any, ...]]
    ) -> bool:
        """Apply one side's levels in order, then truncate; False when its top 10 changed.

        Truncating a side right after its own levels equals truncating after the whole message:
        the sides do not interact.
        """
        keys = side.keys
        entries = side.entries
        by_key = side.by_key
        is_bid = side.is_bid
        fast = self._fast
        lookup = by_key.get
        push = undo.append
        top = _TOP
        clean = True
        live: Any  # truthy when the level stays: a Decimal qty or a non-empty qty fragment
        for update in updates:
            price = update["price"]
            qty = update["qty"]
            number = None
            kind = type(price)
            if fast and kind is Decimal and type(qty) is Decimal:
                text = str(price)
                if "E" in text:
                    text = format(price, "f")
                number = price
                live = qty
                qfrag = None
            elif (
                fast and kind is str and type(qty) is str and "E" not in price and "e" not in price
            ):
                text = price
                qfrag = qty.replace(".", "").lstrip("0")
                if qfrag and not qfrag.isdigit():  # "1E-7", signs, garbage: the careful path
                    number, text, qty, qfrag = self._careful(price, qty)
                live = qfrag
            else:
                number, text, qty, qfrag = self._careful(price, qty)
                live = qty
            # The canonical text (see _canonical), skipping the work when no zero ends the text.
            key = text if text[-1] != "0" or "." not in text else text.rstrip("0").rstrip(".")
            entry = lookup(key)
            if live:
                if qfrag is None:
                    qfrag = str(qty)
                    if "E" in qfrag:
                        qfrag = format(qty, "f")
                    qfrag = qfrag.replace(".", "").lstrip("0")
                if entry is not None:
                    push((entry, entry[1], entry[3]))
                    entry[1] = qty
                    entry[3] = entry[2] + qfrag
                    number = entry[0]
                else:
                    pfrag = text.replace(".", "").lstrip("0")
                    if number is None:
                        if not pfrag.isdigit():
                            number, text, qty, qfrag = self._careful(price, qty)
                            pfrag = text.replace(".", "").lstrip("0")
                        else:
                            number = Decimal(text)
                    entry = [number, qty, pfrag, pfrag + qfrag, key]
                    by_key[key] = entry
                    index = bisect_left(keys, number)
                    keys.insert(index, number)
                    entries.insert(index, entry)
                    push((side, key, None))
            elif entry is not None:
                number = entry[0]
                del by_key[key]
                index = bisect_left(keys, number)
                del keys[index]
                del entries[index]
                push((side, key, entry))
            else:
                continue  # deleting a level we do not have changes nothing
            if clean and (
                len(keys) <= top or (number >= keys[-top] if is_bid else number <= keys[top - 1])
            ):
                clean = False
        depth = self.depth
        if len(keys) > depth and side.truncate(depth, undo) and depth <= _TOP:
            clean = False
        return clean

    def _careful(self, price: Any, qty: Any) -> tuple[Decimal, str, Decimal, str]:
        # Every input kind, padding to precision, validation: (price, price text, qty, qty frag).
        price, price_text = number_and_text(price, self._price_precision)
        qty, qty_text = number_and_text(qty, self._qty_precision)
        return price, price_text, qty, qty_text.replace(".", "").lstrip("0")

    def _rollback(self, undo: list[tuple[Any, ...]]) -> None:
        # Replaying the records backwards restores the state before the message exactly.
        for first, second, third in reversed(undo):
            if type(first) is list:  # (entry, old qty, old fragment)
                first[1] = second
                first[3] = third
                continue
            side: _Side = first
            if third is None:  # the level was added: take it out
                side.remove(side.by_key.pop(second)[0])
            else:  # the level was deleted or truncated: put it back
                side.by_key[second] = third
                side.insert(third)
        undo.clear()
        self._ask_crc = None
        self._bid_bytes = None

    def _apply_snapshot(self, data: Mapping[str, Any]) -> list[BookEvent]:
        asks = self._load(False, data.get("asks") or ())
        bids = self._load(True, data.get("bids") or ())
        discard: list[tuple[Any, ...]] = []
        asks.truncate(self.depth, discard)
        bids.truncate(self.depth, discard)
        expected = data.get("checksum")
        recovery = self._recovery
        if expected is not None:
            expected = _as_int(expected)
            computed = _crc32((asks.fragments() + bids.fragments()).encode())
            if computed != expected:
                # Withheld: the book keeps its last verified state.
                return [
                    ChecksumMismatch(self.symbol, expected, computed, True),
                    recovery.fail("checksum"),
                ]
        self._install(asks, bids)
        recovery.state = BookState.SYNCED
        return [BookUpdated(self.symbol, True, expected, data.get("timestamp"))]

    def _load(self, is_bid: bool, items: Sequence[Mapping[str, Any]]) -> _Side:
        side = _Side(is_bid)
        by_key = side.by_key
        for item in items:
            try:
                price, text, qty, qfrag = self._careful(item["price"], item["qty"])
            except (LookupError, TypeError) as exc:
                raise KrakenUsageError(f"malformed book level {item!r}") from exc
            key = _canonical(text)
            if qty:
                pfrag = text.replace(".", "").lstrip("0")
                by_key[key] = [price, qty, pfrag, pfrag + qfrag, key]
            else:
                by_key.pop(key, None)
        side.entries = sorted(by_key.values(), key=_price_of)
        side.keys = [entry[0] for entry in side.entries]
        return side

    def _install(self, asks: _Side, bids: _Side) -> None:
        self._asks = asks
        self._bids = bids
        self._ask_crc = None
        self._bid_bytes = None

    # ------------------------------------------------------------------ reading

    def checksum(self) -> int:
        """CRC32 of the current top 10 levels per side, as Kraken computes it."""
        ask_crc = self._ask_crc
        if ask_crc is None:
            ask_crc = self._ask_crc = _crc32(self._asks.fragments().encode())
        bid_bytes = self._bid_bytes
        if bid_bytes is None:
            bid_bytes = self._bid_bytes = self._bids.fragments().encode()
        return _crc32(bid_bytes, ask_crc)

    def best_bid(self) -> Level | None:
        """Highest bid as ``(price, qty)``, or ``None`` when there are no bids."""
        entries = self._bids.entries
        if not entries:
            return None
        entry = entries[-1]
        return entry[0], _decimal(entry[1])

    def best_ask(self) -> Level | None:
        """Lowest ask as ``(price, qty)``, or ``None`` when there are no asks."""
        entries = self._asks.entries
        if not entries:
            return None
        entry = entries[0]
        return entry[0], _decimal(entry[1])

    def spread(self) -> Decimal | None:
        """Best ask minus best bid, or ``None`` when either side is empty."""
        if not self._asks.keys or not self._bids.keys:
            return None
        return self._asks.keys[0] - self._bids.keys[-1]

    def top(self, n: int = _TOP) -> tuple[list[Level], list[Level]]:
        """The best ``n`` levels as ``(bids high to low, asks low to high)``."""
        if n <= 0:
            return [], []
        return self._bids.levels(n), self._asks.levels(n)

    def bids(self) -> Iterator[Level]:
        """Every bid level, high to low (taken when called: applying meanwhile is safe)."""
        return iter(self._bids.levels())

    def asks(self) -> Iterator[Level]:
        """Every ask level, low to high (taken when called: applying meanwhile is safe)."""
        return iter(self._asks.levels())

    def __len__(self) -> int:
        """Number of levels on both sides."""
        return len(self._asks.keys) + len(self._bids.keys)

    def __repr__(self) -> str:
        return (
            f"L2Book({self.symbol!r}, depth={self.depth}, state={self._recovery.state.value}, "
            f"bids={len(self._bids.keys)}, asks={len(self._asks.keys)})"
        )


def _as_int(checksum: Any) -> int:
    if type(checksum) is int:
        return checksum
    try:
        return int(checksum)
    except (TypeError, ValueError):
        raise KrakenUsageError(f"checksum {checksum!r} is not an integer") from None

"""The fake exchange's market: instruments, and L2 books moved by a seeded random walk.

Books hold integer ticks and quantity units, so every price and quantity has one exact wire text
(``price_text``/``qty_text``, padded to the instrument's decimals, as Kraken sends them). Each
:meth:`Book.step` moves a hidden mid price by up to two ticks (asks or bids it passes are taken,
printing trades) and then changes a few levels near the top: a quantity changes, a level appears,
one disappears, or a taker trade eats into the best level. The same seed and the same step count
always give the same books.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "ASSETS",
    "FUTURES_PRODUCTS",
    "SPOT_INSTRUMENTS",
    "Asset",
    "Book",
    "FuturesProduct",
    "Instrument",
    "Market",
    "Trade",
    "find_instrument",
]

# How many levels near the top a step may touch, and the band each side is kept in.
_ACTIVE_LEVELS = 12
_MIN_LEVELS = 30
_MAX_LEVELS = 60
# How far (in ticks) the mid price may move in one step, and how likely each move is.
_MID_MOVES = (-2, -1, -1, 0, 0, 0, 1, 1, 2)


@dataclass(frozen=True, slots=True)
class Asset:
    """A spot asset: REST code (``XXBT``), WebSocket v2 code (``BTC``) and decimals."""

    code: str
    altname: str
    ws: str
    decimals: int
    display_decimals: int


ASSETS: dict[str, Asset] = {
    asset.code: asset
    for asset in (
        Asset("XXBT", "XBT", "BTC", 10, 5),
        Asset("XETH", "ETH", "ETH", 10, 5),
        Asset("ZUSD", "USD", "USD", 4, 2),
    )
}


@dataclass(frozen=True, slots=True)
class Instrument:
    """A spot pair under all its Kraken names, with its precision and minimums."""

    symbol: str  # WebSocket v2: BTC/USD
    rest_key: str  # REST result key: XXBTZUSD
    altname: str  # XBTUSD
    wsname: str  # WebSocket v1: XBT/USD
    base: str  # XXBT
    quote: str  # ZUSD
    price_decimals: int
    qty_decimals: int
    cost_decimals: int
    start_price: Decimal
    ordermin: Decimal
    costmin: Decimal

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling a request may use for this pair."""
        return (
            self.symbol,
            self.rest_key,
            self.altname,
            self.wsname,
            self.symbol.replace("/", ""),
        )


SPOT_INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "BTC/USD", "XXBTZUSD", "XBTUSD", "XBT/USD", "XXBT", "ZUSD", 1, 8, 5,
        Decimal("30000.0"), Decimal("0.0001"), Decimal("0.5"),
    ),
    Instrument(
        "ETH/USD", "XETHZUSD", "ETHUSD", "ETH/USD", "XETH", "ZUSD", 2, 8, 5,
        Decimal("2000.00"), Decimal("0.002"), Decimal("0.5"),
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FuturesProduct:
    """A futures perpetual (``PF_XBTUSD``) with its precision."""

    symbol: str
    pair: str
    price_decimals: int
    qty_decimals: int
    start_price: Decimal


FUTURES_PRODUCTS: tuple[FuturesProduct, ...] = (
    FuturesProduct("PF_XBTUSD", "XBT:USD", 0, 4, Decimal("30000")),
    FuturesProduct("PF_ETHUSD", "ETH:USD", 1, 3, Decimal("2000.0")),
)


def find_instrument(name: str) -> Instrument | None:
    """The spot instrument called ``name`` in any of its spellings (case-insensitive)."""
    wanted = name.strip().upper()
    for instrument in SPOT_INSTRUMENTS:
        if wanted in (n.upper() for n in instrument.names):
            return instrument
    return None


@dataclass(frozen=True, slots=True)
class Trade:
    """A trade printed by the walk: ``side`` is the taker's (``buy`` lifted an ask)."""

    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    trade_id: int
    time: float


@dataclass(slots=True)
class Book:
    """One instrument's L2 book in integer ticks (price) and units (quantity)."""

    symbol: str
    price_decimals: int
    qty_decimals: int
    bids: dict[int, int] = field(default_factory=dict)
    asks: dict[int, int] = field(default_factory=dict)
    mid: int = 0  # ticks; bids stay below it, asks above

    # ---------------------------------------------------------------- reading

    def price_text(self, ticks: int) -> str:
        """Wire text of a price in ticks, with exactly the instrument's decimals."""
        return _fixed(ticks, self.price_decimals)

    def qty_text(self, units: int) -> str:
        """Wire text of a quantity in units, with exactly the instrument's decimals."""
        return _fixed(units, self.qty_decimals)

    def price(self, ticks: int) -> Decimal:
        """A price in ticks as a Decimal with the instrument's decimals."""
        return Decimal(self.price_text(ticks))

    def qty(self, units: int) -> Decimal:
        """A quantity in units as a Decimal with the instrument's decimals."""
        return Decimal(self.qty_text(units))

    def to_ticks(self, price: Decimal) -> int:
        """A price as ticks (the caller checked it has no more decimals than allowed)."""
        return int(price.scaleb(self.price_decimals))

    def top_bids(self, depth: int) -> list[tuple[int, int]]:
        """The best ``depth`` bids, highest price first."""
        return [(p, self.bids[p]) for p in sorted(self.bids, reverse=True)[:depth]]

    def top_asks(self, depth: int) -> list[tuple[int, int]]:
        """The best ``depth`` asks, lowest price first."""
        return [(p, self.asks[p]) for p in sorted(self.asks)[:depth]]

    def best_bid(self) -> int:
        """The highest bid in ticks."""
        return max(self.bids)

    def best_ask(self) -> int:
        """The lowest ask in ticks."""
        return min(self.asks)

    # ---------------------------------------------------------------- the walk

    def seed_levels(self, rng: random.Random, mid: Decimal) -> None:
        """Fill both sides around ``mid`` (called once)."""
        self.mid = self.to_ticks(mid)
        price = self.mid - 1
        for _ in range(40):
            self.bids[price] = self._random_qty(rng)
            price -= rng.randint(1, 3)
        price = self.mid + 1
        for _ in range(40):
            self.asks[price] = self._random_qty(rng)
            price += rng.randint(1, 3)

    def _random_qty(self, rng: random.Random) -> int:
        # Between 0.001 and 5 units of the base asset, at the instrument's precision.
        scale = 10**self.qty_decimals
        low = max(1, scale // 1000)
        return rng.randint(low, 5 * scale)

    def step(self, rng: random.Random, next_trade_id: int, now: float) -> list[Trade]:
        """Move the mid price a few ticks, then change a few levels; return the trades printed.

        Every bid stays below the mid and every ask above it, so the book never crosses: when
        the mid moves up through asks, buyers take them (and symmetrically for bids).
        """
        trades: list[Trade] = []
        self.mid = max(2, self.mid + rng.choice(_MID_MOVES))
        for price in sorted(p for p in self.asks if p <= self.mid):
            trades.append(
                self._print(next_trade_id + len(trades), "buy", price, self.asks.pop(price), now)
            )
        for price in sorted((p for p in self.bids if p >= self.mid), reverse=True):
            trades.append(
                self._print(next_trade_id + len(trades), "sell", price, self.bids.pop(price), now)
            )
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            bid_side = rng.random() < 0.5
            if roll < 0.4:
                self._change_qty(rng, bid_side)
            elif roll < 0.65:
                self._insert(rng, bid_side)
            elif roll < 0.85:
                self._delete(rng, bid_side)
            else:
                trade = self._trade(rng, bid_side, next_trade_id + len(trades), now)
                if trade is not None:
                    trades.append(trade)
        # Keep someone quoting close to the mid on both sides.
        if not self.bids or self.best_bid() < self.mid - 3:
            self.bids[self.mid - rng.randint(1, 2)] = self._random_qty(rng)
        if not self.asks or self.best_ask() > self.mid + 3:
            self.asks[self.mid + rng.randint(1, 2)] = self._random_qty(rng)
        self._keep_depth(rng)
        return trades

    def _print(self, trade_id: int, side: str, price: int, qty: int, now: float) -> Trade:
        return Trade(self.symbol, side, self.price(price), self.qty(qty), trade_id, now)

    def _near_top(self, bid_side: bool) -> list[int]:
        side = self.bids if bid_side else self.asks
        return sorted(side, reverse=bid_side)[:_ACTIVE_LEVELS]

    def _change_qty(self, rng: random.Random, bid_side: bool) -> None:
        side = self.bids if bid_side else self.asks
        if side:
            side[rng.choice(self._near_top(bid_side))] = self._random_qty(rng)

    def _insert(self, rng: random.Random, bid_side: bool) -> None:
        offset = rng.randint(1, _ACTIVE_LEVELS)
        if bid_side:
            if self.mid - offset > 0:
                self.bids[self.mid - offset] = self._random_qty(rng)
        else:
            self.asks[self.mid + offset] = self._random_qty(rng)

    def _delete(self, rng: random.Random, bid_side: bool) -> None:
        side = self.bids if bid_side else self.asks
        if len(side) > _MIN_LEVELS // 2:
            del side[rng.choice(self._near_top(bid_side))]

    def _trade(
        self, rng: random.Random, taker_buys: bool, trade_id: int, now: float
    ) -> Trade | None:
        side = self.asks if taker_buys else self.bids
        if not side:
            return None
        price = self.best_ask() if taker_buys else self.best_bid()
        available = side[price]
        taken = max(1, available * rng.randint(1, 100) // 100)
        if taken >= available:
            del side[price]
        else:
            side[price] = available - taken
        return self._print(trade_id, "buy" if taker_buys else "sell", price, taken, now)

    def _keep_depth(self, rng: random.Random) -> None:
        # Bounded: each loop adds or removes one level until the side is inside its band.
        for bid_side in (True, False):
            side = self.bids if bid_side else self.asks
            while len(side) < _MIN_LEVELS:
                if bid_side:
                    price = (min(side) if side else self.mid) - rng.randint(1, 3)
                    if price <= 0:
                        break
                else:
                    price = (max(side) if side else self.mid) + rng.randint(1, 3)
                side[price] = self._random_qty(rng)
            while len(side) > _MAX_LEVELS:
                del side[min(side) if bid_side else max(side)]


def _fixed(number: int, decimals: int) -> str:
    if decimals == 0:
        return str(number)
    sign = "-" if number < 0 else ""
    digits = str(abs(number)).rjust(decimals + 1, "0")
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


@dataclass(slots=True)
class Stats:
    """Rolling figures for tickers: open, high, low, last, volume and VWAP since the start."""

    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    last_qty: Decimal = Decimal(0)
    volume: Decimal = Decimal(0)
    notional: Decimal = Decimal(0)
    trades: int = 0

    def add(self, trade: Trade) -> None:
        """Account for one trade."""
        self.last, self.last_qty = trade.price, trade.qty
        self.high = max(self.high, trade.price)
        self.low = min(self.low, trade.price)
        self.volume += trade.qty
        self.notional += trade.price * trade.qty
        self.trades += 1

    def vwap(self) -> Decimal:
        """Volume-weighted average price (the last price before any trade)."""
        return self.notional / self.volume if self.volume else self.last


class Market:
    """Every book of the fake exchange (spot and futures), stepped together on a fixed period.

    Args:
        seed: the random walk's seed.
        interval: seconds between two steps of every book.
    """

    def __init__(self, seed: int, interval: float) -> None:
        if not interval > 0:
            raise ValueError("the market step interval must be positive")
        self.rng = random.Random(seed)
        self.interval = interval
        self.books: dict[str, Book] = {}
        self.stats: dict[str, Stats] = {}
        self.trades: dict[str, list[Trade]] = {}
        self.next_trade_id = 1
        self.steps = 0
        items: list[Instrument | FuturesProduct] = [*SPOT_INSTRUMENTS, *FUTURES_PRODUCTS]
        for item in items:
            book = Book(item.symbol, item.price_decimals, item.qty_decimals)
            book.seed_levels(self.rng, item.start_price)
            self.books[item.symbol] = book
            self.stats[item.symbol] = Stats(
                item.start_price, item.start_price, item.start_price, item.start_price
            )
            self.trades[item.symbol] = []

    def step(self, now: float) -> list[Trade]:
        """Move every book one step; return the trades printed (oldest first)."""
        self.steps += 1
        printed: list[Trade] = []
        for symbol, book in self.books.items():
            trades = book.step(self.rng, self.next_trade_id, now)
            self.next_trade_id += len(trades)
            log = self.trades[symbol]
            for trade in trades:
                self.stats[symbol].add(trade)
                log.append(trade)
            del log[:-1000]  # keep the latest 1000 per symbol
            printed.extend(trades)
        return printed

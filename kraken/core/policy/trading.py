"""Kraken's per-pair trading (matching-engine) counter and the cost of each order transaction.

The costs and limits are those of https://docs.kraken.com/api/docs/guides/spot-ratelimits: one
counter per pair, shared by REST, WebSocket and FIX; amending, editing and cancelling a young
order costs more than an old one, where "age" is the time since the order was created or last
amended.
"""

from __future__ import annotations

from collections.abc import Iterable

from kraken.core.errors import KrakenUsageError
from kraken.core.policy.counter import DecayingCounter
from kraken.core.policy.tiers import TRADING_LIMITS, Tier

__all__ = [
    "TradingCounter",
    "add_order_cost",
    "amend_order_cost",
    "batch_add_cost",
    "batch_cancel_cost",
    "cancel_order_cost",
    "edit_order_cost",
]

# (age below which the row applies, extra cost); an order at least as old as the last bound
# costs nothing beyond the fixed part. From the guide's table.
_AMEND_AGE_COST = ((5.0, 3.0), (10.0, 2.0), (15.0, 1.0))
_EDIT_AGE_COST = ((5.0, 6.0), (10.0, 5.0), (15.0, 4.0), (45.0, 2.0), (90.0, 1.0))
_CANCEL_AGE_COST = ((5.0, 8.0), (10.0, 6.0), (15.0, 5.0), (45.0, 4.0), (90.0, 2.0), (300.0, 1.0))


def _age_cost(table: tuple[tuple[float, float], ...], age: float) -> float:
    if age < 0:
        raise KrakenUsageError("an order's age cannot be negative")
    return next((cost for bound, cost in table if age < bound), 0.0)


def add_order_cost() -> float:
    """Adding an order: +1, charged on receipt even if the order fails validation."""
    return 1.0


def amend_order_cost(age: float) -> float:
    """Amending an order ``age`` seconds old: +1, plus 3/2/1 below 5/10/15 s."""
    return 1.0 + _age_cost(_AMEND_AGE_COST, age)


def edit_order_cost(age: float) -> float:
    """Editing an order ``age`` seconds old: +1, plus 6/5/4/2/1 below 5/10/15/45/90 s."""
    return 1.0 + _age_cost(_EDIT_AGE_COST, age)


def cancel_order_cost(age: float) -> float:
    """Cancelling an order ``age`` seconds old: 8/6/5/4/2/1 below 5/10/15/45/90/300 s, else 0."""
    return _age_cost(_CANCEL_AGE_COST, age)


def batch_add_cost(count: int) -> float:
    """Adding ``count`` orders in one batch: +count/2."""
    if count < 0:
        raise KrakenUsageError("a batch cannot have a negative number of orders")
    return count / 2


def batch_cancel_cost(ages: Iterable[float]) -> float:
    """Cancelling a batch: the cancel cost of each order, by its own age (8n for n young ones)."""
    return sum(cancel_order_cost(age) for age in ages)


class TradingCounter:
    """One decaying counter per pair, as Kraken's matching engine keeps them.

    Thresholds 60/125/180 and decay 1/2.34/3.75 per second for Starter/Intermediate/Pro;
    exceeding one gives ``EOrder:Rate limit exceeded``.

    Pairs are keys as the caller spells them: Kraken counts ``XBT/USD`` and ``XXBTZUSD`` as one
    pair, so use one spelling consistently. Order ages are passed in by the caller (the time
    since the order was created or last amended); costs come from the functions of this module.

    Args:
        tier: ``"starter"``, ``"intermediate"`` or ``"pro"`` (or a :class:`Tier`).
        margin: units kept spare below the threshold (default ``1 + decay * 1 s``).
    """

    __slots__ = ("_pairs", "margin", "tier")

    error_code = "EOrder:Rate limit exceeded"

    def __init__(self, tier: Tier | str = Tier.STARTER, *, margin: float | None = None) -> None:
        self.tier = Tier.parse(tier)
        self.margin = margin
        self._pairs: dict[str, DecayingCounter] = {}
        limits = TRADING_LIMITS[self.tier]
        DecayingCounter(limits.cap, limits.decay, margin=margin)  # a bad margin fails here

    @property
    def threshold(self) -> float:
        """Kraken's threshold for this tier."""
        return TRADING_LIMITS[self.tier].cap

    @property
    def decay(self) -> float:
        """Units per second each pair's counter goes down."""
        return TRADING_LIMITS[self.tier].decay

    def for_pair(self, pair: str) -> DecayingCounter:
        """The counter of one pair (a :class:`DecayingCounter`, usable with ``admit``)."""
        counter = self._pairs.get(pair)
        if counter is None:
            limits = TRADING_LIMITS[self.tier]
            counter = DecayingCounter(
                limits.cap, limits.decay, margin=self.margin, error_code=self.error_code
            )
            self._pairs[pair] = counter
        return counter

    def reserve(self, pair: str, cost: float, now: float) -> float:
        """Schedule a transaction of ``cost`` on ``pair``: seconds to wait before sending it."""
        return self.for_pair(pair).reserve(cost, now)

    def wait_time(self, pair: str, cost: float, now: float) -> float:
        """Seconds a transaction of ``cost`` on ``pair`` would wait at ``now``; records nothing."""
        return self.for_pair(pair).wait_time(cost, now)

    def record(self, pair: str, cost: float, now: float) -> None:
        """Charge a transaction sent at ``now`` without waiting (e.g. an urgent cancel)."""
        self.for_pair(pair).record(cost, now)

    def refund(self, pair: str, cost: float, now: float) -> None:
        """Give back the cost of a reserved transaction that was never sent."""
        self.for_pair(pair).refund(cost, now)

    def observe_level(self, pair: str, level: float, now: float) -> None:
        """Adopt the counter Kraken reported for ``pair`` (WS v2 ``executions`` ``ratecounter``)."""
        self.for_pair(pair).observe_level(level, now)

    def observe_rate_limited(self, pair: str, now: float) -> None:
        """Kraken answered ``EOrder:Rate limit exceeded`` for ``pair``: treat it as full."""
        self.for_pair(pair).observe_rate_limited(now)

    def level(self, pair: str, now: float) -> float:
        """The modelled counter of ``pair`` at ``now``."""
        counter = self._pairs.get(pair)
        return 0.0 if counter is None else counter.level(now)

    def __repr__(self) -> str:
        return f"TradingCounter(tier={self.tier.value!r}, pairs={len(self._pairs)})"

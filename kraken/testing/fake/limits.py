"""The fake exchange's rate-limit counters, as Kraken's guides describe them (server side).

Written here rather than reusing :class:`kraken.core.policy.DecayingCounter`: that class is the
client's scheduler (margins, reservations, waits); the exchange only needs "add the cost if it
fits under the cap, else refuse", and keeping the two apart means a misreading in one does not
silently agree with itself in tests.

- Spot REST call counter, per API key: +1 per private call, +2 for ledger and trade-history
  calls (configurable: one Kraken page says +4), AddOrder/CancelOrder not counted; max 15/20/20
  and decay 0.33/0.5/1 per second for Starter/Intermediate/Pro
  (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits). Over the max:
  ``EAPI:Rate limit exceeded``.
- Spot trading counter, per pair: +1 per order placed, cancels cost more the younger the order
  (8/6/5/4/2/1/0 for ages under 5/10/15/45/90/300 s and older); threshold 60/125/180, decay
  1/2.34/3.75 per second (https://docs.kraken.com/api/docs/guides/spot-ratelimits). Over the
  threshold: ``EOrder:Rate limit exceeded``.
- Futures ``/derivatives`` budget: 500 per 10 seconds with per-endpoint costs
  (https://docs.kraken.com/api/docs/guides/futures-rate-limits); over it: ``apiLimitExceeded``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FUTURES_COSTS",
    "HISTORY_METHODS",
    "SPOT_TIERS",
    "TRADING_METHODS",
    "TRADING_TIERS",
    "Level",
    "cancel_cost",
]

# (max, decay per second) per tier.
SPOT_TIERS: dict[str, tuple[float, float]] = {
    "starter": (15.0, 0.33),
    "intermediate": (20.0, 0.5),
    "pro": (20.0, 1.0),
}
TRADING_TIERS: dict[str, tuple[float, float]] = {
    "starter": (60.0, 1.0),
    "intermediate": (125.0, 2.34),
    "pro": (180.0, 3.75),
}
HISTORY_METHODS = frozenset({"Ledgers", "QueryLedgers", "TradesHistory", "QueryTrades"})
TRADING_METHODS = frozenset(
    {
        "AddOrder",
        "AddOrderBatch",
        "AmendOrder",
        "EditOrder",
        "CancelOrder",
        "CancelOrderBatch",
        "CancelAll",
        "CancelAllOrdersAfter",
    }
)
FUTURES_COSTS: dict[str, float] = {
    "sendorder": 10,
    "editorder": 10,
    "cancelorder": 10,
    "accounts": 2,
    "openpositions": 2,
    "openorders": 2,
    "fills": 2,
    "cancelallorders": 25,
    "cancelallordersafter": 25,
}

# Cancel penalty by order age: (younger than seconds, cost).
_CANCEL_COSTS = ((5.0, 8.0), (10.0, 6.0), (15.0, 5.0), (45.0, 4.0), (90.0, 2.0), (300.0, 1.0))


def cancel_cost(age: float) -> float:
    """The trading-counter cost of cancelling an order ``age`` seconds old."""
    for younger_than, cost in _CANCEL_COSTS:
        if age < younger_than:
            return cost
    return 0.0


@dataclass(slots=True)
class Level:
    """A counter that decays linearly to zero and refuses charges that would pass its cap."""

    cap: float
    decay: float
    value: float = 0.0
    stamp: float | None = None

    def at(self, now: float) -> float:
        """The counter at ``now`` (time never runs backwards here)."""
        if self.stamp is None or now <= self.stamp:
            return self.value
        return max(0.0, self.value - self.decay * (now - self.stamp))

    def charge(self, cost: float, now: float) -> bool:
        """Add ``cost`` and return True, or return False (nothing added) if it would overflow."""
        level = self.at(now)
        if level + cost > self.cap + 1e-9:
            self.value, self.stamp = level, max(now, self.stamp or now)
            return False
        self.value, self.stamp = level + cost, max(now, self.stamp or now)
        return True

    def force(self, cost: float, now: float) -> None:
        """Add ``cost`` even past the cap (charges Kraken applies whatever the outcome)."""
        self.value, self.stamp = self.at(now) + cost, max(now, self.stamp or now)

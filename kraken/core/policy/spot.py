"""Kraken's spot REST call counter: per-tier caps and decay, and a configurable cost per call."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kraken.core.errors import KrakenUsageError
from kraken.core.policy.counter import DecayingCounter
from kraken.core.policy.tiers import SPOT_REST_LIMITS, Tier

__all__ = [
    "DEFAULT_SPOT_REST_COSTS",
    "HISTORY_CALLS",
    "TRADING_CALLS",
    "SpotRestCounter",
]

HISTORY_CALLS: Final[frozenset[str]] = frozenset(
    {"OpenOrders", "ClosedOrders", "Ledgers", "QueryLedgers", "TradesHistory"}
)
"""Calls charged the ledger/trade-history cost.

Kraken's guides disagree on that cost: +2 on docs.kraken.com/exchange/guides/rest/ratelimits.md
(and older support articles), +4 on docs.kraken.com/api/docs/guides/spot-rest-ratelimits. The
default, 2, and this list follow Kraken's Rust SDK (src/api/account/mod.rs), which also charges
OpenOrders and ClosedOrders 2; pass ``history_cost=4`` to :class:`SpotRestCounter` for the other
reading.
"""

TRADING_CALLS: Final[frozenset[str]] = frozenset(
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
"""Calls that Kraken counts on the per-pair trading counter instead (cost 0 here)."""

DEFAULT_SPOT_REST_COSTS: Final[Mapping[str, float]] = MappingProxyType(
    {**dict.fromkeys(HISTORY_CALLS, 2.0), **dict.fromkeys(TRADING_CALLS, 0.0)}
)
"""The default cost per Kraken method name; any private method not listed costs 1."""

_PRIVATE_PREFIX = "/0/private/"
_PUBLIC_PREFIX = "/0/public/"


class SpotRestCounter(DecayingCounter):
    """The per-key spot REST call counter of one tier.

    Starter: max 15, -0.33/s; Intermediate: 20, -0.5/s; Pro: 20, -1/s
    (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits).

    Args:
        tier: ``"starter"``, ``"intermediate"`` or ``"pro"`` (or a :class:`Tier`).
        costs: cost per Kraken method name (``"Ledgers"``, ``"Balance"``, ...), overriding the
            defaults and ``history_cost``.
        history_cost: the cost of the calls in :data:`HISTORY_CALLS` (2 by default; 4 per the
            newer guide).
        margin: units kept spare below the cap (default ``1 + decay * 1 s``, see
            :class:`DecayingCounter`).

    Subaccounts share their master account's limits, so clients sharing a key (or an account)
    should share one counter.
    """

    __slots__ = ("costs", "tier")

    def __init__(
        self,
        tier: Tier | str = Tier.STARTER,
        costs: Mapping[str, float] | None = None,
        *,
        history_cost: float = 2.0,
        margin: float | None = None,
    ) -> None:
        self.tier = Tier.parse(tier)
        limits = SPOT_REST_LIMITS[self.tier]
        super().__init__(limits.cap, limits.decay, margin=margin)
        table = dict(DEFAULT_SPOT_REST_COSTS)
        table.update(dict.fromkeys(HISTORY_CALLS, float(history_cost)))
        table.update({name: float(cost) for name, cost in (costs or {}).items()})
        if any(cost < 0 for cost in table.values()):
            raise KrakenUsageError("rate-limit costs cannot be negative")
        self.costs: Mapping[str, float] = MappingProxyType(table)

    def cost(self, method: str) -> float:
        """The counter cost of one call, by Kraken method name or request path.

        ``"Ledgers"`` and ``"/0/private/Ledgers"`` are the same call; public paths
        (``/0/public/...``) cost 0, since Kraken limits those per IP address instead.
        """
        if method.startswith(_PUBLIC_PREFIX):
            return 0.0
        name = method.removeprefix(_PRIVATE_PREFIX)
        return self.costs.get(name, 1.0)

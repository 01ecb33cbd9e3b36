"""Kraken's verification tiers and the rate-limit numbers each one gets."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from kraken.core.errors import KrakenUsageError

__all__ = [
    "MAX_OPEN_ORDERS_PER_PAIR",
    "SPOT_REST_LIMITS",
    "TRADING_LIMITS",
    "CounterLimits",
    "Tier",
]


class Tier(enum.StrEnum):
    """An account's verification tier; it sets the sizes of Kraken's counters."""

    STARTER = "starter"
    INTERMEDIATE = "intermediate"
    PRO = "pro"

    @classmethod
    def parse(cls, value: Tier | str) -> Tier:
        """``Tier.PRO``, ``"pro"`` or ``"Pro"`` -> ``Tier.PRO``; anything else raises."""
        if isinstance(value, Tier):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            names = ", ".join(repr(t.value) for t in cls)
            raise KrakenUsageError(f"unknown tier {value!r}; use one of {names}") from None


@dataclass(frozen=True, slots=True)
class CounterLimits:
    """A decaying counter's size: Kraken refuses calls that would take it past ``cap``."""

    cap: float
    """The maximum (spot REST counter) or threshold (trading counter)."""
    decay: float
    """How much the counter goes down per second."""


# Spot REST call counter, https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits and
# https://docs.kraken.com/exchange/guides/rest/ratelimits.md (the Starter row is only in the
# latter); the same numbers as Kraken's Rust SDK (src/rate_limit/tier.rs).
SPOT_REST_LIMITS: Final[Mapping[Tier, CounterLimits]] = MappingProxyType(
    {
        Tier.STARTER: CounterLimits(cap=15.0, decay=0.33),
        Tier.INTERMEDIATE: CounterLimits(cap=20.0, decay=0.5),
        Tier.PRO: CounterLimits(cap=20.0, decay=1.0),
    }
)

# Per-pair matching-engine counter, https://docs.kraken.com/api/docs/guides/spot-ratelimits
# (shared by REST, WebSocket and FIX).
TRADING_LIMITS: Final[Mapping[Tier, CounterLimits]] = MappingProxyType(
    {
        Tier.STARTER: CounterLimits(cap=60.0, decay=1.0),
        Tier.INTERMEDIATE: CounterLimits(cap=125.0, decay=2.34),
        Tier.PRO: CounterLimits(cap=180.0, decay=3.75),
    }
)

# Open orders per pair before ``EOrder:Orders limit exceeded`` (same guide).
MAX_OPEN_ORDERS_PER_PAIR: Final[Mapping[Tier, int]] = MappingProxyType(
    {Tier.STARTER: 60, Tier.INTERMEDIATE: 80, Tier.PRO: 225}
)

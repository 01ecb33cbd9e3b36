"""Independent models of how Kraken itself counts, to check the SDK's models against.

Written from the rate-limit guides alone; nothing here imports ``kraken.core.policy``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Arrival = tuple[float, float]  # (time the call reaches Kraken, its cost)


def decaying_peak(arrivals: Sequence[Arrival], decay: float) -> float:
    """Highest value of a counter that adds each cost on arrival and loses ``decay`` per second."""
    level, previous, peak = 0.0, -math.inf, 0.0
    for at, cost in sorted(arrivals):
        if previous != -math.inf:
            level = max(0.0, level - decay * (at - previous))
        level += cost
        previous = at
        peak = max(peak, level)
    return peak


def ticking_peak(arrivals: Sequence[Arrival], decay: float) -> float:
    """Like :func:`decaying_peak`, but the decay is applied only at whole seconds."""
    level, previous, peak = 0.0, None, 0.0
    for at, cost in sorted(arrivals):
        if previous is not None:
            ticks = math.floor(at) - math.floor(previous)
            level = max(0.0, level - decay * ticks)
        level += cost
        previous = at
        peak = max(peak, level)
    return peak


def window_peak(arrivals: Sequence[Arrival], window: float) -> float:
    """The largest total cost arriving within any ``window`` seconds (a sliding window)."""
    ordered = sorted(arrivals)
    peak = 0.0
    for end_at, _ in ordered:
        total = sum(cost for at, cost in ordered if end_at - window < at <= end_at)
        peak = max(peak, total)
    return peak


def token_bucket_low(arrivals: Sequence[Arrival], capacity: float, refill_per_s: float) -> float:
    """The lowest token count of a bucket of ``capacity`` refilled continuously (negative = refused)."""
    tokens, previous, low = capacity, None, capacity
    for at, cost in sorted(arrivals):
        if previous is not None:
            tokens = min(capacity, tokens + refill_per_s * (at - previous))
        tokens -= cost
        previous = at
        low = min(low, tokens)
    return low

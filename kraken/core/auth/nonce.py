"""Nonce arithmetic: strictly increasing values computed from the time handed in.

Kraken wants a per-key nonce that always increases (unsigned 64-bit), and recommends a
nanosecond timestamp for bursts (https://docs.kraken.com/api/docs/guides/spot-rest-auth, "Nonce").
The floor below makes each value ``max(now_ns, last + 1)``: two calls in the same nanosecond, or a
clock that steps backwards, still give increasing values. Locking is the caller's job: the core
holds no locks and reads no clock.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["MAX_NONCE", "NonceFloor", "nanoseconds_from_milliseconds"]

MAX_NONCE = 2**64 - 1
_NS_PER_MS = 1_000_000


class NonceFloor:
    """The last nonce given out for one key, and the rule for the next one."""

    __slots__ = ("last",)

    def __init__(self, last: int = 0) -> None:
        self.last = last

    def next(self, now_ns: int) -> int:
        """Return ``max(now_ns, last + 1)`` and remember it."""
        last = self.last
        nonce = now_ns if now_ns > last else last + 1
        if nonce > MAX_NONCE:
            raise OverflowError("nonce exceeds Kraken's unsigned 64-bit range")
        self.last = nonce
        return nonce


def nanoseconds_from_milliseconds(milliseconds: float | int | Decimal) -> int:
    """Scale a millisecond timestamp (what ``custom_timestamp_fn`` returns) to nanoseconds.

    Integers scale exactly; fractional milliseconds (``performance.now()`` style) keep their
    sub-millisecond digits instead of being truncated first.
    """
    if isinstance(milliseconds, int):
        return milliseconds * _NS_PER_MS
    if isinstance(milliseconds, float):
        # repr() is the shortest exact text of the float, so 1.5 ms becomes 1_500_000 ns exactly.
        return int(Decimal(repr(milliseconds)) * _NS_PER_MS)
    return int(milliseconds * _NS_PER_MS)

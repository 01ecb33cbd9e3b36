"""A budget of ``limit`` per ``window`` seconds, kept as a log of the calls in the window.

Kraken states its Futures budgets as "500 every 10 seconds" and "100 tokens, replenished 100 per
10 minutes" (https://docs.kraken.com/api/docs/guides/futures-rate-limits) without saying whether
the window slides or resets. A sliding log is the safe reading: whenever every trailing window
holds at most ``limit``, so does every fixed window, and a token bucket of that size and refill
accepts it too.
"""

from __future__ import annotations

from collections import deque

from kraken.core.errors import KrakenUsageError
from kraken.core.policy.counter import LATENCY_ALLOWANCE

__all__ = ["SlidingWindowBudget"]

# Seconds a call stays in the modelled window beyond window + allowance: exactly at the
# boundary, float rounding alone would decide whether Kraken still counts it.
_GUARD = 1e-6


class SlidingWindowBudget:
    """At most ``limit`` of cost in any ``window`` seconds; calls queue first come, first served.

    Times are monotonic seconds handed in by the caller. The modelled window is
    ``window + latency_allowance`` long, because Kraken sees a call when it arrives: two calls
    sent ``window`` seconds apart may arrive closer together.

    Args:
        limit: the budget per window.
        window: the window in seconds.
        latency_allowance: seconds added to the window (default 1, :data:`LATENCY_ALLOWANCE`).
        error_code: the error string Kraken sends when the budget is spent.
    """

    __slots__ = ("_blocked_until", "_log", "error_code", "latency_allowance", "limit", "window")

    def __init__(
        self,
        limit: float,
        window: float,
        *,
        latency_allowance: float = LATENCY_ALLOWANCE,
        error_code: str = "EFutures:apiLimitExceeded",
    ) -> None:
        if not limit > 0 or not window > 0 or not latency_allowance >= 0:
            raise KrakenUsageError("a budget needs a positive limit and window")
        self.limit = float(limit)
        self.window = float(window)
        self.latency_allowance = float(latency_allowance)
        self.error_code = error_code
        self._log: deque[tuple[float, float]] = deque()  # (send time, cost), in time order
        self._blocked_until = float("-inf")

    @property
    def span(self) -> float:
        """The modelled window: ``window + latency_allowance`` seconds (plus a microsecond)."""
        return self.window + self.latency_allowance + _GUARD

    def _forget(self, now: float) -> None:
        """Drop calls that no window from ``now`` on can contain."""
        span = self.span
        while self._log and self._log[0][0] + span <= now:
            self._log.popleft()

    def _plan(self, cost: float, now: float) -> float:
        """The earliest time, not before ``now`` or queued calls, that a call of ``cost`` fits."""
        if cost < 0:
            raise KrakenUsageError("a rate-limit cost cannot be negative")
        span = self.span
        send_at = max(now, self._blocked_until, self._log[-1][0] if self._log else now)
        in_window = [(at, c) for at, c in self._log if at + span > send_at]
        total = sum(c for _, c in in_window)
        # A cost above the limit can never fit; such a call waits for an empty window.
        for at, c in in_window:
            if total + cost <= self.limit or total <= 0:
                break
            total -= c
            send_at = max(send_at, at + span)  # the moment that call leaves the window
        return send_at

    def wait_time(self, cost: float, now: float) -> float:
        """Seconds a call of ``cost`` would have to wait at ``now``; records nothing."""
        return self._plan(cost, now) - now

    def reserve(self, cost: float, now: float) -> float:
        """Schedule a call of ``cost``: the seconds to wait before sending it (0: send now).

        The charge is recorded at the send time; :meth:`refund` it if the call is not sent.
        """
        self._forget(now)
        send_at = self._plan(cost, now)
        self._log.append((send_at, float(cost)))
        return send_at - now

    def record(self, cost: float, now: float) -> None:
        """Charge a call sent at ``now`` without waiting."""
        if cost < 0:
            raise KrakenUsageError("a rate-limit cost cannot be negative")
        self._forget(now)
        at = max(now, self._log[-1][0]) if self._log else now
        self._log.append((at, float(cost)))

    def refund(self, cost: float, now: float) -> None:
        """Give back the cost of a reserved call that was never sent (the latest such entry)."""
        for index in range(len(self._log) - 1, -1, -1):
            if self._log[index][1] == cost:
                del self._log[index]
                return
        self._forget(now)

    def observe_rate_limited(self, now: float, retry_after: float | None = None) -> None:
        """Kraken said the budget is spent.

        With ``retry_after`` (the history endpoints' ``rate-limit-reset`` header: seconds until
        a call of the same cost is accepted) nothing is sent before ``now + retry_after``.
        Without it the window is treated as full at ``now``.
        """
        if retry_after is not None:
            self._blocked_until = max(self._blocked_until, now + max(0.0, retry_after))
            return
        self._forget(now)
        used = self.used(now)
        if used < self.limit:
            at = max(now, self._log[-1][0]) if self._log else now
            self._log.append((at, self.limit - used))

    def used(self, now: float) -> float:
        """The cost charged in the modelled window ending at ``now`` (reservations included)."""
        span = self.span
        return sum(c for at, c in self._log if at + span > now)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(limit={self.limit}, window={self.window}, "
            f"latency_allowance={self.latency_allowance}, calls={len(self._log)})"
        )

"""Full-jitter exponential backoff, the WebSocket reconnect schedule, and the connect budget.

Kraken's WebSocket guide advises to "attempt reconnection instantly up to a handful of times if
the websocket is dropped randomly during normal operation but after maintenance or extended
downtime, attempt to reconnect no more quickly than once every 5 seconds", and warns that
Cloudflare bans an IP for 10 minutes after about 150 connection attempts in a rolling 10 minutes
(Kraken's WebSocket API v1 documentation, "General considerations"; Kraken's Rust SDK budgets
120 per 600 s). Randomness comes in as ``random_unit``, a uniform number in [0, 1) that the
caller draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from kraken.core.errors import KrakenUsageError
from kraken.core.policy.window import SlidingWindowBudget

__all__ = ["Backoff", "ConnectBudget", "full_jitter", "reconnect_delay"]


def full_jitter(
    attempt: int, random_unit: float, *, base: float = 0.5, cap: float = 30.0, factor: float = 2.0
) -> float:
    """``min(cap, base * factor**attempt) * random_unit``, always within ``[0, cap]``.

    "Full jitter" spreads many clients' retries over the whole interval, so they do not return
    in step after an outage.
    """
    if attempt < 0:
        raise KrakenUsageError("attempt numbers start at 0")
    if not 0.0 <= random_unit <= 1.0:
        raise KrakenUsageError("random_unit must lie in [0, 1)")
    try:
        ceiling = min(cap, base * factor**attempt)
    except OverflowError:
        ceiling = cap
    return ceiling * random_unit


@dataclass(frozen=True, slots=True)
class Backoff:
    """The wait before WebSocket reconnect attempt ``attempt`` (0 = the first reconnect).

    The first ``instant_attempts`` reconnects go at once, as Kraken advises for a random drop.
    After that (or at once with ``after_maintenance=True``, e.g. after Kraken's maintenance or
    a ``cancel_only`` period) each attempt waits at least ``slow_floor`` seconds plus full
    jitter over ``min(cap, base * factor**k)``, ``k`` counting the slow attempts, and never more
    than ``cap``.
    """

    base: float = 0.5
    cap: float = 30.0
    factor: float = 2.0
    instant_attempts: int = 3
    slow_floor: float = 5.0

    def __post_init__(self) -> None:
        if not (
            self.base >= 0
            and self.factor >= 1
            and self.instant_attempts >= 0
            and 0 <= self.slow_floor <= self.cap
        ):
            raise KrakenUsageError(
                "backoff needs base >= 0, factor >= 1, instant_attempts >= 0 and "
                "0 <= slow_floor <= cap"
            )

    def delay(self, attempt: int, random_unit: float, *, after_maintenance: bool = False) -> float:
        """Seconds to wait before reconnect ``attempt``; within ``[0, cap]``."""
        if attempt < 0:
            raise KrakenUsageError("attempt numbers start at 0")
        if not after_maintenance and attempt < self.instant_attempts:
            return 0.0
        slow = attempt if after_maintenance else attempt - self.instant_attempts
        jitter = full_jitter(slow, random_unit, base=self.base, cap=self.cap, factor=self.factor)
        return min(self.cap, self.slow_floor + jitter)


class ConnectBudget:
    """At most ``max_connects`` connection attempts per ``window`` seconds.

    The default, 120 per 600 s, stays below Cloudflare's ~150 per rolling 10 minutes. Cloudflare
    counts per IP address, so share one budget between the WebSocket connections of a process.
    """

    __slots__ = ("_window",)

    def __init__(self, max_connects: int = 120, window: float = 600.0) -> None:
        if max_connects < 1:
            raise KrakenUsageError("max_connects must be at least 1")
        self._window = SlidingWindowBudget(
            max_connects, window, latency_allowance=0.0, error_code="connect budget"
        )

    @property
    def max_connects(self) -> int:
        """Attempts allowed per window."""
        return int(self._window.limit)

    @property
    def window(self) -> float:
        """The window in seconds."""
        return self._window.window

    def wait_time(self, now: float) -> float:
        """Seconds before the next attempt may start, at monotonic time ``now``; records nothing."""
        return self._window.wait_time(1.0, now)

    def reserve(self, now: float) -> float:
        """Book the next attempt: returns the seconds to wait before starting it."""
        return self._window.reserve(1.0, now)

    def attempts(self, now: float) -> int:
        """Attempts booked in the window ending at ``now`` (future bookings included)."""
        return round(self._window.used(now))


def reconnect_delay(
    backoff: Backoff,
    budget: ConnectBudget,
    attempt: int,
    now: float,
    random_unit: float,
    *,
    after_maintenance: bool = False,
) -> float:
    """The total wait before reconnect ``attempt``: the backoff, then whatever the budget adds.

    Books the attempt in ``budget`` at the time it will start.
    """
    wait = backoff.delay(attempt, random_unit, after_maintenance=after_maintenance)
    return wait + budget.reserve(now + wait)

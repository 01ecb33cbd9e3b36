"""Process-wide rate-limit models, one set per API key, shared by every client and thread.

Kraken counts calls per API key (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits,
https://docs.kraken.com/api/docs/guides/futures-rate-limits), so every client instance on a
key, in any thread or event loop, must charge the same models. Like the nonce floor
(:mod:`kraken.clients.nonces`), they live in a registry here. The models of
:mod:`kraken.core.policy` are plain objects; one ``threading.Lock`` per key guards them and is
held only while a decision is computed, never across I/O or a sleep.

The registry is keyed by the key's fingerprint and by the clock's time base: a model's times
are monotonic readings of one clock, so clients on different clocks (a test's fake clock and
the system clock) cannot share one. Every client on the default clock shares the system one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from kraken.adapters.clock import SystemClock
from kraken.core.errors import RateLimitError
from kraken.core.policy import (
    Charge,
    Counter,
    Decision,
    FuturesBudget,
    HistoryTokenPool,
    RateLimitMode,
    RefundableLimiter,
    SpotRestCounter,
    Tier,
    TradingCounter,
    admit,
    admit_all,
    refused_counters,
)
from kraken.ports.clock import Clock

__all__ = ["KeyLimits", "forget_rate_limits", "key_limits"]

logger = logging.getLogger("kraken.rest")


class KeyLimits:
    """The live rate-limit models of one API key (on one clock), and the lock guarding them.

    The spot REST and trading counters are sized by the account's tier. Clients declare it;
    when a client declares a different tier than the one in use, the models are rebuilt for it
    with their current levels carried over, so the most recently built client's tier applies
    to every client on the key.
    """

    __slots__ = ("_futures", "_history", "_lock", "_pairs", "_spot", "_trading", "clock")

    def __init__(self, clock: Clock, tier: Tier = Tier.STARTER) -> None:
        self.clock = clock  # held so that the registry key (its id) stays unique
        self._lock = threading.Lock()
        self._spot = SpotRestCounter(tier)
        self._trading = TradingCounter(tier)
        self._pairs: set[str] = set()
        self._futures = FuturesBudget()
        self._history = HistoryTokenPool()

    @property
    def tier(self) -> Tier:
        """The tier the spot counters are sized for."""
        return self._spot.tier

    def use_tier(self, tier: Tier) -> None:
        """Size the spot REST and trading counters for ``tier``, keeping their levels."""
        with self._lock:
            if tier is self._spot.tier:
                return
            logger.info("rate limits: switching a key's counters to the %s tier", tier.value)
            now = self.clock.monotonic()
            spot = SpotRestCounter(tier)
            spot.observe_level(self._spot.level(now), now)
            trading = TradingCounter(tier)
            for pair in self._pairs:
                trading.observe_level(pair, self._trading.level(pair, now), now)
            self._spot, self._trading = spot, trading

    def _limiter(self, charge: Charge) -> RefundableLimiter:
        """The live model a charge goes to (call with the lock held)."""
        counter = charge.counter
        if counter is Counter.SPOT_REST:
            return self._spot
        if counter is Counter.TRADING:
            self._pairs.add(charge.pair)
            return self._trading.for_pair(charge.pair)
        if counter is Counter.FUTURES:
            return self._futures
        return self._history

    def admit(
        self,
        mode: RateLimitMode,
        charges: Sequence[Charge],
        now: float,
        *,
        max_wait: float | None = None,
        endpoint: str = "",
    ) -> Decision:
        """Decide (and, unless refused, book) a call's charges at monotonic time ``now``."""
        with self._lock:
            if len(charges) == 1:  # the common case, without the multi-counter bookkeeping
                charge = charges[0]
                limiter = self._limiter(charge)
                return admit(mode, limiter, charge.cost, now, max_wait=max_wait, endpoint=endpoint)
            pairs = [(self._limiter(charge), charge.cost) for charge in charges]
            return admit_all(mode, pairs, now, max_wait=max_wait, endpoint=endpoint)

    def refund(self, charges: Sequence[Charge], now: float) -> None:
        """Hand back the charges of a call that was booked but never sent."""
        with self._lock:
            for charge in charges:
                self._limiter(charge).refund(charge.cost, now)

    def observe_refusal(
        self, charges: Sequence[Charge], error: RateLimitError, now: float
    ) -> float:
        """Kraken refused the call with ``error``: mark the models it names as full.

        Returns the seconds the refused models now ask the call to wait (0 when the error
        names none of them, as ``EService:Throttled`` does).
        """
        refused = refused_counters(charges, error.code)
        wait = 0.0
        with self._lock:
            for charge in refused:
                counter = charge.counter
                if counter is Counter.SPOT_REST:
                    self._spot.observe_rate_limited(now)
                elif counter is Counter.TRADING:
                    self._trading.observe_rate_limited(charge.pair, now)
                elif counter is Counter.FUTURES:
                    self._futures.observe_rate_limited(now)
                else:
                    # rate-limit-reset: the seconds until a call of the same cost is accepted.
                    self._history.observe_rate_limited(now, retry_after=error.retry_after)
                wait = max(wait, self._limiter(charge).wait_time(charge.cost, now))
        return wait

    def level(self, counter: Counter, now: float, pair: str = "") -> float:
        """The modelled level of one counter at ``now`` (the cost used, for the budgets)."""
        with self._lock:
            if counter is Counter.SPOT_REST:
                return self._spot.level(now)
            if counter is Counter.TRADING:
                return self._trading.level(pair, now)
            budget = self._futures if counter is Counter.FUTURES else self._history
            return budget.used(now)

    def __repr__(self) -> str:
        return f"KeyLimits(tier={self.tier.value!r}, spot={self._spot!r})"


_registry: dict[tuple[str, int], KeyLimits] = {}
_registry_lock = threading.Lock()


def _time_base(clock: Clock) -> int:
    # Every SystemClock reads the same operating-system clocks.
    return 0 if type(clock) is SystemClock else id(clock)


def key_limits(fingerprint: str, clock: Clock, tier: Tier = Tier.STARTER) -> KeyLimits:
    """The process-wide models of the key with this fingerprint on ``clock``, sized for ``tier``.

    Created on first use; a later call with another tier re-sizes them (see :class:`KeyLimits`).
    """
    key = (fingerprint, _time_base(clock))
    with _registry_lock:
        limits = _registry.get(key)
        if limits is None:
            # The entry holds its clock, so no other clock can take over this id meanwhile.
            limits = _registry[key] = KeyLimits(clock, tier)
            return limits
    limits.use_tier(tier)
    return limits


def forget_rate_limits() -> None:
    """Drop every key's models (the next client starts from empty counters).

    For tests, and for a process that knows Kraken's counters have emptied (for instance after
    a long pause); clients built before keep the models they hold.
    """
    with _registry_lock:
        _registry.clear()

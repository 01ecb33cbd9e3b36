"""A decaying counter (Kraken's spot REST and trading counters) that schedules calls under its cap.

Kraken adds a cost to the counter on each call and takes ``decay`` off it every second; a call that
would take it past the cap is refused (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits,
https://docs.kraken.com/api/docs/guides/spot-ratelimits). The model here answers "how long must
this call wait so that it fits", and records the charge at the moment the call will be sent, so
callers that reserve one after another are queued first come, first served.
"""

from __future__ import annotations

from kraken.core.errors import KrakenUsageError

__all__ = ["LATENCY_ALLOWANCE", "STEP_ALLOWANCE", "DecayingCounter"]

LATENCY_ALLOWANCE = 1.0
"""Seconds of network-latency spread the default margins absorb.

Kraken charges a call when it arrives, not when we send it. If two calls sent ``g`` seconds
apart arrive ``g - d`` seconds apart, Kraken has had ``d`` seconds less of decay between them,
so its counter can read up to ``decay * d`` more than ours.
"""

STEP_ALLOWANCE = 1.0
"""Counter units the default margins keep spare in case Kraken decays in whole steps."""


class DecayingCounter:
    """A counter of ``cap`` that loses ``decay`` per second, kept ``margin`` below its cap.

    Times are monotonic seconds handed in by the caller (``now``); nothing here reads a clock.

    Args:
        cap: Kraken's maximum (or threshold) for the counter.
        decay: units per second the counter goes down.
        margin: units kept spare below ``cap``; the default, ``1 + decay * 1 s``, absorbs one
            second of latency spread and whole-step decay (see :data:`LATENCY_ALLOWANCE`).
        error_code: the error string Kraken sends when this counter overflows, used for the
            error a client raises in :attr:`~kraken.core.policy.RateLimitMode.RAISE` mode.
    """

    __slots__ = ("_level", "_stamp", "cap", "decay", "error_code", "margin")

    def __init__(
        self,
        cap: float,
        decay: float,
        *,
        margin: float | None = None,
        error_code: str = "EAPI:Rate limit exceeded",
    ) -> None:
        if not cap > 0 or not decay > 0:
            raise KrakenUsageError("a rate-limit counter needs a positive cap and decay")
        if margin is None:
            margin = STEP_ALLOWANCE + decay * LATENCY_ALLOWANCE
        if not 0 <= margin < cap:
            raise KrakenUsageError(f"margin must be at least 0 and below the cap {cap}")
        self.cap = float(cap)
        self.decay = float(decay)
        self.margin = float(margin)
        self.error_code = error_code
        # The counter's value at time ``_stamp``, including every call scheduled so far; the
        # stamp is the send time of the latest reservation and can lie in the future.
        self._level = 0.0
        self._stamp = float("-inf")

    @property
    def limit(self) -> float:
        """The level this model keeps the counter at or under: ``cap - margin``."""
        return self.cap - self.margin

    def _level_at(self, when: float) -> float:
        """The counter at ``when`` (not before the latest reservation), after decay."""
        if when <= self._stamp:
            return self._level
        return max(0.0, self._level - self.decay * (when - self._stamp))

    def _plan(self, cost: float, now: float) -> tuple[float, float]:
        """When a call of ``cost`` reserved at ``now`` can be sent, and the level after it."""
        if cost < 0:
            raise KrakenUsageError("a rate-limit cost cannot be negative")
        send_at = max(now, self._stamp)
        level = self._level_at(send_at)
        # A cost above the limit can never fit; such a call waits for an empty counter.
        target = max(0.0, self.limit - cost)
        if level > target:
            send_at += (level - target) / self.decay
            level = target
        return send_at, level + cost

    def wait_time(self, cost: float, now: float) -> float:
        """Seconds a call of ``cost`` would have to wait at ``now``; records nothing."""
        send_at, _ = self._plan(cost, now)
        return send_at - now

    def reserve(self, cost: float, now: float) -> float:
        """Schedule a call of ``cost``: returns the seconds to wait before sending it (0: now).

        The charge is recorded at the send time, so the next reservation queues behind this one.
        If the call is then not sent after all, hand the cost back with :meth:`refund`.
        """
        send_at, level = self._plan(cost, now)
        self._level = level
        self._stamp = send_at
        return send_at - now

    def record(self, cost: float, now: float) -> None:
        """Charge a call sent at ``now`` without waiting (calls that must not be delayed)."""
        if cost < 0:
            raise KrakenUsageError("a rate-limit cost cannot be negative")
        when = max(now, self._stamp)
        self._level = self._level_at(when) + cost
        self._stamp = when

    def refund(self, cost: float, now: float) -> None:
        """Give back the cost of a reserved call that was never sent."""
        when = max(now, self._stamp)
        self._level = max(0.0, self._level_at(when) - cost)
        self._stamp = when

    def observe_level(self, level: float, now: float) -> None:
        """Adopt a level Kraken reported at ``now`` (e.g. WS ``executions`` ``ratecounter``).

        While calls are scheduled ahead of ``now`` the higher of the two readings is kept,
        since those calls will still be charged.
        """
        if now >= self._stamp:
            self._level = max(0.0, float(level))
            self._stamp = now
        else:
            self._level = max(self._level, float(level))

    def observe_rate_limited(self, now: float) -> None:
        """Kraken refused a call for this counter: treat the counter as full at ``now``."""
        when = max(now, self._stamp)
        self._level = max(self._level_at(when), self.cap)
        self._stamp = when

    def level(self, now: float) -> float:
        """The modelled counter at ``now``, including calls reserved but not yet sent."""
        return self._level_at(now)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(cap={self.cap}, decay={self.decay}, margin={self.margin}, "
            f"level={self._level:.3f} at {self._stamp:.3f})"
        )

"""What a client does when its rate-limit model says a call would be refused: wait, raise, skip."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, TypeAlias

# LocalRateLimitError lives in kraken.core.errors (exported as kraken.LocalRateLimitError);
# it is re-exported here, where the decisions that raise it are made.
from kraken.core.errors import KrakenUsageError, LocalRateLimitError

__all__ = [
    "Decision",
    "Limiter",
    "LocalRateLimitError",
    "Proceed",
    "Raise",
    "RateLimitMode",
    "Wait",
    "admit",
]


class RateLimitMode(enum.StrEnum):
    """The client option ``rate_limit``: what to do when a call would overflow a Kraken limit."""

    WAIT = "wait"
    """Sleep until the call fits, then send it (the default)."""
    RAISE = "raise"
    """Raise :class:`LocalRateLimitError` instead of sending a call Kraken would refuse."""
    OFF = "off"
    """Keep no local account; send everything and let Kraken answer."""

    @classmethod
    def parse(cls, value: RateLimitMode | str) -> RateLimitMode:
        """``"wait"``, ``"raise"``, ``"off"`` (or a member) -> the member; anything else raises."""
        if isinstance(value, RateLimitMode):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            names = ", ".join(repr(m.value) for m in cls)
            raise KrakenUsageError(
                f"unknown rate_limit mode {value!r}; use one of {names}"
            ) from None


class Limiter(Protocol):
    """What :func:`admit` needs from a rate-limit model (counters and budgets of this package)."""

    @property
    def error_code(self) -> str:
        """The error string Kraken sends when this limit is exceeded."""
        ...

    def wait_time(self, cost: float, now: float) -> float:
        """Seconds a call of ``cost`` would wait at ``now``, without recording it."""
        ...

    def reserve(self, cost: float, now: float) -> float:
        """Record a call of ``cost`` and return the seconds to wait before sending it."""
        ...


@dataclass(frozen=True, slots=True)
class Proceed:
    """Send the call now."""


_PROCEED = Proceed()  # immutable and field-less: one instance serves every decision


@dataclass(frozen=True, slots=True)
class Wait:
    """Sleep ``seconds``, then send the call (its charge is already recorded)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Raise:
    """Do not send the call; raise ``error`` (nothing was charged)."""

    error: LocalRateLimitError


Decision: TypeAlias = Proceed | Wait | Raise
"""What a client does with one call: :class:`Proceed`, :class:`Wait` or :class:`Raise`."""


def admit(
    mode: RateLimitMode,
    limiter: Limiter,
    cost: float,
    now: float,
    *,
    max_wait: float | None = None,
    endpoint: str = "",
) -> Decision:
    """Decide what a client does with a call of ``cost`` at monotonic time ``now``.

    ``OFF``: always :class:`Proceed`, nothing recorded. ``WAIT``: the call is reserved and the
    answer is :class:`Proceed` or :class:`Wait`; when ``max_wait`` is given and the wait would be
    longer, nothing is reserved and the answer is :class:`Raise`. ``RAISE``: :class:`Proceed`
    (reserved) when the call fits now, else :class:`Raise` (nothing reserved).

    A client that gets :class:`Wait` and then does not send the call (cancelled, timed out)
    should give the cost back with the limiter's ``refund``.
    """
    if mode is RateLimitMode.OFF or cost <= 0:
        return _PROCEED
    wait = limiter.wait_time(cost, now)
    too_long = mode is RateLimitMode.RAISE or (max_wait is not None and wait > max_wait)
    if wait > 0 and too_long:
        error = LocalRateLimitError(limiter.error_code, endpoint=endpoint, retry_after=wait)
        return Raise(error)
    wait = limiter.reserve(cost, now)
    return Wait(wait) if wait > 0 else _PROCEED

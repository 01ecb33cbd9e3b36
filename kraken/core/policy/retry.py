"""When a failed REST call is tried again, after how long, and when the SDK gives up.

The rules follow Kraken's error guide (https://docs.kraken.com/api/docs/guides/spot-errors), its
rate-limit guides, and the classification of Kraken's Rust SDK (src/rest/retry.rs): transient
transport failures and ``EService:Unavailable``/``Busy`` are retried only for calls that are safe
to repeat; rate-limit refusals wait as Kraken says; ``EAPI:Invalid nonce`` gets one re-signed
attempt; orders are never placed or amended twice on the SDK's own initiative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, TypeAlias

from kraken.core.errors import (
    InvalidNonceError,
    KrakenAPIError,
    KrakenTransportError,
    KrakenUsageError,
    RateLimitError,
    ServiceUnavailableError,
)
from kraken.core.policy.backoff import full_jitter
from kraken.core.policy.modes import LocalRateLimitError

__all__ = [
    "ORDER_PLACEMENT_METHODS",
    "ORDER_PLACEMENT_SDK_METHODS",
    "TRANSIENT_HTTP_STATUSES",
    "GiveUp",
    "Retry",
    "RetryDecision",
    "RetryPolicy",
    "places_orders",
]

ORDER_PLACEMENT_METHODS: Final[frozenset[str]] = frozenset(
    {
        # Spot REST, https://docs.kraken.com/api/docs/rest-api/add-order and siblings.
        "AddOrder",
        "AddOrderBatch",
        "AmendOrder",
        "EditOrder",
        # Futures REST (/derivatives/api/v3/...); a batchorder may place or edit orders.
        "sendorder",
        "editorder",
        "batchorder",
        # Spot WebSocket v2 trading methods.
        "add_order",
        "amend_order",
        "edit_order",
        "batch_add",
        # Spot WebSocket v1 events.
        "addOrder",
        "editOrder",
    }
)
"""Kraken's names (REST path tails, WebSocket methods) of calls that place or amend orders."""

ORDER_PLACEMENT_SDK_METHODS: Final[frozenset[str]] = frozenset(
    {
        "submit_order",
        "submit_batch_orders",
        "amend_order",
        "edit_order",
        "batch_order_management",
        "submit_spot_order",
        "amend_spot_order",
        "edit_spot_order",
        "batch_submit_spot_orders",
    }
)
"""This SDK's method names (Spot, Futures, WebSocket API clients) for the same calls."""

_PLACEMENT_KEYS = frozenset(
    name.lower() for name in ORDER_PLACEMENT_METHODS | ORDER_PLACEMENT_SDK_METHODS
)

TRANSIENT_HTTP_STATUSES: Final[frozenset[int]] = frozenset({408, 425, 429})
"""HTTP statuses worth another try, besides every 5xx (as in Kraken's Rust SDK)."""

# Kraken strings meaning "busy or briefly offline, try later"; other EService strings
# (Deadline elapsed, the market-mode gates) will not change by retrying.
_TRANSIENT_SERVICE = ("EService:Unavailable", "EService:Busy", "EFutures:Unavailable")
_TRANSIENT_SERVICE_EXACT = frozenset({"EFutures:Server Error"})
_SPACES_AROUND_COLON = re.compile(r"\s*:\s*")


def places_orders(name: str) -> bool:
    """True for a call that places or amends orders, by Kraken name, SDK name or path.

    ``"AddOrder"``, ``"/0/private/AddOrder"``, ``"/derivatives/api/v3/sendorder"``,
    ``"add_order"`` and ``"submit_order"`` are all placements; cancels are not.
    """
    tail = name.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail.lower() in _PLACEMENT_KEYS


def _is_transient_status(status: int | None) -> bool:
    return status is not None and (status >= 500 or status in TRANSIENT_HTTP_STATUSES)


def _is_transient_service(code: str) -> bool:
    normalised = _SPACES_AROUND_COLON.sub(":", code.strip())
    return normalised.startswith(_TRANSIENT_SERVICE) or normalised in _TRANSIENT_SERVICE_EXACT


@dataclass(frozen=True, slots=True)
class Retry:
    """Send the call again after ``after_seconds``.

    ``fresh_nonce`` marks the one retry that heals ``EAPI:Invalid nonce``. Every retry of a
    signed call must be signed anew with a new nonce anyway (Kraken refuses a nonce it has
    seen); the flag lets the client count the heal and make sure its nonce source moves on.
    """

    after_seconds: float
    fresh_nonce: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Do not try again; raise the error. ``reason`` says why, for logs."""

    reason: str = ""


RetryDecision: TypeAlias = Retry | GiveUp
"""The answer of :meth:`RetryPolicy.decide`."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, and Kraken's rules on what may be repeated.

    Attributes:
        base: the first backoff ceiling in seconds.
        cap: the longest wait this policy ever asks for, in seconds.
        factor: growth of the ceiling per attempt.
        max_attempts: attempts in total, the first one included (1 turns retries off, except
            the nonce heal; see ``nonce_retry``).
        nonce_retry: allow the one re-signed retry after ``EAPI:Invalid nonce``.
    """

    base: float = 0.5
    cap: float = 30.0
    factor: float = 2.0
    max_attempts: int = 3
    nonce_retry: bool = True

    def __post_init__(self) -> None:
        if not (self.base >= 0 and self.cap >= 0 and self.factor >= 1 and self.max_attempts >= 1):
            raise KrakenUsageError(
                "retry policy needs base >= 0, cap >= 0, factor >= 1 and max_attempts >= 1"
            )

    def backoff(self, attempt: int, random_unit: float) -> float:
        """``min(cap, base * factor**attempt) * random_unit``: the wait after ``attempt``."""
        return full_jitter(attempt, random_unit, base=self.base, cap=self.cap, factor=self.factor)

    def decide(
        self,
        attempt: int,
        error: BaseException,
        *,
        endpoint_retry_safe: bool,
        places_orders: bool,
        now_unix: float,
        random_unit: float,
        nonce_retried: bool = False,
        rate_limit_wait: float = 0.0,
    ) -> RetryDecision:
        """Whether and when to repeat a call whose attempt number ``attempt`` failed.

        Args:
            attempt: 0 for the first attempt, 1 for the first retry, ...
            error: what that attempt raised (an SDK error; anything else gives up).
            endpoint_retry_safe: the endpoint's ``retry_safe`` (repeating cannot do harm).
            places_orders: the call places or amends orders (see :func:`places_orders`);
                pass False for a validate-only call, which places nothing.
            now_unix: wall-clock unix seconds, to turn ``EService:Throttled:<ts>`` into a wait.
            random_unit: a uniform random number in [0, 1) for the jitter.
            nonce_retried: the call already had its one fresh-nonce retry.
            rate_limit_wait: seconds the local rate-limit model asks for before this call fits
                again (e.g. the counter's ``wait_time`` after ``observe_rate_limited``).
        """
        if attempt < 0:
            raise KrakenUsageError("attempt numbers start at 0")
        if not 0.0 <= random_unit <= 1.0:
            raise KrakenUsageError("random_unit must lie in [0, 1)")
        if places_orders:
            # The attempt may have reached the matching engine; a second one could trade twice.
            return GiveUp("orders are never placed or amended again automatically")
        if isinstance(error, LocalRateLimitError):
            return GiveUp("the local rate-limit model refused the call (rate_limit='raise')")
        if isinstance(error, InvalidNonceError):
            # Kraken refused the request before acting on it, so one re-signed try is safe;
            # more would risk the temporary ban Kraken applies to repeated invalid nonces.
            if self.nonce_retry and not nonce_retried:
                return Retry(0.0, fresh_nonce=True, reason="invalid nonce: re-sign once")
            return GiveUp("invalid nonce again after the fresh-nonce retry")
        if attempt + 1 >= self.max_attempts:
            return GiveUp(f"{self.max_attempts} attempts made")
        if isinstance(error, RateLimitError):
            return self._after_rate_limit(error, attempt, now_unix, random_unit, rate_limit_wait)
        if isinstance(error, ServiceUnavailableError):
            if not _is_transient_service(error.code):
                return GiveUp(f"{error.code} will not change by retrying")
            return self._transient(attempt, random_unit, endpoint_retry_safe, error.code)
        if isinstance(error, KrakenTransportError):
            if error.status is not None and not _is_transient_status(error.status):
                return GiveUp(f"HTTP {error.status} is not transient")
            what = "transport error" if error.status is None else f"HTTP {error.status}"
            return self._transient(attempt, random_unit, endpoint_retry_safe, what)
        if type(error) is KrakenAPIError and _is_transient_status(error.status):
            what = f"HTTP {error.status}"
            return self._transient(attempt, random_unit, endpoint_retry_safe, what)
        return GiveUp("not a transient error")

    def _transient(
        self, attempt: int, random_unit: float, retry_safe: bool, what: str
    ) -> RetryDecision:
        if not retry_safe:
            return GiveUp(f"{what}, and repeating this call is not known to be harmless")
        return Retry(self.backoff(attempt, random_unit), reason=what)

    def _after_rate_limit(
        self,
        error: RateLimitError,
        attempt: int,
        now_unix: float,
        random_unit: float,
        rate_limit_wait: float,
    ) -> RetryDecision:
        # A rate-limit refusal means Kraken did not act on the request, so it is repeated
        # even for calls that are not retry_safe (placements excepted, above).
        local = max(0.0, rate_limit_wait)
        if error.retry_at is not None:
            # EService:Throttled:<unix ts>, https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits.
            # Capped: a far-off timestamp (or a skewed clock) must not stall the caller.
            wait = max(error.retry_at - now_unix, local)
            return Retry(min(self.cap, max(0.0, wait)), reason=f"throttled until {error.retry_at}")
        if error.retry_after is not None:
            # rate-limit-reset / Retry-After: the seconds until the same call is accepted.
            # Retrying sooner is bound to fail, so a wait beyond the cap gives up instead.
            wait = max(error.retry_after, local)
            if wait > self.cap:
                return GiveUp(f"Kraken asks for {wait:g} s, more than the cap of {self.cap:g} s")
            return Retry(max(0.0, wait), reason=f"rate limited for {error.retry_after:g} s")
        wait = max(self.backoff(attempt, random_unit), local)
        return Retry(min(self.cap, wait), reason=error.code)

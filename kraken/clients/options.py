"""Validated construction options shared by every REST client, sync and async alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal, TypeAlias

from kraken._version import __version__
from kraken.adapters.clock import SystemClock
from kraken.core.auth.credentials import Credentials
from kraken.core.auth.nonce import nanoseconds_from_milliseconds
from kraken.core.auth.signing import HmacSha512Signer
from kraken.core.errors import KrakenUsageError
from kraken.core.policy import ChargePlanner, RateLimitMode, RetryPolicy, Tier
from kraken.core.rest.prepare import BodyEncoding, RequestBuilder
from kraken.core.rest.urls import validate_base_url
from kraken.ports.clock import Clock
from kraken.ports.nonce import NonceSource, RequestGate
from kraken.ports.signer import SignMessageFn

__all__ = ["DEFAULT_USER_AGENT", "RateLimitOption", "RestOptions", "TierOption"]

DEFAULT_USER_AGENT = f"kraken-python/{__version__}"

TimestampFn = Callable[[], "int | float | Decimal"]

RateLimitOption: TypeAlias = Literal["wait", "raise", "off"] | RateLimitMode
"""The ``rate_limit`` option: what a client does when a call would overflow a Kraken limit."""

TierOption: TypeAlias = Literal["starter", "intermediate", "pro"] | Tier
"""The ``tier`` option: the account's verification tier, which sizes Kraken's counters."""


# One system clock for every client: rate-limit models are shared per key *and* time base,
# so clients on the default clock must present the same one (see kraken.clients.limits).
_SYSTEM_CLOCK = SystemClock()


def _callable_or_none(value: object, name: str) -> Any:
    if value is not None and not callable(value):
        raise KrakenUsageError(f"{name} must be callable, got {type(value).__name__}.")
    return value


class RestOptions:
    """Every option of a REST client, checked once at construction (before any I/O).

    See :class:`~kraken.SpotClient` for what each option means.
    """

    __slots__ = (
        "access_token",
        "builder",
        "clock",
        "credentials",
        "custom_sign_message_fn",
        "custom_timestamp_fn",
        "keep_alive",
        "keep_alive_msecs",
        "max_rate_limit_wait",
        "nonce_source",
        "now_ns",
        "parse_exceptions",
        "planner",
        "proxy",
        "rate_limit",
        "request_gate",
        "retry",
        "signer",
        "tier",
        "timeout",
    )

    def __init__(
        self,
        *,
        client_name: str,
        default_base_url: str,
        api_key: str | None,
        api_secret: str | None,
        api_access_token: str | None,
        base_url: str | None,
        strict_param_validation: bool,
        parse_exceptions: bool,
        keep_alive: bool,
        keep_alive_msecs: int,
        custom_timestamp_fn: TimestampFn | None,
        custom_sign_message_fn: SignMessageFn | None,
        timeout: float | None,
        proxy: str | None,
        user_agent: str | None,
        transport_given: bool,
        nonce_source: NonceSource | None,
        clock: Clock | None,
        body_encoding: BodyEncoding,
        default_headers: Mapping[str, str] | None = None,
        rate_limit: RateLimitOption = "wait",
        tier: TierOption = "starter",
        retry: RetryPolicy | None = None,
        rate_limit_costs: Mapping[str, float] | None = None,
        max_rate_limit_wait: float | None = None,
    ) -> None:
        self.custom_sign_message_fn = _callable_or_none(
            custom_sign_message_fn, "custom_sign_message_fn"
        )
        self.custom_timestamp_fn = _callable_or_none(custom_timestamp_fn, "custom_timestamp_fn")
        self.credentials = self._credentials(client_name, api_key, api_secret)
        # The bound __call__ of the pre-keyed signer: a bound method call is the cheapest one.
        self.signer: Callable[[bytes], str] | None = (
            HmacSha512Signer(self.credentials.secret_bytes).__call__
            if self.credentials is not None
            and self.credentials.secret_bytes is not None
            and self.custom_sign_message_fn is None
            else None
        )
        if api_access_token is not None and (
            not isinstance(api_access_token, str) or not api_access_token
        ):
            raise KrakenUsageError("api_access_token must be a non-empty string.")
        self.access_token = api_access_token
        if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
            raise KrakenUsageError(
                f"timeout must be a positive number of seconds or None, not {timeout!r}."
            )
        if not isinstance(keep_alive_msecs, int) or keep_alive_msecs < 0:
            raise KrakenUsageError(
                "keep_alive_msecs must be a non-negative integer (milliseconds)."
            )
        if transport_given and proxy is not None:
            raise KrakenUsageError(
                "proxy= configures the default transport; with transport= configure the proxy "
                "on that transport instead."
            )
        if nonce_source is not None and not callable(getattr(nonce_source, "next_nonce", None)):
            raise KrakenUsageError(
                "nonce_source must have a next_nonce(key_fingerprint, now_ns) method."
            )
        self.timeout = timeout
        self.proxy = proxy
        self.keep_alive = bool(keep_alive)
        self.keep_alive_msecs = keep_alive_msecs
        self.parse_exceptions = bool(parse_exceptions)
        self.nonce_source = nonce_source
        #: The nonce source again when it can also hold a key across processes (RequestGate).
        self.request_gate: RequestGate | None = (
            nonce_source if isinstance(nonce_source, RequestGate) else None
        )
        self.clock: Clock = clock or _SYSTEM_CLOCK
        #: ``now_ns()``: the time the next nonce is computed from, in nanoseconds: the clock's,
        #: or ``custom_timestamp_fn``'s milliseconds scaled (bound once: it runs on every call).
        self.now_ns: Callable[[], int] = (
            self.clock.time_ns if self.custom_timestamp_fn is None else self._timestamp_fn_ns
        )
        self.rate_limit = RateLimitMode.parse(rate_limit)
        self.tier = Tier.parse(tier)
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise KrakenUsageError(
                "retry must be a kraken.core.policy.RetryPolicy, or None to turn retries off, "
                f"not {type(retry).__name__}."
            )
        self.retry = retry
        self.planner = ChargePlanner(rate_limit_costs)
        if max_rate_limit_wait is not None and (
            isinstance(max_rate_limit_wait, bool)
            or not isinstance(max_rate_limit_wait, int | float)
            or not max_rate_limit_wait >= 0  # NaN too
        ):
            raise KrakenUsageError(
                "max_rate_limit_wait must be a number of seconds >= 0, or None (no limit), "
                f"not {max_rate_limit_wait!r}."
            )
        self.max_rate_limit_wait = (
            None if max_rate_limit_wait is None else float(max_rate_limit_wait)
        )
        agent = DEFAULT_USER_AGENT if not user_agent else f"{user_agent} {DEFAULT_USER_AGENT}"
        self.builder = RequestBuilder(
            validate_base_url(base_url or default_base_url),
            body_encoding=body_encoding,
            strict=bool(strict_param_validation),
            user_agent=agent,
            default_headers=default_headers,
        )

    def _credentials(
        self, client_name: str, api_key: str | None, api_secret: str | None
    ) -> Credentials | None:
        if api_key is None and api_secret is None:
            return None
        if api_key is None:
            raise KrakenUsageError(
                f"{client_name}: api_secret was given without api_key; pass both."
            )
        if api_secret is None and self.custom_sign_message_fn is None:
            raise KrakenUsageError(
                f"{client_name}: api_key was given without api_secret; pass both, or pass "
                "custom_sign_message_fn= when your signer holds the secret."
            )
        return Credentials(api_key, api_secret)

    def _timestamp_fn_ns(self) -> int:
        """``custom_timestamp_fn``'s milliseconds, checked and scaled to nanoseconds."""
        if self.custom_timestamp_fn is None:
            raise RuntimeError("_timestamp_fn_ns needs a custom_timestamp_fn")
        milliseconds = self.custom_timestamp_fn()
        if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float | Decimal):
            raise KrakenUsageError(
                "custom_timestamp_fn must return milliseconds as a number, "
                f"not {type(milliseconds).__name__}."
            )
        return nanoseconds_from_milliseconds(milliseconds)

    def __repr__(self) -> str:
        return f"RestOptions(base_url={self.builder.base_url!r}, credentials={self.credentials!r})"

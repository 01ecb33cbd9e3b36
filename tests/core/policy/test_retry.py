"""Retry decisions: what is repeated, after how long, and what never is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core.errors import (
    AuthenticationError,
    InsufficientFundsError,
    InvalidArgumentsError,
    InvalidNonceError,
    KrakenAPIError,
    KrakenError,
    KrakenTimeoutError,
    KrakenTransportError,
    KrakenUsageError,
    OrderRejectedError,
    RateLimitError,
    ServiceUnavailableError,
    TemporaryLockoutError,
    api_error_from_messages,
    futures_api_error,
)
from kraken.core.policy import (
    ORDER_PLACEMENT_METHODS,
    GiveUp,
    LocalRateLimitError,
    Retry,
    RetryPolicy,
    places_orders,
)

POLICY = RetryPolicy()
NOW = 1_716_287_000.0


def decide(
    error: BaseException,
    attempt: int = 0,
    *,
    retry_safe: bool = True,
    placement: bool = False,
    random_unit: float = 0.5,
    policy: RetryPolicy = POLICY,
    **extra: object,
) -> Retry | GiveUp:
    return policy.decide(
        attempt,
        error,
        endpoint_retry_safe=retry_safe,
        places_orders=placement,
        now_unix=NOW,
        random_unit=random_unit,
        **extra,  # type: ignore[arg-type]
    )


def test_defaults_match_kraken_rust_sdk() -> None:
    assert (POLICY.base, POLICY.cap, POLICY.factor, POLICY.max_attempts) == (0.5, 30.0, 2.0, 3)


@pytest.mark.parametrize(
    ("attempt", "random_unit", "delay"),
    [(0, 0.5, 0.25), (0, 1.0, 0.5), (1, 1.0, 1.0), (3, 0.5, 2.0), (6, 1.0, 30.0), (9, 0.1, 3.0)],
)
def test_full_jitter_backoff(attempt: int, random_unit: float, delay: float) -> None:
    # min(30, 0.5 * 2**attempt) * random_unit
    assert POLICY.backoff(attempt, random_unit) == pytest.approx(delay)


@pytest.mark.parametrize(
    "error",
    [
        KrakenTransportError("connection reset"),
        KrakenTimeoutError("read timed out"),
        KrakenTransportError("bad gateway", status=502),
        KrakenTransportError("unavailable", status=503),
        KrakenTransportError("request timeout", status=408),
        KrakenTransportError("too early", status=425),
        KrakenTransportError("too many", status=429),
        api_error_from_messages(["EService:Unavailable"]),
        api_error_from_messages(["EService:Busy"]),
        futures_api_error("Unavailable"),
        futures_api_error("Server Error"),
        KrakenAPIError("EFutures:somethingNew", status=500),
    ],
)
def test_transient_errors_are_retried_for_retry_safe_calls(error: KrakenError) -> None:
    decision = decide(error, attempt=1, random_unit=0.5)
    assert isinstance(decision, Retry)
    assert decision.after_seconds == 0.5  # min(30, 0.5 * 2**1) * 0.5
    assert decision.fresh_nonce is False


@pytest.mark.parametrize(
    "error",
    [
        KrakenTransportError("connection reset"),
        KrakenTimeoutError("read timed out"),
        KrakenTransportError("bad gateway", status=502),
        api_error_from_messages(["EService:Unavailable"]),
    ],
)
def test_transient_errors_give_up_when_the_call_is_not_retry_safe(error: KrakenError) -> None:
    assert isinstance(decide(error, retry_safe=False), GiveUp)


@pytest.mark.parametrize(
    "error",
    [
        api_error_from_messages(["EService:Deadline elapsed"]),
        api_error_from_messages(["EService:Market in cancel_only mode"]),
        api_error_from_messages(["EService:Market in post_only mode"]),
        api_error_from_messages(["EService:Market in limit_only mode"]),
        api_error_from_messages(["EAPI:Invalid key"]),
        api_error_from_messages(["EAPI:Invalid signature"]),
        api_error_from_messages(["EGeneral:Invalid arguments:ordertype"]),
        api_error_from_messages(["EGeneral:Temporary lockout"]),
        api_error_from_messages(["EGeneral:Permission denied"]),
        api_error_from_messages(["EGeneral:Internal error"]),
        api_error_from_messages(["EOrder:Insufficient funds"]),
        api_error_from_messages(["EOrder:Order minimum not met"]),
        api_error_from_messages(["EOrder:Invalid order"]),
        api_error_from_messages(["ESomething:Brand new"]),
        futures_api_error("marketUnavailable"),
        futures_api_error("invalidArgument"),
        futures_api_error("authenticationError"),
        KrakenTransportError("not found", status=404),
        KrakenTransportError("html at 200", status=200),
        InvalidArgumentsError("EGeneral:Invalid arguments", status=500),
        KrakenUsageError("bad input"),
        ValueError("not ours"),
    ],
)
def test_non_transient_errors_give_up(error: BaseException) -> None:
    assert isinstance(decide(error), GiveUp)


def test_error_classes_used_above_are_the_expected_ones() -> None:
    # Guards the table: the mapping of Kraken strings is errors.py's job, not this package's.
    assert isinstance(api_error_from_messages(["EService:Busy"]), ServiceUnavailableError)
    assert isinstance(
        api_error_from_messages(["EGeneral:Temporary lockout"]), TemporaryLockoutError
    )
    assert isinstance(api_error_from_messages(["EAPI:Invalid key"]), AuthenticationError)
    assert isinstance(
        api_error_from_messages(["EOrder:Insufficient funds"]), InsufficientFundsError
    )
    assert isinstance(api_error_from_messages(["EOrder:Invalid order"]), OrderRejectedError)


def test_attempts_are_limited() -> None:
    error = KrakenTransportError("reset")
    assert isinstance(decide(error, attempt=0), Retry)
    assert isinstance(decide(error, attempt=1), Retry)
    assert decide(error, attempt=2) == GiveUp("3 attempts made")
    assert isinstance(decide(error, policy=RetryPolicy(max_attempts=1)), GiveUp)


# --- EAPI:Invalid nonce: exactly one re-signed retry --------------------------------------------


def test_invalid_nonce_gets_one_fresh_nonce_retry() -> None:
    error = api_error_from_messages(["EAPI:Invalid nonce"])
    assert isinstance(error, InvalidNonceError)
    first = decide(error)
    assert isinstance(first, Retry)
    assert first.fresh_nonce is True
    assert first.after_seconds == 0.0
    assert isinstance(decide(error, attempt=1, nonce_retried=True), GiveUp)


def test_nonce_retry_also_for_calls_that_are_not_retry_safe() -> None:
    # Kraken refused the request before acting on it, so re-signing cannot do anything twice.
    error = api_error_from_messages(["EAPI:Invalid nonce"])
    assert isinstance(decide(error, retry_safe=False), Retry)
    # It is a heal, not a backoff retry: it does not need the attempt budget.
    assert isinstance(decide(error, attempt=2), Retry)
    assert isinstance(decide(error, policy=RetryPolicy(max_attempts=1)), Retry)


def test_nonce_retry_can_be_turned_off_and_never_applies_to_placements() -> None:
    error = api_error_from_messages(["EAPI:Invalid nonce"])
    assert isinstance(decide(error, policy=RetryPolicy(nonce_retry=False)), GiveUp)
    assert isinstance(decide(error, placement=True), GiveUp)
    assert isinstance(decide(futures_api_error("nonceBelowThreshold")), Retry)


def test_only_the_nonce_retry_asks_for_a_fresh_nonce() -> None:
    decision = decide(KrakenTransportError("reset"))
    assert isinstance(decision, Retry)
    assert decision.fresh_nonce is False


# --- rate limits ---------------------------------------------------------------------------------


def test_throttled_waits_until_the_timestamp_kraken_gave() -> None:
    error = api_error_from_messages([f"EService: Throttled: {int(NOW) + 7}"])
    assert isinstance(error, RateLimitError)
    assert error.retry_at == NOW + 7
    decision = decide(error, retry_safe=False)
    assert isinstance(decision, Retry)
    assert decision.after_seconds == pytest.approx(7.0)


def test_throttled_timestamp_in_the_past_retries_at_once_and_far_future_is_capped() -> None:
    past = api_error_from_messages([f"EService:Throttled:{int(NOW) - 5}"])
    assert decide(past).after_seconds == 0.0  # type: ignore[union-attr]
    future = api_error_from_messages([f"EService:Throttled:{int(NOW) + 3600}"])
    assert decide(future).after_seconds == 30.0  # type: ignore[union-attr]


def test_rate_limit_reset_header_is_honoured() -> None:
    error = RateLimitError("EFutures:TOO_MANY_REQUESTS", status=429, retry_after=12)
    assert decide(error).after_seconds == 12.0  # type: ignore[union-attr]
    # Retrying before Kraken's reset is bound to fail: beyond the cap, give up instead.
    long = RateLimitError("EFutures:TOO_MANY_REQUESTS", status=429, retry_after=300)
    assert isinstance(decide(long), GiveUp)


def test_rate_limit_without_hint_waits_for_backoff_or_local_headroom() -> None:
    error = api_error_from_messages(["EAPI:Rate limit exceeded"])
    assert decide(error, random_unit=0.5).after_seconds == 0.25  # type: ignore[union-attr]
    assert decide(error, rate_limit_wait=7.0).after_seconds == 7.0  # type: ignore[union-attr]
    assert decide(error, rate_limit_wait=99.0).after_seconds == 30.0  # type: ignore[union-attr]
    assert isinstance(decide(futures_api_error("apiLimitExceeded")), Retry)
    assert isinstance(decide(api_error_from_messages(["EOrder:Rate limit exceeded"])), Retry)


def test_rate_limit_refusals_are_retried_even_when_not_retry_safe() -> None:
    error = api_error_from_messages(["EAPI:Rate limit exceeded"])
    assert isinstance(decide(error, retry_safe=False), Retry)


def test_local_refusal_in_raise_mode_is_not_retried() -> None:
    error = LocalRateLimitError("EAPI:Rate limit exceeded", retry_after=2.0)
    assert isinstance(decide(error), GiveUp)


# --- placements are never repeated ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "AddOrder",
        "/0/private/AddOrderBatch",
        "AmendOrder",
        "EditOrder",
        "sendorder",
        "/derivatives/api/v3/editorder",
        "https://futures.kraken.com/derivatives/api/v3/batchorder",
        "add_order",
        "amend_order",
        "edit_order",
        "batch_add",
        "submit_order",
        "submit_batch_orders",
        "addOrder",
    ],
)
def test_placement_names(name: str) -> None:
    assert places_orders(name)


@pytest.mark.parametrize(
    "name",
    ["CancelOrder", "cancel_order", "cancelorder", "batch_cancel", "Balance", "get_open_orders"],
)
def test_non_placement_names(name: str) -> None:
    assert not places_orders(name)


def test_placement_set_covers_spot_futures_and_ws() -> None:
    assert {"AddOrder", "AddOrderBatch", "AmendOrder", "EditOrder"} <= ORDER_PLACEMENT_METHODS
    assert {"sendorder", "editorder", "batchorder"} <= ORDER_PLACEMENT_METHODS
    assert {"add_order", "amend_order", "edit_order", "batch_add"} <= ORDER_PLACEMENT_METHODS


ERRORS = st.sampled_from(
    [
        KrakenTransportError("reset"),
        KrakenTimeoutError("timeout"),
        KrakenTransportError("bad gateway", status=502),
        api_error_from_messages(["EAPI:Invalid nonce"]),
        api_error_from_messages(["EAPI:Rate limit exceeded"]),
        api_error_from_messages([f"EService:Throttled:{int(NOW) + 3}"]),
        api_error_from_messages(["EService:Unavailable"]),
        api_error_from_messages(["EOrder:Rate limit exceeded"]),
        RateLimitError("EFutures:TOO_MANY_REQUESTS", retry_after=1.0),
        futures_api_error("apiLimitExceeded"),
        futures_api_error("nonceDuplicate"),
        KrakenAPIError("EGeneral:Whatever", status=503),
    ]
)


@given(
    error=ERRORS,
    attempt=st.integers(min_value=0, max_value=10),
    retry_safe=st.booleans(),
    nonce_retried=st.booleans(),
    random_unit=st.floats(min_value=0, max_value=1, exclude_max=True),
    rate_limit_wait=st.floats(min_value=0, max_value=100),
    max_attempts=st.integers(min_value=1, max_value=10),
)
def test_placements_are_never_retried(
    error: KrakenError,
    attempt: int,
    retry_safe: bool,
    nonce_retried: bool,
    random_unit: float,
    rate_limit_wait: float,
    max_attempts: int,
) -> None:
    decision = RetryPolicy(max_attempts=max_attempts).decide(
        attempt,
        error,
        endpoint_retry_safe=retry_safe,
        places_orders=True,
        now_unix=NOW,
        random_unit=random_unit,
        nonce_retried=nonce_retried,
        rate_limit_wait=rate_limit_wait,
    )
    assert isinstance(decision, GiveUp)


@given(
    error=ERRORS,
    attempt=st.integers(min_value=0, max_value=200),
    random_unit=st.floats(min_value=0, max_value=1, exclude_max=True),
    rate_limit_wait=st.floats(min_value=0, max_value=1e6),
    cap=st.floats(min_value=0, max_value=120),
)
def test_every_retry_waits_between_zero_and_the_cap(
    error: KrakenError, attempt: int, random_unit: float, rate_limit_wait: float, cap: float
) -> None:
    decision = RetryPolicy(cap=cap, max_attempts=1000).decide(
        attempt,
        error,
        endpoint_retry_safe=True,
        places_orders=False,
        now_unix=NOW,
        random_unit=random_unit,
        rate_limit_wait=rate_limit_wait,
    )
    if isinstance(decision, Retry):
        assert 0.0 <= decision.after_seconds <= cap


def test_bad_policy_and_arguments_are_refused() -> None:
    with pytest.raises(KrakenUsageError):
        RetryPolicy(factor=0.5)
    with pytest.raises(KrakenUsageError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(KrakenUsageError):
        decide(KrakenTransportError("x"), random_unit=1.5)
    with pytest.raises(KrakenUsageError):
        decide(KrakenTransportError("x"), attempt=-1)

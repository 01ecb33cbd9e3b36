"""The client option ``rate_limit``: WAIT (default), RAISE and OFF, decided by ``admit``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError, RateLimitError
from kraken.core.policy import (
    FuturesBudget,
    LocalRateLimitError,
    Proceed,
    Raise,
    RateLimitMode,
    SpotRestCounter,
    TradingCounter,
    Wait,
    admit,
)
from tests.core.policy.oracle import decaying_peak

EPS = 1e-9


def test_mode_names_parse() -> None:
    assert RateLimitMode.parse("WAIT") is RateLimitMode.WAIT
    assert RateLimitMode.parse(" raise ") is RateLimitMode.RAISE
    assert RateLimitMode.parse(RateLimitMode.OFF) is RateLimitMode.OFF
    with pytest.raises(KrakenUsageError, match="unknown rate_limit mode 'sleep'"):
        RateLimitMode.parse("sleep")


def test_off_sends_everything_and_records_nothing() -> None:
    counter = SpotRestCounter("starter")
    for _ in range(50):
        assert admit(RateLimitMode.OFF, counter, 2, now=0.0) == Proceed()
    assert counter.level(0.0) == 0


def test_wait_proceeds_then_waits_and_records_each_call() -> None:
    counter = SpotRestCounter("pro", margin=0)  # 20, -1/s
    decisions = [admit(RateLimitMode.WAIT, counter, 1, now=0.0) for _ in range(22)]
    assert decisions[:20] == [Proceed()] * 20
    assert decisions[20] == Wait(pytest.approx(1.0))  # type: ignore[arg-type]
    assert decisions[21] == Wait(pytest.approx(2.0))  # type: ignore[arg-type]
    assert counter.level(2.0) == pytest.approx(20)


def test_raise_refuses_without_charging() -> None:
    counter = SpotRestCounter("pro", margin=0)
    for _ in range(20):
        assert admit(RateLimitMode.RAISE, counter, 1, now=0.0) == Proceed()
    decision = admit(RateLimitMode.RAISE, counter, 2, now=0.0, endpoint="get_ledgers_info")
    assert isinstance(decision, Raise)
    error = decision.error
    assert isinstance(error, LocalRateLimitError)
    assert isinstance(error, RateLimitError)  # caught by handlers of Kraken's own refusal
    assert error.code == "EAPI:Rate limit exceeded"
    assert error.retry_after == pytest.approx(2.0)
    assert "get_ledgers_info" in str(error)
    assert "Not sent" in str(error)
    assert counter.level(0.0) == 20
    # Once decayed, it fits again.
    assert admit(RateLimitMode.RAISE, counter, 2, now=2.0) == Proceed()


def test_wait_with_max_wait_raises_instead_of_waiting_long() -> None:
    counter = SpotRestCounter("starter", margin=0)
    counter.record(15, now=0.0)
    decision = admit(RateLimitMode.WAIT, counter, 1, now=0.0, max_wait=1.0)
    assert isinstance(decision, Raise)
    assert decision.error.retry_after == pytest.approx(1 / 0.33)
    assert counter.level(0.0) == 15
    assert isinstance(admit(RateLimitMode.WAIT, counter, 1, now=0.0, max_wait=5.0), Wait)


def test_free_calls_always_proceed() -> None:
    counter = SpotRestCounter("starter", margin=0)
    counter.record(15, now=0.0)
    assert admit(RateLimitMode.RAISE, counter, counter.cost("AddOrder"), now=0.0) == Proceed()


def test_error_codes_name_the_limit_kraken_would_report() -> None:
    trading = TradingCounter("starter", margin=0)
    trading.record("XBT/USD", 60, now=0.0)
    decision = admit(RateLimitMode.RAISE, trading.for_pair("XBT/USD"), 1, now=0.0)
    assert isinstance(decision, Raise)
    assert decision.error.code == "EOrder:Rate limit exceeded"
    budget = FuturesBudget()
    for _ in range(50):
        budget.reserve(10, now=0.0)
    decision = admit(RateLimitMode.RAISE, budget, 10, now=0.0)
    assert isinstance(decision, Raise)
    assert decision.error.code == "EFutures:apiLimitExceeded"


@settings(max_examples=100, deadline=None)
@given(
    calls=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=4, allow_nan=False),
            st.sampled_from([1.0, 2.0]),
            st.sampled_from([RateLimitMode.WAIT, RateLimitMode.RAISE]),
        ),
        max_size=100,
    )
)
def test_mixed_wait_and_raise_callers_never_overflow(
    calls: list[tuple[float, float, RateLimitMode]],
) -> None:
    counter = SpotRestCounter("starter")
    now, sent = 0.0, []
    for gap, cost, mode in calls:
        now += gap
        decision = admit(mode, counter, cost, now)
        if isinstance(decision, Proceed):
            sent.append((now, cost))
        elif isinstance(decision, Wait):
            assert mode is RateLimitMode.WAIT
            sent.append((now + decision.seconds, cost))
    assert decaying_peak(sent, 0.33) <= counter.limit + EPS

"""Futures budgets (500 per 10 s, 100 history tokens per 10 min) and the WS connect budget."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.policy import (
    ConnectBudget,
    FuturesBudget,
    HistoryTokenPool,
    SlidingWindowBudget,
    derivatives_cost,
    history_cost,
)
from tests.core.policy.oracle import token_bucket_low, window_peak

EPS = 1e-9


def test_futures_budget_is_five_hundred_per_ten_seconds() -> None:
    budget = FuturesBudget()
    assert (budget.limit, budget.window) == (500, 10)
    sendorder = derivatives_cost("sendorder")
    assert [budget.reserve(sendorder, now=0.0) for _ in range(50)] == [0.0] * 50
    # The 51st waits until the first leaves the window: 10 s plus the 1 s latency allowance.
    assert budget.reserve(sendorder, now=0.0) == pytest.approx(11.0)
    assert budget.used(0.0) == 510


def test_futures_budget_frees_as_old_calls_leave_the_window() -> None:
    budget = FuturesBudget(latency_allowance=0)
    budget.reserve(300, now=0.0)
    budget.reserve(200, now=4.0)
    assert budget.wait_time(19, now=5.0) == pytest.approx(5.0)  # the 300 leaves at 10
    assert budget.wait_time(301, now=5.0) == pytest.approx(9.0)  # both must leave: 14
    assert budget.wait_time(0, now=5.0) == 0.0


def test_futures_refusal_without_header_fills_the_window() -> None:
    budget = FuturesBudget()
    budget.reserve(20, now=0.0)
    budget.observe_rate_limited(now=3.0)
    assert budget.used(3.0) == 500
    assert budget.wait_time(10, now=3.0) == pytest.approx(11.0 - 3.0)  # the 20 leaves at 11


def test_history_pool_is_one_hundred_tokens_per_ten_minutes() -> None:
    pool = HistoryTokenPool()
    assert (pool.limit, pool.window) == (100, 600)
    cost = history_cost("account-log")  # 3 at the default count of 500
    waits = [pool.reserve(cost, now=0.0) for _ in range(33)]
    assert waits == [0.0] * 33  # 99 tokens
    assert pool.wait_time(1, now=0.0) == 0.0
    assert pool.wait_time(cost, now=0.0) == pytest.approx(601.0)
    assert pool.error_code == "EFutures:TOO_MANY_REQUESTS"


def test_history_rate_limit_reset_header_blocks_until_then() -> None:
    pool = HistoryTokenPool()
    pool.observe_rate_limited(now=100.0, retry_after=42)
    assert pool.wait_time(1, now=100.0) == pytest.approx(42.0)
    assert pool.reserve(1, now=130.0) == pytest.approx(12.0)


def test_refund_removes_an_unsent_reservation() -> None:
    budget = FuturesBudget()
    for _ in range(50):
        budget.reserve(10, now=0.0)
    budget.reserve(19, now=0.0)
    budget.refund(19, now=0.0)
    assert budget.used(0.0) == 500


def test_bad_budgets_are_refused() -> None:
    with pytest.raises(KrakenUsageError):
        SlidingWindowBudget(0, 10)
    with pytest.raises(KrakenUsageError):
        FuturesBudget().reserve(-1, now=0.0)
    with pytest.raises(KrakenUsageError):
        ConnectBudget(max_connects=0)


CALLS = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=2, allow_nan=False),
        st.sampled_from([1.0, 2.0, 10.0, 19.0, 25.0, 100.0, 200.0]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
    ),
    min_size=1,
    max_size=80,
)


def _sends(
    budget: SlidingWindowBudget, calls: list[tuple[float, float, float]]
) -> list[tuple[float, float]]:
    now, arrivals = 0.0, []
    for gap, cost, latency in calls:
        now += gap
        arrivals.append((now + budget.reserve(cost, now) + latency, cost))
    return arrivals


@settings(max_examples=100, deadline=None)
@given(calls=CALLS)
def test_futures_budget_never_exceeds_five_hundred_in_any_ten_seconds(
    calls: list[tuple[float, float, float]],
) -> None:
    arrivals = _sends(FuturesBudget(), calls)
    assert window_peak(arrivals, 10.0) <= 500 + EPS
    # Also valid if Kraken meant a bucket of 500 refilled at 50 per second.
    assert token_bucket_low(arrivals, 500, 50) >= -EPS


@settings(max_examples=100, deadline=None)
@given(
    calls=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=60, allow_nan=False),
            st.sampled_from([1.0, 2.0, 3.0, 6.0, 10.0]),
            st.floats(min_value=0, max_value=1, allow_nan=False),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_history_pool_holds_under_both_readings_of_the_guide(
    calls: list[tuple[float, float, float]],
) -> None:
    arrivals = _sends(HistoryTokenPool(), calls)
    assert window_peak(arrivals, 600.0) <= 100 + EPS
    assert token_bucket_low(arrivals, 100, 100 / 600) >= -EPS


def test_connect_budget_allows_one_hundred_twenty_per_ten_minutes() -> None:
    budget = ConnectBudget()
    assert (budget.max_connects, budget.window) == (120, 600)
    assert [budget.reserve(now=0.0) for _ in range(120)] == [0.0] * 120
    assert budget.wait_time(now=0.0) == pytest.approx(600.0)
    assert budget.wait_time(now=100.0) == pytest.approx(500.0)
    assert budget.attempts(now=0.0) == 120


@settings(max_examples=50, deadline=None)
@given(gaps=st.lists(st.floats(min_value=0, max_value=10, allow_nan=False), max_size=300))
def test_connect_budget_stays_below_cloudflare(gaps: list[float]) -> None:
    budget = ConnectBudget()
    now, starts = 0.0, []
    for gap in gaps:
        now += gap
        starts.append((now + budget.reserve(now), 1.0))
    assert window_peak(starts, 600.0) <= 120

"""WebSocket reconnect backoff: instant first tries, then full jitter from a 5 s floor, capped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.policy import Backoff, ConnectBudget, full_jitter, reconnect_delay


@pytest.mark.parametrize(
    ("attempt", "random_unit", "delay"),
    [
        (0, 0.0, 0.0),
        (0, 0.5, 0.25),
        (2, 1.0, 2.0),
        (5, 1.0, 16.0),
        (6, 1.0, 30.0),
        (10_000, 0.5, 15.0),
    ],
)
def test_full_jitter(attempt: int, random_unit: float, delay: float) -> None:
    assert full_jitter(attempt, random_unit) == pytest.approx(delay)


def test_first_reconnects_are_instant() -> None:
    backoff = Backoff()
    assert [backoff.delay(n, 0.99) for n in range(3)] == [0.0, 0.0, 0.0]


def test_later_reconnects_wait_at_least_five_seconds_plus_jitter() -> None:
    backoff = Backoff()
    assert backoff.delay(3, 0.0) == 5.0
    assert backoff.delay(3, 1.0) == pytest.approx(5.5)  # 5 + min(30, 0.5 * 2**0)
    assert backoff.delay(5, 1.0) == pytest.approx(7.0)  # 5 + 0.5 * 2**2
    assert backoff.delay(50, 1.0) == 30.0


def test_after_maintenance_there_is_no_instant_reconnect() -> None:
    backoff = Backoff()
    assert backoff.delay(0, 0.0, after_maintenance=True) == 5.0
    assert backoff.delay(1, 1.0, after_maintenance=True) == pytest.approx(6.0)


def test_rust_sdk_schedule_without_the_instant_and_floor_parts() -> None:
    plain = Backoff(instant_attempts=0, slow_floor=0.0)
    assert [plain.delay(n, 1.0) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


@given(
    attempt=st.integers(min_value=0, max_value=10_000),
    random_unit=st.floats(min_value=0, max_value=1, exclude_max=True),
    after_maintenance=st.booleans(),
    cap=st.floats(min_value=5, max_value=600),
)
def test_delay_is_always_within_zero_and_cap(
    attempt: int, random_unit: float, after_maintenance: bool, cap: float
) -> None:
    backoff = Backoff(cap=cap)
    delay = backoff.delay(attempt, random_unit, after_maintenance=after_maintenance)
    assert 0.0 <= delay <= cap
    assert 0.0 <= full_jitter(attempt, random_unit, cap=cap) <= cap


def test_reconnect_delay_adds_the_budget_wait() -> None:
    backoff, budget = Backoff(), ConnectBudget(max_connects=2, window=60)
    assert reconnect_delay(backoff, budget, 0, now=0.0, random_unit=0.5) == 0.0
    assert reconnect_delay(backoff, budget, 1, now=0.0, random_unit=0.5) == 0.0
    # Third attempt within the minute: the budget holds it until the first one leaves.
    assert reconnect_delay(backoff, budget, 2, now=1.0, random_unit=0.5) == pytest.approx(59.0)
    # A slow attempt books its start after its backoff.
    budget = ConnectBudget()
    assert reconnect_delay(backoff, budget, 3, now=10.0, random_unit=0.0) == 5.0
    assert budget.attempts(now=15.0) == 1


def test_bad_backoff_is_refused() -> None:
    with pytest.raises(KrakenUsageError):
        Backoff(factor=0.5)
    with pytest.raises(KrakenUsageError):
        Backoff(cap=1.0)  # below the 5 s floor
    with pytest.raises(KrakenUsageError):
        Backoff().delay(-1, 0.5)
    with pytest.raises(KrakenUsageError):
        full_jitter(0, -0.1)

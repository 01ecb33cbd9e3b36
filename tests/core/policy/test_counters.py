"""The decaying counters (spot REST and trading): arithmetic, worked examples, and the promise
that waiting as told never takes Kraken's counter past its cap."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.policy import DecayingCounter, SpotRestCounter, TradingCounter, add_order_cost
from tests.core.policy.oracle import decaying_peak, ticking_peak

EPS = 1e-9


def test_decay_is_linear_and_stops_at_zero() -> None:
    counter = SpotRestCounter("pro")  # decay 1/s
    counter.record(10, now=100.0)
    assert counter.level(100.0) == 10
    assert counter.level(105.0) == pytest.approx(5)
    assert counter.level(200.0) == 0


def test_default_margin_is_one_unit_plus_one_second_of_decay() -> None:
    assert SpotRestCounter("starter").margin == pytest.approx(1 + 0.33)
    assert SpotRestCounter("starter").limit == pytest.approx(15 - 1.33)
    assert TradingCounter("pro").for_pair("XBT/USD").margin == pytest.approx(1 + 3.75)
    assert SpotRestCounter("pro", margin=0).limit == 20


def test_wait_is_how_long_the_decay_takes_to_make_room() -> None:
    counter = SpotRestCounter("starter")  # usable limit 15 - 1.33 = 13.67
    waits = [counter.reserve(1, now=0.0) for _ in range(13)]
    assert waits == [0.0] * 13
    # The 14th needs the level at 12.67: (13 - 12.67) / 0.33 = 1 s.
    assert counter.reserve(1, now=0.0) == pytest.approx(1.0)
    # The 15th queues behind it: 1 more unit at 0.33/s.
    assert counter.reserve(1, now=0.0) == pytest.approx(1.0 + 1 / 0.33)
    # A caller arriving later still queues behind, minus the time already passed.
    assert counter.reserve(1, now=2.0) == pytest.approx(1.0 + 2 / 0.33 - 2.0)


def test_wait_time_peeks_without_recording() -> None:
    counter = SpotRestCounter("starter")
    for _ in range(13):
        counter.reserve(1, now=0.0)
    assert counter.wait_time(1, now=0.0) == pytest.approx(1.0)
    assert counter.wait_time(1, now=0.0) == pytest.approx(1.0)
    assert counter.level(0.0) == 13


def test_refund_gives_back_an_unsent_call() -> None:
    counter = SpotRestCounter("intermediate")
    counter.reserve(2, now=0.0)
    counter.reserve(3, now=0.0)
    counter.refund(3, now=0.0)
    assert counter.level(0.0) == 2
    counter.refund(10, now=0.0)
    assert counter.level(0.0) == 0


def test_kraken_refusal_resyncs_to_a_full_counter() -> None:
    counter = SpotRestCounter("starter")
    counter.observe_rate_limited(now=50.0)
    assert counter.level(50.0) == 15
    # Room for one unit at 15 - 1.33 - 1 = 12.67: (15 - 12.67) / 0.33 s.
    assert counter.wait_time(1, now=50.0) == pytest.approx((15 - 12.67) / 0.33)


def test_observed_level_replaces_the_estimate() -> None:
    counter = TradingCounter("starter")
    counter.reserve("XBT/USD", 30, now=0.0)
    counter.observe_level("XBT/USD", 12, now=10.0)
    assert counter.level("XBT/USD", 10.0) == 12
    assert counter.level("XBT/USD", 14.0) == pytest.approx(8)


def test_cost_beyond_the_limit_waits_for_an_empty_counter() -> None:
    # Ten young orders cancelled in one batch cost 80 > 60; Kraken still accepts the batch.
    counter = TradingCounter("starter")
    assert counter.reserve("XBT/USD", 80, now=0.0) == 0.0
    assert counter.level("XBT/USD", 0.0) == 80
    counter.record("ETH/USD", 5, now=0.0)
    assert counter.reserve("ETH/USD", 80, now=0.0) == pytest.approx(5.0)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(KrakenUsageError):
        DecayingCounter(0, 1)
    with pytest.raises(KrakenUsageError):
        DecayingCounter(10, 1, margin=10)
    with pytest.raises(KrakenUsageError):
        TradingCounter("pro", margin=-1)
    with pytest.raises(KrakenUsageError):
        SpotRestCounter().reserve(-1, now=0.0)


# --- worked examples of https://docs.kraken.com/api/docs/guides/spot-ratelimits ----------------


def test_worked_example_intermediate_burst_of_fifty_adds() -> None:
    counter = TradingCounter("intermediate")
    for _ in range(50):
        assert counter.reserve("XBT/USD", add_order_cost(), now=0.0) == 0.0
    assert counter.level("XBT/USD", 0.0) == 50
    # "50 x 1 - 10 x 2.34 = 26.6"
    assert counter.level("XBT/USD", 10.0) == pytest.approx(26.6)


def test_worked_example_add_amend_cancel_on_the_counter() -> None:
    counter = TradingCounter("starter")
    counter.record("XBT/USD", 1, now=0.0)  # add
    counter.record("XBT/USD", 1 + 2, now=0.0)  # amend of a 7 s old order, at the same instant
    counter.record("XBT/USD", 4, now=0.0)  # cancel 36 s after the amend
    assert counter.level("XBT/USD", 0.0) == 8


def test_pairs_have_separate_counters() -> None:
    counter = TradingCounter("starter")
    for _ in range(60):
        counter.record("XBT/USD", 1, now=0.0)
    assert counter.wait_time("XBT/USD", 1, now=0.0) > 0
    assert counter.wait_time("ETH/USD", 1, now=0.0) == 0
    assert counter.level("DOT/USD", 0.0) == 0


# --- the promise: with WAIT, Kraken's counter never passes its cap -----------------------------


def _sends(counter: DecayingCounter, calls: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Reserve each (gap since the previous call, cost); return (send time, cost) pairs."""
    now, sends = 0.0, []
    for gap, cost in calls:
        now += gap
        sends.append((now + counter.reserve(cost, now), cost))
    return sends


def test_burst_of_one_hundred_private_calls_on_starter_stays_under_fifteen() -> None:
    counter = SpotRestCounter("starter")
    names = ["Balance", "OpenOrders", "TradesHistory", "Ledgers", "TradeBalance"]
    calls = [(0.0, counter.cost(names[i % len(names)])) for i in range(100)]
    sends = _sends(counter, calls)
    assert len(sends) == 100
    # Adversarial latency: every other call is 0.99 s slower on the way to Kraken.
    arrivals = [(at + (0.99 if i % 2 == 0 else 0.0), cost) for i, (at, cost) in enumerate(sends)]
    assert decaying_peak(arrivals, 0.33) <= 15 + EPS
    assert ticking_peak(arrivals, 0.33) <= 15 + EPS
    assert decaying_peak(sends, 0.33) <= 15 - 1.33 + EPS


TIERS = st.sampled_from(["starter", "intermediate", "pro"])


@settings(max_examples=150, deadline=None)
@given(
    tier=TIERS,
    calls=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=5, allow_nan=False),
            st.sampled_from([1.0, 1.0, 2.0, 4.0]),
            st.floats(min_value=0, max_value=1, allow_nan=False),
        ),
        min_size=1,
        max_size=120,
    ),
)
def test_spot_counter_with_wait_never_exceeds_its_cap(
    tier: str, calls: list[tuple[float, float, float]]
) -> None:
    counter = SpotRestCounter(tier)
    sends = _sends(counter, [(gap, cost) for gap, cost, _ in calls])
    cap, decay = counter.cap, counter.decay
    # As sent, the model stays at or under its own limit ...
    assert decaying_peak(sends, decay) <= counter.limit + EPS
    # ... and as Kraken sees it, with up to 1 s of latency spread and whole-second decay steps.
    arrivals = [
        (at + latency, cost) for (at, cost), (_, _, latency) in zip(sends, calls, strict=True)
    ]
    assert decaying_peak(arrivals, decay) <= cap + EPS
    assert ticking_peak(arrivals, decay) <= cap + EPS


@settings(max_examples=100, deadline=None)
@given(
    tier=TIERS,
    calls=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=3, allow_nan=False),
            st.sampled_from([1.0, 3.0, 4.0, 7.5, 8.0, 2.0]),
            st.floats(min_value=0, max_value=1, allow_nan=False),
        ),
        min_size=1,
        max_size=150,
    ),
)
def test_trading_counter_with_wait_never_exceeds_its_threshold(
    tier: str, calls: list[tuple[float, float, float]]
) -> None:
    trading = TradingCounter(tier)
    sends = _sends(trading.for_pair("XBT/USD"), [(gap, cost) for gap, cost, _ in calls])
    arrivals = [
        (at + latency, cost) for (at, cost), (_, _, latency) in zip(sends, calls, strict=True)
    ]
    assert decaying_peak(arrivals, trading.decay) <= trading.threshold + EPS

"""Every limit and cost of Kraken's rate-limit guides, as the policy package states them.

Expected values are copied from the guides (protocol.md section 6), not computed by the code.
"""

from __future__ import annotations

import pytest

from kraken.core.errors import KrakenUsageError
from kraken.core.policy import (
    DEFAULT_SPOT_REST_COSTS,
    MAX_OPEN_ORDERS_PER_PAIR,
    SPOT_REST_LIMITS,
    TRADING_LIMITS,
    SpotRestCounter,
    Tier,
    TradingCounter,
    account_log_cost,
    add_order_cost,
    amend_order_cost,
    batch_add_cost,
    batch_cancel_cost,
    cancel_order_cost,
    derivatives_cost,
    edit_order_cost,
    history_cost,
)

# --- spot REST counter (spot-rest-ratelimits) -------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "cap", "decay"),
    [("starter", 15, 0.33), ("intermediate", 20, 0.5), ("pro", 20, 1.0)],
)
def test_spot_rest_caps_and_decay(tier: str, cap: float, decay: float) -> None:
    limits = SPOT_REST_LIMITS[Tier(tier)]
    assert (limits.cap, limits.decay) == (cap, decay)
    counter = SpotRestCounter(tier)
    assert (counter.cap, counter.decay) == (cap, decay)


def test_spot_rest_default_costs_follow_kraken_rust_sdk() -> None:
    counter = SpotRestCounter()
    for name in ("OpenOrders", "ClosedOrders", "Ledgers", "TradesHistory", "QueryLedgers"):
        assert counter.cost(name) == 2.0
        assert counter.cost(f"/0/private/{name}") == 2.0
    for name in ("Balance", "TradeBalance", "OpenPositions", "TradeVolume", "GetWebSocketsToken"):
        assert counter.cost(name) == 1.0
    # Trading calls use the matching-engine counter instead.
    for name in ("AddOrder", "AddOrderBatch", "AmendOrder", "EditOrder", "CancelOrder"):
        assert counter.cost(f"/0/private/{name}") == 0.0
    # Public calls are limited per IP, not on the key's counter.
    assert counter.cost("/0/public/Ticker") == 0.0
    assert DEFAULT_SPOT_REST_COSTS["Ledgers"] == 2.0


def test_history_cost_is_configurable_for_the_plus_four_reading() -> None:
    counter = SpotRestCounter("pro", history_cost=4)
    assert counter.cost("Ledgers") == 4.0
    assert counter.cost("/0/private/TradesHistory") == 4.0
    assert counter.cost("Balance") == 1.0


def test_per_call_costs_override_defaults_and_history_cost() -> None:
    counter = SpotRestCounter(
        "starter", costs={"QueryTrades": 2, "Ledgers": 3, "Balance": 0.5}, history_cost=4
    )
    assert counter.cost("QueryTrades") == 2.0
    assert counter.cost("Ledgers") == 3.0
    assert counter.cost("ClosedOrders") == 4.0
    assert counter.cost("Balance") == 0.5


def test_negative_cost_and_unknown_tier_are_refused() -> None:
    with pytest.raises(KrakenUsageError):
        SpotRestCounter(costs={"Balance": -1})
    with pytest.raises(KrakenUsageError, match="unknown tier 'gold'"):
        SpotRestCounter("gold")
    assert SpotRestCounter("Pro").tier is Tier.PRO


# --- trading counter (spot-ratelimits) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "threshold", "decay", "open_orders"),
    [("starter", 60, 1.0, 60), ("intermediate", 125, 2.34, 80), ("pro", 180, 3.75, 225)],
)
def test_trading_thresholds_decay_and_open_orders(
    tier: str, threshold: float, decay: float, open_orders: int
) -> None:
    assert (TRADING_LIMITS[Tier(tier)].cap, TRADING_LIMITS[Tier(tier)].decay) == (threshold, decay)
    counter = TradingCounter(tier)
    assert (counter.threshold, counter.decay) == (threshold, decay)
    assert MAX_OPEN_ORDERS_PER_PAIR[Tier(tier)] == open_orders


def test_add_order_costs_one() -> None:
    assert add_order_cost() == 1.0


@pytest.mark.parametrize(
    ("age", "cost"),
    [(0, 4), (4.999, 4), (5, 3), (9.999, 3), (10, 2), (14.999, 2), (15, 1), (3600, 1)],
)
def test_amend_cost_is_one_plus_age_part(age: float, cost: float) -> None:
    assert amend_order_cost(age) == cost


@pytest.mark.parametrize(
    ("age", "cost"),
    [(0, 7), (5, 6), (10, 5), (15, 3), (44.9, 3), (45, 2), (89.9, 2), (90, 1), (300, 1)],
)
def test_edit_cost_is_one_plus_age_part(age: float, cost: float) -> None:
    assert edit_order_cost(age) == cost


@pytest.mark.parametrize(
    ("age", "cost"),
    [(0, 8), (4.9, 8), (5, 6), (10, 5), (15, 4), (44.9, 4), (45, 2), (90, 1), (299.9, 1), (300, 0)],
)
def test_cancel_cost_by_age(age: float, cost: float) -> None:
    assert cancel_order_cost(age) == cost


def test_batch_costs() -> None:
    assert batch_add_cost(2) == 1.0
    assert batch_add_cost(15) == 7.5
    assert batch_cancel_cost([1.0, 2.0, 3.0]) == 24.0  # 8n for young orders
    assert batch_cancel_cost([1.0, 7.0, 400.0]) == 14.0  # each by its own age
    with pytest.raises(KrakenUsageError):
        cancel_order_cost(-1)
    with pytest.raises(KrakenUsageError):
        batch_add_cost(-1)


def test_worked_example_add_amend_cancel_is_eight() -> None:
    # "add, amend after 7 s, cancel 36 s later -> 1 + 1 + 2 + 4 = 8"
    assert add_order_cost() + amend_order_cost(7) + cancel_order_cost(36) == 8


# --- futures (futures-rate-limits) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kwargs", "cost"),
    [
        ("sendorder", {}, 10),
        ("editorder", {}, 10),
        ("cancelorder", {}, 10),
        ("batchorder", {"batch_size": 10}, 19),
        ("batchorder", {"batch_size": 1}, 10),
        ("accounts", {}, 2),
        ("openpositions", {}, 2),
        ("fills", {}, 2),
        ("fills", {"last_fill_time": True}, 25),
        ("cancelallorders", {}, 25),
        ("cancelallordersafter", {}, 25),
        ("withdrawaltospotwallet", {}, 100),
        ("withdrawal", {}, 100),
        ("openorders", {}, 2),
        ("orders/status", {}, 1),
        ("unwindqueue", {}, 200),
        ("leveragepreferences", {"method": "GET"}, 2),
        ("leveragepreferences", {"method": "PUT"}, 10),
        ("pnlpreferences", {"method": "get"}, 2),
        ("pnlpreferences", {"method": "PUT"}, 10),
        ("transfer", {}, 10),
        ("transfer/subaccount", {}, 10),
        ("subaccount/0f9a-uid/trading-enabled", {}, 2),
        ("self-trade-strategy", {"method": "PUT"}, 2),
        ("/derivatives/api/v3/sendorder", {}, 10),
        ("https://futures.kraken.com/derivatives/api/v3/openorders?x=1", {}, 2),
    ],
)
def test_derivatives_costs(path: str, kwargs: dict[str, object], cost: float) -> None:
    assert derivatives_cost(path, **kwargs) == cost  # type: ignore[arg-type]


def test_unlisted_derivatives_endpoint_costs_one() -> None:
    assert derivatives_cost("initialmargin") == 1.0


@pytest.mark.parametrize(
    ("count", "cost"),
    [
        (1, 1),
        (25, 1),
        (26, 2),
        (50, 2),
        (51, 3),
        (1000, 3),
        (1001, 6),
        (5000, 6),
        (5001, 10),
        (100_000, 10),
        (None, 3),  # default count 500
    ],
)
def test_account_log_cost_by_count(count: int | None, cost: float) -> None:
    assert account_log_cost(count) == cost
    assert history_cost("/api/history/v3/account-log", count=count) == cost


def test_history_costs() -> None:
    for path in ("orders", "triggers", "executions", "/api/history/v3/orders"):
        assert history_cost(path) == 1.0
    assert history_cost("accountlogcsv") == 6.0
    assert history_cost("/api/history/v2/accountlogcsv") == 6.0
    with pytest.raises(KrakenUsageError):
        account_log_cost(0)

"""Which counter each REST call is charged to (``ChargePlanner``), and the multi-counter decision."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from kraken.core.errors import (
    InvalidNonceError,
    KrakenAPIError,
    KrakenTransportError,
    KrakenUsageError,
    RateLimitError,
    ServiceUnavailableError,
)
from kraken.core.policy import (
    COUNTER_ERROR_CODES,
    Charge,
    ChargePlanner,
    Counter,
    DecayingCounter,
    FuturesBudget,
    HistoryTokenPool,
    LocalRateLimitError,
    Proceed,
    Raise,
    RateLimitMode,
    SpotRestCounter,
    TradingCounter,
    Wait,
    admit_all,
    never_repeated,
    refused_counters,
    retry_view,
)
from kraken.core.rest.endpoint import Auth, Endpoint

CATALOGUES = {
    name: importlib.import_module(f"kraken.core.rest.{name}.catalogue").CATALOGUE
    for name in ("spot", "pay", "institutional", "futures", "partner", "affiliate")
}


def endpoint(product: str, name: str) -> Endpoint[Any, Any]:
    return next(e for e in CATALOGUES[product] if e.name == name)


PLANNER = ChargePlanner()


def plan(product: str, name: str, params: dict[str, Any] | None = None) -> tuple[Charge, ...]:
    return PLANNER.plan(endpoint(product, name), params)


SPOT, TRADING, FUTURES, HISTORY = (
    Counter.SPOT_REST,
    Counter.TRADING,
    Counter.FUTURES,
    Counter.HISTORY,
)


@pytest.mark.parametrize(
    ("product", "name", "params", "expected"),
    [
        ("spot", "get_account_balance", None, (Charge(SPOT, 1),)),
        ("spot", "get_ledgers_info", None, (Charge(SPOT, 2),)),
        ("spot", "get_trades_history", None, (Charge(SPOT, 2),)),
        ("spot", "get_open_orders", None, (Charge(SPOT, 2),)),
        ("spot", "get_ticker", {"pair": "XBTUSD"}, ()),
        ("spot", "get_oauth_user_info", None, ()),
        ("spot", "submit_order", {"pair": "XBTUSD"}, (Charge(TRADING, 1, "XBTUSD"),)),
        (
            "spot",
            "submit_batch_orders",
            {"pair": "X", "orders": [{}] * 5},
            (Charge(TRADING, 2.5, "X"),),
        ),
        ("spot", "amend_order", {"txid": "O", "pair": "X"}, (Charge(TRADING, 1, "X"),)),
        ("spot", "amend_order", {"txid": "O"}, ()),  # no pair: no counter to charge
        ("spot", "edit_order", {"txid": "O", "pair": "X"}, (Charge(TRADING, 1, "X"),)),
        ("spot", "cancel_order", {"txid": "O"}, ()),  # a cancel has no fixed part
        ("spot", "cancel_batch_orders", {"orders": ["O"]}, ()),
        ("pay", "create_pay_request", None, (Charge(SPOT, 1),)),
        ("institutional", "list_custody_vaults", None, (Charge(SPOT, 1),)),
        ("futures", "submit_order", None, (Charge(FUTURES, 10),)),
        ("futures", "get_accounts", None, (Charge(FUTURES, 2),)),
        ("futures", "get_fills", None, (Charge(FUTURES, 2),)),
        ("futures", "get_fills", {"lastFillTime": "2026-01-01T00:00:00Z"}, (Charge(FUTURES, 25),)),
        ("futures", "get_leverage_settings", None, (Charge(FUTURES, 2),)),
        ("futures", "set_leverage_settings", {"symbol": "x"}, (Charge(FUTURES, 10),)),
        ("futures", "get_subaccount_trading_status", {"subaccountUid": "u"}, (Charge(FUTURES, 2),)),
        ("futures", "get_position_percentile", None, (Charge(FUTURES, 200),)),
        ("futures", "get_tickers", None, ()),
        ("futures", "get_account_log", None, (Charge(HISTORY, 3),)),
        ("futures", "get_account_log", {"count": 25}, (Charge(HISTORY, 1),)),
        ("futures", "get_account_log", {"count": "5000"}, (Charge(HISTORY, 6),)),
        ("futures", "get_account_log", {"count": 0}, (Charge(HISTORY, 3),)),
        ("futures", "get_account_log_csv", None, (Charge(HISTORY, 6),)),
        ("futures", "get_order_events", None, (Charge(HISTORY, 1),)),
        ("futures", "check_api_key_v3", None, ()),
        ("futures", "get_account_market_share", None, ()),
        ("partner", "list_embed_assets", None, ()),
        ("affiliate", "get_daily_activity", None, ()),
    ],
)
def test_each_call_is_charged_to_its_counter(
    product: str, name: str, params: dict[str, Any] | None, expected: tuple[Charge, ...]
) -> None:
    if not any(e.name == name for e in CATALOGUES[product]):
        pytest.fail(f"{product} has no endpoint {name}: {[e.name for e in CATALOGUES[product]]}")
    assert plan(product, name, params) == expected


@pytest.mark.parametrize(
    "json_param",
    [
        {"batchOrder": [{"order": "send"}, {"order": "cancel"}, {"order": "edit"}]},
        json.dumps({"batchOrder": [{}, {}, {}]}),
    ],
)
def test_futures_batch_is_charged_by_its_instructions(json_param: object) -> None:
    assert plan("futures", "batch_order_management", {"json": json_param}) == (
        Charge(FUTURES, 9 + 3),
    )


def test_every_private_endpoint_of_a_counted_api_gets_its_counter() -> None:
    """Spot-family signed calls, /derivatives and /history: each has one charge (or cost 0)."""
    for product, catalogue in CATALOGUES.items():
        for e in catalogue:
            charges = PLANNER.plan(e, None)
            kinds = {c.counter for c in charges}
            if e.auth is Auth.API_SIGN:
                assert kinds <= {SPOT, TRADING}, (product, e.name)
                assert charges or e.path.rsplit("/", 1)[-1].startswith(
                    ("Add", "Amend", "Edit", "Cancel")
                )
            elif e.auth is Auth.AUTHENT and e.path.startswith("/derivatives/"):
                assert kinds == {FUTURES}, (product, e.name)
            elif e.auth is Auth.AUTHENT and e.path.startswith("/api/history/"):
                assert kinds == {HISTORY}, (product, e.name)
            else:
                assert charges == (), (product, e.name)


def test_the_catalogues_cost_field_agrees_with_the_policy() -> None:
    """The catalogue's informational ``cost`` and the policy's charge never drift apart."""
    for product in ("spot", "pay", "institutional", "futures"):
        for e in CATALOGUES[product]:
            counted = e.path.startswith(("/0/private/", "/derivatives/", "/api/history/"))
            if e.auth is Auth.PUBLIC or not counted:
                continue
            primary = sum(c.cost for c in PLANNER.plan(e, None) if c.counter is not TRADING)
            assert primary == e.cost, (product, e.name, e.path)


def test_overrides_by_method_name_path_or_kraken_name() -> None:
    balance = endpoint("spot", "get_account_balance")
    for key in ("get_account_balance", "/0/private/Balance", "Balance"):
        assert ChargePlanner({key: 4}).plan(balance, None) == (Charge(SPOT, 4),)
    assert ChargePlanner({"Ledgers": 4}).plan(balance, None) == (Charge(SPOT, 1),)
    assert ChargePlanner({"Balance": 0}).plan(balance, None) == ()
    send = endpoint("futures", "submit_order")
    assert ChargePlanner({"sendorder": 1}).plan(send, None) == (Charge(FUTURES, 1),)
    log = endpoint("futures", "get_account_log")
    assert ChargePlanner({"account-log": 10}).plan(log, {"count": 5}) == (Charge(HISTORY, 10),)
    # The trading counter follows Kraken's table: an override changes the REST cost only.
    add = endpoint("spot", "submit_order")
    assert ChargePlanner({"AddOrder": 1}).plan(add, {"pair": "X"}) == (
        Charge(SPOT, 1),
        Charge(TRADING, 1, "X"),
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"Balance": -1},
        {"Balance": float("inf")},
        {"Balance": True},
        {"Balance": "1"},
        {"": 1},
        {1: 1},
    ],
)
def test_bad_overrides_are_usage_errors(overrides: Any) -> None:
    with pytest.raises(KrakenUsageError):
        ChargePlanner(overrides)
    with pytest.raises(KrakenUsageError):
        ChargePlanner(["Balance"])  # type: ignore[arg-type]


# --- admit_all ----------------------------------------------------------------------------------


def test_admit_all_off_and_empty_proceed_without_booking() -> None:
    counter = SpotRestCounter()
    assert admit_all(RateLimitMode.OFF, [(counter, 5)], 0.0) == Proceed()
    assert admit_all(RateLimitMode.WAIT, [], 0.0) == Proceed()
    assert admit_all(RateLimitMode.WAIT, [(counter, 0)], 0.0) == Proceed()
    assert counter.level(0.0) == 0


def test_admit_all_books_every_limiter_at_the_common_send_time() -> None:
    rest = DecayingCounter(15, 1.0, margin=0.0)
    trading = DecayingCounter(60, 1.0, margin=0.0, error_code="EOrder:Rate limit exceeded")
    trading.record(60, 0.0)  # full: a call of 5 fits after 5 s
    decision = admit_all(RateLimitMode.WAIT, [(rest, 1), (trading, 5)], 0.0)
    assert decision == Wait(pytest.approx(5.0))
    # The REST counter was charged at t = 5 (when the call goes), not at t = 0.
    assert rest.level(5.0) == pytest.approx(1.0)
    assert rest.level(6.0) == pytest.approx(0.0)
    assert trading.level(5.0) == pytest.approx(60.0)


def test_admit_all_raise_names_the_slowest_limiter_and_books_nothing() -> None:
    rest = DecayingCounter(15, 1.0, margin=0.0)
    trading = DecayingCounter(60, 1.0, margin=0.0, error_code="EOrder:Rate limit exceeded")
    trading.record(60, 0.0)
    decision = admit_all(RateLimitMode.RAISE, [(rest, 1), (trading, 5)], 0.0, endpoint="x")
    assert isinstance(decision, Raise)
    assert isinstance(decision.error, LocalRateLimitError)
    assert decision.error.code == "EOrder:Rate limit exceeded"
    assert decision.error.retry_after == pytest.approx(5.0)
    assert rest.level(0.0) == 0
    assert trading.level(0.0) == pytest.approx(60.0)
    capped = admit_all(RateLimitMode.WAIT, [(rest, 1), (trading, 5)], 0.0, max_wait=4.0)
    assert isinstance(capped, Raise)
    assert rest.level(0.0) == 0


def test_admit_all_with_room_everywhere_proceeds() -> None:
    budget = FuturesBudget()
    pool = HistoryTokenPool()
    assert admit_all(RateLimitMode.RAISE, [(budget, 10), (pool, 3)], 0.0) == Proceed()
    assert budget.used(0.0) == 10
    assert pool.used(0.0) == 3


# --- refusals and the retry view ----------------------------------------------------------------


def test_counter_error_codes_match_the_models() -> None:
    assert COUNTER_ERROR_CODES[SPOT] == SpotRestCounter().error_code
    assert COUNTER_ERROR_CODES[TRADING] == TradingCounter().error_code
    assert COUNTER_ERROR_CODES[FUTURES] == FuturesBudget().error_code
    assert COUNTER_ERROR_CODES[HISTORY] == HistoryTokenPool().error_code


def test_refused_counters_follow_krakens_code() -> None:
    charges = (Charge(SPOT, 1), Charge(TRADING, 1, "X"))
    assert refused_counters(charges, "EAPI:Rate limit exceeded") == (Charge(SPOT, 1),)
    assert refused_counters(charges, "EAPI : Rate limit exceeded") == (Charge(SPOT, 1),)
    assert refused_counters(charges, "EOrder:Rate limit exceeded") == (Charge(TRADING, 1, "X"),)
    assert refused_counters(charges, "EService:Throttled:1750000000") == ()
    assert refused_counters(charges, "EGeneral:Too many requests") == ()
    history = (Charge(HISTORY, 3),)
    assert refused_counters(history, "EFutures:TOO_MANY_REQUESTS") == history
    assert refused_counters((Charge(FUTURES, 2),), "EFutures:apiLimitExceeded") == (
        Charge(FUTURES, 2),
    )


def test_retry_view_maps_the_base_class_only() -> None:
    healed = retry_view(KrakenAPIError("EAPI:Invalid nonce"))
    assert type(healed) is InvalidNonceError
    throttled = retry_view(KrakenAPIError("EService:Throttled:1750000007", status=200))
    assert isinstance(throttled, RateLimitError)
    assert throttled.retry_at == 1750000007
    assert throttled.status == 200
    assert type(retry_view(KrakenAPIError("EFutures:apiLimitExceeded"))) is RateLimitError
    assert type(retry_view(KrakenAPIError("EFutures:Unavailable"))) is ServiceUnavailableError
    mapped = InvalidNonceError("EAPI:Invalid nonce")
    assert retry_view(mapped) is mapped
    transport = KrakenTransportError("reset")
    assert retry_view(transport) is transport


@pytest.mark.parametrize(
    ("product", "name", "expected"),
    [
        ("spot", "submit_order", True),
        ("spot", "submit_batch_orders", True),
        ("spot", "amend_order", True),
        ("spot", "edit_order", True),
        ("spot", "cancel_order", False),
        ("spot", "get_account_balance", False),
        ("spot", "submit_withdrawal", False),  # not retry_safe, but refusals may be re-sent
        ("futures", "submit_order", True),
        ("futures", "edit_order", True),
        ("futures", "batch_order_management", True),
        ("futures", "cancel_order", False),
        ("futures", "submit_rfq_new_offer", True),
        ("institutional", "update_otc_quote", True),
        ("institutional", "create_otc_quote_request", False),
        ("partner", "execute_embed_quote", True),
        ("partner", "create_embed_custom_order", True),
        ("partner", "request_embed_quote", False),
    ],
)
def test_never_repeated_covers_placements_and_trades(
    product: str, name: str, expected: bool
) -> None:
    assert never_repeated(endpoint(product, name)) is expected


# Values for every parameter that can change a charge, set to something non-default.
_COSTLY_PARAMS: dict[str, Any] = {
    "pair": "XBTUSD",
    "orders": [{"ordertype": "limit"}] * 7,
    "json": json.dumps({"batchOrder": [{"order": "send"}] * 9}),
    "lastFillTime": "2024-01-01T00:00:00.000Z",
    "count": 1000,
}


def test_a_cached_plan_is_what_a_fresh_planner_says_for_any_parameters() -> None:
    """Plans are cached per endpoint only where no parameter changes them: check every one."""
    for product, catalogue in CATALOGUES.items():
        for endpoint in catalogue:
            planner = ChargePlanner()
            first = planner.plan(endpoint, {})
            again = planner.plan(endpoint, dict(_COSTLY_PARAMS))
            fresh = ChargePlanner().plan(endpoint, dict(_COSTLY_PARAMS))
            assert again == fresh, f"{product}.{endpoint.name}: stale cached plan"
            if again != first:
                continue  # params matter here: must not have been cached
            assert planner.plan(endpoint, {}) == first


def test_trading_charges_follow_the_pair_of_each_call() -> None:
    planner = ChargePlanner()
    add_order = endpoint("spot", "submit_order")
    first = planner.plan(add_order, {"pair": "XBTUSD"})
    second = planner.plan(add_order, {"pair": "ETHUSD"})
    assert [c.pair for c in first if c.counter is Counter.TRADING] == ["XBTUSD"]
    assert [c.pair for c in second if c.counter is Counter.TRADING] == ["ETHUSD"]

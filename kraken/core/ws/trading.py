"""The WebSocket v2 trading methods: names, required parameters, and which ones place orders.

Sources: https://docs.kraken.com/api/docs/websocket-v2/add_order (and amend_order, edit_order,
cancel_order, cancel_all, cancel_after, batch_add, batch_cancel). Every request is correlated by
``req_id``; a request whose connection drops before the reply has an unknown outcome and is
never re-sent by the SDK (the order may exist).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kraken.core.errors import KrakenUsageError

__all__ = ["TRADING_METHODS", "TradingMethod", "expected_replies", "validate_trading_params"]


@dataclass(frozen=True, slots=True)
class TradingMethod:
    """One trading request type.

    Attributes:
        name: our method name (``submit_spot_order``).
        wire: Kraken's WS v2 method (``add_order``).
        required: parameters that must be present.
        one_of: at least one of these must be present (empty: no such rule).
        places_orders: creates or changes orders (never retried, outcome unknown on a drop).
        batch_sizes: allowed length of the ``orders`` list, when it has one.
    """

    name: str
    wire: str
    required: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    places_orders: bool = False
    batch_sizes: tuple[int, int] | None = None


TRADING_METHODS: dict[str, TradingMethod] = {
    m.name: m
    for m in (
        TradingMethod(
            "submit_spot_order", "add_order", ("order_type", "side", "symbol"), places_orders=True
        ),
        TradingMethod(
            "amend_spot_order", "amend_order", (), ("order_id", "cl_ord_id"), places_orders=True
        ),
        TradingMethod("edit_spot_order", "edit_order", ("order_id", "symbol"), places_orders=True),
        TradingMethod(
            "cancel_spot_order", "cancel_order", (), ("order_id", "cl_ord_id", "order_userref")
        ),
        TradingMethod("cancel_all_spot_orders", "cancel_all"),
        TradingMethod("cancel_all_spot_orders_after", "cancel_all_orders_after", ("timeout",)),
        TradingMethod(
            "batch_submit_spot_orders",
            "batch_add",
            ("symbol", "orders"),
            places_orders=True,
            batch_sizes=(2, 15),
        ),
        TradingMethod(
            "batch_cancel_spot_orders",
            "batch_cancel",
            (),
            ("orders", "cl_ord_id"),
            batch_sizes=(1, 50),
        ),
    )
}
"""Every trading method of ``WebsocketAPIClient``, by our name."""


def validate_trading_params(method: TradingMethod, params: object) -> dict[str, Any]:
    """Check ``params`` before anything is sent; returns a plain dict without ``None`` values."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise KrakenUsageError(f"{method.name}() takes a dict of parameters.")
    clean = {str(k): v for k, v in params.items() if v is not None}
    if "token" in clean or "req_id" in clean:
        raise KrakenUsageError(f"{method.name}(): the SDK sets token and req_id itself.")
    missing = [key for key in method.required if key not in clean]
    if missing:
        raise KrakenUsageError(f"{method.name}(): missing required parameter(s) {missing}.")
    if method.one_of and not any(key in clean for key in method.one_of):
        raise KrakenUsageError(f"{method.name}(): give at least one of {list(method.one_of)}.")
    if method.batch_sizes is not None and "orders" in clean:
        low, high = method.batch_sizes
        orders = clean["orders"]
        if not isinstance(orders, list) or not low <= len(orders) <= high:
            raise KrakenUsageError(f"{method.name}(): 'orders' must be a list of {low} to {high}.")
    if "cl_ord_id" in clean and "order_userref" in clean and method.wire == "add_order":
        raise KrakenUsageError(
            "submit_spot_order(): cl_ord_id and order_userref exclude each other."
        )
    return clean


def expected_replies(method: TradingMethod, params: Mapping[str, Any]) -> int:
    """How many replies share the request's ``req_id`` (cancel_order answers once per order)."""
    if method.wire != "cancel_order":
        return 1
    count = sum(len(params[k]) for k in method.one_of if isinstance(params.get(k), list))
    return max(1, count)

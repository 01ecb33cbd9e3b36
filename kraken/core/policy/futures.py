"""Kraken Futures budgets: 500 per 10 s for ``/derivatives``, 100 per 10 min for ``/history``.

Numbers from https://docs.kraken.com/api/docs/guides/futures-rate-limits; public endpoints cost
nothing and are not counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kraken.core.errors import KrakenUsageError
from kraken.core.policy.counter import LATENCY_ALLOWANCE
from kraken.core.policy.window import SlidingWindowBudget

__all__ = [
    "DERIVATIVES_COSTS",
    "HISTORY_COSTS",
    "FuturesBudget",
    "HistoryTokenPool",
    "account_log_cost",
    "derivatives_cost",
    "history_cost",
]

# Cost per /derivatives/api/v3 endpoint (path below that prefix). GET and PUT of the
# preference endpoints differ, so those entries are (GET cost, other verbs' cost).
DERIVATIVES_COSTS: Final[Mapping[str, float | tuple[float, float]]] = MappingProxyType(
    {
        "sendorder": 10.0,
        "editorder": 10.0,
        "cancelorder": 10.0,
        "accounts": 2.0,
        "openpositions": 2.0,
        "fills": 2.0,
        "cancelallorders": 25.0,
        "cancelallordersafter": 25.0,
        "withdrawaltospotwallet": 100.0,
        "withdrawal": 100.0,  # the spec's path for "withdrawaltospotwallet"
        "openorders": 2.0,
        "orders/status": 1.0,
        "unwindqueue": 200.0,
        "leveragepreferences": (2.0, 10.0),
        "pnlpreferences": (2.0, 10.0),
        "transfer": 10.0,
        "transfer/subaccount": 10.0,
        "subaccount/{subaccountUid}/trading-enabled": 2.0,
        "self-trade-strategy": 2.0,
    }
)

_BATCH_BASE = 9.0  # batchorder: 9 + the number of instructions in the batch
_FILLS_SINCE = 25.0  # fills with lastFillTime
_DERIVATIVES_PREFIX = "/derivatives/api/v3/"

# Cost per /api/history/v3 endpoint; account-log depends on ``count`` (account_log_cost).
HISTORY_COSTS: Final[Mapping[str, float]] = MappingProxyType(
    {"orders": 1.0, "triggers": 1.0, "executions": 1.0, "accountlogcsv": 6.0}
)
_HISTORY_PREFIXES = ("/api/history/v3/", "/api/history/v2/")
# (largest count in the band, cost), from the guide; the default count is 500.
_ACCOUNT_LOG_BANDS = ((25, 1.0), (50, 2.0), (1000, 3.0), (5000, 6.0), (100_000, 10.0))
_ACCOUNT_LOG_DEFAULT_COUNT = 500


def _tail(path: str, prefixes: tuple[str, ...]) -> str:
    """``/derivatives/api/v3/orders/status?x=1`` -> ``orders/status``."""
    path = path.split("?", 1)[0]
    for prefix in prefixes:
        if prefix in path:
            path = path.split(prefix, 1)[1]
            break
    return path.strip("/")


def derivatives_cost(
    path: str, *, method: str = "GET", batch_size: int = 0, last_fill_time: bool = False
) -> float:
    """The budget cost of one private ``/derivatives`` call.

    Args:
        path: the endpoint, as ``sendorder`` or the full ``/derivatives/api/v3/sendorder``.
        method: the HTTP verb (the preference endpoints cost 2 to read, 10 to set).
        batch_size: for ``batchorder``, the number of instructions (cost ``9 + batch_size``).
        last_fill_time: for ``fills``, whether ``lastFillTime`` is given (cost 25 instead of 2).

    Endpoints the guide does not list cost 1.
    """
    tail = _tail(path, (_DERIVATIVES_PREFIX,))
    if tail.startswith("subaccount/") and tail.endswith("/trading-enabled"):
        tail = "subaccount/{subaccountUid}/trading-enabled"
    if tail == "batchorder":
        if batch_size < 0:
            raise KrakenUsageError("a batch cannot have a negative number of instructions")
        return _BATCH_BASE + batch_size
    if tail == "fills" and last_fill_time:
        return _FILLS_SINCE
    cost = DERIVATIVES_COSTS.get(tail, 1.0)
    if isinstance(cost, tuple):
        return cost[0] if method.upper() == "GET" else cost[1]
    return cost


def account_log_cost(count: int | None = None) -> float:
    """The token cost of ``account-log`` returning up to ``count`` entries (default 500)."""
    wanted = _ACCOUNT_LOG_DEFAULT_COUNT if count is None else count
    if wanted < 1:
        raise KrakenUsageError("account-log count must be at least 1")
    return next((cost for top, cost in _ACCOUNT_LOG_BANDS if wanted <= top), 10.0)


def history_cost(path: str, *, count: int | None = None) -> float:
    """The token cost of one private ``/history`` call (``orders``, ``account-log``, ...).

    ``count`` is ``account-log``'s parameter; endpoints the guide does not list cost 1.
    """
    tail = _tail(path, _HISTORY_PREFIXES)
    if tail in {"account-log", "accountlog"}:
        return account_log_cost(count)
    return HISTORY_COSTS.get(tail, 1.0)


class FuturesBudget(SlidingWindowBudget):
    """The ``/derivatives`` budget: 500 per 10 seconds, per key.

    Over it Kraken answers ``apiLimitExceeded``.
    """

    __slots__ = ()

    def __init__(
        self,
        limit: float = 500.0,
        window: float = 10.0,
        *,
        latency_allowance: float = LATENCY_ALLOWANCE,
    ) -> None:
        super().__init__(
            limit,
            window,
            latency_allowance=latency_allowance,
            error_code="EFutures:apiLimitExceeded",
        )


class HistoryTokenPool(SlidingWindowBudget):
    """The ``/history`` pool: 100 tokens, replenished 100 per 10 minutes.

    Over it Kraken answers HTTP 429 with a ``rate-limit-reset`` header: pass its value to
    :meth:`observe_rate_limited`.
    """

    __slots__ = ()

    def __init__(
        self,
        tokens: float = 100.0,
        window: float = 600.0,
        *,
        latency_allowance: float = LATENCY_ALLOWANCE,
    ) -> None:
        super().__init__(
            tokens,
            window,
            latency_allowance=latency_allowance,
            error_code="EFutures:TOO_MANY_REQUESTS",
        )

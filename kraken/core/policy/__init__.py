"""Rate-limit models and retry/backoff decisions: they answer "wait N s", "retry" or "give up".

Everything here is pure: times come in as arguments (``now``: monotonic seconds; ``now_unix``:
wall-clock unix seconds, only where Kraken gives unix timestamps), randomness as ``random_unit``
in [0, 1), and nothing sleeps. Clients carry the decisions out; see ``docs/rate-limits.md``.
"""

from __future__ import annotations

from kraken.core.policy.backoff import Backoff, ConnectBudget, full_jitter, reconnect_delay
from kraken.core.policy.counter import LATENCY_ALLOWANCE, STEP_ALLOWANCE, DecayingCounter
from kraken.core.policy.futures import (
    DERIVATIVES_COSTS,
    HISTORY_COSTS,
    FuturesBudget,
    HistoryTokenPool,
    account_log_cost,
    derivatives_cost,
    history_cost,
)
from kraken.core.policy.modes import (
    Decision,
    Limiter,
    LocalRateLimitError,
    Proceed,
    Raise,
    RateLimitMode,
    Wait,
    admit,
)
from kraken.core.policy.plan import (
    COUNTER_ERROR_CODES,
    TRADING_ENDPOINTS,
    Charge,
    ChargePlanner,
    Counter,
    RefundableLimiter,
    admit_all,
    never_repeated,
    refused_counters,
    retry_view,
)
from kraken.core.policy.retry import (
    ORDER_PLACEMENT_METHODS,
    ORDER_PLACEMENT_SDK_METHODS,
    TRANSIENT_HTTP_STATUSES,
    GiveUp,
    Retry,
    RetryDecision,
    RetryPolicy,
    places_orders,
)
from kraken.core.policy.spot import (
    DEFAULT_SPOT_REST_COSTS,
    HISTORY_CALLS,
    TRADING_CALLS,
    SpotRestCounter,
)
from kraken.core.policy.tiers import (
    MAX_OPEN_ORDERS_PER_PAIR,
    SPOT_REST_LIMITS,
    TRADING_LIMITS,
    CounterLimits,
    Tier,
)
from kraken.core.policy.trading import (
    TradingCounter,
    add_order_cost,
    amend_order_cost,
    batch_add_cost,
    batch_cancel_cost,
    cancel_order_cost,
    edit_order_cost,
)
from kraken.core.policy.window import SlidingWindowBudget

__all__ = [
    "COUNTER_ERROR_CODES",
    "DEFAULT_SPOT_REST_COSTS",
    "DERIVATIVES_COSTS",
    "HISTORY_CALLS",
    "HISTORY_COSTS",
    "LATENCY_ALLOWANCE",
    "MAX_OPEN_ORDERS_PER_PAIR",
    "ORDER_PLACEMENT_METHODS",
    "ORDER_PLACEMENT_SDK_METHODS",
    "SPOT_REST_LIMITS",
    "STEP_ALLOWANCE",
    "TRADING_CALLS",
    "TRADING_ENDPOINTS",
    "TRADING_LIMITS",
    "TRANSIENT_HTTP_STATUSES",
    "Backoff",
    "Charge",
    "ChargePlanner",
    "ConnectBudget",
    "Counter",
    "CounterLimits",
    "DecayingCounter",
    "Decision",
    "FuturesBudget",
    "GiveUp",
    "HistoryTokenPool",
    "Limiter",
    "LocalRateLimitError",
    "Proceed",
    "Raise",
    "RefundableLimiter",
    "RateLimitMode",
    "Retry",
    "RetryDecision",
    "RetryPolicy",
    "SlidingWindowBudget",
    "SpotRestCounter",
    "Tier",
    "TradingCounter",
    "Wait",
    "account_log_cost",
    "add_order_cost",
    "admit",
    "admit_all",
    "amend_order_cost",
    "batch_add_cost",
    "batch_cancel_cost",
    "cancel_order_cost",
    "derivatives_cost",
    "edit_order_cost",
    "full_jitter",
    "history_cost",
    "never_repeated",
    "places_orders",
    "reconnect_delay",
    "refused_counters",
    "retry_view",
]

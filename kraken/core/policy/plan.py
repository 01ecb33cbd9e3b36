"""Which of Kraken's rate-limit counters one REST call is charged to, and how much.

A REST client asks :class:`ChargePlanner` for the :class:`Charge` list of each call, asks
:func:`admit_all` whether the call may go now, and after a refusal asks :func:`refused_counters`
which model to mark as full. The counters are those of
https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits (spot REST counter, per key),
https://docs.kraken.com/api/docs/guides/spot-ratelimits (trading counter, per key and pair) and
https://docs.kraken.com/api/docs/guides/futures-rate-limits (``/derivatives`` budget and
``/history`` token pool, per key).
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Protocol

from kraken.core.errors import (
    KrakenAPIError,
    KrakenUsageError,
    LocalRateLimitError,
    api_error_from_messages,
    futures_api_error,
)
from kraken.core.policy.futures import derivatives_cost, history_cost
from kraken.core.policy.modes import Decision, Limiter, Proceed, Raise, RateLimitMode, Wait, admit
from kraken.core.policy.retry import places_orders
from kraken.core.policy.spot import SpotRestCounter
from kraken.core.policy.trading import (
    add_order_cost,
    amend_order_cost,
    batch_add_cost,
    edit_order_cost,
)
from kraken.core.rest.endpoint import Auth, Endpoint

__all__ = [
    "COUNTER_ERROR_CODES",
    "TRADING_ENDPOINTS",
    "Charge",
    "ChargePlanner",
    "Counter",
    "RefundableLimiter",
    "admit_all",
    "never_repeated",
    "refused_counters",
    "retry_view",
]

_SPOT_PRIVATE = "/0/private/"
_DERIVATIVES = "/derivatives/"
_HISTORY = "/api/history/"
_SPACES_AROUND_COLON = re.compile(r"\s*:\s*")

# A REST client does not know how old an order is (the time since it was created or last
# amended), so amends, edits and cancels are charged their fixed part only: the cost of an
# order older than every age band in Kraken's table.
_AGE_UNKNOWN = math.inf


TRADING_ENDPOINTS: Final[frozenset[str]] = frozenset(
    {
        # Embed: executing a quote trades; a custom order is an order.
        "execute_embed_quote",
        "create_embed_custom_order",
        # Institutional OTC: accepting a quote trades.
        "update_otc_quote",
        # Futures RFQ: an offer can be taken as soon as it is placed.
        "submit_rfq_new_offer",
        "update_rfq_open_offer",
    }
)
"""SDK endpoints that may trade besides the order placements :func:`places_orders` knows."""


def never_repeated(endpoint: Endpoint[Any, Any]) -> bool:
    """True for a call the SDK never sends twice on its own: it places, amends or trades.

    The order placements of :func:`~kraken.core.policy.places_orders` (by SDK name or path)
    and :data:`TRADING_ENDPOINTS`. Pass it as ``places_orders`` to
    :meth:`RetryPolicy.decide <kraken.core.policy.RetryPolicy.decide>`.
    """
    return (
        places_orders(endpoint.name)
        or places_orders(endpoint.path)
        or endpoint.name in TRADING_ENDPOINTS
    )


class Counter(enum.Enum):
    """One of Kraken's rate-limit counters (each is kept per API key)."""

    SPOT_REST = "spot-rest"
    """The spot REST call counter (Spot, Pay and Institutional ``/0/private/`` calls)."""
    TRADING = "trading"
    """The per-pair matching-engine counter (``AddOrder``, ``AmendOrder``, ...)."""
    FUTURES = "futures"
    """The Futures ``/derivatives`` budget, 500 per 10 s."""
    HISTORY = "history"
    """The Futures ``/history`` token pool, 100 per 10 min."""


COUNTER_ERROR_CODES: Final[Mapping[Counter, str]] = MappingProxyType(
    {
        Counter.SPOT_REST: "EAPI:Rate limit exceeded",
        Counter.TRADING: "EOrder:Rate limit exceeded",
        Counter.FUTURES: "EFutures:apiLimitExceeded",
        Counter.HISTORY: "EFutures:TOO_MANY_REQUESTS",
    }
)
"""The error (as the SDK spells it) Kraken answers when each counter overflows."""


@dataclass(frozen=True, slots=True)
class Charge:
    """``cost`` units on ``counter`` (for :attr:`Counter.TRADING`, on the counter of ``pair``)."""

    counter: Counter
    cost: float
    pair: str = ""


def _kraken_name(path: str) -> str:
    """``/0/private/Ledgers`` -> ``Ledgers``; ``/derivatives/api/v3/sendorder`` -> ``sendorder``."""
    for prefix in (_SPOT_PRIVATE, "/derivatives/api/v3/", "/api/history/v3/", "/api/history/v2/"):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _batch_size(value: object) -> int:
    """The number of instructions in a Futures ``batchorder`` ``json`` parameter."""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            return 0
    if isinstance(value, Mapping):
        value = value.get("batchOrder")
    return len(value) if isinstance(value, Sequence) and not isinstance(value, str) else 0


class ChargePlanner:
    """Turns a call (an endpoint and its parameters) into the charges it makes.

    Args:
        overrides: cost per endpoint, keyed by the SDK method name (``"get_ledgers_info"``),
            the path (``"/0/private/Ledgers"``) or Kraken's name below the API prefix
            (``"Ledgers"``, ``"sendorder"``, ``"account-log"``). An override replaces the
            cost on the endpoint's own counter (spot REST, Futures budget or history pool);
            trading-counter costs follow Kraken's table and are not overridden.

    Rules (Kraken's guides, linked in the module docstring):

    - ``API_SIGN`` calls under ``/0/private/`` (Spot, Pay, Institutional): the spot REST
      counter at :meth:`SpotRestCounter.cost <kraken.core.policy.SpotRestCounter.cost>`
      (trading calls cost 0 there).
    - ``AddOrder``, ``AddOrderBatch``, ``AmendOrder`` and ``EditOrder`` with a ``pair``: also
      the trading counter of that pair, at :func:`~kraken.core.policy.add_order_cost`,
      :func:`~kraken.core.policy.batch_add_cost` (``len(orders)``), and the fixed part of
      the amend and edit costs (a REST client does not know the order's age). Cancels have
      no fixed part and are not charged.
    - ``AUTHENT`` calls under ``/derivatives/``: the Futures budget at
      :func:`~kraken.core.policy.derivatives_cost` (``batchorder`` by its instruction count,
      ``fills`` with ``lastFillTime`` at 25).
    - ``AUTHENT`` calls under ``/api/history/``: the history pool at
      :func:`~kraken.core.policy.history_cost` (``account-log`` by ``count``).
    - Everything else (public calls, Embed, Affiliate, OAuth, charts, ``/api/auth``,
      ``/api/stats``): no charge.
    """

    __slots__ = ("_fixed", "_overrides", "_spot")

    def __init__(self, overrides: Mapping[str, float] | None = None) -> None:
        if overrides is not None and not isinstance(overrides, Mapping):
            raise KrakenUsageError(
                "rate_limit_costs must be a mapping of endpoint name or path to a cost."
            )
        table: dict[str, float] = {}
        for name, cost in (overrides or {}).items():
            if not isinstance(name, str) or not name:
                raise KrakenUsageError(f"rate_limit_costs: {name!r} is not an endpoint name.")
            if (
                isinstance(cost, bool)
                or not isinstance(cost, int | float)
                or not math.isfinite(cost)
                or cost < 0
            ):
                raise KrakenUsageError(
                    f"rate_limit_costs[{name!r}] must be a finite number >= 0, not {cost!r}."
                )
            table[name] = float(cost)
        self._overrides: Mapping[str, float] = MappingProxyType(table)
        # Used for its cost table only; the live counters belong to the client's key.
        self._spot = SpotRestCounter()
        # id(endpoint) -> (endpoint, charges) for endpoints whose charges no parameter changes
        # (most of them): planning is then one lookup (bench B3 with rate_limit="wait").
        # Order placements and amends are charged by pair only: cached per (endpoint, pair).
        self._fixed: dict[
            tuple[int, str | None], tuple[Endpoint[Any, Any], tuple[Charge, ...]]
        ] = {}

    @property
    def overrides(self) -> Mapping[str, float]:
        """The validated per-endpoint overrides."""
        return self._overrides

    def _override(self, endpoint: Endpoint[Any, Any]) -> float | None:
        for key in (endpoint.name, endpoint.path, _kraken_name(endpoint.path)):
            cost = self._overrides.get(key)
            if cost is not None:
                return cost
        return None

    def plan(self, endpoint: Endpoint[Any, Any], params: object) -> tuple[Charge, ...]:
        """The charges of one call of ``endpoint`` with ``params`` (zero-cost ones left out)."""
        pair = None
        if (
            endpoint.name in _PAIR_ONLY_CALLS
            and isinstance(params, Mapping)
            and endpoint.path.startswith(_SPOT_PRIVATE)
        ):
            pair = params.get("pair")
            if not isinstance(pair, str):
                return self._plan(endpoint, params)
        cached = self._fixed.get((id(endpoint), pair))
        if cached is not None and cached[0] is endpoint:
            return cached[1]
        charges = self._plan(endpoint, params)
        if (pair is not None or not _depends_on_params(endpoint)) and len(
            self._fixed
        ) < _MAX_CACHED_PLANS:
            # The endpoint is kept in the entry, so its id cannot be reused while it lives.
            self._fixed[(id(endpoint), pair)] = (endpoint, charges)
        return charges

    def _plan(self, endpoint: Endpoint[Any, Any], params: object) -> tuple[Charge, ...]:
        fields: Mapping[str, Any] = params if isinstance(params, Mapping) else {}
        path = endpoint.path
        override = self._override(endpoint)
        charges: list[Charge] = []
        if endpoint.auth is Auth.API_SIGN and path.startswith(_SPOT_PRIVATE):
            cost = self._spot.cost(path) if override is None else override
            charges.append(Charge(Counter.SPOT_REST, cost))
            trading = _trading_cost(_kraken_name(path), fields)
            pair = fields.get("pair")
            if trading > 0 and isinstance(pair, str) and pair:
                charges.append(Charge(Counter.TRADING, trading, pair))
        elif endpoint.auth is Auth.AUTHENT and path.startswith(_DERIVATIVES):
            if override is None:
                override = derivatives_cost(
                    path,
                    method=endpoint.method,
                    batch_size=_batch_size(fields.get("json")),
                    last_fill_time=fields.get("lastFillTime") not in (None, ""),
                )
            charges.append(Charge(Counter.FUTURES, override))
        elif endpoint.auth is Auth.AUTHENT and path.startswith(_HISTORY):
            if override is None:
                count = _int_or_none(fields.get("count"))
                # A count Kraken will refuse anyway is charged at the default count's cost.
                override = history_cost(path, count=count if count and count > 0 else None)
            charges.append(Charge(Counter.HISTORY, override))
        return tuple(charge for charge in charges if charge.cost > 0)

    def __repr__(self) -> str:
        return f"ChargePlanner(overrides={dict(self._overrides)!r})"


# Parameters that change a call's charges: the pair of the trading calls, the instruction
# count of a Futures batch, a fills query's lastFillTime, a history query's count.
_COST_PARAMS: Final[frozenset[str]] = frozenset({"pair", "orders", "json", "lastFillTime", "count"})
_TRADING_CALLS: Final[frozenset[str]] = frozenset(
    {"AddOrder", "AddOrderBatch", "AmendOrder", "EditOrder"}
)


# SDK calls whose charges depend on their ``pair`` alone (ages unknown: fixed parts only).
_PAIR_ONLY_CALLS: Final[frozenset[str]] = frozenset({"submit_order", "amend_order", "edit_order"})
_MAX_CACHED_PLANS = 4096  # a bound on (endpoint, pair) entries; beyond it, plans are computed


def _depends_on_params(endpoint: Endpoint[Any, Any]) -> bool:
    """True when some parameter of ``endpoint`` may change what :meth:`ChargePlanner.plan` says."""
    if endpoint.auth is Auth.API_SIGN and endpoint.path.startswith(_SPOT_PRIVATE):
        return _kraken_name(endpoint.path) in _TRADING_CALLS
    return bool(_COST_PARAMS & endpoint.allowed)


def _trading_cost(name: str, fields: Mapping[str, Any]) -> float:
    """The trading-counter cost Kraken's table fixes for a spot trading call (ages unknown)."""
    if name == "AddOrder":
        return add_order_cost()
    if name == "AddOrderBatch":
        orders = fields.get("orders")
        count = len(orders) if isinstance(orders, Sequence) and not isinstance(orders, str) else 0
        return batch_add_cost(count)
    if name == "AmendOrder":
        return amend_order_cost(_AGE_UNKNOWN)
    if name == "EditOrder":
        return edit_order_cost(_AGE_UNKNOWN)
    return 0.0


class RefundableLimiter(Limiter, Protocol):
    """A :class:`~kraken.core.policy.Limiter` that can also hand a reserved cost back."""

    def refund(self, cost: float, now: float) -> None:
        """Give back the cost of a reserved call that was never sent."""
        ...


def admit_all(
    mode: RateLimitMode,
    charges: Sequence[tuple[RefundableLimiter, float]],
    now: float,
    *,
    max_wait: float | None = None,
    endpoint: str = "",
) -> Decision:
    """:func:`~kraken.core.policy.admit` for a call charged to several limiters at once.

    The call goes when every limiter has room: in ``WAIT`` mode all of them are reserved at
    that common send time (so none models the call as sent earlier than it is); in ``RAISE``
    mode, or when the wait exceeds ``max_wait``, nothing is reserved and the answer is
    :class:`~kraken.core.policy.Raise` with the code of the limiter that needs the longest
    wait. One charge is exactly :func:`~kraken.core.policy.admit`.
    """
    live = [(limiter, cost) for limiter, cost in charges if cost > 0]
    if mode is RateLimitMode.OFF or not live:
        return Proceed()
    if len(live) == 1:
        limiter, cost = live[0]
        return admit(mode, limiter, cost, now, max_wait=max_wait, endpoint=endpoint)
    waits = [(limiter.wait_time(cost, now), limiter) for limiter, cost in live]
    wait, slowest = max(waits, key=lambda item: item[0])
    too_long = mode is RateLimitMode.RAISE or (max_wait is not None and wait > max_wait)
    if wait > 0 and too_long:
        error = LocalRateLimitError(slowest.error_code, endpoint=endpoint, retry_after=wait)
        return Raise(error)
    send_at = now + max(0.0, wait)
    extra = max(limiter.reserve(cost, send_at) for limiter, cost in live)
    total = max(0.0, wait) + max(0.0, extra)
    return Wait(total) if total > 0 else Proceed()


def _normalised(code: str) -> str:
    return _SPACES_AROUND_COLON.sub(":", code.strip())


def refused_counters(charges: Sequence[Charge], code: str) -> tuple[Charge, ...]:
    """The charges whose counter Kraken says overflowed, from its error ``code``.

    ``EAPI:Rate limit exceeded`` names the spot REST counter, ``EOrder:Rate limit exceeded``
    the trading counter, ``EFutures:apiLimitExceeded`` the ``/derivatives`` budget and
    ``EFutures:TOO_MANY_REQUESTS`` (HTTP 429) the history pool. Other refusals
    (``EService:Throttled``, ``EGeneral:Too many requests``) name none of the models.
    """
    seen = _normalised(code)
    return tuple(
        charge
        for charge in charges
        if seen.startswith(_normalised(COUNTER_ERROR_CODES[charge.counter]))
    )


def retry_view(error: BaseException) -> BaseException:
    """The error a retry decision looks at: ``error`` itself, or its mapped class.

    With ``parse_exceptions=False`` clients raise the base :class:`~kraken.KrakenAPIError`
    for every Kraken error. That option chooses what the caller sees, not how the SDK
    behaves, so the decision is taken on the class the error string maps to (an
    ``EAPI:Invalid nonce`` is still healed once, a rate limit still waits); the caller
    still gets the original error when the SDK gives up.
    """
    if type(error) is not KrakenAPIError:
        return error
    if error.code.startswith("EFutures:"):
        return futures_api_error(
            error.code.removeprefix("EFutures:"),
            errors=error.errors,
            status=error.status,
            endpoint=error.endpoint,
        )
    return api_error_from_messages(error.errors, status=error.status, endpoint=error.endpoint)

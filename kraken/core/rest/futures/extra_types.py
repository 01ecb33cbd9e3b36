"""Hand-written parameter and result types of the Derivatives endpoints Kraken's specs lack."""

# Kraken's published futures-rest specs lack these four seed methods, so
# tools/gen_futures_types.py cannot derive them; ``types.py`` re-exports what is defined here.
# Sources, per endpoint:
# - GET/PUT/DELETE /derivatives/api/v3/rfq-assignment/max-leverage: Kraken's API reference pages
#   "Get / Set / Clear the off-book max leverage cap" (docs.kraken.com/api-reference/
#   trading-settings/...; available from 2026-08-27): PUT takes the query parameter
#   ``maxLeverage`` (required; in (0, 100], at most 2 decimals); every reply carries
#   ``maxLeverage`` (a number, or ``null`` when no cap is set) next to ``result``/``serverTime``.
# - GET /derivatives/api/v3/trading/instruments: only the seed SDK's endpoint map names it; no
#   Kraken page was found, so it takes no parameters and its reply stays untyped.
#
# No ``from __future__ import annotations``: ``Required`` must be visible at runtime, where
# ``Endpoint`` reads ``__required_keys__``.

from decimal import Decimal
from typing import Any, Literal, Required, TypeAlias, TypedDict

__all__ = [
    "DeleteRfqAssignmentMaxLeverageParams",
    "DeleteRfqAssignmentMaxLeverageResult",
    "GetRfqAssignmentMaxLeverageParams",
    "GetRfqAssignmentMaxLeverageResult",
    "GetTradingInstrumentsParams",
    "GetTradingInstrumentsResult",
    "RfqAssignmentMaxLeverage",
    "SetRfqAssignmentMaxLeverageParams",
    "SetRfqAssignmentMaxLeverageResult",
]


# --- GET /derivatives/api/v3/trading/instruments ---------------------------------------------


class GetTradingInstrumentsParams(TypedDict, total=False):
    """Parameters of ``get_trading_instruments``: none known."""


GetTradingInstrumentsResult: TypeAlias = dict[str, Any]
"""Result of ``get_trading_instruments``: the whole reply, untyped (no Kraken schema found)."""


# --- /derivatives/api/v3/rfq-assignment/max-leverage ------------------------------------------


class RfqAssignmentMaxLeverage(TypedDict, total=False):
    """The reply of the off-book max leverage cap endpoints."""

    result: Literal["success"]
    serverTime: str
    maxLeverage: Decimal | int | None
    """The account's off-book max leverage cap; ``None`` when no cap is set."""


class GetRfqAssignmentMaxLeverageParams(TypedDict, total=False):
    """Parameters of ``get_rfq_assignment_max_leverage``: none."""


GetRfqAssignmentMaxLeverageResult: TypeAlias = RfqAssignmentMaxLeverage
"""Result of ``get_rfq_assignment_max_leverage``."""


class SetRfqAssignmentMaxLeverageParams(TypedDict, total=False):
    """Parameters of ``set_rfq_assignment_max_leverage`` (sent in the query string)."""

    maxLeverage: Required[str | Decimal | int | float]
    """The cap: greater than 0, at most 100, with at most 2 decimal places."""


SetRfqAssignmentMaxLeverageResult: TypeAlias = RfqAssignmentMaxLeverage
"""Result of ``set_rfq_assignment_max_leverage``: the stored cap."""


class DeleteRfqAssignmentMaxLeverageParams(TypedDict, total=False):
    """Parameters of ``delete_rfq_assignment_max_leverage``: none."""


DeleteRfqAssignmentMaxLeverageResult: TypeAlias = RfqAssignmentMaxLeverage
"""Result of ``delete_rfq_assignment_max_leverage``: ``maxLeverage`` is always ``None``."""

"""Hand-written parameter and result types of the Spot endpoints missing from Kraken's spec."""

# Kraken's published OpenAPI file (kraken-api-specs/spot-rest) predates these seven endpoints, so
# tools/gen_spot_types.py cannot derive them; ``types.py`` re-exports what is defined here.
# Sources, per endpoint:
# - GroupedBook, Level3, GetApiKeyInfo: Kraken's API reference pages
#   (docs.kraken.com/api-reference/market-data/get-grouped-order-book,
#   .../market-data/query-l3-order-book, .../account-data/get-api-key-info).
# - ListWalletAccounts: its reference page documents only the nonce in the request; the shape of
#   the result was not available to us, so it stays ``Any``.
# - MaintenanceSchedule, PreTrade, PostTrade: no Kraken page was readable here. Parameters follow
#   the seed SDK (api-surface.md 1.1: ``symbol``; ``symbol, from_ts, to_ts, count``), with
#   PreTrade's ``symbol`` required as independent client libraries treat it; result field names
#   are those independent clients decode (not checked against a Kraken schema).
# Every result here is ``total=False``.
#
# No ``from __future__ import annotations``: ``Required`` must be visible at runtime, where
# ``Endpoint`` reads ``__required_keys__``.

from typing import Any, Literal, Required, TypeAlias, TypedDict

__all__ = [
    "GetApiKeyInfoParams",
    "GetApiKeyInfoResult",
    "GetGroupedBookParams",
    "GetGroupedBookResult",
    "GetLevel3OrderBookParams",
    "GetLevel3OrderBookResult",
    "GetMaintenanceScheduleParams",
    "GetMaintenanceScheduleResult",
    "GetPostTradeDataParams",
    "GetPostTradeDataResult",
    "GetPreTradeDataParams",
    "GetPreTradeDataResult",
    "GetWalletAccountsParams",
    "GetWalletAccountsResult",
    "GroupedBookLevel",
    "Level3BookOrder",
    "MaintenanceEvent",
    "PostTradeRecord",
    "PreTradeLevel",
]


# --- GET /0/public/MaintenanceSchedule -------------------------------------------------------


class GetMaintenanceScheduleParams(TypedDict, total=False):
    """Parameters of ``get_maintenance_schedule``: none."""


class MaintenanceEvent(TypedDict, total=False):
    """A scheduled maintenance window (the ``upcoming_maintenance`` entries of SystemStatus too).

    Times are RFC 3339 strings in UTC. ``time_to_start_s`` is computed when Kraken serves the
    (cached) response, so derive a live countdown from ``expected_start_utc``.
    """

    event_id: int
    title: str
    expected_start_utc: str
    expected_end_utc: str
    time_to_start_s: int
    phase: str
    affected_services: list[str]
    order_submission: str
    recommended_action: str
    cancel_before_utc: str
    source_url: str


class GetMaintenanceScheduleResult(TypedDict, total=False):
    """Result of ``get_maintenance_schedule``: the maintenance windows of the coming days."""

    events: list[MaintenanceEvent]


# --- GET /0/public/GroupedBook ---------------------------------------------------------------


class GetGroupedBookParams(TypedDict, total=False):
    """Parameters of ``get_grouped_book``.

    ``depth`` is the number of grouped levels per side (default 10); ``grouping`` the number of
    ticks folded into each level (default 1). Bids round down and asks up to their level.
    """

    pair: Required[str]
    depth: Literal[10, 25, 100, 250, 1000]
    grouping: Literal[1, 5, 10, 25, 50, 100, 250, 500, 1000]


class GroupedBookLevel(TypedDict, total=False):
    """One grouped price level: ``price`` and the aggregated ``qty`` (decimal strings)."""

    price: str
    qty: str


class GetGroupedBookResult(TypedDict, total=False):
    """Result of ``get_grouped_book``."""

    pair: str
    grouping: int
    bids: list[GroupedBookLevel]
    asks: list[GroupedBookLevel]


# --- POST /0/private/Level3 ------------------------------------------------------------------


class GetLevel3OrderBookParams(TypedDict, total=False):
    """Parameters of ``get_level3_order_book``.

    ``depth`` is the number of price levels per side (default 100); 0 returns the whole book.
    """

    pair: Required[str]
    depth: Literal[0, 10, 25, 100, 250, 1000]


class Level3BookOrder(TypedDict, total=False):
    """One resting order; ``timestamp`` is in nanoseconds since the epoch."""

    price: str
    qty: str
    order_id: str
    timestamp: int


class GetLevel3OrderBookResult(TypedDict, total=False):
    """Result of ``get_level3_order_book``."""

    pair: str
    bids: list[Level3BookOrder]
    asks: list[Level3BookOrder]


# --- POST /0/private/GetApiKeyInfo -----------------------------------------------------------


class GetApiKeyInfoParams(TypedDict, total=False):
    """Parameters of ``get_api_key_info``: ``otp`` only when 2FA protects the key."""

    otp: str


class GetApiKeyInfoResult(TypedDict, total=False):
    """Result of ``get_api_key_info``: the calling key's name, permissions and restrictions.

    Timestamps are Unix seconds as strings (``"0"`` when unset); ``lastUsed`` is ``None`` for a
    key never used. ``permissions`` holds values such as ``query-funds`` or ``modify-trades``.
    """

    apiKeyName: str
    apiKey: str
    nonce: str
    nonceWindow: int
    permissions: list[str]
    iban: str
    validUntil: str
    queryFrom: str
    queryTo: str
    createdTime: str
    modifiedTime: str
    ipAllowlist: list[str]
    lastUsed: str | None


# --- POST /0/private/ListWalletAccounts ------------------------------------------------------


class GetWalletAccountsParams(TypedDict, total=False):
    """Parameters of ``get_wallet_accounts``: none besides the nonce the client adds."""


GetWalletAccountsResult: TypeAlias = Any
"""Result of ``get_wallet_accounts``: each wallet account carries a public ``account_id``.

Kraken's reference gave no result schema we could check, so this stays untyped.
"""


# --- GET /0/public/PreTrade and /0/public/PostTrade (MiCA transparency) ----------------------


class GetPreTradeDataParams(TypedDict, total=False):
    """Parameters of ``get_pre_trade_data``: the ``symbol``, e.g. ``"BTC/USD"``."""

    symbol: Required[str]


class PreTradeLevel(TypedDict, total=False):
    """One of the top 10 aggregated levels; timestamps are RFC 3339 strings."""

    side: str
    price: str
    qty: str
    count: int
    submission_ts: str
    publication_ts: str


class GetPreTradeDataResult(TypedDict, total=False):
    """Result of ``get_pre_trade_data``: the pair's identity and its top 10 levels per side."""

    symbol: str
    description: str
    base_asset: str
    base_notation: str
    base_dti_code: str
    base_dti_short_name: str
    quote_asset: str
    quote_notation: str
    quote_dti_code: str
    quote_dti_short_name: str
    venue: str
    system: str
    bids: list[PreTradeLevel]
    asks: list[PreTradeLevel]


class GetPostTradeDataParams(TypedDict, total=False):
    """Parameters of ``get_post_trade_data``.

    ``from_ts`` / ``to_ts`` are RFC 3339 timestamps (poll with the previous ``last_ts``);
    ``count`` caps the trades returned (up to 1000).
    """

    symbol: str
    from_ts: str
    to_ts: str
    count: int


class PostTradeRecord(TypedDict, total=False):
    """One trade as published for transparency; timestamps are RFC 3339 strings."""

    trade_id: str
    price: str
    quantity: str
    symbol: str
    description: str
    base_asset: str
    base_notation: str
    base_dti_code: str
    base_dti_short_name: str
    quote_asset: str
    quote_notation: str
    quote_dti_code: str
    quote_dti_short_name: str
    trade_venue: str
    trade_ts: str
    publication_venue: str
    publication_ts: str


class GetPostTradeDataResult(TypedDict, total=False):
    """Result of ``get_post_trade_data``."""

    last_ts: str
    count: int
    trades: list[PostTradeRecord]

"""The Derivatives (Futures) REST catalogue: one :class:`Endpoint` per method (api-surface.md 1.2).

Paths are full paths below ``https://futures.kraken.com``: trading under
``/derivatives/api/v3``, history under ``/api/history/v3``, charts under ``/api/charts/v1``,
the API-key check under ``/api/auth/v1`` and market-share statistics under ``/api/stats/v1``.
Kraken's specs (``kraken-api-specs/futures-rest``) win where they and the seed SDK disagree:
verbs, paths, path-parameter names (``tick_type``, ``analytics_type``) and where parameters
travel. Kraken declares most state-changing parameters ``in: query``, so those POST/PUT calls
carry them in the query string (signed as sent); ``batchorder`` sends one form field ``json``
holding JSON text. ``tests/core/test_futures_coverage.py`` holds this catalogue against every
operation of the five specs.

``cost`` follows https://docs.kraken.com/api/docs/guides/futures-rate-limits: ``/derivatives``
calls spend a budget of 500 per 10 seconds, ``/api/history`` calls a pool of 100 tokens that
refills 100 per 10 minutes, and public calls cost nothing. Private calls the guide does not list
(and the auth and stats APIs, which have no documented budget) keep the default of 1.
Placements, edits, transfers, withdrawals and the assignment-preference addition are
``retry_safe=False``: a second send could act twice, so they are never re-sent on their own.

Kraken decommissions the Derivatives REST API on 2027-03-01 in favour of the Unified WebSocket
(https://docs.kraken.com/exchange/api-reference/futures-rest).
"""

from __future__ import annotations

from typing import Any, Final

from kraken.core.rest.endpoint import Auth, Endpoint, Payload, Reply
from kraken.core.rest.futures import types as t

__all__ = ["BY_NAME", "CATALOGUE"]

GET_TRADE_HISTORY: Final[Endpoint[t.GetTradeHistoryParams, t.GetTradeHistoryResult]] = Endpoint(
    "get_trade_history",
    "GET",
    "/derivatives/api/v3/history",
    Auth.PUBLIC,
    t.GetTradeHistoryParams,
    "Get the last 100 trades of a market (or those before lastTime).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getHistory",
)

GET_ORDERBOOK: Final[Endpoint[t.GetOrderbookParams, t.GetOrderbookResult]] = Endpoint(
    "get_orderbook",
    "GET",
    "/derivatives/api/v3/orderbook",
    Auth.PUBLIC,
    t.GetOrderbookParams,
    "Get the full non-cumulative order book of a market.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getOrderbook",
)

GET_TICKERS: Final[Endpoint[t.GetTickersParams, t.GetTickersResult]] = Endpoint(
    "get_tickers",
    "GET",
    "/derivatives/api/v3/tickers",
    Auth.PUBLIC,
    t.GetTickersParams,
    "Get the tickers of every market.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getTickers",
)

GET_TICKER: Final[Endpoint[t.GetTickerParams, t.GetTickerResult]] = Endpoint(
    "get_ticker",
    "GET",
    "/derivatives/api/v3/tickers/{symbol}",
    Auth.PUBLIC,
    t.GetTickerParams,
    "Get the ticker of one market.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getTicker",
)

GET_INSTRUMENTS: Final[Endpoint[t.GetInstrumentsParams, t.GetInstrumentsResult]] = Endpoint(
    "get_instruments",
    "GET",
    "/derivatives/api/v3/instruments",
    Auth.PUBLIC,
    t.GetInstrumentsParams,
    "Get the specifications of every instrument.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getInstruments",
)

GET_TRADING_INSTRUMENTS: Final[
    Endpoint[t.GetTradingInstrumentsParams, t.GetTradingInstrumentsResult]
] = Endpoint(
    "get_trading_instruments",
    "GET",
    "/derivatives/api/v3/trading/instruments",
    Auth.AUTHENT,
    t.GetTradingInstrumentsParams,
    "Get the instruments the account can trade (in no Kraken spec; seed endpoint map only).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    description=(
        "Not in Kraken's published specs; path and verb follow the seed SDK's endpoint "
        "map, the reply is untyped."
    ),
)

GET_INSTRUMENT_STATUS_LIST: Final[
    Endpoint[t.GetInstrumentStatusListParams, t.GetInstrumentStatusListResult]
] = Endpoint(
    "get_instrument_status_list",
    "GET",
    "/derivatives/api/v3/instruments/status",
    Auth.PUBLIC,
    t.GetInstrumentStatusListParams,
    "Get the price-dislocation and volatility status of every instrument.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="instrumentsStatus",
)

GET_INSTRUMENT_STATUS: Final[Endpoint[t.GetInstrumentStatusParams, t.GetInstrumentStatusResult]] = (
    Endpoint(
        "get_instrument_status",
        "GET",
        "/derivatives/api/v3/instruments/{symbol}/status",
        Auth.PUBLIC,
        t.GetInstrumentStatusParams,
        "Get the price-dislocation and volatility status of one instrument.",
        payload=Payload.QUERY,
        reply=Reply.FUTURES,
        cost=0,
        operation_id="instrumentStatus",
    )
)

GET_FEE_SCHEDULES: Final[Endpoint[t.GetFeeSchedulesParams, t.GetFeeSchedulesResult]] = Endpoint(
    "get_fee_schedules",
    "GET",
    "/derivatives/api/v3/feeschedules",
    Auth.PUBLIC,
    t.GetFeeSchedulesParams,
    "Get the fee schedules (deprecated by Kraken since 2026-06-22).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getFeeSchedulesV3",
    description=(
        "Kraken: since 2026-06-22 these fee values no longer reflect the fees charged; "
        "use the Spot GetTradeVolume."
    ),
)

GET_HISTORICAL_FUNDING_RATES: Final[
    Endpoint[t.GetHistoricalFundingRatesParams, t.GetHistoricalFundingRatesResult]
] = Endpoint(
    "get_historical_funding_rates",
    "GET",
    "/derivatives/api/v3/historical-funding-rates",
    Auth.PUBLIC,
    t.GetHistoricalFundingRatesParams,
    "Get the historical funding rates of a market.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="historicalFundingRates",
)

SUBMIT_ORDER: Final[Endpoint[t.SubmitOrderParams, t.SubmitOrderResult]] = Endpoint(
    "submit_order",
    "POST",
    "/derivatives/api/v3/sendorder",
    Auth.AUTHENT,
    t.SubmitOrderParams,
    "Place an order; raises OrderNotAcceptedError when Kraken did not place it.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=10,
    retry_safe=False,
    operation_id="sendOrder",
    status_key="sendStatus",
)

EDIT_ORDER: Final[Endpoint[t.EditOrderParams, t.EditOrderResult]] = Endpoint(
    "edit_order",
    "POST",
    "/derivatives/api/v3/editorder",
    Auth.AUTHENT,
    t.EditOrderParams,
    "Edit an open order; raises OrderNotAcceptedError when Kraken did not edit it.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=10,
    retry_safe=False,
    operation_id="editOrderSpring",
    status_key="editStatus",
)

CANCEL_ORDER: Final[Endpoint[t.CancelOrderParams, t.CancelOrderResult]] = Endpoint(
    "cancel_order",
    "POST",
    "/derivatives/api/v3/cancelorder",
    Auth.AUTHENT,
    t.CancelOrderParams,
    "Cancel an open order by order_id or cliOrdId.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=10,
    operation_id="cancelOrder",
    status_key="cancelStatus",
)

CANCEL_ALL_ORDERS: Final[Endpoint[t.CancelAllOrdersParams, t.CancelAllOrdersResult]] = Endpoint(
    "cancel_all_orders",
    "POST",
    "/derivatives/api/v3/cancelallorders",
    Auth.AUTHENT,
    t.CancelAllOrdersParams,
    "Cancel every open order, optionally of one symbol only.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=25,
    operation_id="cancelAllOrders",
    status_key="cancelStatus",
)

CANCEL_ALL_ORDERS_AFTER: Final[
    Endpoint[t.CancelAllOrdersAfterParams, t.CancelAllOrdersAfterResult]
] = Endpoint(
    "cancel_all_orders_after",
    "POST",
    "/derivatives/api/v3/cancelallordersafter",
    Auth.AUTHENT,
    t.CancelAllOrdersAfterParams,
    "Dead man's switch: cancel every order after ``timeout`` seconds (0 disarms it).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=25,
    operation_id="cancelAllOrdersAfter",
)

BATCH_ORDER_MANAGEMENT: Final[
    Endpoint[t.BatchOrderManagementParams, t.BatchOrderManagementResult]
] = Endpoint(
    "batch_order_management",
    "POST",
    "/derivatives/api/v3/batchorder",
    Auth.AUTHENT,
    t.BatchOrderManagementParams,
    "Send, edit and cancel orders in one request; raises if Kraken refused any.",
    payload=Payload.FORM,
    reply=Reply.FUTURES,
    cost=9,
    retry_safe=False,
    operation_id="sendBatchOrder",
    status_key="batchStatus",
    json_fields=frozenset({"json"}),
    description=(
        'Costs 9 plus 1 per instruction. ``json`` is ``{"batchOrder": [...]}`` and '
        "travels as compact JSON text in one form field. One refused instruction raises "
        "OrderNotAcceptedError; its ``.result`` holds the status of every instruction, "
        "including those Kraken carried out."
    ),
)

GET_OPEN_ORDERS: Final[Endpoint[t.GetOpenOrdersParams, t.GetOpenOrdersResult]] = Endpoint(
    "get_open_orders",
    "GET",
    "/derivatives/api/v3/openorders",
    Auth.AUTHENT,
    t.GetOpenOrdersParams,
    "Get the open orders of the account.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="getOpenOrders",
)

GET_ORDER_STATUS: Final[Endpoint[t.GetOrderStatusParams, t.GetOrderStatusResult]] = Endpoint(
    "get_order_status",
    "POST",
    "/derivatives/api/v3/orders/status",
    Auth.AUTHENT,
    t.GetOrderStatusParams,
    "Get the status of given orders (open, or filled/cancelled in the last 5 seconds).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getOrderStatus",
)

GET_PNL_PREFERENCES: Final[Endpoint[t.GetPnlPreferencesParams, t.GetPnlPreferencesResult]] = (
    Endpoint(
        "get_pnl_preferences",
        "GET",
        "/derivatives/api/v3/pnlpreferences",
        Auth.AUTHENT,
        t.GetPnlPreferencesParams,
        "Get the PnL currency preference of every multi-collateral market.",
        payload=Payload.QUERY,
        reply=Reply.FUTURES,
        cost=2,
        operation_id="getPnlCurrencyPreference",
    )
)

SET_PNL_PREFERENCE: Final[Endpoint[t.SetPnlPreferenceParams, t.SetPnlPreferenceResult]] = Endpoint(
    "set_pnl_preference",
    "PUT",
    "/derivatives/api/v3/pnlpreferences",
    Auth.AUTHENT,
    t.SetPnlPreferenceParams,
    "Set the PnL currency preference of a multi-collateral market.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=10,
    operation_id="setPnlCurrencyPreference",
)

GET_LEVERAGE_SETTINGS: Final[Endpoint[t.GetLeverageSettingsParams, t.GetLeverageSettingsResult]] = (
    Endpoint(
        "get_leverage_settings",
        "GET",
        "/derivatives/api/v3/leveragepreferences",
        Auth.AUTHENT,
        t.GetLeverageSettingsParams,
        "Get the leverage preferences (isolated margin markets) of the account.",
        payload=Payload.QUERY,
        reply=Reply.FUTURES,
        cost=2,
        operation_id="getLeverageSetting",
    )
)

SET_LEVERAGE_SETTINGS: Final[Endpoint[t.SetLeverageSettingsParams, t.SetLeverageSettingsResult]] = (
    Endpoint(
        "set_leverage_settings",
        "PUT",
        "/derivatives/api/v3/leveragepreferences",
        Auth.AUTHENT,
        t.SetLeverageSettingsParams,
        "Set the max leverage of a market (isolated margin), or unset it (cross margin).",
        payload=Payload.QUERY,
        reply=Reply.FUTURES,
        cost=10,
        operation_id="setLeverageSetting",
    )
)

GET_RFQ_ASSIGNMENT_MAX_LEVERAGE: Final[
    Endpoint[t.GetRfqAssignmentMaxLeverageParams, t.GetRfqAssignmentMaxLeverageResult]
] = Endpoint(
    "get_rfq_assignment_max_leverage",
    "GET",
    "/derivatives/api/v3/rfq-assignment/max-leverage",
    Auth.AUTHENT,
    t.GetRfqAssignmentMaxLeverageParams,
    "Get the account's off-book (assignment and RFQ fill) max leverage cap, null when unset.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    description=(
        "Kraken: available from 2026-08-27; master accounts only. Not in the published "
        "specs (Kraken's reference page documents it)."
    ),
)

SET_RFQ_ASSIGNMENT_MAX_LEVERAGE: Final[
    Endpoint[t.SetRfqAssignmentMaxLeverageParams, t.SetRfqAssignmentMaxLeverageResult]
] = Endpoint(
    "set_rfq_assignment_max_leverage",
    "PUT",
    "/derivatives/api/v3/rfq-assignment/max-leverage",
    Auth.AUTHENT,
    t.SetRfqAssignmentMaxLeverageParams,
    "Set the account's off-book (assignment and RFQ fill) max leverage cap.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    description=(
        "Kraken: available from 2026-08-27; master accounts only; ``maxLeverage`` in (0, "
        "100] with at most 2 decimals."
    ),
)

DELETE_RFQ_ASSIGNMENT_MAX_LEVERAGE: Final[
    Endpoint[t.DeleteRfqAssignmentMaxLeverageParams, t.DeleteRfqAssignmentMaxLeverageResult]
] = Endpoint(
    "delete_rfq_assignment_max_leverage",
    "DELETE",
    "/derivatives/api/v3/rfq-assignment/max-leverage",
    Auth.AUTHENT,
    t.DeleteRfqAssignmentMaxLeverageParams,
    "Clear the account's off-book (assignment and RFQ fill) max leverage cap.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    description=("Kraken: available from 2026-08-27; master accounts only."),
)

GET_ACCOUNTS: Final[Endpoint[t.GetAccountsParams, t.GetAccountsResult]] = Endpoint(
    "get_accounts",
    "GET",
    "/derivatives/api/v3/accounts",
    Auth.AUTHENT,
    t.GetAccountsParams,
    "Get the balances and margin details of every cash, margin and multi-collateral account.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="getAccounts",
)

GET_OPEN_POSITIONS: Final[Endpoint[t.GetOpenPositionsParams, t.GetOpenPositionsResult]] = Endpoint(
    "get_open_positions",
    "GET",
    "/derivatives/api/v3/openpositions",
    Auth.AUTHENT,
    t.GetOpenPositionsParams,
    "Get the open positions of the account.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="getOpenPositions",
)

GET_POSITION_PERCENTILE: Final[
    Endpoint[t.GetPositionPercentileParams, t.GetPositionPercentileResult]
] = Endpoint(
    "get_position_percentile",
    "GET",
    "/derivatives/api/v3/unwindqueue",
    Auth.AUTHENT,
    t.GetPositionPercentileParams,
    "Get the percentile of each open position in the unwind queue.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=200,
    operation_id="getUnwindQueue",
)

GET_PORTFOLIO_MARGIN_PARAMETERS: Final[
    Endpoint[t.GetPortfolioMarginParametersParams, t.GetPortfolioMarginParametersResult]
] = Endpoint(
    "get_portfolio_margin_parameters",
    "GET",
    "/derivatives/api/v3/portfolio-margining/parameters",
    Auth.AUTHENT,
    t.GetPortfolioMarginParametersParams,
    "Get the portfolio margining parameters of the account.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getPortfolioMarginingParameters",
    description=(
        "Kraken serves this on its demo environment only, which was retired on 2026-07-14."
    ),
)

SIMULATE_MARGIN_REQUIREMENTS: Final[
    Endpoint[t.SimulateMarginRequirementsParams, t.SimulateMarginRequirementsResult]
] = Endpoint(
    "simulate_margin_requirements",
    "POST",
    "/derivatives/api/v3/portfolio-margining/simulate",
    Auth.AUTHENT,
    t.SimulateMarginRequirementsParams,
    "Compute margin, PnL and option greeks of a hypothetical portfolio (Kraken demo only).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="simulatePortfolio",
    json_fields=frozenset({"json"}),
    description=(
        "Kraken serves this on its demo environment only, which was retired on "
        "2026-07-14. ``json`` travels as compact JSON text in the query string."
    ),
)

GET_FEE_SCHEDULE_VOLUMES: Final[
    Endpoint[t.GetFeeScheduleVolumesParams, t.GetFeeScheduleVolumesResult]
] = Endpoint(
    "get_fee_schedule_volumes",
    "GET",
    "/derivatives/api/v3/feeschedules/volumes",
    Auth.AUTHENT,
    t.GetFeeScheduleVolumesParams,
    "Get the account's 30-day volume per fee schedule (deprecated by Kraken).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getUserFeeScheduleVolumesV3",
    description=(
        "Kraken: since 2026-06-22 these values no longer reflect the fees charged; use "
        "the Spot GetTradeVolume."
    ),
)

GET_NOTIFICATIONS: Final[Endpoint[t.GetNotificationsParams, t.GetNotificationsResult]] = Endpoint(
    "get_notifications",
    "GET",
    "/derivatives/api/v3/notifications",
    Auth.AUTHENT,
    t.GetNotificationsParams,
    "Get the platform notifications.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getNotifications",
)

GET_FILLS: Final[Endpoint[t.GetFillsParams, t.GetFillsResult]] = Endpoint(
    "get_fills",
    "GET",
    "/derivatives/api/v3/fills",
    Auth.AUTHENT,
    t.GetFillsParams,
    "Get the last 100 fills of the account (or those before lastFillTime).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="getFills",
    description=("Costs 25 instead of 2 when ``lastFillTime`` is given."),
)

GET_ASSIGNMENT_PROGRAMS: Final[
    Endpoint[t.GetAssignmentProgramsParams, t.GetAssignmentProgramsResult]
] = Endpoint(
    "get_assignment_programs",
    "GET",
    "/derivatives/api/v3/assignmentprogram/current",
    Auth.AUTHENT,
    t.GetAssignmentProgramsParams,
    "Get the account's current assignment program preferences.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getAssignmentProgramCurrent",
)

ADD_ASSIGNMENT_PREFERENCE: Final[
    Endpoint[t.AddAssignmentPreferenceParams, t.AddAssignmentPreferenceResult]
] = Endpoint(
    "add_assignment_preference",
    "POST",
    "/derivatives/api/v3/assignmentprogram/add",
    Auth.AUTHENT,
    t.AddAssignmentPreferenceParams,
    "Add an assignment program preference.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    retry_safe=False,
    operation_id="addAssignmentProgram",
)

DELETE_ASSIGNMENT_PREFERENCE: Final[
    Endpoint[t.DeleteAssignmentPreferenceParams, t.DeleteAssignmentPreferenceResult]
] = Endpoint(
    "delete_assignment_preference",
    "POST",
    "/derivatives/api/v3/assignmentprogram/delete",
    Auth.AUTHENT,
    t.DeleteAssignmentPreferenceParams,
    "Delete an assignment program preference by id.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="deleteAssignmentProgram",
)

GET_ASSIGNMENT_PREFERENCES_HISTORY: Final[
    Endpoint[t.GetAssignmentPreferencesHistoryParams, t.GetAssignmentPreferencesHistoryResult]
] = Endpoint(
    "get_assignment_preferences_history",
    "GET",
    "/derivatives/api/v3/assignmentprogram/history",
    Auth.AUTHENT,
    t.GetAssignmentPreferencesHistoryParams,
    "Get the history of the account's assignment program preferences.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getAssignmentProgramHistory",
)

GET_SELF_TRADE_STRATEGY: Final[
    Endpoint[t.GetSelfTradeStrategyParams, t.GetSelfTradeStrategyResult]
] = Endpoint(
    "get_self_trade_strategy",
    "GET",
    "/derivatives/api/v3/self-trade-strategy",
    Auth.AUTHENT,
    t.GetSelfTradeStrategyParams,
    "Get the account's self-trade prevention strategy.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="getSelfTradeStrategy",
)

UPDATE_SELF_TRADE_STRATEGY: Final[
    Endpoint[t.UpdateSelfTradeStrategyParams, t.UpdateSelfTradeStrategyResult]
] = Endpoint(
    "update_self_trade_strategy",
    "PUT",
    "/derivatives/api/v3/self-trade-strategy",
    Auth.AUTHENT,
    t.UpdateSelfTradeStrategyParams,
    "Set the account's self-trade prevention strategy.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="setSelfTradeStrategy",
)

GET_SUBACCOUNT_TRADING_STATUS: Final[
    Endpoint[t.GetSubaccountTradingStatusParams, t.GetSubaccountTradingStatusResult]
] = Endpoint(
    "get_subaccount_trading_status",
    "GET",
    "/derivatives/api/v3/subaccount/{subaccountUid}/trading-enabled",
    Auth.AUTHENT,
    t.GetSubaccountTradingStatusParams,
    "Get whether a subaccount may trade.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="getSubaccountTradingCapability",
)

UPDATE_SUBACCOUNT_TRADING_STATUS: Final[
    Endpoint[t.UpdateSubaccountTradingStatusParams, t.UpdateSubaccountTradingStatusResult]
] = Endpoint(
    "update_subaccount_trading_status",
    "PUT",
    "/derivatives/api/v3/subaccount/{subaccountUid}/trading-enabled",
    Auth.AUTHENT,
    t.UpdateSubaccountTradingStatusParams,
    "Allow or forbid trading on a subaccount.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=2,
    operation_id="updateSubaccountTradingCapability",
)

GET_SUBACCOUNTS: Final[Endpoint[t.GetSubaccountsParams, t.GetSubaccountsResult]] = Endpoint(
    "get_subaccounts",
    "GET",
    "/derivatives/api/v3/subaccounts",
    Auth.AUTHENT,
    t.GetSubaccountsParams,
    "List the subaccounts of a master account with their balances.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="listSubaccounts",
)

SUBMIT_WALLET_TRANSFER: Final[
    Endpoint[t.SubmitWalletTransferParams, t.SubmitWalletTransferResult]
] = Endpoint(
    "submit_wallet_transfer",
    "POST",
    "/derivatives/api/v3/transfer",
    Auth.AUTHENT,
    t.SubmitWalletTransferParams,
    "Transfer funds between two margin accounts, or a margin account and the cash account.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=10,
    retry_safe=False,
    operation_id="transfer",
)

SUBMIT_SUBACCOUNT_TRANSFER: Final[
    Endpoint[t.SubmitSubaccountTransferParams, t.SubmitSubaccountTransferResult]
] = Endpoint(
    "submit_subaccount_transfer",
    "POST",
    "/derivatives/api/v3/transfer/subaccount",
    Auth.AUTHENT,
    t.SubmitSubaccountTransferParams,
    "Transfer funds between the wallets of a master account and its subaccounts.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=10,
    retry_safe=False,
    operation_id="subAccountTransfer",
)

SUBMIT_TRANSFER_TO_SPOT: Final[
    Endpoint[t.SubmitTransferToSpotParams, t.SubmitTransferToSpotResult]
] = Endpoint(
    "submit_transfer_to_spot",
    "POST",
    "/derivatives/api/v3/withdrawal",
    Auth.AUTHENT,
    t.SubmitTransferToSpotParams,
    "Transfer funds from the Futures wallet to the Spot wallet (needs a withdrawal key).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=100,
    retry_safe=False,
    operation_id="withdrawal",
)

GET_OPEN_RFQS: Final[Endpoint[t.GetOpenRfqsParams, t.GetOpenRfqsResult]] = Endpoint(
    "get_open_rfqs",
    "GET",
    "/derivatives/api/v3/rfqs",
    Auth.PUBLIC,
    t.GetOpenRfqsParams,
    "List every open RFQ (Kraken demo only).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getAllOpenRfqs",
    description=(
        "Kraken serves this on its demo environment only, which was retired on 2026-07-14."
    ),
)

GET_OPEN_RFQ: Final[Endpoint[t.GetOpenRfqParams, t.GetOpenRfqResult]] = Endpoint(
    "get_open_rfq",
    "GET",
    "/derivatives/api/v3/rfqs/{rfqUid}",
    Auth.PUBLIC,
    t.GetOpenRfqParams,
    "Get one open RFQ (Kraken demo only).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getSingleOpenRfq",
    description=(
        "Kraken serves this on its demo environment only, which was retired on 2026-07-14."
    ),
)

GET_RFQ_OPEN_OFFERS: Final[Endpoint[t.GetRfqOpenOffersParams, t.GetRfqOpenOffersResult]] = Endpoint(
    "get_rfq_open_offers",
    "GET",
    "/derivatives/api/v3/rfqs/open-offers",
    Auth.AUTHENT,
    t.GetRfqOpenOffersParams,
    "List the account's open offers on open RFQs (Kraken demo only).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getOpenRfqOffers",
    description=(
        "Kraken serves this on its demo environment only, which was retired on 2026-07-14."
    ),
)

SUBMIT_RFQ_NEW_OFFER: Final[Endpoint[t.SubmitRfqNewOfferParams, t.SubmitRfqNewOfferResult]] = (
    Endpoint(
        "submit_rfq_new_offer",
        "POST",
        "/derivatives/api/v3/rfqs/{rfqUid}/place-offer",
        Auth.AUTHENT,
        t.SubmitRfqNewOfferParams,
        "Place an offer (bid and/or ask) on an open RFQ (Kraken demo only).",
        payload=Payload.JSON,
        reply=Reply.FUTURES,
        retry_safe=False,
        operation_id="placeRfqOffer",
        description=(
            "Kraken serves this on its demo environment only, which was retired on "
            "2026-07-14. Kraken's spec sends ``bid``/``ask`` as a JSON body."
        ),
    )
)

UPDATE_RFQ_OPEN_OFFER: Final[Endpoint[t.UpdateRfqOpenOfferParams, t.UpdateRfqOpenOfferResult]] = (
    Endpoint(
        "update_rfq_open_offer",
        "PUT",
        "/derivatives/api/v3/rfqs/{rfqUid}/replace-offer",
        Auth.AUTHENT,
        t.UpdateRfqOpenOfferParams,
        "Replace the account's open offer on an open RFQ (Kraken demo only).",
        payload=Payload.JSON,
        reply=Reply.FUTURES,
        retry_safe=False,
        operation_id="replaceRfqOffer",
        description=(
            "Kraken serves this on its demo environment only, which was retired on "
            "2026-07-14. Kraken's spec sends ``bid``/``ask`` as a JSON body."
        ),
    )
)

CANCEL_RFQ_OFFER: Final[Endpoint[t.CancelRfqOfferParams, t.CancelRfqOfferResult]] = Endpoint(
    "cancel_rfq_offer",
    "DELETE",
    "/derivatives/api/v3/rfqs/{rfqUid}/cancel-offer",
    Auth.AUTHENT,
    t.CancelRfqOfferParams,
    "Cancel the account's open offer on an open RFQ (Kraken demo only).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="cancelRfqOffer",
    description=(
        "Kraken serves this on its demo environment only, which was retired on 2026-07-14."
    ),
)

GET_EXECUTION_EVENTS: Final[Endpoint[t.GetExecutionEventsParams, t.GetExecutionEventsResult]] = (
    Endpoint(
        "get_execution_events",
        "GET",
        "/api/history/v3/executions",
        Auth.AUTHENT,
        t.GetExecutionEventsParams,
        "Get the account's execution (fill) events, paged with continuation_token.",
        payload=Payload.QUERY,
        reply=Reply.FUTURES,
        operation_id="getExecutionEvents",
    )
)

GET_ORDER_EVENTS: Final[Endpoint[t.GetOrderEventsParams, t.GetOrderEventsResult]] = Endpoint(
    "get_order_events",
    "GET",
    "/api/history/v3/orders",
    Auth.AUTHENT,
    t.GetOrderEventsParams,
    "Get the account's order events, paged with continuation_token.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getOrderEvents",
)

GET_TRIGGER_EVENTS: Final[Endpoint[t.GetTriggerEventsParams, t.GetTriggerEventsResult]] = Endpoint(
    "get_trigger_events",
    "GET",
    "/api/history/v3/triggers",
    Auth.AUTHENT,
    t.GetTriggerEventsParams,
    "Get the account's trigger (stop and take-profit) events, paged with continuation_token.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="getTriggerEvents",
)

GET_POSITION_EVENTS: Final[Endpoint[t.GetPositionEventsParams, t.GetPositionEventsResult]] = (
    Endpoint(
        "get_position_events",
        "GET",
        "/api/history/v3/positions",
        Auth.AUTHENT,
        t.GetPositionEventsParams,
        "Get the account's position events, paged with continuation_token.",
        payload=Payload.QUERY,
        reply=Reply.FUTURES,
        operation_id="getPositionEvents",
    )
)

GET_ACCOUNT_LOG: Final[Endpoint[t.GetAccountLogParams, t.GetAccountLogResult]] = Endpoint(
    "get_account_log",
    "GET",
    "/api/history/v3/account-log",
    Auth.AUTHENT,
    t.GetAccountLogParams,
    "Get account log entries (trades, funding, transfers, fees, settlements...).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=3,
    operation_id="accountLog",
    description=(
        "History budget cost by ``count``: 1 (1-25), 2 (26-50), 3 (51-1000; the default "
        "is 500), 6 (1001-5000), 10 (5001-100000)."
    ),
)

GET_ACCOUNT_LOG_CSV: Final[Endpoint[t.GetAccountLogCsvParams, t.GetAccountLogCsvResult]] = Endpoint(
    "get_account_log_csv",
    "GET",
    "/api/history/v3/accountlogcsv",
    Auth.AUTHENT,
    t.GetAccountLogCsvParams,
    "Get recent account log entries as CSV text.",
    payload=Payload.QUERY,
    reply=Reply.TEXT,
    cost=6,
    operation_id="accountLogCsv",
)

GET_PUBLIC_EXECUTION_EVENTS: Final[
    Endpoint[t.GetPublicExecutionEventsParams, t.GetPublicExecutionEventsResult]
] = Endpoint(
    "get_public_execution_events",
    "GET",
    "/api/history/v3/market/{tradeable}/executions",
    Auth.PUBLIC,
    t.GetPublicExecutionEventsParams,
    "Get a market's public execution (trade) events, paged with continuation_token.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getPublicExecutionEvents",
)

GET_PUBLIC_ORDER_EVENTS: Final[
    Endpoint[t.GetPublicOrderEventsParams, t.GetPublicOrderEventsResult]
] = Endpoint(
    "get_public_order_events",
    "GET",
    "/api/history/v3/market/{tradeable}/orders",
    Auth.PUBLIC,
    t.GetPublicOrderEventsParams,
    "Get a market's public order book events, paged with continuation_token.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getPublicOrderEvents",
)

GET_PUBLIC_MARK_PRICE_EVENTS: Final[
    Endpoint[t.GetPublicMarkPriceEventsParams, t.GetPublicMarkPriceEventsResult]
] = Endpoint(
    "get_public_mark_price_events",
    "GET",
    "/api/history/v3/market/{tradeable}/price",
    Auth.PUBLIC,
    t.GetPublicMarkPriceEventsParams,
    "Get a market's mark price events, paged with continuation_token.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="getPublicPriceEvents",
)

GET_TICK_TYPES: Final[Endpoint[t.GetTickTypesParams, t.GetTickTypesResult]] = Endpoint(
    "get_tick_types",
    "GET",
    "/api/charts/v1/",
    Auth.PUBLIC,
    t.GetTickTypesParams,
    "List the chart tick types (spot, mark, trade).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="tickTypes",
)

GET_MARKETS_FOR_TICK_TYPE: Final[
    Endpoint[t.GetMarketsForTickTypeParams, t.GetMarketsForTickTypeResult]
] = Endpoint(
    "get_markets_for_tick_type",
    "GET",
    "/api/charts/v1/{tick_type}",
    Auth.PUBLIC,
    t.GetMarketsForTickTypeParams,
    "List the markets that have candles of a tick type.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="symbols",
)

GET_RESOLUTIONS: Final[Endpoint[t.GetResolutionsParams, t.GetResolutionsResult]] = Endpoint(
    "get_resolutions",
    "GET",
    "/api/charts/v1/{tick_type}/{symbol}",
    Auth.PUBLIC,
    t.GetResolutionsParams,
    "List the candle resolutions of a market and tick type.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="resolutions",
)

GET_CANDLES: Final[Endpoint[t.GetCandlesParams, t.GetCandlesResult]] = Endpoint(
    "get_candles",
    "GET",
    "/api/charts/v1/{tick_type}/{symbol}/{resolution}",
    Auth.PUBLIC,
    t.GetCandlesParams,
    "Get OHLC candles of a market (up to 5000 per call).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    cost=0,
    operation_id="candles",
)

GET_LIQUIDITY_POOL_STATISTIC: Final[
    Endpoint[t.GetLiquidityPoolStatisticParams, t.GetLiquidityPoolStatisticResult]
] = Endpoint(
    "get_liquidity_pool_statistic",
    "GET",
    "/api/charts/v1/analytics/liquidity-pool",
    Auth.PUBLIC,
    t.GetLiquidityPoolStatisticParams,
    "Get liquidity pool statistics in time buckets.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    operation_id="liquidityPoolStats",
    description=("Plain JSON reply: it always carries an ``errors`` list (empty on success)."),
)

GET_MARKET_ANALYTICS: Final[Endpoint[t.GetMarketAnalyticsParams, t.GetMarketAnalyticsResult]] = (
    Endpoint(
        "get_market_analytics",
        "GET",
        "/api/charts/v1/analytics/{symbol}/{analytics_type}",
        Auth.PUBLIC,
        t.GetMarketAnalyticsParams,
        "Get a market's analytics (open interest, volumes, spreads...) in time buckets.",
        payload=Payload.QUERY,
        reply=Reply.JSON,
        cost=0,
        operation_id="marketAnalytics",
        description=("Plain JSON reply: it always carries an ``errors`` list (empty on success)."),
    )
)

CHECK_API_KEY_V3: Final[Endpoint[t.CheckApiKeyV3Params, t.CheckApiKeyV3Result]] = Endpoint(
    "check_api_key_v3",
    "GET",
    "/api/auth/v1/api-keys/v3/check",
    Auth.AUTHENT,
    t.CheckApiKeyV3Params,
    "Check the API key and signature, returning the key's details.",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="checkV3ApiKey",
    description=(
        "Answers HTTP 401 (AuthenticationError) when the key is unknown or the signature invalid."
    ),
)

GET_ACCOUNT_MARKET_SHARE: Final[
    Endpoint[t.GetAccountMarketShareParams, t.GetAccountMarketShareResult]
] = Endpoint(
    "get_account_market_share",
    "GET",
    "/api/stats/v1/rebates/self-market-share",
    Auth.AUTHENT,
    t.GetAccountMarketShareParams,
    "Get the account's market share, volumes and accrued rebates (None until aggregated).",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    operation_id="rebates::get_self_market_share",
    bearer_ok=True,
    description=(
        "Kraken answers HTTP 204 (returned as None) while the figures are not aggregated "
        "yet. Accepts a bearer token: with ``api_access_token`` and no keys the client "
        "sends ``Authorization: Bearer``."
    ),
)

CATALOGUE: Final[tuple[Endpoint[Any, Any], ...]] = (
    GET_TRADE_HISTORY,
    GET_ORDERBOOK,
    GET_TICKERS,
    GET_TICKER,
    GET_INSTRUMENTS,
    GET_TRADING_INSTRUMENTS,
    GET_INSTRUMENT_STATUS_LIST,
    GET_INSTRUMENT_STATUS,
    GET_FEE_SCHEDULES,
    GET_HISTORICAL_FUNDING_RATES,
    SUBMIT_ORDER,
    EDIT_ORDER,
    CANCEL_ORDER,
    CANCEL_ALL_ORDERS,
    CANCEL_ALL_ORDERS_AFTER,
    BATCH_ORDER_MANAGEMENT,
    GET_OPEN_ORDERS,
    GET_ORDER_STATUS,
    GET_PNL_PREFERENCES,
    SET_PNL_PREFERENCE,
    GET_LEVERAGE_SETTINGS,
    SET_LEVERAGE_SETTINGS,
    GET_RFQ_ASSIGNMENT_MAX_LEVERAGE,
    SET_RFQ_ASSIGNMENT_MAX_LEVERAGE,
    DELETE_RFQ_ASSIGNMENT_MAX_LEVERAGE,
    GET_ACCOUNTS,
    GET_OPEN_POSITIONS,
    GET_POSITION_PERCENTILE,
    GET_PORTFOLIO_MARGIN_PARAMETERS,
    SIMULATE_MARGIN_REQUIREMENTS,
    GET_FEE_SCHEDULE_VOLUMES,
    GET_NOTIFICATIONS,
    GET_FILLS,
    GET_ASSIGNMENT_PROGRAMS,
    ADD_ASSIGNMENT_PREFERENCE,
    DELETE_ASSIGNMENT_PREFERENCE,
    GET_ASSIGNMENT_PREFERENCES_HISTORY,
    GET_SELF_TRADE_STRATEGY,
    UPDATE_SELF_TRADE_STRATEGY,
    GET_SUBACCOUNT_TRADING_STATUS,
    UPDATE_SUBACCOUNT_TRADING_STATUS,
    GET_SUBACCOUNTS,
    SUBMIT_WALLET_TRANSFER,
    SUBMIT_SUBACCOUNT_TRANSFER,
    SUBMIT_TRANSFER_TO_SPOT,
    GET_OPEN_RFQS,
    GET_OPEN_RFQ,
    GET_RFQ_OPEN_OFFERS,
    SUBMIT_RFQ_NEW_OFFER,
    UPDATE_RFQ_OPEN_OFFER,
    CANCEL_RFQ_OFFER,
    GET_EXECUTION_EVENTS,
    GET_ORDER_EVENTS,
    GET_TRIGGER_EVENTS,
    GET_POSITION_EVENTS,
    GET_ACCOUNT_LOG,
    GET_ACCOUNT_LOG_CSV,
    GET_PUBLIC_EXECUTION_EVENTS,
    GET_PUBLIC_ORDER_EVENTS,
    GET_PUBLIC_MARK_PRICE_EVENTS,
    GET_TICK_TYPES,
    GET_MARKETS_FOR_TICK_TYPE,
    GET_RESOLUTIONS,
    GET_CANDLES,
    GET_LIQUIDITY_POOL_STATISTIC,
    GET_MARKET_ANALYTICS,
    CHECK_API_KEY_V3,
    GET_ACCOUNT_MARKET_SHARE,
)
"""Every Derivatives endpoint, in the order of api-surface.md 1.2."""

BY_NAME: Final[dict[str, Endpoint[Any, Any]]] = {e.name: e for e in CATALOGUE}
"""Derivatives endpoints by method name."""

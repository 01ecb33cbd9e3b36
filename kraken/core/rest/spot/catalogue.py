"""The Spot REST catalogue: one :class:`Endpoint` per SpotClient method (api-surface.md 1.1).

Kraken's own spec (``spot-rest/openapi_v3.yaml``) wins where it and the seed SDK disagree; the
``operation_id`` of each entry ties it to that spec, and ``tests/core/test_spot_coverage.py`` checks
that every operation there has an entry here. Costs follow the REST call-counter rules of
https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits (trading calls use the separate
matching-engine counter and cost 0 here). Placement calls are marked ``retry_safe=False``: the
SDK never re-sends them on its own.

Names follow the seed SDK; note that Kraken's spec calls ``/Ledgers`` "getLedgers" and
``/QueryLedgers`` "getLedgersInfo", the other way round from the seed (and from us).
"""

from __future__ import annotations

from typing import Any, Final

from kraken.core.rest.endpoint import Auth, Endpoint, Payload, Reply
from kraken.core.rest.spot import types as t

__all__ = ["CATALOGUE", "BY_NAME"]

GET_SERVER_TIME: Final[Endpoint[t.GetServerTimeParams, t.GetServerTimeResult]] = Endpoint(
    "get_server_time",
    "GET",
    "/0/public/Time",
    Auth.PUBLIC,
    t.GetServerTimeParams,
    "Get the server's time.",
    payload=Payload.QUERY,
    operation_id="getServerTime",
)
GET_SYSTEM_STATUS: Final[Endpoint[t.GetSystemStatusParams, t.GetSystemStatusResult]] = Endpoint(
    "get_system_status",
    "GET",
    "/0/public/SystemStatus",
    Auth.PUBLIC,
    t.GetSystemStatusParams,
    "Get the current system status or trading mode.",
    payload=Payload.QUERY,
    operation_id="getSystemStatus",
)
GET_MAINTENANCE_SCHEDULE: Final[
    Endpoint[t.GetMaintenanceScheduleParams, t.GetMaintenanceScheduleResult]
] = Endpoint(
    "get_maintenance_schedule",
    "GET",
    "/0/public/MaintenanceSchedule",
    Auth.PUBLIC,
    t.GetMaintenanceScheduleParams,
    "Get scheduled and ongoing maintenance windows.",
    payload=Payload.QUERY,
)
GET_ASSET_INFO: Final[Endpoint[t.GetAssetInfoParams, t.GetAssetInfoResult]] = Endpoint(
    "get_asset_info",
    "GET",
    "/0/public/Assets",
    Auth.PUBLIC,
    t.GetAssetInfoParams,
    "Get the assets available for deposit, withdrawal, trading and earn.",
    payload=Payload.QUERY,
    operation_id="getAssetInfo",
)
GET_ASSET_PAIRS: Final[Endpoint[t.GetAssetPairsParams, t.GetAssetPairsResult]] = Endpoint(
    "get_asset_pairs",
    "GET",
    "/0/public/AssetPairs",
    Auth.PUBLIC,
    t.GetAssetPairsParams,
    "Get tradable asset pairs: precisions, order minimums, leverage, fees.",
    payload=Payload.QUERY,
    operation_id="getTradableAssetPairs",
)
GET_TICKER: Final[Endpoint[t.GetTickerParams, t.GetTickerResult]] = Endpoint(
    "get_ticker",
    "GET",
    "/0/public/Ticker",
    Auth.PUBLIC,
    t.GetTickerParams,
    "Get ticker information for all or the requested markets.",
    payload=Payload.QUERY,
    operation_id="getTickerInformation",
)
GET_CANDLES: Final[Endpoint[t.GetCandlesParams, t.GetCandlesResult]] = Endpoint(
    "get_candles",
    "GET",
    "/0/public/OHLC",
    Auth.PUBLIC,
    t.GetCandlesParams,
    "Get OHLC candles (up to 720 of the most recent entries).",
    payload=Payload.QUERY,
    operation_id="getOHLCData",
)
GET_ORDER_BOOK: Final[Endpoint[t.GetOrderBookParams, t.GetOrderBookResult]] = Endpoint(
    "get_order_book",
    "GET",
    "/0/public/Depth",
    Auth.PUBLIC,
    t.GetOrderBookParams,
    "Get the level 2 order book of a pair.",
    payload=Payload.QUERY,
    operation_id="getOrderBook",
)
GET_GROUPED_BOOK: Final[Endpoint[t.GetGroupedBookParams, t.GetGroupedBookResult]] = Endpoint(
    "get_grouped_book",
    "GET",
    "/0/public/GroupedBook",
    Auth.PUBLIC,
    t.GetGroupedBookParams,
    "Get the order book with price levels grouped into buckets.",
    payload=Payload.QUERY,
)
GET_LEVEL3_ORDER_BOOK: Final[Endpoint[t.GetLevel3OrderBookParams, t.GetLevel3OrderBookResult]] = (
    Endpoint(
        "get_level3_order_book",
        "POST",
        "/0/private/Level3",
        Auth.API_SIGN,
        t.GetLevel3OrderBookParams,
        "Get the level 3 (individual orders) book of a pair.",
    )
)
GET_RECENT_TRADES: Final[Endpoint[t.GetRecentTradesParams, t.GetRecentTradesResult]] = Endpoint(
    "get_recent_trades",
    "GET",
    "/0/public/Trades",
    Auth.PUBLIC,
    t.GetRecentTradesParams,
    "Get the most recent trades of a pair (up to 1000).",
    payload=Payload.QUERY,
    operation_id="getRecentTrades",
)
GET_RECENT_SPREADS: Final[Endpoint[t.GetRecentSpreadsParams, t.GetRecentSpreadsResult]] = Endpoint(
    "get_recent_spreads",
    "GET",
    "/0/public/Spread",
    Auth.PUBLIC,
    t.GetRecentSpreadsParams,
    "Get the recent best bid/ask spreads of a pair.",
    payload=Payload.QUERY,
    operation_id="getRecentSpreads",
)
GET_ACCOUNT_BALANCE: Final[Endpoint[t.GetAccountBalanceParams, t.GetAccountBalanceResult]] = (
    Endpoint(
        "get_account_balance",
        "POST",
        "/0/private/Balance",
        Auth.API_SIGN,
        t.GetAccountBalanceParams,
        "Get all cash balances, net of pending withdrawals.",
        operation_id="getAccountBalance",
    )
)
GET_API_KEY_INFO: Final[Endpoint[t.GetApiKeyInfoParams, t.GetApiKeyInfoResult]] = Endpoint(
    "get_api_key_info",
    "POST",
    "/0/private/GetApiKeyInfo",
    Auth.API_SIGN,
    t.GetApiKeyInfoParams,
    "Get information about the API key making the call (name, permissions, restrictions).",
)
GET_WALLET_ACCOUNTS: Final[Endpoint[t.GetWalletAccountsParams, t.GetWalletAccountsResult]] = (
    Endpoint(
        "get_wallet_accounts",
        "POST",
        "/0/private/ListWalletAccounts",
        Auth.API_SIGN,
        t.GetWalletAccountsParams,
        "List the wallet accounts (spot, earn, ...) of the user.",
    )
)
GET_EXTENDED_BALANCE: Final[Endpoint[t.GetExtendedBalanceParams, t.GetExtendedBalanceResult]] = (
    Endpoint(
        "get_extended_balance",
        "POST",
        "/0/private/BalanceEx",
        Auth.API_SIGN,
        t.GetExtendedBalanceParams,
        "Get extended balances: credit and held amounts per asset.",
        operation_id="getExtendedBalance",
    )
)
GET_CREDIT_LINES: Final[Endpoint[t.GetCreditLinesParams, t.GetCreditLinesResult]] = Endpoint(
    "get_credit_lines",
    "POST",
    "/0/private/CreditLines",
    Auth.API_SIGN,
    t.GetCreditLinesParams,
    "Get VIP credit line details and monitor values.",
    operation_id="getCreditLines",
)
GET_TRADE_BALANCE: Final[Endpoint[t.GetTradeBalanceParams, t.GetTradeBalanceResult]] = Endpoint(
    "get_trade_balance",
    "POST",
    "/0/private/TradeBalance",
    Auth.API_SIGN,
    t.GetTradeBalanceParams,
    "Get collateral balance, margin valuations, equity and margin level.",
    operation_id="getTradeBalance",
)
GET_OPEN_ORDERS: Final[Endpoint[t.GetOpenOrdersParams, t.GetOpenOrdersResult]] = Endpoint(
    "get_open_orders",
    "POST",
    "/0/private/OpenOrders",
    Auth.API_SIGN,
    t.GetOpenOrdersParams,
    "Get information about currently open orders.",
    cost=2,
    operation_id="getOpenOrders",
)
GET_CLOSED_ORDERS: Final[Endpoint[t.GetClosedOrdersParams, t.GetClosedOrdersResult]] = Endpoint(
    "get_closed_orders",
    "POST",
    "/0/private/ClosedOrders",
    Auth.API_SIGN,
    t.GetClosedOrdersParams,
    "Get closed orders (50 per page, most recent first).",
    cost=2,
    operation_id="getClosedOrders",
)
GET_ORDERS: Final[Endpoint[t.GetOrdersParams, t.GetOrdersResult]] = Endpoint(
    "get_orders",
    "POST",
    "/0/private/QueryOrders",
    Auth.API_SIGN,
    t.GetOrdersParams,
    "Query up to 50 open or closed orders by transaction id.",
    operation_id="getOrdersInfo",
)
GET_ORDER_AMENDS: Final[Endpoint[t.GetOrderAmendsParams, t.GetOrderAmendsResult]] = Endpoint(
    "get_order_amends",
    "POST",
    "/0/private/OrderAmends",
    Auth.API_SIGN,
    t.GetOrderAmendsParams,
    "Get the audit trail of amend transactions on an order.",
    operation_id="getOrderAmends",
)
GET_TRADES_HISTORY: Final[Endpoint[t.GetTradesHistoryParams, t.GetTradesHistoryResult]] = Endpoint(
    "get_trades_history",
    "POST",
    "/0/private/TradesHistory",
    Auth.API_SIGN,
    t.GetTradesHistoryParams,
    "Get trade history (50 per page, most recent first).",
    cost=2,
    operation_id="getTradeHistory",
)
GET_TRADES: Final[Endpoint[t.GetTradesParams, t.GetTradesResult]] = Endpoint(
    "get_trades",
    "POST",
    "/0/private/QueryTrades",
    Auth.API_SIGN,
    t.GetTradesParams,
    "Query up to 20 trades by transaction id.",
    operation_id="getTradesInfo",
)
GET_OPEN_POSITIONS: Final[Endpoint[t.GetOpenPositionsParams, t.GetOpenPositionsResult]] = Endpoint(
    "get_open_positions",
    "POST",
    "/0/private/OpenPositions",
    Auth.API_SIGN,
    t.GetOpenPositionsParams,
    "Get information about open margin positions.",
    operation_id="getOpenPositions",
)
GET_LEDGERS_INFO: Final[Endpoint[t.GetLedgersInfoParams, t.GetLedgersInfoResult]] = Endpoint(
    "get_ledgers_info",
    "POST",
    "/0/private/Ledgers",
    Auth.API_SIGN,
    t.GetLedgersInfoParams,
    "Get ledger entries (50 per page, most recent first).",
    cost=2,
    operation_id="getLedgers",
)
GET_LEDGERS: Final[Endpoint[t.GetLedgersParams, t.GetLedgersResult]] = Endpoint(
    "get_ledgers",
    "POST",
    "/0/private/QueryLedgers",
    Auth.API_SIGN,
    t.GetLedgersParams,
    "Query up to 20 ledger entries by id.",
    cost=2,
    operation_id="getLedgersInfo",
)
GET_TRADING_VOLUME: Final[Endpoint[t.GetTradingVolumeParams, t.GetTradingVolumeResult]] = Endpoint(
    "get_trading_volume",
    "POST",
    "/0/private/TradeVolume",
    Auth.API_SIGN,
    t.GetTradingVolumeParams,
    "Get 30-day USD trading volume and fee tiers.",
    operation_id="getTradeVolume",
)
REQUEST_LEDGERS_EXPORT: Final[
    Endpoint[t.RequestLedgersExportParams, t.RequestLedgersExportResult]
] = Endpoint(
    "request_ledgers_export",
    "POST",
    "/0/private/AddExport",
    Auth.API_SIGN,
    t.RequestLedgersExportParams,
    "Request an export of trades or ledgers.",
    retry_safe=False,
    operation_id="addExport",
)
GET_LEDGERS_EXPORT_STATUS: Final[
    Endpoint[t.GetLedgersExportStatusParams, t.GetLedgersExportStatusResult]
] = Endpoint(
    "get_ledgers_export_status",
    "POST",
    "/0/private/ExportStatus",
    Auth.API_SIGN,
    t.GetLedgersExportStatusParams,
    "Get the status of requested data exports.",
    operation_id="exportStatus",
)
GET_LEDGERS_EXPORT: Final[Endpoint[t.GetLedgersExportParams, t.GetLedgersExportResult]] = Endpoint(
    "get_ledgers_export",
    "POST",
    "/0/private/RetrieveExport",
    Auth.API_SIGN,
    t.GetLedgersExportParams,
    "Download a processed data export (a zip archive, returned as bytes).",
    reply=Reply.BINARY,
    operation_id="retrieveExport",
)
DELETE_LEDGERS_EXPORT: Final[Endpoint[t.DeleteLedgersExportParams, t.DeleteLedgersExportResult]] = (
    Endpoint(
        "delete_ledgers_export",
        "POST",
        "/0/private/RemoveExport",
        Auth.API_SIGN,
        t.DeleteLedgersExportParams,
        "Delete an exported report, or cancel one still being processed.",
        operation_id="removeExport",
    )
)
SUBMIT_ORDER: Final[Endpoint[t.SubmitOrderParams, t.SubmitOrderResult]] = Endpoint(
    "submit_order",
    "POST",
    "/0/private/AddOrder",
    Auth.API_SIGN,
    t.SubmitOrderParams,
    "Place a new order.",
    cost=0,
    retry_safe=False,
    operation_id="addOrder",
)
AMEND_ORDER: Final[Endpoint[t.AmendOrderParams, t.AmendOrderResult]] = Endpoint(
    "amend_order",
    "POST",
    "/0/private/AmendOrder",
    Auth.API_SIGN,
    t.AmendOrderParams,
    "Amend an open order in place, keeping its ids and (where possible) queue priority.",
    cost=0,
    retry_safe=False,
    operation_id="amendOrder",
)
EDIT_ORDER: Final[Endpoint[t.EditOrderParams, t.EditOrderResult]] = Endpoint(
    "edit_order",
    "POST",
    "/0/private/EditOrder",
    Auth.API_SIGN,
    t.EditOrderParams,
    "Edit an open order by cancelling it and placing a replacement (prefer amend_order).",
    cost=0,
    retry_safe=False,
    operation_id="editOrder",
)
CANCEL_ORDER: Final[Endpoint[t.CancelOrderParams, t.CancelOrderResult]] = Endpoint(
    "cancel_order",
    "POST",
    "/0/private/CancelOrder",
    Auth.API_SIGN,
    t.CancelOrderParams,
    "Cancel an open order (or orders) by txid, userref or cl_ord_id.",
    cost=0,
    operation_id="cancelOrder",
)
CANCEL_ALL_ORDERS: Final[Endpoint[t.CancelAllOrdersParams, t.CancelAllOrdersResult]] = Endpoint(
    "cancel_all_orders",
    "POST",
    "/0/private/CancelAll",
    Auth.API_SIGN,
    t.CancelAllOrdersParams,
    "Cancel all open orders.",
    cost=0,
    operation_id="cancelAllOrders",
)
CANCEL_ALL_ORDERS_AFTER: Final[
    Endpoint[t.CancelAllOrdersAfterParams, t.CancelAllOrdersAfterResult]
] = Endpoint(
    "cancel_all_orders_after",
    "POST",
    "/0/private/CancelAllOrdersAfter",
    Auth.API_SIGN,
    t.CancelAllOrdersAfterParams,
    "Dead man's switch: cancel all orders after the timeout unless called again.",
    cost=0,
    operation_id="cancelAllOrdersAfter",
)
GET_WEBSOCKETS_TOKEN: Final[Endpoint[t.GetWebsocketsTokenParams, t.GetWebsocketsTokenResult]] = (
    Endpoint(
        "get_websockets_token",
        "POST",
        "/0/private/GetWebSocketsToken",
        Auth.API_SIGN,
        t.GetWebsocketsTokenParams,
        "Get a token for the authenticated WebSocket API (use it within 15 minutes).",
        operation_id="getWebsocketsToken",
    )
)
SUBMIT_BATCH_ORDERS: Final[Endpoint[t.SubmitBatchOrdersParams, t.SubmitBatchOrdersResult]] = (
    Endpoint(
        "submit_batch_orders",
        "POST",
        "/0/private/AddOrderBatch",
        Auth.API_SIGN,
        t.SubmitBatchOrdersParams,
        "Place 2 to 15 orders on one pair in a single request.",
        cost=0,
        retry_safe=False,
        operation_id="addOrderBatch",
    )
)
CANCEL_BATCH_ORDERS: Final[Endpoint[t.CancelBatchOrdersParams, t.CancelBatchOrdersResult]] = (
    Endpoint(
        "cancel_batch_orders",
        "POST",
        "/0/private/CancelOrderBatch",
        Auth.API_SIGN,
        t.CancelBatchOrdersParams,
        "Cancel up to 50 orders in a single request.",
        cost=0,
        operation_id="cancelOrderBatch",
    )
)
GET_DEPOSIT_METHODS: Final[Endpoint[t.GetDepositMethodsParams, t.GetDepositMethodsResult]] = (
    Endpoint(
        "get_deposit_methods",
        "POST",
        "/0/private/DepositMethods",
        Auth.API_SIGN,
        t.GetDepositMethodsParams,
        "Get the methods available for depositing an asset.",
        operation_id="getDepositMethods",
    )
)
GET_DEPOSIT_ADDRESSES: Final[Endpoint[t.GetDepositAddressesParams, t.GetDepositAddressesResult]] = (
    Endpoint(
        "get_deposit_addresses",
        "POST",
        "/0/private/DepositAddresses",
        Auth.API_SIGN,
        t.GetDepositAddressesParams,
        "Get (or generate) deposit addresses for an asset and method.",
        retry_safe=False,
        operation_id="getDepositAddresses",
    )
)
GET_DEPOSITS_STATUS: Final[Endpoint[t.GetDepositsStatusParams, t.GetDepositsStatusResult]] = (
    Endpoint(
        "get_deposits_status",
        "POST",
        "/0/private/DepositStatus",
        Auth.API_SIGN,
        t.GetDepositsStatusParams,
        "Get the status of recent deposits.",
        operation_id="getStatusRecentDeposits",
    )
)
GET_WITHDRAWAL_METHODS: Final[
    Endpoint[t.GetWithdrawalMethodsParams, t.GetWithdrawalMethodsResult]
] = Endpoint(
    "get_withdrawal_methods",
    "POST",
    "/0/private/WithdrawMethods",
    Auth.API_SIGN,
    t.GetWithdrawalMethodsParams,
    "Get the methods available for withdrawing assets.",
    operation_id="getWithdrawalMethods",
)
GET_WITHDRAWAL_ADDRESSES: Final[
    Endpoint[t.GetWithdrawalAddressesParams, t.GetWithdrawalAddressesResult]
] = Endpoint(
    "get_withdrawal_addresses",
    "POST",
    "/0/private/WithdrawAddresses",
    Auth.API_SIGN,
    t.GetWithdrawalAddressesParams,
    "Get the withdrawal addresses saved on the account.",
    operation_id="getWithdrawalAddresses",
)
GET_WITHDRAWAL_INFO: Final[Endpoint[t.GetWithdrawalInfoParams, t.GetWithdrawalInfoResult]] = (
    Endpoint(
        "get_withdrawal_info",
        "POST",
        "/0/private/WithdrawInfo",
        Auth.API_SIGN,
        t.GetWithdrawalInfoParams,
        "Get fee and limit information about a potential withdrawal.",
        operation_id="getWithdrawalInformation",
    )
)
SUBMIT_WITHDRAWAL: Final[Endpoint[t.SubmitWithdrawalParams, t.SubmitWithdrawalResult]] = Endpoint(
    "submit_withdrawal",
    "POST",
    "/0/private/Withdraw",
    Auth.API_SIGN,
    t.SubmitWithdrawalParams,
    "Withdraw funds to a saved withdrawal key.",
    retry_safe=False,
    operation_id="withdrawFunds",
)
GET_WITHDRAWALS_STATUS: Final[
    Endpoint[t.GetWithdrawalsStatusParams, t.GetWithdrawalsStatusResult]
] = Endpoint(
    "get_withdrawals_status",
    "POST",
    "/0/private/WithdrawStatus",
    Auth.API_SIGN,
    t.GetWithdrawalsStatusParams,
    "Get the status of recent withdrawals.",
    operation_id="getStatusRecentWithdrawals",
)
CANCEL_WITHDRAWAL: Final[Endpoint[t.CancelWithdrawalParams, t.CancelWithdrawalResult]] = Endpoint(
    "cancel_withdrawal",
    "POST",
    "/0/private/WithdrawCancel",
    Auth.API_SIGN,
    t.CancelWithdrawalParams,
    "Cancel a recently requested withdrawal, if not yet processed.",
    operation_id="cancelWithdrawal",
)
SUBMIT_TRANSFER_TO_FUTURES: Final[
    Endpoint[t.SubmitTransferToFuturesParams, t.SubmitTransferToFuturesResult]
] = Endpoint(
    "submit_transfer_to_futures",
    "POST",
    "/0/private/WalletTransfer",
    Auth.API_SIGN,
    t.SubmitTransferToFuturesParams,
    "Transfer funds from the Spot wallet to the Futures wallet.",
    retry_safe=False,
    operation_id="walletTransfer",
)
CREATE_SUBACCOUNT: Final[Endpoint[t.CreateSubaccountParams, t.CreateSubaccountResult]] = Endpoint(
    "create_subaccount",
    "POST",
    "/0/private/CreateSubaccount",
    Auth.API_SIGN,
    t.CreateSubaccountParams,
    "Create a trading subaccount (master account keys only).",
    retry_safe=False,
    operation_id="createSubaccount",
)
SUBMIT_SUBACCOUNT_TRANSFER: Final[
    Endpoint[t.SubmitSubaccountTransferParams, t.SubmitSubaccountTransferResult]
] = Endpoint(
    "submit_subaccount_transfer",
    "POST",
    "/0/private/AccountTransfer",
    Auth.API_SIGN,
    t.SubmitSubaccountTransferParams,
    "Transfer funds between the master account and its subaccounts.",
    retry_safe=False,
    operation_id="accountTransfer",
)
ALLOCATE_EARN_FUNDS: Final[Endpoint[t.AllocateEarnFundsParams, t.AllocateEarnFundsResult]] = (
    Endpoint(
        "allocate_earn_funds",
        "POST",
        "/0/private/Earn/Allocate",
        Auth.API_SIGN,
        t.AllocateEarnFundsParams,
        "Allocate funds to an Earn strategy (poll get_earn_allocation_status).",
        retry_safe=False,
        operation_id="allocateStrategy",
    )
)
DEALLOCATE_EARN_FUNDS: Final[Endpoint[t.DeallocateEarnFundsParams, t.DeallocateEarnFundsResult]] = (
    Endpoint(
        "deallocate_earn_funds",
        "POST",
        "/0/private/Earn/Deallocate",
        Auth.API_SIGN,
        t.DeallocateEarnFundsParams,
        "Deallocate funds from an Earn strategy (poll get_earn_deallocation_status).",
        retry_safe=False,
        operation_id="deallocateStrategy",
    )
)
GET_EARN_ALLOCATION_STATUS: Final[
    Endpoint[t.GetEarnAllocationStatusParams, t.GetEarnAllocationStatusResult]
] = Endpoint(
    "get_earn_allocation_status",
    "POST",
    "/0/private/Earn/AllocateStatus",
    Auth.API_SIGN,
    t.GetEarnAllocationStatusParams,
    "Get the status of the last allocation request to a strategy.",
    operation_id="getAllocateStrategyStatus",
)
GET_EARN_DEALLOCATION_STATUS: Final[
    Endpoint[t.GetEarnDeallocationStatusParams, t.GetEarnDeallocationStatusResult]
] = Endpoint(
    "get_earn_deallocation_status",
    "POST",
    "/0/private/Earn/DeallocateStatus",
    Auth.API_SIGN,
    t.GetEarnDeallocationStatusParams,
    "Get the status of the last deallocation request from a strategy.",
    operation_id="getDeallocateStrategyStatus",
)
GET_EARN_STRATEGIES: Final[Endpoint[t.GetEarnStrategiesParams, t.GetEarnStrategiesResult]] = (
    Endpoint(
        "get_earn_strategies",
        "POST",
        "/0/private/Earn/Strategies",
        Auth.API_SIGN,
        t.GetEarnStrategiesParams,
        "List the Earn strategies available to the user.",
        operation_id="listStrategies",
    )
)
GET_EARN_ALLOCATIONS: Final[Endpoint[t.GetEarnAllocationsParams, t.GetEarnAllocationsResult]] = (
    Endpoint(
        "get_earn_allocations",
        "POST",
        "/0/private/Earn/Allocations",
        Auth.API_SIGN,
        t.GetEarnAllocationsParams,
        "List the user's Earn allocations.",
        operation_id="listAllocations",
    )
)
GET_PRE_TRADE_DATA: Final[Endpoint[t.GetPreTradeDataParams, t.GetPreTradeDataResult]] = Endpoint(
    "get_pre_trade_data",
    "GET",
    "/0/public/PreTrade",
    Auth.PUBLIC,
    t.GetPreTradeDataParams,
    "Get MiCA pre-trade transparency data (top 10 levels) for a symbol.",
    payload=Payload.QUERY,
)
GET_POST_TRADE_DATA: Final[Endpoint[t.GetPostTradeDataParams, t.GetPostTradeDataResult]] = Endpoint(
    "get_post_trade_data",
    "GET",
    "/0/public/PostTrade",
    Auth.PUBLIC,
    t.GetPostTradeDataParams,
    "Get MiCA post-trade transparency data (trades) for a symbol.",
    payload=Payload.QUERY,
)
GET_OAUTH_ACCESS_TOKEN: Final[
    Endpoint[t.GetOAuthAccessTokenParams, t.GetOAuthAccessTokenResult]
] = Endpoint(
    "get_oauth_access_token",
    "POST",
    "/oauth/token",
    Auth.BASIC,
    t.GetOAuthAccessTokenParams,
    "Exchange an authorization code (or a refresh token) for an OAuth access token.",
    payload=Payload.FORM,
    reply=Reply.JSON,
    cost=0,
    retry_safe=False,
    operation_id="getOAuthToken",
)
GET_OAUTH_USER_INFO: Final[Endpoint[t.GetOAuthUserInfoParams, t.GetOAuthUserInfoResult]] = Endpoint(
    "get_oauth_user_info",
    "GET",
    "/oauth/userinfo",
    Auth.BEARER,
    t.GetOAuthUserInfoParams,
    "Get the OAuth user's basic account information (email, IIBAN).",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    operation_id="getOAuthInfo",
)
CREATE_OAUTH_FAST_API_KEY: Final[
    Endpoint[t.CreateOAuthFastApiKeyParams, t.CreateOAuthFastApiKeyResult]
] = Endpoint(
    "create_oauth_fast_api_key",
    "POST",
    "/oauth/fast-api-key",
    Auth.BEARER,
    t.CreateOAuthFastApiKeyParams,
    "Create a Fast API key for the OAuth user; the secret is returned only once.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    retry_safe=False,
    operation_id="createFastAPIKey",
)
DELETE_OAUTH_FAST_API_KEY: Final[
    Endpoint[t.DeleteOAuthFastApiKeyParams, t.DeleteOAuthFastApiKeyResult]
] = Endpoint(
    "delete_oauth_fast_api_key",
    "DELETE",
    "/oauth/fast-api-key",
    Auth.BEARER,
    t.DeleteOAuthFastApiKeyParams,
    "Delete one of the OAuth user's Fast API keys.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    operation_id="removeFastApikey",
)
UPDATE_OAUTH_FAST_API_KEY: Final[
    Endpoint[t.UpdateOAuthFastApiKeyParams, t.UpdateOAuthFastApiKeyResult]
] = Endpoint(
    "update_oauth_fast_api_key",
    "PUT",
    "/oauth/fast-api-key",
    Auth.BEARER,
    t.UpdateOAuthFastApiKeyParams,
    "Update the name, IP allowlist or permissions of a Fast API key.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    operation_id="updateFastApiKey",
)
LIST_OAUTH_FAST_API_KEYS: Final[
    Endpoint[t.ListOAuthFastApiKeysParams, t.ListOAuthFastApiKeysResult]
] = Endpoint(
    "list_oauth_fast_api_keys",
    "GET",
    "/oauth/fast-api-key",
    Auth.BEARER,
    t.ListOAuthFastApiKeysParams,
    "List the OAuth user's Fast API keys.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    operation_id="listFastApiKey",
)

CATALOGUE: Final[tuple[Endpoint[Any, Any], ...]] = (
    GET_SERVER_TIME,
    GET_SYSTEM_STATUS,
    GET_MAINTENANCE_SCHEDULE,
    GET_ASSET_INFO,
    GET_ASSET_PAIRS,
    GET_TICKER,
    GET_CANDLES,
    GET_ORDER_BOOK,
    GET_GROUPED_BOOK,
    GET_LEVEL3_ORDER_BOOK,
    GET_RECENT_TRADES,
    GET_RECENT_SPREADS,
    GET_ACCOUNT_BALANCE,
    GET_API_KEY_INFO,
    GET_WALLET_ACCOUNTS,
    GET_EXTENDED_BALANCE,
    GET_CREDIT_LINES,
    GET_TRADE_BALANCE,
    GET_OPEN_ORDERS,
    GET_CLOSED_ORDERS,
    GET_ORDERS,
    GET_ORDER_AMENDS,
    GET_TRADES_HISTORY,
    GET_TRADES,
    GET_OPEN_POSITIONS,
    GET_LEDGERS_INFO,
    GET_LEDGERS,
    GET_TRADING_VOLUME,
    REQUEST_LEDGERS_EXPORT,
    GET_LEDGERS_EXPORT_STATUS,
    GET_LEDGERS_EXPORT,
    DELETE_LEDGERS_EXPORT,
    SUBMIT_ORDER,
    AMEND_ORDER,
    EDIT_ORDER,
    CANCEL_ORDER,
    CANCEL_ALL_ORDERS,
    CANCEL_ALL_ORDERS_AFTER,
    GET_WEBSOCKETS_TOKEN,
    SUBMIT_BATCH_ORDERS,
    CANCEL_BATCH_ORDERS,
    GET_DEPOSIT_METHODS,
    GET_DEPOSIT_ADDRESSES,
    GET_DEPOSITS_STATUS,
    GET_WITHDRAWAL_METHODS,
    GET_WITHDRAWAL_ADDRESSES,
    GET_WITHDRAWAL_INFO,
    SUBMIT_WITHDRAWAL,
    GET_WITHDRAWALS_STATUS,
    CANCEL_WITHDRAWAL,
    SUBMIT_TRANSFER_TO_FUTURES,
    CREATE_SUBACCOUNT,
    SUBMIT_SUBACCOUNT_TRANSFER,
    ALLOCATE_EARN_FUNDS,
    DEALLOCATE_EARN_FUNDS,
    GET_EARN_ALLOCATION_STATUS,
    GET_EARN_DEALLOCATION_STATUS,
    GET_EARN_STRATEGIES,
    GET_EARN_ALLOCATIONS,
    GET_PRE_TRADE_DATA,
    GET_POST_TRADE_DATA,
    GET_OAUTH_ACCESS_TOKEN,
    GET_OAUTH_USER_INFO,
    CREATE_OAUTH_FAST_API_KEY,
    DELETE_OAUTH_FAST_API_KEY,
    UPDATE_OAUTH_FAST_API_KEY,
    LIST_OAUTH_FAST_API_KEYS,
)
"""Every Spot endpoint, in the order of api-surface.md 1.1."""

BY_NAME: Final[dict[str, Endpoint[Any, Any]]] = {e.name: e for e in CATALOGUE}
"""Spot endpoints by method name."""

"""Placeholder Spot types (replaced by tools/gen_spot_types.py output)."""

from __future__ import annotations

from typing import Any, TypedDict


class GetServerTimeParams(TypedDict, total=False):
    pass


GetServerTimeResult = Any


class GetSystemStatusParams(TypedDict, total=False):
    pass


GetSystemStatusResult = Any


class GetMaintenanceScheduleParams(TypedDict, total=False):
    pass


GetMaintenanceScheduleResult = Any


class GetAssetInfoParams(TypedDict, total=False):
    pass


GetAssetInfoResult = Any


class GetAssetPairsParams(TypedDict, total=False):
    pass


GetAssetPairsResult = Any


class GetTickerParams(TypedDict, total=False):
    pass


GetTickerResult = Any


class GetCandlesParams(TypedDict, total=False):
    pass


GetCandlesResult = Any


class GetOrderBookParams(TypedDict, total=False):
    pass


GetOrderBookResult = Any


class GetGroupedBookParams(TypedDict, total=False):
    pass


GetGroupedBookResult = Any


class GetLevel3OrderBookParams(TypedDict, total=False):
    pass


GetLevel3OrderBookResult = Any


class GetRecentTradesParams(TypedDict, total=False):
    pass


GetRecentTradesResult = Any


class GetRecentSpreadsParams(TypedDict, total=False):
    pass


GetRecentSpreadsResult = Any


class GetAccountBalanceParams(TypedDict, total=False):
    pass


GetAccountBalanceResult = Any


class GetApiKeyInfoParams(TypedDict, total=False):
    pass


GetApiKeyInfoResult = Any


class GetWalletAccountsParams(TypedDict, total=False):
    pass


GetWalletAccountsResult = Any


class GetExtendedBalanceParams(TypedDict, total=False):
    pass


GetExtendedBalanceResult = Any


class GetCreditLinesParams(TypedDict, total=False):
    pass


GetCreditLinesResult = Any


class GetTradeBalanceParams(TypedDict, total=False):
    pass


GetTradeBalanceResult = Any


class GetOpenOrdersParams(TypedDict, total=False):
    pass


GetOpenOrdersResult = Any


class GetClosedOrdersParams(TypedDict, total=False):
    pass


GetClosedOrdersResult = Any


class GetOrdersParams(TypedDict, total=False):
    pass


GetOrdersResult = Any


class GetOrderAmendsParams(TypedDict, total=False):
    pass


GetOrderAmendsResult = Any


class GetTradesHistoryParams(TypedDict, total=False):
    pass


GetTradesHistoryResult = Any


class GetTradesParams(TypedDict, total=False):
    pass


GetTradesResult = Any


class GetOpenPositionsParams(TypedDict, total=False):
    pass


GetOpenPositionsResult = Any


class GetLedgersInfoParams(TypedDict, total=False):
    pass


GetLedgersInfoResult = Any


class GetLedgersParams(TypedDict, total=False):
    pass


GetLedgersResult = Any


class GetTradingVolumeParams(TypedDict, total=False):
    pass


GetTradingVolumeResult = Any


class RequestLedgersExportParams(TypedDict, total=False):
    pass


RequestLedgersExportResult = Any


class GetLedgersExportStatusParams(TypedDict, total=False):
    pass


GetLedgersExportStatusResult = Any


class GetLedgersExportParams(TypedDict, total=False):
    pass


GetLedgersExportResult = Any


class DeleteLedgersExportParams(TypedDict, total=False):
    pass


DeleteLedgersExportResult = Any


class SubmitOrderParams(TypedDict, total=False):
    pass


SubmitOrderResult = Any


class AmendOrderParams(TypedDict, total=False):
    pass


AmendOrderResult = Any


class EditOrderParams(TypedDict, total=False):
    pass


EditOrderResult = Any


class CancelOrderParams(TypedDict, total=False):
    pass


CancelOrderResult = Any


class CancelAllOrdersParams(TypedDict, total=False):
    pass


CancelAllOrdersResult = Any


class CancelAllOrdersAfterParams(TypedDict, total=False):
    pass


CancelAllOrdersAfterResult = Any


class GetWebsocketsTokenParams(TypedDict, total=False):
    pass


GetWebsocketsTokenResult = Any


class SubmitBatchOrdersParams(TypedDict, total=False):
    pass


SubmitBatchOrdersResult = Any


class CancelBatchOrdersParams(TypedDict, total=False):
    pass


CancelBatchOrdersResult = Any


class GetDepositMethodsParams(TypedDict, total=False):
    pass


GetDepositMethodsResult = Any


class GetDepositAddressesParams(TypedDict, total=False):
    pass


GetDepositAddressesResult = Any


class GetDepositsStatusParams(TypedDict, total=False):
    pass


GetDepositsStatusResult = Any


class GetWithdrawalMethodsParams(TypedDict, total=False):
    pass


GetWithdrawalMethodsResult = Any


class GetWithdrawalAddressesParams(TypedDict, total=False):
    pass


GetWithdrawalAddressesResult = Any


class GetWithdrawalInfoParams(TypedDict, total=False):
    pass


GetWithdrawalInfoResult = Any


class SubmitWithdrawalParams(TypedDict, total=False):
    pass


SubmitWithdrawalResult = Any


class GetWithdrawalsStatusParams(TypedDict, total=False):
    pass


GetWithdrawalsStatusResult = Any


class CancelWithdrawalParams(TypedDict, total=False):
    pass


CancelWithdrawalResult = Any


class SubmitTransferToFuturesParams(TypedDict, total=False):
    pass


SubmitTransferToFuturesResult = Any


class CreateSubaccountParams(TypedDict, total=False):
    pass


CreateSubaccountResult = Any


class SubmitSubaccountTransferParams(TypedDict, total=False):
    pass


SubmitSubaccountTransferResult = Any


class AllocateEarnFundsParams(TypedDict, total=False):
    pass


AllocateEarnFundsResult = Any


class DeallocateEarnFundsParams(TypedDict, total=False):
    pass


DeallocateEarnFundsResult = Any


class GetEarnAllocationStatusParams(TypedDict, total=False):
    pass


GetEarnAllocationStatusResult = Any


class GetEarnDeallocationStatusParams(TypedDict, total=False):
    pass


GetEarnDeallocationStatusResult = Any


class GetEarnStrategiesParams(TypedDict, total=False):
    pass


GetEarnStrategiesResult = Any


class GetEarnAllocationsParams(TypedDict, total=False):
    pass


GetEarnAllocationsResult = Any


class GetPreTradeDataParams(TypedDict, total=False):
    pass


GetPreTradeDataResult = Any


class GetPostTradeDataParams(TypedDict, total=False):
    pass


GetPostTradeDataResult = Any


class GetOAuthAccessTokenParams(TypedDict, total=False):
    pass


GetOAuthAccessTokenResult = Any


class GetOAuthUserInfoParams(TypedDict, total=False):
    pass


GetOAuthUserInfoResult = Any


class CreateOAuthFastApiKeyParams(TypedDict, total=False):
    pass


CreateOAuthFastApiKeyResult = Any


class DeleteOAuthFastApiKeyParams(TypedDict, total=False):
    pass


DeleteOAuthFastApiKeyResult = Any


class UpdateOAuthFastApiKeyParams(TypedDict, total=False):
    pass


UpdateOAuthFastApiKeyResult = Any


class ListOAuthFastApiKeysParams(TypedDict, total=False):
    pass


ListOAuthFastApiKeysResult = Any

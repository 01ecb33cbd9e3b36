"""The Institutional catalogue: Custody and OTC, one :class:`Endpoint` per client method.

Both APIs live on ``https://api.kraken.com`` under ``/0/private`` and use the Spot ``API-Key`` /
``API-Sign`` scheme with the nonce in a JSON body (https://docs.kraken.com/api/docs/guides/
custody-rest-auth; OTC spec ``otc/openapi_v3.yaml``). The seed SDK sends these unsigned; here
every call is signed. Two Custody specifics, from the custody-rest-auth guide and the Custody
reference pages:

* ``id`` (and WithdrawAddresses' ``preferred_asset_name``) travel in the query string, which is
  part of the signed path: ``/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2`` is what the HMAC
  covers (``query_params``).
* ``x-vault-id`` travels as an HTTP header (``header_params``); where it is ``Required`` a call
  without it is refused before any I/O.

Method names follow the seed (api-surface.md 1.3) in snake_case, with its ``VaultbyId`` typo
read as ``vault_by_id``. ``operation_id`` ties OTC entries to Kraken's spec
(``tests/core/test_institutional_coverage.py`` checks every OTC operation has an entry) and
Custody entries to the operation ids of Kraken's Custody reference where we could read them.
Quote requests, acceptances and new deposit addresses are ``retry_safe=False``.
"""

from __future__ import annotations

from typing import Any, Final

from kraken.core.rest.endpoint import Auth, Endpoint, Payload
from kraken.core.rest.institutional import types as t

__all__ = ["BY_NAME", "CATALOGUE", "CUSTODY", "OTC"]

_DOCS = "https://docs.kraken.com/api-reference"
_ID = frozenset({"id"})
_VAULT = frozenset({"x-vault-id"})

# --- Custody: portfolios -------------------------------------------------------------------------

LIST_CUSTODY_VAULTS: Final[Endpoint[t.ListCustodyVaultsParams, t.ListCustodyVaultsResult]] = (
    Endpoint(
        "list_custody_vaults",
        "POST",
        "/0/private/ListCustodyVaults",
        Auth.API_SIGN,
        t.ListCustodyVaultsParams,
        "List the vaults of the custody domain (filters, pagination, orderings).",
        payload=Payload.JSON,
        operation_id="listCustodyVaults",
        doc_url=f"{_DOCS}/portfolios/list-vaults",
    )
)
GET_CUSTODY_VAULT_BY_ID: Final[
    Endpoint[t.GetCustodyVaultByIdParams, t.GetCustodyVaultByIdResult]
] = Endpoint(
    "get_custody_vault_by_id",
    "POST",
    "/0/private/GetCustodyVault",
    Auth.API_SIGN,
    t.GetCustodyVaultByIdParams,
    "Get one vault and the balance of every asset it holds.",
    payload=Payload.JSON,
    query_params=_ID,
)
GET_CUSTODY_DEPOSIT_METHODS: Final[
    Endpoint[t.GetCustodyDepositMethodsParams, t.GetCustodyDepositMethodsResult]
] = Endpoint(
    "get_custody_deposit_methods",
    "POST",
    "/0/private/DepositMethods",
    Auth.API_SIGN,
    t.GetCustodyDepositMethodsParams,
    "Get the funding methods available to deposit an asset into a vault.",
    payload=Payload.JSON,
    header_params=_VAULT,
    operation_id="depositMethods",
    doc_url=f"{_DOCS}/portfolios/get-deposit-methods",
)
GET_CUSTODY_DEPOSIT_ADDRESSES: Final[
    Endpoint[t.GetCustodyDepositAddressesParams, t.GetCustodyDepositAddressesResult]
] = Endpoint(
    "get_custody_deposit_addresses",
    "POST",
    "/0/private/DepositAddresses",
    Auth.API_SIGN,
    t.GetCustodyDepositAddressesParams,
    "Get (or generate, with new) deposit addresses of a vault for an asset and method.",
    payload=Payload.JSON,
    retry_safe=False,
    header_params=_VAULT,
    operation_id="depositAddresses",
    doc_url=f"{_DOCS}/portfolios/get-deposit-addresses",
)
LIST_CUSTODY_TRANSACTIONS: Final[
    Endpoint[t.ListCustodyTransactionsParams, t.ListCustodyTransactionsResult]
] = Endpoint(
    "list_custody_transactions",
    "POST",
    "/0/private/ListCustodyTransactions",
    Auth.API_SIGN,
    t.ListCustodyTransactionsParams,
    "List the transactions of a vault (cursor pagination).",
    payload=Payload.JSON,
    query_params=_ID,
)
GET_CUSTODY_TRANSACTION_BY_ID: Final[
    Endpoint[t.GetCustodyTransactionByIdParams, t.GetCustodyTransactionByIdResult]
] = Endpoint(
    "get_custody_transaction_by_id",
    "POST",
    "/0/private/GetCustodyTransaction",
    Auth.API_SIGN,
    t.GetCustodyTransactionByIdParams,
    "Get one transaction of a vault.",
    payload=Payload.JSON,
    query_params=_ID,
)

# --- Custody: transfers --------------------------------------------------------------------------

GET_CUSTODY_WITHDRAW_METHODS: Final[
    Endpoint[t.GetCustodyWithdrawMethodsParams, t.GetCustodyWithdrawMethodsResult]
] = Endpoint(
    "get_custody_withdraw_methods",
    "POST",
    "/0/private/WithdrawMethods",
    Auth.API_SIGN,
    t.GetCustodyWithdrawMethodsParams,
    "Get the withdrawal methods available to a vault.",
    payload=Payload.JSON,
    header_params=_VAULT,
)
GET_CUSTODY_WITHDRAW_ADDRESSES: Final[
    Endpoint[t.GetCustodyWithdrawAddressesParams, t.GetCustodyWithdrawAddressesResult]
] = Endpoint(
    "get_custody_withdraw_addresses",
    "POST",
    "/0/private/WithdrawAddresses",
    Auth.API_SIGN,
    t.GetCustodyWithdrawAddressesParams,
    "Get the withdrawal addresses of a vault.",
    payload=Payload.JSON,
    header_params=_VAULT,
    query_params=frozenset({"preferred_asset_name"}),
)

# --- Custody: tasks and activities ---------------------------------------------------------------

LIST_CUSTODY_TASKS: Final[Endpoint[t.ListCustodyTasksParams, t.ListCustodyTasksResult]] = Endpoint(
    "list_custody_tasks",
    "POST",
    "/0/private/ListCustodyTasks",
    Auth.API_SIGN,
    t.ListCustodyTasksParams,
    "List the review tasks matching the filters.",
    payload=Payload.JSON,
    operation_id="listCustodyTasks",
    doc_url=f"{_DOCS}/tasks/list-tasks",
)
GET_CUSTODY_TASK_BY_ID: Final[Endpoint[t.GetCustodyTaskByIdParams, t.GetCustodyTaskByIdResult]] = (
    Endpoint(
        "get_custody_task_by_id",
        "POST",
        "/0/private/GetCustodyTask",
        Auth.API_SIGN,
        t.GetCustodyTaskByIdParams,
        "Get one review task by task or approval id.",
        payload=Payload.JSON,
        query_params=_ID,
        operation_id="getCustodyTask",
        doc_url=f"{_DOCS}/tasks/get-task-by-id",
    )
)
LIST_CUSTODY_ACTIVITIES: Final[
    Endpoint[t.ListCustodyActivitiesParams, t.ListCustodyActivitiesResult]
] = Endpoint(
    "list_custody_activities",
    "POST",
    "/0/private/ListCustodyActivities",
    Auth.API_SIGN,
    t.ListCustodyActivitiesParams,
    "List the task activities matching the filters.",
    payload=Payload.JSON,
    doc_url=f"{_DOCS}/tasks/list-activities",
)
GET_CUSTODY_ACTIVITY_BY_ID: Final[
    Endpoint[t.GetCustodyActivityByIdParams, t.GetCustodyActivityByIdResult]
] = Endpoint(
    "get_custody_activity_by_id",
    "POST",
    "/0/private/GetCustodyActivity",
    Auth.API_SIGN,
    t.GetCustodyActivityByIdParams,
    "Get one task activity by id.",
    payload=Payload.JSON,
    query_params=_ID,
    operation_id="getCustodyActivity",
    doc_url=f"{_DOCS}/tasks/get-activity-by-id",
)

# --- OTC -----------------------------------------------------------------------------------------

CREATE_OTC_QUOTE_REQUEST: Final[
    Endpoint[t.CreateOtcQuoteRequestParams, t.CreateOtcQuoteRequestResult]
] = Endpoint(
    "create_otc_quote_request",
    "POST",
    "/0/private/CreateOtcQuoteRequest",
    Auth.API_SIGN,
    t.CreateOtcQuoteRequestParams,
    "Request an OTC quote for an amount of base or a total of quote asset (not both).",
    payload=Payload.JSON,
    retry_safe=False,
    operation_id="createOtcQuoteRequest",
    description="API key permission: Orders and trades - Create & modify orders.",
)
UPDATE_OTC_QUOTE: Final[Endpoint[t.UpdateOtcQuoteParams, t.UpdateOtcQuoteResult]] = Endpoint(
    "update_otc_quote",
    "POST",
    "/0/private/UpdateOtcQuote",
    Auth.API_SIGN,
    t.UpdateOtcQuoteParams,
    "Accept or reject an OTC quote.",
    payload=Payload.JSON,
    retry_safe=False,
    operation_id="updateOtcQuote",
    description="API key permission: Orders and trades - Create & modify orders.",
)
GET_OTC_PAIRS: Final[Endpoint[t.GetOtcPairsParams, t.GetOtcPairsResult]] = Endpoint(
    "get_otc_pairs",
    "POST",
    "/0/private/GetOtcPairs",
    Auth.API_SIGN,
    t.GetOtcPairsParams,
    "List the OTC pairs with their precisions and size limits.",
    payload=Payload.JSON,
    operation_id="getOtcPairs",
)
GET_OTC_ACTIVE_QUOTES: Final[Endpoint[t.GetOtcActiveQuotesParams, t.GetOtcActiveQuotesResult]] = (
    Endpoint(
        "get_otc_active_quotes",
        "POST",
        "/0/private/GetOtcActiveQuotes",
        Auth.API_SIGN,
        t.GetOtcActiveQuotesParams,
        "List the active OTC quotes (optionally of one custody vault).",
        payload=Payload.JSON,
        operation_id="getOtcActiveQuotes",
    )
)
GET_OTC_HISTORICAL_QUOTES: Final[
    Endpoint[t.GetOtcHistoricalQuotesParams, t.GetOtcHistoricalQuotesResult]
] = Endpoint(
    "get_otc_historical_quotes",
    "POST",
    "/0/private/GetOtcHistoricalQuotes",
    Auth.API_SIGN,
    t.GetOtcHistoricalQuotesParams,
    "List past OTC quotes with their acceptance and settlement status.",
    payload=Payload.JSON,
    operation_id="getOtcHistoricalQuotes",
)
GET_OTC_EXPOSURES: Final[Endpoint[t.GetOtcExposuresParams, t.GetOtcExposuresResult]] = Endpoint(
    "get_otc_exposures",
    "POST",
    "/0/private/GetOtcExposures",
    Auth.API_SIGN,
    t.GetOtcExposuresParams,
    "Get the maximum and used OTC and RFQ exposures.",
    payload=Payload.JSON,
    operation_id="getOtcExposures",
)
CHECK_OTC_CLIENT: Final[Endpoint[t.CheckOtcClientParams, t.CheckOtcClientResult]] = Endpoint(
    "check_otc_client",
    "POST",
    "/0/private/CheckOtcClient",
    Auth.API_SIGN,
    t.CheckOtcClientParams,
    "Get the OTC portal permissions of the client.",
    payload=Payload.JSON,
    operation_id="checkOtcClient",
)

CUSTODY: Final[tuple[Endpoint[Any, Any], ...]] = (
    LIST_CUSTODY_VAULTS,
    GET_CUSTODY_VAULT_BY_ID,
    GET_CUSTODY_DEPOSIT_METHODS,
    GET_CUSTODY_DEPOSIT_ADDRESSES,
    LIST_CUSTODY_TRANSACTIONS,
    GET_CUSTODY_TRANSACTION_BY_ID,
    GET_CUSTODY_WITHDRAW_METHODS,
    GET_CUSTODY_WITHDRAW_ADDRESSES,
    LIST_CUSTODY_TASKS,
    GET_CUSTODY_TASK_BY_ID,
    LIST_CUSTODY_ACTIVITIES,
    GET_CUSTODY_ACTIVITY_BY_ID,
)
"""The twelve Custody endpoints, in the order of api-surface.md 1.3."""

OTC: Final[tuple[Endpoint[Any, Any], ...]] = (
    CREATE_OTC_QUOTE_REQUEST,
    UPDATE_OTC_QUOTE,
    GET_OTC_PAIRS,
    GET_OTC_ACTIVE_QUOTES,
    GET_OTC_HISTORICAL_QUOTES,
    GET_OTC_EXPOSURES,
    CHECK_OTC_CLIENT,
)
"""The seven OTC endpoints, in the order of Kraken's OTC spec."""

CATALOGUE: Final[tuple[Endpoint[Any, Any], ...]] = CUSTODY + OTC
"""Every Institutional endpoint: Custody, then OTC."""

BY_NAME: Final[dict[str, Endpoint[Any, Any]]] = {e.name: e for e in CATALOGUE}
"""Institutional endpoints by method name."""

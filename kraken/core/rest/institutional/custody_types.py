"""Hand-written parameter and result types of the twelve Custody REST endpoints."""

# Kraken publishes no Custody spec in kraken-api-specs, so tools/gen_institutional_types.py
# cannot derive these; the generated ``types.py`` re-exports everything defined here.
# Sources: Kraken's Custody REST reference (docs.kraken.com/api-reference/portfolios/...,
# .../tasks/..., spec file /openapi/custody-rest.yaml) for paths, the ``id`` query parameter of
# GetCustodyTask / GetCustodyActivity (required), the ``x-vault-id`` header parameter of the
# deposit and withdrawal endpoints, and the ListCustodyVaults body; the seed SDK
# (api-surface.md 1.3) for the rest, where Kraken's page could not be read in full. ``Required``
# marks only what one of them requires. Results are the ``result`` of Kraken's envelope and are
# ``total=False``: Kraken omits fields freely, and task and activity details vary by action.
#
# No ``from __future__ import annotations``: ``Required`` must be visible at runtime, where
# ``Endpoint`` reads ``__required_keys__``.

from decimal import Decimal
from typing import Any, Literal, Required, TypeAlias, TypedDict

__all__ = [
    "CustodyActivity",
    "CustodyAmount",
    "CustodyAssetBalance",
    "CustodyAssetDetail",
    "CustodyAssetRef",
    "CustodyDepositAddress",
    "CustodyDepositMethod",
    "CustodyFilterAny",
    "CustodyFilterCondition",
    "CustodyFilters",
    "CustodyOrdering",
    "CustodyPagination",
    "CustodyRefIdFilter",
    "CustodyReviewerStatistics",
    "CustodyTask",
    "CustodyTransaction",
    "CustodyTransactionSide",
    "CustodyTransactionSorting",
    "CustodyUser",
    "CustodyVault",
    "CustodyVaultWithAssets",
    "CustodyWithdrawAddress",
    "CustodyWithdrawFee",
    "CustodyWithdrawLimit",
    "CustodyWithdrawLimitInfo",
    "CustodyWithdrawMethod",
    "GetCustodyActivityByIdParams",
    "GetCustodyActivityByIdResult",
    "GetCustodyDepositAddressesParams",
    "GetCustodyDepositAddressesResult",
    "GetCustodyDepositMethodsParams",
    "GetCustodyDepositMethodsResult",
    "GetCustodyTaskByIdParams",
    "GetCustodyTaskByIdResult",
    "GetCustodyTransactionByIdParams",
    "GetCustodyTransactionByIdResult",
    "GetCustodyVaultByIdParams",
    "GetCustodyVaultByIdResult",
    "GetCustodyWithdrawAddressesParams",
    "GetCustodyWithdrawAddressesResult",
    "GetCustodyWithdrawMethodsParams",
    "GetCustodyWithdrawMethodsResult",
    "ListCustodyActivitiesParams",
    "ListCustodyActivitiesResult",
    "ListCustodyTasksParams",
    "ListCustodyTasksResult",
    "ListCustodyTransactionsParams",
    "ListCustodyTransactionsResult",
    "ListCustodyVaultsParams",
    "ListCustodyVaultsResult",
    "TransactionsPage",
]


# --- shared request shapes: filters, pagination, orderings ------------------------------------


class CustodyFilterCondition(TypedDict, total=False):
    """One filter item: ``{"by": "name", "type": "starts_with", "values": ["Ops"]}``.

    ``by`` names the field (vaults: ``id``, ``name``, ``default_approvals``, ``created_at``,
    ``updated_at``, ``member``; tasks and activities add ``vault_id``, ``state``, ``action``,
    ...). ``type`` is ``equals``, ``starts_with``, ``contains`` or ``in`` (a range given by
    ``left`` and ``right``); ``case`` picks case-(in)sensitive name matching.
    """

    by: Required[str]
    type: Required[Literal["equals", "starts_with", "contains", "in"]]
    values: list[str | int]
    case: Literal["insensitive", "sensitive"]
    left: str | int
    right: str | int


CustodyFilterAny = TypedDict("CustodyFilterAny", {"or": list[CustodyFilterCondition]})
"""Filter items of which any may match (``{"or": [...]}``)."""

CustodyFilters = TypedDict("CustodyFilters", {"and": list[CustodyFilterAny]}, total=False)
"""Groups that must all match: ``{"and": [{"or": [...]}, ...]}`` (``{"and": []}`` = all)."""


class CustodyPagination(TypedDict):
    """A page of a list: ``limit`` items after skipping ``offset``."""

    limit: int
    offset: int


class CustodyOrdering(TypedDict, total=False):
    """Sort key: ``{"by": "created_at", "direction": "desc"}``."""

    by: Required[str]
    direction: Literal["asc", "desc"]


CustodyAssetRef = TypedDict("CustodyAssetRef", {"asset": str, "class": str})
"""An asset and its class (``{"asset": "USD", "class": "currency"}``), e.g. a quote asset."""


class CustodyRefIdFilter(TypedDict):
    """A reference id and its kind (``funding``, ``trade``, ``custody_transfer``, ...)."""

    type: str
    ref_id: str


class CustodyTransactionSorting(TypedDict, total=False):
    """Transaction order: ``descending`` (newest first) or ``ascending``."""

    order: Literal["descending", "ascending"]


# --- parameters ---------------------------------------------------------------------------------


class ListCustodyVaultsParams(TypedDict, total=False):
    """Parameters of ``list_custody_vaults`` (``POST /0/private/ListCustodyVaults``)."""

    resolve_policies: bool
    filters: CustodyFilters
    pagination: CustodyPagination
    orderings: list[CustodyOrdering]


class GetCustodyVaultByIdParams(TypedDict, total=False):
    """Parameters of ``get_custody_vault_by_id``: ``id`` travels in the (signed) query string."""

    id: Required[str]


GetCustodyDepositMethodsParams = TypedDict(
    "GetCustodyDepositMethodsParams",
    {
        "x-vault-id": Required[str],
        "asset": str,
        "category": Required[Literal["custody"]],
        "aclass": str,
    },
    total=False,
)
"""Parameters of ``get_custody_deposit_methods``; ``x-vault-id`` travels as an HTTP header."""

GetCustodyDepositAddressesParams = TypedDict(
    "GetCustodyDepositAddressesParams",
    {
        "x-vault-id": Required[str],
        "asset": Required[str],
        "method": Required[str],
        "new": bool,
        "aclass": str,
    },
    total=False,
)
"""Parameters of ``get_custody_deposit_addresses``; ``x-vault-id`` travels as an HTTP header."""


class ListCustodyTransactionsParams(TypedDict, total=False):
    """Parameters of ``list_custody_transactions``: ``id`` (the vault) travels in the query."""

    id: Required[str]
    page_size: int
    quote: CustodyAssetRef
    preferred_asset_name: str
    sorting: CustodyTransactionSorting
    cursor: str
    types: list[str]
    ids: list[str]
    assets: list[CustodyAssetRef]
    ref_ids: list[CustodyRefIdFilter]


class GetCustodyTransactionByIdParams(TypedDict, total=False):
    """Parameters of ``get_custody_transaction_by_id``: ``id`` in the query, the rest in a body."""

    id: Required[str]
    vault_id: Required[str]
    with_long_timeout: bool
    quote: CustodyAssetRef


GetCustodyWithdrawMethodsParams = TypedDict(
    "GetCustodyWithdrawMethodsParams",
    {
        "x-vault-id": Required[str],
        "asset": str,
        "category": Required[Literal["custody"]],
        "aclass": str,
        "network": str,
    },
    total=False,
)
"""Parameters of ``get_custody_withdraw_methods``; ``x-vault-id`` travels as an HTTP header."""

GetCustodyWithdrawAddressesParams = TypedDict(
    "GetCustodyWithdrawAddressesParams",
    {
        "x-vault-id": Required[str],
        "preferred_asset_name": Literal["new", "alt"],
        "aclass": str,
        "asset": str,
        "method": str,
        "key": str,
        "verified": bool,
    },
    total=False,
)
"""Parameters of ``get_custody_withdraw_addresses``: ``x-vault-id`` travels as an HTTP header,
``preferred_asset_name`` in the (signed) query string."""


class ListCustodyTasksParams(TypedDict, total=False):
    """Parameters of ``list_custody_tasks`` (``POST /0/private/ListCustodyTasks``)."""

    filters: CustodyFilters
    pagination: CustodyPagination
    orderings: list[CustodyOrdering]


class GetCustodyTaskByIdParams(TypedDict, total=False):
    """Parameters of ``get_custody_task_by_id``: the task or approval ``id``, in the query."""

    id: Required[str]


class ListCustodyActivitiesParams(TypedDict, total=False):
    """Parameters of ``list_custody_activities`` (``POST /0/private/ListCustodyActivities``)."""

    filters: CustodyFilters
    pagination: CustodyPagination
    orderings: list[CustodyOrdering]


class GetCustodyActivityByIdParams(TypedDict, total=False):
    """Parameters of ``get_custody_activity_by_id``: the activity ``id``, in the query."""

    id: Required[str]


# --- results ------------------------------------------------------------------------------------


class CustodyVault(TypedDict, total=False):
    """A vault; fiat balances are decimal strings (``None`` when not valued)."""

    id: str
    created_at: str
    updated_at: str
    count_assets: int
    status: str
    iiban: str
    deposit_lock_rekeying_only: bool | None
    name: str
    description: str | None
    balance_fiat: str | None
    balance_diff: str | None
    available_balance_fiat: str | None
    otc_enabled: bool


class CustodyAssetBalance(TypedDict, total=False):
    """A quantity of one asset and its USD value (decimal strings)."""

    current_usd_value: str | None
    quantity: str


class CustodyAssetDetail(TypedDict, total=False):
    """One asset held in a vault."""

    asset: str
    current_usd_price: str | None
    available_balance: CustodyAssetBalance
    total_balance: CustodyAssetBalance


class CustodyVaultWithAssets(CustodyVault, total=False):
    """A vault with the balance of every asset it holds."""

    asset_details: list[CustodyAssetDetail]


CustodyDepositMethod = TypedDict(
    "CustodyDepositMethod",
    {
        "method": str,
        "limit": str | bool,
        "fee": str,
        "fee-percentage": str | None,
        "address-setup-fee": str | None,
        "gen-address": bool | None,
        "minimum": str | None,
    },
    total=False,
)
"""A funding method usable to deposit into the vault."""


class CustodyDepositAddress(TypedDict, total=False):
    """A deposit address (``tag`` / ``memo`` where the network needs one)."""

    address: str
    expiretm: str
    memo: str | None
    new: bool | None
    tag: str | None


CustodyAmount = TypedDict("CustodyAmount", {"amount": str, "asset": str, "class": str}, total=False)
"""An exact amount (decimal string) of one asset."""


class CustodyTransactionSide(TypedDict, total=False):
    """What one side of a transaction spent or received, with fees and balances."""

    ledger_id: str | None
    time: str | None
    subtype: str | None
    amount: CustodyAmount
    quoted_amount: CustodyAmount | None
    fee: CustodyAmount | None
    quoted_fee: CustodyAmount | None
    total: CustodyAmount | None
    quoted_total: CustodyAmount | None
    balance: CustodyAmount | None
    wallet: dict[str, Any] | None


class CustodyTransaction(TypedDict, total=False):
    """A vault transaction (deposit, withdrawal, transfer, staking reward, ...)."""

    id: str
    time: str
    type: str
    category: str
    area: str
    status: str | None
    ref_id: str
    ref_id2: str | None
    spend: CustodyTransactionSide | None
    receive: CustodyTransactionSide | None
    details: dict[str, Any] | None


class TransactionsPage(TypedDict, total=False):
    """One page of vault transactions; pass ``next_cursor`` as ``cursor`` for the next."""

    transactions: list[CustodyTransaction]
    stats: dict[str, int] | None
    next_cursor: str | None


class GetCustodyTransactionByIdResult(TypedDict, total=False):
    """Result of ``get_custody_transaction_by_id``.

    ``result_type`` is ``complete``, ``incomplete`` or ``incomplete_requires_long_timeout``
    (then ask again with ``with_long_timeout``).
    """

    transaction: CustodyTransaction
    result_type: str


class CustodyWithdrawLimit(TypedDict, total=False):
    """Remaining and maximum withdrawal amounts."""

    remaining: str | Decimal | int
    maximum: str | Decimal | int


class CustodyWithdrawLimitInfo(TypedDict, total=False):
    """A withdrawal limit and its windows."""

    limit_type: str
    description: str | None
    limits: dict[str, CustodyWithdrawLimit]


class CustodyWithdrawFee(TypedDict, total=False):
    """The fee of a withdrawal method."""

    aclass: str
    asset: str
    fee: str
    fee_percentage: str | None


class CustodyWithdrawMethod(TypedDict, total=False):
    """A withdrawal method (network) of the vault."""

    asset: str
    method_id: str | None
    method: str | None
    network_id: str | None
    network: str | None
    minimum: str | None
    limits: list[CustodyWithdrawLimitInfo] | None
    fee: CustodyWithdrawFee | None


class CustodyWithdrawAddress(TypedDict, total=False):
    """A whitelisted withdrawal address of the vault."""

    address: str | None
    asset: str | None
    method: str | None
    key: str | None
    verified: bool
    memo: str | None
    tag: str | None
    networks: list[str] | None


class CustodyUser(TypedDict, total=False):
    """The user who initiated or reviewed a task."""

    full_name: str | None
    role: str | None
    ip_address: str | None
    iiban: str | None


class CustodyReviewerStatistics(TypedDict, total=False):
    """How reviewers decided on a task so far."""

    current_count: int
    approved: int
    denied: int
    undecided: int


class CustodyTask(TypedDict, total=False):
    """A review task (withdrawal request, policy change, ...); details vary by ``action``."""

    id: str
    approval_id: str
    state: str
    action: str
    can_review: bool
    reviewer_statistics: CustodyReviewerStatistics
    current_user_decision: str
    created_at: str
    updated_at: str
    expires_at: str
    initiator: CustodyUser


class CustodyActivity(TypedDict, total=False):
    """One event in a task's life (created, approved, executed, ...)."""

    id: str
    created_at: str
    type: str
    comment: str | None
    user: CustodyUser
    task: CustodyTask


ListCustodyVaultsResult: TypeAlias = list[CustodyVault] | None
"""Result of ``list_custody_vaults``."""

GetCustodyVaultByIdResult: TypeAlias = CustodyVaultWithAssets | None
"""Result of ``get_custody_vault_by_id``."""

GetCustodyDepositMethodsResult: TypeAlias = list[CustodyDepositMethod] | None
"""Result of ``get_custody_deposit_methods``."""

GetCustodyDepositAddressesResult: TypeAlias = list[CustodyDepositAddress] | None
"""Result of ``get_custody_deposit_addresses``."""

ListCustodyTransactionsResult: TypeAlias = TransactionsPage | None
"""Result of ``list_custody_transactions``."""

GetCustodyWithdrawMethodsResult: TypeAlias = list[CustodyWithdrawMethod] | None
"""Result of ``get_custody_withdraw_methods``."""

GetCustodyWithdrawAddressesResult: TypeAlias = list[CustodyWithdrawAddress] | None
"""Result of ``get_custody_withdraw_addresses``."""

ListCustodyTasksResult: TypeAlias = list[CustodyTask] | None
"""Result of ``list_custody_tasks``."""

GetCustodyTaskByIdResult: TypeAlias = CustodyTask | None
"""Result of ``get_custody_task_by_id``."""

ListCustodyActivitiesResult: TypeAlias = list[CustodyActivity] | None
"""Result of ``list_custody_activities``."""

GetCustodyActivityByIdResult: TypeAlias = CustodyActivity | None
"""Result of ``get_custody_activity_by_id``."""

"""Hand-written parameter and result types of the Kraken Embed and Ramp endpoints."""

# Kraken publishes no OpenAPI file for Embed or Ramp (kraken-api-specs has none), so these are
# typed by hand from Kraken's Embed pages (docs.kraken.com/api/docs/embed-api/<method-name>, the
# Embed guides "first trade" and "custom orders", and Kraken's Ramp reference), falling back to
# the seed SDK's parameter names (api-surface.md 1.4) where no Kraken page was readable here.
#
# Conventions:
# - Every TypedDict is ``total=False``; ``Required`` marks path parameters and the fields Kraken
#   documents as required. A missing one is a KrakenUsageError before any I/O.
# - ``user`` is always the IIBAN of the end user the partner acts for (14-42 characters).
# - Amounts and prices accept ``str``, ``Decimal``, ``int`` or ``float`` and are sent as exact
#   decimal strings (Kraken's Embed schemas type them as decimal strings).
# - Embed replies are plain JSON ``{"result": ...}``; the result types keep that wrapper, as the
#   OAuth results of the Spot client do.
# - List filters (``statuses``, ``types``, ``assets``...) travel as indexed deep-object query
#   parameters (``statuses[0]=active``), the encoding Kraken documents for its partner APIs.
#
# No ``from __future__ import annotations``: ``Required`` must be visible at runtime, where
# ``Endpoint`` reads ``__required_keys__``.

from decimal import Decimal
from typing import Any, Literal, Required, TypeAlias, TypedDict

Amount: TypeAlias = str | Decimal | int | float
"""A decimal quantity; sent as its exact decimal text."""


# --- shared shapes -----------------------------------------------------------------------------


class FullName(TypedDict, total=False):
    """A person's name."""

    first_name: Required[str]
    last_name: Required[str]
    middle_name: str


class Address(TypedDict, total=False):
    """A residential address; ``country`` is an ISO 3166-1 alpha-2 code."""

    line1: Required[str]
    line2: str
    city: Required[str]
    postal_code: Required[str]
    province: str
    country: Required[str]


class TaxId(TypedDict, total=False):
    """A tax identification number and the country that issued it."""

    id: Required[str]
    issuing_country: Required[str]


class ClientIdentifier(TypedDict, total=False):
    """A MiFIR-style client identifier (``type`` e.g. ``"concat"``)."""

    type: str
    value: str
    calculated_at: str


class AssetAmount(TypedDict, total=False):
    """An amount of one asset."""

    asset: Required[str]
    amount: Required[Amount]
    asset_class: str


class QuoteAsset(TypedDict, total=False):
    """The other asset of a quote."""

    asset: Required[str]


class QuoteAction(TypedDict, total=False):
    """What to trade: spend or receive ``amount``, against ``quote``, with optional fees."""

    type: Required[Literal["receive", "spend"]]
    amount: Required[AssetAmount]
    quote: Required[QuoteAsset]
    fee_bps: Amount
    spread_bps: Amount


class PriceTrigger(TypedDict, total=False):
    """Fire when ``base_asset/quote_asset`` is ``gte``/``lte`` ``target_price``."""

    type: Required[Literal["price"]]
    base_asset: Required[str]
    quote_asset: Required[str]
    target_price: Required[Amount]
    condition: Required[Literal["gte", "lte"]]


class QuoteLeg(TypedDict, total=False):
    """One side of a quote: what is spent or received, with fees."""

    asset: str
    total: str
    fee: str
    subtotal: str
    asset_class: str


class UnitPrice(TypedDict, total=False):
    """The price of one unit of ``asset`` in ``denomination_asset``."""

    asset: str
    unit_price: str
    denomination_asset: str
    asset_class: str
    denomination_asset_class: str


class EmbedQuote(TypedDict, total=False):
    """A quote as Kraken returns it."""

    quote_id: str
    type: Literal["receive", "spend"]
    status: str
    expires: str
    spend: QuoteLeg
    receive: QuoteLeg
    unit_price: UnitPrice
    quoted_spend: QuoteLeg
    quoted_receive: QuoteLeg
    quoted_unit_price: UnitPrice


class CustomOrder(TypedDict, total=False):
    """A price-triggered order."""

    id: str
    name: str
    action: dict[str, Any]
    trigger: dict[str, Any]
    created_at: str
    updated_at: str
    status: dict[str, Any]


class EmbedReply(TypedDict, total=False):
    """A plain Embed reply whose result is not typed in detail here."""

    result: Any


# --- users -------------------------------------------------------------------------------------


class CreateEmbedUserParams(TypedDict, total=False):
    """Parameters of ``create_embed_user`` (``POST /b2b/users``)."""

    email: Required[str]
    external_id: Required[str]
    tos_version_accepted: Required[int]
    full_name: Required[FullName]
    date_of_birth: Required[str]
    residence: Required[Address]
    phone: Required[str]
    nationalities: Required[list[str]]
    occupation: Required[str]
    employer_name: str
    client_identifier: ClientIdentifier
    city_of_birth: str
    country_of_birth: str
    tax_ids: list[TaxId]
    language: str


class CreatedUser(TypedDict, total=False):
    """The new user's IIBAN."""

    user: str


class CreateEmbedUserResult(TypedDict, total=False):
    """Result of ``create_embed_user``."""

    result: CreatedUser


class GetEmbedUserParams(TypedDict, total=False):
    """Parameters of ``get_embed_user`` (``GET /b2b/users/{user}``)."""

    user: Required[str]


class EmbedUser(TypedDict, total=False):
    """A user's identity and verification state."""

    user: str
    user_type: str
    status: dict[str, Any]
    created_at: str
    external_id: str


class GetEmbedUserResult(TypedDict, total=False):
    """Result of ``get_embed_user``."""

    result: EmbedUser


class UpdateEmbedUserParams(TypedDict, total=False):
    """Parameters of ``update_embed_user`` (``PATCH /b2b/users/{user}``): profile fields."""

    user: Required[str]
    email: str
    external_id: str
    tos_version_accepted: int
    full_name: FullName
    date_of_birth: str
    residence: Address
    phone: str
    nationalities: list[str]
    occupation: str
    employer_name: str
    client_identifier: ClientIdentifier
    city_of_birth: str
    country_of_birth: str
    tax_ids: list[TaxId]
    language: str


UpdateEmbedUserResult: TypeAlias = EmbedReply
"""Result of ``update_embed_user``."""


# --- verifications -----------------------------------------------------------------------------


class SubmitEmbedVerificationParams(TypedDict, total=False):
    """Parameters of ``submit_embed_verification`` (``POST /b2b/verifications/{user}``).

    Sent as signed JSON. Kraken documents this endpoint as ``multipart/form-data`` with the
    document images as file parts, and its signing guide does not say what ``API-Sign`` covers
    for a multipart body, so file parts are not supported (see docs/partner.md).
    """

    user: Required[str]
    type: Required[str]
    metadata: dict[str, Any]


class SubmittedVerification(TypedDict, total=False):
    """The id of the recorded verification."""

    verification_id: str


class SubmitEmbedVerificationResult(TypedDict, total=False):
    """Result of ``submit_embed_verification``."""

    result: SubmittedVerification


# --- assets ------------------------------------------------------------------------------------


class ListEmbedAssetsParams(TypedDict, total=False):
    """Parameters of ``list_embed_assets`` (``GET /b2b/assets``).

    ``filter`` and ``page`` are objects sent deep-object style (``page[size]=10``).
    """

    filter: dict[str, Any]
    sort: str
    page: dict[str, Any]
    quote: str
    lang: str


ListEmbedAssetsResult: TypeAlias = EmbedReply
"""Result of ``list_embed_assets``."""


class GetEmbedAssetParams(TypedDict, total=False):
    """Parameters of ``get_embed_asset`` (``GET /b2b/assets/{asset}``)."""

    asset: Required[str]
    quote: str
    lang: str


GetEmbedAssetResult: TypeAlias = EmbedReply
"""Result of ``get_embed_asset``."""


class ListEmbedAssetRatesParams(TypedDict, total=False):
    """Parameters of ``list_embed_asset_rates`` (``GET /b2b/assets/{asset}/rates``).

    ``interval`` is an ISO 8601 duration such as ``"PT1H"``.
    """

    asset: Required[str]
    quote: str
    start_time: str
    end_time: str
    interval: str


ListEmbedAssetRatesResult: TypeAlias = EmbedReply
"""Result of ``list_embed_asset_rates``."""


# --- quotes ------------------------------------------------------------------------------------


class RequestEmbedQuoteParams(TypedDict, total=False):
    """Parameters of ``request_embed_quote`` (``POST /b2b/quotes?user=...``)."""

    user: Required[str]
    type: Required[Literal["receive", "spend"]]
    amount: Required[AssetAmount]
    quote: Required[QuoteAsset]
    fee_bps: Amount
    spread_bps: Amount
    quote_currency: str


class EmbedQuoteResult(TypedDict, total=False):
    """A reply holding one quote."""

    result: EmbedQuote


RequestEmbedQuoteResult: TypeAlias = EmbedQuoteResult
"""Result of ``request_embed_quote``."""


class GetEmbedQuoteParams(TypedDict, total=False):
    """Parameters of ``get_embed_quote`` (``GET /b2b/quotes/{quote_id}?user=...``)."""

    quote_id: Required[str]
    user: Required[str]


GetEmbedQuoteResult: TypeAlias = EmbedQuoteResult
"""Result of ``get_embed_quote``."""


class ExecuteEmbedQuoteParams(TypedDict, total=False):
    """Parameters of ``execute_embed_quote`` (``PUT /b2b/quotes/{quote_id}?user=...``)."""

    quote_id: Required[str]
    user: Required[str]


ExecuteEmbedQuoteResult: TypeAlias = EmbedQuoteResult
"""Result of ``execute_embed_quote``."""


class GetEmbedQuoteLimitsParams(TypedDict, total=False):
    """Parameters of ``get_embed_quote_limits`` (``GET /b2b/quotes/limits``)."""

    user: Required[str]
    base_asset: Required[str]
    quote_asset: Required[str]
    quote_type: Literal["receive", "spend"]


GetEmbedQuoteLimitsResult: TypeAlias = EmbedReply
"""Result of ``get_embed_quote_limits``."""


class RequestEmbedProspectiveQuoteParams(TypedDict, total=False):
    """Parameters of ``request_embed_prospective_quote`` (``POST /b2b/quotes/prospective``).

    Indicative pricing only: nothing is reserved. ``user`` travels in the query string.
    """

    user: str
    action: Required[QuoteAction]
    quote_currency: str


RequestEmbedProspectiveQuoteResult: TypeAlias = EmbedReply
"""Result of ``request_embed_prospective_quote``."""


# --- custom orders -----------------------------------------------------------------------------


class CreateEmbedCustomOrderParams(TypedDict, total=False):
    """Parameters of ``create_embed_custom_order`` (``POST /b2b/custom-orders?user=...``)."""

    user: Required[str]
    trigger: Required[PriceTrigger]
    action: Required[QuoteAction]
    name: str


class CustomOrderResult(TypedDict, total=False):
    """A reply holding one custom order."""

    result: dict[str, CustomOrder]


CreateEmbedCustomOrderResult: TypeAlias = CustomOrderResult
"""Result of ``create_embed_custom_order``: ``{"result": {"order": {...}}}``."""


class ListEmbedCustomOrdersParams(TypedDict, total=False):
    """Parameters of ``list_embed_custom_orders`` (``GET /b2b/custom-orders``)."""

    user: Required[str]
    statuses: list[Literal["active", "cancelled", "completed"]]
    cursor: str


class CustomOrderPage(TypedDict, total=False):
    """One page of custom orders."""

    orders: list[CustomOrder]
    next_cursor: str


class ListEmbedCustomOrdersResult(TypedDict, total=False):
    """Result of ``list_embed_custom_orders``."""

    result: CustomOrderPage


class GetEmbedCustomOrderParams(TypedDict, total=False):
    """Parameters of ``get_embed_custom_order`` (``GET /b2b/custom-orders/{order_id}``)."""

    order_id: Required[str]
    user: Required[str]


GetEmbedCustomOrderResult: TypeAlias = CustomOrderResult
"""Result of ``get_embed_custom_order``: ``{"result": {"order": {...}}}``."""


class CancelEmbedCustomOrderParams(TypedDict, total=False):
    """Parameters of ``cancel_embed_custom_order`` (``POST /b2b/custom-orders/{id}/cancel``)."""

    id: Required[str]
    user: Required[str]


CancelEmbedCustomOrderResult: TypeAlias = EmbedReply
"""Result of ``cancel_embed_custom_order``."""


# --- portfolio ---------------------------------------------------------------------------------


class GetEmbedPortfolioSummaryParams(TypedDict, total=False):
    """Parameters of ``get_embed_portfolio_summary`` (``GET /b2b/portfolio/{user}/summary``)."""

    user: Required[str]
    quote: str


GetEmbedPortfolioSummaryResult: TypeAlias = EmbedReply
"""Result of ``get_embed_portfolio_summary``."""


class GetEmbedPortfolioHistoryParams(TypedDict, total=False):
    """Parameters of ``get_embed_portfolio_history`` (``GET /b2b/portfolio/{user}/history``).

    At most 365 points per reply; pass the returned ``next_cursor`` as ``cursor`` for more.
    """

    user: Required[str]
    start_date: str
    end_date: str
    resolution: str
    quote: str
    cursor: str


GetEmbedPortfolioHistoryResult: TypeAlias = EmbedReply
"""Result of ``get_embed_portfolio_history``."""


class ListEmbedPortfolioDetailsParams(TypedDict, total=False):
    """Parameters of ``list_embed_portfolio_details`` (``GET /b2b/portfolio/{user}/details``)."""

    user: Required[str]
    quote: str


ListEmbedPortfolioDetailsResult: TypeAlias = EmbedReply
"""Result of ``list_embed_portfolio_details``."""


class ListEmbedPortfolioTransactionsParams(TypedDict, total=False):
    """Parameters of ``list_embed_portfolio_transactions``.

    ``GET /b2b/portfolio/{user}/transactions``.
    """

    user: Required[str]
    cursor: str
    types: list[str]
    page_size: int
    assets: list[str]
    from_time: str
    until_time: str
    statuses: list[str]
    ids: list[str]
    sorting: Literal["ascending", "descending"]
    ref_ids: list[str]
    quote: str


ListEmbedPortfolioTransactionsResult: TypeAlias = EmbedReply
"""Result of ``list_embed_portfolio_transactions``."""


# --- earn --------------------------------------------------------------------------------------


class GetEmbedEarnSummaryParams(TypedDict, total=False):
    """Parameters of ``get_embed_earn_summary`` (``GET /b2b/earn/{user}``)."""

    user: Required[str]
    currency: str


GetEmbedEarnSummaryResult: TypeAlias = EmbedReply
"""Result of ``get_embed_earn_summary``."""


class ListEmbedEarnAssetsParams(TypedDict, total=False):
    """Parameters of ``list_embed_earn_assets`` (``GET /b2b/earn/assets``).

    With ``user`` set the reply shows that user's allocations, and ``currency`` (the user's
    preferred currency) must be set too.
    """

    assets: list[str]
    user: str
    currency: str


ListEmbedEarnAssetsResult: TypeAlias = EmbedReply
"""Result of ``list_embed_earn_assets``."""


class ToggleEmbedAutoEarnParams(TypedDict, total=False):
    """Parameters of ``toggle_embed_auto_earn`` (``PUT /b2b/earn/{user}/auto?want_enabled=...``)."""

    user: Required[str]
    want_enabled: Required[bool]


ToggleEmbedAutoEarnResult: TypeAlias = EmbedReply
"""Result of ``toggle_embed_auto_earn`` (an empty result on success)."""


# --- transfers ---------------------------------------------------------------------------------


class WithdrawEmbedFundsParams(TypedDict, total=False):
    """Parameters of ``withdraw_embed_funds`` (``POST /b2b/funds/withdrawals``, master only)."""

    asset: Required[str]
    key: Required[str]
    amount: Required[Amount]


WithdrawEmbedFundsResult: TypeAlias = EmbedReply
"""Result of ``withdraw_embed_funds``."""


class ListEmbedFundingTransactionsParams(TypedDict, total=False):
    """Parameters of ``list_embed_funding_transactions`` (``GET /b2b/funds/transactions``)."""

    type: Literal["withdrawal", "deposit"]
    cursor: str
    page_size: int


ListEmbedFundingTransactionsResult: TypeAlias = EmbedReply
"""Result of ``list_embed_funding_transactions``."""


# --- reports -----------------------------------------------------------------------------------


class ListEmbedSettlementReportsParams(TypedDict, total=False):
    """Parameters of ``list_embed_settlement_reports`` (``GET /b2b/reports/settlement``).

    Filter names follow the seed SDK (date range, type, pagination); Kraken's page for this
    endpoint was not readable here, so other filters may be passed as they are documented.
    """

    type: str
    start_date: str
    end_date: str
    cursor: str
    page_size: int


ListEmbedSettlementReportsResult: TypeAlias = EmbedReply
"""Result of ``list_embed_settlement_reports``."""


class GetEmbedSettlementReportParams(TypedDict, total=False):
    """Parameters of ``get_embed_settlement_report`` (``GET /b2b/reports/settlement/{id}``)."""

    id: Required[str]


GetEmbedSettlementReportResult: TypeAlias = EmbedReply
"""Result of ``get_embed_settlement_report``: the report and a download URL."""


# --- ramp --------------------------------------------------------------------------------------


class ListRampBuyCryptoAssetsParams(TypedDict, total=False):
    """Parameters of ``list_ramp_buy_crypto_assets`` (``GET /b2b/ramp/buy/crypto``): none."""


ListRampBuyCryptoAssetsResult: TypeAlias = EmbedReply
"""Result of ``list_ramp_buy_crypto_assets``."""


class ListRampFiatCurrenciesParams(TypedDict, total=False):
    """Parameters of ``list_ramp_fiat_currencies`` (``GET /b2b/ramp/fiat-currencies``): none."""


ListRampFiatCurrenciesResult: TypeAlias = EmbedReply
"""Result of ``list_ramp_fiat_currencies``."""


class ListRampPaymentMethodsParams(TypedDict, total=False):
    """Parameters of ``list_ramp_payment_methods`` (``GET /b2b/ramp/payment-methods``): none."""


ListRampPaymentMethodsResult: TypeAlias = EmbedReply
"""Result of ``list_ramp_payment_methods``."""


class ListRampCountriesParams(TypedDict, total=False):
    """Parameters of ``list_ramp_countries`` (``GET /b2b/ramp/countries``): none."""


ListRampCountriesResult: TypeAlias = EmbedReply
"""Result of ``list_ramp_countries``."""


class GetRampLimitsParams(TypedDict, total=False):
    """Parameters of ``get_ramp_limits`` (``GET /b2b/ramp/limits``).

    ``in_*`` is the fiat side the user deposits, ``out_*`` the crypto side they receive.
    """

    in_asset: str
    in_method: str
    out_asset: str
    out_method: str
    country: str
    subdivision: str


GetRampLimitsResult: TypeAlias = EmbedReply
"""Result of ``get_ramp_limits``: per-leg and combined minimums and maximums."""


class GetRampProspectiveQuoteParams(TypedDict, total=False):
    """Parameters of ``get_ramp_prospective_quote`` (``GET /b2b/ramp/quotes/prospective``)."""

    in_asset: str
    in_method: str
    in_amount: Amount
    out_asset: str
    out_method: str
    country: str
    subdivision: str
    network: str
    affiliate_fee_bps: Amount


GetRampProspectiveQuoteResult: TypeAlias = EmbedReply
"""Result of ``get_ramp_prospective_quote``."""


class GetRampCheckoutUrlParams(TypedDict, total=False):
    """Parameters of ``get_ramp_checkout_url`` (``GET /b2b/ramp/checkout``).

    ``external_metadata`` is free text (for example JSON) echoed back to the partner.
    """

    in_asset: Required[str]
    in_method: Required[str]
    in_amount: Required[Amount]
    out_asset: str
    out_method: str
    country: str
    subdivision: str
    network: str
    wallet_address: str
    memo: str
    affiliate_fee_bps: Amount
    redirect_url: str
    failure_url: str
    external_user_id: str
    external_partner_id: str
    external_transaction_id: str
    external_metadata: str


class RampCheckout(TypedDict, total=False):
    """The URL to send the user to, and the request as Kraken understood it."""

    checkout_url: str
    request_data: dict[str, Any]


class GetRampCheckoutUrlResult(TypedDict, total=False):
    """Result of ``get_ramp_checkout_url``."""

    result: RampCheckout

"""The Embed + Ramp catalogue: one :class:`Endpoint` per PartnerClient method (api-surface.md 1.4).

Kraken Embed (white-label trading for partners) and Kraken Ramp (fiat on-ramp) share one host,
``https://nexus.kraken.com`` (https://docs.kraken.com/api/docs/guides/embed-rest-auth; the seed
SDK's ``embed.kraken.com`` is an older name), and one signing scheme, :attr:`Auth.EMBED`:
``API-Key``, ``API-Nonce`` and ``API-Sign`` headers, the query string signed with the path, and
a GET's hash taken over the nonce alone.

Verbs and paths follow Kraken's Embed reference pages (``doc_url``) where they differ from the
seed SDK: ``cancel_embed_custom_order`` is ``POST /b2b/custom-orders/{id}/cancel``, Ramp's
limits, prospective quote and checkout take ``in_asset/in_method/out_asset/out_method`` (the
seed's ``funding_type``/``withdrawal_method`` are not Kraken's names). ``user`` is the IIBAN of
the end user the partner acts for: a path parameter where Kraken's path has ``{user}``, otherwise
a query parameter (``POST /b2b/quotes?user=...``, signed with the path). Replies are plain JSON,
``{"result": ...}`` on success and an HTTP error status with Kraken's error strings otherwise,
so every entry uses :attr:`Reply.JSON`. Embed calls do not touch the Spot call counter
(``cost=0``); trades, withdrawals and user creation are never retried automatically.
"""

from __future__ import annotations

from typing import Any, Final

from kraken.core.rest.endpoint import Auth, Endpoint, Payload, Reply
from kraken.core.rest.partner import types as t

__all__ = ["BY_NAME", "CATALOGUE"]

# Kraken's Embed reference pages are named after the method (verified for the user, quote,
# verification, custom order, portfolio and report pages).
_DOCS = "https://docs.kraken.com/api/docs/embed-api/"
_RAMP_DOCS = "https://docs.kraken.com/api/docs/embed-api"

CREATE_EMBED_USER: Final[Endpoint[t.CreateEmbedUserParams, t.CreateEmbedUserResult]] = Endpoint(
    "create_embed_user",
    "POST",
    "/b2b/users",
    Auth.EMBED,
    t.CreateEmbedUserParams,
    "Create an Embed user; returns the new user's IIBAN.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    retry_safe=False,
    doc_url=_DOCS + "create-embed-user",
)
GET_EMBED_USER: Final[Endpoint[t.GetEmbedUserParams, t.GetEmbedUserResult]] = Endpoint(
    "get_embed_user",
    "GET",
    "/b2b/users/{user}",
    Auth.EMBED,
    t.GetEmbedUserParams,
    "Get a user's identity and verification status.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-user",
)
UPDATE_EMBED_USER: Final[Endpoint[t.UpdateEmbedUserParams, t.UpdateEmbedUserResult]] = Endpoint(
    "update_embed_user",
    "PATCH",
    "/b2b/users/{user}",
    Auth.EMBED,
    t.UpdateEmbedUserParams,
    "Update an existing user's profile.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "update-embed-user",
)
SUBMIT_EMBED_VERIFICATION: Final[
    Endpoint[t.SubmitEmbedVerificationParams, t.SubmitEmbedVerificationResult]
] = Endpoint(
    "submit_embed_verification",
    "POST",
    "/b2b/verifications/{user}",
    Auth.EMBED,
    t.SubmitEmbedVerificationParams,
    "Submit a verification performed on a user (JSON metadata only; see the notes).",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    retry_safe=False,
    doc_url=_DOCS + "submit-embed-verification",
)
LIST_EMBED_ASSETS: Final[Endpoint[t.ListEmbedAssetsParams, t.ListEmbedAssetsResult]] = Endpoint(
    "list_embed_assets",
    "GET",
    "/b2b/assets",
    Auth.EMBED,
    t.ListEmbedAssetsParams,
    "List the assets Embed offers, with market data.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-assets",
)
GET_EMBED_ASSET: Final[Endpoint[t.GetEmbedAssetParams, t.GetEmbedAssetResult]] = Endpoint(
    "get_embed_asset",
    "GET",
    "/b2b/assets/{asset}",
    Auth.EMBED,
    t.GetEmbedAssetParams,
    "Get one asset's details and market data.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-asset",
)
LIST_EMBED_ASSET_RATES: Final[
    Endpoint[t.ListEmbedAssetRatesParams, t.ListEmbedAssetRatesResult]
] = Endpoint(
    "list_embed_asset_rates",
    "GET",
    "/b2b/assets/{asset}/rates",
    Auth.EMBED,
    t.ListEmbedAssetRatesParams,
    "List an asset's historical rates over a time range.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-asset-rates",
)
REQUEST_EMBED_QUOTE: Final[Endpoint[t.RequestEmbedQuoteParams, t.RequestEmbedQuoteResult]] = (
    Endpoint(
        "request_embed_quote",
        "POST",
        "/b2b/quotes",
        Auth.EMBED,
        t.RequestEmbedQuoteParams,
        "Request a price quote for a user's trade.",
        payload=Payload.JSON,
        reply=Reply.JSON,
        cost=0,
        retry_safe=False,
        query_params=frozenset({"user"}),
        doc_url=_DOCS + "request-embed-quote",
    )
)
GET_EMBED_QUOTE: Final[Endpoint[t.GetEmbedQuoteParams, t.GetEmbedQuoteResult]] = Endpoint(
    "get_embed_quote",
    "GET",
    "/b2b/quotes/{quote_id}",
    Auth.EMBED,
    t.GetEmbedQuoteParams,
    "Get a quote and its status.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-quote",
)
EXECUTE_EMBED_QUOTE: Final[Endpoint[t.ExecuteEmbedQuoteParams, t.ExecuteEmbedQuoteResult]] = (
    Endpoint(
        "execute_embed_quote",
        "PUT",
        "/b2b/quotes/{quote_id}",
        Auth.EMBED,
        t.ExecuteEmbedQuoteParams,
        "Execute a previously requested quote.",
        payload=Payload.JSON,
        reply=Reply.JSON,
        cost=0,
        retry_safe=False,
        query_params=frozenset({"user"}),
        doc_url=_DOCS + "execute-embed-quote",
    )
)
GET_EMBED_QUOTE_LIMITS: Final[
    Endpoint[t.GetEmbedQuoteLimitsParams, t.GetEmbedQuoteLimitsResult]
] = Endpoint(
    "get_embed_quote_limits",
    "GET",
    "/b2b/quotes/limits",
    Auth.EMBED,
    t.GetEmbedQuoteLimitsParams,
    "Get the minimum and maximum trade amounts for a user and pair.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-quote-limits",
)
REQUEST_EMBED_PROSPECTIVE_QUOTE: Final[
    Endpoint[t.RequestEmbedProspectiveQuoteParams, t.RequestEmbedProspectiveQuoteResult]
] = Endpoint(
    "request_embed_prospective_quote",
    "POST",
    "/b2b/quotes/prospective",
    Auth.EMBED,
    t.RequestEmbedProspectiveQuoteParams,
    "Preview indicative pricing without reserving anything.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    query_params=frozenset({"user"}),
    doc_url=_DOCS + "request-embed-prospective-quote",
)
CREATE_EMBED_CUSTOM_ORDER: Final[
    Endpoint[t.CreateEmbedCustomOrderParams, t.CreateEmbedCustomOrderResult]
] = Endpoint(
    "create_embed_custom_order",
    "POST",
    "/b2b/custom-orders",
    Auth.EMBED,
    t.CreateEmbedCustomOrderParams,
    "Create a price-triggered custom order for a user.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    retry_safe=False,
    query_params=frozenset({"user"}),
    doc_url=_DOCS + "create-embed-custom-order",
)
LIST_EMBED_CUSTOM_ORDERS: Final[
    Endpoint[t.ListEmbedCustomOrdersParams, t.ListEmbedCustomOrdersResult]
] = Endpoint(
    "list_embed_custom_orders",
    "GET",
    "/b2b/custom-orders",
    Auth.EMBED,
    t.ListEmbedCustomOrdersParams,
    "List a user's custom orders.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-custom-orders",
)
GET_EMBED_CUSTOM_ORDER: Final[
    Endpoint[t.GetEmbedCustomOrderParams, t.GetEmbedCustomOrderResult]
] = Endpoint(
    "get_embed_custom_order",
    "GET",
    "/b2b/custom-orders/{order_id}",
    Auth.EMBED,
    t.GetEmbedCustomOrderParams,
    "Get one custom order.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-custom-order",
)
CANCEL_EMBED_CUSTOM_ORDER: Final[
    Endpoint[t.CancelEmbedCustomOrderParams, t.CancelEmbedCustomOrderResult]
] = Endpoint(
    "cancel_embed_custom_order",
    "POST",
    "/b2b/custom-orders/{id}/cancel",
    Auth.EMBED,
    t.CancelEmbedCustomOrderParams,
    "Cancel a custom order that has not completed.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    query_params=frozenset({"user"}),
    doc_url=_DOCS + "cancel-embed-custom-order",
)
GET_EMBED_PORTFOLIO_SUMMARY: Final[
    Endpoint[t.GetEmbedPortfolioSummaryParams, t.GetEmbedPortfolioSummaryResult]
] = Endpoint(
    "get_embed_portfolio_summary",
    "GET",
    "/b2b/portfolio/{user}/summary",
    Auth.EMBED,
    t.GetEmbedPortfolioSummaryParams,
    "Get a user's portfolio value summary.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-portfolio-summary",
)
GET_EMBED_PORTFOLIO_HISTORY: Final[
    Endpoint[t.GetEmbedPortfolioHistoryParams, t.GetEmbedPortfolioHistoryResult]
] = Endpoint(
    "get_embed_portfolio_history",
    "GET",
    "/b2b/portfolio/{user}/history",
    Auth.EMBED,
    t.GetEmbedPortfolioHistoryParams,
    "Get a user's historical balances and valuations.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-portfolio-history",
)
LIST_EMBED_PORTFOLIO_DETAILS: Final[
    Endpoint[t.ListEmbedPortfolioDetailsParams, t.ListEmbedPortfolioDetailsResult]
] = Endpoint(
    "list_embed_portfolio_details",
    "GET",
    "/b2b/portfolio/{user}/details",
    Auth.EMBED,
    t.ListEmbedPortfolioDetailsParams,
    "List the assets a user owns, with balances and values.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-portfolio-details",
)
LIST_EMBED_PORTFOLIO_TRANSACTIONS: Final[
    Endpoint[t.ListEmbedPortfolioTransactionsParams, t.ListEmbedPortfolioTransactionsResult]
] = Endpoint(
    "list_embed_portfolio_transactions",
    "GET",
    "/b2b/portfolio/{user}/transactions",
    Auth.EMBED,
    t.ListEmbedPortfolioTransactionsParams,
    "List a user's portfolio transactions.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-portfolio-transactions",
)
GET_EMBED_EARN_SUMMARY: Final[
    Endpoint[t.GetEmbedEarnSummaryParams, t.GetEmbedEarnSummaryResult]
] = Endpoint(
    "get_embed_earn_summary",
    "GET",
    "/b2b/earn/{user}",
    Auth.EMBED,
    t.GetEmbedEarnSummaryParams,
    "Get a user's Earn summary.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-earn-summary",
)
LIST_EMBED_EARN_ASSETS: Final[
    Endpoint[t.ListEmbedEarnAssetsParams, t.ListEmbedEarnAssetsResult]
] = Endpoint(
    "list_embed_earn_assets",
    "GET",
    "/b2b/earn/assets",
    Auth.EMBED,
    t.ListEmbedEarnAssetsParams,
    "List the assets available for Earn.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-earn-assets",
)
TOGGLE_EMBED_AUTO_EARN: Final[
    Endpoint[t.ToggleEmbedAutoEarnParams, t.ToggleEmbedAutoEarnResult]
] = Endpoint(
    "toggle_embed_auto_earn",
    "PUT",
    "/b2b/earn/{user}/auto",
    Auth.EMBED,
    t.ToggleEmbedAutoEarnParams,
    "Turn Auto-Earn on or off for a user.",
    payload=Payload.JSON,
    reply=Reply.JSON,
    cost=0,
    query_params=frozenset({"want_enabled"}),
    doc_url=_DOCS + "toggle-embed-auto-earn",
)
WITHDRAW_EMBED_FUNDS: Final[Endpoint[t.WithdrawEmbedFundsParams, t.WithdrawEmbedFundsResult]] = (
    Endpoint(
        "withdraw_embed_funds",
        "POST",
        "/b2b/funds/withdrawals",
        Auth.EMBED,
        t.WithdrawEmbedFundsParams,
        "Withdraw funds from the partner's master account.",
        payload=Payload.JSON,
        reply=Reply.JSON,
        cost=0,
        retry_safe=False,
        doc_url=_DOCS + "withdraw-embed-funds",
    )
)
LIST_EMBED_FUNDING_TRANSACTIONS: Final[
    Endpoint[t.ListEmbedFundingTransactionsParams, t.ListEmbedFundingTransactionsResult]
] = Endpoint(
    "list_embed_funding_transactions",
    "GET",
    "/b2b/funds/transactions",
    Auth.EMBED,
    t.ListEmbedFundingTransactionsParams,
    "List the master account's deposits and withdrawals.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-funding-transactions",
)
LIST_EMBED_SETTLEMENT_REPORTS: Final[
    Endpoint[t.ListEmbedSettlementReportsParams, t.ListEmbedSettlementReportsResult]
] = Endpoint(
    "list_embed_settlement_reports",
    "GET",
    "/b2b/reports/settlement",
    Auth.EMBED,
    t.ListEmbedSettlementReportsParams,
    "List settlement reports.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "list-embed-settlement-reports",
)
GET_EMBED_SETTLEMENT_REPORT: Final[
    Endpoint[t.GetEmbedSettlementReportParams, t.GetEmbedSettlementReportResult]
] = Endpoint(
    "get_embed_settlement_report",
    "GET",
    "/b2b/reports/settlement/{id}",
    Auth.EMBED,
    t.GetEmbedSettlementReportParams,
    "Get a settlement report and its download URL.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_DOCS + "get-embed-settlement-report",
)
LIST_RAMP_BUY_CRYPTO_ASSETS: Final[
    Endpoint[t.ListRampBuyCryptoAssetsParams, t.ListRampBuyCryptoAssetsResult]
] = Endpoint(
    "list_ramp_buy_crypto_assets",
    "GET",
    "/b2b/ramp/buy/crypto",
    Auth.EMBED,
    t.ListRampBuyCryptoAssetsParams,
    "List the crypto assets Ramp can buy.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_RAMP_DOCS,
)
LIST_RAMP_FIAT_CURRENCIES: Final[
    Endpoint[t.ListRampFiatCurrenciesParams, t.ListRampFiatCurrenciesResult]
] = Endpoint(
    "list_ramp_fiat_currencies",
    "GET",
    "/b2b/ramp/fiat-currencies",
    Auth.EMBED,
    t.ListRampFiatCurrenciesParams,
    "List the fiat currencies Ramp accepts.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_RAMP_DOCS,
)
LIST_RAMP_PAYMENT_METHODS: Final[
    Endpoint[t.ListRampPaymentMethodsParams, t.ListRampPaymentMethodsResult]
] = Endpoint(
    "list_ramp_payment_methods",
    "GET",
    "/b2b/ramp/payment-methods",
    Auth.EMBED,
    t.ListRampPaymentMethodsParams,
    "List Ramp's payment methods.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_RAMP_DOCS,
)
LIST_RAMP_COUNTRIES: Final[Endpoint[t.ListRampCountriesParams, t.ListRampCountriesResult]] = (
    Endpoint(
        "list_ramp_countries",
        "GET",
        "/b2b/ramp/countries",
        Auth.EMBED,
        t.ListRampCountriesParams,
        "List the countries (and subdivisions) Ramp serves.",
        payload=Payload.QUERY,
        reply=Reply.JSON,
        cost=0,
        doc_url=_RAMP_DOCS,
    )
)
GET_RAMP_LIMITS: Final[Endpoint[t.GetRampLimitsParams, t.GetRampLimitsResult]] = Endpoint(
    "get_ramp_limits",
    "GET",
    "/b2b/ramp/limits",
    Auth.EMBED,
    t.GetRampLimitsParams,
    "Get Ramp's deposit and withdrawal limits for a route.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_RAMP_DOCS,
)
GET_RAMP_PROSPECTIVE_QUOTE: Final[
    Endpoint[t.GetRampProspectiveQuoteParams, t.GetRampProspectiveQuoteResult]
] = Endpoint(
    "get_ramp_prospective_quote",
    "GET",
    "/b2b/ramp/quotes/prospective",
    Auth.EMBED,
    t.GetRampProspectiveQuoteParams,
    "Preview a Ramp transaction's amounts without reserving liquidity.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    cost=0,
    doc_url=_RAMP_DOCS,
)
GET_RAMP_CHECKOUT_URL: Final[Endpoint[t.GetRampCheckoutUrlParams, t.GetRampCheckoutUrlResult]] = (
    Endpoint(
        "get_ramp_checkout_url",
        "GET",
        "/b2b/ramp/checkout",
        Auth.EMBED,
        t.GetRampCheckoutUrlParams,
        "Get the hosted checkout URL to send a user to.",
        payload=Payload.QUERY,
        reply=Reply.JSON,
        cost=0,
        doc_url=_RAMP_DOCS,
    )
)

CATALOGUE: Final[tuple[Endpoint[Any, Any], ...]] = (
    CREATE_EMBED_USER,
    GET_EMBED_USER,
    UPDATE_EMBED_USER,
    SUBMIT_EMBED_VERIFICATION,
    LIST_EMBED_ASSETS,
    GET_EMBED_ASSET,
    LIST_EMBED_ASSET_RATES,
    REQUEST_EMBED_QUOTE,
    GET_EMBED_QUOTE,
    EXECUTE_EMBED_QUOTE,
    GET_EMBED_QUOTE_LIMITS,
    REQUEST_EMBED_PROSPECTIVE_QUOTE,
    CREATE_EMBED_CUSTOM_ORDER,
    LIST_EMBED_CUSTOM_ORDERS,
    GET_EMBED_CUSTOM_ORDER,
    CANCEL_EMBED_CUSTOM_ORDER,
    GET_EMBED_PORTFOLIO_SUMMARY,
    GET_EMBED_PORTFOLIO_HISTORY,
    LIST_EMBED_PORTFOLIO_DETAILS,
    LIST_EMBED_PORTFOLIO_TRANSACTIONS,
    GET_EMBED_EARN_SUMMARY,
    LIST_EMBED_EARN_ASSETS,
    TOGGLE_EMBED_AUTO_EARN,
    WITHDRAW_EMBED_FUNDS,
    LIST_EMBED_FUNDING_TRANSACTIONS,
    LIST_EMBED_SETTLEMENT_REPORTS,
    GET_EMBED_SETTLEMENT_REPORT,
    LIST_RAMP_BUY_CRYPTO_ASSETS,
    LIST_RAMP_FIAT_CURRENCIES,
    LIST_RAMP_PAYMENT_METHODS,
    LIST_RAMP_COUNTRIES,
    GET_RAMP_LIMITS,
    GET_RAMP_PROSPECTIVE_QUOTE,
    GET_RAMP_CHECKOUT_URL,
)
"""Every Embed and Ramp endpoint, in the order of api-surface.md 1.4."""

BY_NAME: Final[dict[str, Endpoint[Any, Any]]] = {e.name: e for e in CATALOGUE}
"""Embed and Ramp endpoints by method name."""

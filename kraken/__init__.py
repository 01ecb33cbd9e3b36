"""kraken: one Python SDK for every Kraken API, sync, asyncio and trio.

Quick start::

    import kraken

    with kraken.SpotClient() as client:
        print(client.get_ticker({"pair": "XBTUSD"}))

Clients are imported lazily, so ``import kraken`` stays cheap until a client is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kraken._version import __version__
from kraken.core.errors import (
    AuthenticationError,
    FundingError,
    InsufficientFundsError,
    InvalidArgumentsError,
    InvalidNonceError,
    InvalidTokenError,
    KrakenAPIError,
    KrakenAPIWarning,
    KrakenDeprecationWarning,
    KrakenError,
    KrakenTimeoutError,
    KrakenTransportError,
    KrakenUsageError,
    LocalRateLimitError,
    MissingCredentialsError,
    OrderNotAcceptedError,
    OrderOutcomeUnknownError,
    OrderRejectedError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    TemporaryLockoutError,
    UnknownAssetPairError,
)

if TYPE_CHECKING:
    from kraken.clients._async.affiliate import AsyncAffiliateClient
    from kraken.clients._async.derivatives import AsyncDerivativesClient
    from kraken.clients._async.institutional import AsyncInstitutionalClient
    from kraken.clients._async.partner import AsyncPartnerClient
    from kraken.clients._async.spot import AsyncSpotClient
    from kraken.clients._async.websocket import AsyncWebsocketClient
    from kraken.clients._async.ws_api import AsyncWebsocketAPIClient
    from kraken.clients._sync.affiliate import AffiliateClient
    from kraken.clients._sync.derivatives import DerivativesClient
    from kraken.clients._sync.institutional import InstitutionalClient
    from kraken.clients._sync.partner import PartnerClient
    from kraken.clients._sync.spot import SpotClient
    from kraken.clients._sync.websocket import WebsocketClient
    from kraken.clients._sync.ws_api import WebsocketAPIClient
    from kraken.clients.ids import generate_new_order_id
    from kraken.core.ws.keys import WS_KEY_MAP, WsKey

__all__ = [
    "AsyncWebsocketAPIClient",
    "WebsocketAPIClient",
    "WS_KEY_MAP",
    "AsyncWebsocketClient",
    "WebsocketClient",
    "WsKey",
    "AffiliateClient",
    "AsyncAffiliateClient",
    "AsyncDerivativesClient",
    "AsyncInstitutionalClient",
    "AsyncPartnerClient",
    "AsyncSpotClient",
    "AuthenticationError",
    "DerivativesClient",
    "FundingError",
    "InstitutionalClient",
    "InsufficientFundsError",
    "InvalidArgumentsError",
    "InvalidNonceError",
    "InvalidTokenError",
    "KrakenAPIError",
    "KrakenAPIWarning",
    "KrakenDeprecationWarning",
    "KrakenError",
    "KrakenTimeoutError",
    "KrakenTransportError",
    "KrakenUsageError",
    "LocalRateLimitError",
    "MissingCredentialsError",
    "OrderNotAcceptedError",
    "OrderOutcomeUnknownError",
    "OrderRejectedError",
    "PartnerClient",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "SpotClient",
    "TemporaryLockoutError",
    "UnknownAssetPairError",
    "__version__",
    "generate_new_order_id",
]

_LAZY = {
    "SpotClient": "kraken.clients._sync.spot",
    "AsyncSpotClient": "kraken.clients._async.spot",
    "generate_new_order_id": "kraken.clients.ids",
    "InstitutionalClient": "kraken.clients._sync.institutional",
    "AsyncInstitutionalClient": "kraken.clients._async.institutional",
    "AffiliateClient": "kraken.clients._sync.affiliate",
    "AsyncAffiliateClient": "kraken.clients._async.affiliate",
    "DerivativesClient": "kraken.clients._sync.derivatives",
    "AsyncDerivativesClient": "kraken.clients._async.derivatives",
    "PartnerClient": "kraken.clients._sync.partner",
    "AsyncPartnerClient": "kraken.clients._async.partner",
    "WebsocketClient": "kraken.clients._sync.websocket",
    "WebsocketAPIClient": "kraken.clients._sync.ws_api",
    "AsyncWebsocketAPIClient": "kraken.clients._async.ws_api",
    "AsyncWebsocketClient": "kraken.clients._async.websocket",
    "WS_KEY_MAP": "kraken.core.ws.keys",
    "WsKey": "kraken.core.ws.keys",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kraken' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

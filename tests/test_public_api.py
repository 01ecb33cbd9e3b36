"""The public face: every name the issues promise resolves from ``import kraken``."""

from __future__ import annotations

import subprocess
import sys

import kraken

PROMISED = [
    "SpotClient",
    "AsyncSpotClient",
    "DerivativesClient",
    "AsyncDerivativesClient",
    "InstitutionalClient",
    "AsyncInstitutionalClient",
    "PartnerClient",
    "AsyncPartnerClient",
    "AffiliateClient",
    "AsyncAffiliateClient",
    "WebsocketClient",
    "AsyncWebsocketClient",
    "WS_KEY_MAP",
    "KrakenError",
    "KrakenAPIError",
    "KrakenUsageError",
    "KrakenTransportError",
    "AuthenticationError",
    "InvalidNonceError",
    "RateLimitError",
    "InsufficientFundsError",
    "ServiceUnavailableError",
    "InvalidArgumentsError",
    "generate_new_order_id",
]


def test_every_promised_name_is_exported() -> None:
    for name in PROMISED:
        assert name in kraken.__all__
        assert getattr(kraken, name) is not None


def test_every_ws_key_of_the_seed_and_the_unified_websocket() -> None:
    keys = {k.value for k in kraken.WS_KEY_MAP}
    assert keys == {
        "spotPublicV2",
        "spotPrivateV2",
        "spotL3V2",
        "spotBetaPublicV2",
        "spotBetaPrivateV2",
        "derivativesPublicV1",
        "derivativesPrivateV1",
        "unifiedPublicV2",
        "unifiedPrivateV2",
    }


def test_import_kraken_stays_light() -> None:
    code = "import sys, kraken; print(any(m.startswith(('httpx', 'websockets', 'anyio')) for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

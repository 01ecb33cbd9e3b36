"""Every Kraken WebSocket the SDK connects to, by key: URL, protocol family, auth, topics.

Keys keep the seed SDK's names (``"spotPublicV2"``...) and add the Unified WebSocket
(https://docs.kraken.com/exchange/api-reference/unified-websocket): the replacement for the
Derivatives WebSocket, which Kraken decommissions on 2027-03-01. It speaks the Spot v2 message
format and authenticates with a Spot ``GetWebSocketsToken`` token.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kraken.core.errors import KrakenUsageError

__all__ = [
    "WS_KEY_MAP",
    "Family",
    "WsKey",
    "WsKeyInfo",
    "key_info",
    "resolve_key",
]


class WsKey(enum.StrEnum):
    """The WebSocket keys (the seed's camelCase names); each equals its own name as a string."""

    spotPublicV2 = "spotPublicV2"
    spotPrivateV2 = "spotPrivateV2"
    spotL3V2 = "spotL3V2"
    spotBetaPublicV2 = "spotBetaPublicV2"
    spotBetaPrivateV2 = "spotBetaPrivateV2"
    derivativesPublicV1 = "derivativesPublicV1"
    derivativesPrivateV1 = "derivativesPrivateV1"
    unifiedPublicV2 = "unifiedPublicV2"
    unifiedPrivateV2 = "unifiedPrivateV2"


WS_KEY_MAP = WsKey
"""Seed-compatible alias: ``WS_KEY_MAP.spotPublicV2 == "spotPublicV2"``."""


class Family(enum.Enum):
    """The wire protocol a key speaks."""

    V2 = "v2"
    """Spot WebSocket v2 format (also the Unified WebSocket): ``method``/``params``/``req_id``."""
    FUTURES = "futures"
    """Derivatives WebSocket v1: ``event``/``feed``/``product_ids``, challenge auth."""


_SPOT_PUBLIC = ("ticker", "book", "ohlc", "trade", "instrument")
_SPOT_PRIVATE = ("executions", "balances")
_FUTURES_PUBLIC = ("ticker", "ticker_lite", "book", "trade", "heartbeat")
_FUTURES_PRIVATE = (
    "open_orders",
    "open_orders_verbose",
    "fills",
    "balances",
    "open_positions",
    "account_log",
    "notifications_auth",
)


@dataclass(frozen=True, slots=True)
class WsKeyInfo:
    """What the SDK knows about one key.

    Attributes:
        key: the key.
        url: the production URL.
        family: wire protocol.
        private: needs authentication (a token in each request, or the futures challenge).
        topics: the channels or feeds that may be subscribed on this key.
        testnet_url: the retired Futures demo URL, for ``testnet=True``.
    """

    key: WsKey
    url: str
    family: Family
    private: bool
    topics: tuple[str, ...]
    testnet_url: str | None = None

    @property
    def token_auth(self) -> bool:
        """True when private requests carry a ``GetWebSocketsToken`` token."""
        return self.private and self.family is Family.V2

    @property
    def challenge_auth(self) -> bool:
        """True when private requests carry the signed futures challenge."""
        return self.private and self.family is Family.FUTURES


_DEMO = "wss://demo-futures.kraken.com/ws/v1"
_INFOS = {
    info.key: info
    for info in (
        WsKeyInfo(WsKey.spotPublicV2, "wss://ws.kraken.com/v2", Family.V2, False, _SPOT_PUBLIC),
        WsKeyInfo(
            WsKey.spotPrivateV2, "wss://ws-auth.kraken.com/v2", Family.V2, True, _SPOT_PRIVATE
        ),
        WsKeyInfo(WsKey.spotL3V2, "wss://ws-l3.kraken.com/v2", Family.V2, True, ("level3",)),
        WsKeyInfo(
            WsKey.spotBetaPublicV2, "wss://beta-ws.kraken.com/v2", Family.V2, False, _SPOT_PUBLIC
        ),
        WsKeyInfo(
            WsKey.spotBetaPrivateV2,
            "wss://beta-ws-auth.kraken.com/v2",
            Family.V2,
            True,
            _SPOT_PRIVATE,
        ),
        WsKeyInfo(
            WsKey.derivativesPublicV1,
            "wss://futures.kraken.com/ws/v1",
            Family.FUTURES,
            False,
            _FUTURES_PUBLIC,
            _DEMO,
        ),
        WsKeyInfo(
            WsKey.derivativesPrivateV1,
            "wss://futures.kraken.com/ws/v1",
            Family.FUTURES,
            True,
            _FUTURES_PRIVATE,
            _DEMO,
        ),
        WsKeyInfo(
            WsKey.unifiedPublicV2,
            "wss://uws.kraken.com/v2/public",
            Family.V2,
            False,
            _SPOT_PUBLIC,
        ),
        WsKeyInfo(
            WsKey.unifiedPrivateV2,
            "wss://uws.kraken.com/v2/private",
            Family.V2,
            True,
            _SPOT_PRIVATE,
        ),
    )
}


def resolve_key(key: object) -> WsKey:
    """The :class:`WsKey` for ``key`` (a member or its name), or a usage error listing them."""
    try:
        return WsKey(str(key))
    except ValueError:
        valid = ", ".join(k.value for k in WsKey)
        raise KrakenUsageError(f"Unknown WebSocket key {key!r}; valid keys: {valid}.") from None


def key_info(key: object) -> WsKeyInfo:
    """Everything about one key (see :class:`WsKeyInfo`)."""
    return _INFOS[resolve_key(key)]

"""Kraken's HMAC signing schemes, as pure functions over the exact bytes sent.

Spot (and every API-Sign family endpoint: custody, OTC, Pay), from
https://docs.kraken.com/api/docs/guides/spot-rest-auth:
``API-Sign = b64(HMAC-SHA512(b64decode(secret), path || SHA256(nonce || body)))``.

The *message* is everything the HMAC covers; a custom signer (``custom_sign_message_fn``) receives
exactly these bytes, so an HSM or remote service only ever performs the HMAC step.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["HmacSha512Signer", "futures_message", "spot_message"]


def spot_message(path: str, nonce: int | str, body: bytes) -> bytes:
    """The bytes a Spot-style ``API-Sign`` covers: ``path || SHA256(str(nonce) || body)``.

    ``path`` starts at ``/0/private`` and includes any query string; ``body`` is the exact request
    body sent (form or JSON).
    """
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    return path.encode() + inner


def futures_message(post_data: str, nonce: str, endpoint_path: str) -> bytes:
    """The bytes a Futures ``Authent`` covers: ``SHA256(postData || nonce || endpointPath)``.

    The WebSocket challenge uses the same rule with the challenge text alone as ``post_data``
    (https://docs.kraken.com/api/docs/guides/futures-rest and .../futures-websockets).
    """
    return hashlib.sha256((post_data + nonce + endpoint_path).encode()).digest()


class HmacSha512Signer:
    """Default signer: HMAC-SHA512 keyed once with the decoded secret, base64 output.

    Keying once and copying the prepared state per call saves about a quarter of the cost of
    ``hmac.new`` per signature (see bench/ and ../shared/reference/peers.md 4.2).
    """

    __slots__ = ("_keyed",)

    def __init__(self, secret: bytes) -> None:
        self._keyed = hmac.new(secret, digestmod=hashlib.sha512)

    def __call__(self, message: bytes) -> str:
        """Return the base64 HMAC-SHA512 of ``message``."""
        mac = self._keyed.copy()
        mac.update(message)
        return base64.b64encode(mac.digest()).decode()

    def __repr__(self) -> str:
        return "HmacSha512Signer(<keyed>)"

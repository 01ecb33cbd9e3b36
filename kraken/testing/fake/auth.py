"""The fake exchange's Futures authentication checks, written from Kraken's text alone.

It shares no code with :mod:`kraken.core.auth` (a test that signs with the SDK and checks here
catches the signer's bugs instead of repeating them). From
https://docs.kraken.com/api/docs/guides/futures-rest and
https://docs.kraken.com/api/docs/guides/futures-websockets::

    Authent = base64( HMAC-SHA512( base64decode(secret), SHA256(postData + Nonce + endpointPath) ) )
    signed_challenge = base64( HMAC-SHA512( base64decode(secret), SHA256(challenge) ) )

``postData`` is the query string followed by the body, both exactly as sent; ``endpointPath``
is the URL path without the ``/derivatives`` prefix. Spot ``API-Sign`` is checked by
:class:`kraken.testing.verify.SpotAuthVerifier`, which is independent in the same way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping

from kraken.testing.verify import MAX_NONCE, StrictNonceBook

__all__ = ["FuturesAuth", "futures_digest_signature"]

_NONCE_TEXT = re.compile(r"0|[1-9][0-9]*")


def futures_digest_signature(secret: bytes, message: str) -> str:
    """base64(HMAC-SHA512(secret, SHA256(message))): the Futures REST and WS signature."""
    digest = hashlib.sha256(message.encode("utf-8")).digest()
    return base64.b64encode(hmac.new(secret, digest, hashlib.sha512).digest()).decode("ascii")


class FuturesAuth:
    """Futures keys, their nonce book, and the two checks (REST ``Authent``, WS challenge).

    Args:
        keys: API key -> base64 secret.
        nonce_window: how far below the highest nonce an unseen nonce may be (0: strict).

    Raises:
        ValueError: a secret is not base64 (the message names the key, never the secret).
    """

    def __init__(self, keys: Mapping[str, str], nonce_window: int = 0) -> None:
        self._secrets: dict[str, bytes] = {}
        for api_key, secret in keys.items():
            try:
                self._secrets[api_key] = base64.b64decode(secret, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"the secret of futures key {api_key!r} is not base64") from exc
        self.nonce_book = StrictNonceBook(window=nonce_window)

    def knows(self, api_key: str | None) -> bool:
        """True for a configured key."""
        return api_key is not None and api_key in self._secrets

    def check_rest(
        self, headers: Mapping[str, str], path: str, query: str, body: bytes
    ) -> tuple[str | None, str]:
        """Check ``APIKey``/``Nonce``/``Authent`` (lower-case header names).

        Returns ``(api_key, "")`` when authentic and the nonce fresh, else ``(None, code)``
        with Kraken's code: ``authenticationError``, ``nonceBelowThreshold`` or
        ``nonceDuplicate``. A forged request never consumes a nonce.
        """
        api_key = headers.get("apikey")
        secret = self._secrets.get(api_key or "")
        if api_key is None or secret is None:
            return None, "authenticationError"
        nonce = headers.get("nonce", "")
        if nonce and (not _NONCE_TEXT.fullmatch(nonce) or int(nonce) > MAX_NONCE):
            return None, "authenticationError"
        try:
            post_data = query + body.decode("utf-8")
        except UnicodeDecodeError:
            return None, "authenticationError"
        endpoint = path.removeprefix("/derivatives") if path.startswith("/derivatives/") else path
        expected = futures_digest_signature(secret, post_data + nonce + endpoint)
        received = headers.get("authent", "")
        if not hmac.compare_digest(expected.encode(), received.encode("utf-8", "replace")):
            return None, "authenticationError"
        if nonce and not self.nonce_book.accept(api_key, int(nonce)):
            duplicate = int(nonce) == self.nonce_book.highest(api_key)
            return None, "nonceDuplicate" if duplicate else "nonceBelowThreshold"
        return api_key, ""

    def check_challenge(self, api_key: str, challenge: str, signed: str) -> bool:
        """True when ``signed`` is the key's signature of ``challenge``."""
        secret = self._secrets.get(api_key)
        if secret is None:
            return False
        expected = futures_digest_signature(secret, challenge)
        return hmac.compare_digest(expected.encode(), signed.encode("utf-8", "replace"))

    def __repr__(self) -> str:
        return f"FuturesAuth(keys=<{len(self._secrets)} redacted>)"

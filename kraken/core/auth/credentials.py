"""API credentials: validated at construction, redacted in every repr, never echoed."""

from __future__ import annotations

import base64
import binascii
import hashlib

from kraken.core.errors import KrakenUsageError

__all__ = ["Credentials", "key_fingerprint"]

_HEADER_UNSAFE = frozenset("\r\n\x00")


def key_fingerprint(api_key: str) -> str:
    """A short, non-reversible name for a key: the first 8 bytes of SHA-256, as 16 hex chars.

    Used wherever the SDK must tell keys apart (nonce registry, logs) without showing them.
    """
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


class Credentials:
    """An API key and its base64 secret.

    The secret is decoded once, here, so that a wrong secret fails at construction with a
    message that never contains it. ``repr``/``str`` show only the key's fingerprint.

    Args:
        api_key: the public API key, sent as the ``API-Key`` header.
        api_secret: the base64 private key Kraken showed when the key was created. It may be
            ``None`` when a custom signer (an HSM, a KMS, a remote service) holds the secret.
    """

    __slots__ = ("_api_key", "_api_secret", "_secret_bytes", "fingerprint")

    def __init__(self, api_key: str, api_secret: str | None) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise KrakenUsageError("api_key must be a non-empty string.")
        if _HEADER_UNSAFE & set(api_key) or api_key != api_key.strip():
            raise KrakenUsageError(
                "api_key contains whitespace or control characters; copy it again without them."
            )
        self._api_key = api_key
        self._api_secret = api_secret
        self._secret_bytes = _decode_secret(api_secret) if api_secret is not None else None
        self.fingerprint = key_fingerprint(api_key)

    @property
    def api_key(self) -> str:
        """The public API key (sent as a header; still kept out of reprs and logs)."""
        return self._api_key

    @property
    def api_secret(self) -> str | None:
        """The base64 secret as given, or ``None`` when a custom signer holds it."""
        return self._api_secret

    @property
    def secret_bytes(self) -> bytes | None:
        """The decoded secret, the HMAC key; ``None`` when a custom signer holds it."""
        return self._secret_bytes

    def __repr__(self) -> str:
        secret = "<set>" if self._api_secret is not None else "<custom signer>"
        return f"Credentials(api_key=<redacted {self.fingerprint}>, api_secret={secret})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Credentials cannot be pickled: that would write the secret out.")


def _decode_secret(api_secret: object) -> bytes:
    if not isinstance(api_secret, str) or not api_secret.strip():
        raise KrakenUsageError("api_secret must be a non-empty base64 string.")
    try:
        decoded = base64.b64decode(api_secret.strip(), validate=True)
    except (binascii.Error, ValueError):
        # `from None`: the decoder's own message and the traceback's locals stay out of view.
        raise KrakenUsageError(
            f"api_secret is not valid base64 ({len(api_secret)} characters given). Use the "
            "'Private Key' Kraken showed when the API key was created; the secret is not "
            "shown here."
        ) from None
    if not decoded:
        raise KrakenUsageError("api_secret decodes to zero bytes; use the key's full private key.")
    return decoded

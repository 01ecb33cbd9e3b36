"""Kraken Connect (OAuth 2.0) helpers: authorization URLs with state, RSA keys, client secrets.

The token exchange, refresh, userinfo and Fast API key endpoints are methods of
:class:`~kraken.SpotClient` (``get_oauth_access_token``, ``get_oauth_user_info``,
``create_oauth_fast_api_key`` ...); this module holds what happens around them:

- :func:`build_authorization_url`: the URL to send the user to, with a fresh random ``state``;
  :func:`parse_authorization_response` checks the state on the way back and returns the code.
- :func:`generate_rsa_key_pair` and :func:`decrypt_client_secret`: a confidential client gives
  Kraken an RSA public key (2048 bits or more, PEM) and receives its client secret encrypted
  with it, base64-encoded; Kraken's guide decrypts it with ``openssl rsautl -decrypt``, whose
  padding is PKCS#1 v1.5 (https://docs.kraken.com/api/docs/oauth/kraken-connect).
- :func:`fast_api_key_credentials`: a created Fast API key as ``SpotClient`` options.

The RSA helpers need the optional ``cryptography`` package (``pip install "kraken[oauth]"``);
without it they raise :class:`~kraken.KrakenUsageError` saying so, and everything else here
still works.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Iterable
from typing import Literal

from kraken.core.errors import KrakenUsageError
from kraken.core.oauth import (
    LANGUAGES,
    SCOPES,
    FastApiKeyCredentials,
    Theme,
    authorization_url,
    fast_api_key_credentials,
    parse_authorization_response,
)

__all__ = [
    "LANGUAGES",
    "SCOPES",
    "FastApiKeyCredentials",
    "Padding",
    "build_authorization_url",
    "decrypt_client_secret",
    "fast_api_key_credentials",
    "generate_rsa_key_pair",
    "parse_authorization_response",
]

Padding = Literal["pkcs1v15", "oaep-sha1", "oaep-sha256"]
"""RSA decryption padding: ``pkcs1v15`` is what ``openssl rsautl -decrypt`` (Kraken's guide)
uses; the OAEP variants are there in case Kraken's provisioning ever switches."""

_MIN_BITS = 2048  # Kraken asks for "2048+ bits" (kraken-connect page)
_MAX_BITS = 16384
_STATE_BYTES = 32  # 256 bits of entropy, URL-safe base64 (43 characters)
_INSTALL_HINT = 'install the optional dependency with: pip install "kraken[oauth]"'


def build_authorization_url(
    client_id: str,
    redirect_uri: str,
    scope: str | Iterable[str] | None,
    *,
    state: str | None = None,
    language: str | None = None,
    prefer_theme: Theme | None = None,
    validate_scope: bool = True,
) -> tuple[str, str]:
    """The Kraken Connect authorization URL and the ``state`` it carries.

    Without ``state`` a fresh one is drawn from :mod:`secrets` (256 bits). Keep it with the
    user's session and hand it to :func:`parse_authorization_response` when Kraken redirects
    back. Arguments are those of :func:`kraken.core.oauth.authorization_url`.

    Returns:
        ``(url, state)``.

    Raises:
        KrakenUsageError: an empty argument, or an unknown scope, language or theme.
    """
    if state is None:
        state = secrets.token_urlsafe(_STATE_BYTES)
    url = authorization_url(
        client_id,
        redirect_uri,
        scope,
        state=state,
        language=language,
        prefer_theme=prefer_theme,
        validate_scope=validate_scope,
    )
    return url, state


def _require_cryptography(purpose: str) -> None:
    """Fail with a clear usage error when the optional ``cryptography`` package is missing."""
    try:
        import cryptography.hazmat.primitives.asymmetric.rsa  # noqa: F401
    except ImportError as exc:
        raise KrakenUsageError(
            f"{purpose} needs the 'cryptography' package, which is not installed; {_INSTALL_HINT}."
        ) from exc


def _password(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None:
        return None
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    if not isinstance(passphrase, bytes) or not passphrase:
        raise KrakenUsageError("passphrase must be a non-empty str or bytes, or None.")
    return passphrase


def generate_rsa_key_pair(
    bits: int = 2048, *, passphrase: str | bytes | None = None
) -> tuple[str, str]:
    """A new RSA key pair for a confidential Kraken Connect client.

    Send the public key to Kraken (PEM ``BEGIN PUBLIC KEY``, as ``openssl rsa -pubout`` writes
    it); keep the private key to decrypt the client secret Kraken returns.

    Args:
        bits: key size, at least 2048 (Kraken's minimum; its guide uses 4096).
        passphrase: encrypt the private key PEM with it (Kraken's guide encrypts with AES-128);
            ``None`` writes it unencrypted.

    Returns:
        ``(private_pem, public_pem)``: PKCS#8 private key and SubjectPublicKeyInfo public key.

    Raises:
        KrakenUsageError: ``bits`` out of range, or ``cryptography`` is not installed.
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or not _MIN_BITS <= bits <= _MAX_BITS:
        raise KrakenUsageError(
            f"bits must be an int from {_MIN_BITS} to {_MAX_BITS} (Kraken requires 2048 or "
            f"more), not {bits!r}."
        )
    password = _password(passphrase)
    _require_cryptography("generate_rsa_key_pair()")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password is not None
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private_pem, public_pem


def decrypt_client_secret(
    encrypted_b64: str,
    private_pem: str | bytes,
    *,
    passphrase: str | bytes | None = None,
    padding: Padding = "pkcs1v15",
) -> str:
    """Decrypt the client secret Kraken issued to a confidential client.

    The equivalent of Kraken's ``echo -n "<secret>" | base64 -d | openssl rsautl -decrypt
    -inkey private.pem``. Use the result as ``client_secret`` for ``get_oauth_access_token``.

    Args:
        encrypted_b64: the base64 text Kraken sent (whitespace and line breaks are ignored).
        private_pem: the PEM private key whose public half Kraken used.
        passphrase: the private key's passphrase, if it is encrypted.
        padding: ``"pkcs1v15"`` (``rsautl``'s default, Kraken's guide), ``"oaep-sha1"`` or
            ``"oaep-sha256"``.

    Raises:
        KrakenUsageError: the text is not base64, the key cannot be loaded (or the passphrase
            is wrong or missing), the key is not RSA, decryption fails, or ``cryptography`` is
            not installed. Messages never include the key or the secret.
    """
    if not isinstance(encrypted_b64, str):
        raise KrakenUsageError("encrypted_b64 must be the base64 text Kraken sent (a str).")
    try:
        ciphertext = base64.b64decode("".join(encrypted_b64.split()), validate=True)
    except (binascii.Error, ValueError):
        raise KrakenUsageError("encrypted_b64 is not valid base64.") from None
    if not ciphertext:
        raise KrakenUsageError("encrypted_b64 is empty.")
    if padding not in ("pkcs1v15", "oaep-sha1", "oaep-sha256"):
        raise KrakenUsageError(
            f"padding must be 'pkcs1v15', 'oaep-sha1' or 'oaep-sha256', not {padding!r}."
        )
    password = _password(passphrase)
    _require_cryptography("decrypt_client_secret()")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding as paddings
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = private_pem.encode() if isinstance(private_pem, str) else private_pem
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError) as exc:
        # cryptography says TypeError for a missing or unexpected passphrase, ValueError for
        # bad data or a wrong passphrase; its text names no key material, but keep ours generic.
        reason = (
            "pass passphrase= exactly when the key is encrypted"
            if isinstance(exc, TypeError)
            else "it is not a PEM private key, or the passphrase is wrong"
        )
        raise KrakenUsageError(f"could not load the private key: {reason}.") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KrakenUsageError("the private key is not an RSA key.")
    scheme: paddings.AsymmetricPadding
    if padding == "pkcs1v15":
        scheme = paddings.PKCS1v15()
    else:
        digest = hashes.SHA1() if padding == "oaep-sha1" else hashes.SHA256()  # noqa: S303
        scheme = paddings.OAEP(mgf=paddings.MGF1(algorithm=digest), algorithm=digest, label=None)
    try:
        plaintext: bytes = key.decrypt(ciphertext, scheme)
        # OpenSSL's implicit rejection may turn a PKCS#1 v1.5 failure into random bytes: those
        # are almost never UTF-8, and a real client secret always is.
        return plaintext.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise KrakenUsageError(
            "could not decrypt the client secret: wrong private key, or a padding other than "
            f"{padding!r}."
        ) from None

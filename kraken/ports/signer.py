"""The signer port: replace the HMAC step with your own (an HSM, a KMS, a remote service)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

__all__ = ["SignMessageFn"]

SignMessageFn = Callable[[bytes, "str | None"], "str | Awaitable[str]"]
"""``custom_sign_message_fn(message, api_secret) -> base64 signature`` (sync or async).

``message`` is exactly the bytes the HMAC-SHA512 must cover (for Spot: the URI path followed by
SHA256(nonce + body)); ``api_secret`` is the base64 secret given to the client, or ``None`` when
the secret lives only inside your signer. Return the base64-encoded HMAC-SHA512 digest, as text.
The SDK never calls it for public endpoints and calls it once per signed request.
"""

"""Kraken Embed signing drafts: nonce in ``API-Nonce``, query signed together with the path.

From https://docs.kraken.com/api/docs/guides/embed-rest-auth: ``API-Sign = base64(HMAC-SHA512(
base64decode(secret), path_with_query || SHA256(nonce || body)))`` with the nonce sent as the
``API-Nonce`` header instead of a body field; a GET has no body, so only the nonce is hashed.
The body is compact JSON and is signed exactly as sent.
"""

from __future__ import annotations

from kraken.core.auth.signing import spot_message
from kraken.core.rest.values import Request

__all__ = ["EmbedDraft"]


class EmbedDraft:
    """A validated, encoded Embed request waiting for its nonce and signature."""

    __slots__ = ("_body", "_headers", "_method", "_url", "endpoint", "signed_path")

    def __init__(
        self,
        endpoint: str,
        method: str,
        url: str,
        signed_path: str,
        body: bytes,
        headers: dict[str, str],
    ) -> None:
        self.endpoint = endpoint
        self.signed_path = signed_path
        self._method = method
        self._url = url
        self._body = body
        self._headers = headers

    def signing_input(self, nonce: int) -> tuple[bytes, bytes]:
        """The body (the nonce travels in ``API-Nonce``) and ``path || SHA256(nonce || body)``."""
        return self._body, spot_message(self.signed_path, nonce, self._body)

    def finish(self, nonce: int, body: bytes, api_key: str, signature: str) -> Request:
        """The final request with ``API-Key``, ``API-Nonce`` and ``API-Sign`` headers."""
        headers = dict(self._headers)
        headers["API-Key"] = api_key
        headers["API-Nonce"] = str(nonce)
        headers["API-Sign"] = signature
        return Request(self._method, self._url, headers, body, self.endpoint)

    def __repr__(self) -> str:
        return f"EmbedDraft(endpoint={self.endpoint!r}, signed_path={self.signed_path!r})"

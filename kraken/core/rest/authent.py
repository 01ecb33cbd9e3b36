"""Kraken Futures ``Authent`` signing drafts: postData + nonce + path, hashed then HMAC'd.

From https://docs.kraken.com/api/docs/guides/futures-rest: ``Authent = base64(HMAC-SHA512(
base64decode(secret), SHA256(postData + Nonce + endpointPath)))``. Since 20 February 2024
``postData`` is the URL-encoded query or body *exactly as sent* (``hello%20world``, not
``hello world``). ``endpointPath`` drops the ``/derivatives`` prefix of trading endpoints but
keeps ``/api/history/v3/...``, ``/api/charts/v1/...`` and the other API roots whole.
"""

from __future__ import annotations

from kraken.core.auth.signing import futures_message
from kraken.core.rest.values import Request

__all__ = ["AuthentDraft", "authent_path"]

_UNSIGNED_PREFIX = "/derivatives"


def authent_path(path: str) -> str:
    """The ``endpointPath`` Kraken hashes: the URL path without ``/derivatives``."""
    return path.removeprefix(_UNSIGNED_PREFIX) if path.startswith(_UNSIGNED_PREFIX + "/") else path


class AuthentDraft:
    """A validated, encoded Futures request waiting for its nonce and ``Authent``."""

    __slots__ = ("_body", "_headers", "_method", "_post_data", "_url", "endpoint", "signed_path")

    def __init__(
        self,
        endpoint: str,
        method: str,
        url: str,
        path: str,
        query: str,
        body: bytes,
        headers: dict[str, str],
    ) -> None:
        self.endpoint = endpoint
        self.signed_path = authent_path(path)
        self._method = method
        self._url = url
        self._body = body
        # postData is the encoded query string plus the encoded body, as they travel.
        self._post_data = query + body.decode()
        self._headers = headers

    def signing_input(self, nonce: int) -> tuple[bytes, bytes]:
        """The body (the nonce travels in a header) and ``SHA256(postData + nonce + path)``."""
        return self._body, futures_message(self._post_data, str(nonce), self.signed_path)

    def finish(self, nonce: int, body: bytes, api_key: str, signature: str) -> Request:
        """The final request with ``APIKey``, ``Nonce`` and ``Authent`` headers."""
        headers = dict(self._headers)
        headers["APIKey"] = api_key
        headers["Nonce"] = str(nonce)
        headers["Authent"] = signature
        return Request(self._method, self._url, headers, body, self.endpoint)

    def __repr__(self) -> str:
        return f"AuthentDraft(endpoint={self.endpoint!r}, signed_path={self.signed_path!r})"

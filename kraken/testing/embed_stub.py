"""A Kraken Embed-shaped stub (starlette) with an independent check of Embed request signing.

Written from Kraken's text alone (https://docs.kraken.com/api/docs/guides/embed-rest-auth) and,
on purpose, sharing no code with :mod:`kraken.core.auth` or :mod:`kraken.core.rest`: a test that
signs with the SDK and is checked here catches the signer's bugs instead of repeating them.

The rule, over the exact bytes received::

    API-Sign = base64( HMAC-SHA512( key = base64decode(secret),
                                    msg = path_with_query || SHA256( str(nonce) || body ) ) )

with the nonce taken from the ``API-Nonce`` header (never from the body), ``path_with_query``
the request target exactly as sent (percent-encoding kept, ``?query`` included when there is
one) and, for a GET, the hash taken over the nonce alone. Nonces must rise strictly per key
(or within the key's nonce window).

Every ``/b2b/...`` route, any method, answers an authentic request with HTTP 200 and
``{"result": {"method", "path", "query", "body", "nonce", "kraken_version"}}`` (the JSON body as
parsed, ``None`` when empty), and a rejected one with HTTP 401 and
``{"error": ["EAPI:Invalid key" | "EAPI:Invalid signature" | "EAPI:Invalid nonce"]}``
(HTTP 400 and ``EGeneral:Invalid arguments`` for a body that is not JSON). Serve it on loopback
with :class:`~kraken.testing.loopback.LoopbackServer`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kraken.testing.verify import (
    INVALID_ARGUMENTS,
    INVALID_KEY,
    INVALID_NONCE,
    INVALID_SIGNATURE,
    MAX_NONCE,
    StrictNonceBook,
    Verdict,
)

__all__ = ["EmbedAuthVerifier", "embed_nonce_book", "embed_stub_app", "expected_embed_signature"]

# Canonical unsigned decimal only, so the header text and str(nonce) in the hash cannot differ.
_NONCE_TEXT = re.compile(r"0|[1-9][0-9]*\Z")
_ANY = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def expected_embed_signature(
    secret: str | bytes, method: str, path_with_query: str, nonce: int | str, body: bytes
) -> str:
    """Recompute ``API-Sign`` for one Embed request, from the rule in the module docstring."""
    key = base64.b64decode(secret, validate=True) if isinstance(secret, str) else secret
    hashed = str(nonce).encode("ascii") + (b"" if method.upper() == "GET" else body)
    inner = hashlib.sha256(hashed).digest()
    mac = hmac.new(key, path_with_query.encode("utf-8") + inner, hashlib.sha512).digest()
    return base64.b64encode(mac).decode("ascii")


class EmbedAuthVerifier:
    """Checks Embed requests against known keys and a :class:`StrictNonceBook`.

    Order of checks, each with its own error: the key is known (``EAPI:Invalid key``), the
    ``API-Nonce`` header is a canonical unsigned 64-bit decimal (``EAPI:Invalid nonce``), a GET
    carries no body (``EGeneral:Invalid arguments``), the signature matches in constant time
    (``EAPI:Invalid signature``), and only then the nonce is fresh (``EAPI:Invalid nonce``), so
    a forged request never consumes a nonce.

    Args:
        keys: API key -> base64 secret. Secrets are decoded once here.
        nonce_book: where nonces are checked and recorded; a strict one by default.

    Raises:
        ValueError: a secret is not valid base64 (the message names the key, not the secret).
    """

    def __init__(
        self, keys: Mapping[str, str], *, nonce_book: StrictNonceBook | None = None
    ) -> None:
        secrets: dict[str, bytes] = {}
        for api_key, secret in keys.items():
            try:
                secrets[api_key] = base64.b64decode(secret, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"the secret of API key {api_key!r} is not base64") from exc
        self._secrets = secrets
        self.nonce_book = nonce_book if nonce_book is not None else StrictNonceBook()

    def verify(
        self,
        *,
        api_key: str | None,
        api_sign: str | None,
        api_nonce: str | None,
        method: str,
        path_with_query: str,
        body: bytes,
    ) -> Verdict:
        """Check one request and, if it is authentic, consume its nonce.

        Args:
            api_key: the ``API-Key`` header (``None`` if absent).
            api_sign: the ``API-Sign`` header (``None`` if absent).
            api_nonce: the ``API-Nonce`` header (``None`` if absent).
            method: the HTTP method.
            path_with_query: the request target as sent, e.g. ``/b2b/quotes?user=AA...``.
            body: the raw body bytes exactly as received.
        """
        secret = self._secrets.get(api_key) if api_key is not None else None
        if secret is None or api_key is None:
            return Verdict(False, INVALID_KEY, "unknown or missing API-Key")
        if api_nonce is None or not _NONCE_TEXT.match(api_nonce) or int(api_nonce) > MAX_NONCE:
            return Verdict(False, INVALID_NONCE, f"API-Nonce {api_nonce!r} is not a u64 decimal")
        nonce = int(api_nonce)
        if method.upper() == "GET" and body:
            return Verdict(False, INVALID_ARGUMENTS, "a GET request carries a body")
        expected = expected_embed_signature(secret, method, path_with_query, nonce, body)
        received = (api_sign or "").encode("utf-8", "replace")
        if not hmac.compare_digest(expected.encode("ascii"), received):
            return Verdict(
                False, INVALID_SIGNATURE, f"API-Sign does not match for {path_with_query!r}"
            )
        if not self.nonce_book.accept(api_key, nonce):
            highest = self.nonce_book.highest(api_key)
            return Verdict(False, INVALID_NONCE, f"nonce {nonce} is not above {highest}", nonce)
        return Verdict(True, nonce=nonce)

    def __repr__(self) -> str:
        return f"EmbedAuthVerifier(keys=<{len(self._secrets)} redacted>, {self.nonce_book!r})"


def _target(request: Request) -> str:
    # The request target exactly as sent: the raw (still percent-encoded) path plus the query.
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    return (raw_path + (b"?" + query if query else b"")).decode("latin-1")


async def _b2b(request: Request) -> Response:
    verifier: EmbedAuthVerifier = request.app.state.verifier
    body = await request.body()
    verdict = verifier.verify(
        api_key=request.headers.get("api-key"),
        api_sign=request.headers.get("api-sign"),
        api_nonce=request.headers.get("api-nonce"),
        method=request.method,
        path_with_query=_target(request),
        body=body,
    )
    if not verdict.ok:
        status = 400 if verdict.error == INVALID_ARGUMENTS else 401
        return JSONResponse({"error": [verdict.error]}, status_code=status)
    parsed: object = None
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return JSONResponse({"error": [INVALID_ARGUMENTS]}, status_code=400)
    target = _target(request)
    path, _, query = target.partition("?")
    return JSONResponse(
        {
            "result": {
                "method": request.method,
                "path": path,
                "query": query,
                "body": parsed,
                "nonce": verdict.nonce,
                "kraken_version": request.headers.get("kraken-version"),
            }
        }
    )


def embed_stub_app(keys: Mapping[str, str], *, nonce_window: int = 0) -> Starlette:
    """Build the stub app.

    Args:
        keys: API key -> base64 secret accepted on ``/b2b/*``.
        nonce_window: how far below the highest accepted nonce an unseen one may be; ``0``
            (default) is strict.

    Returns:
        A ``Starlette`` app; ``app.state.verifier`` is its :class:`EmbedAuthVerifier` and
        :func:`embed_nonce_book` its nonce record.
    """
    app = Starlette(routes=[Route("/b2b/{rest:path}", _b2b, methods=_ANY)])
    app.state.verifier = EmbedAuthVerifier(keys, nonce_book=StrictNonceBook(window=nonce_window))
    return app


def embed_nonce_book(app: Starlette) -> StrictNonceBook:
    """The stub's nonce record: ``embed_nonce_book(app).history(key)`` lists accepted nonces."""
    verifier: EmbedAuthVerifier = app.state.verifier
    return verifier.nonce_book

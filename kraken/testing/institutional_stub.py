"""A Kraken-shaped stub of the Custody, OTC, Pay and Affiliate REST APIs with real auth checks.

Written from Kraken's documentation alone, sharing no code with :mod:`kraken.core` (it reuses the
independent :mod:`kraken.testing.verify`), so a client test against it catches signer bugs:

- ``POST /0/private/<Method>`` and ``POST /0/private/Pay/<group>/<action>``: the Spot
  ``API-Sign`` scheme over the URI path *with its query string* and the exact JSON body
  (https://docs.kraken.com/api/docs/guides/custody-rest-auth: the signed path of GetCustodyTask
  is ``/0/private/GetCustodyTask?id=...``), a strict per-key nonce, and a JSON body only. On top,
  the Custody placement rules: ``id`` (and WithdrawAddresses' ``preferred_asset_name``) must
  arrive in the query string and not in the body; ``x-vault-id`` must arrive as an HTTP header
  on the deposit and withdrawal endpoints and never in the body. A request breaking a rule gets
  Kraken's ``EGeneral:Invalid arguments:<name>``. Success echoes
  ``{"method", "nonce", "params", "query", "vault_id"}`` in Kraken's ``{error, result}``
  envelope.
- ``GET /affiliate/v1/<name>``: ``API-Key``, ``API-Nonce`` and ``API-Sign`` headers, the
  signature over ``path?query || SHA256(nonce)`` (the affiliate guide: the signed path includes
  the query string; a GET has no body), the same strict nonce book. Success is the plain object
  ``{"endpoint", "nonce", "query"}``; failures are HTTP 401 with ``{"error": "<Kraken string>"}``.

Serve it with :class:`~kraken.testing.loopback.LoopbackServer`; :func:`institutional_nonce_book`
gives the accepted nonces per key, in order.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

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
    SpotAuthVerifier,
    StrictNonceBook,
    expected_spot_signature,
)

__all__ = ["institutional_nonce_book", "institutional_stub_app"]

# Custody endpoints whose ``id`` is a query parameter (Kraken's Custody reference; seed 1.3).
QUERY_ID_METHODS = frozenset(
    {
        "GetCustodyVault",
        "ListCustodyTransactions",
        "GetCustodyTransaction",
        "GetCustodyTask",
        "GetCustodyActivity",
    }
)
# Query parameters that are optional but, when sent, must be in the query string.
OPTIONAL_QUERY = {"WithdrawAddresses": frozenset({"preferred_asset_name"})}
# Custody endpoints that take the vault as the ``x-vault-id`` header.
VAULT_HEADER_METHODS = frozenset(
    {"DepositMethods", "DepositAddresses", "WithdrawMethods", "WithdrawAddresses"}
)
VAULT_HEADER = "x-vault-id"

_NONCE_TEXT = re.compile(r"0|[1-9][0-9]*")


def _signed_path(request: Request) -> str:
    # The path exactly as sent (percent-encoding included), plus the raw query string.
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    return (raw_path + (b"?" + query if query else b"")).decode("latin-1")


def _envelope(result: object) -> JSONResponse:
    return JSONResponse({"error": [], "result": result})


def _refuse(*errors: str) -> JSONResponse:
    # Spot-family endpoints answer API errors with HTTP 200 and only "error" (spot-rest-intro).
    return JSONResponse({"error": list(errors)})


def _placement_error(method: str, request: Request, params: Mapping[str, object]) -> str:
    """Kraken's error string when a parameter travelled in the wrong place, else ``""``."""
    query = dict(parse_qsl(request.scope.get("query_string", b"").decode("latin-1")))
    in_query = (
        frozenset({"id"}) if method in QUERY_ID_METHODS else frozenset()
    ) | OPTIONAL_QUERY.get(method, frozenset())
    for name in sorted(in_query):
        if name in params:
            return f"{INVALID_ARGUMENTS}:{name}"
    if method in QUERY_ID_METHODS and not query.get("id"):
        return f"{INVALID_ARGUMENTS}:id"
    if VAULT_HEADER in params:
        return f"{INVALID_ARGUMENTS}:{VAULT_HEADER}"
    if method in VAULT_HEADER_METHODS and not request.headers.get(VAULT_HEADER):
        return f"{INVALID_ARGUMENTS}:{VAULT_HEADER}"
    return ""


async def _private(request: Request) -> Response:
    verifier: SpotAuthVerifier = request.app.state.verifier
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        # Custody, OTC and Pay are specified with JSON request bodies only.
        return _refuse(f"{INVALID_ARGUMENTS}:Content-Type")
    method: str = request.path_params["method"]
    verdict = verifier.verify(
        api_key=request.headers.get("api-key"),
        api_sign=request.headers.get("api-sign"),
        path=_signed_path(request),
        body=body,
        content_type=content_type,
    )
    if not verdict.ok:
        return _refuse(verdict.error)
    problem = _placement_error(method, request, verdict.params)
    if problem:
        return _refuse(problem)
    return _envelope(
        {
            "method": method,
            "nonce": verdict.nonce,
            "params": dict(verdict.params),
            "query": dict(parse_qsl(request.scope.get("query_string", b"").decode("latin-1"))),
            "vault_id": request.headers.get(VAULT_HEADER),
        }
    )


def _unauthorised(error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=401)


async def _affiliate(request: Request) -> Response:
    secrets: Mapping[str, bytes] = request.app.state.secrets
    book: StrictNonceBook = request.app.state.verifier.nonce_book
    body = await request.body()
    api_key = request.headers.get("api-key")
    secret = secrets.get(api_key) if api_key is not None else None
    if api_key is None or secret is None:
        return _unauthorised(INVALID_KEY)
    nonce_text = request.headers.get("api-nonce", "")
    if not _NONCE_TEXT.fullmatch(nonce_text) or int(nonce_text) > MAX_NONCE:
        return _unauthorised(INVALID_NONCE)
    nonce = int(nonce_text)
    expected = expected_spot_signature(secret, _signed_path(request), nonce, body)
    received = request.headers.get("api-sign", "").encode("utf-8", "replace")
    if not hmac.compare_digest(expected.encode("ascii"), received):
        return _unauthorised(INVALID_SIGNATURE)
    if not book.accept(api_key, nonce):
        return _unauthorised(INVALID_NONCE)
    return JSONResponse(
        {
            "endpoint": request.path_params["name"],
            "nonce": nonce,
            "query": dict(parse_qsl(request.scope.get("query_string", b"").decode("latin-1"))),
        }
    )


def institutional_stub_app(keys: Mapping[str, str], *, nonce_window: int = 0) -> Starlette:
    """Build the stub app.

    Args:
        keys: API key -> base64 secret accepted on every route.
        nonce_window: Kraken's per-key nonce window; ``0`` (default) is strict. One nonce book
            serves every route, as Kraken keeps one nonce per API key.

    Returns:
        A ``Starlette`` app; ``app.state.verifier`` is its
        :class:`~kraken.testing.verify.SpotAuthVerifier`.

    Raises:
        ValueError: a secret is not base64 (the message names the key, never the secret).
    """
    verifier = SpotAuthVerifier(keys, nonce_book=StrictNonceBook(window=nonce_window))
    secrets: dict[str, bytes] = {}
    for api_key, secret in keys.items():
        try:
            secrets[api_key] = base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"the secret of API key {api_key!r} is not base64") from exc
    app = Starlette(
        routes=[
            Route("/0/private/{method:path}", _private, methods=["POST"]),
            Route("/affiliate/v1/{name}", _affiliate, methods=["GET"]),
        ]
    )
    app.state.verifier = verifier
    app.state.secrets = secrets
    return app


def institutional_nonce_book(app: Starlette) -> StrictNonceBook:
    """The stub's nonce record: ``.history(key)`` lists the accepted nonces in order."""
    verifier: SpotAuthVerifier = app.state.verifier
    return verifier.nonce_book

"""A Kraken-shaped stub of the Derivatives (Futures) REST APIs with an independent Authent check.

The verifier here is written from Kraken's text alone
(https://docs.kraken.com/api/docs/guides/futures-rest) and on purpose shares no code with
:mod:`kraken.core`, so a client test against it catches signer bugs instead of repeating them::

    Authent = base64( HMAC-SHA512( key = base64decode(secret),
                                   msg = SHA256( postData + Nonce + endpointPath ) ) )

``postData`` is the query string *and* the body exactly as received (still URL-encoded, the rule
since 20 February 2024); ``Nonce`` is the ``Nonce`` header; ``endpointPath`` is the URL path
without the ``/derivatives`` prefix of trading endpoints (``/api/v3/sendorder``), while
``/api/history/v3/...``, ``/api/auth/v1/...`` and ``/api/stats/v1/...`` are signed whole. Nonces
must rise strictly per key (:class:`~kraken.testing.verify.StrictNonceBook`). Public paths
(market data, market history, charts) need no credentials; ``/api/stats/v1/...`` also accepts
``Authorization: Bearer <token>`` for the tokens given.

Replies are Kraken-shaped: trading replies ``{"result": "success", "serverTime": ..., ...}`` and
errors ``{"result": "error", "serverTime": ..., "error": "<code>"}`` with HTTP 200 (history, auth
and stats answer authentication failures with HTTP 401). Every JSON success carries
``received``: what the stub got (method, path, signed path, decoded query, form body, JSON body,
nonce, how it was authenticated, the names of the credential headers present), so tests can
assert on the wire. Realistic defaults: ``sendorder`` places (``sendStatus.status ==
"placed"``), ``editorder`` edits, ``cancelorder`` and ``cancelallorders`` cancel, ``batchorder``
answers one status per instruction, ``accountlogcsv`` is CSV text, market share is ``204 No
Content`` (not aggregated yet), the charts tick types a list.

Scenario prefixes drive every other reply path; put one in front of the catalogue path, which is
what a client with ``base_url=server.url + "/error/apiLimitExceeded"`` does (the prefix is not
part of the signed path, exactly as a client signs it):

- ``/error/<code>``: after authentication, ``{"result": "error", "error": "<code>"}``;
- ``/refuse/<status>``: order endpoints answer ``result: success`` with the status key's
  ``status`` set to ``<status>`` (for ``batchorder``, only the last instruction's);
- ``/ratelimit/<seconds>``: HTTP 429, ``text/plain`` body, ``rate-limit-reset: <seconds>``
  (the history API's documented reply);
- ``/html/<status>``: an HTML error page with that status, as a proxy would send;
- ``/garbage``: HTTP 200 with a truncated JSON body;
- ``/ok``: HTTP 200 with a JSON body even where the default is ``204`` (market share).

Serve it with :class:`~kraken.testing.loopback.LoopbackServer`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kraken.testing.verify import MAX_NONCE, StrictNonceBook

__all__ = [
    "FuturesAuthVerifier",
    "FuturesVerdict",
    "expected_authent",
    "futures_nonce_book",
    "futures_stub_app",
    "signed_endpoint_path",
]

# Kraken's Futures error codes (futures-rest/trading/public.yml, schema ``Error``).
AUTHENTICATION_ERROR = "authenticationError"
NONCE_BELOW_THRESHOLD = "nonceBelowThreshold"
NONCE_DUPLICATE = "nonceDuplicate"

_UNSIGNED_PREFIX = "/derivatives"
_NONCE_TEXT = re.compile(r"0|[1-9][0-9]*")
# Paths that need no credentials (Kraken's specs: ``security: []`` or none declared).
_PUBLIC = tuple(
    re.compile(pattern)
    for pattern in (
        r"/derivatives/api/v3/(history|orderbook|tickers|instruments|instruments/status"
        r"|feeschedules|historical-funding-rates|rfqs)",
        r"/derivatives/api/v3/tickers/[^/]+",
        r"/derivatives/api/v3/instruments/[^/]+/status",
        r"/derivatives/api/v3/rfqs/(?!open-offers$)[^/]+",
        r"/api/history/v3/market/[^/]+/(executions|orders|price)",
        r"/api/charts/v1/.*",
    )
)
_BEARER_PATHS = re.compile(r"/api/stats/v1/.*")
_SCENARIO = re.compile(r"/(error|refuse|ratelimit|html)/([^/]+)(?=/)|/(garbage|ok)(?=/)")
_STATUS_KEYS = {
    "/derivatives/api/v3/sendorder": ("sendStatus", "placed"),
    "/derivatives/api/v3/editorder": ("editStatus", "edited"),
    "/derivatives/api/v3/cancelorder": ("cancelStatus", "cancelled"),
    "/derivatives/api/v3/cancelallorders": ("cancelStatus", "cancelled"),
}
_BATCH = "/derivatives/api/v3/batchorder"
_CREDENTIAL_HEADERS = ("apikey", "authent", "authorization", "nonce")
_CSV = (
    "date,type,symbol,contract,change,new balance,old balance,realized pnl,fee\r\n"
    "2024-01-02T03:04:05.678Z,futures trade,pf_xbtusd,,0.0,1000.5,1000.5,0.0,-0.12\r\n"
)


def expected_authent(secret: str | bytes, post_data: str, nonce: str, endpoint_path: str) -> str:
    """Recompute ``Authent`` from Kraken's rule (``secret`` base64 text or decoded bytes)."""
    key = base64.b64decode(secret, validate=True) if isinstance(secret, str) else secret
    digest = hashlib.sha256((post_data + nonce + endpoint_path).encode("utf-8")).digest()
    return base64.b64encode(hmac.new(key, digest, hashlib.sha512).digest()).decode("ascii")


def signed_endpoint_path(path: str) -> str:
    """The ``endpointPath`` Kraken hashes for a URL path (``/derivatives`` is not signed)."""
    if path.startswith(_UNSIGNED_PREFIX + "/"):
        return path[len(_UNSIGNED_PREFIX) :]
    return path


@dataclass(frozen=True, slots=True)
class FuturesVerdict:
    """The outcome of checking one Futures request.

    Attributes:
        ok: authentic, and the nonce (if any) was fresh.
        error: ``""`` when ``ok``, else Kraken's code (``authenticationError``,
            ``nonceBelowThreshold`` or ``nonceDuplicate``).
        detail: a human explanation for test failures; never contains a secret.
        nonce: the ``Nonce`` header as a number, when one was sent.
        via: ``"authent"``, ``"bearer"`` or ``"public"``.
    """

    ok: bool
    error: str = ""
    detail: str = ""
    nonce: int | None = None
    via: str = "public"


class FuturesAuthVerifier:
    """Checks ``APIKey`` / ``Nonce`` / ``Authent`` (or a bearer token) against known keys.

    Checks run in order, each failing with Kraken's code: the key is known, the nonce is a
    canonical unsigned decimal, the signature matches in constant time, and only then the nonce
    is fresh, so a forged request never consumes a nonce.

    Args:
        keys: API key -> base64 secret.
        tokens: bearer tokens accepted where Kraken accepts one (the stats API).
        nonce_book: strict by default: every nonce must exceed the key's last accepted one.
        require_nonce: refuse requests without a ``Nonce`` header (Kraken makes it optional;
            the SDK always sends one, and this catches it forgetting to).

    Raises:
        ValueError: a secret is not valid base64 (the message names the key, not the secret).
    """

    def __init__(
        self,
        keys: Mapping[str, str],
        *,
        tokens: Iterable[str] = (),
        nonce_book: StrictNonceBook | None = None,
        require_nonce: bool = True,
    ) -> None:
        secrets: dict[str, bytes] = {}
        for api_key, secret in keys.items():
            try:
                secrets[api_key] = base64.b64decode(secret, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"the secret of API key {api_key!r} is not base64") from exc
        self._secrets = secrets
        self._tokens = frozenset(tokens)
        self.nonce_book = nonce_book if nonce_book is not None else StrictNonceBook()
        self.require_nonce = require_nonce

    def add_key(self, api_key: str, secret: str) -> None:
        """Accept one more key (a test's own, so its nonce history starts empty)."""
        try:
            self._secrets[api_key] = base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"the secret of API key {api_key!r} is not base64") from exc

    def verify(
        self,
        *,
        headers: Mapping[str, str],
        path: str,
        query: str,
        body: bytes,
        bearer_allowed: bool = False,
    ) -> FuturesVerdict:
        """Check one private request; ``path`` is the URL path without any scenario prefix."""
        authorization = headers.get("authorization", "")
        if bearer_allowed and authorization.startswith("Bearer ") and "apikey" not in headers:
            if authorization.removeprefix("Bearer ") in self._tokens:
                return FuturesVerdict(True, via="bearer")
            return FuturesVerdict(False, AUTHENTICATION_ERROR, "unknown bearer token")
        api_key = headers.get("apikey")
        secret = self._secrets.get(api_key) if api_key is not None else None
        if secret is None:
            return FuturesVerdict(False, AUTHENTICATION_ERROR, "unknown or missing APIKey")
        nonce_text = headers.get("nonce")
        nonce: int | None = None
        if nonce_text is None:
            if self.require_nonce:
                return FuturesVerdict(False, AUTHENTICATION_ERROR, "no Nonce header")
        elif not _NONCE_TEXT.fullmatch(nonce_text) or int(nonce_text) > MAX_NONCE:
            return FuturesVerdict(False, AUTHENTICATION_ERROR, "Nonce is not an unsigned integer")
        else:
            nonce = int(nonce_text)
        try:
            post_data = query + body.decode("utf-8")
        except UnicodeDecodeError:
            return FuturesVerdict(False, AUTHENTICATION_ERROR, "body is not UTF-8")
        endpoint_path = signed_endpoint_path(path)
        expected = expected_authent(secret, post_data, nonce_text or "", endpoint_path)
        received = headers.get("authent", "").encode("utf-8", "replace")
        if not hmac.compare_digest(expected.encode("ascii"), received):
            return FuturesVerdict(
                False, AUTHENTICATION_ERROR, f"Authent does not match for {endpoint_path!r}", nonce
            )
        if nonce is not None and not self.nonce_book.accept(api_key or "", nonce):
            highest = self.nonce_book.highest(api_key or "")
            code = NONCE_DUPLICATE if nonce == highest else NONCE_BELOW_THRESHOLD
            return FuturesVerdict(False, code, f"nonce {nonce} is not above {highest}", nonce)
        return FuturesVerdict(True, nonce=nonce, via="authent")

    def __repr__(self) -> str:
        return (
            f"FuturesAuthVerifier(keys=<{len(self._secrets)} redacted>, "
            f"tokens=<{len(self._tokens)} redacted>, {self.nonce_book!r})"
        )


# --------------------------------------------------------------------------------------------
# Replies


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _pairs(text: str) -> dict[str, object]:
    decoded: dict[str, object] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        previous = decoded.get(name)
        if previous is None:
            decoded[name] = value
        else:
            decoded[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return decoded


def _success(received: dict[str, object], **payload: object) -> JSONResponse:
    return JSONResponse(
        {"result": "success", "serverTime": _now(), **payload, "received": received}
    )


def _error(code: str, status: int = 200) -> JSONResponse:
    return JSONResponse({"result": "error", "serverTime": _now(), "error": code}, status)


def _order_status(path: str, received: dict[str, object], refuse: str | None) -> Response:
    key, accepted = _STATUS_KEYS[path]
    status = refuse or accepted
    entry: dict[str, object] = {"status": status, "receivedTime": _now()}
    if status in ("placed", "edited", "cancelled"):
        entry["order_id"] = "c18f0c17-9971-40e6-8e5b-10df05d422f0"
    return _success(received, **{key: entry})


def _batch_status(received: dict[str, object], refuse: str | None) -> Response:
    form = received.get("form")
    raw = form.get("json") if isinstance(form, dict) else None
    try:
        instructions = json.loads(str(raw))["batchOrder"]
    except (ValueError, KeyError, TypeError):
        return _error("Json Parse Error")
    if not isinstance(instructions, list):
        return _error("Json Parse Error")
    done = {"send": "placed", "edit": "edited", "cancel": "cancelled"}
    statuses: list[dict[str, object]] = []
    for index, item in enumerate(instructions):
        kind = item.get("order") if isinstance(item, dict) else None
        status = done.get(str(kind), "invalidOrderType")
        if refuse and index == len(instructions) - 1:
            status = refuse
        statuses.append({"status": status, "order_tag": item.get("order_tag"), "index": index})
    return _success(received, batchStatus=statuses)


def _default_reply(path: str, received: dict[str, object], scenario: tuple[str, str]) -> Response:
    kind, value = scenario
    refuse = value if kind == "refuse" else None
    if path in _STATUS_KEYS:
        return _order_status(path, received, refuse)
    if path == _BATCH:
        return _batch_status(received, refuse)
    if path == "/api/history/v3/accountlogcsv":
        return PlainTextResponse(_CSV, media_type="text/csv")
    if path == "/api/stats/v1/rebates/self-market-share" and kind != "ok":
        return Response(status_code=204)
    if path.rstrip("/") == "/api/charts/v1":
        return JSONResponse(["mark", "spot", "trade"])
    if path.startswith(("/api/history/", "/api/charts/", "/api/auth/", "/api/stats/")):
        # These APIs answer plain JSON without the trading envelope.
        return JSONResponse({"received": received})
    return _success(received)


def _scenario(raw_path: str) -> tuple[str, tuple[str, str]]:
    match = _SCENARIO.match(raw_path)
    if not match:
        return raw_path, ("", "")
    kind = match.group(1) or match.group(3)
    return raw_path[match.end() :], (kind, match.group(2) or "")


async def _handle(request: Request) -> Response:
    verifier: FuturesAuthVerifier = request.app.state.verifier
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
    path, scenario = _scenario(raw_path)
    query = request.scope.get("query_string", b"").decode("latin-1")
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    public = any(p.fullmatch(path) for p in _PUBLIC)
    verdict = FuturesVerdict(True)
    if not public:
        verdict = verifier.verify(
            headers=headers,
            path=path,
            query=query,
            body=body,
            bearer_allowed=bool(_BEARER_PATHS.fullmatch(path)),
        )
        if not verdict.ok:
            request.app.state.rejections.append(verdict)
            trading = path.startswith(_UNSIGNED_PREFIX + "/")
            return _error(verdict.error, 200 if trading else 401)
    content_type = headers.get("content-type", "").split(";", 1)[0].strip()
    received: dict[str, object] = {
        "method": request.method,
        "path": path,
        "signed_path": signed_endpoint_path(path),
        "query": _pairs(query),
        "raw_query": query,
        "form": _pairs(body.decode("utf-8", "replace"))
        if content_type == "application/x-www-form-urlencoded"
        else {},
        "json": None,
        "content_type": content_type,
        "nonce": verdict.nonce,
        "via": verdict.via,
        # Names only, never values: which credential headers arrived.
        "credential_headers": sorted(h for h in _CREDENTIAL_HEADERS if h in headers),
    }
    if content_type == "application/json" and body:
        try:
            received["json"] = json.loads(body)
        except ValueError:
            return _error("Json Parse Error")
    kind, value = scenario
    if kind == "error":
        return _error(value)
    if kind == "ratelimit":
        return PlainTextResponse("RateLimited", 429, headers={"rate-limit-reset": value})
    if kind == "html":
        if not value.isdigit():
            return _error("invalidArgument", 400)
        page = f"<html><body><h1>{int(value)} Error</h1><p>nginx</p></body></html>"
        return Response(page, int(value), media_type="text/html")
    if kind == "garbage":
        return Response(b'{"result":"success","serverTi', 200, media_type="application/json")
    return _default_reply(path, received, scenario)


def futures_stub_app(
    keys: Mapping[str, str],
    *,
    tokens: Iterable[str] = (),
    nonce_window: int = 0,
    require_nonce: bool = True,
) -> Starlette:
    """Build the stub app.

    Args:
        keys: API key -> base64 secret accepted on private paths.
        tokens: bearer tokens accepted on the stats API.
        nonce_window: how far below the highest nonce an unseen one may be; ``0`` (default) is
            strict.
        require_nonce: refuse signed requests without a ``Nonce`` header.

    Returns:
        A ``Starlette`` app; ``app.state.verifier`` is its :class:`FuturesAuthVerifier` and
        ``app.state.rejections`` lists the :class:`FuturesVerdict` of every refused request.
    """
    verifier = FuturesAuthVerifier(
        keys,
        tokens=tokens,
        nonce_book=StrictNonceBook(window=nonce_window),
        require_nonce=require_nonce,
    )
    app = Starlette(
        routes=[
            Route("/{path:path}", _handle, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        ]
    )
    app.state.verifier = verifier
    app.state.rejections = []
    return app


def futures_nonce_book(app: Starlette) -> StrictNonceBook:
    """The stub's nonce record: ``futures_nonce_book(app).history(key)`` in acceptance order."""
    verifier: FuturesAuthVerifier = app.state.verifier
    return verifier.nonce_book

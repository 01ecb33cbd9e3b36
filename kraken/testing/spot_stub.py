"""A tiny Kraken-shaped Spot REST stub (starlette) with real auth checks and a few fault routes.

It answers like Kraken (HTTP 200 with ``{"error": [...], "result": ...}``) on:

- ``GET /0/public/Time``: the server's clock, ``{"unixtime": ..., "rfc1123": ...}``;
- ``GET /0/public/Ticker?pair=A,B``: a small fixed ticker entry per requested pair;
- ``POST /0/private/<Method>``: API-Key, API-Sign and nonce checked with
  :class:`~kraken.testing.verify.SpotAuthVerifier`; on success the result echoes
  ``{"method", "nonce", "params"}``; accepted nonces are recorded per key in order
  (:func:`nonce_book`).

Fault routes for adapter tests, any method:

- ``/fault/html500``: an HTML error page with status 500, as a proxy or CDN would send;
- ``/fault/slow?seconds=X``: answers after ``X`` seconds (at most 30; it stops early when the
  client hangs up, so server shutdown is not held up by abandoned requests);
- ``/fault/echo``: returns the received method, path, query, headers and body (base64) as JSON.

Serve it on loopback with :class:`~kraken.testing.loopback.LoopbackServer`. A full fake exchange
with state, rate limits and WebSockets comes later; this stub stays small on purpose.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kraken.testing.verify import INVALID_ARGUMENTS, SpotAuthVerifier, StrictNonceBook

__all__ = ["nonce_book", "spot_stub_app"]

MAX_SLOW_SECONDS = 30.0
"""Upper bound on ``/fault/slow``, so a typo cannot hang a test run."""

# Polling the connection this often lets /fault/slow notice a client that gave up.
_DISCONNECT_POLL_SECONDS = 0.01

_HTML_500 = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>500 Internal Server Error</h1><p>nginx</p></body></html>\n"
)


def _kraken(result: object) -> JSONResponse:
    return JSONResponse({"error": [], "result": result})


def _kraken_error(*errors: str, status: int = 200) -> JSONResponse:
    # Kraken reports API errors with HTTP 200 and only the "error" key (spot-rest-intro).
    return JSONResponse({"error": list(errors)}, status_code=status)


async def _time(request: Request) -> Response:
    now = datetime.now(UTC)
    # Kraken's own format, two-digit year included: "Sun, 21 Mar 21 14:23:14 +0000".
    return _kraken(
        {"unixtime": int(now.timestamp()), "rfc1123": now.strftime("%a, %d %b %y %H:%M:%S +0000")}
    )


def _ticker_entry() -> dict[str, object]:
    return {
        "a": ["30000.10000", "1", "1.000"],
        "b": ["30000.00000", "2", "2.000"],
        "c": ["30000.05000", "0.01000000"],
        "v": ["100.00000000", "250.00000000"],
        "p": ["29950.00000", "29900.00000"],
        "t": [1000, 2500],
        "l": ["29500.00000", "29400.00000"],
        "h": ["30500.00000", "30600.00000"],
        "o": "29800.00000",
    }


async def _ticker(request: Request) -> Response:
    pairs = [p for p in request.query_params.get("pair", "XXBTZUSD").split(",") if p]
    if not pairs:
        return _kraken_error(f"{INVALID_ARGUMENTS}:pair")
    return _kraken({pair: _ticker_entry() for pair in pairs})


def _signed_path(request: Request) -> str:
    # Sign-checking needs the path exactly as sent (percent-encoding included), plus the query.
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    return (raw_path + (b"?" + query if query else b"")).decode("latin-1")


async def _private(request: Request) -> Response:
    verifier: SpotAuthVerifier = request.app.state.verifier
    body = await request.body()
    verdict = verifier.verify(
        api_key=request.headers.get("api-key"),
        api_sign=request.headers.get("api-sign"),
        path=_signed_path(request),
        body=body,
        content_type=request.headers.get("content-type"),
    )
    if not verdict.ok:
        return _kraken_error(verdict.error)
    return _kraken(
        {
            "method": request.path_params["method"],
            "nonce": verdict.nonce,
            "params": dict(verdict.params),
        }
    )


async def _html500(request: Request) -> Response:
    return HTMLResponse(_HTML_500, status_code=500)


async def _slow(request: Request) -> Response:
    try:
        seconds = min(float(request.query_params.get("seconds", "1")), MAX_SLOW_SECONDS)
    except ValueError:
        return _kraken_error(f"{INVALID_ARGUMENTS}:seconds", status=400)
    await request.body()  # read it first, so only a disconnect is left on the receive channel
    deadline = time.monotonic() + seconds
    # Bounded by ``seconds`` (at most MAX_SLOW_SECONDS).
    while (left := deadline - time.monotonic()) > 0:
        if await request.is_disconnected():
            break
        await anyio.sleep(min(left, _DISCONNECT_POLL_SECONDS))
    return _kraken({"slept": seconds})


async def _echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": _signed_path(request).split("?", 1)[0],
            "query": request.scope.get("query_string", b"").decode("latin-1"),
            "headers": [
                [name.decode("latin-1"), value.decode("latin-1")]
                for name, value in request.scope["headers"]
            ],
            "body_base64": base64.b64encode(body).decode("ascii"),
        }
    )


_ANY = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def spot_stub_app(keys: Mapping[str, str], *, nonce_window: int = 0) -> Starlette:
    """Build the stub app.

    Args:
        keys: API key -> base64 secret accepted on ``/0/private/*``.
        nonce_window: Kraken's per-key nonce window; ``0`` (default) is strict: every nonce
            must exceed the last accepted one for its key.

    Returns:
        A ``Starlette`` app; ``app.state.verifier`` is its
        :class:`~kraken.testing.verify.SpotAuthVerifier` and :func:`nonce_book` its nonce record.
    """
    verifier = SpotAuthVerifier(keys, nonce_book=StrictNonceBook(window=nonce_window))
    app = Starlette(
        routes=[
            Route("/0/public/Time", _time, methods=["GET"]),
            Route("/0/public/Ticker", _ticker, methods=["GET"]),
            Route("/0/private/{method}", _private, methods=["POST"]),
            Route("/fault/html500", _html500, methods=_ANY),
            Route("/fault/slow", _slow, methods=_ANY),
            Route("/fault/echo", _echo, methods=_ANY),
        ]
    )
    app.state.verifier = verifier
    return app


def nonce_book(app: Starlette) -> StrictNonceBook:
    """The stub's nonce record: ``nonce_book(app).history(key)`` lists accepted nonces in order."""
    verifier: SpotAuthVerifier = app.state.verifier
    return verifier.nonce_book

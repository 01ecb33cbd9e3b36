"""Parsing Kraken Futures replies: ``result: success|error``, order statuses, text downloads.

Sources: https://docs.kraken.com/api/docs/guides/futures-rest ("result equal to success merely
means that the request has been received and assessed successfully") and the futures specs
(``ErrorResponse``, the ``sendStatus``/``editStatus``/``cancelStatus``/``batchStatus`` enums,
history ``401``/``429`` with a ``rate-limit-reset`` header).
"""

from __future__ import annotations

from typing import Any

from kraken.core.errors import (
    AuthenticationError,
    KrakenAPIError,
    KrakenTransportError,
    OrderNotAcceptedError,
    RateLimitError,
    futures_api_error,
)
from kraken.core.rest.envelope import Outcome, body_excerpt, decode_json
from kraken.core.rest.values import Response

__all__ = ["ACCEPTED_ORDER_STATUSES", "parse_futures", "parse_futures_text"]

# Statuses meaning Kraken carried the instruction out, per status key (futures trading spec).
ACCEPTED_ORDER_STATUSES: dict[str, frozenset[str]] = {
    "sendStatus": frozenset({"placed", "partiallyFilled", "filled", "cancelled", "edited"}),
    "editStatus": frozenset({"edited"}),
    "cancelStatus": frozenset({"cancelled", "noOrdersToCancel"}),
    "batchStatus": frozenset({"placed", "partiallyFilled", "filled", "edited", "cancelled"}),
}


def _seconds(header: str | None) -> float | None:
    try:
        return float(header) if header else None
    except ValueError:
        return None


def _http_errors(response: Response, endpoint: str) -> None:
    """Statuses Kraken documents with non-JSON bodies (history 401/429)."""
    if response.status == 429:
        headers = response.headers
        raise RateLimitError(
            "EFutures:TOO_MANY_REQUESTS",
            status=429,
            endpoint=endpoint,
            retry_after=_seconds(headers.get("rate-limit-reset") or headers.get("retry-after")),
        )
    if response.status == 401:
        raise AuthenticationError("EFutures:UNAUTHORIZED", status=401, endpoint=endpoint)


def _error_code(payload: dict[str, Any]) -> str | None:
    # "errors": [] rides along on successful analytics replies: only a non-empty list counts.
    if payload.get("result") == "error" or payload.get("errors"):
        code = payload.get("error")
        if isinstance(code, str) and code:
            return code
        items = payload.get("errors")
        if isinstance(items, list) and items and isinstance(items[0], dict):
            first = items[0]
            return str(first.get("status") or first.get("message") or first.get("code"))
        return "unknownError"
    return None


def _refused(status_key: str, value: Any) -> str | None:
    """The first refusing status under ``status_key``, or None when all were carried out."""
    accepted = ACCEPTED_ORDER_STATUSES.get(status_key)
    if accepted is None:
        return None
    items = value if isinstance(value, list) else [value]
    for item in items:
        status = item.get("status") if isinstance(item, dict) else None
        if isinstance(status, str) and status not in accepted:
            return status
    return None


def parse_futures(
    response: Response, *, endpoint: str = "", map_errors: bool = True, status_key: str = ""
) -> Outcome:
    """Parse a Futures JSON reply into the whole decoded object, or raise.

    Args:
        response: the reply.
        endpoint: the catalogue name, quoted in errors.
        map_errors: False raises the base :class:`KrakenAPIError` (``parse_exceptions=False``).
        status_key: for order endpoints, the key whose ``status`` must be an accepted one.
    """
    if response.status == 204 or (not response.body and response.status < 300):
        return Outcome(None)
    _http_errors(response, endpoint)
    payload = decode_json(response)
    if not isinstance(payload, dict):
        if response.status < 300:
            return Outcome(payload)
        raise KrakenTransportError(
            "Kraken's reply is not a JSON object",
            status=response.status,
            body_excerpt=body_excerpt(response.body),
        )
    code = _error_code(payload)
    if code is not None:
        if not map_errors:
            raise KrakenAPIError(f"EFutures:{code}", status=response.status, endpoint=endpoint)
        raise futures_api_error(code, status=response.status, endpoint=endpoint)
    if response.status >= 400:
        raise KrakenTransportError(
            "Kraken's reply has an error status but no error code",
            status=response.status,
            body_excerpt=body_excerpt(response.body),
        )
    if status_key:
        refused = _refused(status_key, payload.get(status_key))
        if refused is not None:
            raise OrderNotAcceptedError(
                refused, result=payload, status=response.status, endpoint=endpoint
            )
    return Outcome(payload)


def parse_futures_text(
    response: Response, *, endpoint: str = "", map_errors: bool = True, status_key: str = ""
) -> Outcome:
    """A text download (the account log as CSV) on success; a Futures error otherwise."""
    if response.status < 300 and not response.body.lstrip().startswith(b"{"):
        return Outcome(response.body.decode("utf-8", "replace"))
    return parse_futures(response, endpoint=endpoint, map_errors=map_errors)

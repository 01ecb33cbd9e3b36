"""Turning a :class:`Response` into a result or the right error, for each reply shape.

Spot replies are ``{"error": [...], "result": ...}`` with HTTP 200 in most cases
(https://docs.kraken.com/api/docs/guides/spot-rest-intro). ``E`` strings raise the mapped
:class:`KrakenAPIError`; ``W`` strings come back as warnings next to the result. A body that is
not JSON (an HTML page from a proxy, a truncated reply) is a :class:`KrakenTransportError` that
carries the status and a short excerpt.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from kraken.core import exact_json
from kraken.core.errors import (
    AuthenticationError,
    InvalidArgumentsError,
    KrakenAPIError,
    KrakenTransportError,
    RateLimitError,
    ServiceUnavailableError,
    api_error_from_messages,
    error_class_for,
)
from kraken.core.rest.values import Response

__all__ = ["Outcome", "body_excerpt", "decode_json", "parse_binary", "parse_envelope", "parse_json"]

_EXCERPT_CHARS = 160
_MISSING = object()


class Outcome(NamedTuple):
    """A successful reply: the result, plus any ``W...`` warnings Kraken attached."""

    result: Any
    warnings: tuple[str, ...] = ()


def body_excerpt(body: bytes) -> str:
    """The start of a body as printable text, for error messages (never the request's)."""
    text = body[: _EXCERPT_CHARS * 2].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text[:_EXCERPT_CHARS] + ("..." if len(text) > _EXCERPT_CHARS else "")


_decode = exact_json.loads


def decode_json(response: Response) -> Any:
    """Decode a JSON body; floats become ``Decimal`` so no digit of a price is lost."""
    try:
        return _decode(response.body.decode())
    except (ValueError, UnicodeDecodeError):
        raise KrakenTransportError(
            "Kraken's reply is not JSON",
            status=response.status,
            body_excerpt=body_excerpt(response.body),
        ) from None


def _oauth_status_error(response: Response, code: str, endpoint: str) -> KrakenAPIError:
    """The error class implied by an OAuth reply's HTTP status (RFC 6749 section 5.2)."""
    status = response.status
    if status == 429:
        header = response.headers.get("retry-after", "")
        retry_after = float(header) if header.replace(".", "", 1).isdigit() else None
        return RateLimitError(code, status=status, endpoint=endpoint, retry_after=retry_after)
    if status in (401, 403):
        return AuthenticationError(code, status=status, endpoint=endpoint)
    if status in (400, 404, 422):
        return InvalidArgumentsError(code, status=status, endpoint=endpoint)
    if status >= 500:
        return ServiceUnavailableError(code, status=status, endpoint=endpoint)
    return KrakenAPIError(code, status=status, endpoint=endpoint)


def _error_text(item: object) -> object:
    """Kraken's structured errors (OTC ``errors``, Pay ``KWebErrors``) as Kraken strings.

    ``{"severity": "E", "errorClass": "API", "type": "Invalid key", ...}`` becomes
    ``"EAPI:Invalid key"``, so the same mapping as the Spot strings applies.
    """
    if isinstance(item, dict) and isinstance(item.get("type"), str):
        severity = item.get("severity") if item.get("severity") in ("E", "W") else "E"
        return f"{severity}{item.get('errorClass') or 'General'}:{item['type']}"
    return item


def parse_envelope(response: Response, *, endpoint: str = "", map_errors: bool = True) -> Outcome:
    """Parse Kraken's ``{"error": [...], "result": ...}`` envelope.

    Args:
        response: the reply.
        endpoint: the catalogue name, quoted in error messages.
        map_errors: False raises the base :class:`KrakenAPIError` for every error string
            (the client option ``parse_exceptions=False``) instead of the mapped subclass.
    """
    payload = decode_json(response)
    # Fast path: the common success reply, {"error": [], "result": ...} with HTTP 200.
    if type(payload) is dict and not payload.get("error") and response.status < 400:
        result = payload.get("result", _MISSING)
        if result is not _MISSING:
            return Outcome(result)
    if not isinstance(payload, dict):
        raise KrakenTransportError(
            "Kraken's reply is JSON but not an object",
            status=response.status,
            body_excerpt=body_excerpt(response.body),
        )
    messages = payload.get("error") or payload.get("errors") or []
    if isinstance(messages, str):
        messages = [messages]
    if isinstance(messages, list):
        messages = [_error_text(m) for m in messages]
    if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
        raise KrakenTransportError(
            "Kraken's reply has a malformed 'error' field",
            status=response.status,
            body_excerpt=body_excerpt(response.body),
        )
    errors = [m for m in messages if not m.startswith("W")]
    if errors:
        if map_errors:
            raise api_error_from_messages(errors, status=response.status, endpoint=endpoint)
        raise KrakenAPIError(errors[0], errors=errors, status=response.status, endpoint=endpoint)
    if response.status >= 400 or "result" not in payload:
        raise KrakenTransportError(
            "Kraken's reply has neither a result nor an error",
            status=response.status,
            body_excerpt=body_excerpt(response.body),
        )
    warnings = tuple(m for m in messages if m.startswith("W"))
    return Outcome(payload["result"], warnings)


def parse_json(
    response: Response, *, endpoint: str = "", map_errors: bool = True, label: str = "EOAuth"
) -> Outcome:
    """Parse a plain-JSON reply (OAuth, Embed, Affiliate); 4xx/5xx become typed errors.

    The error text is ``<label>:<error>`` (``EOAuth:invalid_grant``, ``EAPI:Invalid nonce``);
    a text Kraken's mapping knows decides the class, otherwise the HTTP status does.
    """
    payload = decode_json(response) if response.body else None
    if response.status < 400:
        return Outcome(payload)
    code = ""
    if isinstance(payload, dict):
        raw = payload.get("error") or payload.get("errors") or payload.get("message") or ""
        if isinstance(raw, list):
            raw = [_error_text(item) for item in raw]
            if raw and all(isinstance(m, str) for m in raw):
                if not map_errors:
                    raise KrakenAPIError(
                        raw[0], errors=raw, status=response.status, endpoint=endpoint
                    )
                raise api_error_from_messages(raw, status=response.status, endpoint=endpoint)
        code = raw if isinstance(raw, str) else json.dumps(raw, default=str)[:100]
    text = f"{label}:{code or f'HTTP {response.status}'}"
    if not map_errors:
        raise KrakenAPIError(text, status=response.status, endpoint=endpoint)
    known = error_class_for(text)
    if known is not KrakenAPIError:
        raise known(text, status=response.status, endpoint=endpoint)
    raise _oauth_status_error(response, text, endpoint)


def parse_binary(response: Response, *, endpoint: str = "", map_errors: bool = True) -> Outcome:
    """A download (an export's zip): raw bytes on success, Kraken's envelope on failure."""
    content_type = response.headers.get("content-type", "")
    if "json" in content_type or response.body[:1] == b"{" or response.status >= 400:
        return parse_envelope(response, endpoint=endpoint, map_errors=map_errors)
    return Outcome(response.body)

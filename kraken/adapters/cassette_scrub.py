"""Scrubbing for cassettes: nonces and secrets out of requests and responses, bytes kept."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from kraken.adapters.cassette_format import (
    DROPPED_RESPONSE_HEADERS,
    RECORDED_REQUEST_HEADERS,
    REDACTED,
    SCRUBBED_KEYS,
    BodyFormat,
    RecordedRequest,
    RecordedResponse,
    compact_json,
)
from kraken.core.rest.values import SENSITIVE_HEADERS, Request, Response

__all__ = ["Scrubber"]

# Request headers whose values are secrets; their literal values are scrubbed from everything.
_SECRET_HEADERS = SENSITIVE_HEADERS | {"api-key", "api-sign", "apikey", "authent", "authorization"}
_MIN_LITERAL = 8  # shorter header values are too likely to collide with ordinary text

# A JSON string or number, the values redacted in place.
_SCALAR = r'"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*'


class Scrubber:
    """Removes nonces and secrets from requests and responses before they are stored or matched.

    Args:
        keys: key names whose values are redacted (compared lower-case).
    """

    __slots__ = ("_json_pattern", "keys")

    def __init__(self, keys: Iterable[str] = SCRUBBED_KEYS) -> None:
        self.keys: frozenset[str] = frozenset(k.lower() for k in keys)
        names = "|".join(re.escape(k) for k in sorted(self.keys)) or "(?!)"
        self._json_pattern = re.compile(rf'("(?:{names})"\s*:\s*)(?:{_SCALAR})', re.IGNORECASE)

    def _secret_key(self, key: str) -> bool:
        # Form keys may be nested PHP-style: `close[token]` is checked as `close` and `token`.
        parts = key.replace("]", "").split("[")
        return any(part.lower() in self.keys for part in parts)

    def redact(self, value: Any) -> Any:
        """A copy of a parsed JSON value with every scrubbed key's value replaced."""
        if isinstance(value, dict):
            return {
                k: (REDACTED if k.lower() in self.keys else self.redact(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.redact(v) for v in value]
        return value

    def _leaks(self, value: Any) -> bool:
        if isinstance(value, dict):
            return any(
                (k.lower() in self.keys and not (v is None or isinstance(v, bool) or v == REDACTED))
                or self._leaks(v)
                for k, v in value.items()
            )
        return isinstance(value, list) and any(self._leaks(v) for v in value)

    def json_text(self, text: str) -> str:
        """Redact JSON text in place, keeping every other byte (and so book checksums) intact."""
        out = self._json_pattern.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
        try:
            parsed = json.loads(out)
        except ValueError:
            return out
        # Objects or lists under a secret key (or escaped key names): re-serialise as a fallback.
        return compact_json(self.redact(parsed)) if self._leaks(parsed) else out

    def form_text(self, text: str, *, drop_nonce: bool = False) -> str:
        """Redact (and optionally drop the ``nonce`` of) form text, keeping other pairs verbatim."""
        out: list[str] = []
        for segment in text.split("&"):
            raw_key, sep, _ = segment.partition("=")
            key = unquote_plus(raw_key)
            if drop_nonce and key == "nonce":
                continue
            out.append(f"{raw_key}={REDACTED}" if sep and self._secret_key(key) else segment)
        return "&".join(out)

    def literals(self, headers: Mapping[str, str]) -> list[str]:
        """The secret values carried by credential headers, as they could appear in text."""
        found: set[str] = set()
        for name, value in headers.items():
            if name.lower() not in _SECRET_HEADERS:
                continue
            for candidate in (value, value.partition(" ")[2]):
                if len(candidate) >= _MIN_LITERAL:
                    found.update(
                        {candidate, quote(candidate, safe=""), compact_json(candidate)[1:-1]}
                    )
        return sorted(found, key=len, reverse=True)

    @staticmethod
    def _strip(text: str, literals: Iterable[str]) -> str:
        for literal in literals:
            text = text.replace(literal, REDACTED)
        return text

    def url(self, url: str, literals: Iterable[str] = ()) -> str:
        """The URL without user info, with its query string scrubbed."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            netloc += f":{parts.port}"
        query = self.form_text(parts.query) if parts.query else ""
        return self._strip(urlunsplit((parts.scheme, netloc, parts.path, query, "")), literals)

    def request(self, request: Request) -> RecordedRequest:
        """The storable, comparable form of a live request: no nonce, no secrets."""
        literals = self.literals(request.headers)
        headers = {
            name.lower(): value
            for name, value in request.headers.items()
            if name.lower() in RECORDED_REQUEST_HEADERS
        }
        fmt, body = self._request_body(request)
        if fmt != "base64":
            body = self._strip(body, literals)
        return RecordedRequest(
            method=request.method.upper(),
            url=self.url(request.url, literals),
            endpoint=request.endpoint,
            headers=dict(sorted(headers.items())),
            body_format=fmt,
            body=body,
        )

    def _request_body(self, request: Request) -> tuple[BodyFormat, str]:
        raw = request.body
        if not raw:
            return "none", ""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "base64", base64.b64encode(raw).decode("ascii")
        content_type = _content_type(request.headers)
        if "json" in content_type or (not content_type and text.lstrip()[:1] in ("{", "[")):
            try:
                parsed = json.loads(text)
            except ValueError:
                return "text", self.json_text(text)
            if isinstance(parsed, dict):
                parsed.pop("nonce", None)
            return "json", compact_json(self.redact(parsed))
        if "x-www-form-urlencoded" in content_type or (not content_type and "=" in text):
            return "form", self.form_text(text, drop_nonce=True)
        return "text", text

    def response(self, response: Response, request: Request) -> RecordedResponse:
        """The storable form of a response, with secrets scrubbed from its headers and body."""
        literals = self.literals(request.headers)
        headers = {
            name.lower(): self._strip(value, literals)
            for name, value in response.headers.items()
            if name.lower() not in DROPPED_RESPONSE_HEADERS
        }
        body = response.body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return RecordedResponse(response.status, dict(sorted(headers.items())), body)
        if "x-www-form-urlencoded" in _content_type(response.headers):
            text = self.form_text(text)
        else:
            text = self.json_text(text)
        scrubbed = self._strip(text, literals).encode("utf-8")
        return RecordedResponse(response.status, dict(sorted(headers.items())), scrubbed)


def _content_type(headers: Mapping[str, str]) -> str:
    return next((v.lower() for k, v in headers.items() if k.lower() == "content-type"), "")

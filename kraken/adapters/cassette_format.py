"""The REST cassette file format: recorded requests and responses, and their JSON text."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from kraken.core.rest.values import SENSITIVE_HEADERS, Response

__all__ = [
    "CASSETTE_VERSION",
    "DROPPED_RESPONSE_HEADERS",
    "RECORDED_REQUEST_HEADERS",
    "REDACTED",
    "SCRUBBED_KEYS",
    "BodyFormat",
    "Interaction",
    "MatchKey",
    "RecordedRequest",
    "RecordedResponse",
    "compact_json",
    "dumps_cassette",
    "loads_cassette",
]

CASSETTE_VERSION = 1
"""Version written to (and required in) every cassette file."""

REDACTED = "<redacted>"
"""What a scrubbed secret is replaced with."""

SCRUBBED_KEYS: frozenset[str] = frozenset(
    {
        "access_token",  # OAuth (Kraken Connect) token replies and refresh requests
        "api_secret",
        "client_secret",  # OAuth confidential clients
        "otp",  # the one-time password of 2FA-protected keys, sent in signed bodies
        "password",
        "refresh_token",
        "secret",  # Fast API key creation returns the new key's secret
        "token",  # GetWebSocketsToken's reply
    }
)
"""Keys whose values are replaced by ``<redacted>`` wherever they occur, at any depth, in JSON
bodies, form bodies and query strings of both requests and responses (compared lower-case)."""

RECORDED_REQUEST_HEADERS: frozenset[str] = frozenset({"accept", "content-type"})
"""The only request headers written to a cassette: an allow-list, so credential headers
(``API-Key``, ``API-Sign``, ``APIKey``, ``Authent``, ``Authorization``, ``Cookie``), the varying
Futures ``Nonce`` and any future custom auth header can never reach a file."""

DROPPED_RESPONSE_HEADERS: frozenset[str] = frozenset(
    {"connection", "content-encoding", "content-length", "keep-alive", "set-cookie"}
    | {"transfer-encoding"}
    | SENSITIVE_HEADERS
)
"""Response headers never recorded: cookies and credentials, plus framing headers that no longer
describe the (already decoded) body."""

BodyFormat = Literal["none", "json", "form", "text", "base64"]
_BODY_FORMATS: frozenset[str] = frozenset({"none", "json", "form", "text", "base64"})

MatchKey = tuple[str, str, tuple[tuple[str, str], ...], str, str]
"""What replay compares: method, path, sorted query pairs, body format, canonical body."""


def compact_json(value: object) -> str:
    """JSON without spaces, non-ASCII kept readable."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as stored: method, URL, readable headers, and the body without nonce or secrets.

    ``body_format`` is ``"json"`` (compact JSON text), ``"form"`` (form text), ``"text"``,
    ``"base64"`` (bytes that were not UTF-8) or ``"none"`` (no body).
    """

    method: str
    url: str
    endpoint: str
    headers: Mapping[str, str]
    body_format: BodyFormat
    body: str

    @property
    def path(self) -> str:
        """The URL's path, the part requests are grouped by."""
        return urlsplit(self.url).path or "/"

    def match_key(self) -> MatchKey:
        """What replay compares: method, path, query pairs, body format and canonical body.

        Scheme and host are left out, so a cassette replays against any base URL. JSON compares
        as parsed values (key order ignored), form and query as sorted pairs.
        """
        query = tuple(sorted(parse_qsl(urlsplit(self.url).query, keep_blank_values=True)))
        body = self.body
        # A hand-written cassette may still carry a nonce; it never takes part in matching.
        if self.body_format == "json":
            parsed = json.loads(body)
            if isinstance(parsed, dict):
                parsed.pop("nonce", None)
            body = json.dumps(parsed, sort_keys=True, separators=(",", ":"))
        elif self.body_format == "form":
            pairs = parse_qsl(body, keep_blank_values=True)
            body = compact_json(sorted(p for p in pairs if p[0] != "nonce"))
        return (self.method, self.path, query, self.body_format, body)

    def describe(self, limit: int = 240) -> str:
        """``METHOD /path?query body`` on one line, the body cut to ``limit`` characters."""
        query = urlsplit(self.url).query
        target = f"{self.path}?{query}" if query else self.path
        body = self.body if len(self.body) <= limit else self.body[:limit] + "..."
        return f"{self.method} {target}" + (f" {self.body_format} body {body}" if body else "")

    def to_json(self) -> dict[str, Any]:
        """The cassette-file representation, keys in a fixed, readable order."""
        return {
            "method": self.method,
            "url": self.url,
            "endpoint": self.endpoint,
            "headers": dict(self.headers),
            "body_format": self.body_format,
            "body": self.body,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordedRequest:
        """Read the cassette-file representation (raises ``ValueError`` when malformed)."""
        fmt = data.get("body_format", "none")
        if fmt not in _BODY_FORMATS:
            raise ValueError(f"unknown body_format {fmt!r}")
        request = cls(
            method=str(data["method"]).upper(),
            url=str(data["url"]),
            endpoint=str(data.get("endpoint", "")),
            headers={str(k): str(v) for k, v in dict(data.get("headers", {})).items()},
            body_format=fmt,
            body=str(data.get("body", "")),
        )
        request.match_key()  # fail at load time, not at the first replay, on an unparsable body
        return request


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """A response as stored; ``body`` is the exact bytes replay serves (secrets already out)."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def to_response(self) -> Response:
        """The :class:`Response` value replay hands back."""
        return Response(self.status, dict(self.headers), self.body)

    def to_json(self) -> dict[str, Any]:
        """The cassette-file representation: UTF-8 text when the body decodes, else base64."""
        try:
            body, encoding = self.body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            body, encoding = base64.b64encode(self.body).decode("ascii"), "base64"
        return {
            "status": self.status,
            "headers": dict(self.headers),
            "body_encoding": encoding,
            "body": body,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordedResponse:
        """Read the cassette-file representation (raises ``ValueError`` when malformed)."""
        encoding = data.get("body_encoding", "utf-8")
        text = str(data.get("body", ""))
        if encoding == "utf-8":
            body = text.encode("utf-8")
        elif encoding == "base64":
            try:
                body = base64.b64decode(text, validate=True)
            except binascii.Error as exc:
                raise ValueError(f"response body is not valid base64: {exc}") from None
        else:
            raise ValueError(f"unknown body_encoding {encoding!r}")
        headers = {str(k).lower(): str(v) for k, v in dict(data.get("headers", {})).items()}
        return cls(int(data["status"]), headers, body)


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded request and the response it got."""

    request: RecordedRequest
    response: RecordedResponse


def dumps_cassette(interactions: Iterable[Interaction], scrubbed_keys: Iterable[str]) -> str:
    """The cassette file text: pretty-printed JSON, fixed key order, trailing newline."""
    document = {
        "version": CASSETTE_VERSION,
        "scrubbed_keys": sorted({k.lower() for k in scrubbed_keys}),
        "interactions": [
            {"request": i.request.to_json(), "response": i.response.to_json()} for i in interactions
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def loads_cassette(text: str) -> tuple[list[Interaction], frozenset[str]]:
    """Parse cassette file text into its interactions and scrubbed keys.

    Raises:
        ValueError: the text is not a cassette of :data:`CASSETTE_VERSION`.
    """
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("version") != CASSETTE_VERSION:
        found = document.get("version") if isinstance(document, dict) else None
        raise ValueError(f"expected a cassette with version {CASSETTE_VERSION}, found {found!r}")
    try:
        interactions = [
            Interaction(
                RecordedRequest.from_json(item["request"]),
                RecordedResponse.from_json(item["response"]),
            )
            for item in document.get("interactions", [])
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed interaction: {type(exc).__name__}: {exc}") from None
    keys = frozenset(str(k).lower() for k in document.get("scrubbed_keys", ())) | SCRUBBED_KEYS
    return interactions, keys

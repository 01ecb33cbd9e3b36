"""The declarative description of one REST endpoint: the unit every catalogue is made of.

Clients are generated from catalogues of these records (``tools/codegen.py``), so a method's
name, verb, path, authentication, parameter type, result type, rate-limit cost and retry safety
are written exactly once.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["Auth", "Endpoint", "Payload", "Reply"]

P = TypeVar("P")
R = TypeVar("R")

_PATH_PARAM = re.compile(r"\{(\w+)\}")


class Auth(enum.Enum):
    """How a request proves who sends it."""

    PUBLIC = "public"
    """No credentials."""
    API_SIGN = "api-sign"
    """``API-Key`` + ``API-Sign`` over path and SHA256(nonce + body); nonce in the body."""
    BEARER = "bearer"
    """``Authorization: Bearer <api_access_token>`` (OAuth / Kraken Connect)."""
    BASIC = "basic"
    """``Authorization: Basic base64(client_id:client_secret)`` (OAuth token endpoint)."""
    AUTHENT = "authent"
    """Futures: ``APIKey`` + ``Authent`` over SHA256(postData + nonce + path), ``Nonce`` header."""
    EMBED = "embed"
    """Embed: ``API-Key`` + ``API-Sign`` over path+query and SHA256(nonce + body); ``API-Nonce``."""


class Payload(enum.Enum):
    """Where the parameters travel."""

    QUERY = "query"
    """In the URL's query string (GET)."""
    BODY = "body"
    """In the body, JSON or form as the client is configured."""
    FORM = "form"
    """Always a form body (e.g. the OAuth token endpoint)."""
    JSON = "json"
    """Always a JSON body."""


class Reply(enum.Enum):
    """How the reply is shaped."""

    ENVELOPE = "envelope"
    """Kraken's ``{"error": [...], "result": ...}``."""
    JSON = "json"
    """Plain JSON (OAuth endpoints)."""
    BINARY = "binary"
    """Raw bytes on success (an export's zip file), an envelope on failure."""
    FUTURES = "futures"
    """Futures ``{"result": "success"|"error", "serverTime": ..., ...}``."""
    TEXT = "text"
    """Plain text on success (a CSV file), a JSON error otherwise."""


@dataclass(frozen=True, slots=True)
class Endpoint(Generic[P, R]):
    """One operation: ``P`` is its parameter TypedDict, ``R`` its result type.

    Attributes:
        name: the Python method name, e.g. ``"get_ticker"``.
        method: HTTP verb.
        path: path below the base URL, ``{name}`` marks path parameters taken from the params.
        auth: how the request is authenticated.
        params: the TypedDict class of the parameters (its required keys are enforced).
        summary: one line for the generated docstring.
        payload: where parameters travel.
        reply: the reply's shape.
        cost: weight on Kraken's REST call counter (rate limits guide).
        retry_safe: a retry cannot do harm (reads, cancels by id); False for placements.
        operation_id: Kraken's OpenAPI ``operationId``, empty when Kraken's spec lacks it.
        doc_url: the Kraken documentation page for the endpoint.
        description: extra docstring paragraphs (permissions, notes).
        status_key: Futures order endpoints: the reply key whose ``status`` says whether the
            instruction was carried out (``sendStatus``, ``editStatus``, ``cancelStatus``,
            ``batchStatus``); a refusal there raises instead of looking like success.
        json_fields: parameters whose dict or list value travels as compact JSON text (the
            Futures ``batchorder`` ``json`` field).
        header_params: parameters that travel as HTTP headers under their own name (custody
            ``x-vault-id``).
        query_params: parameters that travel in the query string even when the rest is in the
            body (custody ``id``); for signed endpoints the query is part of the signed path.
        bearer_ok: a Futures endpoint whose spec security also accepts ``Authorization: Bearer``
            (the market-share stats); used when the client has a token but no keys.
    """

    name: str
    method: str
    path: str
    auth: Auth
    params: type[P]
    summary: str
    payload: Payload = Payload.BODY
    reply: Reply = Reply.ENVELOPE
    cost: float = 1.0
    retry_safe: bool = True
    operation_id: str = ""
    doc_url: str = ""
    description: str = ""
    status_key: str = ""
    json_fields: frozenset[str] = frozenset()
    header_params: frozenset[str] = frozenset()
    query_params: frozenset[str] = frozenset()
    bearer_ok: bool = False
    required: frozenset[str] = field(init=False, repr=False, compare=False)
    allowed: frozenset[str] = field(init=False, repr=False, compare=False)
    path_params: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hints: Any = self.params
        required = frozenset(getattr(hints, "__required_keys__", ()))
        optional = frozenset(getattr(hints, "__optional_keys__", ()))
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "allowed", required | optional)
        object.__setattr__(self, "path_params", tuple(_PATH_PARAM.findall(self.path)))

    @property
    def is_private(self) -> bool:
        """True when the endpoint needs credentials of any kind."""
        return self.auth is not Auth.PUBLIC

"""Building requests from an endpoint and its parameters: validation, encoding, signing input.

Everything that can be wrong with the caller's input is found here, before any I/O: params that
are not a mapping, missing required keys, unknown keys or ``None`` values under
``strict_param_validation``, non-finite numbers, unsupported types, a ``nonce`` the SDK owns.

Signed (API-Sign) requests are built in two steps so the time spent holding the per-key nonce
gate is as short as possible: :meth:`RequestBuilder.prepare` does the validation and encoding up
front and returns a :class:`PendingSignature`; the client then takes a nonce, asks the signer for
the signature over :meth:`PendingSignature.message`, and calls :meth:`PendingSignature.finish`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from hashlib import sha256
from typing import Any, Literal, Protocol
from urllib.parse import quote

from kraken.core.errors import KrakenUsageError, MissingCredentialsError
from kraken.core.rest.authent import AuthentDraft
from kraken.core.rest.embed import EmbedDraft
from kraken.core.rest.encoding import (
    encode_form,
    encode_json,
    json_text,
    plain_form_rest,
    plain_json_rest,
    to_wire,
)
from kraken.core.rest.endpoint import Auth, Endpoint, Payload
from kraken.core.rest.values import Request

__all__ = [
    "BodyEncoding",
    "PendingSignature",
    "RequestBuilder",
    "SignTarget",
    "SignedDraft",
    "pending_signature",
    "plain_pending_signature",
    "wire_fields",
]

BodyEncoding = Literal["json", "form"]

_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
# Parameters every API-Sign endpoint accepts besides its own (one-time password for 2FA keys).
_SIGNED_EXTRAS = frozenset({"otp"})
# Headers the SDK owns: a default header may not override credentials, nonce or framing.
_RESERVED_HEADERS = frozenset(
    {
        "api-key",
        "api-sign",
        "api-nonce",
        "apikey",
        "authent",
        "nonce",
        "authorization",
        "content-type",
        "content-length",
        "host",
    }
)
# Parameters that go into the Authorization header of the OAuth token endpoint, not the body.
_BASIC_CREDENTIALS = ("client_id", "client_secret")


def wire_fields(endpoint: Endpoint[Any, Any], params: object, *, strict: bool) -> dict[str, Any]:
    """Validate ``params`` for ``endpoint`` and convert every value to its exact wire form.

    Raises:
        KrakenUsageError: naming each offending parameter and what to do instead.
    """
    if params is None:
        params = {}
    elif type(params) is dict and not strict:
        fast = _plain_fields(endpoint, params)
        if fast is not None:
            return fast
    if not isinstance(params, Mapping):
        raise KrakenUsageError(
            f"{endpoint.name}() takes a dict of parameters, not {type(params).__name__}."
        )
    fields: dict[str, Any] = {}
    unknown: list[str] = []
    allowed = endpoint.allowed
    for key, value in params.items():
        if not isinstance(key, str):
            raise KrakenUsageError(
                f"{endpoint.name}(): parameter names must be strings, got {key!r}."
            )
        if value is None:
            if strict:
                raise KrakenUsageError(
                    f"{endpoint.name}(): parameter {key!r} is None; omit it or give a value "
                    "(strict_param_validation is on)."
                )
            continue
        if key == "nonce" and endpoint.auth is Auth.API_SIGN:
            raise KrakenUsageError(
                f"{endpoint.name}(): the SDK sets 'nonce' itself; to control it pass "
                "custom_timestamp_fn or a nonce_source to the client."
            )
        if (
            strict
            and key not in allowed
            and not (endpoint.auth is Auth.API_SIGN and key in _SIGNED_EXTRAS)
        ):
            unknown.append(key)
            continue
        if key in endpoint.json_fields and isinstance(value, Mapping | list | tuple):
            # e.g. Futures batchorder: the instructions travel as JSON text in one form field.
            fields[key] = json_text(value, key)
        else:
            fields[key] = to_wire(value, key)
    if unknown:
        valid = ", ".join(sorted(allowed)) or "none"
        raise KrakenUsageError(
            f"{endpoint.name}(): unknown parameter(s) {', '.join(map(repr, sorted(unknown)))}; "
            f"valid parameters: {valid}."
        )
    # An empty string is no value: `{"id": ""}` would otherwise travel as `?id=`.
    missing = {key for key in endpoint.required if fields.get(key, "") == ""}
    if missing:
        raise KrakenUsageError(
            f"{endpoint.name}(): missing required parameter(s) "
            f"{', '.join(map(repr, sorted(missing)))}."
        )
    return fields


def _plain_fields(endpoint: Endpoint[Any, Any], params: dict[Any, Any]) -> dict[str, Any] | None:
    """The common case without copying work: str keys, str/int values, nothing to check.

    Returns None when anything needs the full validation of :func:`wire_fields`.
    """
    for key, value in params.items():
        kind = type(value)
        if (kind is not str and kind is not int) or type(key) is not str:
            return None
    if "nonce" in params:
        return None
    required = endpoint.required
    if required:
        if not required <= params.keys():
            return None
        for key in required:
            if params[key] == "":
                return None
    return dict(params)


def _render_path(endpoint: Endpoint[Any, Any], fields: dict[str, Any]) -> str:
    path = endpoint.path
    for name in endpoint.path_params:
        value = fields.pop(name, None)
        if value is None or value == "":
            raise KrakenUsageError(f"{endpoint.name}(): path parameter {name!r} is required.")
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path


class SignedDraft(Protocol):
    """A validated, encoded request waiting for its nonce and signature (any signing scheme)."""

    @property
    def endpoint(self) -> str:
        """The catalogue name of the endpoint (``"submit_order"``)."""
        ...

    def signing_input(self, nonce: int) -> tuple[bytes, bytes]:
        """The exact body bytes for this nonce, and the bytes the HMAC-SHA512 covers."""
        ...

    def finish(self, nonce: int, body: bytes, api_key: str, signature: str) -> Request:
        """The final request carrying the credentials, nonce and signature."""
        ...


class SignTarget:
    """Where an API-Sign request goes and how: everything about it that no parameter changes.

    A :class:`RequestBuilder` keeps one per endpoint whose path, headers and query do not
    depend on the parameters (nearly all of Spot), so a call does not rebuild them.
    """

    __slots__ = ("endpoint", "form", "head", "headers", "path", "path_bytes", "url")

    def __init__(
        self, endpoint: str, url: str, path: str, headers: dict[str, str], form: bool
    ) -> None:
        self.endpoint = endpoint
        self.url = url
        self.path = path
        self.path_bytes = path.encode()
        self.form = form
        self.head = b"nonce=" if form else b'{"nonce":'  # the body's start: the nonce first
        headers["Content-Type"] = _FORM if form else _JSON
        self.headers = headers  # never mutated afterwards: finish() copies it

    def __repr__(self) -> str:
        return f"SignTarget(endpoint={self.endpoint!r}, path={self.path!r}, form={self.form})"


class PendingSignature:
    """A validated, encoded API-Sign request waiting for its nonce and signature.

    The parameters are encoded once, here, before the caller takes the per-key gate; the
    nonce is then spliced in front (``{"nonce":N,...}`` or ``nonce=N&...``), so the work done
    while holding the gate is a concatenation, a SHA-256 and the HMAC.
    """

    __slots__ = ("_tail", "_target")

    def __init__(self, target: SignTarget, tail: bytes) -> None:
        """Use :func:`pending_signature` (any fields) or :func:`plain_pending_signature`."""
        self._target = target
        self._tail = tail

    @property
    def endpoint(self) -> str:
        """The catalogue name of the endpoint."""
        return self._target.endpoint

    @property
    def path(self) -> str:
        """The URL path that is signed (with its query, if any)."""
        return self._target.path

    def signing_input(self, nonce: int) -> tuple[bytes, bytes]:
        """The body for this nonce (it goes first) and ``path || SHA256(nonce || body)``."""
        target = self._target
        digits = b"%d" % nonce
        body = target.head + digits + self._tail
        return body, target.path_bytes + sha256(digits + body).digest()

    def finish(self, nonce: int, body: bytes, api_key: str, signature: str) -> Request:
        """The final request with ``API-Key`` and ``API-Sign`` (the nonce is in the body)."""
        target = self._target
        headers = target.headers.copy()
        headers["API-Key"] = api_key
        headers["API-Sign"] = signature
        # tuple.__new__ skips the named tuple's Python-level __new__ (~0.1 us, bench B2).
        return tuple.__new__(Request, ("POST", target.url, headers, body, target.endpoint))

    def __repr__(self) -> str:
        return f"PendingSignature(endpoint={self.endpoint!r}, path={self.path!r})"


def pending_signature(target: SignTarget, fields: dict[str, Any]) -> PendingSignature:
    """The draft of validated wire ``fields`` (see :func:`wire_fields`) for ``target``."""
    if target.form:
        text = encode_form(fields)
        return PendingSignature(target, ("&" + text).encode() if text else b"")
    return PendingSignature(target, (b"," + encode_json(fields)[1:]) if fields else b"}")


def plain_pending_signature(
    target: SignTarget, required: frozenset[str], params: dict[Any, Any]
) -> PendingSignature | None:
    """The draft of a dict of plain strings in one fused pass, or None to validate fully.

    Plain as :func:`~kraken.core.rest.encoding.plain_json_rest` says, with every
    ``required`` name present and no ``nonce``. The bytes are those :func:`pending_signature`
    writes for the same params; the general path is ~1.3 us slower (bench B2).
    """
    if "nonce" in params or not params.keys() >= required:
        return None
    rest = plain_form_rest(params) if target.form else plain_json_rest(params)
    return None if rest is None else PendingSignature(target, rest)


class RequestBuilder:
    """Builds the requests of one catalogue against one base URL.

    Args:
        base_url: validated base URL, without trailing slash.
        body_encoding: ``"json"`` (default; compact JSON, measured fastest and able to carry
            nested values such as AddOrderBatch orders) or ``"form"``.
        strict: reject unknown parameters and ``None`` values (``strict_param_validation``).
        user_agent: the ``User-Agent`` header Kraken asks every client to send.
        default_headers: extra headers for every request (e.g. Embed's ``Kraken-Version``);
            they may not replace the credential or content headers the SDK sets.
    """

    __slots__ = ("_form", "_headers", "_targets", "base_url", "strict")

    def __init__(
        self,
        base_url: str,
        *,
        body_encoding: BodyEncoding = "json",
        strict: bool = False,
        user_agent: str,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        if body_encoding not in ("json", "form"):
            raise KrakenUsageError(
                f"body_encoding must be 'json' or 'form', not {body_encoding!r}."
            )
        self.base_url = base_url
        self.strict = strict
        self._form = body_encoding == "form"
        extra = dict(default_headers or {})
        reserved = {k for k in extra if k.lower() in _RESERVED_HEADERS}
        if reserved or not all(isinstance(v, str) for v in extra.values()):
            raise KrakenUsageError(
                f"default_headers must map names to str and may not set {sorted(reserved) or ''}"
                f" (the SDK sets {', '.join(sorted(_RESERVED_HEADERS))} itself)."
            )
        self._headers = {"User-Agent": user_agent, **extra}
        # id(endpoint) -> (endpoint, its fixed SignTarget); the endpoint is kept so an id is
        # never reused for another one while the entry lives.
        self._targets: dict[int, tuple[Endpoint[Any, Any], SignTarget]] = {}

    def prepare(
        self,
        endpoint: Endpoint[Any, Any],
        params: object,
        *,
        access_token: str | None = None,
        keys_available: bool = True,
    ) -> Request | SignedDraft:
        """Validate and encode; signed endpoints return a :class:`SignedDraft` to finish.

        ``keys_available=False`` with an ``access_token`` sends a ``bearer_ok`` Futures endpoint
        with ``Authorization: Bearer`` instead of ``Authent``.
        """
        cached = self._targets.get(id(endpoint))
        if cached is not None and cached[0] is endpoint:
            target = cached[1]
            if type(params) is dict and params and not self.strict:
                draft = plain_pending_signature(target, endpoint.required, params)
                if draft is not None:
                    return draft
            return pending_signature(target, wire_fields(endpoint, params, strict=self.strict))
        fields = wire_fields(endpoint, params, strict=self.strict)
        path = _render_path(endpoint, fields) if endpoint.path_params else endpoint.path
        headers = dict(self._headers)
        for name in endpoint.header_params:
            value = fields.pop(name, None)
            if value is not None:
                headers[name] = str(value)
        if endpoint.query_params:
            # Signed endpoints sign the path *with* this query (custody-rest-auth, embed-rest-auth).
            query = {k: fields.pop(k) for k in endpoint.query_params if k in fields}
            if query:
                path = f"{path}?{encode_form(query)}"
        url = self.base_url + path
        auth = endpoint.auth
        if auth is Auth.AUTHENT and endpoint.bearer_ok and access_token and not keys_available:
            auth = Auth.BEARER
        if auth is Auth.AUTHENT:
            return self._authent(endpoint, url, path, fields, headers)
        if auth is Auth.EMBED:
            return self._embed(endpoint, url, path, fields, headers)
        if auth is Auth.API_SIGN:
            form = (
                self._form if endpoint.payload is Payload.BODY else endpoint.payload is Payload.FORM
            )
            target = SignTarget(endpoint.name, url, path, headers, form)
            if not (endpoint.path_params or endpoint.header_params or endpoint.query_params):
                self._targets[id(endpoint)] = (endpoint, target)
            return pending_signature(target, fields)
        if auth is Auth.BEARER:
            if not access_token:
                raise MissingCredentialsError(
                    f"{endpoint.name}() needs an OAuth access token: pass api_access_token= to the "
                    "client (see the OAuth / Kraken Connect guide)."
                )
            headers["Authorization"] = f"Bearer {access_token}"
        elif auth is Auth.BASIC:
            client_id = fields.pop(_BASIC_CREDENTIALS[0], None)
            client_secret = fields.pop(_BASIC_CREDENTIALS[1], "")
            if not client_id:
                raise MissingCredentialsError(
                    f"{endpoint.name}() needs 'client_id' (and 'client_secret' for confidential "
                    "clients) in its parameters."
                )
            pair = f"{client_id}:{client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        return self._unsigned(endpoint, url, fields, headers)

    def _authent(
        self,
        endpoint: Endpoint[Any, Any],
        url: str,
        path: str,
        fields: dict[str, Any],
        headers: dict[str, str],
    ) -> AuthentDraft:
        query = ""
        body = b""
        if endpoint.payload is Payload.QUERY or endpoint.method in ("GET", "DELETE"):
            query = encode_form(fields)
            if query:
                url = f"{url}?{query}"
        elif endpoint.payload is Payload.JSON:
            # postData is the body exactly as sent, whatever its encoding (futures-rest guide).
            body = encode_json(fields)
            headers["Content-Type"] = _JSON
        else:
            body = encode_form(fields).encode()
            headers["Content-Type"] = _FORM
        return AuthentDraft(endpoint.name, endpoint.method, url, path, query, body, headers)

    def _embed(
        self,
        endpoint: Endpoint[Any, Any],
        url: str,
        path: str,
        fields: dict[str, Any],
        headers: dict[str, str],
    ) -> EmbedDraft:
        body = b""
        if endpoint.payload is Payload.QUERY or endpoint.method in ("GET", "DELETE"):
            if fields:
                separator = "&" if "?" in path else "?"
                path = f"{path}{separator}{encode_form(fields)}"
                url = self.base_url + path
        elif fields or endpoint.method in ("POST", "PUT", "PATCH"):
            body = encode_json(fields)
            headers["Content-Type"] = _JSON
        return EmbedDraft(endpoint.name, endpoint.method, url, path, body, headers)

    def _unsigned(
        self,
        endpoint: Endpoint[Any, Any],
        url: str,
        fields: dict[str, Any],
        headers: dict[str, str],
    ) -> Request:
        payload = endpoint.payload
        if payload is Payload.QUERY or (
            endpoint.method in ("GET", "DELETE") and payload is Payload.BODY
        ):
            if fields:
                url = f"{url}?{encode_form(fields)}"
            return Request(endpoint.method, url, headers, b"", endpoint.name)
        form = payload is Payload.FORM or (payload is Payload.BODY and self._form)
        headers["Content-Type"] = _FORM if form else _JSON
        body = encode_form(fields).encode() if form else encode_json(fields)
        return Request(endpoint.method, url, headers, body, endpoint.name)

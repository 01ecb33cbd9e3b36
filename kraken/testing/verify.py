"""An independent verifier of Kraken Spot REST authentication: API-Key, API-Sign and nonce.

Written from Kraken's text alone (https://docs.kraken.com/api/docs/guides/spot-rest-auth), and on
purpose it shares no code with :mod:`kraken.core.auth.signing`: a test that signs with the SDK and
checks here catches the signer's bugs instead of repeating them.

The rule, over the exact bytes sent::

    API-Sign = base64( HMAC-SHA512( key = base64decode(secret),
                                    msg = uri_path || SHA256( str(nonce) || body ) ) )

``uri_path`` starts at ``/0/private`` and includes any query string; ``nonce`` is read from the
body itself (``nonce=N&...`` for form bodies, ``{"nonce": N, ...}`` for JSON bodies, as the
``Content-Type`` says), so a body whose nonce differs from the signed one fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

__all__ = [
    "INVALID_ARGUMENTS",
    "INVALID_KEY",
    "INVALID_NONCE",
    "INVALID_SIGNATURE",
    "MAX_NONCE",
    "SpotAuthVerifier",
    "StrictNonceBook",
    "Verdict",
    "expected_spot_signature",
]

# Kraken's exact error strings (https://docs.kraken.com/api/docs/guides/spot-errors).
INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"
INVALID_ARGUMENTS = "EGeneral:Invalid arguments"

MAX_NONCE = 2**64 - 1
"""The nonce is an "always increasing, unsigned 64-bit integer"."""

# Canonical decimal only: a leading zero, sign or non-ASCII digit would let the nonce text in
# the body differ from str(nonce) in the hash, which is exactly the kind of bug to catch.
_NONCE_TEXT = re.compile(r"0|[1-9][0-9]*")
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one request.

    Attributes:
        ok: the request is authentic and its nonce was accepted.
        error: ``""`` when ``ok``, else Kraken's exact error string (``EAPI:Invalid key``,
            ``EAPI:Invalid signature``, ``EAPI:Invalid nonce`` or ``EGeneral:Invalid arguments``).
        detail: a human explanation for test failures; never contains a secret.
        nonce: the nonce read from the body, when there was a valid one.
        params: the decoded body without ``nonce`` (form values are strings, or lists of strings
            for repeated names; JSON values as decoded).
    """

    ok: bool
    error: str = ""
    detail: str = ""
    nonce: int | None = None
    params: Mapping[str, object] = field(default_factory=dict)


class _Rejected(Exception):
    def __init__(self, error: str, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


def expected_spot_signature(secret: str | bytes, path: str, nonce: int | str, body: bytes) -> str:
    """Recompute ``API-Sign`` for ``path`` (with query string), ``nonce`` and the raw ``body``.

    ``secret`` is the base64 private key as Kraken shows it, or the already decoded raw bytes.
    """
    key = base64.b64decode(secret, validate=True) if isinstance(secret, str) else secret
    inner = hashlib.sha256(str(nonce).encode("ascii") + body).digest()
    mac = hmac.new(key, path.encode("utf-8") + inner, hashlib.sha512).digest()
    return base64.b64encode(mac).decode("ascii")


def _nonce_from(value: object) -> int:
    if isinstance(value, str) and _NONCE_TEXT.fullmatch(value):
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        number = value
    else:
        raise _Rejected(INVALID_NONCE, f"nonce {value!r} is not an unsigned decimal integer")
    if number > MAX_NONCE:
        raise _Rejected(INVALID_NONCE, f"nonce {number} does not fit in 64 bits")
    return number


def _decode_form(body: bytes) -> dict[str, object]:
    try:
        text = body.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True) if text else []
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Rejected(INVALID_ARGUMENTS, f"form body does not parse: {exc}") from exc
    params: dict[str, object] = {}
    for name, value in pairs:
        if name not in params:
            params[name] = value
        else:
            previous = params[name]
            params[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return params


def _decode_json(body: bytes) -> dict[str, object]:
    try:
        decoded = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Rejected(INVALID_ARGUMENTS, f"JSON body does not parse: {exc}") from exc
    if not isinstance(decoded, dict):
        raise _Rejected(INVALID_ARGUMENTS, "JSON body is not an object")
    return decoded


def _decode_body(body: bytes, content_type: str | None) -> tuple[int, dict[str, object]]:
    # No Content-Type means a form body, as Kraken's original REST API assumed.
    media_type = (content_type or _FORM).split(";", 1)[0].strip().lower()
    if media_type == _FORM:
        params = _decode_form(body)
    elif media_type == _JSON:
        params = _decode_json(body)
    else:
        raise _Rejected(INVALID_ARGUMENTS, f"unsupported Content-Type {content_type!r}")
    if "nonce" not in params:
        raise _Rejected(INVALID_NONCE, "the body has no nonce")
    raw = params.pop("nonce")
    if isinstance(raw, list):
        raise _Rejected(INVALID_NONCE, "the body has more than one nonce")
    return _nonce_from(raw), params


@dataclass(slots=True)
class _KeyNonces:
    highest: int
    history: list[int]
    # Values accepted at or above highest - window (only kept when window > 0), as a set for
    # lookups and a min-heap to forget the ones that fall out of the window.
    seen: set[int] = field(default_factory=set)
    heap: list[int] = field(default_factory=list)


class StrictNonceBook:
    """Thread-safe nonce bookkeeping per API key, as Kraken applies it.

    By default a nonce is accepted only if it is strictly greater than the highest one accepted
    for that key. With ``window=N`` (Kraken's per-key "nonce window", "nonce amount to accept
    from highest nonce") a nonce down to ``highest - N`` is also accepted, once, if it was never
    seen. Every accepted nonce is recorded in acceptance order (:meth:`history`), inside the same
    lock as the decision, so tests can assert that the order on the wire was strictly rising.
    """

    def __init__(self, window: int = 0) -> None:
        if window < 0:
            raise ValueError(f"window must be >= 0, got {window}")
        self._window = window
        self._lock = threading.Lock()
        self._keys: dict[str, _KeyNonces] = {}

    @property
    def window(self) -> int:
        """How far below the highest accepted nonce an unseen nonce may be."""
        return self._window

    def accept(self, api_key: str, nonce: int) -> bool:
        """Record ``nonce`` for ``api_key`` and return ``True``, or return ``False`` if stale."""
        with self._lock:
            state = self._keys.get(api_key)
            if state is None:
                state = self._keys[api_key] = _KeyNonces(highest=nonce, history=[])
            elif nonce > state.highest:
                state.highest = nonce
            elif not (
                self._window and nonce >= state.highest - self._window and nonce not in state.seen
            ):
                return False
            state.history.append(nonce)
            if self._window:
                state.seen.add(nonce)
                heapq.heappush(state.heap, nonce)
                floor = state.highest - self._window
                # Bounded: each value is pushed once and popped at most once.
                while state.heap and state.heap[0] < floor:
                    state.seen.discard(heapq.heappop(state.heap))
            return True

    def highest(self, api_key: str) -> int | None:
        """The highest nonce accepted for ``api_key``, or ``None`` if none was."""
        with self._lock:
            state = self._keys.get(api_key)
            return None if state is None else state.highest

    def history(self, api_key: str) -> tuple[int, ...]:
        """Every nonce accepted for ``api_key``, in the order they were accepted."""
        with self._lock:
            state = self._keys.get(api_key)
            return () if state is None else tuple(state.history)

    def __repr__(self) -> str:
        with self._lock:
            return f"StrictNonceBook(window={self._window}, keys={len(self._keys)})"


class SpotAuthVerifier:
    """Checks private Spot requests against known keys and a :class:`StrictNonceBook`.

    Checks run in this order, each failing with Kraken's string: the key is known
    (``EAPI:Invalid key``), the body parses and holds one valid nonce (``EGeneral:Invalid
    arguments`` / ``EAPI:Invalid nonce``), the signature matches in constant time
    (``EAPI:Invalid signature``), and only then the nonce is fresh (``EAPI:Invalid nonce``), so a
    forged request never consumes a nonce.

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
        path: str,
        body: bytes,
        content_type: str | None,
    ) -> Verdict:
        """Check one request and, if it is authentic, consume its nonce.

        Args:
            api_key: the ``API-Key`` header (``None`` if absent).
            api_sign: the ``API-Sign`` header (``None`` if absent).
            path: the URI path from ``/0/private`` on, with ``?query`` if one was sent.
            body: the raw body bytes exactly as received.
            content_type: the ``Content-Type`` header (``None`` if absent).
        """
        try:
            nonce, params = self._authentic(api_key, api_sign, path, body, content_type)
        except _Rejected as rejected:
            return Verdict(False, rejected.error, rejected.detail)
        assert api_key is not None  # _authentic rejects a missing key
        if not self.nonce_book.accept(api_key, nonce):
            highest = self.nonce_book.highest(api_key)
            return Verdict(
                False,
                INVALID_NONCE,
                f"nonce {nonce} is not above {highest} (window {self.nonce_book.window})",
                nonce,
                params,
            )
        return Verdict(True, nonce=nonce, params=params)

    def check_signature(
        self,
        *,
        api_key: str | None,
        api_sign: str | None,
        path: str,
        body: bytes,
        content_type: str | None,
    ) -> Verdict:
        """Like :meth:`verify` without touching the nonce book (replays pass)."""
        try:
            nonce, params = self._authentic(api_key, api_sign, path, body, content_type)
        except _Rejected as rejected:
            return Verdict(False, rejected.error, rejected.detail)
        return Verdict(True, nonce=nonce, params=params)

    def _authentic(
        self,
        api_key: str | None,
        api_sign: str | None,
        path: str,
        body: bytes,
        content_type: str | None,
    ) -> tuple[int, dict[str, object]]:
        secret = self._secrets.get(api_key) if api_key is not None else None
        if secret is None:
            raise _Rejected(INVALID_KEY, "unknown or missing API-Key")
        nonce, params = _decode_body(body, content_type)
        expected = expected_spot_signature(secret, path, nonce, body).encode("ascii")
        received = (api_sign or "").encode("utf-8", "replace")
        if not hmac.compare_digest(expected, received):
            raise _Rejected(INVALID_SIGNATURE, f"API-Sign does not match for path {path!r}")
        return nonce, params

    def __repr__(self) -> str:
        return f"SpotAuthVerifier(keys=<{len(self._secrets)} redacted>, {self.nonce_book!r})"

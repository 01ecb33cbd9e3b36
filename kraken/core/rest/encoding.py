"""Exact wire encodings of request parameters: values, JSON bodies, form bodies, query strings.

Money never passes through a binary float on the way out: ``Decimal`` is written with
``format(d, "f")`` and a ``float`` with its shortest round-trip text (``repr``), both without
exponents, and both as JSON *strings* (form bodies carry only strings, so Kraken parses numeric
strings everywhere). NaN and infinities are refused before any I/O.
"""

from __future__ import annotations

import json
import json.encoder
import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from kraken.core.errors import KrakenUsageError

__all__ = [
    "decimal_text",
    "encode_form",
    "encode_json",
    "float_text",
    "json_text",
    "plain_form_rest",
    "plain_json_rest",
    "to_wire",
]

_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*\Z")


def _not_wire_ready(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON serializable (to_wire() it first)")


def _compact_json_encoder() -> Callable[[Any], str]:
    """Compact, ASCII-only, NaN-refusing JSON text of wire-ready values (see :func:`to_wire`).

    ``JSONEncoder.encode`` builds a new C encoder on every call (~0.8 us of a 2 us body, bench
    B2); this one is built once. No circular-reference check: wire values come from
    :func:`to_wire`, which never makes cycles. Falls back to ``JSONEncoder`` where the C
    accelerator is missing.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode
    iterencode = make(
        None,  # markers: no circular check
        _not_wire_ready,
        json.encoder.encode_basestring_ascii,
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )

    def encode(value: Any) -> str:
        return "".join(iterencode(value, 0))

    return encode


_json_encode = _compact_json_encoder()


def float_text(value: float, *, name: str = "value") -> str:
    """The shortest exact text of a float, without exponent: ``1e-07`` -> ``"0.0000001"``."""
    if not math.isfinite(value):
        raise KrakenUsageError(f"{name} is {value!r}; Kraken accepts only finite numbers.")
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def decimal_text(value: Decimal, *, name: str = "value") -> str:
    """A Decimal as plain digits, never in exponent form: ``Decimal("1E+2")`` -> ``"100"``."""
    if not value.is_finite():
        raise KrakenUsageError(f"{name} is {value!r}; Kraken accepts only finite numbers.")
    return format(value, "f")


def to_wire(value: Any, name: str) -> Any:
    """Convert one parameter value to its JSON-ready wire form (see the module docstring)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if kind is Decimal:
        return decimal_text(value, name=name)
    if kind is float:
        return float_text(value, name=name)
    # Subclasses (str or int enums, numpy-free int types) are reduced to the plain builtin they
    # hold: a `class Side(str, Enum)` member travels as its value ("buy"), as json.dumps writes
    # it, never as its str() ("Side.BUY").
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Decimal):
        return decimal_text(value, name=name)
    if isinstance(value, float):
        return float_text(value, name=name)
    if isinstance(value, Mapping):
        return {str(k): to_wire(v, f"{name}.{k}") for k, v in value.items() if v is not None}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [to_wire(v, f"{name}[{i}]") for i, v in enumerate(value)]
    raise KrakenUsageError(
        f"{name} has type {kind.__name__}; pass str, int, bool, Decimal, float, a list or a dict."
    )


def encode_json(fields: Mapping[str, Any], *, nonce: int | None = None) -> bytes:
    """Compact JSON (no spaces), with ``nonce`` first when given; these are the bytes signed."""
    if nonce is None:
        return _json_encode(fields).encode()
    if not fields:
        return b'{"nonce":%d}' % nonce
    # Splice the nonce in front instead of copying the dict: `{"nonce":N,` + `"a":1,...}`.
    return b'{"nonce":%d,' % nonce + _json_encode(fields)[1:].encode()


def json_text(value: Any, name: str = "json") -> str:
    """Compact JSON text in which numbers keep their exact decimal text, as JSON numbers.

    For JSON carried inside one field (the Futures ``batchorder`` ``json`` parameter), where
    Kraken expects numbers: ``Decimal("1.10")`` becomes ``1.10``, ``0.1`` becomes ``0.1``,
    never a binary expansion or an exponent.
    """
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value, name=name)
    if isinstance(value, float):
        return float_text(value, name=name)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return _json_encode(str(value))
    if isinstance(value, Mapping):
        items = (f"{_json_encode(str(k))}:{json_text(v, f'{name}.{k}')}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return "[" + ",".join(json_text(v, f"{name}[{i}]") for i, v in enumerate(value)) + "]"
    raise KrakenUsageError(
        f"{name} has type {kind.__name__}; pass str, int, bool, Decimal, float, a list or a dict."
    )


# RFC 3986 escapes of every ASCII character outside the unreserved set, for str.translate: one
# C call per value instead of a regex test plus urllib's quote (bench B2, form body).
_ASCII_ESCAPES = {code: f"%{code:02X}" for code in range(128) if not _UNRESERVED.match(chr(code))}


_UNRESERVED_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"


def _quote(text: str) -> str:
    if not text.strip(_UNRESERVED_CHARS):  # nothing but unreserved characters: as it is
        return text
    if text.isascii():
        return text.translate(_ASCII_ESCAPES)
    return quote(text, safe="-_.~")  # UTF-8 first, then escapes


def _flatten(prefix: str, value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, out)
    else:
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = str.__str__(value)  # a str enum member is its value (see to_wire)
        else:
            text = str(value)
        out.append(f"{_quote(prefix)}={_quote(text)}")


def encode_form(fields: Mapping[str, Any], *, nonce: int | None = None) -> str:
    """``application/x-www-form-urlencoded`` text with RFC 3986 percent-encoding.

    Everything but the unreserved characters ``A-Z a-z 0-9 - _ . ~`` is escaped (spaces as
    ``%20``), which is what Kraken's Futures ``Authent`` must hash byte for byte. Nested values
    use PHP-style brackets (``close[ordertype]=limit``, ``orders[0][type]=buy``).
    """
    out: list[str] = [f"nonce={nonce}"] if nonce is not None else []
    for key, value in fields.items():
        if type(value) is str:  # the common case, without the recursion
            out.append(f"{_quote(key)}={_quote(value)}")
        else:
            _flatten(key, value, out)
    return "&".join(out)


# The fused fast paths below build a whole body with two C-level joins and then check the
# result in a few C-level passes, instead of validating each value in Python and then encoding
# it (bench B2: ~1.3 us of a 7 us prepare, Python 3.11). They answer None whenever anything is
# not plain, and the caller then takes the general path, which produces the same bytes.

# Bytes that keep a JSON string from being written as it is: '"', backslash, controls, DEL
# (encode_basestring_ascii escapes them) and every non-ASCII byte (it writes those as \\uXXXX).
_JSON_NOT_PLAIN = bytes([*range(0x20), ord('"'), ord("\\"), *range(0x7F, 0x100)])


def plain_json_rest(params: dict[Any, Any]) -> bytes | None:
    """A JSON object's end after its first member, ``,"k":"v","k2":"v2"}``, or None.

    For a non-empty dict of plain strings, the bytes :func:`encode_json` writes for them after
    the ``{"nonce":N`` a signed body starts with.

    Plain: every key and value is a ``str`` of printable ASCII without ``"`` or backslash, so
    JSON writes it as it is, and no value is empty (an empty required value must be refused by
    the general path). Anything else, an int included, answers None.
    """
    try:
        raw = '","'.join(map('":"'.join, params.items())).encode()
    except TypeError:  # a key or value that is not a str
        return None
    # The joins wrote 4n - 2 quotes; deleting them and any byte that is not plain must delete
    # nothing else.
    if len(raw.translate(None, _JSON_NOT_PLAIN)) != len(raw) - 4 * len(params) + 2:
        return None
    if not all(params.values()):
        return None
    return b',"' + raw + b'"}'


# ASCII bytes a form value keeps as they are (RFC 3986 unreserved), plus the '=' and '&' the
# join writes between names, values and pairs.
_FORM_KEPT = (_UNRESERVED_CHARS + "=&").encode()


def plain_form_rest(params: dict[Any, Any]) -> bytes | None:
    """A form body's end after its first pair, ``&k=v&k2=v2`` (RFC 3986 escapes), or None.

    For a non-empty dict of plain strings, the bytes :func:`encode_form` writes for them after
    the ``nonce=N`` a signed body starts with.

    Plain: every key and value is a non-empty ``str`` of ASCII without ``=`` or ``&``; the
    characters to escape are replaced one distinct character at a time (``%`` first), which
    gives exactly what :func:`encode_form` writes.
    """
    try:
        text = "&".join(map("=".join, params.items()))
    except TypeError:  # a key or value that is not a str
        return None
    if not text.isascii():
        return None
    raw = text.encode()
    count = len(params)
    if raw.count(b"=") != count or raw.count(b"&") != count - 1 or not all(params.values()):
        return None
    escaped = raw.translate(None, _FORM_KEPT)
    if not escaped:
        return b"&" + raw
    distinct = set(escaped.decode())
    if "%" in distinct:  # first, so the escapes written next are not escaped again
        text = text.replace("%", "%25")
        distinct.discard("%")
    for char in distinct:
        text = text.replace(char, _ASCII_ESCAPES[ord(char)])
    return ("&" + text).encode()

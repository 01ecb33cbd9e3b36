"""JSON text for the fake's frames: exact decimal digits on the wire, Kraken's time formats."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

__all__ = ["decimal_text", "dumps", "iso_millis", "rfc1123", "rfc3339"]

_string = json.encoder.encode_basestring_ascii


def decimal_text(value: Decimal, places: int | None = None) -> str:
    """``value`` as plain decimal text (never scientific), with exactly ``places`` decimals."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return format(value, "f")


def dumps(value: Any) -> str:
    """Compact JSON where a ``Decimal`` becomes a JSON number with exactly its own digits.

    Kraken's WebSocket v2 sends prices and quantities as numbers "containing full precision"
    (https://docs.kraken.com/api/docs/guides/spot-ws-book-v2): ``0.10000000`` keeps its zeros,
    which the book checksum depends on; :func:`json.dumps` would need floats and lose them.
    """
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Decimal):
        out.append(decimal_text(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(repr(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _utc(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


def rfc3339(now: float) -> str:
    """``2026-01-01T00:00:00.123456Z``: WebSocket v2 timestamps."""
    return _utc(now).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_millis(now: float) -> str:
    """``2026-01-01T00:00:00.123Z``: Futures ``serverTime``."""
    return _utc(now).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def rfc1123(now: float) -> str:
    """Kraken's ``Time`` format, two-digit year included: ``Thu, 01 Jan 26 00:00:00 +0000``."""
    return _utc(now).strftime("%a, %d %b %y %H:%M:%S +0000")

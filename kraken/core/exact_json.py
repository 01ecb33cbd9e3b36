"""Exact JSON decoding for replies and frames: numbers with a fraction become ``Decimal``.

``json.JSONDecoder.decode`` wraps its C scanner in two Python frames and two regex matches for
surrounding whitespace; Kraken's bodies and frames have none, so :func:`loads` calls the C
scanner once and falls back to the full decoder only when the text does not end where the JSON
value does (whitespace around it, or an error to report). Half the cost per decode (bench B3,
B5), the same values and the same exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["loads"]

_decoder = json.JSONDecoder(parse_float=Decimal)
# The decoder's scanner (C in CPython), set in JSONDecoder.__init__ but not in typeshed's stub.
_scan_once: Callable[[str, int], tuple[Any, int]] = _decoder.scan_once  # type: ignore[attr-defined]
_decode = _decoder.decode


def loads(text: str) -> Any:
    """Decode ``text`` as ``json.loads(text, parse_float=Decimal)`` does.

    Raises:
        json.JSONDecodeError: the text is not one JSON value.
    """
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:  # the scanner's "no value here": let the decoder word the error
        return _decode(text)
    if end != len(text):  # whitespace after the value, or a second value: the decoder decides
        return _decode(text)
    return value

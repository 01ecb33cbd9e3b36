"""Kraken's book CRC32: exact wire text of each price and quantity, top 10 levels per side.

The rule (https://docs.kraken.com/api/docs/guides/spot-ws-book-v2, the level3 variant in
https://docs.kraken.com/api/docs/guides/spot-ws-l3-v2): take the top 10 asks low to high, then the
top 10 bids high to low; for every level remove ``.`` from the price text and strip its leading
zeros, do the same to the quantity text, append price then quantity; CRC32 (zlib, unsigned) of
asks part + bids part. The text must be the digits Kraken sent: decode frames with
``json.loads(text, parse_float=Decimal)`` (``str`` of such a Decimal keeps every digit, trailing
zeros included) or pass the JSON strings. A feed already decoded to binary floats has lost that
text; it is rebuilt by padding to the pair's ``price_precision``/``qty_precision`` (instrument
channel), which is how the official float example reproduces.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from kraken.core.errors import KrakenUsageError

__all__ = ["CHECKSUM_LEVELS", "checksum_of", "crc_fragment", "number_and_text"]

#: Levels per side that the checksum covers, whatever the subscribed depth.
CHECKSUM_LEVELS = 10

Number = Decimal | str | int | float


def _pad(text: str, precision: int) -> str:
    """Append zeros so ``text`` shows ``precision`` decimals; never rounds, never shortens."""
    if precision <= 0:
        return text
    dot = text.find(".")
    if dot < 0:
        return text + "." + "0" * precision
    short = precision - (len(text) - dot - 1)
    return text + "0" * short if short > 0 else text


def number_and_text(value: object, precision: int | None) -> tuple[Decimal, str]:
    """Return ``(exact Decimal, wire text)`` of one price or quantity as it came off the wire.

    ``Decimal`` and JSON-string values keep their own digits (scientific form such as ``1E-7`` is
    written out as ``0.0000001``; with a ``precision`` a shorter text is padded with zeros, never
    rounded). Floats need ``precision``: they are formatted with exactly that many decimals.
    """
    kind = type(value)
    if kind is Decimal:
        number: Decimal = value  # type: ignore[assignment]
        text = str(number)
        if "E" in text:
            text = format(number, "f")
    elif kind is str:
        try:
            number = Decimal(value)  # type: ignore[arg-type]
        except InvalidOperation:
            raise KrakenUsageError(f"book value {value!r} is not a number") from None
        if not number.is_finite():
            raise KrakenUsageError(f"book value {value!r} is not a finite number")
        text = value  # type: ignore[assignment]
        if "E" in text or "e" in text:
            text = format(number, "f")
    elif kind is int:
        number = Decimal(value)  # type: ignore[arg-type]
        text = str(value)
    elif kind is float:
        if precision is None:
            raise KrakenUsageError(
                "a float-typed book feed needs price_precision and qty_precision (from the "
                "instrument channel) to rebuild the checksum text; or decode frames with "
                "json.loads(text, parse_float=Decimal)"
            )
        text = f"{value:.{precision}f}"
        return Decimal(text), text
    else:
        raise KrakenUsageError(f"book value {value!r} must be a Decimal, str, int or float")
    if precision is not None:
        text = _pad(text, precision)
    return number, text


def crc_fragment(text: str) -> str:
    """One number's contribution to the checksum string: no ``.``, no leading zeros.

    ``"0.00100000"`` gives ``"100000"``; ``"0"`` and ``"0.0"`` give ``""``.
    """
    return text.replace(".", "").lstrip("0")


def checksum_of(
    asks: Iterable[tuple[Number, Number]],
    bids: Iterable[tuple[Number, Number]],
    *,
    price_precision: int | None = None,
    qty_precision: int | None = None,
) -> int:
    """CRC32 of a book given as ``(price, qty)`` pairs, each side best first.

    ``asks`` low to high and ``bids`` high to low, as Kraken orders them; only the first
    :data:`CHECKSUM_LEVELS` of each side count. Values are wire texts, ``Decimal`` s decoded from
    the wire, ints, or floats with the pair's precisions (see :func:`number_and_text`).
    """
    parts: list[str] = []
    for side in (asks, bids):
        for index, (price, qty) in enumerate(side):
            if index == CHECKSUM_LEVELS:
                break
            parts.append(crc_fragment(number_and_text(price, price_precision)[1]))
            parts.append(crc_fragment(number_and_text(qty, qty_precision)[1]))
    return zlib.crc32("".join(parts).encode("ascii"))

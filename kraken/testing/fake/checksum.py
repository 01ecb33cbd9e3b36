"""The fake exchange's own book CRC32, written from Kraken's text (not kraken.core.book's code).

https://docs.kraken.com/api/docs/guides/spot-ws-book-v2: take the top 10 asks from the lowest
price up, then the top 10 bids from the highest price down; for each level remove the ``.`` from
the price text and strip its leading zeros, do the same to the quantity text, and append price
then quantity; the checksum is the unsigned CRC32 of asks part followed by bids part. The text is
the exact text sent on the wire, trailing zeros included.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

__all__ = ["TOP_LEVELS", "book_checksum", "level_fragment"]

TOP_LEVELS = 10
"""Levels per side the checksum covers, whatever the subscribed depth."""


def level_fragment(price: str, qty: str) -> str:
    """The checksum text of one level: both numbers without dot and leading zeros."""
    return price.replace(".", "").lstrip("0") + qty.replace(".", "").lstrip("0")


def book_checksum(asks: Iterable[tuple[str, str]], bids: Iterable[tuple[str, str]]) -> int:
    """CRC32 of a book given as wire texts, each side already ordered best first."""
    text = []
    for side in (asks, bids):
        for index, (price, qty) in enumerate(side):
            if index == TOP_LEVELS:
                break
            text.append(level_fragment(price, qty))
    return zlib.crc32("".join(text).encode("ascii"))

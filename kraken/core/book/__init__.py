"""Order books fed parsed messages (sans-I/O): Spot L2 and L3 with CRC32, Futures with ``seq``.

Each book is a plain object: the caller decodes a frame (``json.loads(text,
parse_float=Decimal)`` keeps Kraken's digits for the checksum), hands it to ``apply`` and gets back
a list of small frozen events. On :class:`ResyncNeeded` the caller resubscribes for a fresh
snapshot; the book drops updates until it arrives, keeps showing its last verified state, and
after ``max_resync_attempts`` consecutive failures answers :class:`ResyncGaveUp` instead.
"""

from __future__ import annotations

from kraken.core.book._recovery import DEFAULT_MAX_RESYNC_ATTEMPTS
from kraken.core.book.checksum import CHECKSUM_LEVELS, checksum_of, crc_fragment, number_and_text
from kraken.core.book.events import (
    BookEvent,
    BookState,
    BookUpdated,
    ChecksumMismatch,
    ResyncGaveUp,
    ResyncNeeded,
    SequenceGap,
)
from kraken.core.book.futures import FuturesBook
from kraken.core.book.l2 import L2Book, Level
from kraken.core.book.l3 import L3Book, L3Order

__all__ = [
    "CHECKSUM_LEVELS",
    "DEFAULT_MAX_RESYNC_ATTEMPTS",
    "BookEvent",
    "BookState",
    "BookUpdated",
    "ChecksumMismatch",
    "FuturesBook",
    "L2Book",
    "L3Book",
    "L3Order",
    "Level",
    "ResyncGaveUp",
    "ResyncNeeded",
    "SequenceGap",
    "checksum_of",
    "crc_fragment",
    "number_and_text",
]

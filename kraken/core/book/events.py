"""What a book says back after each message: small frozen values, and its sync state."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "BookEvent",
    "BookState",
    "BookUpdated",
    "ChecksumMismatch",
    "ResyncGaveUp",
    "ResyncNeeded",
    "SequenceGap",
]


_set = object.__setattr__


class BookState(enum.Enum):
    """Where a book stands between snapshots."""

    #: No trusted snapshot yet (new, reset, or resyncing): updates are dropped until one arrives.
    AWAITING_SNAPSHOT = "awaiting_snapshot"
    #: The book follows the feed; every checksum or sequence number so far agreed.
    SYNCED = "synced"
    #: Too many resyncs in a row failed; updates are dropped. A fresh snapshot (if the caller
    #: chooses to resubscribe anyway) or :meth:`reset` starts over.
    GAVE_UP = "gave_up"


@dataclass(frozen=True, slots=True, init=False)
class BookUpdated:
    """A message was applied and, where it carried one, its checksum or sequence agreed.

    ``checksum`` is the verified CRC32 (``None`` when the message had none, e.g. Futures);
    ``seq`` is the Futures sequence number (``None`` for Spot); ``timestamp`` is passed through
    from the message untouched.
    """

    symbol: str
    is_snapshot: bool
    checksum: int | None = None
    timestamp: object = None
    seq: int | None = None

    # Written out rather than generated: one of these is made per book message, and calling a
    # bound object.__setattr__ saves about a fifth of the generated frozen __init__'s cost.
    def __init__(
        self,
        symbol: str,
        is_snapshot: bool,
        checksum: int | None = None,
        timestamp: object = None,
        seq: int | None = None,
    ) -> None:
        _set(self, "symbol", symbol)
        _set(self, "is_snapshot", is_snapshot)
        _set(self, "checksum", checksum)
        _set(self, "timestamp", timestamp)
        _set(self, "seq", seq)


@dataclass(frozen=True, slots=True)
class ChecksumMismatch:
    """Kraken's checksum and ours differ: the message was withheld.

    The book kept its last verified state; a :class:`ResyncNeeded` or :class:`ResyncGaveUp`
    follows in the same answer.
    """

    symbol: str
    expected: int
    computed: int
    is_snapshot: bool


@dataclass(frozen=True, slots=True)
class SequenceGap:
    """A Futures delta did not carry the next sequence number; a resync event follows."""

    symbol: str
    expected: int
    received: int


@dataclass(frozen=True, slots=True)
class ResyncNeeded:
    """Fetch a fresh snapshot (unsubscribe and subscribe again); updates are dropped until then.

    ``attempt`` counts consecutive failures, 1 for the first; ``reason`` is ``"checksum"`` or
    ``"sequence"``.
    """

    symbol: str
    reason: str
    attempt: int


@dataclass(frozen=True, slots=True)
class ResyncGaveUp:
    """``attempts`` consecutive failures reached the book's bound: stop resubscribing."""

    symbol: str
    attempts: int


BookEvent = BookUpdated | ChecksumMismatch | SequenceGap | ResyncNeeded | ResyncGaveUp

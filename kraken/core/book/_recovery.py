"""The resync bookkeeping shared by every book: state, consecutive failures, their bound."""

from __future__ import annotations

from kraken.core.book.events import BookEvent, BookState, ResyncGaveUp, ResyncNeeded
from kraken.core.errors import KrakenUsageError

__all__ = ["DEFAULT_MAX_RESYNC_ATTEMPTS", "Recovery", "RecoveryStatus"]

#: Kraken's Rust SDK stops maintaining a book after 5 consecutive recovery failures
#: (krakenfx/kraken-api-sdk docs/guides/order-book.md); we use the same default.
DEFAULT_MAX_RESYNC_ATTEMPTS = 5


class Recovery:
    """Counts failures since the last verified *update* and says resync or give up.

    A verified snapshot alone does not clear the count: a book whose snapshots verify but whose
    first update always fails (a precision or truncation bug) must still reach the bound instead
    of resubscribing forever.
    """

    __slots__ = ("failures", "max_attempts", "state", "symbol")

    def __init__(self, symbol: str, max_attempts: int) -> None:
        if max_attempts < 1:
            raise KrakenUsageError("max_resync_attempts must be at least 1")
        self.symbol = symbol
        self.max_attempts = max_attempts
        self.failures = 0
        self.state = BookState.AWAITING_SNAPSHOT

    def fail(self, reason: str) -> BookEvent:
        """Record one failure; the answer is :class:`ResyncNeeded` or, at the bound, give up."""
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.state = BookState.GAVE_UP
            return ResyncGaveUp(self.symbol, self.failures)
        self.state = BookState.AWAITING_SNAPSHOT
        return ResyncNeeded(self.symbol, reason, self.failures)

    def reset(self) -> None:
        """Forget failures and wait for a snapshot (e.g. the session reconnected)."""
        self.failures = 0
        self.state = BookState.AWAITING_SNAPSHOT


class RecoveryStatus:
    """The status a book reads from its :class:`Recovery` (mixed into every book class)."""

    __slots__ = ()
    _recovery: Recovery

    @property
    def state(self) -> BookState:
        """Where the book stands: awaiting a snapshot, synced, or given up."""
        return self._recovery.state

    @property
    def synced(self) -> bool:
        """True while the book follows the feed with every check (checksum or sequence) passing."""
        return self._recovery.state is BookState.SYNCED

    @property
    def failures(self) -> int:
        """Consecutive failed checks (checksums or sequence gaps) since the last good update."""
        return self._recovery.failures

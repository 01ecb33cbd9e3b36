"""The system clock adapter."""

from __future__ import annotations

import time

__all__ = ["SystemClock"]


class SystemClock:
    """:class:`~kraken.ports.clock.Clock` reading the operating system's clocks."""

    __slots__ = ()

    def time_ns(self) -> int:
        """Nanoseconds since the Unix epoch."""
        return time.time_ns()

    def monotonic(self) -> float:
        """Seconds on the monotonic clock."""
        return time.monotonic()

"""The system clock adapter."""

from __future__ import annotations

import time

__all__ = ["SystemClock"]


class SystemClock:
    """:class:`~kraken.ports.clock.Clock` reading the operating system's clocks."""

    __slots__ = ()

    # The stdlib functions themselves: a nonce and a rate-limit check each read a clock on every
    # private call, and a wrapper method would add a Python frame to each read.
    time_ns = staticmethod(time.time_ns)
    """Nanoseconds since the Unix epoch."""

    monotonic = staticmethod(time.monotonic)
    """Seconds on the monotonic clock."""

"""The clock port: the only way the SDK reads wall time."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Clock"]


@runtime_checkable
class Clock(Protocol):
    """Wall-clock and monotonic time; tests hand in a fake one."""

    def time_ns(self) -> int:
        """Nanoseconds since the Unix epoch (drives the default nonce)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (timeouts, rate-limit decay)."""
        ...

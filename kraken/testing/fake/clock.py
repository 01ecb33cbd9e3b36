"""A settable virtual clock: what makes the in-memory fake exchange deterministic."""

from __future__ import annotations

import threading

__all__ = ["DEFAULT_START", "VirtualClock"]

DEFAULT_START = 1_767_225_600.0
"""2026-01-01T00:00:00Z: where a :class:`VirtualClock` starts unless told otherwise."""


class VirtualClock:
    """Time that moves only when told to: a :class:`~kraken.ports.clock.Clock` for tests.

    ``time_ns()`` and ``monotonic()`` read it; :meth:`advance` (or :meth:`sleep`, the same
    thing) moves it forward. Give it to a client (``SpotClient(clock=fake.clock, ...)``) and the
    client's rate-limit and retry waits pass in virtual time, instantly. The in-memory WebSocket
    connections of the fake exchange jump it forward themselves while they wait for a frame
    (see :mod:`kraken.testing.fake.memory`). Thread-safe.

    Args:
        start: the initial wall-clock time in Unix seconds.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._lock = threading.Lock()
        self._start = float(start)
        self._now = float(start)

    def time(self) -> float:
        """Unix seconds."""
        with self._lock:
            return self._now

    def time_ns(self) -> int:
        """Unix nanoseconds (drives a client's default nonces)."""
        with self._lock:
            return int(self._now * 1_000_000_000)

    def monotonic(self) -> float:
        """Seconds since the clock was made; never goes backwards."""
        with self._lock:
            return self._now - self._start

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (>= 0) and return the new Unix time."""
        if not seconds >= 0:
            raise ValueError(f"a virtual clock only moves forward, not by {seconds!r} s")
        with self._lock:
            self._now += seconds
            return self._now

    def advance_to(self, unix: float) -> float:
        """Move forward to ``unix`` (no-op if that is in the past) and return the time."""
        with self._lock:
            self._now = max(self._now, float(unix))
            return self._now

    def sleep(self, seconds: float) -> None:
        """Waiting on a virtual clock is advancing it (the SDK's clients call this)."""
        self.advance(max(0.0, seconds))

    def __repr__(self) -> str:
        return f"VirtualClock(time={self.time():.6f})"

"""Fault injection for the fake exchange: what goes wrong next, on REST and on WebSockets.

REST faults (:meth:`FaultPlan.next_rest`) are served, in the order planned, to the next matching
requests instead of (or, for ``slow``, on top of) the normal reply. The request is then not
processed at all: no nonce is consumed, no order placed.

============== ===============================================================================
kind           reply
============== ===============================================================================
``http500``    HTTP 500, ``text/plain`` body (``http:<status>`` for any other status)
``http429``    HTTP 429 with ``Retry-After: 1`` (as a CDN in front of Kraken would send)
``rate_limit`` HTTP 200 ``{"error": ["EAPI:Rate limit exceeded"]}`` (futures:
               ``{"result": "error", "error": "apiLimitExceeded"}``)
``throttled``  HTTP 200 ``{"error": ["EService:Throttled:<unix ts>"]}``, ts one second ahead
               (``throttled:<seconds>`` for another wait)
``malformed``  HTTP 200 ``application/json`` cut off in the middle
``html``       HTTP 502 with an HTML error page (``html:<status>`` for another status)
``slow:<s>``   the normal reply, held back ``s`` seconds (virtual seconds in memory)
============== ===============================================================================

WebSocket faults (:meth:`FaultPlan.ws`) act on the connections open when the exchange next runs
(its next ``ws_tick``, ``ws_receive`` or REST call), or on the next book messages:

- ``drop``: the connection dies without a close frame (the client sees 1006);
- ``silence``: the server stops sending and reading (pings go unanswered);
- ``close:<code>``: a normal close handshake with that code;
- ``garbage``: one text frame that is not JSON;
- ``bad_checksum``: the next ``count`` book messages carry a wrong checksum (exactly one by
  default; the book itself stays right, so the following message's checksum is correct again);
- ``invalidate_tokens``: every WebSocket token issued so far stops working (private subscribes
  and trading requests answer ``EAPI:Invalid token``); streams already running keep going.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["REST_KINDS", "WS_KINDS", "FaultPlan", "RestFault", "WsFault"]

REST_KINDS = ("http500", "http429", "rate_limit", "throttled", "malformed", "html", "slow")
"""REST fault kinds (``http:<status>``, ``throttled:<s>``, ``html:<status>`` and ``slow:<s>``
take an argument)."""
WS_KINDS = ("drop", "silence", "close", "garbage", "bad_checksum", "invalidate_tokens")
"""WebSocket fault kinds (``close:<code>`` takes the close code)."""


@dataclass(frozen=True, slots=True)
class RestFault:
    """One planned REST fault: ``kind`` (``"http"``, ``"rate_limit"``...) and its argument."""

    kind: str
    argument: float | None = None
    match: str | None = None

    def matches(self, path: str) -> bool:
        """True when this fault applies to a request for ``path``."""
        return self.match is None or self.match in path


@dataclass(frozen=True, slots=True)
class WsFault:
    """One WebSocket fault for the connections open now (``path`` narrows them down)."""

    kind: str
    argument: int | None = None
    path: str | None = None


@dataclass(slots=True)
class _Planned:
    fault: RestFault
    remaining: int


def _parse_rest(kind: str) -> tuple[str, float | None]:
    name, _, argument = kind.partition(":")
    if name == "http500" and not argument:
        return "http", 500.0
    if name == "http429" and not argument:
        return "http", 429.0
    if name in ("rate_limit", "malformed") and not argument:
        return name, None
    try:
        if name == "http" and argument:
            status = int(argument)
            if 100 <= status <= 599:
                return "http", float(status)
        if name == "html":
            status = int(argument) if argument else 502
            if 100 <= status <= 599:
                return "html", float(status)
        if name == "throttled":
            return "throttled", float(argument) if argument else 1.0
        if name == "slow" and argument and 0 <= float(argument) <= 600:
            return "slow", float(argument)
    except ValueError:
        pass
    raise ValueError(f"unknown REST fault {kind!r}; kinds: {', '.join(REST_KINDS)}")


def _parse_ws(kind: str) -> tuple[str, int | None]:
    name, _, argument = kind.partition(":")
    if name in ("drop", "silence", "garbage", "bad_checksum", "invalidate_tokens"):
        if not argument:
            return name, None
    elif name == "close" and argument.isdigit() and 1000 <= int(argument) <= 4999:
        return name, int(argument)
    raise ValueError(f"unknown WebSocket fault {kind!r}; kinds: {', '.join(WS_KINDS)}")


class FaultPlan:
    """The queue of faults a :class:`~kraken.testing.fake.FakeKraken` will serve. Thread-safe.

    Example::

        fake.faults.next_rest("http500")            # the next REST request gets HTTP 500
        fake.faults.next_rest("rate_limit", 3, match="/0/private/Balance")
        fake.faults.ws("close:4000")                # close every open connection with 4000
        fake.faults.ws("bad_checksum")              # one wrong checksum on the next book message

    Attributes:
        served: every fault that took effect, in order, as ``(kind, where)`` text pairs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rest: list[_Planned] = []
        self._ws: list[WsFault] = []
        self._bad_checksums = 0
        self.served: list[tuple[str, str]] = []

    def next_rest(self, kind: str, count: int = 1, *, match: str | None = None) -> None:
        """Serve fault ``kind`` to the next ``count`` REST requests.

        With ``match``, only requests whose path contains that text count.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        name, argument = _parse_rest(kind)
        with self._lock:
            self._rest.append(_Planned(RestFault(name, argument, match), count))

    def ws(self, kind: str, *, path: str | None = None, count: int = 1) -> None:
        """Apply WebSocket fault ``kind`` to the open connections (on ``path`` only, if given).

        ``count`` only matters for ``bad_checksum``: how many book messages to spoil.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        name, argument = _parse_ws(kind)
        with self._lock:
            if name == "bad_checksum":
                self._bad_checksums += count
            else:
                self._ws.append(WsFault(name, argument, path))

    def clear(self) -> None:
        """Forget every planned fault (what was served stays in :attr:`served`)."""
        with self._lock:
            self._rest.clear()
            self._ws.clear()
            self._bad_checksums = 0

    @property
    def pending(self) -> int:
        """How many planned faults have not taken effect yet."""
        with self._lock:
            rest = sum(entry.remaining for entry in self._rest)
            return rest + len(self._ws) + self._bad_checksums

    # ------------------------------------------------------------ used by the exchange

    def take_rest(self, path: str) -> RestFault | None:
        """The fault for a request to ``path``, if one is planned (consumes one count)."""
        with self._lock:
            for entry in self._rest:
                if entry.fault.matches(path):
                    entry.remaining -= 1
                    if not entry.remaining:
                        self._rest.remove(entry)
                    self.served.append((entry.fault.kind, path))
                    return entry.fault
        return None

    def take_ws(self) -> list[WsFault]:
        """Every WebSocket fault waiting to be applied (they are applied once)."""
        with self._lock:
            faults, self._ws = self._ws, []
            return faults

    def requeue_ws(self, faults: list[WsFault]) -> None:
        """Put back faults that found no open connection to act on (they wait for one)."""
        with self._lock:
            self._ws[:0] = faults

    def note(self, kind: str, where: str) -> None:
        """Record that a fault took effect."""
        with self._lock:
            self.served.append((kind, where))

    def has_ws(self) -> bool:
        """True when connection faults are waiting."""
        with self._lock:
            return bool(self._ws)

    def waiting_ws(self) -> list[WsFault]:
        """The connection faults waiting to be applied (a copy)."""
        with self._lock:
            return list(self._ws)

    def take_bad_checksum(self) -> bool:
        """True (once per planned count) when the next book message must be spoiled."""
        with self._lock:
            if self._bad_checksums:
                self._bad_checksums -= 1
                self.served.append(("bad_checksum", "book"))
                return True
            return False

    def __repr__(self) -> str:
        return f"FaultPlan(pending={self.pending}, served={len(self.served)})"

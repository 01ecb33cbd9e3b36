"""The fake exchange in memory: REST transports and WebSocket connectors, no sockets at all.

REST: :class:`FakeTransport` / :class:`AsyncFakeTransport` hand each request to the fake and
return its response (``SpotClient(transport=fake.transport())``). A ``slow:<s>`` fault waits
``s`` seconds on the fake's clock (instantly, on a virtual clock) and, past the transport's
``timeout``, raises :class:`~kraken.core.errors.KrakenTimeoutError` after the exchange acted.

WebSocket: :class:`MemoryWsConnector` / :class:`AsyncMemoryWsConnector` implement the WS ports
(:mod:`kraken.ports.ws`) and accept Kraken's own URLs (``wss://ws.kraken.com/v2``,
``wss://ws-auth.kraken.com/v2``, ``wss://futures.kraken.com/ws/v1``) or any URL whose path is
one of :data:`~kraken.testing.fake.exchange.WS_PATHS`. A connection's ``receive(timeout)``
returns queued frames first. When none is queued, what happens depends on the fake's clock:

- with a :class:`~kraken.testing.fake.VirtualClock` (the default), waiting *is* advancing
  time: the clock jumps to the next instant the exchange has something for this connection
  (the next market step, heartbeat or fault), at most to the deadline, and the frame is
  returned at once. ``receive(0)`` polls without moving time; ``receive(None)`` returns the
  next frame whenever it comes, or :class:`~kraken.core.ws.frames.TimedOut` when nothing is
  planned at all. A test drives time by receiving, or with ``fake.clock.advance(s)``.
- with any other clock (``SystemClock()``, real time), ``receive`` really waits, in slices of at
  most 50 ms, for frames, so a threaded client such as ``WebsocketClient`` can run against it.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from urllib.parse import urlsplit

import anyio
import anyio.lowlevel

from kraken.core.errors import KrakenTimeoutError, KrakenTransportError
from kraken.core.rest.values import Request, Response
from kraken.core.ws.frames import Closed, Pong, TextMessage, TimedOut, WsReceived
from kraken.testing.fake.clock import VirtualClock
from kraken.testing.fake.exchange import WS_PATHS, FakeKraken, UnknownWsPath
from kraken.testing.fake.state import WsClose, WsDrop, WsOutput, WsSend, WsSilence
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport

__all__ = [
    "AsyncFakeTransport",
    "AsyncMemoryWsConnection",
    "AsyncMemoryWsConnector",
    "FakeTransport",
    "MemoryWsConnection",
    "MemoryWsConnector",
    "ws_path_for",
]

# Longest real-time wait between two looks at the exchange (real clocks only).
_SLICE = 0.05
# Bound on the receive loop: each turn either returns, or moves time, or waits a slice.
_MAX_TURNS = 100_000


def _timeout_error(delay: float, timeout: float) -> KrakenTimeoutError:
    return KrakenTimeoutError(
        f"the fake exchange held the reply {delay:g} s (timeout {timeout:g} s)"
    )


class FakeTransport(MemoryTransport):
    """Sync REST transport serving requests from a :class:`FakeKraken` (records ``requests``).

    Args:
        fake: the exchange.
        timeout: seconds after which a held-back (``slow``) reply raises
            :class:`~kraken.core.errors.KrakenTimeoutError`; ``None``: wait it out.
    """

    def __init__(self, fake: FakeKraken, *, timeout: float | None = None) -> None:
        super().__init__(self._serve)
        self.fake = fake
        self.timeout = timeout

    def _serve(self, request: Request) -> Response:
        reply = self.fake.rest_reply(request)
        _wake(self.fake)
        if reply.delay:
            wait = reply.delay if self.timeout is None else min(reply.delay, self.timeout)
            sleep = getattr(self.fake.clock, "sleep", None)
            if isinstance(self.fake.clock, VirtualClock) and callable(sleep):
                sleep(wait)
            else:
                time.sleep(wait)
            if self.timeout is not None and reply.delay > self.timeout:
                raise _timeout_error(reply.delay, self.timeout)
        return reply.response


class AsyncFakeTransport(AsyncMemoryTransport):
    """Async twin of :class:`FakeTransport` (asyncio and trio)."""

    def __init__(self, fake: FakeKraken, *, timeout: float | None = None) -> None:
        super().__init__(self._serve)
        self.fake = fake
        self.timeout = timeout

    async def _serve(self, request: Request) -> Response:
        reply = self.fake.rest_reply(request)
        _wake(self.fake)
        await anyio.lowlevel.checkpoint()
        if reply.delay:
            wait = reply.delay if self.timeout is None else min(reply.delay, self.timeout)
            clock = self.fake.clock
            if isinstance(clock, VirtualClock):
                clock.advance(wait)
            else:
                await anyio.sleep(wait)
            if self.timeout is not None and reply.delay > self.timeout:
                raise _timeout_error(reply.delay, self.timeout)
        return reply.response


# ---------------------------------------------------------------------------- WebSocket


def ws_path_for(url: str) -> str:
    """The fake's WebSocket path for a Kraken (or loopback) URL; raises KrakenTransportError."""
    parts = urlsplit(url)
    path = "/" + parts.path.strip("/")
    host = (parts.hostname or "").lower()
    if path == "/v2" and host.split(".", 1)[0] in ("ws-auth", "beta-ws-auth"):
        return "/v2-auth"
    if path in WS_PATHS:
        return path
    raise KrakenTransportError(f"WebSocket upgrade refused: no endpoint at {url}", status=404)


class _Endpoint:
    """The client end of one in-memory connection: what has arrived and whether it ended."""

    def __init__(self, conn_id: int) -> None:
        self.conn_id = conn_id
        self.queue: deque[WsReceived] = deque()
        self.closed: Closed | None = None
        self.silent = False

    def deliver(self, outputs: list[WsOutput]) -> bool:
        """Apply the exchange's outputs; True when the connection ended."""
        for output in outputs:
            if self.closed is not None:
                break
            if isinstance(output, WsSend):
                if not self.silent:
                    self.queue.append(TextMessage(output.text))
            elif isinstance(output, WsClose):
                self.closed = Closed(output.code, output.reason)
            elif isinstance(output, WsDrop):
                self.closed = Closed(1006, "")
            elif isinstance(output, WsSilence):
                self.silent = True
        return self.closed is not None

    def pop(self) -> WsReceived | None:
        if self.queue:
            return self.queue.popleft()
        return self.closed


class _Hub:
    """Every in-memory connection of one fake: pumps the exchange's outputs to them."""

    def __init__(self, fake: FakeKraken) -> None:
        self.fake = fake
        self.cond = threading.Condition()
        self.endpoints: dict[int, _Endpoint] = {}

    # Every call into the exchange that takes outputs happens under ``cond`` together with their
    # delivery, so two threads pumping one hub can never deliver a connection's frames out of
    # order. (Lock order: the hub's, then the exchange's; the exchange never calls back.)

    def open(self, url: str) -> _Endpoint:
        path = ws_path_for(url)
        with self.cond:
            try:
                conn_id, outputs = self.fake.ws_open(path)
            except UnknownWsPath as exc:
                raise KrakenTransportError(str(exc), status=404) from None
            endpoint = _Endpoint(conn_id)
            self.endpoints[conn_id] = endpoint
            self._deliver(endpoint, outputs)
        return endpoint

    def _deliver(self, endpoint: _Endpoint, outputs: list[WsOutput]) -> None:
        if endpoint.deliver(outputs):
            self.endpoints.pop(endpoint.conn_id, None)
            self.fake.ws_close(endpoint.conn_id)
        self.cond.notify_all()

    def pump(self) -> None:
        with self.cond:
            ids = list(self.endpoints)
            if not ids:
                return
            outputs = self.fake.ws_tick(self.fake.now(), ids)
            for conn_id, items in outputs.items():
                endpoint = self.endpoints.get(conn_id)
                if endpoint is not None:
                    self._deliver(endpoint, items)

    def send(self, endpoint: _Endpoint, text: str) -> None:
        with self.cond:
            if endpoint.closed is not None:
                raise KrakenTransportError(f"the connection is closed ({endpoint.closed.code})")
            if endpoint.silent:
                return  # the server stopped reading
            self._deliver(endpoint, self.fake.ws_receive(endpoint.conn_id, text))

    def ping(self, endpoint: _Endpoint) -> None:
        self.pump()  # a fault planned before the ping (silence, drop) acts first
        with self.cond:
            if endpoint.closed is not None:
                raise KrakenTransportError(f"the connection is closed ({endpoint.closed.code})")
            if not endpoint.silent:
                endpoint.queue.append(Pong())
                self.cond.notify_all()

    def close(self, endpoint: _Endpoint, code: int, reason: str) -> None:
        with self.cond:
            if endpoint.closed is None:
                endpoint.closed = Closed(code, reason)
            self.endpoints.pop(endpoint.conn_id, None)
            self.fake.ws_close(endpoint.conn_id)
            self.cond.notify_all()

    def plan(self, endpoint: _Endpoint, deadline: float | None) -> tuple[WsReceived | None, float]:
        """One turn of a receive: a value to return, or how long (real seconds) to wait.

        On a virtual clock this jumps the clock instead and asks for no wait.
        """
        self.pump()
        with self.cond:
            ready = endpoint.pop()
        if ready is not None:
            return ready, 0.0
        now = self.fake.now()
        if deadline is not None and now >= deadline:
            return TimedOut(), 0.0
        due = self.fake.ws_next_due(endpoint.conn_id)
        clock = self.fake.clock
        if isinstance(clock, VirtualClock):
            target = deadline if due is None or (deadline is not None and due > deadline) else due
            if target is None:
                return TimedOut(), 0.0  # nothing will ever come
            clock.advance_to(target)
            return None, 0.0
        wait = _SLICE
        if deadline is not None:
            wait = min(wait, deadline - now)
        if due is not None:
            wait = min(wait, max(0.0, due - now))
        return None, wait


_HUBS: weakref.WeakKeyDictionary[FakeKraken, _Hub] = weakref.WeakKeyDictionary()
_HUBS_LOCK = threading.Lock()


def _hub(fake: FakeKraken) -> _Hub:
    with _HUBS_LOCK:
        hub = _HUBS.get(fake)
        if hub is None:
            hub = _HUBS[fake] = _Hub(fake)
        return hub


def _wake(fake: FakeKraken) -> None:
    with _HUBS_LOCK:
        hub = _HUBS.get(fake)
    if hub is not None:
        with hub.cond:
            hub.cond.notify_all()


class MemoryWsConnection:
    """One in-memory connection (:class:`~kraken.ports.ws.WsConnection`)."""

    def __init__(self, hub: _Hub, endpoint: _Endpoint, url: str) -> None:
        self._hub = hub
        self._endpoint = endpoint
        self.url = url

    @property
    def conn_id(self) -> int:
        """The exchange's id of this connection."""
        return self._endpoint.conn_id

    def receive(self, timeout: float | None) -> WsReceived:
        """The next frame, pong or close; see the module docstring for how time passes."""
        hub = self._hub
        deadline = None if timeout is None else hub.fake.now() + max(0.0, timeout)
        for _ in range(_MAX_TURNS):
            ready, wait = hub.plan(self._endpoint, deadline)
            if ready is not None:
                return ready
            if wait > 0:
                with hub.cond:
                    if not self._endpoint.queue and self._endpoint.closed is None:
                        hub.cond.wait(wait)
        return TimedOut()

    def send_text(self, text: str) -> None:
        """Send one text frame to the exchange (its replies are queued for ``receive``)."""
        self._hub.send(self._endpoint, text)

    def ping(self) -> None:
        """A protocol ping: a pong is queued unless the server went silent."""
        self._hub.ping(self._endpoint)

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close; idempotent."""
        self._hub.close(self._endpoint, code, reason)

    def __repr__(self) -> str:
        return f"MemoryWsConnection(url={self.url!r}, conn_id={self.conn_id})"


class MemoryWsConnector:
    """:class:`~kraken.ports.ws.WsConnector` opening in-memory connections to a fake."""

    def __init__(self, fake: FakeKraken) -> None:
        self.fake = fake

    def connect(self, url: str) -> MemoryWsConnection:
        """Open a connection (unknown paths raise KrakenTransportError with status 404)."""
        hub = _hub(self.fake)
        return MemoryWsConnection(hub, hub.open(url), url)


class AsyncMemoryWsConnection:
    """One in-memory connection (:class:`~kraken.ports.ws.AsyncWsConnection`)."""

    def __init__(self, hub: _Hub, endpoint: _Endpoint, url: str) -> None:
        self._hub = hub
        self._endpoint = endpoint
        self.url = url

    @property
    def conn_id(self) -> int:
        """The exchange's id of this connection."""
        return self._endpoint.conn_id

    async def receive(self, timeout: float | None) -> WsReceived:
        """The next frame, pong or close; see the module docstring for how time passes."""
        hub = self._hub
        deadline = None if timeout is None else hub.fake.now() + max(0.0, timeout)
        for _ in range(_MAX_TURNS):
            await anyio.lowlevel.checkpoint()
            ready, wait = hub.plan(self._endpoint, deadline)
            if ready is not None:
                return ready
            if wait > 0:
                await anyio.sleep(wait)
        return TimedOut()

    async def send_text(self, text: str) -> None:
        """Send one text frame to the exchange."""
        await anyio.lowlevel.checkpoint()
        self._hub.send(self._endpoint, text)

    async def ping(self) -> None:
        """A protocol ping: a pong is queued unless the server went silent."""
        await anyio.lowlevel.checkpoint()
        self._hub.ping(self._endpoint)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close; idempotent."""
        await anyio.lowlevel.checkpoint()
        self._hub.close(self._endpoint, code, reason)

    def __repr__(self) -> str:
        return f"AsyncMemoryWsConnection(url={self.url!r}, conn_id={self.conn_id})"


class AsyncMemoryWsConnector:
    """:class:`~kraken.ports.ws.AsyncWsConnector` opening in-memory connections to a fake."""

    def __init__(self, fake: FakeKraken) -> None:
        self.fake = fake

    async def connect(self, url: str) -> AsyncMemoryWsConnection:
        """Open a connection (unknown paths raise KrakenTransportError with status 404)."""
        await anyio.lowlevel.checkpoint()
        hub = _hub(self.fake)
        return AsyncMemoryWsConnection(hub, hub.open(url), url)

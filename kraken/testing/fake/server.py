"""The fake exchange on a loopback server: REST and WebSockets on one ``127.0.0.1`` port.

:class:`FakeKrakenServer` mounts a :class:`~kraken.testing.fake.FakeKraken` in uvicorn (through
:class:`~kraken.testing.loopback.LoopbackServer`, with the ``websockets-sansio`` WebSocket
implementation): every HTTP path goes to the fake's REST side (``/0/public/...``,
``/0/private/...``, ``/derivatives/api/v3/...``), and ``/v2``, ``/v2-auth`` and ``/ws/v1`` are its
WebSocket endpoints. A background task lets real time pass (``ws_tick``) every
``tick_interval`` seconds, so books move, heartbeats flow and faults take effect.

Faults map onto the wire: ``drop`` aborts the TCP connection (the client sees 1006),
``close:<code>`` is a normal close handshake, ``silence`` stops reading (so protocol pings go
unanswered) and writing until ``silence_timeout`` passes, then drops; ``slow:<s>`` holds an HTTP
reply back ``s`` real seconds.

Example::

    fake = FakeKraken(clock=SystemClock())
    with FakeKrakenServer(fake) as server:
        client = SpotClient(base_url=server.url, api_key=..., api_secret=...)
        ...  # WebSockets: server.ws_url + "/v2"
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from types import TracebackType
from typing import Any

from kraken.adapters.clock import SystemClock
from kraken.core.rest.values import Request
from kraken.ports.clock import Clock
from kraken.testing.fake.clock import VirtualClock
from kraken.testing.fake.exchange import FakeKraken, UnknownWsPath
from kraken.testing.fake.state import WsClose, WsDrop, WsOutput, WsSend, WsSilence
from kraken.testing.loopback import LoopbackServer

__all__ = ["FakeKrakenServer"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _Conn:
    """One live WebSocket on the server: its outbox queue and uvicorn's protocol object."""

    def __init__(self, conn_id: int, protocol: Any) -> None:
        self.conn_id = conn_id
        self.queue: asyncio.Queue[list[WsOutput]] = asyncio.Queue()
        self.protocol = protocol

    def abort(self) -> bool:
        """Cut the TCP connection without a close frame; False if uvicorn hides it."""
        transport = getattr(self.protocol, "transport", None)
        if transport is None:
            return False
        transport.abort()
        return True

    def pause_reading(self) -> None:
        transport = getattr(self.protocol, "transport", None)
        if transport is not None:
            transport.pause_reading()


class FakeKrakenServer:
    """Serve a :class:`FakeKraken` on ``http://127.0.0.1:<port>`` and ``ws://`` on the same port.

    Args:
        fake: the exchange.
        clock: the time passed to the exchange: by default the fake's own clock, or the system
            clock when the fake's is a :class:`~kraken.testing.fake.VirtualClock`.
        tick_interval: seconds between two background ``ws_tick`` calls.
        silence_timeout: seconds a silenced connection is held before it is dropped.
        startup_timeout: seconds to wait for uvicorn to start.
    """

    def __init__(
        self,
        fake: FakeKraken,
        *,
        clock: Clock | None = None,
        tick_interval: float = 0.05,
        silence_timeout: float = 30.0,
        startup_timeout: float = 5.0,
    ) -> None:
        self.fake = fake
        if clock is None:
            # Real time, unless the fake already runs on a real clock of its own.
            clock = SystemClock() if isinstance(fake.clock, VirtualClock) else fake.clock
        self.clock: Clock = clock
        self.tick_interval = tick_interval
        self.silence_timeout = silence_timeout
        self._conns: dict[int, _Conn] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._loopback = LoopbackServer(
            self, ws="websockets-sansio", lifespan="on", startup_timeout=startup_timeout
        )

    # ------------------------------------------------------------------ public face

    @property
    def url(self) -> str:
        """The REST base URL (Spot and Futures), e.g. ``http://127.0.0.1:51234``."""
        return self._loopback.url

    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:<port>``; append ``/v2``, ``/v2-auth`` or ``/ws/v1``."""
        return "ws" + self._loopback.url.removeprefix("http")

    @property
    def urls(self) -> dict[str, str]:
        """Every endpoint by role."""
        return {
            "rest": self.url,
            "spot_ws_public": self.ws_url + "/v2",
            "spot_ws_private": self.ws_url + "/v2-auth",
            "futures_ws": self.ws_url + "/ws/v1",
        }

    def start(self) -> None:
        """Bind, start uvicorn in a background thread and wait until it serves."""
        self._loopback.start()

    def stop(self) -> None:
        """Drop every WebSocket, stop the server and join its thread; idempotent."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(self._drop_all(), loop).result(2.0)
        self._loopback.stop()

    def __enter__(self) -> FakeKrakenServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"FakeKrakenServer({self._loopback!r}, connections={len(self._conns)})"

    # ------------------------------------------------------------------ ASGI

    def _now(self) -> float:
        exact = getattr(self.clock, "time", None)
        if callable(exact):
            return float(exact())
        return self.clock.time_ns() / 1_000_000_000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI 3 application (HTTP, WebSocket and lifespan scopes)."""
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._loop = asyncio.get_running_loop()
                self._ticker = asyncio.create_task(self._tick_forever())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._ticker is not None:
                    self._ticker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._ticker
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval)
            self._pump()

    def _pump(self) -> None:
        ids = list(self._conns)
        if not ids:
            return
        for conn_id, outputs in self.fake.ws_tick(self._now(), ids).items():
            conn = self._conns.get(conn_id)
            if conn is not None and outputs:
                conn.queue.put_nowait(outputs)

    async def _drop_all(self) -> None:
        for conn in list(self._conns.values()):
            conn.abort()

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        url = "http://127.0.0.1" + raw_path.decode("latin-1")
        if query:
            url += "?" + query.decode("latin-1")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request = Request(scope["method"], url, headers, body)
        reply = self.fake.rest_reply(request, self._now())
        self._pump()  # an order placed over REST streams to private WebSockets at once
        if reply.delay:
            await asyncio.sleep(reply.delay)
        response = reply.response
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in response.headers.items()
                ],
            }
        )
        await send({"type": "http.response.body", "body": response.body})

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        try:
            conn_id, outputs = self.fake.ws_open(scope["path"], self._now())
        except UnknownWsPath:
            await self._refuse(scope, send)
            return
        await send({"type": "websocket.accept"})
        # uvicorn hands its protocol object's bound ``receive``: the way to its transport,
        # needed to drop a connection without a close frame or to stop reading.
        conn = self._conns[conn_id] = _Conn(conn_id, getattr(receive, "__self__", None))
        conn.queue.put_nowait(outputs)
        reader = asyncio.create_task(self._read(conn, receive))
        try:
            await self._write(conn, send, reader)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            self._conns.pop(conn_id, None)
            self.fake.ws_close(conn_id)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if "websocket.http.response" in scope.get("extensions", {}):
            await send({"type": "websocket.http.response.start", "status": 404, "headers": []})
            await send({"type": "websocket.http.response.body", "body": b"Not Found"})
        else:
            await send({"type": "websocket.close", "code": 1008})

    async def _read(self, conn: _Conn, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                conn.queue.put_nowait([WsDrop()])  # ends the writer
                return
            text = message.get("text")
            if text is None:
                continue
            outputs = self.fake.ws_receive(conn.conn_id, text, self._now())
            if outputs:
                conn.queue.put_nowait(outputs)
            self._pump()

    async def _write(self, conn: _Conn, send: Send, reader: asyncio.Task[None]) -> None:
        while True:
            outputs = await conn.queue.get()
            for output in outputs:
                if isinstance(output, WsSend):
                    await send({"type": "websocket.send", "text": output.text})
                elif isinstance(output, WsClose):
                    await send(
                        {"type": "websocket.close", "code": output.code, "reason": output.reason}
                    )
                    return
                elif isinstance(output, WsDrop):
                    if reader.done() or not conn.abort():
                        await send({"type": "websocket.close", "code": 1011})
                    return
                elif isinstance(output, WsSilence):
                    reader.cancel()
                    conn.pause_reading()
                    await asyncio.sleep(self.silence_timeout)
                    conn.abort()
                    return

"""A loopback WebSocket server for tests (websockets' own asyncio server), with fault injection.

The server runs the ``websockets`` library's asyncio implementation (an independent peer: not
our client code) on a pre-bound ``127.0.0.1`` socket in a background thread, so sync tests,
asyncio tests and trio tests all use it the same way. Handlers are ordinary websockets handlers;
the helpers below inject the faults a client must survive: an abrupt TCP drop (the client sees
1006), a close with a chosen code, a peer gone silent, malformed JSON, a refused upgrade.

Example::

    async def handler(conn):
        async for message in conn:
            await conn.send(message)

    with LoopbackWsServer(handler) as server:
        connection = SocketWsConnector().connect(server.url)
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Coroutine
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

__all__ = [
    "Handler",
    "LoopbackWsServer",
    "close_with",
    "drop",
    "echo",
    "go_silent",
    "refuse",
    "send_malformed_json",
]

Handler = Callable[[ServerConnection], Awaitable[None]]
"""A connection handler: an async function receiving websockets' ``ServerConnection``."""

ProcessRequest = Callable[[ServerConnection, Request], Response | None]

T = TypeVar("T")

MALFORMED_JSON = '{"channel": "book", "type": "update", "data": [{"symbol": "BTC/USD", '
"""What :func:`send_malformed_json` sends: JSON cut off in the middle."""


async def echo(conn: ServerConnection) -> None:
    """Handler sending every message back as it came (text as text, binary as binary)."""
    async for message in conn:
        await conn.send(message)


async def drop(conn: ServerConnection) -> None:
    """Cut the TCP connection at once: no close frame, so the client must report 1006."""
    conn.transport.abort()


async def close_with(conn: ServerConnection, code: int, reason: str = "") -> None:
    """Close with ``code`` (and ``reason``) through the normal closing handshake."""
    await conn.close(code, reason)


async def go_silent(conn: ServerConnection, seconds: float = 5.0) -> None:
    """Stop reading and writing for ``seconds`` (pings go unanswered), then drop the connection.

    The wait is bounded so a test that forgets the server cannot hang it.
    """
    conn.transport.pause_reading()
    try:
        await asyncio.sleep(seconds)
    finally:
        conn.transport.abort()


async def send_malformed_json(conn: ServerConnection) -> None:
    """Send a text message that is not valid JSON (:data:`MALFORMED_JSON`)."""
    await conn.send(MALFORMED_JSON)


def refuse(status: int = HTTPStatus.UNAUTHORIZED, body: str = "refused") -> ProcessRequest:
    """A ``process_request`` hook answering every upgrade with HTTP ``status`` and ``body``."""

    def process_request(conn: ServerConnection, request: Request) -> Response:
        return conn.respond(status, body)

    return process_request


class LoopbackWsServer:
    """Serve a websockets handler on ``ws://127.0.0.1:<free port>`` for a ``with`` block.

    The listening socket is bound here with ``IPPROTO_TCP`` (asyncio then sets TCP_NODELAY on
    accepted sockets; without it small frames wait ~40 ms for delayed ACKs). The server runs
    its own asyncio loop in a daemon thread; keepalive pings and compression are off so tests
    see exactly the frames they send.

    Args:
        handler: the connection handler (see :func:`echo` and the fault helpers).
        process_request: websockets' hook to answer the upgrade request itself
            (:func:`refuse` for a 401/403).
        ssl_context: serve ``wss://`` with this server-side TLS context.
        max_size: the biggest message the server accepts from clients.
        startup_timeout: seconds to wait for the server to listen.
        shutdown_timeout: seconds to wait for connections and handlers to end on exit; then
            the loop stops and cancels what is left.

    Attributes:
        connections: how many WebSocket connections were accepted so far.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        process_request: ProcessRequest | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_size: int | None = 2**24,
        startup_timeout: float = 5.0,
        shutdown_timeout: float = 5.0,
    ) -> None:
        self._handler = handler
        self._process_request = process_request
        self._ssl_context = ssl_context
        self._max_size = max_size
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        self.connections = 0
        self._port = 0
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    @property
    def host(self) -> str:
        """Always ``127.0.0.1``."""
        return "127.0.0.1"

    @property
    def port(self) -> int:
        """The port listened on (``0`` before :meth:`start`)."""
        return self._port

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>`` (``wss://`` with an ``ssl_context``), no trailing slash."""
        if not self._port:
            raise RuntimeError("LoopbackWsServer is not started; use it as a context manager")
        scheme = "wss" if self._ssl_context is not None else "ws"
        return f"{scheme}://{self.host}:{self._port}"

    async def _counted(self, conn: ServerConnection) -> None:
        self.connections += 1
        with contextlib.suppress(ConnectionClosed):  # the client left: normal in fault tests
            await self._handler(conn)

    async def _main(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await serve(
            self._counted,
            sock=sock,
            ssl=self._ssl_context,
            process_request=self._process_request,
            ping_interval=None,
            compression=None,
            max_size=self._max_size,
            close_timeout=1.0,
        )
        self._ready.set()
        await self._stop.wait()
        server.close()
        with contextlib.suppress(TimeoutError):  # asyncio.run cancels the handlers left
            await asyncio.wait_for(server.wait_closed(), self.shutdown_timeout)

    def _run(self, sock: socket.socket) -> None:
        try:
            asyncio.run(self._main(sock))
        except BaseException as exc:  # reported by start()
            self._failure = exc

    def start(self) -> None:
        """Bind, start the server thread and wait (bounded) until it listens."""
        if self._thread is not None:
            raise RuntimeError("LoopbackWsServer is already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.bind((self.host, 0))
            sock.listen(128)
        except BaseException:
            sock.close()
            raise
        self._socket = sock
        self._port = sock.getsockname()[1]
        self._ready = threading.Event()
        self._failure = None
        self._thread = threading.Thread(
            target=self._run, args=(sock,), name=f"LoopbackWsServer:{self._port}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(self.startup_timeout):
            self.stop()
            raise RuntimeError(
                f"LoopbackWsServer on port {self._port} did not start within "
                f"{self.startup_timeout} s: {self._failure!r}"
            )

    def call(self, make: Callable[[], Coroutine[Any, Any, T]], timeout: float = 5.0) -> T:
        """Run ``make()`` on the server's loop from another thread and return its result.

        Useful to act on live connections from a sync test (send, close, drop...).
        """
        if self._loop is None:
            raise RuntimeError("LoopbackWsServer is not started")
        return asyncio.run_coroutine_threadsafe(make(), self._loop).result(timeout)

    def stop(self) -> None:
        """Close every connection, stop the loop and join the thread (bounded); idempotent."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None:
            return
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended on its own
                loop.call_soon_threadsafe(stop.set)
        thread.join(self.shutdown_timeout + 2.0)
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._thread = None
        if thread.is_alive():
            raise RuntimeError(
                f"LoopbackWsServer on port {self._port} did not stop within "
                f"{self.shutdown_timeout} s"
            )

    def __enter__(self) -> LoopbackWsServer:
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
        state = "running" if self._thread is not None else "stopped"
        return f"LoopbackWsServer(port={self._port}, {state})"

"""Run any ASGI app with uvicorn on a pre-bound ``127.0.0.1`` socket in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType
from typing import Any, Literal

import uvicorn

__all__ = ["LoopbackServer"]

# How often the starting thread looks at the server while waiting for it to come up.
_POLL_SECONDS = 0.005


class _Server(uvicorn.Server):
    """A uvicorn server that signals a thread-safe event once it accepts connections."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.ready.set()


class LoopbackServer:
    """Serve an ASGI app on ``http://127.0.0.1:<free port>`` for the length of a ``with`` block.

    The listening socket is created here with an explicit ``IPPROTO_TCP``: asyncio only sets
    ``TCP_NODELAY`` on accepted sockets whose ``proto`` is TCP, and without it small replies wait
    for Nagle/delayed-ACK and every request stalls about 40 ms. Binding before uvicorn starts also
    means the port is known (and owned) up front, with no race for a free port.

    Uvicorn runs its own asyncio loop in a daemon thread, so the server works the same under
    sync tests, asyncio tests and trio tests. Logging is kept at ``warning`` and uvicorn's global
    logging configuration is left alone; lifespan events are off unless asked for.

    Example::

        with LoopbackServer(app) as server:
            httpx.get(server.url + "/0/public/Time")

    Args:
        app: any ASGI 3 application (a starlette ``Starlette`` for instance).
        startup_timeout: seconds to wait for the server to accept connections.
        shutdown_timeout: seconds to wait for it to stop on exit; in-flight requests get at most
            one second of grace before uvicorn cancels them.
        lifespan: ``"off"`` (default), ``"on"`` or ``"auto"``, as uvicorn's option.
        ws: uvicorn's WebSocket implementation (``"none"`` by default; ``"websockets-sansio"``
            or ``"wsproto"`` when the app serves WebSockets).

    Raises:
        RuntimeError: on entry, when the server failed or did not start in time; on exit, when
            it did not stop in time.
    """

    def __init__(
        self,
        app: Any,
        *,
        startup_timeout: float = 5.0,
        shutdown_timeout: float = 5.0,
        lifespan: Literal["auto", "on", "off"] = "off",
        ws: str = "none",
    ) -> None:
        self.app = app
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        self._lifespan = lifespan
        self._ws = ws
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._port = 0

    @property
    def host(self) -> str:
        """Always ``127.0.0.1``: the server never listens on another interface."""
        return "127.0.0.1"

    @property
    def port(self) -> int:
        """The port the server listens on (``0`` before :meth:`start`)."""
        return self._port

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:51234``."""
        if not self._port:
            raise RuntimeError("LoopbackServer is not started; use it as a context manager")
        return f"http://{self.host}:{self._port}"

    def start(self) -> None:
        """Bind, start uvicorn in a background thread and wait until it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("LoopbackServer is already started")
        self._failure = None
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.bind((self.host, 0))
            # Listening now lets early connections queue instead of being refused.
            sock.listen(128)
        except BaseException:
            sock.close()
            raise
        self._socket = sock
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            loop="asyncio",
            http="h11",
            ws=self._ws,
            lifespan=self._lifespan,
            log_config=None,  # leave the process's logging configuration alone
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        server = self._server = _Server(config)
        thread = self._thread = threading.Thread(
            target=self._run, args=(server, sock), name=f"LoopbackServer:{self._port}", daemon=True
        )
        thread.start()
        self._wait_ready(server, thread)

    def _run(self, server: _Server, sock: socket.socket) -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # uvicorn reports startup failure with sys.exit()
            self._failure = exc

    def _wait_ready(self, server: _Server, thread: threading.Thread) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while not server.ready.wait(_POLL_SECONDS):
            if not thread.is_alive():
                self.stop()
                raise RuntimeError(
                    f"LoopbackServer on port {self._port} failed to start: {self._failure!r}"
                ) from self._failure
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"LoopbackServer on port {self._port} did not start within "
                    f"{self.startup_timeout} s"
                )

    def stop(self) -> None:
        """Ask uvicorn to exit and wait (bounded) for its thread; idempotent."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(self.shutdown_timeout)
        if thread.is_alive():
            # Skip the graceful wait for open connections and tasks.
            server.force_exit = True
            thread.join(1.0)
        self._close_socket()
        self._server = None
        self._thread = None
        if thread.is_alive():
            raise RuntimeError(
                f"LoopbackServer on port {self._port} did not stop within {self.shutdown_timeout} s"
            )

    def _close_socket(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> LoopbackServer:
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
        return f"LoopbackServer(url='http://{self.host}:{self._port}', {state})"

"""Blocking WebSocket adapter: websockets' sans-I/O protocol over a socket (and ``ssl`` for wss).

One thread reads (``receive``) while any number of threads send: protocol state and writes are
serialised by one lock, reads by another, and the socket stays in blocking mode (with a send
timeout) so a reader waiting in ``select`` never disturbs a sender. Every socket, TLS and
websockets exception is translated into :class:`~kraken.core.errors.KrakenTransportError`.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import ssl
import threading
import time
from types import TracebackType

from kraken.adapters.ws_framing import (
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_USER_AGENT,
    RECV_BYTES,
    WsFraming,
    WsOptions,
    WsTarget,
    proxy_connect_request,
    proxy_reply_status,
    ws_target,
)
from kraken.core.errors import KrakenError, KrakenTimeoutError, KrakenTransportError
from kraken.core.ws.frames import TimedOut, WsReceived

__all__ = ["SocketWsConnection", "SocketWsConnector"]

logger = logging.getLogger("kraken.adapters.ws")


def _remaining(deadline: float, what: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise KrakenTimeoutError(f"{what}: not connected within the connect timeout")
    return left


class SocketWsConnector:
    """:class:`~kraken.ports.ws.WsConnector` over a blocking socket (``ssl`` for ``wss://``).

    TLS verifies the certificate and sends SNI (``ssl.create_default_context()`` unless an
    ``ssl_context`` is given); ``ws://`` is refused except towards loopback hosts.

    Args:
        connect_timeout: seconds for TCP connect, proxy tunnel, TLS handshake and WebSocket
            upgrade together; also how long one blocked send may stall (then the connection
            counts as dead and :class:`KrakenTimeoutError` is raised).
        close_timeout: seconds to wait for the server's side of the closing handshake, so a
            dead peer is noticed quickly.
        max_message_size: bytes; a bigger incoming message closes the connection with code
            1009 and ``receive`` returns ``Closed(1009)``.
        proxy: ``http://[user:password@]host:port`` proxy reached with HTTP CONNECT.
        ssl_context: TLS settings for ``wss://`` (certificate verification stays the caller's
            choice when given).
        user_agent: ``User-Agent`` of the upgrade request.
        ping_interval: seconds without any data from the server after which ``receive`` sends
            a keepalive ping (its pong comes back as :class:`Pong`); ``None`` disables them.
        ping_timeout: seconds to wait for data after a keepalive ping; then the connection is
            closed with 1011 and ``receive`` returns ``Closed(1011)``.

    Keepalive runs inside ``receive``, which a client's reader thread calls continuously.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        close_timeout: float = 2.0,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        proxy: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
    ) -> None:
        self._options = WsOptions.build(
            connect_timeout=connect_timeout,
            close_timeout=close_timeout,
            max_message_size=max_message_size,
            proxy=proxy,
            user_agent=user_agent,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
        )
        self._ssl_context = ssl_context

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def connect(self, url: str) -> SocketWsConnection:
        """Open a WebSocket to ``url``.

        Raises:
            KrakenUsageError: the URL is not ``wss://`` (or ``ws://`` towards loopback).
            KrakenTimeoutError: not open within ``connect_timeout``.
            KrakenTransportError: anything else; ``status`` is the HTTP status when the server
                (or the proxy) refused the upgrade.
        """
        target = ws_target(url)
        options = self._options
        started = time.monotonic()
        deadline = started + options.connect_timeout
        framing = WsFraming(target, options, started)
        sock: socket.socket | None = None
        try:
            sock = self._open(target, deadline)
            self._handshake(sock, framing, deadline)
        except BaseException as exc:
            if sock is not None:
                sock.close()
            if isinstance(exc, KrakenError):
                raise
            if isinstance(exc, TimeoutError):
                raise KrakenTimeoutError(
                    f"{target.display}: not connected within {options.connect_timeout} s"
                ) from exc
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise KrakenTransportError(
                    f"{target.display}: TLS certificate verification failed: {exc.verify_message}"
                ) from exc
            if isinstance(exc, OSError | ValueError | UnicodeError):
                raise KrakenTransportError(
                    f"{target.display}: cannot connect: {type(exc).__name__}: {exc}"
                ) from exc
            raise
        return SocketWsConnection(sock, framing, options)

    def _open(self, target: WsTarget, deadline: float) -> socket.socket:
        proxy = self._options.proxy
        where = target.display
        address = (target.host, target.port) if proxy is None else (proxy.host, proxy.port)
        sock = socket.create_connection(address, timeout=_remaining(deadline, where))
        try:
            # Small frames must leave at once (no Nagle delay on pings and orders).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if proxy is not None:
                sock.sendall(proxy_connect_request(proxy, target, self._options.user_agent))
                reply = b""
                while proxy_reply_status(reply, proxy) is None:
                    sock.settimeout(_remaining(deadline, where))
                    chunk = sock.recv(4096)
                    if not chunk:
                        raise KrakenTransportError(f"proxy {proxy} closed the connection")
                    reply += chunk
            if target.secure:
                sock.settimeout(_remaining(deadline, where))
                return self._context().wrap_socket(sock, server_hostname=target.host)
        except BaseException:
            sock.close()
            raise
        return sock

    @staticmethod
    def _handshake(sock: socket.socket, framing: WsFraming, deadline: float) -> None:
        where = framing.target.display
        sock.settimeout(_remaining(deadline, where))
        sock.sendall(framing.start())
        while not framing.opened:
            error = framing.handshake_error()
            if error is not None:
                raise error
            sock.settimeout(_remaining(deadline, where))
            data = sock.recv(RECV_BYTES)
            if data:
                framing.receive_data(data, time.monotonic())
            else:
                framing.connection_lost()
                raise framing.handshake_error() or KrakenTransportError(
                    f"{where}: connection closed during the WebSocket upgrade"
                )
        # Answer whatever came with the upgrade reply (a ping, say) before handing over.
        output = framing.take_output()
        if output:
            sock.sendall(output)

    def __repr__(self) -> str:
        return f"SocketWsConnector({self._options.describe()})"


class SocketWsConnection:
    """:class:`~kraken.ports.ws.WsConnection` over a blocking socket; made by the connector.

    ``receive`` returns complete text messages (fragments joined; binary messages decoded as
    UTF-8 when they are, else dropped with a warning), :class:`Pong` for pongs, ``TimedOut``
    when nothing arrived in time, and ``Closed(code)`` forever once closed: 1006 when the
    connection died without a close frame, 1009 when a message exceeded ``max_message_size``,
    1011 when a keepalive ping went unanswered. Server pings are answered automatically.
    """

    def __init__(self, sock: socket.socket, framing: WsFraming, options: WsOptions) -> None:
        self._sock = sock
        self._framing = framing
        self._options = options
        self._tls = isinstance(sock, ssl.SSLSocket)
        self._lock = threading.Lock()  # protocol state and socket writes
        self._read_lock = threading.Lock()  # one reader at a time
        self._done = threading.Event()  # socket closed, final code known
        # Blocking mode with a timeout: a send to a peer that stopped reading fails in time.
        sock.settimeout(options.connect_timeout)
        self._selector = selectors.DefaultSelector()
        self._selector.register(sock, selectors.EVENT_READ)

    @property
    def url(self) -> str:
        """The URL this connection was opened to."""
        return self._framing.target.url

    def receive(self, timeout: float | None) -> WsReceived:
        """Wait up to ``timeout`` seconds (``None``: no limit) for a message, pong or close.

        ``timeout=0`` polls: it returns what the socket already holds, else ``TimedOut``.
        """
        queue = self._framing.queue
        if queue:
            return queue.popleft()
        with self._read_lock:
            return self._receive(timeout)

    def _receive(self, timeout: float | None) -> WsReceived:
        framing = self._framing
        queue = framing.queue
        deadline = None if timeout is None else time.monotonic() + max(timeout, 0.0)
        polled = False  # the socket is looked at at least once, even with timeout=0
        while True:
            if queue:
                return queue.popleft()
            if framing.closed is not None:
                if self._done.is_set():
                    return framing.closed
                self._finish()
                continue  # messages that came during the closing handshake go first
            now = time.monotonic()
            wake = framing.next_keepalive()
            if wake is not None and now >= wake:
                with self._lock:
                    framing.keepalive(now)
                    self._flush_quietly()
                continue
            if deadline is not None:
                if polled and now >= deadline:
                    return TimedOut()
                wake = deadline if wake is None else min(wake, deadline)
            if self._readable(None if wake is None else max(wake - now, 0.0)):
                self._read_once()
            polled = True

    def _readable(self, timeout: float | None) -> bool:
        if self._tls and self._sock.pending():  # type: ignore[attr-defined]
            return True  # decrypted bytes wait in the TLS layer, select would not see them
        try:
            return bool(self._selector.select(timeout))
        except (OSError, ValueError):  # socket closed under us: let recv report it
            return True

    def _read_once(self) -> None:
        try:
            data = self._sock.recv(RECV_BYTES)
        except TimeoutError:
            return  # half a TLS record arrived, the rest is late: try again
        except (OSError, ValueError) as exc:
            logger.debug("%s: read failed: %r", self._framing.target.display, exc)
            data = b""
        with self._lock:
            if data:
                self._framing.receive_data(data, time.monotonic())
            else:
                self._framing.connection_lost()
            self._flush_quietly()

    def _flush(self) -> None:
        """Send the protocol's pending output; the caller holds ``_lock``."""
        output = self._framing.take_output()
        if not output:
            return
        where = self._framing.target.display
        try:
            self._sock.sendall(output)
        except TimeoutError as exc:
            # Part of a frame may be gone: the stream cannot be trusted any more.
            self._framing.connection_lost()
            raise KrakenTimeoutError(
                f"{where}: send stalled for {self._options.connect_timeout} s; connection dropped"
            ) from exc
        except (OSError, ValueError) as exc:
            self._framing.connection_lost()
            raise KrakenTransportError(
                f"{where}: send failed: {type(exc).__name__}: {exc}"
            ) from exc

    def _flush_quietly(self) -> None:
        try:
            self._flush()
        except KrakenTransportError as exc:  # the reader reports it as Closed(1006)
            logger.debug("%s", exc)

    def _finish(self) -> None:
        """Wait (at most ``close_timeout``) for the server to end the connection, then close.

        The caller holds ``_read_lock``. RFC 6455 7.1.1: the server closes TCP first.
        """
        framing = self._framing
        deadline = time.monotonic() + self._options.close_timeout
        while not framing.finished:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if self._readable(left):
                self._read_once()
        self._close_socket()

    def _close_socket(self) -> None:
        with self._lock:
            self._framing.connection_lost()  # keeps the code already known, else 1006
        with contextlib.suppress(OSError, ValueError, KeyError):  # already closed
            self._selector.close()
        self._sock.close()
        self._done.set()

    def send_text(self, text: str) -> None:
        """Send one text message (thread-safe); raise KrakenTransportError once closed."""
        with self._lock:
            self._framing.send_text(text)
            self._flush()

    def ping(self) -> None:
        """Send a protocol ping; the pong comes back from ``receive`` as :class:`Pong`."""
        with self._lock:
            self._framing.send_ping()
            self._flush()

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close with ``code``; wait at most ``close_timeout`` for the server; idempotent.

        A reader blocked in ``receive`` wakes up and returns the final :class:`Closed`.
        """
        if self._done.is_set():
            return
        with self._lock:
            if self._framing.send_close(code, reason):
                self._flush_quietly()
        if self._read_lock.acquire(blocking=False):
            try:
                if not self._done.is_set():
                    self._finish()
            finally:
                self._read_lock.release()
        elif not self._done.wait(self._options.close_timeout):
            self._abort()

    def _abort(self) -> None:
        """The reader did not finish in time: cut the connection under it."""
        with self._lock:
            self._framing.connection_lost()
        with contextlib.suppress(OSError):
            # Wakes a reader blocked in select with an end of stream.
            self._sock.shutdown(socket.SHUT_RDWR)
        if not self._done.wait(self._options.close_timeout):
            self._close_socket()

    def __enter__(self) -> SocketWsConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._done.is_set() else "open"
        return f"SocketWsConnection({self._framing.target.display!r}, {state})"

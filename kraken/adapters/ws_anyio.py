"""Async WebSocket adapter: websockets' sans-I/O protocol over anyio streams (asyncio and trio).

The framing is :class:`~kraken.adapters.ws_framing.WsFraming`, shared with the blocking adapter;
this module only moves bytes with anyio, so it runs unchanged on asyncio and trio. One task
reads while others send: sends are serialised by an ``anyio.Lock`` and shielded from
cancellation (a frame half written would corrupt the stream), bounded by ``connect_timeout``.
Every anyio, TLS, OS and websockets exception becomes a
:class:`~kraken.core.errors.KrakenTransportError`.
"""

from __future__ import annotations

import logging
import socket
import ssl
from types import TracebackType

import anyio
import anyio.abc
from anyio.streams.tls import TLSStream

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

__all__ = ["AnyioWsConnection", "AnyioWsConnector"]

logger = logging.getLogger("kraken.adapters.ws")

# What anyio streams raise when the connection is gone (the OS and TLS errors included).
_STREAM_ERRORS = (
    anyio.BrokenResourceError,
    anyio.ClosedResourceError,
    anyio.EndOfStream,
    anyio.BusyResourceError,
    OSError,  # ssl.SSLError included
)


class AnyioWsConnector:
    """:class:`~kraken.ports.ws.AsyncWsConnector` over anyio TCP and TLS streams.

    Same arguments and semantics as :class:`~kraken.adapters.ws_sync.SocketWsConnector`;
    works on asyncio and trio.
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

    async def connect(self, url: str) -> AnyioWsConnection:
        """Open a WebSocket to ``url``.

        Raises:
            KrakenUsageError: the URL is not ``wss://`` (or ``ws://`` towards loopback).
            KrakenTimeoutError: not open within ``connect_timeout``.
            KrakenTransportError: anything else; ``status`` is the HTTP status when the server
                (or the proxy) refused the upgrade.
        """
        target = ws_target(url)
        options = self._options
        framing = WsFraming(target, options, anyio.current_time())
        try:
            with anyio.fail_after(options.connect_timeout):
                stream = await self._open(target)
                try:
                    await self._handshake(stream, framing)
                except BaseException:
                    await anyio.aclose_forcefully(stream)
                    raise
        except KrakenError:
            raise
        except TimeoutError as exc:
            raise KrakenTimeoutError(
                f"{target.display}: not connected within {options.connect_timeout} s"
            ) from exc
        except ssl.SSLCertVerificationError as exc:
            raise KrakenTransportError(
                f"{target.display}: TLS certificate verification failed: {exc.verify_message}"
            ) from exc
        except (*_STREAM_ERRORS, ValueError, UnicodeError) as exc:
            raise KrakenTransportError(
                f"{target.display}: cannot connect: {type(exc).__name__}: {exc}"
            ) from exc
        return AnyioWsConnection(stream, framing, options)

    async def _open(self, target: WsTarget) -> anyio.abc.ByteStream:
        proxy = self._options.proxy
        if proxy is None:
            tcp = await anyio.connect_tcp(target.host, target.port)
        else:
            tcp = await anyio.connect_tcp(proxy.host, proxy.port)
        stream: anyio.abc.ByteStream = tcp
        try:
            raw = tcp.extra(anyio.abc.SocketAttribute.raw_socket)  # noqa: S610 (anyio, not Django)
            # Small frames must leave at once (no Nagle delay on pings and orders).
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if proxy is not None:
                await tcp.send(proxy_connect_request(proxy, target, self._options.user_agent))
                reply = b""
                while proxy_reply_status(reply, proxy) is None:
                    try:
                        reply += await tcp.receive(4096)
                    except anyio.EndOfStream:
                        raise KrakenTransportError(f"proxy {proxy} closed the connection") from None
            if target.secure:
                stream = await TLSStream.wrap(
                    tcp,
                    server_side=False,
                    hostname=target.host,
                    ssl_context=self._context(),
                    # Kraken's servers may drop TCP without a TLS close_notify: that is an end
                    # of stream here, not an error.
                    standard_compatible=False,
                )
        except BaseException:
            await anyio.aclose_forcefully(tcp)
            raise
        return stream

    @staticmethod
    async def _handshake(stream: anyio.abc.ByteStream, framing: WsFraming) -> None:
        await stream.send(framing.start())
        while not framing.opened:
            error = framing.handshake_error()
            if error is not None:
                raise error
            try:
                data = await stream.receive(RECV_BYTES)
            except anyio.EndOfStream:
                framing.connection_lost()
                raise framing.handshake_error() or KrakenTransportError(
                    f"{framing.target.display}: connection closed during the WebSocket upgrade"
                ) from None
            framing.receive_data(data, anyio.current_time())
        output = framing.take_output()
        if output:
            await stream.send(output)

    def __repr__(self) -> str:
        return f"AnyioWsConnector({self._options.describe()})"


class AnyioWsConnection:
    """:class:`~kraken.ports.ws.AsyncWsConnection` over an anyio byte stream.

    Same values as :class:`~kraken.adapters.ws_sync.SocketWsConnection`. Messages already
    received are returned without yielding to the event loop (that is what makes floods fast).
    """

    def __init__(
        self, stream: anyio.abc.ByteStream, framing: WsFraming, options: WsOptions
    ) -> None:
        self._stream = stream
        self._framing = framing
        self._options = options
        self._send_lock = anyio.Lock()
        self._read_lock = anyio.Lock()
        self._done = anyio.Event()

    @property
    def url(self) -> str:
        """The URL this connection was opened to."""
        return self._framing.target.url

    async def receive(self, timeout: float | None) -> WsReceived:
        """Wait up to ``timeout`` seconds (``None``: no limit) for a message, pong or close.

        ``timeout=0`` returns what was already received, else ``TimedOut`` (an expired anyio
        deadline cancels the read before it looks at the socket).
        """
        queue = self._framing.queue
        if queue:
            return queue.popleft()
        async with self._read_lock:
            return await self._receive(timeout)

    async def _receive(self, timeout: float | None) -> WsReceived:
        framing = self._framing
        queue = framing.queue
        deadline = None if timeout is None else anyio.current_time() + max(timeout, 0.0)
        while True:
            if queue:
                return queue.popleft()
            if framing.closed is not None:
                if self._done.is_set():
                    return framing.closed
                await self._finish()
                continue  # messages that came during the closing handshake go first
            now = anyio.current_time()
            wake = framing.next_keepalive()
            if wake is not None and now >= wake:
                framing.keepalive(now)
                await self._flush_quietly()
                continue
            if deadline is not None:
                if now >= deadline:
                    return TimedOut()
                wake = deadline if wake is None else min(wake, deadline)
            await self._read_once(None if wake is None else wake - now)

    async def _read_once(self, wait: float | None) -> None:
        data = None
        with anyio.move_on_after(wait):
            try:
                data = await self._stream.receive(RECV_BYTES)
            except anyio.EndOfStream:
                data = b""
            except _STREAM_ERRORS as exc:
                logger.debug("%s: read failed: %r", self._framing.target.display, exc)
                data = b""
        if data is None:
            return  # nothing before the wake-up time
        if data:
            self._framing.receive_data(data, anyio.current_time())
        else:
            self._framing.connection_lost()
        await self._flush_quietly()

    async def _flush(self) -> None:
        """Send the protocol's pending output (pongs, close frames) under the send lock."""
        async with self._send_lock:
            await self._send_locked()

    async def _send_locked(self) -> None:
        output = self._framing.take_output()
        if not output:
            return
        where = self._framing.target.display
        # Shielded: a frame cut in half by a cancellation would corrupt the stream.
        with anyio.CancelScope(shield=True):
            try:
                with anyio.fail_after(self._options.connect_timeout):
                    await self._stream.send(output)
            except TimeoutError as exc:
                self._framing.connection_lost()
                raise KrakenTimeoutError(
                    f"{where}: send stalled for {self._options.connect_timeout} s; "
                    "connection dropped"
                ) from exc
            except _STREAM_ERRORS as exc:
                self._framing.connection_lost()
                raise KrakenTransportError(
                    f"{where}: send failed: {type(exc).__name__}: {exc}"
                ) from exc

    async def _flush_quietly(self) -> None:
        if not self._framing.protocol.writes:
            return
        try:
            await self._flush()
        except KrakenTransportError as exc:  # the reader reports it as Closed(1006)
            logger.debug("%s", exc)

    async def _finish(self) -> None:
        """Wait (at most ``close_timeout``) for the server to end the connection, then close.

        The caller holds ``_read_lock``. Shielded, so a cancelled caller still closes the socket.
        """
        framing = self._framing
        with anyio.CancelScope(shield=True):
            with anyio.move_on_after(self._options.close_timeout):
                while not framing.finished:
                    await self._read_once(None)
            framing.connection_lost()  # keeps the code already known, else 1006
            await anyio.aclose_forcefully(self._stream)
            self._done.set()

    async def send_text(self, text: str) -> None:
        """Send one text message; raise KrakenTransportError once closed."""
        async with self._send_lock:
            self._framing.send_text(text)
            await self._send_locked()

    async def ping(self) -> None:
        """Send a protocol ping; the pong comes back from ``receive`` as :class:`Pong`."""
        async with self._send_lock:
            self._framing.send_ping()
            await self._send_locked()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close with ``code``; wait at most ``close_timeout`` for the server; idempotent.

        A task blocked in ``receive`` wakes up and returns the final :class:`Closed`.
        """
        if self._done.is_set():
            return
        with anyio.CancelScope(shield=True):
            async with self._send_lock:
                if self._framing.send_close(code, reason):
                    try:
                        await self._send_locked()
                    except KrakenTransportError as exc:
                        logger.debug("%s", exc)
            try:
                self._read_lock.acquire_nowait()
            except anyio.WouldBlock:
                pass  # a reader is active: it sees the server's answer and finishes
            else:
                try:
                    if not self._done.is_set():
                        await self._finish()
                finally:
                    self._read_lock.release()
                return
            with anyio.move_on_after(self._options.close_timeout):
                await self._done.wait()
            if not self._done.is_set():
                # The reader did not finish in time: cut the connection under it; the reader
                # then sees the stream closed and returns the final Closed.
                self._framing.connection_lost()
                await anyio.aclose_forcefully(self._stream)
                self._done.set()

    async def __aenter__(self) -> AnyioWsConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = "closed" if self._done.is_set() else "open"
        return f"AnyioWsConnection({self._framing.target.display!r}, {state})"

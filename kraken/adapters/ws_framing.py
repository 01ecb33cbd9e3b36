"""WebSocket framing shared by the sync and anyio adapters: websockets' sans-I/O protocol, no I/O.

Both adapters move bytes; everything else lives here, written once: URL and proxy parsing, the
opening handshake (and its refusal, with the HTTP status), turning frames into the WS port's
values (:class:`TextMessage`, :class:`Pong`, :class:`Closed`), client keepalive pings, and the
close codes. The wire protocol itself is ``websockets.client.ClientProtocol`` (RFC 6455), which
the architecture measured at 230-300k small messages per second when driven by thin pumps.
"""

from __future__ import annotations

import base64
import logging
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.frames import (
    BINARY,
    CLOSE,
    CONT,
    EXTERNAL_CLOSE_CODES,
    PONG,
    TEXT,
    Frame,
)
from websockets.http11 import Request, Response
from websockets.protocol import CLOSED, OPEN
from websockets.uri import parse_uri

from kraken._version import __version__
from kraken.core.errors import KrakenTransportError, KrakenUsageError
from kraken.core.rest.envelope import body_excerpt
from kraken.core.rest.urls import validate_base_url
from kraken.core.ws.frames import Closed, Pong, TextMessage, WsReceived

__all__ = [
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_USER_AGENT",
    "RECV_BYTES",
    "ProxyTarget",
    "WsFraming",
    "WsOptions",
    "WsTarget",
    "proxy_connect_request",
    "proxy_reply_status",
    "ws_target",
]

logger = logging.getLogger("kraken.adapters.ws")

DEFAULT_USER_AGENT = f"kraken-python/{__version__}"
"""``User-Agent`` of the WebSocket upgrade request unless the connector is given another."""

DEFAULT_MAX_MESSAGE_SIZE = 2**22
"""4 MiB: far above Kraken's largest frames (a 1000-level book snapshot), far below harm."""

RECV_BYTES = 1 << 16
"""Bytes asked from the socket per read: one read carries hundreds of small messages."""

_MAX_PROXY_REPLY = 1 << 16  # a CONNECT reply's header is a few hundred bytes
_MAX_REASON_BYTES = 123  # RFC 6455 5.5: control frame payload <= 125 bytes, 2 of them the code
_KEEPALIVE_PAYLOAD = b"kraken-keepalive"


@dataclass(frozen=True, slots=True)
class WsTarget:
    """Where a WebSocket URL points: ``url`` as given (validated), host, port, TLS or not."""

    url: str
    host: str
    port: int
    secure: bool

    @property
    def display(self) -> str:
        """The URL without user info or query, for error messages and logs."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{self.host}:{self.port}{parts.path}"


def ws_target(url: str) -> WsTarget:
    """Validate a ``wss://`` URL (``ws://`` only towards loopback hosts) and split it.

    Raises:
        KrakenUsageError: the URL is not a WebSocket URL the SDK may connect to.
    """
    url = validate_base_url(url, websocket=True)
    try:
        uri = parse_uri(url)
    except WebSocketException as exc:
        raise KrakenUsageError(f"{url!r} is not a valid WebSocket URL: {exc}") from None
    return WsTarget(url, uri.host, uri.port, uri.secure)


@dataclass(frozen=True, slots=True)
class ProxyTarget:
    """An ``http://[user:password@]host:port`` proxy reached with HTTP CONNECT."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)  # never shown: credentials

    @classmethod
    def parse(cls, proxy: str) -> ProxyTarget:
        """Parse a proxy URL; only ``http://`` proxies (CONNECT tunnels) are supported."""
        try:
            parts = urlsplit(proxy)
            port = parts.port or 80
        except ValueError:
            raise KrakenUsageError("proxy must look like 'http://host:port'.") from None
        if parts.scheme != "http" or not parts.hostname:
            raise KrakenUsageError(
                "proxy must look like 'http://host:port' (an HTTP CONNECT proxy); "
                f"got scheme {parts.scheme!r}."
            )
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return cls(parts.hostname, port, authorization)

    def __str__(self) -> str:
        return f"http://{self.host}:{self.port}"


def proxy_connect_request(proxy: ProxyTarget, target: WsTarget, user_agent: str) -> bytes:
    """The HTTP CONNECT request opening a tunnel to ``target`` (RFC 9110 9.3.6)."""
    authority = f"[{target.host}]" if ":" in target.host else target.host
    authority = f"{authority}:{target.port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}", f"User-Agent: {user_agent}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def proxy_reply_status(buffer: bytes, proxy: ProxyTarget) -> int | None:
    """The status of a complete CONNECT reply in ``buffer``, or ``None`` while it is incomplete.

    Raises:
        KrakenTransportError: the proxy refused the tunnel (``status`` set), answered something
            that is not HTTP, or sent bytes past its reply before the tunnel was used.
    """
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        if len(buffer) > _MAX_PROXY_REPLY:
            raise KrakenTransportError(f"proxy {proxy} sent an oversized reply to CONNECT")
        return None
    status_line = buffer[: buffer.find(b"\r\n")].decode("latin-1")
    version, _, rest = status_line.partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or not code.isdigit():
        raise KrakenTransportError(
            f"proxy {proxy} answered CONNECT with {status_line[:80]!r}, not HTTP"
        )
    status = int(code)
    if not 200 <= status < 300:
        raise KrakenTransportError(
            f"proxy {proxy} refused the CONNECT tunnel",
            status=status,
            body_excerpt=body_excerpt(buffer[end + 4 :]),
        )
    if len(buffer) > end + 4:
        raise KrakenTransportError(f"proxy {proxy} sent data before the tunnel was used")
    return status


@dataclass(frozen=True, slots=True)
class WsOptions:
    """The options both connectors share, validated once.

    Args:
        connect_timeout: seconds for TCP connect, proxy tunnel, TLS and the upgrade together;
            also the longest a blocked send may stall before the connection counts as dead.
        close_timeout: seconds to wait for the peer's side of the closing handshake.
        max_message_size: bytes; a bigger incoming message closes the connection with 1009.
        proxy: ``http://host:port`` proxy reached with HTTP CONNECT, or ``None``.
        user_agent: ``User-Agent`` of the upgrade request.
        ping_interval: seconds of silence from the server after which a keepalive ping is
            sent; ``None`` disables keepalive pings.
        ping_timeout: seconds to wait for any data after a keepalive ping before the
            connection is declared dead (closed with 1011); ``None`` waits forever.
    """

    connect_timeout: float
    close_timeout: float
    max_message_size: int
    proxy: ProxyTarget | None
    user_agent: str
    ping_interval: float | None
    ping_timeout: float | None

    @classmethod
    def build(
        cls,
        *,
        connect_timeout: float,
        close_timeout: float,
        max_message_size: int,
        proxy: str | None,
        user_agent: str,
        ping_interval: float | None,
        ping_timeout: float | None,
    ) -> WsOptions:
        """Validate the connector arguments (raising :class:`KrakenUsageError`)."""
        for name, value in (("connect_timeout", connect_timeout), ("close_timeout", close_timeout)):
            if not isinstance(value, int | float) or not value > 0:
                raise KrakenUsageError(f"{name} must be a positive number of seconds.")
        for name, optional in (("ping_interval", ping_interval), ("ping_timeout", ping_timeout)):
            if optional is not None and (not isinstance(optional, int | float) or optional <= 0):
                raise KrakenUsageError(f"{name} must be None or a positive number of seconds.")
        if not isinstance(max_message_size, int) or max_message_size < 1:
            raise KrakenUsageError("max_message_size must be a positive number of bytes.")
        if not isinstance(user_agent, str) or not user_agent or "\n" in user_agent:
            raise KrakenUsageError("user_agent must be a non-empty single-line string.")
        return cls(
            float(connect_timeout),
            float(close_timeout),
            max_message_size,
            None if proxy is None else ProxyTarget.parse(proxy),
            user_agent,
            None if ping_interval is None else float(ping_interval),
            None if ping_timeout is None else float(ping_timeout),
        )

    def describe(self) -> str:
        """The options for a ``repr`` (the proxy without credentials)."""
        proxy = "" if self.proxy is None else f", proxy='{self.proxy}'"
        return (
            f"connect_timeout={self.connect_timeout}, close_timeout={self.close_timeout}, "
            f"max_message_size={self.max_message_size}{proxy}"
        )


def _check_close(code: int, reason: str) -> bytes:
    if not isinstance(code, int) or not (code in EXTERNAL_CLOSE_CODES or 3000 <= code < 5000):
        raise KrakenUsageError(
            f"close code {code!r} cannot be sent; use 1000 (normal), 1001 (going away) or an "
            "application code in 3000-4999 (RFC 6455 7.4)."
        )
    # A close reason must fit in a control frame; cut on a character boundary.
    return reason.encode()[:_MAX_REASON_BYTES].decode("utf-8", "ignore").encode()


class WsFraming:
    """One client connection's protocol state; the adapters feed it bytes and send its output.

    Not thread-safe: the sync adapter calls it under its lock, the anyio one between awaits.

    Args:
        target: where the connection goes.
        options: the connector's options.
        now: the current monotonic time (keepalive timing starts here).
    """

    __slots__ = (
        "_last_rx",
        "_options",
        "_parts",
        "_parts_binary",
        "_ping_sent_at",
        "closed",
        "opened",
        "protocol",
        "queue",
        "target",
    )

    def __init__(self, target: WsTarget, options: WsOptions, now: float) -> None:
        self.target = target
        self._options = options
        self.protocol = ClientProtocol(parse_uri(target.url), max_size=options.max_message_size)
        self.queue: deque[WsReceived] = deque()
        """Messages and pongs received and not yet handed to the reader."""
        self.closed: Closed | None = None
        """Set once the connection is closing or closed: what ``receive`` returns at the end."""
        self.opened = False
        self._parts: list[bytes] = []
        self._parts_binary = False
        self._last_rx = now
        self._ping_sent_at: float | None = None

    # Opening handshake.

    def start(self) -> bytes:
        """The upgrade request to send first."""
        request = self.protocol.connect()
        request.headers["User-Agent"] = self._options.user_agent
        self.protocol.send_request(request)
        return self.take_output()

    def handshake_error(self) -> KrakenTransportError | None:
        """Why the upgrade failed (``status`` set when the server answered non-101), or ``None``."""
        exc = self.protocol.handshake_exc
        where = self.target.display
        if isinstance(exc, InvalidStatus):
            response = exc.response
            return KrakenTransportError(
                f"{where}: the server refused the WebSocket upgrade",
                status=response.status_code,
                body_excerpt=body_excerpt(bytes(response.body)),
            )
        if exc is not None:
            return KrakenTransportError(f"{where}: invalid WebSocket handshake reply: {exc}")
        if self.protocol.state is CLOSED or self.protocol.reader.eof:
            return KrakenTransportError(f"{where}: connection closed during the WebSocket upgrade")
        return None

    # Incoming bytes.

    def receive_data(self, data: bytes, now: float) -> None:
        """Feed bytes read from the network (any amount, any split)."""
        protocol = self.protocol
        if protocol.reader.eof:
            return  # read before the connection was declared lost: too late to matter
        self._last_rx = now
        self._ping_sent_at = None
        protocol.receive_data(data)
        events = protocol.events
        if events:
            protocol.events = []
            self._process(events)
        if protocol.state is not OPEN and self.closed is None:
            self._settle()

    def connection_lost(self) -> None:
        """The stream ended or broke (EOF, reset, failed write); idempotent."""
        protocol = self.protocol
        if not protocol.reader.eof:
            protocol.receive_eof()
            self._process(protocol.events_received())
        self._settle()
        if self.closed is None:  # closed before the upgrade completed
            self.closed = Closed(1006, "connection lost")

    def _process(self, events: list[Request | Response | Frame]) -> None:
        append = self.queue.append
        for event in events:
            if type(event) is not Frame:
                if isinstance(event, Response) and self.protocol.handshake_exc is None:
                    self.opened = True
                continue
            opcode = event.opcode
            if opcode is TEXT and event.fin:  # nearly every frame: keep this path short
                try:
                    append(TextMessage(str(event.data, "utf-8")))
                except UnicodeDecodeError:
                    self.fail(1007, "invalid UTF-8 in a text message")
                    return  # RFC 6455 7.1.7: nothing after a failure is processed
            elif opcode is TEXT or opcode is BINARY:
                if event.fin:
                    self._binary(event.data)
                else:
                    self._parts = [bytes(event.data)]
                    self._parts_binary = opcode is BINARY
            elif opcode is CONT:
                self._parts.append(bytes(event.data))
                if event.fin:
                    data, self._parts = b"".join(self._parts), []
                    if self._parts_binary:
                        self._binary(data)
                    else:
                        try:
                            append(TextMessage(str(data, "utf-8")))
                        except UnicodeDecodeError:
                            self.fail(1007, "invalid UTF-8 in a text message")
                            return
            elif opcode is PONG:
                append(Pong())
            elif opcode is CLOSE:
                self._settle()
            # PING: the protocol already queued the pong (RFC 6455 5.5.2); nothing to report.

    def _binary(self, data: bytes | bytearray | memoryview) -> None:
        """Kraken sends text; a binary message is taken as text when it is UTF-8."""
        try:
            self.queue.append(TextMessage(str(data, "utf-8")))
        except UnicodeDecodeError:
            logger.warning(
                "%s: ignored a %d-byte binary message that is not UTF-8 text",
                self.target.display,
                len(data),
            )

    def _settle(self) -> None:
        """Work out the final close code once the protocol left the OPEN state."""
        if self.closed is not None:
            return
        protocol = self.protocol
        received = protocol.close_rcvd
        if received is not None:
            self.closed = Closed(int(received.code), received.reason)
        elif protocol.parser_exc is not None and not isinstance(protocol.parser_exc, EOFError):
            # We failed the connection (message too big: 1009, protocol error: 1002...): the
            # code we sent is the one to report, the peer's echo is discarded (RFC 6455 7.1.7).
            sent = protocol.close_sent
            code, reason = (sent.code, sent.reason) if sent is not None else (1006, "")
            self.closed = Closed(int(code), reason or str(protocol.parser_exc))
        elif protocol.state is CLOSED:
            self.closed = Closed(1006, "connection lost without a close frame")

    def fail(self, code: int, reason: str) -> None:
        """Fail the connection: send a close frame with ``code`` and report ``Closed(code)``."""
        self.protocol.fail(code, reason)
        if self.closed is None:
            self.closed = Closed(code, reason)

    # Outgoing frames.

    def take_output(self) -> bytes:
        """Bytes the protocol wants sent (frames and pongs), in order; may be empty."""
        writes = self.protocol.data_to_send()
        if not writes:
            return b""
        # An empty item asks for a half-close; the adapters close the whole socket instead.
        return writes[0] if len(writes) == 1 else b"".join(writes)

    def _check_open(self) -> None:
        if self.protocol.state is not OPEN:
            state = self.closed or self.protocol.state.name.lower()
            raise KrakenTransportError(f"{self.target.display}: the WebSocket is closed ({state})")

    def send_text(self, text: str) -> None:
        """Queue one text message (raises :class:`KrakenTransportError` once closed)."""
        self._check_open()
        self.protocol.send_text(text.encode())

    def send_ping(self, payload: bytes = b"") -> None:
        """Queue a protocol ping."""
        self._check_open()
        self.protocol.send_ping(payload)

    def send_close(self, code: int, reason: str) -> bool:
        """Start the closing handshake; ``False`` when it had already started or ended."""
        encoded_reason = _check_close(code, reason)
        if self.protocol.state is not OPEN:
            return False
        self.protocol.send_close(code, encoded_reason.decode())
        return True

    # Keepalive (the protocol ping; Kraken's own app-level ping is the session's business).

    def next_keepalive(self) -> float | None:
        """When :meth:`keepalive` next has something to do (monotonic seconds), or ``None``."""
        options = self._options
        if options.ping_interval is None or self.protocol.state is not OPEN:
            return None
        if self._ping_sent_at is None:
            return self._last_rx + options.ping_interval
        if options.ping_timeout is None:
            return None
        return self._ping_sent_at + options.ping_timeout

    def keepalive(self, now: float) -> None:
        """Send a ping after ``ping_interval`` of silence; fail with 1011 if still silent."""
        due = self.next_keepalive()
        if due is None or now < due:
            return
        if self._ping_sent_at is None:
            self._ping_sent_at = now
            self.protocol.send_ping(_KEEPALIVE_PAYLOAD)
        else:
            # As websockets' own keepalive does: a dead peer is an internal error (1011).
            self.fail(1011, "keepalive ping timeout")

    @property
    def finished(self) -> bool:
        """True once the TCP connection may be closed (closing handshake done, or EOF)."""
        return self.protocol.state is CLOSED

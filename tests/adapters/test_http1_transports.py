"""The lean HTTP/1.1 transports against scripted loopback servers: bytes, pooling, failures.

``SocketHttpTransport`` (blocking) and ``AnyioHttpTransport`` (asyncio and trio) are run against
:class:`ScriptedServer`, a small threaded socket server on 127.0.0.1 that reads one request at a
time, records its raw bytes and writes scripted raw reply bytes (with pauses and closes), so
every framing and pooling rule is seen on a real connection. The two test classes mirror each
other test for test.
"""

from __future__ import annotations

import contextlib
import enum
import select
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field

import anyio
import pytest

from kraken.adapters.http1_anyio import AnyioHttpTransport
from kraken.adapters.http1_sync import SocketHttpTransport
from kraken.core.errors import KrakenTimeoutError, KrakenTransportError
from kraken.core.http1 import HttpProtocolError
from kraken.core.rest.values import Request
from tests.adapters.conftest import Certificate

pytestmark = [
    pytest.mark.loopback,
    # A connection the transports forget to close shows up as an error, not just a warning.
    pytest.mark.filterwarnings("error::ResourceWarning"),
]

POLL = 0.02
"""How often the server's threads look up from a blocked read to see whether to stop."""

SHORT_TIMEOUT = 0.3
FORM = "application/x-www-form-urlencoded"
# Every byte value, so any re-encoding of the body on the way would show.
ODD_BODY = b"nonce=1&note=" + bytes(range(256))


# --- the scripted loopback server ------------------------------------------------------------


class Act(enum.Enum):
    """A scripted server action that is not bytes or a pause."""

    CLOSE = "close"  # the server closes the connection


Step = bytes | float | Act
"""One step of a scripted reply: bytes to send, seconds to pause, or an action."""


@dataclass(frozen=True)
class Received:
    """One request as the server read it off the wire."""

    connection: int
    raw: bytes
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Received], Sequence[Step]]


@dataclass(eq=False)
class Peer:
    """One connection the server accepted."""

    index: int
    requests: list[Received] = field(default_factory=list)
    client_closed: threading.Event = field(default_factory=threading.Event)
    server_closed: threading.Event = field(default_factory=threading.Event)

    @property
    def ended(self) -> bool:
        return self.client_closed.is_set() or self.server_closed.is_set()


def reply(
    body: bytes = b"",
    *,
    status: int = 200,
    reason: str = "OK",
    headers: Sequence[tuple[str, str]] = (),
    version: str = "HTTP/1.1",
    length: bool = True,
) -> bytes:
    """A raw response: status line, headers, ``Content-Length`` (unless not wanted), body."""
    lines = [f"{version} {status} {reason}", *(f"{name}: {value}" for name, value in headers)]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def echo(received: Received) -> list[Step]:
    """Reply with the request target as the body: each reply names its request."""
    return [reply(received.target.encode(), headers=[("Content-Type", "text/plain")])]


def scripted(*replies: Sequence[Step]) -> Handler:
    """Answer the first requests (in arrival order) with ``replies``, later ones by echo."""
    pending = list(replies)
    lock = threading.Lock()

    def handle(received: Received) -> Sequence[Step]:
        with lock:
            return pending.pop(0) if pending else echo(received)

    return handle


def in_pieces(data: bytes, size: int, pause: float = 0.002) -> list[Step]:
    """``data`` as separate small sends with tiny pauses between, so it arrives split."""
    steps: list[Step] = []
    for start in range(0, len(data), size):
        if start:
            steps.append(pause)
        steps.append(data[start : start + size])
    return steps


class ScriptedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that answers with scripted raw bytes.

    Each accepted connection gets a thread that reads one request (head and
    ``Content-Length`` body) at a time, records it and plays ``handler(request)``'s steps.
    ``connections`` holds every accepted connection in order: its requests and whether the
    client (EOF or reset) or the server closed it. Every blocking wait is bounded.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.handler: Handler = echo
        self.connections: list[Peer] = []
        self.failures: list[BaseException] = []
        self._tls = tls
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(POLL)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    @property
    def accepted(self) -> int:
        with self._lock:
            return len(self.connections)

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            peers = list(self.connections)
        return [received for peer in peers for received in peer.requests]

    def url(self, target: str = "/") -> str:
        scheme = "http" if self._tls is None else "https"
        return f"{scheme}://127.0.0.1:{self.port}{target}"

    def close(self) -> None:
        self._stop.set()
        self._acceptor.join(2)
        for thread in list(self._threads):
            thread.join(2)
        self._listener.close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                peer = Peer(len(self.connections))
                self.connections.append(peer)
            thread = threading.Thread(target=self._serve, args=(peer, sock), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, peer: Peer, sock: socket.socket) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._tls is not None:
                sock.settimeout(2.0)
                try:
                    sock = self._tls.wrap_socket(sock, server_side=True)
                except OSError as exc:  # the client rejected us, or went away
                    self.failures.append(exc)
                    peer.client_closed.set()
                    return
            self._converse(peer, sock)
        except Exception as exc:  # pragma: no cover - shows up as a missing reply instead
            self.failures.append(exc)
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def _recv(self, sock: socket.socket) -> bytes | None:
        """The next bytes (b"" once the client closed or reset), or None when stopping."""
        sock.settimeout(POLL)
        while not self._stop.is_set():
            try:
                return sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return b""
        return None

    def _converse(self, peer: Peer, sock: socket.socket) -> None:
        buffer = b""
        while True:
            while (head_end := buffer.find(b"\r\n\r\n")) < 0:
                data = self._recv(sock)
                if data is None:
                    return
                if not data:
                    peer.client_closed.set()
                    return
                buffer += data
            head = buffer[: head_end + 4]
            lines = head[:head_end].decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            buffer = buffer[head_end + 4 :]
            while len(buffer) < length:
                data = self._recv(sock)
                if data is None:
                    return
                if not data:
                    peer.client_closed.set()
                    return
                buffer += data
            body, buffer = buffer[:length], buffer[length:]
            received = Received(peer.index, head + body, method, target, headers, body)
            peer.requests.append(received)
            for step in self.handler(received):
                if isinstance(step, Act):
                    with contextlib.suppress(OSError):
                        sock.close()
                    peer.server_closed.set()
                    return
                if isinstance(step, bytes):
                    sock.settimeout(2.0)
                    try:
                        sock.sendall(step)
                    except OSError:
                        peer.client_closed.set()
                        return
                elif not self._pause(peer, sock, step):
                    return

    def _pause(self, peer: Peer, sock: socket.socket, seconds: float) -> bool:
        """Wait ``seconds``; False if the server is stopping or the client hung up meanwhile.

        On a plain socket the client's close is seen during the pause (a peek, nothing read).
        """
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._stop.is_set():
                return False
            if isinstance(sock, ssl.SSLSocket):
                time.sleep(min(left, POLL))
                continue
            readable, _, _ = select.select([sock], [], [], min(left, POLL))
            if readable:
                try:
                    peeked = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    peeked = b""
                if not peeked:
                    peer.client_closed.set()
                    return False
                time.sleep(min(left, POLL))  # a next request waits: keep pausing
        return True


def wait_for(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Whether ``condition`` became true within ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


async def await_for(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    """:func:`wait_for` without blocking the event loop."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await anyio.sleep(0.005)
    return True


def get(server: ScriptedServer, target: str = "/", endpoint: str = "get_test") -> Request:
    return Request("GET", server.url(target), {"User-Agent": "test"}, b"", endpoint)


# --- scripted scenarios shared by both transports ----------------------------------------------

POST_TARGET = "/0/private/AddOrder?trace=1&pair=XBT%2FUSD"
POST_HEADERS = {"API-Key": "key/+==", "API-Sign": "sig==", "Content-Type": FORM}


def expected_post(port: int) -> bytes:
    return (
        f"POST {POST_TARGET} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "API-Key: key/+==\r\n"
        "API-Sign: sig==\r\n"
        f"Content-Type: {FORM}\r\n"
        f"Content-Length: {len(ODD_BODY)}\r\n"
        "\r\n"
    ).encode() + ODD_BODY


def expected_get(port: int) -> bytes:
    return (
        f"GET /0/public/Ticker?pair=XBTUSD HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "User-Agent: test\r\n\r\n"
    ).encode()


def expected_empty_post(port: int) -> bytes:
    # A POST without a body still says so (RFC 9110 8.6).
    return f"POST /empty HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n".encode()


# A reply after which the connection may not carry another request, and the body it carries.
# In the first two the server keeps the connection open: only the client's rule stops reuse.
ENDING_REPLIES: dict[str, tuple[list[Step], bytes]] = {
    "connection-close": ([reply(b"first", headers=[("Connection", "close")])], b"first"),
    "http-1.0": ([reply(b"first", version="HTTP/1.0")], b"first"),
    "close-delimited": (
        [reply(length=False), *in_pieces(b"close-delimited body " * 20, 100), Act.CLOSE],
        b"close-delimited body " * 20,
    ),
}

JSON_BODY = b'{"error":[],"result":{"XXBTZUSD":{"a":["30000.1","1","1.000"],"c":["1","2"]}}}'


def _chunked(body: bytes, sizes: Sequence[int]) -> bytes:
    out, at = [], 0
    for size in sizes:
        out.append(f"{size:X};ext=1\r\n".encode() + body[at : at + size] + b"\r\n")
        at += size
    assert at == len(body)
    return b"".join(out) + b"0\r\nX-Trailer: yes\r\n\r\n"


# Replies split at awkward places (mid status line, mid chunk-size line, mid CRLF), with the
# body they carry; each leaves the connection reusable.
SPLIT_REPLIES: dict[str, tuple[list[Step], bytes]] = {
    "chunked": (
        in_pieces(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
            + _chunked(JSON_BODY, [1, 16, 26, len(JSON_BODY) - 43]),
            7,
        ),
        JSON_BODY,
    ),
    "content-length": (in_pieces(reply(JSON_BODY), 5), JSON_BODY),
    "interim-103": (
        [b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n", 0.01, reply(b"final")],
        b"final",
    ),
    "no-content-204": ([reply(status=204, reason="No Content", length=False)], b""),
}

ERROR_STATUSES = {
    "500": (500, "Internal Server Error", b"<html>upstream broke</html>"),
    "429": (429, "Too Many Requests", b'{"error":["EAPI:Rate limit exceeded"]}'),
}

GARBAGE_REPLIES = {
    "not-http": b"hello\r\n\r\n",
    "bad-content-length": b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
    "bad-chunk-size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n",
}

# Reads the request and says nothing for 3 s (then hangs up, so a transport that ignored its
# timeout fails this test in bounded time instead of hanging it).
SILENT: list[Step] = [3.0, Act.CLOSE]

# Content-Length 100, 10 bytes sent, then the server closes.
CUT_SHORT: list[Step] = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
    0.01,
    Act.CLOSE,
]

# A reply that keeps coming, one byte every 0.1 s: it would take 10 s in all.
TRICKLE: list[Step] = [b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"]
for _ in range(100):
    TRICKLE += [0.1, b"x"]


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def trusting(certificate: Certificate) -> ssl.SSLContext:
    """A client context that trusts the test certificate (and nothing else)."""
    return ssl.create_default_context(cadata=certificate.pem.decode())


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def other_server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def tls_server(certificate: Certificate) -> Iterator[ScriptedServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert_file, certificate.key_file)
    with ScriptedServer(tls=context) as server:
        yield server


@pytest.fixture
def transport() -> Iterator[SocketHttpTransport]:
    transport = SocketHttpTransport(timeout=5)
    yield transport
    transport.close()


@pytest.fixture
async def atransport() -> AsyncIterator[AnyioHttpTransport]:
    transport = AnyioHttpTransport(timeout=5)
    yield transport
    await transport.aclose()


# --- the blocking transport -----------------------------------------------------------------


class TestSocketHttpTransport:
    def test_request_bytes_on_the_wire_are_exact(
        self, server: ScriptedServer, transport: SocketHttpTransport
    ) -> None:
        post = Request("POST", server.url(POST_TARGET), POST_HEADERS, ODD_BODY, "add_order")
        assert transport.send(post).body == POST_TARGET.encode()
        ticker = server.url("/0/public/Ticker?pair=XBTUSD#fragment-never-sent")
        response = transport.send(Request("GET", ticker, {"User-Agent": "test"}))
        assert response.status == 200
        transport.send(Request("POST", server.url("/empty"), {}, b""))
        assert [received.raw for received in server.requests] == [
            expected_post(server.port),
            expected_get(server.port),
            expected_empty_post(server.port),
        ]

    def test_sequential_requests_share_one_connection(
        self, server: ScriptedServer, transport: SocketHttpTransport
    ) -> None:
        for n in range(5):
            response = transport.send(get(server, f"/r{n}"))
            assert (response.status, response.body) == (200, f"/r{n}".encode())
            assert response.headers["content-type"] == "text/plain"
        assert server.accepted == 1
        assert len(server.connections[0].requests) == 5

    @pytest.mark.parametrize("case", ENDING_REPLIES, ids=list(ENDING_REPLIES))
    def test_a_reply_that_ends_the_connection_is_never_reused(
        self, server: ScriptedServer, transport: SocketHttpTransport, case: str
    ) -> None:
        steps, body = ENDING_REPLIES[case]
        server.handler = scripted(steps)
        assert transport.send(get(server, "/first")).body == body
        assert transport.send(get(server, "/second")).body == b"/second"
        assert server.accepted == 2
        assert [received.connection for received in server.requests] == [0, 1]
        assert wait_for(lambda: server.connections[0].ended)  # the client closed its side

    def test_an_idle_connection_the_server_closed_is_replaced(
        self, server: ScriptedServer, transport: SocketHttpTransport
    ) -> None:
        # A keep-alive reply, then the server drops the connection while it sits in the pool.
        server.handler = scripted([reply(b"first"), 0.01, Act.CLOSE])
        assert transport.send(get(server, "/first")).body == b"first"
        assert wait_for(server.connections[0].server_closed.is_set)
        time.sleep(0.02)  # the FIN crosses loopback
        assert transport.send(get(server, "/second")).body == b"/second"
        assert server.accepted == 2
        assert len(server.connections[0].requests) == 1  # nothing was sent on the dead one

    def test_an_idle_connection_older_than_keep_alive_msecs_is_replaced(
        self, server: ScriptedServer
    ) -> None:
        transport = SocketHttpTransport(timeout=5, keep_alive_msecs=200)
        try:
            transport.send(get(server, "/first"))
            transport.send(get(server, "/soon"))
            assert server.accepted == 1
            time.sleep(0.3)
            assert transport.send(get(server, "/later")).body == b"/later"
        finally:
            transport.close()
        assert server.accepted == 2
        assert wait_for(server.connections[0].client_closed.is_set)

    def test_keep_alive_off_opens_a_connection_per_request(self, server: ScriptedServer) -> None:
        transport = SocketHttpTransport(timeout=5, keep_alive=False)
        try:
            for n in range(3):
                assert transport.send(get(server, f"/r{n}")).body == f"/r{n}".encode()
        finally:
            transport.close()
        assert server.accepted == 3
        assert wait_for(lambda: all(peer.client_closed.is_set() for peer in server.connections))

    @pytest.mark.parametrize("case", SPLIT_REPLIES, ids=list(SPLIT_REPLIES))
    def test_a_reply_split_across_reads_is_whole_and_the_connection_kept(
        self, server: ScriptedServer, transport: SocketHttpTransport, case: str
    ) -> None:
        steps, body = SPLIT_REPLIES[case]
        server.handler = scripted(steps)
        response = transport.send(get(server, "/split"))
        assert response.body == body
        assert transport.send(get(server, "/next")).body == b"/next"
        assert server.accepted == 1

    def test_a_head_reply_has_no_body_and_keeps_the_connection(
        self, server: ScriptedServer, transport: SocketHttpTransport
    ) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"
        server.handler = scripted([head])
        response = transport.send(Request("HEAD", server.url("/h")))
        assert (response.status, response.body) == (200, b"")
        assert response.headers["content-length"] == "42"
        assert transport.send(get(server, "/next")).body == b"/next"
        assert server.accepted == 1

    @pytest.mark.parametrize("case", ERROR_STATUSES, ids=list(ERROR_STATUSES))
    def test_an_error_status_comes_back_as_a_response(
        self, server: ScriptedServer, transport: SocketHttpTransport, case: str
    ) -> None:
        status, reason, body = ERROR_STATUSES[case]
        server.handler = scripted(
            [reply(body, status=status, reason=reason, headers=[("Retry-After", "3")])]
        )
        response = transport.send(get(server, "/error"))
        assert (response.status, response.body) == (status, body)
        assert response.headers["retry-after"] == "3"
        assert transport.send(get(server, "/next")).body == b"/next"
        assert server.accepted == 1

    def test_a_silent_server_times_out(self, server: ScriptedServer) -> None:
        server.handler = scripted(SILENT)
        transport = SocketHttpTransport(timeout=SHORT_TIMEOUT)
        try:
            started = time.monotonic()
            with pytest.raises(KrakenTimeoutError, match="get_silent"):
                transport.send(get(server, "/silent", endpoint="get_silent"))
            elapsed = time.monotonic() - started
            assert SHORT_TIMEOUT * 0.8 <= elapsed < 3
            assert wait_for(server.connections[0].client_closed.is_set)  # dropped, not pooled
            assert transport.send(get(server, "/next")).body == b"/next"
        finally:
            transport.close()
        assert server.accepted == 2
        assert len(server.requests) == 2  # the timed-out request was not sent again

    def test_a_trickling_reply_times_out_on_the_whole_request(self, server: ScriptedServer) -> None:
        server.handler = scripted(TRICKLE)
        transport = SocketHttpTransport(timeout=SHORT_TIMEOUT)
        try:
            started = time.monotonic()
            with pytest.raises(KrakenTimeoutError):
                transport.send(get(server, "/trickle"))
            assert time.monotonic() - started < 2
        finally:
            transport.close()

    def test_a_refused_connection_is_a_transport_error_naming_the_endpoint(
        self, closed_port: int, transport: SocketHttpTransport
    ) -> None:
        request = Request("GET", f"http://127.0.0.1:{closed_port}/x", endpoint="get_refused")
        with pytest.raises(KrakenTransportError, match="get_refused") as caught:
            transport.send(request)
        assert not isinstance(caught.value, KrakenTimeoutError)

    def test_a_reply_cut_short_fails_and_the_next_request_uses_a_fresh_connection(
        self, server: ScriptedServer, transport: SocketHttpTransport
    ) -> None:
        server.handler = scripted(CUT_SHORT)
        with pytest.raises(KrakenTransportError, match="middle of the reply"):
            transport.send(get(server, "/cut"))
        assert transport.send(get(server, "/next")).body == b"/next"
        assert server.accepted == 2
        assert [received.connection for received in server.requests] == [0, 1]

    def test_a_server_that_closes_without_replying_fails_and_is_not_retried(
        self, server: ScriptedServer, transport: SocketHttpTransport
    ) -> None:
        server.handler = scripted([Act.CLOSE])
        with pytest.raises(KrakenTransportError, match="without replying"):
            transport.send(get(server, "/once"))
        time.sleep(0.05)
        assert server.accepted == 1
        assert len(server.requests) == 1

    @pytest.mark.parametrize("case", GARBAGE_REPLIES, ids=list(GARBAGE_REPLIES))
    def test_a_garbage_reply_is_a_protocol_error(
        self, server: ScriptedServer, transport: SocketHttpTransport, case: str
    ) -> None:
        server.handler = scripted([GARBAGE_REPLIES[case]])  # and the server keeps it open
        with pytest.raises(HttpProtocolError):
            transport.send(get(server, "/garbage"))
        assert transport.send(get(server, "/next")).body == b"/next"
        assert server.accepted == 2
        assert wait_for(server.connections[0].client_closed.is_set)

    def test_tls_with_a_context_trusting_the_certificate(
        self, tls_server: ScriptedServer, trusting: ssl.SSLContext
    ) -> None:
        transport = SocketHttpTransport(timeout=5, verify=trusting)
        try:
            for n in range(2):
                response = transport.send(get(tls_server, f"/tls{n}"))
                assert (response.status, response.body) == (200, f"/tls{n}".encode())
        finally:
            transport.close()
        assert tls_server.requests[0].headers["host"] == f"127.0.0.1:{tls_server.port}"
        assert tls_server.accepted == 1

    def test_tls_without_verification_accepts_the_certificate(
        self, tls_server: ScriptedServer
    ) -> None:
        transport = SocketHttpTransport(timeout=5, verify=False)
        try:
            assert transport.send(get(tls_server, "/insecure")).body == b"/insecure"
        finally:
            transport.close()

    @pytest.mark.parametrize("case", ["close-delimited", "connection-close"])
    def test_tls_reply_ended_by_a_close_without_close_notify_is_whole(
        self, tls_server: ScriptedServer, trusting: ssl.SSLContext, case: str
    ) -> None:
        steps, body = ENDING_REPLIES[case]
        tls_server.handler = scripted([*steps, Act.CLOSE])  # a TCP close, no TLS close_notify
        transport = SocketHttpTransport(timeout=5, verify=trusting)
        try:
            assert transport.send(get(tls_server, "/first")).body == body
            assert transport.send(get(tls_server, "/second")).body == b"/second"
        finally:
            transport.close()
        assert tls_server.accepted == 2

    def test_a_tls_handshake_that_never_completes_times_out(
        self, server: ScriptedServer, trusting: ssl.SSLContext
    ) -> None:
        # A plain server on an https:// URL: it waits for a request head, never says hello.
        transport = SocketHttpTransport(timeout=SHORT_TIMEOUT, verify=trusting)
        try:
            started = time.monotonic()
            with pytest.raises(KrakenTimeoutError, match="get_tls"):
                transport.send(
                    Request("GET", server.url("/x").replace("http:", "https:"), endpoint="get_tls")
                )
            assert time.monotonic() - started < 3
        finally:
            transport.close()
        assert wait_for(server.connections[0].client_closed.is_set)

    def test_tls_with_default_verification_rejects_the_self_signed_certificate(
        self, tls_server: ScriptedServer
    ) -> None:
        transport = SocketHttpTransport(timeout=5)
        try:
            with pytest.raises(KrakenTransportError, match="CERTIFICATE_VERIFY_FAILED") as caught:
                transport.send(get(tls_server, "/untrusted", endpoint="get_untrusted"))
        finally:
            transport.close()
        assert not isinstance(caught.value, KrakenTimeoutError)
        assert "get_untrusted" in str(caught.value)
        assert tls_server.requests == []

    def test_threads_share_the_pool_without_crossed_replies(self, server: ScriptedServer) -> None:
        def jittered(received: Received) -> Sequence[Step]:
            return [len(received.target) % 3 / 1000, *echo(received)]

        server.handler = jittered
        transport = SocketHttpTransport(timeout=2)
        start = threading.Barrier(8)
        wrong: list[str] = []

        def worker(n: int) -> None:
            try:
                start.wait(5)
                for i in range(20):
                    target = f"/t{n}/r{i}?q={n}-{i}"
                    body = transport.send(get(server, target)).body
                    if body != target.encode():
                        wrong.append(f"{target} got {body!r}")
                        return
            except BaseException as exc:
                wrong.append(repr(exc))

        threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(8)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        transport.close()
        assert not any(thread.is_alive() for thread in threads)
        assert wrong == []
        assert len(server.requests) == 160
        assert 1 <= server.accepted <= 8  # one connection per thread at most, all reused

    def test_close_closes_pooled_connections(
        self, server: ScriptedServer, other_server: ScriptedServer
    ) -> None:
        transport = SocketHttpTransport(timeout=5)
        transport.send(get(server))
        transport.send(get(other_server))
        peers = [server.connections[0], other_server.connections[0]]
        time.sleep(0.02)
        assert not any(peer.ended for peer in peers)  # pooled, open
        transport.close()
        assert wait_for(lambda: all(peer.client_closed.is_set() for peer in peers))


# --- the async transport, on asyncio and trio -----------------------------------------------


@pytest.mark.anyio
class TestAnyioHttpTransport:
    async def test_request_bytes_on_the_wire_are_exact(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        post = Request("POST", server.url(POST_TARGET), POST_HEADERS, ODD_BODY, "add_order")
        assert (await atransport.send(post)).body == POST_TARGET.encode()
        ticker = server.url("/0/public/Ticker?pair=XBTUSD#fragment-never-sent")
        response = await atransport.send(Request("GET", ticker, {"User-Agent": "test"}))
        assert response.status == 200
        await atransport.send(Request("POST", server.url("/empty"), {}, b""))
        assert [received.raw for received in server.requests] == [
            expected_post(server.port),
            expected_get(server.port),
            expected_empty_post(server.port),
        ]

    async def test_sequential_requests_share_one_connection(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        for n in range(5):
            response = await atransport.send(get(server, f"/r{n}"))
            assert (response.status, response.body) == (200, f"/r{n}".encode())
            assert response.headers["content-type"] == "text/plain"
        assert server.accepted == 1
        assert len(server.connections[0].requests) == 5

    @pytest.mark.parametrize("case", ENDING_REPLIES, ids=list(ENDING_REPLIES))
    async def test_a_reply_that_ends_the_connection_is_never_reused(
        self, server: ScriptedServer, atransport: AnyioHttpTransport, case: str
    ) -> None:
        steps, body = ENDING_REPLIES[case]
        server.handler = scripted(steps)
        assert (await atransport.send(get(server, "/first"))).body == body
        assert (await atransport.send(get(server, "/second"))).body == b"/second"
        assert server.accepted == 2
        assert [received.connection for received in server.requests] == [0, 1]
        assert await await_for(lambda: server.connections[0].ended)

    async def test_an_idle_connection_the_server_closed_is_replaced(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        server.handler = scripted([reply(b"first"), 0.01, Act.CLOSE])
        assert (await atransport.send(get(server, "/first"))).body == b"first"
        assert await await_for(server.connections[0].server_closed.is_set)
        await anyio.sleep(0.02)
        assert (await atransport.send(get(server, "/second"))).body == b"/second"
        assert server.accepted == 2
        assert len(server.connections[0].requests) == 1

    async def test_an_idle_connection_older_than_keep_alive_msecs_is_replaced(
        self, server: ScriptedServer
    ) -> None:
        transport = AnyioHttpTransport(timeout=5, keep_alive_msecs=200)
        try:
            await transport.send(get(server, "/first"))
            await transport.send(get(server, "/soon"))
            assert server.accepted == 1
            await anyio.sleep(0.3)
            assert (await transport.send(get(server, "/later"))).body == b"/later"
        finally:
            await transport.aclose()
        assert server.accepted == 2
        assert await await_for(server.connections[0].client_closed.is_set)

    async def test_keep_alive_off_opens_a_connection_per_request(
        self, server: ScriptedServer
    ) -> None:
        transport = AnyioHttpTransport(timeout=5, keep_alive=False)
        try:
            for n in range(3):
                assert (await transport.send(get(server, f"/r{n}"))).body == f"/r{n}".encode()
        finally:
            await transport.aclose()
        assert server.accepted == 3
        assert await await_for(
            lambda: all(peer.client_closed.is_set() for peer in server.connections)
        )

    @pytest.mark.parametrize("case", SPLIT_REPLIES, ids=list(SPLIT_REPLIES))
    async def test_a_reply_split_across_reads_is_whole_and_the_connection_kept(
        self, server: ScriptedServer, atransport: AnyioHttpTransport, case: str
    ) -> None:
        steps, body = SPLIT_REPLIES[case]
        server.handler = scripted(steps)
        response = await atransport.send(get(server, "/split"))
        assert response.body == body
        assert (await atransport.send(get(server, "/next"))).body == b"/next"
        assert server.accepted == 1

    async def test_a_head_reply_has_no_body_and_keeps_the_connection(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"
        server.handler = scripted([head])
        response = await atransport.send(Request("HEAD", server.url("/h")))
        assert (response.status, response.body) == (200, b"")
        assert response.headers["content-length"] == "42"
        assert (await atransport.send(get(server, "/next"))).body == b"/next"
        assert server.accepted == 1

    @pytest.mark.parametrize("case", ERROR_STATUSES, ids=list(ERROR_STATUSES))
    async def test_an_error_status_comes_back_as_a_response(
        self, server: ScriptedServer, atransport: AnyioHttpTransport, case: str
    ) -> None:
        status, reason, body = ERROR_STATUSES[case]
        server.handler = scripted(
            [reply(body, status=status, reason=reason, headers=[("Retry-After", "3")])]
        )
        response = await atransport.send(get(server, "/error"))
        assert (response.status, response.body) == (status, body)
        assert response.headers["retry-after"] == "3"
        assert (await atransport.send(get(server, "/next"))).body == b"/next"
        assert server.accepted == 1

    async def test_a_silent_server_times_out(self, server: ScriptedServer) -> None:
        server.handler = scripted(SILENT)
        transport = AnyioHttpTransport(timeout=SHORT_TIMEOUT)
        try:
            started = time.monotonic()
            with pytest.raises(KrakenTimeoutError, match="get_silent"):
                await transport.send(get(server, "/silent", endpoint="get_silent"))
            elapsed = time.monotonic() - started
            assert SHORT_TIMEOUT * 0.8 <= elapsed < 3
            assert await await_for(server.connections[0].client_closed.is_set)
            assert (await transport.send(get(server, "/next"))).body == b"/next"
        finally:
            await transport.aclose()
        assert server.accepted == 2
        assert len(server.requests) == 2

    async def test_a_cancelled_request_passes_the_cancellation_and_drops_its_connection(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        server.handler = scripted(SILENT)
        with anyio.move_on_after(0.1) as scope:
            await atransport.send(get(server, "/cancelled"))
        assert scope.cancelled_caught  # a cancellation, not turned into an SDK error
        assert await await_for(server.connections[0].client_closed.is_set)
        assert (await atransport.send(get(server, "/next"))).body == b"/next"
        assert server.accepted == 2

    async def test_a_trickling_reply_times_out_on_the_whole_request(
        self, server: ScriptedServer
    ) -> None:
        server.handler = scripted(TRICKLE)
        transport = AnyioHttpTransport(timeout=SHORT_TIMEOUT)
        try:
            started = time.monotonic()
            with pytest.raises(KrakenTimeoutError):
                await transport.send(get(server, "/trickle"))
            assert time.monotonic() - started < 2
        finally:
            await transport.aclose()

    async def test_a_refused_connection_is_a_transport_error_naming_the_endpoint(
        self, closed_port: int, atransport: AnyioHttpTransport
    ) -> None:
        request = Request("GET", f"http://127.0.0.1:{closed_port}/x", endpoint="get_refused")
        with pytest.raises(KrakenTransportError, match="get_refused") as caught:
            await atransport.send(request)
        assert not isinstance(caught.value, KrakenTimeoutError)

    async def test_a_reply_cut_short_fails_and_the_next_request_uses_a_fresh_connection(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        server.handler = scripted(CUT_SHORT)
        with pytest.raises(KrakenTransportError, match="middle of the reply"):
            await atransport.send(get(server, "/cut"))
        assert (await atransport.send(get(server, "/next"))).body == b"/next"
        assert server.accepted == 2
        assert [received.connection for received in server.requests] == [0, 1]

    async def test_a_server_that_closes_without_replying_fails_and_is_not_retried(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        server.handler = scripted([Act.CLOSE])
        with pytest.raises(KrakenTransportError, match="without replying"):
            await atransport.send(get(server, "/once"))
        await anyio.sleep(0.05)
        assert server.accepted == 1
        assert len(server.requests) == 1

    @pytest.mark.parametrize("case", GARBAGE_REPLIES, ids=list(GARBAGE_REPLIES))
    async def test_a_garbage_reply_is_a_protocol_error(
        self, server: ScriptedServer, atransport: AnyioHttpTransport, case: str
    ) -> None:
        server.handler = scripted([GARBAGE_REPLIES[case]])
        with pytest.raises(HttpProtocolError):
            await atransport.send(get(server, "/garbage"))
        assert (await atransport.send(get(server, "/next"))).body == b"/next"
        assert server.accepted == 2
        assert await await_for(server.connections[0].client_closed.is_set)

    async def test_tls_with_a_context_trusting_the_certificate(
        self, tls_server: ScriptedServer, trusting: ssl.SSLContext
    ) -> None:
        transport = AnyioHttpTransport(timeout=5, verify=trusting)
        try:
            for n in range(2):
                response = await transport.send(get(tls_server, f"/tls{n}"))
                assert (response.status, response.body) == (200, f"/tls{n}".encode())
        finally:
            await transport.aclose()
        assert tls_server.requests[0].headers["host"] == f"127.0.0.1:{tls_server.port}"
        assert tls_server.accepted == 1

    async def test_tls_without_verification_accepts_the_certificate(
        self, tls_server: ScriptedServer
    ) -> None:
        transport = AnyioHttpTransport(timeout=5, verify=False)
        try:
            assert (await transport.send(get(tls_server, "/insecure"))).body == b"/insecure"
        finally:
            await transport.aclose()

    @pytest.mark.parametrize("case", ["close-delimited", "connection-close"])
    async def test_tls_reply_ended_by_a_close_without_close_notify_is_whole(
        self, tls_server: ScriptedServer, trusting: ssl.SSLContext, case: str
    ) -> None:
        steps, body = ENDING_REPLIES[case]
        tls_server.handler = scripted([*steps, Act.CLOSE])
        transport = AnyioHttpTransport(timeout=5, verify=trusting)
        try:
            assert (await transport.send(get(tls_server, "/first"))).body == body
            assert (await transport.send(get(tls_server, "/second"))).body == b"/second"
        finally:
            await transport.aclose()
        assert tls_server.accepted == 2

    async def test_a_tls_handshake_that_never_completes_times_out(
        self, server: ScriptedServer, trusting: ssl.SSLContext
    ) -> None:
        transport = AnyioHttpTransport(timeout=SHORT_TIMEOUT, verify=trusting)
        try:
            started = time.monotonic()
            with pytest.raises(KrakenTimeoutError, match="get_tls"):
                await transport.send(
                    Request("GET", server.url("/x").replace("http:", "https:"), endpoint="get_tls")
                )
            assert time.monotonic() - started < 3
        finally:
            await transport.aclose()
        assert await await_for(server.connections[0].client_closed.is_set)

    async def test_tls_with_default_verification_rejects_the_self_signed_certificate(
        self, tls_server: ScriptedServer
    ) -> None:
        transport = AnyioHttpTransport(timeout=5)
        try:
            with pytest.raises(KrakenTransportError, match="CERTIFICATE_VERIFY_FAILED") as caught:
                await transport.send(get(tls_server, "/untrusted", endpoint="get_untrusted"))
        finally:
            await transport.aclose()
        assert not isinstance(caught.value, KrakenTimeoutError)
        assert "get_untrusted" in str(caught.value)
        assert tls_server.requests == []

    async def test_concurrent_tasks_share_the_pool_without_crossed_replies(
        self, server: ScriptedServer, atransport: AnyioHttpTransport
    ) -> None:
        def jittered(received: Received) -> Sequence[Step]:
            return [len(received.target) % 3 / 1000, *echo(received)]

        server.handler = jittered
        wrong: list[str] = []

        async def worker(n: int) -> None:
            for i in range(10):
                target = f"/t{n}/r{i}?q={n}-{i}"
                body = (await atransport.send(get(server, target))).body
                if body != target.encode():
                    wrong.append(f"{target} got {body!r}")

        with anyio.fail_after(10):
            async with anyio.create_task_group() as group:
                for n in range(8):
                    group.start_soon(worker, n)
        assert wrong == []
        assert len(server.requests) == 80
        assert 1 <= server.accepted <= 8

    async def test_aclose_closes_pooled_connections(
        self, server: ScriptedServer, other_server: ScriptedServer
    ) -> None:
        transport = AnyioHttpTransport(timeout=5)
        await transport.send(get(server))
        await transport.send(get(other_server))
        peers = [server.connections[0], other_server.connections[0]]
        await anyio.sleep(0.02)
        assert not any(peer.ended for peer in peers)
        await transport.aclose()
        assert await await_for(lambda: all(peer.client_closed.is_set() for peer in peers))

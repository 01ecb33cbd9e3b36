"""HTTP/1.1 client codec, sans-I/O: a request's bytes out, one response parsed from bytes in.

The lean transports (``kraken.adapters.http1_anyio`` and ``kraken.adapters.http1_sync``) write
:func:`request_head` and the body on a connection and feed what they read to a
:class:`ResponseReader` until it returns the :class:`~kraken.core.rest.values.Response`. The
subset is what a REST client of Kraken needs, per RFC 9112: ``Content-Length``, ``chunked`` or
close-delimited bodies, 1xx interim responses skipped, persistent connections unless either
side says ``close``. Anything malformed raises :class:`HttpProtocolError` (the connection is
then unusable), never a half-parsed reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from kraken.core.errors import KrakenTransportError, KrakenUsageError
from kraken.core.rest.values import Response

__all__ = ["HttpProtocolError", "Origin", "ResponseReader", "request_head", "split_url"]

MAX_HEAD_BYTES = 64 * 1024
"""The largest response head (status line and headers) accepted."""

_BODYLESS_STATUSES = frozenset({204, 304})
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class HttpProtocolError(KrakenTransportError):
    """The server's reply broke HTTP/1.1 framing; the connection it came on is discarded."""


class Origin(NamedTuple):
    """Where a request goes: scheme, host and port, and the ``Host`` header naming them."""

    scheme: str
    host: str
    port: int
    authority: str


def split_url(url: str) -> tuple[Origin, str]:
    """The origin and the request target (path and query) of an absolute http(s) URL.

    Raises:
        KrakenUsageError: the URL is not ``http://`` or ``https://`` with a host.
    """
    scheme, separator, rest = url.partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in ("http", "https"):
        raise KrakenUsageError(f"{url!r} is not an http:// or https:// URL.")
    rest = rest.partition("#")[0]  # a fragment never travels
    ends = [at for at in (rest.find("/"), rest.find("?")) if at >= 0]
    cut = min(ends) if ends else len(rest)
    authority, target = rest[:cut], rest[cut:]
    if not target.startswith("/"):
        target = "/" + target
    if "@" in authority:
        raise KrakenUsageError(f"{url!r}: credentials in the URL are not supported.")
    host, port = authority, 443 if scheme == "https" else 80
    if authority.startswith("["):  # IPv6 literal
        end = authority.find("]")
        if end < 0:
            raise KrakenUsageError(f"{url!r}: unclosed IPv6 address.")
        host, after = authority[1:end], authority[end + 1 :]
        if after.startswith(":") and after[1:].isdigit():
            port = int(after[1:])
        elif after:
            raise KrakenUsageError(f"{url!r}: bad port.")
    elif ":" in authority:
        host, _, port_text = authority.rpartition(":")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise KrakenUsageError(f"{url!r}: bad port {port_text!r}.")
        port = int(port_text)
    if not host:
        raise KrakenUsageError(f"{url!r} has no host.")
    return Origin(scheme, host, port, authority), target


def request_head(
    method: str, target: str, authority: str, headers: Mapping[str, str], body_length: int
) -> bytes:
    """The request line and headers, ``Host`` first and ``Content-Length`` last.

    ``Content-Length`` is written for any body and for POST, PUT and PATCH without one (RFC 9110
    8.6). Header names and values may not contain CR or LF (no header injection).

    Raises:
        KrakenUsageError: a header that cannot travel as HTTP/1.1 text.
    """
    lines = [f"{method} {target} HTTP/1.1\r\nHost: {authority}\r\n"]
    lines += [f"{name}: {value}\r\n" for name, value in headers.items()]
    if body_length or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {body_length}\r\n")
    lines.append("\r\n")
    text = "".join(lines)
    # Every line ends in CRLF and nothing else holds a CR or LF: counted, not scanned per header.
    line_count = len(lines) + 1
    if text.count("\n") != line_count or text.count("\r") != line_count:
        raise KrakenUsageError(
            f"{method} {target}: a header name or value holds a line break; remove it."
        )
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise KrakenUsageError(
            f"{method} {target}: header text must be Latin-1 ({exc.reason} at {exc.start})."
        ) from exc


# Reader states.
_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS, _UNTIL_CLOSE, _DONE = range(8)


class ResponseReader:
    """Parses the one response to a request from the bytes that arrive on its connection.

    Call :meth:`feed` with each chunk read until it returns the response; if the peer closes
    first, :meth:`end_of_stream` returns a close-delimited response or raises. Afterwards
    :attr:`reusable` says whether the connection may carry another request.

    Args:
        method: the request's method (a reply to ``HEAD`` has no body).
    """

    __slots__ = (
        "_body",
        "_buffer",
        "_close",
        "_head_request",
        "_headers",
        "_remaining",
        "_state",
        "_status",
        "reusable",
    )

    def __init__(self, method: str = "GET") -> None:
        self._head_request = method == "HEAD"
        self._buffer = b""
        self._state = _HEAD
        self._status = 0
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._remaining = 0
        self._close = False
        #: True once a complete response leaves the connection fit for the next request.
        self.reusable = False

    def feed(self, data: bytes) -> Response | None:
        """Take the next bytes read; the response once it is complete, else None.

        Raises:
            HttpProtocolError: the bytes are not a well-framed HTTP/1.1 response.
        """
        if self._state == _DONE:
            raise HttpProtocolError("bytes arrived after the complete response")
        buffer = self._buffer + data if self._buffer else data
        while True:
            state = self._state
            if state == _HEAD:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD_BYTES:
                        raise HttpProtocolError("response head larger than 64 KiB")
                    self._buffer = buffer
                    return None
                self._start(buffer[:end])
                buffer = buffer[end + 4 :]
            elif state == _LENGTH:
                remaining = self._remaining
                if len(buffer) < remaining:
                    # Kept as pieces, never re-joined per read: a large body stays linear.
                    self._body.append(buffer)
                    self._remaining = remaining - len(buffer)
                    self._buffer = b""
                    return None
                self._body.append(buffer[:remaining])
                return self._finish(buffer[remaining:])
            elif state == _CHUNK_SIZE:
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > 1024:
                        raise HttpProtocolError("chunk size line too long")
                    self._buffer = buffer
                    return None
                size_text = buffer[:end].split(b";", 1)[0].strip().decode("latin-1")
                if not size_text or not _HEX_DIGITS.issuperset(size_text):
                    raise HttpProtocolError(f"bad chunk size {size_text!r}")
                self._remaining = int(size_text, 16)
                buffer = buffer[end + 2 :]
                self._state = _CHUNK_DATA if self._remaining else _TRAILERS
            elif state == _CHUNK_DATA:
                remaining = self._remaining
                if len(buffer) < remaining:
                    if buffer:
                        self._body.append(buffer)
                    self._remaining = remaining - len(buffer)
                    self._buffer = b""
                    return None
                self._body.append(buffer[:remaining])
                buffer = buffer[remaining:]
                self._state = _CHUNK_END
            elif state == _CHUNK_END:
                if len(buffer) < 2:
                    self._buffer = buffer
                    return None
                if buffer[:2] != b"\r\n":
                    raise HttpProtocolError("chunk data not followed by CRLF")
                buffer = buffer[2:]
                self._state = _CHUNK_SIZE
            elif state == _TRAILERS:
                if buffer.startswith(b"\r\n"):
                    return self._finish(buffer[2:])
                end = buffer.find(b"\r\n\r\n")  # trailer fields: read past, not kept
                if end < 0:
                    if len(buffer) > MAX_HEAD_BYTES:
                        raise HttpProtocolError("trailers larger than 64 KiB")
                    self._buffer = buffer
                    return None
                return self._finish(buffer[end + 4 :])
            elif state == _UNTIL_CLOSE:
                if buffer:
                    self._body.append(buffer)
                self._buffer = b""
                return None
            else:  # pragma: no cover - _DONE returns above
                raise HttpProtocolError("reader in an unknown state")

    def end_of_stream(self) -> Response:
        """The peer closed the connection: the close-delimited response, or an error.

        Raises:
            HttpProtocolError: the response was cut short (or never started).
        """
        if self._state == _UNTIL_CLOSE:
            self._state = _DONE
            self.reusable = False
            return Response(self._status, self._headers, b"".join(self._body))
        if self._state == _HEAD and not self._buffer:
            raise HttpProtocolError("the server closed the connection without replying")
        raise HttpProtocolError("the server closed the connection in the middle of the reply")

    def _start(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        status_text = rest[:3]
        if version not in ("HTTP/1.1", "HTTP/1.0") or not status_text.isdigit():
            raise HttpProtocolError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
        status = int(status_text)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name[-1] in " \t" or line[0] in " \t":
                raise HttpProtocolError(f"malformed header line {line[:80]!r}")
            name = name.lower()
            value = value.strip(" \t")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if 100 <= status < 200:
            if status == 101:
                raise HttpProtocolError("the server switched protocols (101), which was not asked")
            return  # an interim response: the final one follows (state stays _HEAD)
        self._status = status
        self._headers = headers
        connection = headers.get("connection", "").lower()
        self._close = version == "HTTP/1.0" or "close" in connection
        if self._head_request or status in _BODYLESS_STATUSES:
            self._state = _LENGTH
            self._remaining = 0
            return
        coding = headers.get("transfer-encoding")
        if coding is not None:
            # RFC 9112 6.3: with chunked last the body is chunked, else it runs to the close;
            # a Content-Length beside it is ignored, and the connection is not reused.
            if "content-length" in headers:
                self._close = True
            if coding.lower().rsplit(",", 1)[-1].strip() == "chunked":
                self._state = _CHUNK_SIZE
            else:
                self._close = True
                self._state = _UNTIL_CLOSE
            return
        length_text = headers.get("content-length")
        if length_text is None:
            self._close = True
            self._state = _UNTIL_CLOSE
            return
        values = {part.strip() for part in length_text.split(",")}
        if len(values) != 1 or not (length := values.pop()).isdigit():
            raise HttpProtocolError(f"bad Content-Length {length_text!r}")
        self._state = _LENGTH
        self._remaining = int(length)

    def _finish(self, leftover: bytes) -> Response:
        self._state = _DONE
        self._buffer = b""
        # Bytes beyond the reply were not asked for: the connection's framing is unknown.
        self.reusable = not self._close and not leftover
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        return Response(self._status, self._headers, body)

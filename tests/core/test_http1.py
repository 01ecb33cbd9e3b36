"""The HTTP/1.1 client codec: exact request heads, and replies parsed as h11 writes them."""

from __future__ import annotations

import itertools
from typing import Any

import h11
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.http1 import (
    MAX_HEAD_BYTES,
    HttpProtocolError,
    Origin,
    ResponseReader,
    request_head,
    split_url,
)
from kraken.core.rest.values import Response


@pytest.mark.parametrize(
    ("url", "origin", "target"),
    [
        (
            "https://api.kraken.com/0/public/Time?x=1",
            Origin("https", "api.kraken.com", 443, "api.kraken.com"),
            "/0/public/Time?x=1",
        ),
        ("http://127.0.0.1:8080", Origin("http", "127.0.0.1", 8080, "127.0.0.1:8080"), "/"),
        ("HTTP://h:1?q=2", Origin("http", "h", 1, "h:1"), "/?q=2"),
        ("https://[::1]:9443/a#frag", Origin("https", "::1", 9443, "[::1]:9443"), "/a"),
        ("http://h/a?b=c#d", Origin("http", "h", 80, "h"), "/a?b=c"),
    ],
)
def test_split_url_gives_origin_and_target(url: str, origin: Origin, target: str) -> None:
    assert split_url(url) == (origin, target)


@pytest.mark.parametrize(
    "url",
    ["ftp://h/x", "api.kraken.com/x", "http:///x", "http://h:0/", "http://h:99999/", "http://h:x/"],
)
def test_split_url_refuses_what_it_cannot_send(url: str) -> None:
    with pytest.raises(KrakenUsageError):
        split_url(url)


def test_request_head_is_byte_exact() -> None:
    head = request_head(
        "POST", "/0/private/Balance", "api.kraken.com", {"API-Key": "k", "API-Sign": "s"}, 17
    )
    assert head == (
        b"POST /0/private/Balance HTTP/1.1\r\n"
        b"Host: api.kraken.com\r\n"
        b"API-Key: k\r\n"
        b"API-Sign: s\r\n"
        b"Content-Length: 17\r\n"
        b"\r\n"
    )


def test_a_get_without_body_has_no_content_length_but_an_empty_post_has() -> None:
    assert b"Content-Length" not in request_head("GET", "/t", "h", {}, 0)
    assert b"Content-Length: 0\r\n" in request_head("POST", "/t", "h", {}, 0)


@pytest.mark.parametrize(
    "headers",
    [{"X": "a\r\nEvil: 1"}, {"X": "a\nb"}, {"X": "a\rb"}, {"X\r\nEvil": "1"}],
)
def test_line_breaks_in_headers_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(KrakenUsageError, match="line break"):
        request_head("GET", "/", "h", headers, 0)


def test_headers_beyond_latin_1_are_refused() -> None:
    with pytest.raises(KrakenUsageError, match="Latin-1"):
        request_head("GET", "/", "h", {"X": "€"}, 0)


def test_h11_reads_the_request_we_write() -> None:
    head = request_head("PUT", "/a?b=1", "h:1", {"Content-Type": "application/json"}, 2)
    server = h11.Connection(h11.SERVER)
    server.receive_data(head + b"{}")
    request = server.next_event()
    assert isinstance(request, h11.Request)
    assert (request.method, request.target) == (b"PUT", b"/a?b=1")
    assert (b"host", b"h:1") in list(request.headers)
    data = server.next_event()
    assert isinstance(data, h11.Data)
    assert data.data == b"{}"


# -- replies, written by h11 as a server -----------------------------------------------------------

_TOKEN = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-"), min_size=1, max_size=10).filter(
    lambda name: (
        name.strip("-") and name not in ("content-length", "transfer-encoding", "connection")
    )
)
_VALUE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20)


def _h11_reply(
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    framing: str,
    chunks: list[int],
    interim: bool,
    close: bool,
) -> bytes:
    """The bytes h11 writes for this reply on a fresh HTTP/1.1 connection."""
    server = h11.Connection(h11.SERVER)
    # h11 writes a body delimited by the close only to an HTTP/1.0 client (else it chunks it).
    version = b"1.0" if framing == "close" else b"1.1"
    server.receive_data(b"GET / HTTP/" + version + b"\r\nHost: h\r\n\r\n")
    server.next_event()
    out = b""
    if interim:
        out += server.send(h11.InformationalResponse(status_code=100, headers=[]))
    fields = list(headers)
    if framing == "length":
        fields.append(("Content-Length", str(len(body))))
    elif framing == "chunked":
        fields.append(("Transfer-Encoding", "chunked"))
    if close:
        fields.append(("Connection", "close"))
    out += server.send(h11.Response(status_code=status, headers=fields)) or b""
    if framing == "chunked":
        start = 0
        for size in [*chunks, len(body)]:
            piece = body[start : start + size]
            if piece:
                out += server.send(h11.Data(data=piece)) or b""
            start += len(piece)
    elif body:
        out += server.send(h11.Data(data=body)) or b""
    out += server.send(h11.EndOfMessage()) or b""
    return out


def _read_in_pieces(reader: ResponseReader, data: bytes, cuts: list[int]) -> Response | None:
    points = sorted({min(max(cut, 0), len(data)) for cut in cuts} | {0, len(data)})
    response = None
    for start, end in itertools.pairwise(points):
        assert response is None, "a complete reply before all its bytes were read"
        response = reader.feed(data[start:end])
    return response


@given(
    status=st.sampled_from([200, 201, 400, 404, 429, 500, 503]),
    headers=st.lists(st.tuples(_TOKEN, _VALUE), max_size=5),
    body=st.binary(max_size=300),
    framing=st.sampled_from(["length", "chunked", "close"]),
    chunks=st.lists(st.integers(1, 64), max_size=6),
    interim=st.booleans(),
    close=st.booleans(),
    cuts=st.lists(st.integers(0, 1000), max_size=8),
)
def test_replies_read_in_any_pieces_match_what_h11_wrote(
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    framing: str,
    chunks: list[int],
    interim: bool,
    close: bool,
    cuts: list[int],
) -> None:
    wire = _h11_reply(status, headers, body, framing, chunks, interim, close)
    reader = ResponseReader("GET")
    response = _read_in_pieces(reader, wire, cuts)
    if framing == "close":
        assert response is None
        response = reader.end_of_stream()
    assert response is not None
    assert response.status == status
    assert response.body == body
    expected: dict[str, Any] = {}
    for name, value in headers:
        expected[name] = f"{expected[name]}, {value}" if name in expected else value
    for name, value in expected.items():
        assert response.headers[name] == value
    assert reader.reusable == (framing != "close" and not close)


def test_head_204_and_304_replies_have_no_body() -> None:
    head = ResponseReader("HEAD")
    assert head.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n") == Response(
        200, {"content-length": "50"}, b""
    )
    assert head.reusable
    for status in (204, 304):
        reader = ResponseReader("GET")
        response = reader.feed(f"HTTP/1.1 {status} X\r\n\r\n".encode())
        assert response is not None
        assert (response.status, response.body, reader.reusable) == (status, b"", True)


def test_http_1_0_and_unasked_bytes_make_the_connection_single_use() -> None:
    old = ResponseReader()
    assert old.feed(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok") is not None
    assert not old.reusable
    extra = ResponseReader()
    assert extra.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1") is not None
    assert not extra.reusable


def test_transfer_encoding_wins_over_content_length_and_closes() -> None:
    reader = ResponseReader()
    response = reader.feed(
        b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n"
    )
    assert response is not None
    assert response.body == b"ok"
    assert not reader.reusable


def test_chunk_extensions_and_trailers_are_read_past() -> None:
    reader = ResponseReader()
    response = reader.feed(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;name=v\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n"
    )
    assert response is not None
    assert response.body == b"abc"
    assert "x-trailer" not in response.headers
    assert reader.reusable


@pytest.mark.parametrize(
    "wire",
    [
        b"hello\r\n\r\n",
        b"HTTP/2 200 OK\r\n\r\n",
        b"HTTP/1.1 2xx OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nName : v\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX",
        b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
    ],
)
def test_malformed_replies_raise(wire: bytes) -> None:
    with pytest.raises(HttpProtocolError):
        ResponseReader().feed(wire)


def test_an_oversized_head_raises_instead_of_growing() -> None:
    reader = ResponseReader()
    reader.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(HttpProtocolError, match="64 KiB"):
        reader.feed(b"X: " + b"a" * MAX_HEAD_BYTES)


def test_a_reply_cut_short_raises_at_end_of_stream() -> None:
    silent = ResponseReader()
    with pytest.raises(HttpProtocolError, match="without replying"):
        silent.end_of_stream()
    cut = ResponseReader()
    assert cut.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") is None
    with pytest.raises(HttpProtocolError, match="middle of the reply"):
        cut.end_of_stream()


def test_bytes_after_a_complete_reply_raise() -> None:
    reader = ResponseReader()
    assert reader.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") is not None
    with pytest.raises(HttpProtocolError, match="after the complete response"):
        reader.feed(b"x")


def test_repeated_headers_are_joined_as_one_field() -> None:
    response = ResponseReader().feed(
        b"HTTP/1.1 200 OK\r\nVary: a\r\nVARY: b\r\nContent-Length: 0\r\n\r\n"
    )
    assert response is not None
    assert response.headers["vary"] == "a, b"


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n",
    ],
)
def test_a_body_read_in_pieces_is_never_copied_back_into_the_buffer(head: bytes) -> None:
    """Each read of a body is kept as it came (copying the unread rest on every read made a
    large download quadratic); only a few bytes of framing ever wait in the buffer."""
    reader = ResponseReader()
    assert reader.feed(head) is None
    for _ in range(4095):
        assert reader.feed(b"x") is None
        assert len(reader._buffer) <= 2
    tail = b"x" if b"Content-Length" in head else b"x\r\n0\r\n\r\n"
    response = reader.feed(tail)
    assert response is not None
    assert response.body == b"x" * 4096

"""WS adapters against websockets' own server on loopback: sync, asyncio and trio.

The peer is the ``websockets`` library's asyncio server (kraken.testing.ws_server), not our
framing code, so round trips check our client against an independent implementation. Proxy
tests go through a tiny CONNECT proxy written here; TLS tests use a throwaway certificate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from websockets.asyncio.server import ServerConnection

from kraken.adapters.ws_anyio import AnyioWsConnector
from kraken.adapters.ws_sync import SocketWsConnector
from kraken.adapters.ws_transcript import (
    AsyncRecordingWsConnector,
    AsyncReplayWsConnector,
    RecordingWsConnector,
    ReplayWsConnector,
    TranscriptError,
    TranscriptMismatchError,
    TranscriptUnplayedError,
)
from kraken.core.errors import (
    KrakenError,
    KrakenTimeoutError,
    KrakenTransportError,
    KrakenUsageError,
)
from kraken.core.ws.frames import Closed, Pong, TextMessage, TimedOut, WsReceived
from kraken.ports.ws import AsyncWsConnection, AsyncWsConnector, WsConnection, WsConnector
from kraken.testing.ws_server import (
    MALFORMED_JSON,
    LoopbackWsServer,
    close_with,
    drop,
    echo,
    go_silent,
    refuse,
    send_malformed_json,
)
from tests.adapters.conftest import Certificate

pytestmark = pytest.mark.loopback

# Short timeouts keep fault tests quick; every wait in this file is bounded.
FAST: dict[str, Any] = {"connect_timeout": 5.0, "close_timeout": 0.5}


def sync_connector(**options: Any) -> SocketWsConnector:
    return SocketWsConnector(**{**FAST, **options})


def async_connector(**options: Any) -> AnyioWsConnector:
    return AnyioWsConnector(**{**FAST, **options})


def assert_ours(exc: BaseException) -> None:
    """The raised error is the SDK's own, never a socket/ssl/anyio/websockets one."""
    assert isinstance(exc, KrakenError)
    assert type(exc).__module__.startswith("kraken."), type(exc)
    assert not isinstance(exc, OSError)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


async def await_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(0.01)


def sync_receive_texts(conn: WsConnection, count: int, timeout: float = 5.0) -> list[str]:
    texts: list[str] = []
    deadline = time.monotonic() + timeout
    while len(texts) < count:
        item = conn.receive(max(deadline - time.monotonic(), 0.0))
        assert isinstance(item, TextMessage), item
        texts.append(item.text)
    return texts


async def async_receive_texts(
    conn: AsyncWsConnection, count: int, timeout: float = 5.0
) -> list[str]:
    texts: list[str] = []
    with anyio.fail_after(timeout):
        while len(texts) < count:
            item = await conn.receive(timeout)
            assert isinstance(item, TextMessage), item
            texts.append(item.text)
    return texts


# --- server handlers --------------------------------------------------------------------------


async def commands(conn: ServerConnection) -> None:
    """A scriptable peer: each text is a JSON command telling the server what to do."""
    async for raw in conn:
        if not isinstance(raw, str):
            await conn.send(raw)
            continue
        try:
            command = json.loads(raw)
        except ValueError:
            await conn.send(raw)
            continue
        if not isinstance(command, dict) or "do" not in command:
            await conn.send(raw)
            continue
        action = command["do"]
        if action == "flood":
            for i in range(command["n"]):
                await conn.send(json.dumps({"seq": i}))
        elif action == "close":
            await close_with(conn, command["code"], command.get("reason", ""))
            return
        elif action == "drop":
            await drop(conn)
            return
        elif action == "silent":
            await go_silent(conn, command.get("seconds", 1.5))
            return
        elif action == "malformed":
            await send_malformed_json(conn)
        elif action == "text":
            await conn.send(command["text"])
        elif action == "fragments":
            await conn.send(command["parts"])
        elif action == "binary":
            await conn.send(bytes.fromhex(command["hex"]))
        elif action == "raw":
            # Bytes straight onto the wire, bypassing the server's own framing checks.
            conn.transport.write(bytes.fromhex(command["hex"]))
        elif action == "ping":
            # Runs on the server's asyncio loop: wait (bounded) for the client's pong.
            waiter = await conn.ping(b"server-ping")
            await asyncio.wait_for(waiter, 5)
            await conn.send("pong-received")


def cmd(action: str, **fields: Any) -> str:
    return json.dumps({"do": action, **fields})


@pytest.fixture
def server() -> Iterator[LoopbackWsServer]:
    with LoopbackWsServer(commands) as running:
        yield running


# --- ports ------------------------------------------------------------------------------------


def test_adapters_implement_the_ports(server: LoopbackWsServer) -> None:
    assert isinstance(sync_connector(), WsConnector)
    assert isinstance(async_connector(), AsyncWsConnector)
    with sync_connector().connect(server.url) as conn:
        assert isinstance(conn, WsConnection)
    assert isinstance(RecordingWsConnector(sync_connector(), "unused.json"), WsConnector)


@pytest.mark.anyio
async def test_async_connection_implements_the_port(server: LoopbackWsServer) -> None:
    async with await async_connector().connect(server.url) as conn:
        assert isinstance(conn, AsyncWsConnection)


# --- round trips ------------------------------------------------------------------------------


def test_sync_echo_round_trip(server: LoopbackWsServer) -> None:
    texts = ["hello", "ünïcödé ✓ 🚀", "", json.dumps({"price": "0.10", "qty": 1.5})]
    with sync_connector().connect(server.url) as conn:
        for text in texts:
            conn.send_text(text)
        assert sync_receive_texts(conn, len(texts)) == texts


@pytest.mark.anyio
async def test_async_echo_round_trip(server: LoopbackWsServer) -> None:
    texts = ["hello", "ünïcödé ✓ 🚀", "", json.dumps({"price": "0.10", "qty": 1.5})]
    async with await async_connector().connect(server.url) as conn:
        for text in texts:
            await conn.send_text(text)
        assert await async_receive_texts(conn, len(texts)) == texts


def test_sync_many_messages_in_order_both_ways(server: LoopbackWsServer) -> None:
    with sync_connector().connect(server.url) as conn:
        sent = [f"m{i}" for i in range(2000)]
        for text in sent:
            conn.send_text(text)
        assert sync_receive_texts(conn, 2000, timeout=20) == sent
        conn.send_text(cmd("flood", n=2000))
        flood = sync_receive_texts(conn, 2000, timeout=20)
        assert [json.loads(t)["seq"] for t in flood] == list(range(2000))


@pytest.mark.anyio
async def test_async_many_messages_in_order_both_ways(server: LoopbackWsServer) -> None:
    async with await async_connector().connect(server.url) as conn:
        sent = [f"m{i}" for i in range(2000)]
        for text in sent:
            await conn.send_text(text)
        assert await async_receive_texts(conn, 2000, timeout=20) == sent
        await conn.send_text(cmd("flood", n=2000))
        flood = await async_receive_texts(conn, 2000, timeout=20)
        assert [json.loads(t)["seq"] for t in flood] == list(range(2000))


def test_sync_fragments_are_joined_and_binary_utf8_is_text(
    server: LoopbackWsServer, caplog: pytest.LogCaptureFixture
) -> None:
    with sync_connector().connect(server.url) as conn:
        conn.send_text(cmd("fragments", parts=['{"a":', "[1,2", "]}"]))
        conn.send_text(cmd("binary", hex=b'{"b":true}'.hex()))
        with caplog.at_level(logging.WARNING, logger="kraken.adapters.ws"):
            conn.send_text(cmd("binary", hex="fffe00"))
            conn.send_text("after")
            assert sync_receive_texts(conn, 3) == ['{"a":[1,2]}', '{"b":true}', "after"]
        assert "not UTF-8" in caplog.text


@pytest.mark.anyio
async def test_async_fragments_are_joined_and_binary_utf8_is_text(
    server: LoopbackWsServer,
) -> None:
    async with await async_connector().connect(server.url) as conn:
        await conn.send_text(cmd("fragments", parts=['{"a":', "[1,2", "]}"]))
        await conn.send_text(cmd("binary", hex=b'{"b":true}'.hex()))
        await conn.send_text(cmd("binary", hex="fffe00"))
        await conn.send_text("after")
        assert await async_receive_texts(conn, 3) == ['{"a":[1,2]}', '{"b":true}', "after"]


def test_sync_invalid_utf8_text_fails_the_connection_with_1007(server: LoopbackWsServer) -> None:
    # An unmasked server text frame (FIN, opcode 1) of 2 bytes that are not UTF-8.
    conn = sync_connector().connect(server.url)
    conn.send_text(cmd("raw", hex="8102fffe"))
    assert conn.receive(5) == Closed(1007, "invalid UTF-8 in a text message")


@pytest.mark.anyio
async def test_async_invalid_utf8_text_fails_the_connection_with_1007(
    server: LoopbackWsServer,
) -> None:
    conn = await async_connector().connect(server.url)
    await conn.send_text(cmd("raw", hex="8102fffe"))
    assert await conn.receive(5) == Closed(1007, "invalid UTF-8 in a text message")


def test_sync_malformed_json_is_passed_through_as_text(server: LoopbackWsServer) -> None:
    with sync_connector().connect(server.url) as conn:
        conn.send_text(cmd("malformed"))
        assert sync_receive_texts(conn, 1) == [MALFORMED_JSON]


def test_sync_ping_pong_both_directions(server: LoopbackWsServer) -> None:
    with sync_connector().connect(server.url) as conn:
        conn.ping()
        assert conn.receive(5) == Pong()
        # The server pings and waits for our automatic pong before it answers.
        conn.send_text(cmd("ping"))
        assert sync_receive_texts(conn, 1) == ["pong-received"]


@pytest.mark.anyio
async def test_async_ping_pong_both_directions(server: LoopbackWsServer) -> None:
    async with await async_connector().connect(server.url) as conn:
        await conn.ping()
        assert await conn.receive(5) == Pong()
        await conn.send_text(cmd("ping"))
        assert await async_receive_texts(conn, 1) == ["pong-received"]


def test_server_call_acts_on_live_connections_and_counts_them() -> None:
    live: list[ServerConnection] = []

    async def handler(conn: ServerConnection) -> None:
        live.append(conn)
        await conn.wait_closed()

    with LoopbackWsServer(handler) as srv:
        first = sync_connector().connect(srv.url)
        wait_until(lambda: len(live) == 1)
        srv.call(lambda: live[0].send("pushed by the test"))
        assert sync_receive_texts(first, 1) == ["pushed by the test"]
        first.close()
        with sync_connector().connect(srv.url):
            wait_until(lambda: srv.connections == 2)


# --- closing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "reason"), [(1000, ""), (1008, "policy"), (4000, "custom")])
def test_sync_server_close_code_is_surfaced(
    server: LoopbackWsServer, code: int, reason: str
) -> None:
    conn = sync_connector().connect(server.url)
    conn.send_text("before")
    conn.send_text(cmd("close", code=code, reason=reason))
    assert sync_receive_texts(conn, 1) == ["before"]
    assert conn.receive(5) == Closed(code, reason)
    assert conn.receive(0) == Closed(code, reason)  # stays closed
    with pytest.raises(KrakenTransportError) as info:
        conn.send_text("too late")
    assert_ours(info.value)
    conn.close()  # idempotent


@pytest.mark.anyio
@pytest.mark.parametrize(("code", "reason"), [(1000, ""), (1008, "policy"), (4000, "custom")])
async def test_async_server_close_code_is_surfaced(
    server: LoopbackWsServer, code: int, reason: str
) -> None:
    conn = await async_connector().connect(server.url)
    await conn.send_text("before")
    await conn.send_text(cmd("close", code=code, reason=reason))
    assert await async_receive_texts(conn, 1) == ["before"]
    assert await conn.receive(5) == Closed(code, reason)
    assert await conn.receive(0) == Closed(code, reason)
    with pytest.raises(KrakenTransportError) as info:
        await conn.send_text("too late")
    assert_ours(info.value)
    await conn.close()


def test_sync_abrupt_drop_is_closed_1006(server: LoopbackWsServer) -> None:
    conn = sync_connector().connect(server.url)
    conn.send_text(cmd("drop"))
    item = conn.receive(5)
    assert isinstance(item, Closed)
    assert item.code == 1006
    with pytest.raises(KrakenTransportError) as info:
        conn.ping()
    assert_ours(info.value)


@pytest.mark.anyio
async def test_async_abrupt_drop_is_closed_1006(server: LoopbackWsServer) -> None:
    conn = await async_connector().connect(server.url)
    await conn.send_text(cmd("drop"))
    item = await conn.receive(5)
    assert isinstance(item, Closed)
    assert item.code == 1006
    with pytest.raises(KrakenTransportError) as info:
        await conn.ping()
    assert_ours(info.value)


def test_sync_client_close_is_seen_by_the_server() -> None:
    codes: list[int | None] = []

    async def handler(conn: ServerConnection) -> None:
        await conn.wait_closed()
        codes.append(conn.close_code)

    with LoopbackWsServer(handler) as srv:
        conn = sync_connector().connect(srv.url)
        conn.close(4001, "bye")
        assert conn.receive(1) == Closed(4001, "bye")  # the server's echo
        wait_until(lambda: codes == [4001])


def test_sync_close_from_another_thread_wakes_the_reader(server: LoopbackWsServer) -> None:
    conn = sync_connector().connect(server.url)
    got: list[WsReceived] = []
    reader = threading.Thread(target=lambda: got.append(conn.receive(None)), daemon=True)
    reader.start()
    time.sleep(0.05)
    started = time.monotonic()
    conn.close()
    reader.join(5)
    assert got == [Closed(1000, "")]
    assert time.monotonic() - started < 2


@pytest.mark.anyio
async def test_async_close_from_another_task_wakes_the_reader(server: LoopbackWsServer) -> None:
    conn = await async_connector().connect(server.url)
    got: list[WsReceived] = []

    async def read() -> None:
        got.append(await conn.receive(None))

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(read)
            await anyio.sleep(0.05)
            await conn.close()
    assert got == [Closed(1000, "")]


def test_sync_close_against_a_silent_peer_is_bounded(server: LoopbackWsServer) -> None:
    conn = sync_connector(close_timeout=0.3).connect(server.url)
    conn.send_text(cmd("silent", seconds=1.5))
    time.sleep(0.1)
    started = time.monotonic()
    conn.close()
    assert time.monotonic() - started < 1.0
    assert conn.receive(0) == Closed(1006, "connection lost without a close frame")


@pytest.mark.anyio
async def test_async_close_against_a_silent_peer_is_bounded(server: LoopbackWsServer) -> None:
    conn = await async_connector(close_timeout=0.3).connect(server.url)
    await conn.send_text(cmd("silent", seconds=1.5))
    await anyio.sleep(0.1)
    started = time.monotonic()
    await conn.close()
    assert time.monotonic() - started < 1.0
    item = await conn.receive(0)
    assert isinstance(item, Closed)
    assert item.code == 1006


def test_sync_close_while_reading_from_a_silent_peer(server: LoopbackWsServer) -> None:
    conn = sync_connector(close_timeout=0.3, ping_interval=None).connect(server.url)
    conn.send_text(cmd("silent", seconds=1.5))
    got: list[WsReceived] = []
    reader = threading.Thread(target=lambda: got.append(conn.receive(None)), daemon=True)
    reader.start()
    time.sleep(0.1)
    started = time.monotonic()
    conn.close()  # the reader holds the socket: close must cut it under the reader
    reader.join(5)
    assert time.monotonic() - started < 1.5
    assert len(got) == 1
    assert isinstance(got[0], Closed)
    assert got[0].code == 1006


@pytest.mark.anyio
async def test_async_close_while_reading_from_a_silent_peer(server: LoopbackWsServer) -> None:
    conn = await async_connector(close_timeout=0.3, ping_interval=None).connect(server.url)
    await conn.send_text(cmd("silent", seconds=1.5))
    got: list[WsReceived] = []

    async def read() -> None:
        got.append(await conn.receive(None))

    started = time.monotonic()
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(read)
            await anyio.sleep(0.1)
            await conn.close()
    assert time.monotonic() - started < 1.5
    assert len(got) == 1
    assert isinstance(got[0], Closed)
    assert got[0].code == 1006


# --- timeouts and keepalive -------------------------------------------------------------------


def test_sync_receive_timeout(server: LoopbackWsServer) -> None:
    with sync_connector().connect(server.url) as conn:
        started = time.monotonic()
        assert conn.receive(0.2) == TimedOut()
        assert 0.15 <= time.monotonic() - started < 2
        assert conn.receive(0) == TimedOut()
        conn.send_text("still alive")
        assert sync_receive_texts(conn, 1) == ["still alive"]
        conn.send_text("polled")
        time.sleep(0.2)
        assert conn.receive(0) == TextMessage("polled")  # timeout=0 still reads the socket


@pytest.mark.anyio
async def test_async_receive_timeout(server: LoopbackWsServer) -> None:
    async with await async_connector().connect(server.url) as conn:
        started = time.monotonic()
        assert await conn.receive(0.2) == TimedOut()
        assert 0.15 <= time.monotonic() - started < 2
        assert await conn.receive(0) == TimedOut()
        await conn.send_text("still alive")
        assert await async_receive_texts(conn, 1) == ["still alive"]


def test_sync_keepalive_ping_gets_a_pong(server: LoopbackWsServer) -> None:
    with sync_connector(ping_interval=0.1).connect(server.url) as conn:
        assert conn.receive(2) == Pong()


@pytest.mark.anyio
async def test_async_keepalive_ping_gets_a_pong(server: LoopbackWsServer) -> None:
    async with await async_connector(ping_interval=0.1).connect(server.url) as conn:
        assert await conn.receive(2) == Pong()


def test_sync_keepalive_detects_a_dead_peer(server: LoopbackWsServer) -> None:
    conn = sync_connector(ping_interval=0.1, ping_timeout=0.2, close_timeout=0.2).connect(
        server.url
    )
    conn.send_text(cmd("silent", seconds=1.5))
    started = time.monotonic()
    item = conn.receive(5)
    assert item == Closed(1011, "keepalive ping timeout")
    assert time.monotonic() - started < 1.2


@pytest.mark.anyio
async def test_async_keepalive_detects_a_dead_peer(server: LoopbackWsServer) -> None:
    conn = await async_connector(ping_interval=0.1, ping_timeout=0.2, close_timeout=0.2).connect(
        server.url
    )
    await conn.send_text(cmd("silent", seconds=1.5))
    started = time.monotonic()
    assert await conn.receive(5) == Closed(1011, "keepalive ping timeout")
    assert time.monotonic() - started < 1.2


# --- limits -----------------------------------------------------------------------------------
# Decision: an oversized message is not an exception; the client fails the connection with
# 1009 (RFC 6455 7.4.1) and receive() returns Closed(1009) after the messages before it.


def _close_code_recorder() -> tuple[list[int | None], Callable[[ServerConnection], Any]]:
    codes: list[int | None] = []

    async def handler(conn: ServerConnection) -> None:
        try:
            await commands(conn)
        finally:
            await conn.wait_closed()
            codes.append(conn.close_code)

    return codes, handler


def test_sync_max_message_size_really_limits() -> None:
    codes, handler = _close_code_recorder()
    with LoopbackWsServer(handler) as srv:
        conn = sync_connector(max_message_size=1000).connect(srv.url)
        conn.send_text(cmd("text", text="a" * 1000))  # exactly the limit: fine
        conn.send_text(cmd("text", text="b" * 1001))
        conn.send_text(cmd("text", text="never delivered"))
        assert sync_receive_texts(conn, 1) == ["a" * 1000]
        item = conn.receive(5)
        assert isinstance(item, Closed)
        assert item.code == 1009
        wait_until(lambda: codes == [1009])  # the server saw our 1009 close frame


def test_sync_max_message_size_counts_fragments_together() -> None:
    with LoopbackWsServer(commands) as srv:
        conn = sync_connector(max_message_size=100).connect(srv.url)
        conn.send_text(cmd("fragments", parts=["x" * 60, "y" * 60]))
        item = conn.receive(5)
        assert isinstance(item, Closed)
        assert item.code == 1009


@pytest.mark.anyio
async def test_async_max_message_size_really_limits() -> None:
    codes, handler = _close_code_recorder()
    with LoopbackWsServer(handler) as srv:
        conn = await async_connector(max_message_size=1000).connect(srv.url)
        await conn.send_text(cmd("text", text="a" * 1000))
        await conn.send_text(cmd("text", text="b" * 1001))
        assert await async_receive_texts(conn, 1) == ["a" * 1000]
        item = await conn.receive(5)
        assert isinstance(item, Closed)
        assert item.code == 1009
        await await_until(lambda: codes == [1009])


# --- connection failures ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_sync_refused_upgrade_carries_the_status(status: int) -> None:
    refusing = LoopbackWsServer(echo, process_request=refuse(status, "no entry"))
    with refusing as srv, pytest.raises(KrakenTransportError) as info:
        sync_connector().connect(srv.url)
    assert_ours(info.value)
    assert info.value.status == status
    assert "no entry" in info.value.body_excerpt


@pytest.mark.anyio
@pytest.mark.parametrize("status", [401, 403])
async def test_async_refused_upgrade_carries_the_status(status: int) -> None:
    refusing = LoopbackWsServer(echo, process_request=refuse(status, "no entry"))
    with refusing as srv, pytest.raises(KrakenTransportError) as info:
        await async_connector().connect(srv.url)
    assert_ours(info.value)
    assert info.value.status == status


def test_sync_connection_refused_is_a_transport_error(closed_port: int) -> None:
    with pytest.raises(KrakenTransportError) as info:
        sync_connector().connect(f"ws://127.0.0.1:{closed_port}")
    assert_ours(info.value)
    assert isinstance(info.value.__cause__, OSError)


@pytest.mark.anyio
async def test_async_connection_refused_is_a_transport_error(closed_port: int) -> None:
    with pytest.raises(KrakenTransportError) as info:
        await async_connector().connect(f"ws://127.0.0.1:{closed_port}")
    assert_ours(info.value)


@pytest.fixture
def mute_listener() -> Iterator[int]:
    """A port that accepts TCP (backlog) but never answers the upgrade."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def test_sync_connect_timeout(mute_listener: int) -> None:
    started = time.monotonic()
    with pytest.raises(KrakenTimeoutError) as info:
        sync_connector(connect_timeout=0.3).connect(f"ws://127.0.0.1:{mute_listener}")
    assert_ours(info.value)
    assert time.monotonic() - started < 2


@pytest.mark.anyio
async def test_async_connect_timeout(mute_listener: int) -> None:
    with pytest.raises(KrakenTimeoutError) as info:
        await async_connector(connect_timeout=0.3).connect(f"ws://127.0.0.1:{mute_listener}")
    assert_ours(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "ws://ws.kraken.com/v2",  # plain text towards a real host
        "https://ws.kraken.com/v2",
        "wss://",
        "wss://ws.kraken.com/v2?x=1",
    ],
)
def test_url_policy_is_checked_before_any_io(url: str) -> None:
    with pytest.raises(KrakenUsageError):
        sync_connector().connect(url)
    with pytest.raises(KrakenUsageError):
        anyio.run(async_connector().connect, url)


@pytest.mark.parametrize(
    "options",
    [
        {"connect_timeout": 0},
        {"close_timeout": -1},
        {"max_message_size": 0},
        {"proxy": "socks5://127.0.0.1:1080"},
        {"proxy": "https://127.0.0.1:3128"},
        {"ping_interval": 0},
        {"user_agent": "two\nlines"},
    ],
)
def test_bad_options_are_usage_errors(options: dict[str, Any]) -> None:
    with pytest.raises(KrakenUsageError):
        SocketWsConnector(**options)
    with pytest.raises(KrakenUsageError):
        AnyioWsConnector(**options)


def test_bad_close_code_is_a_usage_error(server: LoopbackWsServer) -> None:
    with sync_connector().connect(server.url) as conn, pytest.raises(KrakenUsageError):
        conn.close(1006)


def test_repr_hides_proxy_credentials() -> None:
    connector = SocketWsConnector(proxy="http://user:hunter2secret@127.0.0.1:3128")
    assert "hunter2secret" not in repr(connector)
    assert "127.0.0.1:3128" in repr(connector)


# --- HTTP CONNECT proxy -----------------------------------------------------------------------


class ConnectProxy:
    """A tiny HTTP CONNECT proxy on loopback (threads and sockets, every wait bounded)."""

    def __init__(self, refuse_with: int | None = None) -> None:
        self.refuse_with = refuse_with
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        self._sockets.append(client)
        client.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        text = head.decode("latin-1")
        self.requests.append(text)
        if self.refuse_with is not None:
            client.sendall(
                f"HTTP/1.1 {self.refuse_with} Nope\r\nContent-Length: 4\r\n\r\nnope".encode()
            )
            client.close()
            return
        host, _, port = text.split(" ")[1].rpartition(":")
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        self._sockets.append(upstream)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self._spawn(self._pipe, client, upstream)
        self._spawn(self._pipe, upstream, client)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        source.settimeout(0.1)
        try:
            while not self._stop.is_set():
                try:
                    data = source.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> ConnectProxy:
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(2)
        for sock in self._sockets:
            sock.close()


def test_sync_through_connect_proxy(server: LoopbackWsServer) -> None:
    with ConnectProxy() as proxy:
        connector = sync_connector(proxy=proxy.url.replace("://", "://me:pw@"))
        with connector.connect(server.url + "/v2") as conn:
            conn.send_text("via proxy")
            assert sync_receive_texts(conn, 1) == ["via proxy"]
    assert len(proxy.requests) == 1
    request = proxy.requests[0]
    assert request.startswith(f"CONNECT 127.0.0.1:{server.port} HTTP/1.1\r\n")
    assert "Proxy-Authorization: Basic bWU6cHc=\r\n" in request  # base64("me:pw")


@pytest.mark.anyio
async def test_async_through_connect_proxy(server: LoopbackWsServer) -> None:
    with ConnectProxy() as proxy:
        async with await async_connector(proxy=proxy.url).connect(server.url) as conn:
            await conn.send_text("via proxy")
            assert await async_receive_texts(conn, 1) == ["via proxy"]
    assert proxy.requests[0].startswith(f"CONNECT 127.0.0.1:{server.port} HTTP/1.1\r\n")


def test_sync_proxy_refusal_carries_the_status(server: LoopbackWsServer) -> None:
    with ConnectProxy(refuse_with=407) as proxy, pytest.raises(KrakenTransportError) as info:
        sync_connector(proxy=proxy.url).connect(server.url)
    assert_ours(info.value)
    assert info.value.status == 407


@pytest.mark.anyio
async def test_async_proxy_refusal_carries_the_status(server: LoopbackWsServer) -> None:
    with ConnectProxy(refuse_with=407) as proxy, pytest.raises(KrakenTransportError) as info:
        await async_connector(proxy=proxy.url).connect(server.url)
    assert_ours(info.value)
    assert info.value.status == 407


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(certificate: Certificate) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for the throwaway 127.0.0.1 certificate."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(certificate.cert_file, certificate.key_file)
    client_ctx = ssl.create_default_context(cadata=certificate.pem.decode())
    return server_ctx, client_ctx


def test_sync_wss_direct_and_through_proxy(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_ctx, client_ctx = tls
    with LoopbackWsServer(commands, ssl_context=server_ctx) as srv:
        assert srv.url.startswith("wss://127.0.0.1:")
        with sync_connector(ssl_context=client_ctx).connect(srv.url) as conn:
            conn.send_text(cmd("flood", n=500))
            assert len(sync_receive_texts(conn, 500)) == 500
        with ConnectProxy() as proxy:
            connector = sync_connector(ssl_context=client_ctx, proxy=proxy.url)
            with connector.connect(srv.url) as conn:
                conn.send_text("tls via proxy")
                assert sync_receive_texts(conn, 1) == ["tls via proxy"]
        # Verification is on by default: an unknown certificate is refused.
        with pytest.raises(KrakenTransportError) as info:
            sync_connector().connect(srv.url)
        assert_ours(info.value)
        assert "certificate" in str(info.value).lower()


@pytest.mark.anyio
async def test_async_wss_direct_and_through_proxy(
    tls: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    server_ctx, client_ctx = tls
    with LoopbackWsServer(commands, ssl_context=server_ctx) as srv:
        async with await async_connector(ssl_context=client_ctx).connect(srv.url) as conn:
            await conn.send_text(cmd("flood", n=500))
            assert len(await async_receive_texts(conn, 500)) == 500
            await conn.send_text(cmd("drop"))
            item = await conn.receive(5)
            assert isinstance(item, Closed)
            assert item.code == 1006
        with ConnectProxy() as proxy:
            connector = async_connector(ssl_context=client_ctx, proxy=proxy.url)
            async with await connector.connect(srv.url) as conn:
                await conn.send_text("tls via proxy")
                assert await async_receive_texts(conn, 1) == ["tls via proxy"]
        with pytest.raises(KrakenTransportError) as info:
            await async_connector().connect(srv.url)
        assert_ours(info.value)
        assert "certificate" in str(info.value).lower()


# --- thread safety ----------------------------------------------------------------------------


def test_sync_one_reader_many_senders(server: LoopbackWsServer) -> None:
    conn = sync_connector().connect(server.url)
    senders = 4
    per_sender = 300

    def send(who: int) -> None:
        for i in range(per_sender):
            conn.send_text(f"{who}:{i}")

    threads = [threading.Thread(target=send, args=(w,), daemon=True) for w in range(senders)]
    for thread in threads:
        thread.start()
    texts = sync_receive_texts(conn, senders * per_sender, timeout=20)
    for thread in threads:
        thread.join(5)
    for who in range(senders):
        mine = [int(t.split(":")[1]) for t in texts if t.startswith(f"{who}:")]
        assert mine == list(range(per_sender))
    conn.close()


@pytest.mark.anyio
async def test_async_one_reader_many_sender_tasks(server: LoopbackWsServer) -> None:
    conn = await async_connector().connect(server.url)
    senders, per_sender = 4, 300

    async def send(who: int) -> None:
        for i in range(per_sender):
            await conn.send_text(f"{who}:{i}")

    async with anyio.create_task_group() as tg:
        for who in range(senders):
            tg.start_soon(send, who)
        texts = await async_receive_texts(conn, senders * per_sender, timeout=20)
    for who in range(senders):
        mine = [int(t.split(":")[1]) for t in texts if t.startswith(f"{who}:")]
        assert mine == list(range(per_sender))
    await conn.close()


# --- transcripts ------------------------------------------------------------------------------

SECRET_TOKEN = "WSTOKEN-1Dwc4lzSwNWOAwkMdqhssNNFhs1ed606d1WcF3XfEMw"
BOOK = '{"channel":"book","type":"update","data":[{"price":0.10,"qty":"1.50000000"}]}'


async def kraken_like(conn: ServerConnection) -> None:
    """Greets, answers a subscribe (echoing req_id), streams a book line, closes on 'bye'."""
    await conn.send('{"channel":"status","type":"update","data":[{"system":"online"}]}')
    async for raw in conn:
        request = json.loads(raw)
        if request["method"] == "subscribe":
            ack = {"method": "subscribe", "req_id": request["req_id"], "success": True}
            await conn.send(json.dumps(ack, separators=(",", ":")))
            await conn.send(BOOK)
        elif request["method"] == "bye":
            await conn.close(4000, "bye")
            return


def subscribe(req_id: int, token: str) -> str:
    return json.dumps(
        {
            "method": "subscribe",
            "params": {"channel": "executions", "token": token},
            "req_id": req_id,
        }
    )


def record_session(url: str, refusing_url: str, path: Path) -> list[WsReceived]:
    recorder = RecordingWsConnector(sync_connector(), path)
    got: list[WsReceived] = []
    conn = recorder.connect(url)
    got.append(conn.receive(5))
    conn.send_text(subscribe(1, SECRET_TOKEN))
    got += [conn.receive(5), conn.receive(5)]
    conn.send_text('{"method":"bye"}')
    got.append(conn.receive(5))
    with pytest.raises(KrakenTransportError):
        recorder.connect(refusing_url)
    recorder.close()
    return got


def test_transcript_record_then_replay_sync(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    with (
        LoopbackWsServer(kraken_like) as srv,
        LoopbackWsServer(echo, process_request=refuse(403)) as refusing,
    ):
        recorded = record_session(srv.url, refusing.url, path)
    assert recorded[0] == TextMessage(
        '{"channel":"status","type":"update","data":[{"system":"online"}]}'
    )
    assert recorded[2] == TextMessage(BOOK)
    assert recorded[3] == Closed(4000, "bye")

    text = path.read_text()
    assert SECRET_TOKEN not in text
    assert "<redacted>" in text
    data = json.loads(text)
    assert data["format"] == "kraken-ws-transcript"
    assert [c.get("status") for c in data["connections"]] == [None, 403]
    assert len(text.splitlines()) > 8  # one frame per line, readable

    # No server from here on.
    replay = ReplayWsConnector(path)
    conn = replay.connect("wss://ws-auth.kraken.com/v2")
    assert conn.receive(1) == recorded[0]
    # The ack was recorded after the subscribe: not served before the client sends it.
    assert conn.receive(0.05) == TimedOut()
    conn.send_text(subscribe(77, "another-token"))  # req_id and token values are ignored
    ack = conn.receive(1)
    assert isinstance(ack, TextMessage)
    assert json.loads(ack.text)["req_id"] == 77  # the recorded req_id follows the client's
    assert conn.receive(1) == TextMessage(BOOK)  # exact wire text ("0.10" kept)
    conn.send_text('{"method":"bye"}')
    assert conn.receive(1) == Closed(4000, "bye")
    assert conn.receive(1) == Closed(4000, "bye")
    with pytest.raises(KrakenTransportError) as info:
        replay.connect("wss://ws-auth.kraken.com/v2")
    assert info.value.status == 403
    replay.assert_all_played()
    with pytest.raises(TranscriptError):
        replay.connect("wss://ws.kraken.com/v2")  # nothing more was recorded


def test_transcript_replay_mismatch_names_the_frame(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    with (
        LoopbackWsServer(kraken_like) as srv,
        LoopbackWsServer(echo, process_request=refuse(403)) as refusing,
    ):
        record_session(srv.url, refusing.url, path)
    replay = ReplayWsConnector(path, block=False)
    conn = replay.connect("wss://ws.kraken.com/v2")
    assert isinstance(conn.receive(None), TextMessage)
    assert conn.receive(None) == TimedOut()  # block=False: at once, no waiting
    wrong = '{"method":"unsubscribe","params":{"channel":"executions"}}'
    with pytest.raises(TranscriptMismatchError) as info:
        conn.send_text(wrong)
    assert_ours(info.value)
    assert wrong in str(info.value)
    assert "subscribe" in str(info.value)
    with pytest.raises(TranscriptUnplayedError):
        replay.assert_all_played()


def test_transcript_replay_wakes_a_blocked_reader(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    with (
        LoopbackWsServer(kraken_like) as srv,
        LoopbackWsServer(echo, process_request=refuse(403)) as refusing,
    ):
        record_session(srv.url, refusing.url, path)
    conn = ReplayWsConnector(path).connect("wss://ws.kraken.com/v2")
    conn.receive(0)
    got: list[WsReceived] = []
    reader = threading.Thread(target=lambda: got.append(conn.receive(5)), daemon=True)
    reader.start()
    time.sleep(0.05)
    conn.send_text(subscribe(1, "t"))
    reader.join(5)
    assert len(got) == 1
    assert isinstance(got[0], TextMessage)
    assert '"subscribe"' in got[0].text


def test_transcript_scrubs_futures_secrets_in_both_directions(tmp_path: Path) -> None:
    path = tmp_path / "futures.json"
    challenge = (
        '{"event":"subscribe","feed":"open_orders","api_key":"FUTKEY-0a1b2c3d4e5f",'
        '"original_challenge":"c100b894-1729-464d-ae1c-5e1ab1e1f0f1",'
        '"signed_challenge":"SIGNED-z8F+/Qw==","params":{"token":"WSTOKEN-abcdef"}}'
    )
    with LoopbackWsServer(echo) as srv:
        recorder = RecordingWsConnector(sync_connector(), path)
        conn = recorder.connect(srv.url)
        conn.send_text(challenge)
        assert sync_receive_texts(conn, 1) == [challenge]  # the echo carries them back
        conn.close()
    text = path.read_text()
    for secret in ("FUTKEY-0a1b2c3d4e5f", "SIGNED-z8F+/Qw==", "WSTOKEN-abcdef"):
        assert secret not in text
    assert "c100b894-1729-464d-ae1c-5e1ab1e1f0f1" in text  # not a secret: kept

    conn = ReplayWsConnector(path).connect("wss://futures.kraken.com/ws/v1")
    assert isinstance(conn, WsConnection)
    conn.send_text(
        challenge.replace("FUTKEY-0a1b2c3d4e5f", "other-key").replace("SIGNED-z8F+", "x")
    )
    echoed = conn.receive(1)
    assert isinstance(echoed, TextMessage)
    assert json.loads(echoed.text)["signed_challenge"] == "<redacted>"
    assert json.loads(echoed.text)["original_challenge"] == "c100b894-1729-464d-ae1c-5e1ab1e1f0f1"


def test_transcript_missing_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError):
        ReplayWsConnector(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(TranscriptError):
        ReplayWsConnector(tmp_path / "bad.json")


@pytest.mark.anyio
async def test_transcript_record_then_replay_async(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    recorder = AsyncRecordingWsConnector(async_connector(), path)
    with LoopbackWsServer(kraken_like) as srv:
        conn = await recorder.connect(srv.url)
        greeting = await conn.receive(5)
        await conn.send_text(subscribe(5, SECRET_TOKEN))
        ack, book = await conn.receive(5), await conn.receive(5)
        await conn.ping()
        assert await conn.receive(5) == Pong()
        await conn.close()
    assert book == TextMessage(BOOK)
    text = path.read_text()
    assert SECRET_TOKEN not in text
    assert '"sent_ping": true' in text
    assert '"sent_close": 1000' in text

    replay = AsyncReplayWsConnector(path)
    conn = await replay.connect("wss://ws-auth.kraken.com/v2")
    assert await conn.receive(1) == greeting
    assert await conn.receive(0.05) == TimedOut()
    await conn.send_text(subscribe(5, "other"))
    assert await conn.receive(1) == ack
    assert await conn.receive(1) == book
    await conn.ping()
    assert await conn.receive(1) == Pong()
    await conn.close()
    assert await conn.receive(1) == Closed(1000, "")
    replay.assert_all_played()


@pytest.mark.anyio
async def test_async_transcript_replay_wakes_a_waiting_reader(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    with (
        LoopbackWsServer(kraken_like) as srv,
        LoopbackWsServer(echo, process_request=refuse(403)) as refusing,
    ):
        await anyio.to_thread.run_sync(record_session, srv.url, refusing.url, path)
    conn = await AsyncReplayWsConnector(path).connect("wss://ws.kraken.com/v2")
    await conn.receive(0)
    got: list[WsReceived] = []

    async def read() -> None:
        got.append(await conn.receive(5))

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(read)
            await anyio.sleep(0.01)
            await conn.send_text(subscribe(9, "t"))
    assert isinstance(got[0], TextMessage)
    assert json.loads(got[0].text)["req_id"] == 9

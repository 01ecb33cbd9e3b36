"""``kraken stream`` and ``kraken book`` against a Kraken-like v2 server on loopback."""

from __future__ import annotations

import io
import json
import queue
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from kraken.adapters.ws_sync import SocketWsConnector
from kraken.adapters.ws_transcript import RecordingWsConnector
from kraken.cli.book import BookView
from kraken.cli.stream import format_message, matches
from kraken.clients._sync.websocket import WebsocketClient
from kraken.core.book import L2Book
from kraken.testing.ws_server import LoopbackWsServer
from tests.book_vectors import V5_ASKS, V5_BIDS, V5_CHECKSUM
from tests.cli.helpers import BookScript, book_frame, good_updates, kraken

pytestmark = pytest.mark.loopback


# --- stream ----------------------------------------------------------------------------------


def test_stream_prints_count_messages_of_the_topic() -> None:
    script = BookScript()
    with LoopbackWsServer(script.handler) as server:
        run = kraken("stream", "ticker", "BTC/USD", "--ws-url", server.url, "--count", "2")
    assert run.code == 0, run.err
    # The status message and the acknowledgement are not ticker messages.
    assert run.out.splitlines() == [
        'ticker update BTC/USD {"bid":"45283.5","ask":"45285.2","last":"45284.1"}',
        'ticker update BTC/USD {"bid":"45283.5","ask":"45285.2","last":"45284.2"}',
    ]
    subscribe = script.received[0]
    assert subscribe["method"] == "subscribe"
    assert subscribe["params"] == {"channel": "ticker", "symbol": ["BTC/USD"]}


def test_stream_json_is_one_object_per_line_with_exact_decimals() -> None:
    with LoopbackWsServer(BookScript().handler) as server:
        run = kraken(
            "stream", "ticker", "BTC/USD", "--ws-url", server.url, "--count", "3", "--json"
        )
    assert run.code == 0, run.err
    lines = [json.loads(line) for line in run.out.splitlines()]
    assert [m["data"][0]["last"] for m in lines] == ["45284.1", "45284.2", "45284.3"]
    assert all(m["channel"] == "ticker" for m in lines)


def test_stream_all_includes_status() -> None:
    with LoopbackWsServer(BookScript().handler) as server:
        run = kraken("stream", "ticker", "BTC/USD", "--ws-url", server.url, "--count", "1", "--all")
    assert run.code == 0, run.err
    assert run.out.startswith("status update ")


def test_refused_subscription_exits_3() -> None:
    script = BookScript(refuse="Currency pair not supported")
    with LoopbackWsServer(script.handler) as server:
        run = kraken("stream", "ticker", "NOPE/USD", "--ws-url", server.url, "--duration", "5")
    assert run.code == 3
    assert "Currency pair not supported" in run.err
    assert run.err.count("\n") == 1


def test_unreachable_server_exits_4() -> None:
    with LoopbackWsServer(BookScript().handler) as server:
        url = server.url
    run = kraken("stream", "ticker", "BTC/USD", "--ws-url", url, "--duration", "5")
    assert run.code == 4
    assert run.err.startswith("kraken: error: cannot connect to ws://127.0.0.1")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("stream", "tickr", "BTC/USD"), "Topic 'tickr' is not available on spotPublicV2"),
        (("stream", "ticker", "--key", "spotPublic"), "Unknown WebSocket key"),
        (("stream", "executions", "--key", "spotPrivateV2"), "KRAKEN_API_KEY"),
        (("stream", "ticker", "BTC/USD", "--count", "0"), "--count"),
        (("stream", "ticker", "BTC/USD", "--payload", "[1]"), "--payload"),
        (("book", "BTC/USD", "--depth", "7"), "invalid choice"),
        (("book", "BTC/USD", "--key", "derivativesPublicV1"), "spotPublicV2"),
    ],
)
def test_stream_and_book_usage_errors_exit_2(argv: tuple[str, ...], needle: str) -> None:
    run = kraken(*argv)
    assert run.code == 2, run.err
    assert needle in run.err


def test_format_message_for_futures_and_v2() -> None:
    assert format_message(
        {"feed": "ticker", "product_id": "PF_XBTUSD", "bid": Decimal("1.50")}
    ) == ['ticker PF_XBTUSD {"bid":"1.50"}']
    assert format_message({"channel": "heartbeat", "wsKey": "spotPublicV2"}) == ["heartbeat"]
    assert format_message(
        {"channel": "trade", "type": "update", "data": [{"symbol": "A/B", "qty": 1}, {"x": 2}]}
    ) == ['trade update A/B {"qty":1}', 'trade update {"x":2}']
    assert matches({"feed": "book_snapshot"}, "book")
    assert not matches({"channel": "status"}, "ticker")


# --- book ------------------------------------------------------------------------------------


def test_book_renders_the_verified_book() -> None:
    script = BookScript(updates=good_updates())
    with LoopbackWsServer(script.handler) as server:
        run = kraken("book", "BTC/USD", "--ws-url", server.url, "--updates", "4")
    assert run.code == 0, run.err
    text = run.out
    # The snapshot and three updates were verified; the last checksum is the last update's.
    assert "4 updates" in text
    assert "checksum OK" in text
    assert "BTC/USD" in text
    # Best levels after the updates: new best ask 45284.9, best bid 45283.5 with 0.25.
    assert "45284.9" in text
    assert "0.50000000" in text
    assert "0.25000000" in text
    assert "45283.4" not in text  # deleted
    assert "spread 1.4" in text
    subscribe = script.received[0]
    assert subscribe["params"] == {"channel": "book", "symbol": ["BTC/USD"], "depth": 10}


def test_book_json_snapshot() -> None:
    with LoopbackWsServer(BookScript().handler) as server:
        run = kraken("book", "BTC/USD", "--ws-url", server.url, "--updates", "1", "--json")
    assert run.code == 0, run.err
    book = run.json()
    assert book["checksum"] == V5_CHECKSUM
    assert book["state"] == "synced"
    assert book["spread"] == "1.7"
    assert book["asks"][0] == ["45285.2", "0.00100000"]
    assert book["bids"][:2] == [["45283.5", "0.10000000"], ["45283.4", "1.54582015"]]
    assert len(book["bids"]) == 10


def test_book_resubscribes_after_a_checksum_mismatch() -> None:
    script = BookScript(updates=good_updates(), bad_first_update=True)
    with LoopbackWsServer(script.handler) as server:
        # Snapshot, (bad update), snapshot again, three updates: 5 verified messages.
        run = kraken("book", "BTC/USD", "--ws-url", server.url, "--updates", "5", "--json")
    assert run.code == 0, run.err
    methods = [m["method"] for m in script.received if m.get("method") != "ping"]
    assert methods == ["subscribe", "unsubscribe", "subscribe"]
    assert "checksum mismatch on BTC/USD" in run.err
    book = run.json()
    assert book["resyncs"] == 1
    assert book["state"] == "synced"
    assert book["asks"][0] == ["45284.9", "0.50000000"]


def test_book_view_draws_status_and_levels() -> None:
    book = L2Book("BTC/USD", 10)
    view = BookView(book, rows=3, clock=lambda: 10.0)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(view)
    assert "awaiting snapshot" in console.file.getvalue()  # type: ignore[attr-defined]
    message = json.loads(book_frame("snapshot", V5_ASKS, V5_BIDS, V5_CHECKSUM), parse_float=Decimal)
    [_event] = book.apply(message["data"][0], is_snapshot=True)
    view.last_checksum = V5_CHECKSUM
    view.last_update = 8.5
    view.updates = 1
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(view)
    drawn = console.file.getvalue()  # type: ignore[attr-defined]
    assert f"checksum OK ({V5_CHECKSUM})" in drawn
    assert "last update 1.5 s ago" in drawn
    assert "45282.1" in drawn
    assert "45283.5" in drawn
    assert "45281.0" not in drawn  # the fourth is not drawn
    assert "spread 1.7 (0.38 bps)" in drawn


# --- --replay --------------------------------------------------------------------------------


def test_stream_and_book_replay_a_recorded_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "book.json"
    script = BookScript(updates=good_updates())
    with LoopbackWsServer(script.handler) as server:
        # Record a real session once...
        recorder = RecordingWsConnector(SocketWsConnector(), transcript)
        seen: queue.Queue[Any] = queue.Queue()
        with WebsocketClient(ws_url=server.url, connector=recorder) as ws:
            ws.on("message", seen.put)
            ws.subscribe(
                {"topic": "book", "payload": {"symbol": ["BTC/USD"], "depth": 10}}, "spotPublicV2"
            )
            books = 0
            while books < 4:
                books += seen.get(timeout=10).get("channel") == "book"
        recorder.close()
    # ...then play it with no server at all.
    run = kraken("book", "BTC/USD", "--replay", str(transcript), "--updates", "4", "--json")
    assert run.code == 0, run.err
    assert run.json()["asks"][0] == ["45284.9", "0.50000000"]
    run = kraken("stream", "book", "BTC/USD", "--replay", str(transcript), "--depth", "10")
    assert run.code == 2  # --depth is a book option
    run = kraken(
        "stream",
        "book",
        "BTC/USD",
        "--replay",
        str(transcript),
        "--payload",
        '{"depth": 10}',
        "--count",
        "2",
    )
    assert run.code == 0, run.err
    assert run.out.startswith("book snapshot BTC/USD ")

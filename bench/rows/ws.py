"""B5: WebSocket frame -> handler throughput on loopback (small JSON v2 ticker messages).

A ``LoopbackWsServer`` (websockets' asyncio server) runs in a child process of its own, so its
sending does not compete with the receiving side for this interpreter's GIL; on every connection
it sends ``n`` copies of one ticker update (path ``/v2/<n>``) and then closes (``/close``) or waits for
the client to close. Timed per message, from the connect call to the last message received:

* raw pump (the reference): ``SocketWsConnector().connect(url)`` then ``receive()`` until
  ``Closed``, counting ``TextMessage``s: framing only, no JSON;
* ours: ``WebsocketClient`` (same connector) with one ``message`` handler counting: JSON decode
  with ``Decimal``, the session's routing and the handler dispatch on the reader thread;
* ours async: ``AsyncWebsocketClient`` on asyncio (its anyio connector), same handler.

Every timing checks that exactly ``n`` messages arrived (and, for ours, that the decoded
message carries ``Decimal`` prices). Throughput = 1e6 / (µs per message).
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from common import Case, ChildServer

ROW = "B5"
MAX_MESSAGES = 20_000  # per timing; keeps one timing well under a second on loopback
TICKER = {
    "channel": "ticker",
    "type": "update",
    "data": [
        {
            "symbol": "BTC/USD",
            "bid": 45283.5,
            "bid_qty": 0.5,
            "ask": 45283.6,
            "ask_qty": 1.25,
            "last": 45283.6,
            "volume": 1234.56789,
            "vwap": 45012.3,
            "low": 44000.1,
            "high": 46000.2,
            "change": 283.6,
            "change_pct": 0.63,
        }
    ],
}
TEXT = json.dumps(TICKER, separators=(",", ":"))

_SERVER = r"""
import asyncio, sys
from kraken.testing.ws_server import LoopbackWsServer

TEXT = sys.argv[1]

async def flood(conn):
    parts = conn.request.path.strip("/").split("/")  # /v2/<n>[/close]
    n, close = int(parts[1]), parts[-1] == "close"
    send = conn.send
    for _ in range(n):
        await send(TEXT)
    if close:
        await conn.close()
    else:
        await conn.wait_closed()

with LoopbackWsServer(flood) as server:
    print(server.url, flush=True)
    sys.stdin.read()
"""


@contextmanager
def flood_server() -> Iterator[str]:
    """The flooding server in a child process; yields its ``ws://`` URL."""
    with ChildServer("B5 flood server", _SERVER, TEXT) as server:
        yield server.url


def _raw_once(url: str, n: int) -> float:
    from kraken.adapters.ws_sync import SocketWsConnector
    from kraken.core.ws.frames import Closed, TextMessage

    gc.collect()
    start = time.perf_counter()
    connection = SocketWsConnector(ping_interval=None).connect(f"{url}/v2/{n}/close")
    receive = connection.receive
    count = 0
    while True:
        got = receive(None)
        if got.__class__ is TextMessage:
            count += 1
        elif got.__class__ is Closed:
            break
    elapsed = time.perf_counter() - start
    if count != n:
        raise AssertionError(f"B5 raw pump: {count} messages, expected {n}")
    return elapsed / n * 1e6


def _ours_once(url: str, n: int) -> float:
    from decimal import Decimal

    from kraken.adapters.ws_sync import SocketWsConnector
    from kraken.clients._sync.websocket import WebsocketClient

    done = threading.Event()
    seen: list[Any] = []
    count = 0

    def on_message(message: Any) -> None:
        nonlocal count
        count += 1
        if count == n:
            seen.append(message)
            done.set()

    with WebsocketClient(
        ws_url=f"{url}/v2/{n}", connector=SocketWsConnector(ping_interval=None)
    ) as ws:
        ws.on("message", on_message)
        gc.collect()
        start = time.perf_counter()
        ws.connect("spotPublicV2")
        if not done.wait(30):
            raise AssertionError(f"B5 ours: {count} messages after 30 s, expected {n}")
        elapsed = time.perf_counter() - start
    time.sleep(0.05)  # let a late extra message show up in the count
    if count != n or seen[0]["data"][0]["bid"] != Decimal("45283.5"):
        raise AssertionError(f"B5 ours: {count} messages (expected {n}) or not decoded")
    return elapsed / n * 1e6


def _ours_async_once(url: str, n: int) -> float:
    import asyncio
    from decimal import Decimal

    from kraken.clients._async.websocket import AsyncWebsocketClient

    seen: list[Any] = []
    count = 0

    async def main() -> float:
        nonlocal count
        done = asyncio.Event()

        def on_message(message: Any) -> None:
            nonlocal count
            count += 1
            if count == n:
                seen.append(message)
                done.set()

        async with AsyncWebsocketClient(ws_url=f"{url}/v2/{n}") as ws:
            ws.on("message", on_message)
            gc.collect()
            start = time.perf_counter()
            await ws.connect("spotPublicV2")
            await asyncio.wait_for(done.wait(), 30)
            elapsed = time.perf_counter() - start
        await asyncio.sleep(0.05)
        return elapsed

    elapsed = asyncio.run(main())
    if count != n or seen[0]["data"][0]["bid"] != Decimal("45283.5"):
        raise AssertionError(f"B5 ours async: {count} messages (expected {n}) or not decoded")
    return elapsed / n * 1e6


def _measure(once: Any) -> Any:
    def run(n: int, repeats: int, warmup: int) -> list[float]:
        n = min(n, MAX_MESSAGES)
        with flood_server() as url:
            once(url, max(200, n // 10))  # warm-up connection
            return [once(url, n) for _ in range(repeats)]

    return run


def ours_cases() -> list[Case]:
    return [
        Case(
            "ours_ws_sync",
            ROW,
            "ours: WebsocketClient, 'message' handler counting (Decimal decode + session +"
            " dispatch)",
            "ours",
            body="ws",
            run_async=_measure(_ours_once),
        ),
        Case(
            "ours_ws_async",
            ROW,
            "ours: AsyncWebsocketClient on asyncio, same handler (anyio connector)",
            "ours",
            body="ws",
            flavour="async",
            run_async=_measure(_ours_async_once),
        ),
        Case(
            "raw_pump",
            ROW,
            "raw pump: SocketWsConnector connection receive() until Closed, no decode",
            "ref",
            body="ws",
            run_async=_measure(_raw_once),
        ),
    ]


def peer_cases() -> list[Case]:
    return []

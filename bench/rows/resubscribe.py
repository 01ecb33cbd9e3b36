"""B9: time to resubscribe after an injected drop (loopback, ms per drop).

The server is the SDK's ``KrakenWsStub`` (Spot v2 dialect: one ``subscribe`` ack per symbol, as
Kraken sends them; pong; status on connect) served by ``LoopbackWsServer`` in a child process of
its own (as in B5), driven over its stdin: ``drop`` aborts the TCP connection of every open
connection (``kraken.testing.ws_server.drop``: no close frame, the client sees 1006) and answers
with the server's ``time.monotonic()`` taken just before the abort; ``subs`` answers with the
number of subscribe frames each connection received.

Every client subscribes to ``ticker`` and ``book`` (depth 10) for three symbols: two requests,
six acks. A drop's time runs from the server's abort to the sixth ``subscribe`` ack seen by the
client after it (both clocks are ``CLOCK_MONOTONIC`` on Linux, shared by the two processes).
One value per repeat = the mean over ``DROPS`` drops (one untimed drop first), in ms:

* ours: ``WebsocketClient`` (sync, ``SocketWsConnector``) and ``AsyncWebsocketClient``
  (asyncio, anyio connector), default settings, so the default backoff: the first 3 reconnect
  attempts wait a uniform draw in [0, 50 ms) (``WsSettings.fast_jitter``), and a drop's first
  attempt is always attempt 1. ``total`` includes that draw; ``net`` subtracts the delay the
  client reported in its ``reconnecting`` event (same drops, see ``_Paired``);
* the reference ("raw floor"): a bare ``SocketWsConnector`` connection read until ``Closed``,
  then, after a ``time.sleep`` of the same kind of draw as ours (uniform in [0, 50 ms)),
  connected again, the same two subscribe frames sent and the six acks awaited (``json.loads``
  of each frame): no session, no events. It sleeps because an idle wait makes the next connect
  slower on a VM (about +0.6 ms for 25 ms idle here: vCPU and cache wake-up), a cost every
  client with a backoff pays; so ``net`` compares with ``net`` and ``total`` with ``total``;
* python-kraken-sdk ``SpotWSClient`` (asyncio, ``ws_url=`` the loopback server), default
  reconnect wait ``round(random() * min(180, 2**n - 1) + 1)`` s, i.e. 1 or 2 s on a drop's
  first attempt: ``net`` subtracts the wait it drew (recorded by wrapping its private
  ``__get_reconnect_wait``). It keeps one subscription per acked symbol, so it resends six
  frames (ours two) for the same six acks. Its log is silenced while measured (it warns with a
  stack on every drop). Fewer drops and repeats (``PEER_DROPS``, ``PEER_REPEATS``): each drop
  costs it 1-2 s of sleep.

Every drop checks that the six distinct (channel, symbol) acks came back; every measurement
checks at the end that each connection received exactly the expected subscribe frames (none
lost, none duplicated) and that no extra ack arrived.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import statistics
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from common import Case, ChildServer

ROW = "B9"
# The peers' process runs the server with our interpreter too (set by run.py's PeerWorker).
DROPS = 20  # drops per value (ours, reference)
PEER_DROPS = 3  # python-kraken-sdk sleeps 1-2 s per drop
PEER_REPEATS = 3  # at most, per round
OURS_REPEATS = 3  # at most, per round (see ours_cases)
TIMEOUT = 10.0  # seconds for one resubscription before the run stops
SYMBOLS = ["BTC/USD", "ETH/USD", "SOL/USD"]
REQUESTS: list[dict[str, Any]] = [
    {"topic": "ticker", "payload": {"symbol": SYMBOLS}},
    {"topic": "book", "payload": {"symbol": SYMBOLS, "depth": 10}},
]
PARAMS = [{"channel": r["topic"], **r["payload"]} for r in REQUESTS]  # v2 subscribe params
PAIRS = {(p["channel"], s) for p in PARAMS for s in p["symbol"]}
ACKS = len(PAIRS)  # one ack per symbol
# What the reference sends: the frames our session sends, req_id aside.
FRAMES = [
    json.dumps({"method": "subscribe", "params": p, "req_id": i}, separators=(",", ":"))
    for i, p in enumerate(PARAMS, 1)
]

_SERVER = r"""
import json, sys, time
from kraken.testing.ws_server import LoopbackWsServer, drop
from kraken.testing.ws_stub import KrakenWsStub

stub = KrakenWsStub()
live = []

async def handler(conn):
    live.append(conn)
    try:
        await stub.handler(conn)
    finally:
        live.remove(conn)

async def drop_all():
    conns = [c for c in live if not c.transport.is_closing()]
    at = time.monotonic()
    for conn in conns:
        await drop(conn)
    return at, len(conns)

with LoopbackWsServer(handler) as server:
    print(server.url, flush=True)
    for line in sys.stdin:
        if line.strip() == "drop":
            at, count = server.call(drop_all)
            print(json.dumps({"at": at, "dropped": count}), flush=True)
        elif line.strip() == "subs":
            print(json.dumps([len(s) for s in stub.subscriptions]), flush=True)
"""


class DropServer:
    """The child process's stub server: ``drop()`` then, later, ``dropped_at()``."""

    def __init__(self, child: ChildServer) -> None:
        self._child = child
        self.url = child.url

    def _ask(self, command: str) -> None:
        self._child.send(command)

    def _answer(self) -> Any:
        return json.loads(self._child.read_line())

    def drop(self) -> None:
        """Ask for the drop; the answer waits in the pipe until :meth:`dropped_at`."""
        self._ask("drop")

    def dropped_at(self) -> float:
        """The server's monotonic time of the drop asked for last (one connection dropped)."""
        answer = self._answer()
        if answer["dropped"] != 1:
            raise AssertionError(f"B9: the drop hit {answer['dropped']} connections, not 1")
        return float(answer["at"])

    def check_subscriptions(self, who: str, expected: list[int]) -> None:
        """Each connection received exactly the expected number of subscribe frames."""
        self._ask("subs")
        counts = self._answer()
        if counts != expected:
            raise AssertionError(
                f"B9 {who}: subscribe frames per connection {counts}, expected {expected}"
            )


@contextmanager
def drop_server() -> Iterator[DropServer]:
    """The stub server in a child process (always our interpreter and this checkout)."""
    with ChildServer("B9 server", _SERVER) as child:
        yield DropServer(child)


class _Acks:
    """Counts v2 ``subscribe`` acks since :meth:`reset`; ``at`` = when the last one arrived."""

    def __init__(self, done: threading.Event | asyncio.Event) -> None:
        self.done = done
        self.count = 0
        self.total = 0
        self.at = 0.0
        self.pairs: set[tuple[Any, Any]] = set()

    def reset(self) -> None:
        self.count = 0
        self.at = 0.0
        self.pairs.clear()
        self.done.clear()

    def on_message(self, message: Any) -> None:
        if (
            isinstance(message, dict)
            and message.get("method") == "subscribe"
            and message.get("success") is True
        ):
            now = time.monotonic()
            self.count += 1
            self.total += 1
            result = message.get("result") or {}
            self.pairs.add((result.get("channel"), result.get("symbol")))
            if self.count == ACKS:
                self.at = now
                self.done.set()

    def check(self, who: str) -> None:
        if self.count != ACKS or self.pairs != PAIRS:
            raise AssertionError(f"B9 {who}: acks {sorted(self.pairs)} x{self.count} after a drop")


Measured = tuple[list[float], list[float]]  # (total, net) ms per drop, one mean per repeat
OneDrop = tuple[float, float]  # (total, net) seconds


def _drive(one_drop: Callable[[], OneDrop], drops: int, repeats: int) -> Measured:
    one_drop()  # warm-up
    totals: list[float] = []
    nets: list[float] = []
    for _ in range(repeats):
        gc.collect()
        got = [one_drop() for _ in range(drops)]
        totals.append(statistics.fmean(t for t, _ in got) * 1e3)
        nets.append(statistics.fmean(n for _, n in got) * 1e3)
    return totals, nets


async def _drive_async(
    one_drop: Callable[[], Awaitable[OneDrop]], drops: int, repeats: int
) -> Measured:
    await one_drop()  # warm-up
    totals: list[float] = []
    nets: list[float] = []
    for _ in range(repeats):
        gc.collect()
        got = [await one_drop() for _ in range(drops)]
        totals.append(statistics.fmean(t for t, _ in got) * 1e3)
        nets.append(statistics.fmean(n for _, n in got) * 1e3)
    return totals, nets


def _check_end(who: str, server: DropServer, acks: _Acks, expected: list[int]) -> None:
    """No ack too many, and every connection got the expected subscribe frames."""
    if acks.total != ACKS * len(expected):
        raise AssertionError(f"B9 {who}: {acks.total} acks for {len(expected)} connections")
    server.check_subscriptions(who, expected)


# -- the measurements -----------------------------------------------------------------------------


def _ours_sync(server: DropServer, drops: int, repeats: int) -> Measured:
    from kraken.adapters.ws_sync import SocketWsConnector
    from kraken.clients._sync.websocket import WebsocketClient

    acks = _Acks(threading.Event())
    delays: list[float] = []
    reconnected: list[Any] = []
    ws = WebsocketClient(ws_url=server.url + "/v2", connector=SocketWsConnector())
    ws.on("response", acks.on_message)
    ws.on("reconnecting", lambda data: delays.append(float(data["delay"])))
    ws.on("reconnected", reconnected.append)

    def one_drop() -> OneDrop:
        acks.reset()
        server.drop()
        if not acks.done.wait(TIMEOUT):
            raise AssertionError(f"B9 ours sync: {acks.count} acks {TIMEOUT} s after a drop")
        total = acks.at - server.dropped_at()
        acks.check("ours sync")
        return total, total - delays[-1]

    with ws:
        ws.subscribe(REQUESTS, "spotPublicV2")
        if not acks.done.wait(TIMEOUT):
            raise AssertionError("B9 ours sync: the first subscriptions were not acked")
        result = _drive(one_drop, drops, repeats)
        time.sleep(0.05)  # a late duplicate ack would show up in the count
    if len(delays) != len(reconnected) or len(delays) != 1 + drops * repeats:
        raise AssertionError(f"B9 ours sync: {len(delays)} reconnecting, {len(reconnected)} back")
    _check_end("ours sync", server, acks, [len(REQUESTS)] * (2 + drops * repeats))
    return result


def _ours_async(server: DropServer, drops: int, repeats: int) -> Measured:
    from kraken.clients._async.websocket import AsyncWebsocketClient

    delays: list[float] = []
    reconnected: list[Any] = []

    async def main() -> tuple[Measured, _Acks]:
        acks = _Acks(asyncio.Event())
        done = acks.done
        assert isinstance(done, asyncio.Event)

        async def one_drop() -> OneDrop:
            acks.reset()
            server.drop()
            await asyncio.wait_for(done.wait(), TIMEOUT)
            total = acks.at - server.dropped_at()
            acks.check("ours async")
            return total, total - delays[-1]

        async with AsyncWebsocketClient(ws_url=server.url + "/v2") as ws:
            ws.on("response", acks.on_message)
            ws.on("reconnecting", lambda data: delays.append(float(data["delay"])))
            ws.on("reconnected", reconnected.append)
            await ws.subscribe(REQUESTS, "spotPublicV2")
            await asyncio.wait_for(done.wait(), TIMEOUT)
            result = await _drive_async(one_drop, drops, repeats)
            await asyncio.sleep(0.05)
        return result, acks

    result, acks = asyncio.run(main())
    if len(delays) != len(reconnected) or len(delays) != 1 + drops * repeats:
        raise AssertionError(f"B9 ours async: {len(delays)} reconnecting, {len(reconnected)} back")
    _check_end("ours async", server, acks, [len(REQUESTS)] * (2 + drops * repeats))
    return result


def _raw(server: DropServer, drops: int, repeats: int) -> Measured:
    from kraken.adapters.ws_sync import SocketWsConnection, SocketWsConnector
    from kraken.core.ws.frames import Closed, TextMessage, TimedOut
    from kraken.core.ws.session import WsSettings

    connector = SocketWsConnector()
    url = server.url + "/v2"
    loads = json.loads
    jitter = WsSettings().fast_jitter  # ours' default draw for a drop's first attempt
    draw = random.Random().random

    def subscribe() -> tuple[SocketWsConnection, float]:
        connection = connector.connect(url)
        for frame in FRAMES:
            connection.send_text(frame)
        count = 0
        while count < ACKS:
            got = connection.receive(TIMEOUT)
            if isinstance(got, TextMessage):
                message = loads(got.text)
                if message.get("method") == "subscribe" and message.get("success") is True:
                    count += 1
            elif got.__class__ is Closed or got.__class__ is TimedOut:
                raise AssertionError(f"B9 raw: {got!r} after {count} acks")
        return connection, time.monotonic()

    connection, _ = subscribe()

    def one_drop() -> OneDrop:
        nonlocal connection
        server.drop()
        while True:
            got = connection.receive(TIMEOUT)
            if got.__class__ is Closed:
                break
            if got.__class__ is TimedOut:
                raise AssertionError("B9 raw: the drop was not seen")
        delay = jitter * draw()
        time.sleep(delay)
        connection, at = subscribe()
        total = at - server.dropped_at()
        return total, total - delay

    try:
        result = _drive(one_drop, drops, repeats)
    finally:
        connection.close()
    server.check_subscriptions("raw", [len(FRAMES)] * (2 + drops * repeats))
    return result


def _pks(server: DropServer, drops: int, repeats: int) -> Measured:
    import logging

    from kraken.spot import SpotWSClient  # python-kraken-sdk (peers' venv)
    from kraken.spot.websocket.connectors import ConnectSpotWebsocketBase

    waits: list[float] = []
    name = "_ConnectSpotWebsocketBase__get_reconnect_wait"
    original = getattr(ConnectSpotWebsocketBase, name)

    def recording(self: Any, attempts: int) -> Any:
        wait = original(self, attempts)
        waits.append(float(wait))
        return wait

    async def main() -> tuple[Measured, _Acks]:
        acks = _Acks(asyncio.Event())
        done = acks.done
        assert isinstance(done, asyncio.Event)

        async def on_message(message: Any) -> None:
            acks.on_message(message)

        async def one_drop() -> OneDrop:
            acks.reset()
            server.drop()
            await asyncio.wait_for(done.wait(), TIMEOUT)
            total = acks.at - server.dropped_at()
            acks.check("python-kraken-sdk")
            return total, total - waits[-1]

        client = SpotWSClient(ws_url=server.url, callback=on_message)
        await client.start()
        try:
            for params in PARAMS:
                await client.subscribe(params={**params, "symbol": list(params["symbol"])})
            await asyncio.wait_for(done.wait(), TIMEOUT)
            result = await _drive_async(one_drop, drops, repeats)
            await asyncio.sleep(0.05)
        finally:
            # Its reader waits up to 10 s in recv() before it sees a stop: drop the connection.
            closing = asyncio.create_task(client.close())
            await asyncio.sleep(0)
            server.drop()
            server.dropped_at()
            await asyncio.wait_for(closing, TIMEOUT)
        return result, acks

    logger = logging.getLogger("kraken")
    level = logger.level
    setattr(ConnectSpotWebsocketBase, name, recording)
    logger.setLevel(logging.CRITICAL + 1)
    try:
        result, acks = asyncio.run(main())
    finally:
        setattr(ConnectSpotWebsocketBase, name, original)
        logger.setLevel(level)
    if len(waits) != 2 + drops * repeats:  # the first connect, the warm-up drop, the drops
        raise AssertionError(f"B9 python-kraken-sdk: {len(waits)} reconnect waits")
    # It subscribes with our two requests, then resends one frame per acked symbol.
    _check_end("python-kraken-sdk", server, acks, [len(PARAMS)] + [ACKS] * (1 + drops * repeats))
    return result


# -- cases ----------------------------------------------------------------------------------------


class _Paired:
    """One measurement, two cases: ``total`` measures (run.py runs a row's cases in order) and
    keeps the net values for ``net``, which measures on its own only if called first."""

    def __init__(
        self, measure: Callable[[DropServer, int, int], Measured], drops: int, max_repeats: int
    ) -> None:
        self._measure = measure
        self._drops = drops
        self._max_repeats = max_repeats
        self._nets: list[float] | None = None

    def _run(self, repeats: int) -> Measured:
        with drop_server() as server:
            return self._measure(server, self._drops, min(repeats, self._max_repeats))

    def total(self, n: int, repeats: int, warmup: int) -> list[float]:
        totals, self._nets = self._run(repeats)
        return totals

    def net(self, n: int, repeats: int, warmup: int) -> list[float]:
        nets, self._nets = self._nets, None
        return nets if nets is not None else self._run(repeats)[1]


_NOTE = (
    "B9: a loopback KrakenWsStub in a child process aborts the TCP connection (no close frame);"
    " time from the server's abort to the 6th subscribe ack (ticker + book for 3 symbols) in"
    " the client, mean of {drops} drops per value. Default backoff: a drop's first reconnect"
    " waits a uniform draw in [0, 50 ms) (3 fast attempts, WsSettings.fast_jitter), the raw"
    " floor sleeps the same kind of draw; 'net' subtracts the delay drawn (ours: from its"
    " 'reconnecting' event)."
)
_PKS_NOTE = (
    "B9 python-kraken-sdk: same server and drops; its default reconnect wait,"
    " round(random() * min(180, 2**n - 1) + 1) s, is 1 or 2 s on a drop's first attempt; 'net'"
    " subtracts the wait it drew (its private __get_reconnect_wait wrapped); it resends one"
    " frame per acked symbol (6, ours 2); {drops} drops per value, at most {repeats} values per"
    " round; its log silenced (it warns with a stack on every drop)."
)


def ours_cases() -> list[Case]:
    # At most 3 values (60 drops) per client: 7 values (140 drops) exceed the session's connect
    # budget (WsSettings.connect_budget = 120 connects per 600 s, kept under Cloudflare's limit
    # on Kraken's endpoints), after which the client waits, by design, for the window to pass.
    sync = _Paired(_ours_sync, DROPS, OURS_REPEATS)
    async_ = _Paired(_ours_async, DROPS, OURS_REPEATS)
    raw = _Paired(_raw, DROPS, OURS_REPEATS)
    note = _NOTE.format(drops=DROPS)
    return [
        Case(
            "ours_sync_total",
            ROW,
            "ours: WebsocketClient (sync, SocketWsConnector), drop -> 6 acks again,"
            " default backoff",
            "ours",
            body="total",
            note=note,
            run_async=sync.total,
            unit="ms",
        ),
        Case(
            "ours_sync_net",
            ROW,
            "ours: WebsocketClient, same drops net of the drawn backoff delay",
            "ours",
            body="net",
            note=note,
            run_async=sync.net,
            unit="ms",
        ),
        Case(
            "ours_async_total",
            ROW,
            "ours: AsyncWebsocketClient (asyncio, anyio connector), default backoff",
            "ours",
            body="total",
            flavour="async",
            note=note,
            run_async=async_.total,
            unit="ms",
        ),
        Case(
            "ours_async_net",
            ROW,
            "ours: AsyncWebsocketClient, same drops net of the drawn backoff delay",
            "ours",
            body="net",
            flavour="async",
            note=note,
            run_async=async_.net,
            unit="ms",
        ),
        Case(
            "raw_total",
            ROW,
            "raw floor: SocketWsConnector, the same backoff draw slept, reconnect + the 2"
            " subscribe frames + wait for the 6 acks (no session)",
            "ref",
            body="total",
            note=note,
            run_async=raw.total,
            unit="ms",
        ),
        Case(
            "raw_net",
            ROW,
            "raw floor, same drops net of the drawn delay",
            "ref",
            body="net",
            note=note,
            run_async=raw.net,
            unit="ms",
        ),
    ]


def peer_cases() -> list[Case]:
    pks = _Paired(_pks, PEER_DROPS, PEER_REPEATS)
    note = _PKS_NOTE.format(drops=PEER_DROPS, repeats=PEER_REPEATS)
    return [
        Case(
            "pks_total",
            ROW,
            "python-kraken-sdk: SpotWSClient (asyncio), default reconnect wait",
            "peer",
            body="total",
            flavour="async",
            note=note,
            run_async=pks.total,
            unit="ms",
        ),
        Case(
            "pks_net",
            ROW,
            "python-kraken-sdk: SpotWSClient, same drops net of its drawn wait",
            "peer",
            body="net",
            flavour="async",
            note=note,
            run_async=pks.net,
            unit="ms",
        ),
    ]

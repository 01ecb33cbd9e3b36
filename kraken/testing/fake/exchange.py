"""The fake Kraken exchange, sans-I/O: request in, response out; text in, frames out; time in.

:class:`FakeKraken` holds the whole exchange (market, accounts, keys, nonces, counters, tokens,
WebSocket connections, planned faults) and never does I/O, never sleeps and never reads a clock
by itself: every entry point takes ``now`` (Unix seconds), or reads the fake's own ``clock`` when
``now`` is omitted. Adapters mount it: :mod:`kraken.testing.fake.memory` as in-memory transports
and WebSocket connectors, :mod:`kraken.testing.fake.server` on a loopback HTTP + WebSocket
server. All entry points hold one lock, so adapters on several threads can share a fake.
"""

from __future__ import annotations

import base64
import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kraken.core.rest.values import Request, Response
from kraken.ports.clock import Clock
from kraken.testing.fake.clock import VirtualClock
from kraken.testing.fake.faults import FaultPlan, RestFault, WsFault
from kraken.testing.fake.futures_rest import error_reply, handle_futures
from kraken.testing.fake.market import SPOT_INSTRUMENTS, find_instrument
from kraken.testing.fake.spot_rest import handle_spot, order_info
from kraken.testing.fake.state import (
    Conn,
    FuturesConn,
    State,
    V2Conn,
    WsClose,
    WsDrop,
    WsOutput,
    WsSilence,
)
from kraken.testing.fake.ws_futures import (
    book_deltas,
    next_tick,
    open_futures,
    receive_futures,
    step_futures,
    tick_futures,
)
from kraken.testing.fake.ws_v2 import (
    next_heartbeat,
    open_v2,
    publish_spot_events,
    receive_v2,
    step_v2,
    tick_v2,
)

if TYPE_CHECKING:
    from kraken.testing.fake.memory import (
        AsyncFakeTransport,
        AsyncMemoryWsConnector,
        FakeTransport,
        MemoryWsConnector,
    )
    from kraken.testing.fake.server import FakeKrakenServer

__all__ = [
    "FAKE_API_KEY",
    "FAKE_API_SECRET",
    "FAKE_FUTURES_KEY",
    "FAKE_FUTURES_SECRET",
    "WS_PATHS",
    "FakeKraken",
    "RestReply",
    "UnknownWsPath",
]

FAKE_API_KEY = "fake-spot-key"
"""The spot API key a :class:`FakeKraken` accepts when no ``keys`` are given."""
FAKE_API_SECRET = base64.b64encode(b"kraken-fake-exchange/spot-secret" * 2).decode()
"""Its base64 secret (a made-up value, only ever valid on the fake)."""
FAKE_FUTURES_KEY = "fake-futures-key"
"""The futures API key accepted when no ``futures_keys`` are given."""
FAKE_FUTURES_SECRET = base64.b64encode(b"kraken-fake-exchange/futures-key" * 2).decode()
"""Its base64 secret."""

WS_PATHS = {"/v2": "v2", "/v2-auth": "v2", "/ws/v1": "futures"}
"""WebSocket paths the fake serves: Spot v2 (public and private channels on both; ``/v2-auth``
mirrors ``wss://ws-auth.kraken.com/v2``) and Futures v1."""

# Market steps replayed at most per call after a long pause; older ones are skipped.
_MAX_CATCH_UP = 2400
_GARBAGE = '{"channel": "book", "type": "update", "data": [{"symbol": "BTC/USD", '
_HTML = (
    "<!DOCTYPE html>\n<html><head><title>{status} {phrase}</title></head>\n"
    "<body><h1>{status} {phrase}</h1><p>cloudflare</p></body></html>\n"
)


class UnknownWsPath(LookupError):
    """``ws_open`` was asked for a path the fake does not serve (adapters answer 404)."""


@dataclass(frozen=True, slots=True)
class RestReply:
    """A REST response and how long to hold it back (``slow:<s>`` fault), in seconds."""

    response: Response
    delay: float = 0.0


class FakeKraken:
    """A deterministic fake Kraken: Spot REST + WS v2, Futures REST + WS v1, with faults.

    Args:
        seed: seeds the market's random walk and every id the fake makes.
        keys: spot API key -> base64 secret (default: :data:`FAKE_API_KEY`).
        futures_keys: futures API key -> base64 secret (default: :data:`FAKE_FUTURES_KEY`).
        tier: ``"starter"``, ``"intermediate"`` or ``"pro"``: sizes the spot call counter and
            the trading counter.
        nonce_window: Kraken's per-key nonce window; 0 (default) means every nonce must be
            above the key's highest one.
        clock: where adapters (and calls without ``now``) read the time; a
            :class:`~kraken.testing.fake.VirtualClock` by default, which only moves when a
            test (or an in-memory WebSocket waiting for frames) moves it. Give a real clock
            (:class:`kraken.adapters.clock.SystemClock`) to run in real time.
        balances: starting spot balances by REST asset code (default: 100000 ZUSD, 10 XXBT,
            100 XETH).
        futures_collateral: USD in the futures account.
        step_interval: seconds between two steps of the market's random walk.
        heartbeat_interval: seconds of quiet before a WS heartbeat.
        history_cost: call-counter cost of ledger/trade-history calls (2; one Kraken page
            says 4).

    The fake's spot accounts: every spot key trades one shared account, every futures key one
    shared futures account. Symbols: ``BTC/USD`` and ``ETH/USD`` (REST ``XXBTZUSD``/``XBTUSD``,
    ``XETHZUSD``/``ETHUSD``), futures ``PF_XBTUSD`` and ``PF_ETHUSD``.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        keys: Mapping[str, str] | None = None,
        futures_keys: Mapping[str, str] | None = None,
        tier: str = "starter",
        nonce_window: int = 0,
        clock: Clock | None = None,
        balances: Mapping[str, object] | None = None,
        futures_collateral: Decimal | str | int = Decimal(10000),
        step_interval: float = 0.25,
        heartbeat_interval: float = 1.0,
        history_cost: float = 2.0,
    ) -> None:
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.seed = seed
        self._lock = threading.RLock()
        self._state = State(
            seed=seed,
            keys=keys if keys is not None else {FAKE_API_KEY: FAKE_API_SECRET},
            futures_keys=(
                futures_keys
                if futures_keys is not None
                else {FAKE_FUTURES_KEY: FAKE_FUTURES_SECRET}
            ),
            tier=tier,
            nonce_window=nonce_window,
            step_interval=step_interval,
            heartbeat_interval=heartbeat_interval,
            balances=balances,
            futures_collateral=Decimal(str(futures_collateral)),
            history_cost=history_cost,
        )
        # The walk starts now (on the fake's clock): its steps fall on fixed instants after.
        self._state.next_step = self.now() + step_interval

    # ------------------------------------------------------------------ basics

    @property
    def faults(self) -> FaultPlan:
        """The fault plan: ``fake.faults.next_rest("http500")``, ``fake.faults.ws("drop")``."""
        return self._state.faults

    def now(self) -> float:
        """The fake's clock in Unix seconds."""
        exact = getattr(self.clock, "time", None)
        if callable(exact):
            # A VirtualClock's own float: going through nanoseconds could round a hair below
            # the instant a test advanced it to.
            return float(exact())
        return self.clock.time_ns() / 1_000_000_000

    def _time(self, now: float | None) -> float:
        return self.now() if now is None else float(now)

    # ------------------------------------------------------------------ REST

    def handle_rest(self, request: Request, now: float | None = None) -> Response:
        """Answer one REST request (any Kraken host; only the path and query matter).

        The ``slow`` fault's delay is ignored here; adapters use :meth:`rest_reply`.
        """
        return self.rest_reply(request, now).response

    def rest_reply(self, request: Request, now: float | None = None) -> RestReply:
        """Answer one REST request, with the delay an adapter must wait before replying."""
        parts = urlsplit(request.url)
        path, query = parts.path or "/", parts.query
        headers = {name.lower(): value for name, value in request.headers.items()}
        with self._lock:
            moment = self._time(now)
            self._advance(moment)
            state = self._state
            state.requests += 1
            fault = state.faults.take_rest(path)
            delay = 0.0
            if fault is not None:
                if fault.kind != "slow":
                    return RestReply(_fault_response(fault, path, moment))
                delay = float(fault.argument or 0.0)
            method = request.method.upper()
            if path.startswith("/0/public/") or path.startswith("/0/private/"):
                response = handle_spot(state, method, path, query, headers, request.body, moment)
            elif path.startswith("/derivatives/api/v3/"):
                response = handle_futures(state, method, path, query, headers, request.body, moment)
            else:
                response = Response(404, {"content-type": "text/plain"}, b"Not Found")
            return RestReply(response, delay)

    # ------------------------------------------------------------------ WebSocket

    def ws_open(self, path: str, now: float | None = None) -> tuple[int, list[WsOutput]]:
        """Open a connection on ``path`` (see :data:`WS_PATHS`); its id and first frames.

        Raises:
            UnknownWsPath: the fake serves no WebSocket there.
        """
        normalised = "/" + path.split("?", 1)[0].strip("/")
        dialect = WS_PATHS.get(normalised)
        if dialect is None:
            raise UnknownWsPath(f"the fake exchange serves no WebSocket at {path!r}")
        with self._lock:
            moment = self._time(now)
            state = self._state
            conn_id = state.next_conn_id
            state.next_conn_id += 1
            conn: Conn
            if dialect == "v2":
                conn = V2Conn(conn_id, normalised, moment, moment, state.ids.number())
                state.conns[conn_id] = conn
                open_v2(state, conn, moment)
            else:
                conn = FuturesConn(conn_id, normalised, moment, moment)
                state.conns[conn_id] = conn
                open_futures(state, conn, moment)
            self._advance(moment)
            return conn_id, state.take([conn_id]).get(conn_id, [])

    def ws_receive(self, conn_id: int, text: str, now: float | None = None) -> list[WsOutput]:
        """Handle a text frame from the client; the frames and actions for that connection.

        Frames for other connections (an order's ``executions`` update, say) wait for
        :meth:`ws_tick`.
        """
        with self._lock:
            moment = self._time(now)
            self._advance(moment)
            state = self._state
            conn = state.conns.get(conn_id)
            if conn is not None and not conn.closed and not conn.silent:
                if isinstance(conn, V2Conn):
                    receive_v2(state, conn, text, moment)
                else:
                    receive_futures(state, conn, text, moment)
            return state.take([conn_id]).get(conn_id, [])

    def ws_tick(
        self, now: float | None = None, conn_ids: Iterable[int] | None = None
    ) -> dict[int, list[WsOutput]]:
        """Let time pass: walk the market, fill orders, send heartbeats, apply faults.

        Returns what each connection must do now (only for ``conn_ids``, when given, so
        several adapters can share one fake; the others' frames wait for their own tick).
        """
        with self._lock:
            self._advance(self._time(now))
            return self._state.take(None if conn_ids is None else list(conn_ids))

    def ws_close(self, conn_id: int) -> None:
        """The connection is gone (closed by either side or dropped); idempotent."""
        with self._lock:
            self._state.conns.pop(conn_id, None)
            self._state.outbox.pop(conn_id, None)

    def ws_next_due(self, conn_id: int) -> float | None:
        """When :meth:`ws_tick` may next have something for ``conn_id`` (None: nothing planned).

        A time at or before now means "tick now" (a fault is waiting, say).
        """
        with self._lock:
            state = self._state
            conn = state.conns.get(conn_id)
            if conn is None or conn.silent:
                return None
            for fault in state.faults.waiting_ws():
                if fault.kind == "invalidate_tokens" or fault.path in (None, conn.path):
                    return float("-inf")
            due: list[float] = []
            if conn.subscribed() and state.next_step is not None:
                due.append(state.next_step)
            beat = (
                next_heartbeat(state, conn) if isinstance(conn, V2Conn) else next_tick(state, conn)
            )
            if beat is not None:
                due.append(beat)
            if state.dead_man_at is not None:
                due.append(state.dead_man_at)
            return min(due) if due else None

    # ------------------------------------------------------------------ time passing

    def _advance(self, now: float) -> None:
        state = self._state
        interval = state.market.interval
        if state.next_step is None:
            state.next_step = now + interval
        steps = 0
        while state.next_step <= now and steps < _MAX_CATCH_UP:
            self._step(state.next_step)
            state.next_step += interval
            steps += 1
        if state.next_step <= now:
            # A long pause: skip the steps beyond the catch-up bound.
            state.next_step = now + interval
        if state.dead_man_at is not None and now >= state.dead_man_at:
            state.dead_man_at = None
            publish_spot_events(state, state.spot.cancel_all(now), now)
        self._apply_ws_faults(now)
        for conn in list(state.conns.values()):
            if conn.closed or conn.silent:
                continue
            if isinstance(conn, V2Conn):
                tick_v2(state, conn, now)
            else:
                tick_futures(state, conn, now)

    def _step(self, when: float) -> None:
        state = self._state
        books = state.market.books
        watched = {p for c in state.conns.values() if isinstance(c, FuturesConn) for p in c.books}
        before = {p: (dict(books[p].bids), dict(books[p].asks)) for p in sorted(watched)}
        trades = state.market.step(when)
        publish_spot_events(state, state.spot.match_resting(when, books), when)
        state.futures.match_resting(when, books)
        deltas = book_deltas(before, state, when)
        for conn in list(state.conns.values()):
            if conn.closed or conn.silent:
                continue
            if isinstance(conn, V2Conn):
                step_v2(state, conn, trades, when)
            else:
                step_futures(state, conn, deltas, trades, when)

    def _apply_ws_faults(self, now: float) -> None:
        state = self._state
        waiting: list[WsFault] = []
        for fault in state.faults.take_ws():
            if fault.kind == "invalidate_tokens":
                for token in state.tokens.values():
                    token.revoked = True
                state.faults.note("invalidate_tokens", "tokens")
                continue
            targets = [
                c
                for c in state.conns.values()
                if not c.closed and (fault.path is None or c.path == fault.path)
            ]
            if not targets:
                waiting.append(fault)  # waits for a connection to act on
                continue
            for conn in targets:
                state.faults.note(fault.kind, conn.path)
                if fault.kind == "garbage":
                    state.send(conn, _GARBAGE, now)
                elif fault.kind == "silence":
                    conn.silent = True
                    state.emit(conn, WsSilence())
                elif fault.kind == "drop":
                    conn.closed = True
                    state.emit(conn, WsDrop())
                else:  # close:<code>
                    conn.closed = True
                    state.emit(conn, WsClose(int(fault.argument or 1000), "fault injected"))
        if waiting:
            state.faults.requeue_ws(waiting)

    # ------------------------------------------------------------------ inspection

    def balances(self) -> dict[str, Decimal]:
        """Spot balances by REST asset code."""
        with self._lock:
            self._advance(self.now())
            return dict(self._state.spot.balances)

    def set_balance(self, asset: str, amount: Decimal | str | int) -> None:
        """Set one spot balance (REST asset code, e.g. ``"ZUSD"``)."""
        with self._lock:
            self._state.spot.balances[asset] = Decimal(str(amount))

    def order(self, txid: str) -> dict[str, Any] | None:
        """One spot order as ``QueryOrders`` shows it (with ``trades``), or None."""
        with self._lock:
            self._advance(self.now())
            found = self._state.spot.orders.get(txid)
            return None if found is None else order_info(found, True)

    def open_orders(self) -> list[str]:
        """Txids of the open spot orders, oldest first."""
        with self._lock:
            self._advance(self.now())
            return [o.txid for o in self._state.spot.orders.values() if o.status == "open"]

    def nonces(self, api_key: str) -> tuple[int, ...]:
        """Every spot nonce accepted for ``api_key``, in arrival order."""
        return self._state.spot_auth.nonce_book.history(api_key)

    def futures_nonces(self, api_key: str) -> tuple[int, ...]:
        """Every futures nonce accepted for ``api_key``, in arrival order."""
        return self._state.futures_auth.nonce_book.history(api_key)

    def spot_counter(self, api_key: str, now: float | None = None) -> float:
        """The key's spot call counter at ``now`` (after decay)."""
        with self._lock:
            return self._state.spot_counter(api_key).at(self._time(now))

    def trading_counter(self, pair: str, now: float | None = None) -> float:
        """The account's trading counter for ``pair`` (any spelling) at ``now``."""
        item = find_instrument(pair)
        if item is None:
            raise KeyError(f"unknown pair {pair!r}")
        with self._lock:
            return self._state.trading_counter(item.symbol).at(self._time(now))

    def book(self, symbol: str, depth: int = 10) -> dict[str, list[tuple[str, str]]]:
        """The current book (any spot spelling, or a futures symbol) as wire texts."""
        item = find_instrument(symbol)
        key = item.symbol if item is not None else symbol.upper()
        with self._lock:
            self._advance(self.now())
            book = self._state.market.books[key]
            return {
                "bids": [(book.price_text(p), book.qty_text(q)) for p, q in book.top_bids(depth)],
                "asks": [(book.price_text(p), book.qty_text(q)) for p, q in book.top_asks(depth)],
            }

    def futures_positions(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Open futures positions: symbol -> (signed size, average entry price)."""
        with self._lock:
            self._advance(self.now())
            return dict(self._state.futures.positions)

    @property
    def connections(self) -> int:
        """How many WebSocket connections are open."""
        with self._lock:
            return len(self._state.conns)

    @property
    def requests(self) -> int:
        """How many REST requests arrived (faults included)."""
        return self._state.requests

    @staticmethod
    def symbols() -> list[str]:
        """The spot symbols traded (WebSocket v2 spelling)."""
        return [item.symbol for item in SPOT_INSTRUMENTS]

    # ------------------------------------------------------------------ mounting

    def transport(self, *, timeout: float | None = None) -> FakeTransport:
        """An in-memory sync REST transport (see :mod:`kraken.testing.fake.memory`)."""
        from kraken.testing.fake.memory import FakeTransport

        return FakeTransport(self, timeout=timeout)

    def async_transport(self, *, timeout: float | None = None) -> AsyncFakeTransport:
        """An in-memory async REST transport (asyncio and trio)."""
        from kraken.testing.fake.memory import AsyncFakeTransport

        return AsyncFakeTransport(self, timeout=timeout)

    def ws_connector(self) -> MemoryWsConnector:
        """An in-memory :class:`~kraken.ports.ws.WsConnector`."""
        from kraken.testing.fake.memory import MemoryWsConnector

        return MemoryWsConnector(self)

    def async_ws_connector(self) -> AsyncMemoryWsConnector:
        """An in-memory :class:`~kraken.ports.ws.AsyncWsConnector` (asyncio and trio)."""
        from kraken.testing.fake.memory import AsyncMemoryWsConnector

        return AsyncMemoryWsConnector(self)

    def server(self, **options: Any) -> FakeKrakenServer:
        """A loopback HTTP + WebSocket server for this fake (use it as a context manager)."""
        from kraken.testing.fake.server import FakeKrakenServer

        return FakeKrakenServer(self, **options)

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"FakeKraken(seed={self.seed}, tier={self._state.tier!r}, "
                f"connections={len(self._state.conns)}, requests={self._state.requests})"
            )


def _fault_response(fault: RestFault, path: str, now: float) -> Response:
    futures = path.startswith("/derivatives/")
    if fault.kind == "http":
        status = int(fault.argument or 500)
        headers = {"content-type": "text/plain; charset=utf-8"}
        if status == 429:
            headers["retry-after"] = "1"
        return Response(status, headers, HTTPStatus(status).phrase.encode())
    if fault.kind == "html":
        status = int(fault.argument or 502)
        page = _HTML.format(status=status, phrase=HTTPStatus(status).phrase)
        return Response(status, {"content-type": "text/html; charset=UTF-8"}, page.encode())
    if fault.kind == "malformed":
        return Response(200, {"content-type": "application/json"}, b'{"error":[],"result":{"unix')
    if futures:
        return error_reply("apiLimitExceeded", now)
    if fault.kind == "throttled":
        until = math.ceil(now + float(fault.argument or 1.0))
        body = f'{{"error":["EService:Throttled:{until}"]}}'
    else:
        body = '{"error":["EAPI:Rate limit exceeded"]}'
    return Response(200, {"content-type": "application/json"}, body.encode())

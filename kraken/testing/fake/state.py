"""What the fake exchange remembers, and the values its WebSocket side hands back.

The dialect modules (:mod:`~kraken.testing.fake.spot_rest`, :mod:`~kraken.testing.fake.ws_v2`,
...) work on one :class:`State`; :class:`~kraken.testing.fake.FakeKraken` owns it behind a lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kraken.testing.fake.auth import FuturesAuth
from kraken.testing.fake.faults import FaultPlan
from kraken.testing.fake.futures_account import FuturesAccount
from kraken.testing.fake.ids import IdMaker
from kraken.testing.fake.limits import FUTURES_COSTS, SPOT_TIERS, TRADING_TIERS, Level
from kraken.testing.fake.market import Market
from kraken.testing.fake.spot_account import SpotAccount
from kraken.testing.fake.wire import dumps
from kraken.testing.verify import SpotAuthVerifier, StrictNonceBook

__all__ = [
    "TOKEN_TTL",
    "BookView",
    "FuturesConn",
    "State",
    "Token",
    "V2Conn",
    "WsClose",
    "WsDrop",
    "WsOutput",
    "WsSend",
    "WsSilence",
]

TOKEN_TTL = 900.0
"""A WebSocket token must be used within 15 minutes of issue; once it opened a private
subscription it stays valid (https://docs.kraken.com/api/docs/guides/spot-ws-auth)."""


@dataclass(frozen=True, slots=True)
class WsSend:
    """Send this text frame."""

    text: str


@dataclass(frozen=True, slots=True)
class WsClose:
    """Close with a normal handshake, with ``code`` and ``reason``."""

    code: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class WsDrop:
    """Cut the connection without a close frame (the client must report 1006)."""


@dataclass(frozen=True, slots=True)
class WsSilence:
    """From now on send nothing and read nothing (not even protocol pings)."""


WsOutput = WsSend | WsClose | WsDrop | WsSilence
"""What the exchange asks a WebSocket adapter to do."""


@dataclass(slots=True)
class Token:
    """A ``GetWebSocketsToken`` token."""

    value: str
    issued: float
    api_key: str
    used: bool = False
    revoked: bool = False

    def usable(self, now: float) -> bool:
        """Not revoked, and either already used for a private subscription or still young."""
        return not self.revoked and (self.used or now - self.issued <= TOKEN_TTL)


@dataclass(slots=True)
class BookView:
    """What one connection's book subscription last received: top ``depth`` per side."""

    depth: int
    asks: dict[int, int] = field(default_factory=dict)
    bids: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class V2Conn:
    """A Spot WebSocket v2 connection."""

    conn_id: int
    path: str
    opened: float
    last_sent: float
    connection_id: int
    silent: bool = False
    closed: bool = False
    books: dict[str, BookView] = field(default_factory=dict)
    tickers: dict[str, str] = field(default_factory=dict)  # symbol -> event_trigger
    bbo: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # last ticker's top
    trades: set[str] = field(default_factory=set)
    instrument: bool = False
    executions: int | None = None  # sequence of the last executions message, when subscribed
    balances: int | None = None

    def subscribed(self) -> bool:
        """True once any channel is subscribed (heartbeats start then)."""
        return bool(
            self.books or self.tickers or self.trades or self.instrument
            or self.executions is not None or self.balances is not None
        )  # fmt: skip


@dataclass(slots=True)
class FuturesConn:
    """A Futures WebSocket v1 connection."""

    conn_id: int
    path: str
    opened: float
    last_sent: float
    silent: bool = False
    closed: bool = False
    challenges: set[tuple[str, str]] = field(default_factory=set)
    books: set[str] = field(default_factory=set)
    tickers: dict[str, str] = field(default_factory=dict)  # product -> feed name
    trades: set[str] = field(default_factory=set)
    heartbeat: bool = False
    last_heartbeat: float = 0.0
    last_ticker: float = 0.0
    private: dict[str, str] = field(default_factory=dict)  # feed -> api key

    def subscribed(self) -> bool:
        """True once any feed is subscribed."""
        return bool(self.books or self.tickers or self.trades or self.heartbeat or self.private)


Conn = V2Conn | FuturesConn


class State:
    """Everything the fake exchange knows; see :class:`~kraken.testing.fake.FakeKraken`."""

    def __init__(
        self,
        *,
        seed: int,
        keys: Mapping[str, str],
        futures_keys: Mapping[str, str],
        tier: str,
        nonce_window: int,
        step_interval: float,
        heartbeat_interval: float,
        balances: Mapping[str, object] | None,
        futures_collateral: Decimal,
        history_cost: float,
    ) -> None:
        tier = tier.strip().lower()
        if tier not in SPOT_TIERS:
            raise ValueError(f"unknown tier {tier!r}; use starter, intermediate or pro")
        self.tier = tier
        self.history_cost = history_cost
        self.heartbeat_interval = heartbeat_interval
        self.ids = IdMaker(seed)
        self.market = Market(seed, step_interval)
        self.next_step: float | None = None  # set by the first call that passes a time
        self.spot = SpotAccount(balances, self.ids)
        self.futures = FuturesAccount(futures_collateral, self.ids)
        self.spot_auth = SpotAuthVerifier(keys, nonce_book=StrictNonceBook(window=nonce_window))
        self.futures_auth = FuturesAuth(futures_keys, nonce_window)
        self.faults = FaultPlan()
        self.tokens: dict[str, Token] = {}
        self.spot_counters: dict[str, Level] = {}
        self.trading_counters: dict[str, Level] = {}
        self.futures_budgets: dict[str, Level] = {}
        self.conns: dict[int, Conn] = {}
        self.outbox: dict[int, list[WsOutput]] = {}
        self.next_conn_id = 1
        self.futures_seq: dict[str, int] = {}
        self.dead_man_at: float | None = None  # CancelAllOrdersAfter trigger time
        self.requests = 0

    # ------------------------------------------------------------ counters

    def spot_counter(self, api_key: str) -> Level:
        """The call counter of one spot key."""
        counter = self.spot_counters.get(api_key)
        if counter is None:
            cap, decay = SPOT_TIERS[self.tier]
            counter = self.spot_counters[api_key] = Level(cap, decay)
        return counter

    def trading_counter(self, symbol: str) -> Level:
        """The trading counter of one pair (the account's, shared by all keys)."""
        counter = self.trading_counters.get(symbol)
        if counter is None:
            cap, decay = TRADING_TIERS[self.tier]
            counter = self.trading_counters[symbol] = Level(cap, decay)
        return counter

    def futures_budget(self, api_key: str) -> Level:
        """The ``/derivatives`` budget of one futures key: 500 per 10 s."""
        budget = self.futures_budgets.get(api_key)
        if budget is None:
            budget = self.futures_budgets[api_key] = Level(500.0, 50.0)
        return budget

    @staticmethod
    def futures_cost(endpoint: str) -> float:
        """The budget cost of one ``/derivatives/api/v3/<endpoint>`` call (public: 0)."""
        return float(FUTURES_COSTS.get(endpoint, 0))

    # ------------------------------------------------------------ WebSocket output

    def send(self, conn: Conn, message: Any, now: float) -> None:
        """Queue a frame (a dict is encoded with exact decimals) unless the connection is mute."""
        if conn.silent or conn.closed:
            return
        text = message if isinstance(message, str) else dumps(message)
        self.outbox.setdefault(conn.conn_id, []).append(WsSend(text))
        conn.last_sent = now

    def emit(self, conn: Conn, output: WsOutput) -> None:
        """Queue a connection-level action."""
        self.outbox.setdefault(conn.conn_id, []).append(output)

    def take(self, conn_ids: Iterable[int] | None = None) -> dict[int, list[WsOutput]]:
        """Take the queued outputs (of the given connection ids only, when given)."""
        if conn_ids is None:
            taken, self.outbox = self.outbox, {}
            return taken
        wanted = set(conn_ids)
        return {cid: self.outbox.pop(cid) for cid in list(self.outbox) if cid in wanted}


def loads(text: str) -> Any:
    """Decode a client frame (``ValueError`` for anything that is not JSON)."""
    return json.loads(text)

"""B8: loopback end-to-end latency of one signed private Spot call against the fake exchange.

The call is ``POST /0/private/Balance`` (body: the nonce only), not AddOrder: on the fake, as on
Kraken, repeated AddOrders with the same params run out of funds after two orders (1.25 BTC at
27500.5 against 100 000 USD), then hit the per-pair trading counter and the open-orders cap, and
every order placed stays on the book (the fake's per-call work would grow with the run). Balance
is a stateless signed read every implementation can repeat.

The server is our ``FakeKrakenServer`` (uvicorn on ``127.0.0.1``) around a
``FakeKraken(keys=...)`` with one API key per implementation (same secret, so nonces never
interfere), in a child process running *our* interpreter with the checkout on ``PYTHONPATH``
(so its CPU does not share the client's GIL). Each benchmark process starts its own server the
first time one of its B8 cases needs it and stops it at exit; the server also stops on EOF of
its stdin, so it dies with the process that started it. The peers' process learns our
interpreter from ``BENCH_OURS_PYTHON`` (set by ``run.py``).

The fake checks every ``API-Sign`` (its own verifier, no code shared with ours) and that each
key's nonces rise strictly. Two server-side settings keep it out of the way:

* no option turns its rate limits off, so the server lifts the cap of the ``pro`` tier's call
  counter to infinity (``SPOT_TIERS`` in that process only; Balance costs 1 per call and the
  cap is 20);
* ``step_interval=3600``: the market's random walk (which a REST call catches up on) stays
  still, so its steps do not land in the p99.

The server counts, per key, the replies with an empty ``error`` and the others. Before timing,
each implementation makes 3 calls whose results must carry the fake's 100 000 ZUSD, and the
server must have accepted exactly 3 more nonces and answered no error; after every timing the
server must have answered exactly ``warmup + repeats * n`` more calls without error (krakenex
returns the raw envelope, so this is where its errors would show).

One timing = ``n`` (at most 2 000) calls back to back on one client (a fresh client per
measurement after ``warmup`` (at most 200) untimed calls on the same connection); each call is
timed alone with ``perf_counter``. The p50 and p99 cases of one implementation report the
percentiles (nearest rank, in ms) of the **same** timings: the p50 case measures, the p99 case
(measured right after it by ``run.py`` and the peers' worker) returns what the p50 case kept,
and measures by itself only when called alone.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import http.client
import json
import math
import socket
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import Any
from urllib.parse import urlsplit

from common import API_SECRET, Case, ChildServer, Reference, decode_reply

ROW = "B8"
PATH = "/0/private/Balance"
MAX_CALLS = 2_000  # per timing: ~1 s on loopback
MAX_WARMUP = 200
CHECK_CALLS = 3
# The fake's starting USD balance (FakeKraken's default balances).
ZUSD = Decimal(100_000)
# One key per implementation (all with API_SECRET): nonces of one never reach another's key.
KEYS = {
    who: f"bench-b8-{who}"
    for who in (
        "ours-sync",
        "ours-async",
        "ours-sync-httpx",
        "ours-async-httpx",
        "ref",
        "pks-sync",
        "pks-async",
        "krakenex",
        "ccxt",
        "ref-peers",
    )
}

Op = Callable[[], Any]
AsyncOp = Callable[[], Awaitable[Any]]
SyncMake = Callable[[str, str], tuple[Op, Callable[[], object]]]
AsyncMake = Callable[[str, str], Awaitable[tuple[AsyncOp, Callable[[], Awaitable[object]]]]]

_SERVER = r"""
import json, math, sys

from kraken.adapters.clock import SystemClock
from kraken.testing.fake import FakeKraken, FakeKrakenServer
from kraken.testing.fake.limits import SPOT_TIERS

# The fake has no switch for its rate limits: lift the pro tier's call-counter cap (this
# process only). Trading counters are untouched (Balance does not use them).
SPOT_TIERS["pro"] = (math.inf, 1.0)
fake = FakeKraken(
    keys=json.loads(sys.argv[1]), tier="pro", clock=SystemClock(), step_interval=3600.0
)
counts = {}
answer = fake.rest_reply


def counting(request, now=None):
    reply = answer(request, now)
    entry = counts.setdefault(request.headers.get("api-key", ""), [0, 0, ""])
    response = reply.response
    if response.status == 200 and response.body.startswith(b'{"error":[],'):
        entry[0] += 1
    else:
        entry[1] += 1
        entry[2] = f"HTTP {response.status}: " + response.body[:200].decode("utf-8", "replace")
    return reply


fake.rest_reply = counting
with FakeKrakenServer(fake, tick_interval=60.0) as server:
    print(server.url, flush=True)
    # One "stats" line in, one JSON line out; EOF (the benchmark process is gone): stop.
    while sys.stdin.readline():
        stats = {
            key: {"ok": ok, "errors": bad, "last_error": last, "nonces": len(fake.nonces(key))}
            for key, (ok, bad, last) in counts.items()
        }
        print(json.dumps(stats), flush=True)
"""


class _FakeServer:
    """The fake exchange in a child process running our interpreter."""

    def __init__(self) -> None:
        keys = json.dumps({key: API_SECRET for key in KEYS.values()})
        self._child = ChildServer("B8 fake exchange", _SERVER, keys)
        self.url = self._child.url
        self.close = self._child.close

    def stats(self, key: str) -> dict[str, Any]:
        """What the server answered ``key`` so far: ok / errors / last_error / nonces."""
        self._child.send("stats")
        stats: dict[str, Any] = json.loads(self._child.read_line()).get(
            key, {"ok": 0, "errors": 0, "last_error": "", "nonces": 0}
        )
        return stats


_server: list[_FakeServer] = []  # this process's server, started on first use


def _fake() -> _FakeServer:
    if not _server:
        server = _FakeServer()
        atexit.register(server.close)
        _server.append(server)
    return _server[0]


def _check_counts(who: str, before: dict[str, Any], after: dict[str, Any], calls: int) -> None:
    ok, nonces = after["ok"] - before["ok"], after["nonces"] - before["nonces"]
    errors = after["errors"] - before["errors"]
    if ok != calls or nonces != calls or errors:
        raise AssertionError(
            f"B8 {who}: {calls} calls, but the fake answered {ok} ok and {errors} errors and "
            f"accepted {nonces} nonces (last error: {after['last_error']!r})"
        )


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted seconds, in ms."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1e3


def _sync_timings(op: Op, n: int, repeats: int, warmup: int) -> list[list[float]]:
    perf = time.perf_counter
    for _ in repeat(None, warmup):
        op()
    out: list[list[float]] = []
    for _ in range(repeats):
        latencies = [0.0] * n
        gc.collect()
        for i in range(n):
            start = perf()
            op()
            latencies[i] = perf() - start
        out.append(latencies)
    return out


async def _async_timings(aop: AsyncOp, n: int, repeats: int, warmup: int) -> list[list[float]]:
    perf = time.perf_counter
    for _ in repeat(None, warmup):
        await aop()
    out: list[list[float]] = []
    for _ in range(repeats):
        latencies = [0.0] * n
        gc.collect()
        for i in range(n):
            start = perf()
            await aop()
            latencies[i] = perf() - start
        out.append(latencies)
    return out


class _Latency:
    """One implementation over real HTTP to the fake: its check and its p50/p99 cases."""

    def __init__(
        self,
        who: str,
        *,
        make: SyncMake | None = None,
        amake: AsyncMake | None = None,
        balances: Callable[[Any], Any] = lambda result: result,
    ) -> None:
        self.who = who
        self.key = KEYS[who]
        self._make = make
        self._amake = amake
        self._balances = balances
        self._p99: list[float] | None = None

    def _run(self, url: str, n: int, repeats: int, warmup: int) -> list[list[float]]:
        if self._make is not None:
            op, close = self._make(url, self.key)
            try:
                return _sync_timings(op, n, repeats, warmup)
            finally:
                close()
        amake = self._amake
        assert amake is not None

        async def main() -> list[list[float]]:
            aop, aclose = await amake(url, self.key)
            try:
                return await _async_timings(aop, n, repeats, warmup)
            finally:
                await aclose()

        return asyncio.run(main())

    def _sample(self, url: str, count: int) -> list[Any]:
        if self._make is not None:
            op, close = self._make(url, self.key)
            try:
                return [op() for _ in range(count)]
            finally:
                close()
        amake = self._amake
        assert amake is not None

        async def main() -> list[Any]:
            aop, aclose = await amake(url, self.key)
            try:
                return [await aop() for _ in range(count)]
            finally:
                await aclose()

        return asyncio.run(main())

    def check(self) -> None:
        """A few calls: each result carries the fake's USD, and the fake took every nonce."""
        server = _fake()
        before = server.stats(self.key)
        for result in self._sample(server.url, CHECK_CALLS):
            zusd = self._balances(result).get("ZUSD")
            if zusd is None or Decimal(str(zusd)) != ZUSD:
                raise AssertionError(f"B8 {self.who}: unexpected result {result!r}")
        _check_counts(self.who, before, server.stats(self.key), CHECK_CALLS)

    def _measure(self, n: int, repeats: int, warmup: int) -> list[list[float]]:
        server = _fake()
        n, warmup = min(n, MAX_CALLS), min(warmup, MAX_WARMUP)
        before = server.stats(self.key)
        runs = self._run(server.url, n, repeats, warmup)
        _check_counts(self.who, before, server.stats(self.key), warmup + repeats * n)
        for latencies in runs:
            latencies.sort()
        return runs

    def p50(self, n: int, repeats: int, warmup: int) -> list[float]:
        runs = self._measure(n, repeats, warmup)
        self._p99 = [_percentile(ordered, 0.99) for ordered in runs]
        return [_percentile(ordered, 0.50) for ordered in runs]

    def p99(self, n: int, repeats: int, warmup: int) -> list[float]:
        kept, self._p99 = self._p99, None
        if kept is not None and len(kept) == repeats:
            return kept
        return [_percentile(ordered, 0.99) for ordered in self._measure(n, repeats, warmup)]

    def cases(
        self,
        case_id: str,
        label: str,
        kind: str,
        flavour: str = "sync",
        note: str = "",
        suffix: str = "",
    ) -> list[Case]:
        """The p50 and p99 cases (ids ``<case_id>_p50<suffix>``), after :meth:`check`."""
        self.check()
        return [
            Case(
                f"{case_id}_{pct}{suffix}",
                ROW,
                f"{label} {pct}",
                kind,
                body=pct,
                flavour=flavour,
                note=note,
                run_async=run,
                unit="ms",
            )
            for pct, run in (("p50", self.p50), ("p99", self.p99))
        ]


# -- the stdlib reference --------------------------------------------------------------------------


def _ref_make(url: str, key: str) -> tuple[Op, Callable[[], object]]:
    """``http.client`` kept alive, the request from ``Reference.prepare_json``."""
    prepare = partial(Reference(api_key=key, path=PATH).prepare_json, {})
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    conn.connect()
    assert conn.sock is not None
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request, getresponse, loads = conn.request, conn.getresponse, decode_reply

    def call() -> Any:
        _, headers, body = prepare()
        request("POST", PATH, body, headers)
        response = getresponse()
        payload = loads(response.read())
        if response.status != 200 or payload["error"]:
            raise RuntimeError(f"B8 reference: HTTP {response.status} {payload!r}")
        return payload["result"]

    return call, conn.close


def _ref_cases(who: str, suffix: str = "", note: str = "") -> list[Case]:
    return _Latency(who, make=_ref_make).cases(
        "ref_balance",
        "stdlib reference: http.client kept alive, Reference.prepare_json + C-scanner decode +"
        " error check" + note,
        "ref",
        suffix=suffix,
    )


# -- ours ------------------------------------------------------------------------------------------


def _ours_make(url: str, key: str, *, httpx: bool = False) -> tuple[Op, Callable[[], object]]:
    from kraken import SpotClient

    transport = None
    if httpx:
        from kraken.adapters.httpx_rest import HttpxTransport

        transport = HttpxTransport()
    client = SpotClient(
        api_key=key, api_secret=API_SECRET, base_url=url, rate_limit="off", transport=transport
    )
    close = client.close if transport is None else transport.close
    return client.get_account_balance, close


async def _ours_amake(
    url: str, key: str, *, httpx: bool = False
) -> tuple[AsyncOp, Callable[[], Awaitable[object]]]:
    from kraken import AsyncSpotClient

    transport = None
    if httpx:
        from kraken.adapters.httpx_rest import AsyncHttpxTransport

        transport = AsyncHttpxTransport()
    client = AsyncSpotClient(
        api_key=key, api_secret=API_SECRET, base_url=url, rate_limit="off", transport=transport
    )
    return client.get_account_balance, client.aclose if transport is None else transport.aclose


def ours_cases() -> list[Case]:
    # The default transports first: the report compares the peers with the first case of ours.
    return [
        *_Latency("ours-sync", make=_ours_make).cases(
            "ours_balance_sync",
            "ours: SpotClient.get_account_balance() (own HTTP/1.1 transport, JSON body)",
            "ours",
        ),
        *_Latency("ours-async", amake=_ours_amake).cases(
            "ours_balance_async",
            "ours: AsyncSpotClient.get_account_balance() (asyncio, own HTTP/1.1 transport)",
            "ours",
            flavour="async",
        ),
        *_Latency("ours-sync-httpx", make=partial(_ours_make, httpx=True)).cases(
            "ours_balance_sync_httpx",
            "ours: SpotClient(transport=HttpxTransport()), as with proxy=",
            "ours",
        ),
        *_Latency("ours-async-httpx", amake=partial(_ours_amake, httpx=True)).cases(
            "ours_balance_async_httpx",
            "ours: AsyncSpotClient(transport=AsyncHttpxTransport()), as with proxy= (asyncio)",
            "ours",
            flavour="async",
        ),
        *_ref_cases("ref"),
    ]


# -- peers -----------------------------------------------------------------------------------------


def _pks_make(url: str, key: str) -> tuple[Op, Callable[[], object]]:
    from kraken.base_api import SpotClient

    client = SpotClient(key=key, secret=API_SECRET, url=url)
    return partial(client.request, "POST", PATH), lambda: None


async def _pks_amake(url: str, key: str) -> tuple[AsyncOp, Callable[[], Awaitable[object]]]:
    from kraken.base_api import SpotAsyncClient

    client = SpotAsyncClient(key=key, secret=API_SECRET, url=url)
    return partial(client.request, "POST", PATH), client.close


def _krakenex_make(url: str, key: str) -> tuple[Op, Callable[[], object]]:
    import krakenex

    api = krakenex.API(key=key, secret=API_SECRET)
    api.uri = url
    # Its own nonce is int(1000 * time.time()): two calls in one millisecond share a nonce and
    # the second is refused (EAPI:Invalid nonce), which happens within a few hundred calls here.
    api._nonce = time.time_ns
    return partial(api.query_private, "Balance"), api.close


def _ccxt_make(url: str, key: str) -> tuple[Op, Callable[[], object]]:
    import ccxt

    # Rate limiter off: Balance costs 3 x rateLimit (1 s), so ccxt would sleep 3 s per call.
    exchange = ccxt.kraken({"apiKey": key, "secret": API_SECRET, "enableRateLimit": False})
    exchange.urls["api"] = {**exchange.urls["api"], "public": url, "private": url}
    return exchange.privatePostBalance, exchange.close


def _envelope(reply: Any) -> Any:
    if reply.get("error"):
        raise AssertionError(f"B8: error reply {reply!r}")
    return reply["result"]


def peer_cases() -> list[Case]:
    return [
        *_Latency("pks-sync", make=_pks_make).cases(
            "pks_balance_sync",
            "python-kraken-sdk SpotClient.request('POST', '/0/private/Balance') (requests, form)",
            "peer",
        ),
        *_Latency("pks-async", amake=_pks_amake).cases(
            "pks_balance_async",
            "python-kraken-sdk SpotAsyncClient.request(...) (asyncio, aiohttp, form)",
            "peer",
            flavour="async",
        ),
        *_Latency("krakenex", make=_krakenex_make, balances=_envelope).cases(
            "krakenex_balance",
            "krakenex API.query_private('Balance') (requests, form, nonce = time.time_ns())",
            "peer",
            note="krakenex returns the raw envelope (no error check; the fake's counts check every"
            " call). Its own nonce, int(1000 * time.time()), repeats within one millisecond:"
            " back to back on loopback the fake refused ~2 % of its calls (EAPI:Invalid nonce,"
            " as Kraken would), so here its _nonce is time.time_ns",
        ),
        *_Latency("ccxt", make=_ccxt_make, balances=_envelope).cases(
            "ccxt_balance",
            "ccxt kraken.privatePostBalance() (requests, form, rate limiter off)",
            "peer",
            note="ccxt's rate limiter is off: it charges Balance 3 x 1 s",
        ),
        *_ref_cases("ref-peers", "@peers", " [peers' process: control]"),
    ]

"""Every REST client carries out the core's rate-limit and retry decisions.

Most tests run a client (sync, and async on asyncio and trio) over an in-memory transport against
a stand-in written here from Kraken's documents, independently of ``kraken.core.policy``: it keeps
Kraken's spot REST counter (Starter: max 15, -0.33/s, https://docs.kraken.com/api/docs/guides/
spot-rest-ratelimits) and answers ``EAPI:Rate limit exceeded`` when a call would take it past 15.

Time is virtual. Each test hands the client a :class:`TickingClock` whose ``sleep`` advances the
clock instead of waiting (the clients route their waits through a clock's ``sleep`` when it has
one), and the stand-in reads the same clock, so a burst that takes Kraken minutes runs in
milliseconds. Bursts are sequential: with concurrent callers a virtual sleep that jumps the
clock also moves time for callers that were about to send, which real time never does.

Where real sockets matter (transport errors from httpx, a strict nonce book), the loopback
tests at the end use a real server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

import kraken
from kraken import (
    AsyncDerivativesClient,
    AsyncSpotClient,
    DerivativesClient,
    InvalidNonceError,
    KrakenAPIError,
    KrakenTransportError,
    KrakenUsageError,
    LocalRateLimitError,
    RateLimitError,
    SpotClient,
)
from kraken.clients.limits import key_limits
from kraken.core.auth.credentials import key_fingerprint
from kraken.core.policy import Counter, RateLimitMode, RetryPolicy, Tier
from kraken.core.rest.values import Request, Response
from kraken.testing import LoopbackServer, nonce_book, spot_stub_app
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport
from tests.clients.stub import API_SECRET, KrakenStub, fail, ok

pytestmark = pytest.mark.anyio

Client = Any  # one of the sync or async clients; the test bodies are written once for both

UNIX_START = 1_750_000_000.0


class TickingClock:
    """A :class:`~kraken.ports.Clock` whose ``sleep`` advances virtual time (thread-safe)."""

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def time_ns(self) -> int:
        with self._lock:
            return int((UNIX_START + self._now) * 1_000_000_000)

    def unix(self) -> float:
        with self._lock:
            return UNIX_START + self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class NoSleepClock:
    """A fake clock without ``sleep``: the client then waits for real (anyio / time.sleep)."""

    def monotonic(self) -> float:
        return 0.0

    def time_ns(self) -> int:
        return int(UNIX_START * 1_000_000_000)


# Kraken's costs (spot-rest-ratelimits; ledger/trade history +2 per the older guide, which the
# SDK's default follows); written out here, not taken from the SDK.
HISTORY_METHODS = {"Ledgers", "QueryLedgers", "TradesHistory", "OpenOrders", "ClosedOrders"}
TRADING_METHODS = {"AddOrder", "AddOrderBatch", "AmendOrder", "EditOrder", "CancelOrder"}


class CountingKraken:
    """Kraken's spot REST counter in front of :class:`KrakenStub` (signatures, nonces)."""

    def __init__(self, clock: TickingClock, inner: KrakenStub, cap: float = 15.0) -> None:
        self.clock = clock
        self.inner = inner
        self.cap = cap
        self.decay = 0.33
        self.level = 0.0
        self.stamp = clock.monotonic()
        self.peak = 0.0
        self.refused = 0

    def __call__(self, request: Request) -> Response:
        path = urlsplit(request.url).path
        if path.startswith("/0/private/"):
            name = path.removeprefix("/0/private/")
            now = self.clock.monotonic()
            self.level = max(0.0, self.level - self.decay * (now - self.stamp))
            self.stamp = now
            cost = 0.0 if name in TRADING_METHODS else 2.0 if name in HISTORY_METHODS else 1.0
            if self.level + cost > self.cap:
                self.refused += 1
                return fail("EAPI:Rate limit exceeded")
            self.level += cost
            self.peak = max(self.peak, self.level)
        return self.inner(request)


class Script:
    """A handler that plays a list of answers (responses, or exceptions to raise), then ``then``."""

    def __init__(self, *answers: Response | BaseException, then: Response | None = None) -> None:
        self.answers = list(answers)
        self.then = then or ok({"fine": True})
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else self.then
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def fresh_key() -> str:
    return f"rl-{uuid.uuid4().hex}"


def spot(
    flavour: str, handler: Callable[[Request], Response], key: str, **options: Any
) -> tuple[Client, Any]:
    transport: Any
    if flavour == "sync":
        transport = MemoryTransport(handler)
        return SpotClient(api_key=key, api_secret=API_SECRET, transport=transport, **options), (
            transport
        )
    transport = AsyncMemoryTransport(handler)
    client = AsyncSpotClient(api_key=key, api_secret=API_SECRET, transport=transport, **options)
    return client, transport


def futures(
    flavour: str, handler: Callable[[Request], Response], key: str, **options: Any
) -> tuple[Client, Any]:
    transport: Any
    if flavour == "sync":
        transport = MemoryTransport(handler)
        client: Client = DerivativesClient(
            api_key=key, api_secret=API_SECRET, transport=transport, **options
        )
    else:
        transport = AsyncMemoryTransport(handler)
        client = AsyncDerivativesClient(
            api_key=key, api_secret=API_SECRET, transport=transport, **options
        )
    return client, transport


async def call(client: Client, name: str, *args: Any) -> Any:
    result = getattr(client, name)(*args)
    if isinstance(result, Awaitable):
        return await result
    return result


def nonce_of(request: Request) -> int:
    return int(json.loads(request.body)["nonce"])


def futures_ok(**fields: Any) -> Response:
    body = {"result": "success", "serverTime": "2026-01-01T00:00:00.000Z", **fields}
    return Response(200, {"content-type": "application/json"}, json.dumps(body).encode())


BURST = ["get_account_balance", "get_ledgers_info", "get_orders", "get_trades_history"]
ORDER = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "1.0", "volume": "1"}


# --- rate limits --------------------------------------------------------------------------------


async def test_a_burst_of_100_private_calls_on_starter_waits_and_is_never_refused(
    flavour: str,
) -> None:
    clock = TickingClock()
    key = fresh_key()
    kraken_ = CountingKraken(clock, KrakenStub(api_key=key))
    client, transport = spot(flavour, kraken_, key, clock=clock, retry=None)
    started = time.perf_counter()
    for name in itertools.islice(itertools.cycle(BURST), 100):
        params = {"txid": "O1"} if name == "get_orders" else None
        await call(client, name, *([params] if params else []))
    wall = time.perf_counter() - started
    assert kraken_.refused == 0
    assert len(transport.requests) == 100
    assert kraken_.peak <= 15
    # 25 rounds of 1 + 2 + 1 + 2 = 150 units. Kraken's counter holds at most 15, so at least
    # (150 - 15) / 0.33 = 409 s must pass; pacing at 13.67 of 15 takes about 413 s.
    assert 409 <= clock.monotonic() <= 420
    assert wall < 2.0, f"the burst took {wall:.2f} s of wall time"


async def test_the_stand_in_really_refuses_a_burst_without_the_model(flavour: str) -> None:
    """Control for the test above: with rate_limit='off' the same stand-in says no."""
    clock = TickingClock()
    key = fresh_key()
    kraken_ = CountingKraken(clock, KrakenStub(api_key=key))
    client, _ = spot(flavour, kraken_, key, clock=clock, retry=None, rate_limit="off")
    refused = 0
    for _ in range(20):
        try:
            await call(client, "get_account_balance")
        except RateLimitError:
            refused += 1
    assert refused == 5  # 15 fit, no time passes, the next 5 are refused
    assert clock.slept == []


async def test_raise_mode_raises_before_any_io(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    stub = KrakenStub(api_key=key)
    client, transport = spot(flavour, stub, key, clock=clock, rate_limit="raise")
    for _ in range(13):  # Starter keeps the counter at or below 15 - 1.33 = 13.67
        await call(client, "get_account_balance")
    with pytest.raises(LocalRateLimitError) as caught:
        await call(client, "get_account_balance")
    assert len(transport.requests) == 13  # nothing was sent for the refused call
    error = caught.value
    assert isinstance(error, RateLimitError)
    assert error.code == "EAPI:Rate limit exceeded"
    assert error.endpoint == "get_account_balance"
    assert error.retry_after == pytest.approx((14 - 13.67) / 0.33, abs=1e-6)
    assert clock.slept == []
    clock.advance(error.retry_after or 0.0)
    await call(client, "get_account_balance")
    assert len(transport.requests) == 14


async def test_wait_mode_gives_up_beyond_max_rate_limit_wait(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    client, transport = spot(
        flavour, KrakenStub(api_key=key), key, clock=clock, max_rate_limit_wait=0.5
    )
    for _ in range(13):
        await call(client, "get_account_balance")
    with pytest.raises(LocalRateLimitError) as caught:
        await call(client, "get_account_balance")  # would wait about 1 s
    assert caught.value.retry_after == pytest.approx(1.0, abs=0.01)
    assert len(transport.requests) == 13
    assert clock.slept == []


async def test_off_mode_sends_everything(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    client, transport = spot(flavour, KrakenStub(api_key=key), key, clock=clock, rate_limit="off")
    for _ in range(40):
        await call(client, "get_account_balance")
    assert len(transport.requests) == 40
    assert clock.slept == []
    assert key_limits(key_fingerprint(key), clock).level(Counter.SPOT_REST, 0.0) == 0


async def test_public_calls_use_no_private_counter(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    client, transport = spot(flavour, KrakenStub(api_key=key), key, clock=clock, rate_limit="raise")
    for _ in range(40):
        await call(client, "get_ticker", {"pair": "XBTUSD"})
    assert len(transport.requests) == 40
    assert key_limits(key_fingerprint(key), clock).level(Counter.SPOT_REST, 0.0) == 0


async def test_per_endpoint_cost_overrides(flavour: str) -> None:
    for override in ({"get_account_balance": 5}, {"/0/private/Balance": 5}, {"Balance": 5}):
        clock = TickingClock()
        key = fresh_key()
        client, transport = spot(
            flavour,
            KrakenStub(api_key=key),
            key,
            clock=clock,
            rate_limit="raise",
            rate_limit_costs=override,
        )
        await call(client, "get_account_balance")
        await call(client, "get_account_balance")  # 10 of 13.67
        with pytest.raises(LocalRateLimitError):
            await call(client, "get_account_balance")
        assert len(transport.requests) == 2


async def test_tier_sizes_the_counter(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    client, transport = spot(
        flavour, KrakenStub(api_key=key), key, clock=clock, rate_limit="raise", tier="pro"
    )
    for _ in range(18):  # Pro: 20 - (1 + 1 * 1 s) = 18
        await call(client, "get_account_balance")
    with pytest.raises(LocalRateLimitError):
        await call(client, "get_account_balance")
    assert len(transport.requests) == 18


async def test_orders_charge_the_trading_counter_of_their_pair(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    client, transport = spot(flavour, KrakenStub(api_key=key), key, clock=clock, rate_limit="raise")
    for _ in range(58):  # Starter trading threshold 60, kept 1 + 1 * 1 s below: 58 adds of +1
        await call(client, "submit_order", ORDER)
    with pytest.raises(LocalRateLimitError) as caught:
        await call(client, "submit_order", ORDER)
    assert caught.value.code == "EOrder:Rate limit exceeded"
    await call(client, "submit_order", {**ORDER, "pair": "ETHUSD"})  # another pair's counter
    # A batch of 4 adds costs 4 / 2 = 2 on its pair; cancels have no fixed part.
    await call(client, "submit_batch_orders", {"pair": "SOLUSD", "orders": [{}] * 4})
    await call(client, "cancel_order", {"txid": "O1"})
    limits = key_limits(key_fingerprint(key), clock)
    assert limits.level(Counter.TRADING, 0.0, "SOLUSD") == 2
    assert limits.level(Counter.SPOT_REST, 0.0) == 0  # trading calls cost 0 on the REST counter
    assert len(transport.requests) == 58 + 3


async def test_futures_calls_charge_the_derivatives_budget(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    reply = futures_ok(sendStatus={"status": "placed", "order_id": "x"})
    client, transport = futures(
        flavour, lambda request: reply, key, clock=clock, rate_limit="raise"
    )
    order = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": 1}
    for _ in range(50):  # sendorder costs 10; 500 per 10 s
        await call(client, "submit_order", order)
    with pytest.raises(LocalRateLimitError) as caught:
        await call(client, "submit_order", order)
    assert caught.value.code == "EFutures:apiLimitExceeded"
    assert len(transport.requests) == 50
    clock.advance(11.01)  # the modelled window: 10 s plus 1 s of latency allowance
    await call(client, "submit_order", order)
    assert len(transport.requests) == 51


async def test_cancelled_wait_refunds_the_reserved_cost() -> None:
    clock = NoSleepClock()  # time stands still, so the wait is real and can be cancelled
    key = fresh_key()
    client, transport = spot("async", KrakenStub(api_key=key), key, clock=clock)
    for _ in range(13):
        await client.get_account_balance()
    limits = key_limits(key_fingerprint(key), clock)
    assert limits.level(Counter.SPOT_REST, 0.0) == 13
    with anyio.move_on_after(0.05) as scope:
        await client.get_account_balance()  # would wait about 1 s
    assert scope.cancelled_caught
    assert len(transport.requests) == 13
    # The call was booked for t = 1 s, when 13 has decayed to 12.67 and the call makes 13.67;
    # the cancelled wait handed its 1 back.
    assert limits.level(Counter.SPOT_REST, 1.0) == pytest.approx(13 - 0.33)


async def test_two_clients_on_one_key_share_the_limiter() -> None:
    clock = TickingClock()
    key = fresh_key()
    stub = KrakenStub(api_key=key)
    first, _ = spot("sync", stub, key, clock=clock, rate_limit="raise")
    second, second_transport = spot("async", stub, key, clock=clock, rate_limit="raise")
    other_key = fresh_key()
    other, _ = spot("sync", KrakenStub(api_key=other_key), other_key, clock=clock)
    for _ in range(13):
        first.get_account_balance()
    with pytest.raises(LocalRateLimitError):
        await second.get_account_balance()
    assert second_transport.requests == []
    other.get_account_balance()  # another key has its own counter


def test_threads_on_two_clients_share_one_counter() -> None:
    clock = TickingClock()
    key = fresh_key()
    stub = KrakenStub(api_key=key)
    clients = [spot("sync", stub, key, clock=clock, rate_limit="raise")[0] for _ in range(2)]
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(client: SpotClient) -> None:
        for _ in range(10):
            try:
                client.get_account_balance()
                result = "sent"
            except LocalRateLimitError:
                result = "refused"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("sent") == 13
    assert outcomes.count("refused") == 40 - 13
    assert len(stub.seen) == 13


# --- retries ------------------------------------------------------------------------------------


async def test_throttled_waits_until_the_timestamp(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    until = int(clock.unix()) + 7
    script = Script(fail(f"EService:Throttled:{until}"))
    client, _ = spot(flavour, script, key, clock=clock)
    assert await call(client, "get_account_balance") == {"fine": True}
    assert len(script.requests) == 2
    assert clock.slept == [pytest.approx(7.0, abs=1e-3)]
    assert nonce_of(script.requests[1]) > nonce_of(script.requests[0])


async def test_kraken_rate_limit_refusal_fills_the_model_then_retries(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    script = Script(fail("EAPI:Rate limit exceeded"))
    client, _ = spot(flavour, script, key, clock=clock)
    assert await call(client, "get_account_balance") == {"fine": True}
    assert len(script.requests) == 2
    # The model took the counter as full (15 at -0.33/s): the retry waited until a call of 1
    # fits under 13.67 again, (15 - 12.67) / 0.33 s.
    assert sum(clock.slept) == pytest.approx((15 - 12.67) / 0.33, abs=0.01)


async def test_history_429_waits_for_rate_limit_reset(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    limited = Response(429, {"content-type": "text/plain", "rate-limit-reset": "12"}, b"Limited")
    script = Script(limited, then=futures_ok(logs=[]))
    client, _ = futures(flavour, script, key, clock=clock)
    result = await call(client, "get_account_log")
    assert result["logs"] == []
    assert len(script.requests) == 2
    assert clock.slept == [pytest.approx(12.0)]
    assert urlsplit(script.requests[1].url).path == "/api/history/v3/account-log"


async def test_history_429_beyond_the_cap_gives_up_at_once(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    limited = Response(429, {"content-type": "text/plain", "rate-limit-reset": "90"}, b"Limited")
    script = Script(limited)
    client, _ = futures(flavour, script, key, clock=clock)
    with pytest.raises(RateLimitError) as caught:
        await call(client, "get_account_log")
    assert caught.value.retry_after == 90
    assert len(script.requests) == 1
    assert clock.slept == []


async def test_invalid_nonce_on_a_read_gets_one_fresh_nonce(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    script = Script(fail("EAPI:Invalid nonce"))
    client, _ = spot(flavour, script, key, clock=clock)
    assert await call(client, "get_account_balance") == {"fine": True}
    assert len(script.requests) == 2
    assert nonce_of(script.requests[1]) > nonce_of(script.requests[0])
    assert clock.slept == []  # the heal is immediate


async def test_a_second_invalid_nonce_gives_up(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    refusals = [fail("EAPI:Invalid nonce") for _ in range(5)]
    script = Script(*refusals)
    client, _ = spot(flavour, script, key, clock=clock)
    with pytest.raises(InvalidNonceError):
        await call(client, "get_account_balance")
    assert len(script.requests) == 2


async def test_invalid_nonce_heal_holds_for_a_call_that_is_not_retry_safe(flavour: str) -> None:
    """Kraken refuses a bad nonce before acting, so even a withdrawal is re-signed once."""
    clock = TickingClock()
    key = fresh_key()
    script = Script(fail("EAPI:Invalid nonce"))
    client, _ = spot(flavour, script, key, clock=clock)
    params = {"asset": "XBT", "key": "wallet", "amount": "0.1"}
    assert await call(client, "submit_withdrawal", params) == {"fine": True}
    assert len(script.requests) == 2


async def test_nonce_retry_can_be_switched_off(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    script = Script(fail("EAPI:Invalid nonce"))
    client, _ = spot(flavour, script, key, clock=clock, retry=RetryPolicy(nonce_retry=False))
    with pytest.raises(InvalidNonceError):
        await call(client, "get_account_balance")
    assert len(script.requests) == 1


async def test_parse_exceptions_false_still_heals_and_raises_the_base_class(flavour: str) -> None:
    clock = TickingClock()
    key = fresh_key()
    script = Script(fail("EAPI:Invalid nonce"))
    client, _ = spot(flavour, script, key, clock=clock, parse_exceptions=False)
    assert await call(client, "get_account_balance") == {"fine": True}
    assert len(script.requests) == 2
    again = Script(*[fail("EAPI:Invalid nonce") for _ in range(3)])
    client, _ = spot(flavour, again, fresh_key(), clock=clock, parse_exceptions=False)
    with pytest.raises(KrakenAPIError) as caught:
        await call(client, "get_account_balance")
    assert type(caught.value) is KrakenAPIError
    assert len(again.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [
        KrakenTransportError("connection reset by peer"),
        fail("EAPI:Invalid nonce"),
        fail("EAPI:Rate limit exceeded"),
        fail("EService:Unavailable"),
        Response(502, {"content-type": "text/html"}, b"<html>Bad Gateway</html>"),
    ],
    ids=["transport", "invalid-nonce", "rate-limit", "unavailable", "http-502"],
)
async def test_submit_order_is_never_retried(flavour: str, failure: Any) -> None:
    clock = TickingClock()
    key = fresh_key()
    script = Script(failure)
    client, _ = spot(flavour, script, key, clock=clock)
    with pytest.raises((KrakenAPIError, KrakenTransportError)):
        await call(client, "submit_order", ORDER)
    assert len(script.requests) == 1
    # Not even a validate-only order: it is still AddOrder (see docs/rate-limits.md).
    script = Script(failure)
    client, _ = spot(flavour, script, fresh_key(), clock=clock)
    with pytest.raises((KrakenAPIError, KrakenTransportError)):
        await call(client, "submit_order", {**ORDER, "validate": True})
    assert len(script.requests) == 1
    assert clock.slept == []


@pytest.mark.parametrize("name", ["amend_order", "edit_order", "submit_batch_orders"])
async def test_other_placements_are_never_retried(flavour: str, name: str) -> None:
    script = Script(KrakenTransportError("timed out"))
    client, _ = spot(flavour, script, fresh_key(), clock=TickingClock())
    params = {"txid": "O1", "pair": "XBTUSD", "orders": [ORDER], "volume": "1"}
    with pytest.raises(KrakenTransportError):
        await call(client, name, params)
    assert len(script.requests) == 1


@pytest.mark.parametrize(("name", "sent"), [("update_otc_quote", 1), ("get_otc_pairs", 2)])
async def test_an_otc_quote_acceptance_is_never_re_sent(flavour: str, name: str, sent: int) -> None:
    """Accepting an OTC quote trades: even Kraken's nonce refusal is not healed for it."""
    script = Script(fail("EAPI:Invalid nonce"))
    transport: Any = MemoryTransport(script) if flavour == "sync" else AsyncMemoryTransport(script)
    cls = kraken.InstitutionalClient if flavour == "sync" else kraken.AsyncInstitutionalClient
    client = cls(api_key=fresh_key(), api_secret=API_SECRET, transport=transport)
    params = {"quote_id": "Q1", "status": "accepted"} if name == "update_otc_quote" else None
    if sent == 1:
        with pytest.raises(InvalidNonceError):
            await call(client, name, *([params] if params else []))
    else:
        await call(client, name)
    assert len(script.requests) == sent


async def test_futures_submit_order_is_never_retried(flavour: str) -> None:
    script = Script(KrakenTransportError("connection reset by peer"))
    client, _ = futures(flavour, script, fresh_key(), clock=TickingClock())
    order = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": 1}
    with pytest.raises(KrakenTransportError):
        await call(client, "submit_order", order)
    assert len(script.requests) == 1


async def test_transport_errors_on_a_read_are_retried_with_backoff(flavour: str) -> None:
    clock = TickingClock()
    errors = [KrakenTransportError(f"connection reset #{i}") for i in range(10)]
    script = Script(*errors)
    client, _ = spot(flavour, script, fresh_key(), clock=clock)
    with pytest.raises(KrakenTransportError) as caught:
        await call(client, "get_account_balance")
    assert len(script.requests) == 3  # RetryPolicy() makes 3 attempts in all
    assert caught.value is errors[2]  # the last error, unchanged
    assert len(clock.slept) == 2
    # Full jitter: min(30, 0.5 * 2**attempt) * random in [0, 1).
    assert 0 <= clock.slept[0] <= 0.5
    assert 0 <= clock.slept[1] <= 1.0
    nonces = [nonce_of(r) for r in script.requests]
    assert nonces == sorted(set(nonces))  # each attempt was signed with a new nonce


async def test_max_attempts_and_retry_none(flavour: str) -> None:
    clock = TickingClock()
    script = Script(*[KrakenTransportError("reset") for _ in range(10)])
    policy = RetryPolicy(max_attempts=5, base=0.1, cap=0.4)
    client, _ = spot(flavour, script, fresh_key(), clock=clock, retry=policy)
    with pytest.raises(KrakenTransportError):
        await call(client, "get_account_balance")
    assert len(script.requests) == 5
    assert len(clock.slept) == 4
    assert all(0 <= s <= 0.4 for s in clock.slept)
    script = Script(*[KrakenTransportError("reset") for _ in range(10)])
    client, _ = spot(flavour, script, fresh_key(), clock=clock, retry=None)
    with pytest.raises(KrakenTransportError):
        await call(client, "get_account_balance")
    assert len(script.requests) == 1


async def test_a_read_recovers_after_a_transient_error(flavour: str) -> None:
    clock = TickingClock()
    script = Script(fail("EService:Unavailable"), KrakenTransportError("reset"))
    client, _ = spot(flavour, script, fresh_key(), clock=clock)
    assert await call(client, "get_account_balance") == {"fine": True}
    assert len(script.requests) == 3


async def test_transient_errors_on_a_call_that_is_not_retry_safe_are_not_retried(
    flavour: str,
) -> None:
    script = Script(KrakenTransportError("reset"))
    client, _ = spot(flavour, script, fresh_key(), clock=TickingClock())
    with pytest.raises(KrakenTransportError):
        await call(client, "request_ledgers_export", {"description": "x", "report": "ledgers"})
    assert len(script.requests) == 1


async def test_public_reads_are_retried_too(flavour: str) -> None:
    script = Script(Response(503, {"content-type": "text/html"}, b"<html>busy</html>"))
    client, _ = spot(flavour, script, fresh_key(), clock=TickingClock())
    assert await call(client, "get_ticker", {"pair": "XBTUSD"}) == {"fine": True}
    assert len(script.requests) == 2


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"rate_limit": "sometimes"},
        {"tier": "gold"},
        {"retry": 3},
        {"rate_limit_costs": {"Balance": -1}},
        {"rate_limit_costs": {"Balance": float("nan")}},
        {"rate_limit_costs": ["Balance"]},
        {"max_rate_limit_wait": -1},
        {"max_rate_limit_wait": float("nan")},
        {"max_rate_limit_wait": True},
    ],
)
def test_bad_options_are_refused_at_construction(options: dict[str, Any]) -> None:
    for cls in (SpotClient, AsyncSpotClient, DerivativesClient, kraken.AsyncPartnerClient):
        with pytest.raises(KrakenUsageError):
            cls(**options)


def test_options_accept_strings_and_enums() -> None:
    for mode, tier in (("RAISE", "Pro"), (RateLimitMode.OFF, Tier.INTERMEDIATE)):
        client = SpotClient(rate_limit=mode, tier=tier, max_rate_limit_wait=2)
        assert client._options.rate_limit in RateLimitMode
        assert client._options.tier in Tier
        client.close()


# --- loopback -----------------------------------------------------------------------------------


def flaky_app(failures: int) -> tuple[Starlette, list[str]]:
    """Answers the first ``failures`` requests with an HTML 503, then like Kraken."""
    seen: list[str] = []

    async def endpoint(request: HttpRequest) -> HTMLResponse | JSONResponse:
        seen.append(request.url.path)
        if len(seen) <= failures:
            return HTMLResponse("<html><h1>503 Service Unavailable</h1></html>", 503)
        return JSONResponse({"error": [], "result": {"ok": True}})

    app = Starlette(routes=[Route("/0/private/{name:path}", endpoint, methods=["POST"])])
    return app, seen


@pytest.fixture
def flaky() -> Iterator[tuple[str, list[str]]]:
    app, seen = flaky_app(2)
    with LoopbackServer(app) as server:
        yield server.url, seen


@pytest.mark.loopback
async def test_loopback_read_is_retried_through_http_errors(
    flavour: str, flaky: tuple[str, list[str]]
) -> None:
    url, seen = flaky
    client, _ = loopback_client(flavour, url, retry=RetryPolicy(base=0.01))
    assert await call(client, "get_account_balance") == {"ok": True}
    assert seen == ["/0/private/Balance"] * 3
    await close(client)


@pytest.mark.loopback
async def test_loopback_order_reaches_the_server_once(
    flavour: str, flaky: tuple[str, list[str]]
) -> None:
    url, seen = flaky
    client, _ = loopback_client(flavour, url, retry=RetryPolicy(base=0.01))
    with pytest.raises(KrakenTransportError) as caught:
        await call(client, "submit_order", ORDER)
    assert caught.value.status == 503
    assert seen == ["/0/private/AddOrder"]
    await close(client)


@pytest.mark.loopback
async def test_loopback_connection_refused_is_retried(flavour: str) -> None:
    app, _ = flaky_app(0)
    with LoopbackServer(app) as server:
        url = server.url  # the port is closed once the server has stopped
    clock = TickingClock()
    client, _ = loopback_client(flavour, url, clock=clock)
    with pytest.raises(KrakenTransportError):
        await call(client, "get_account_balance")
    assert len(clock.slept) == 2
    await close(client)


@pytest.mark.loopback
async def test_loopback_stale_nonce_is_healed_once_against_a_strict_nonce_book(
    flavour: str,
) -> None:
    """The stub's own verifier (not our signer) rejects the stale nonce; the retry passes."""
    key = fresh_key()
    secret = base64.b64encode(bytes(range(5, 69))).decode()
    app = spot_stub_app({key: secret})
    base = 1_800_000_000_000_000_000
    handed = iter([base + 100, base + 50, base + 200])

    class Source:
        def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:
            return next(handed)

    with LoopbackServer(app) as server:
        client, _ = loopback_client(
            flavour, server.url, key=key, secret=secret, nonce_source=Source()
        )
        await call(client, "get_account_balance")  # nonce base + 100
        await call(client, "get_account_balance")  # base + 50 refused, then base + 200
        await close(client)
    assert nonce_book(app).history(key) == (base + 100, base + 200)


def loopback_client(
    flavour: str, url: str, *, key: str | None = None, secret: str = API_SECRET, **options: Any
) -> tuple[Client, None]:
    cls = SpotClient if flavour == "sync" else AsyncSpotClient
    client = cls(api_key=key or fresh_key(), api_secret=secret, base_url=url, **options)
    return client, None


async def close(client: Client) -> None:
    if isinstance(client, SpotClient):
        client.close()
    else:
        await client.aclose()

"""The reliability suite (issue 7): faults over real loopback sockets and the fake exchange.

Every loop is bounded in count and time, every server listens on 127.0.0.1 only, and each test
records its figures, printed at the end of the run (``tests/reliability/conftest.py``).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import logging
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kraken
from kraken.adapters.cassette import RecordingTransport
from kraken.clients._sync.websocket import WebsocketClient
from kraken.core.errors import KrakenError
from kraken.core.rest.envelope import parse_binary, parse_envelope, parse_json
from kraken.core.rest.futures_reply import parse_futures
from kraken.core.rest.values import Request, Response
from kraken.core.ws.keys import key_info
from kraken.core.ws.session import WsSession
from kraken.testing import LoopbackServer, nonce_book, spot_stub_app
from kraken.testing.fake import FAKE_API_KEY, FAKE_API_SECRET, FakeKraken
from kraken.testing.memory import MemoryTransport
from kraken.testing.ws_server import LoopbackWsServer
from kraken.testing.ws_stub import KrakenWsStub
from tests.clients.test_nonce_concurrency import hammer_one_key
from tests.clients.test_websocket_client import Recorder, wait_until
from tests.reliability.conftest import FIGURES

pytestmark = pytest.mark.loopback

SECRET = base64.b64encode(bytes(range(3, 67))).decode()
FAST = {"ping_interval": 0.3, "pong_timeout": 0.3}


@pytest.fixture
def stub() -> KrakenWsStub:
    return KrakenWsStub(tokens={"tok-1"})


@pytest.fixture
def server(stub: KrakenWsStub) -> Iterator[LoopbackWsServer]:
    with LoopbackWsServer(stub.handler) as running:
        yield running


def test_1_hundred_forced_drops(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    """100 drops: 100 reconnects, every subscription restored exactly once each time."""
    ws = WebsocketClient(ws_url=server.url + "/v2", **FAST)
    seen = Recorder(ws)
    requests = [
        {"topic": "ticker", "payload": {"symbol": ["BTC/USD"]}},
        {"topic": "book", "payload": {"symbol": ["ETH/USD"], "depth": 25}},
        "instrument",
    ]
    ws.subscribe(requests, "spotPublicV2")
    wait_until(lambda: len(seen.of("response")) == 3)
    started = time.monotonic()
    for n in range(1, 101):
        wait_until(lambda: ws.is_connected("spotPublicV2"))
        stub.inject("drop")
        wait_until(lambda n=n: len(seen.of("reconnected")) == n, timeout=10)
        wait_until(lambda n=n: len(stub.subscriptions) == n + 1 and len(stub.subscriptions[n]) == 3)
    elapsed = time.monotonic() - started
    ws.close_all()
    assert len(seen.of("reconnecting")) == 100
    assert len(seen.of("reconnected")) == 100
    channels = [[s["channel"] for s in subs] for subs in stub.subscriptions]
    assert all(c == ["ticker", "book", "instrument"] for c in channels)
    FIGURES["1. forced drops"] = (
        f"100 drops, 100 reconnects, 101 x 3 subscriptions, {elapsed:.1f} s"
    )


def test_2_silent_server_detected_in_time(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2", **FAST)
    seen = Recorder(ws)
    ws.subscribe("instrument", "spotPublicV2")
    wait_until(lambda: bool(seen.of("response")))
    started = time.monotonic()
    stub.inject("silence")
    wait_until(lambda: any("stale" in e["error"] for e in seen.of("exception")), timeout=5)
    detected = time.monotonic() - started
    wait_until(lambda: bool(seen.of("reconnected")))
    ws.close_all()
    # Detection happens at most ping_interval + pong_timeout after the last message, which is
    # at most one ping interval before the silence began.
    bound = FAST["ping_interval"] * 2 + FAST["pong_timeout"] + 1.0
    assert detected <= bound
    FIGURES["2. silent server"] = f"detected after {detected:.2f} s (bound {bound:.1f} s), replaced"


def test_3_threads_and_tasks_share_one_key_without_nonce_errors() -> None:
    key = f"rel-{uuid.uuid4().hex}"
    app = spot_stub_app({key: SECRET})
    with LoopbackServer(app) as http:
        errors = hammer_one_key(http.url, key, thread_calls=10, secret=SECRET)
        history = nonce_book(app).history(key)
    invalid = [e for e in errors if isinstance(e, kraken.InvalidNonceError)]
    assert errors == []
    assert len(history) == 280
    assert all(b > a for a, b in itertools.pairwise(history))
    FIGURES["3. nonce safety"] = (
        f"8 threads x 10 + 200 tasks: 280 accepted, {len(invalid)} invalid-nonce"
    )


def test_4_starter_burst_with_wait_meets_no_rate_limit() -> None:
    fake = FakeKraken(seed=7, tier="starter")
    client = kraken.SpotClient(
        api_key=FAKE_API_KEY,
        api_secret=FAKE_API_SECRET,
        transport=fake.transport(),
        clock=fake.clock,
        retry=None,
    )
    started = fake.clock.monotonic()
    refused = 0
    for _ in range(100):
        try:
            client.get_account_balance()
        except kraken.RateLimitError:  # pragma: no cover - counted below
            refused += 1
    virtual = fake.clock.monotonic() - started
    assert refused == 0
    FIGURES["4. Starter burst"] = f"100 calls, 0 rate-limit errors, {virtual:.0f} s of virtual time"


def test_5_no_secret_in_logs_errors_reprs_or_cassettes(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = f"leak-{uuid.uuid4().hex}"
    signatures: list[str] = []
    tokens = ["tok-" + uuid.uuid4().hex]

    def handler(request: Request) -> Response:
        if "API-Sign" in request.headers:
            signatures.append(request.headers["API-Sign"])
        if request.url.endswith("GetWebSocketsToken"):
            body = {"error": [], "result": {"token": tokens[0], "expires": 900}}
        else:
            body = {"error": ["EAPI:Invalid signature"]}
        return Response(200, {"content-type": "application/json"}, json.dumps(body).encode())

    cassette = tmp_path / "leak.json"
    recorder = RecordingTransport(MemoryTransport(handler), cassette)
    client = kraken.SpotClient(api_key=key, api_secret=SECRET, transport=recorder, retry=None)
    texts = [repr(client), str(client)]
    client.get_websockets_token()
    try:
        client.get_account_balance()
    except kraken.AuthenticationError as error:
        texts += [str(error), repr(error)]
    recorder.close()
    texts += [caplog.text, cassette.read_text()]
    secrets = [SECRET, key, tokens[0], *signatures]
    leaks = [s for s in secrets for t in texts if s in t]
    assert leaks == []
    FIGURES["5. secrets"] = f"{len(secrets)} secrets x {len(texts)} texts scanned, 0 leaks"


JUNK = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        ),
        max_leaves=12,
    ).map(lambda v: json.dumps(v).encode()),
)


@settings(max_examples=300, deadline=None)
@given(body=JUNK, status=st.sampled_from([200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503]))
def test_6_parsers_fed_junk_raise_only_sdk_errors(body: bytes, status: int) -> None:
    response = Response(status, {"content-type": "application/json"}, body)
    for parse in (parse_envelope, parse_json, parse_binary, parse_futures):
        with contextlib.suppress(KrakenError):  # anything else fails the test
            parse(response)
    FIGURES["6a. junk replies"] = "4 REST parsers x 300 junk bodies x 11 statuses: only SDK errors"


@settings(max_examples=300, deadline=None)
@given(
    frames=st.lists(
        st.one_of(st.text(max_size=80), JUNK.map(lambda b: b.decode("utf-8", "replace"))),
        max_size=20,
    )
)
def test_6_a_ws_session_fed_junk_keeps_running(frames: list[str]) -> None:
    for key in ("spotPublicV2", "derivativesPublicV1"):
        session = WsSession(key_info(key), random_unit=lambda: 0.5)
        session.start(0.0)
        session.opened(0.0)
        for frame in frames:
            session.text_received(frame, 1.0)
        assert session.is_connected
    FIGURES["6b. junk frames"] = "2 WS dialects x 300 junk frame lists: sessions keep running"


def test_7_token_invalidated_mid_stream(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    issued: list[str] = []

    def handler(request: Request) -> Response:
        token = f"tok-r{len(issued)}"
        issued.append(token)
        stub.tokens.add(token)
        return Response(
            200, {}, json.dumps({"error": [], "result": {"token": token, "expires": 900}}).encode()
        )

    rest = kraken.SpotClient(
        api_key="rel-key", api_secret=SECRET, transport=MemoryTransport(handler)
    )
    ws = WebsocketClient(
        api_key="rel-key", api_secret=SECRET, ws_url=server.url + "/v2", rest_client=rest, **FAST
    )
    seen = Recorder(ws)
    ws.subscribe(["executions", "balances"], "spotPrivateV2")
    wait_until(lambda: len(seen.of("response")) == 2)
    stub.inject("invalidate_tokens")
    stub.inject("drop")
    wait_until(
        lambda: (
            len(stub.subscriptions) >= 2
            and [s["channel"] for s in stub.subscriptions[-1]] == ["executions", "balances"]
        )
    )
    ws.close_all()
    assert len(issued) == 2
    FIGURES["7. token invalidation"] = (
        "refreshed once, both private subscriptions restored, no user action"
    )


def test_decimal_precision_survives_the_wire(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    ws = WebsocketClient(ws_url=server.url + "/v2")
    seen = Recorder(ws)
    ws.subscribe("instrument", "spotPublicV2")
    wait_until(lambda: bool(seen.of("response")))
    stub.push_text('{"channel":"ticker","type":"update","data":[{"bid":0.10000000}]}')
    wait_until(lambda: any(m.get("channel") == "ticker" for m in seen.of("message")))
    ws.close_all()
    bid = next(m for m in seen.of("message") if m.get("channel") == "ticker")["data"][0]["bid"]
    assert bid == Decimal("0.10000000")
    assert str(bid) == "0.10000000"

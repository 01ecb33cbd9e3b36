"""The sans-I/O core on its own: determinism, time, paths, fault parsing, the checksum vector."""

from __future__ import annotations

import json

import pytest

from kraken.core.rest.values import Request
from kraken.testing.fake import (
    FAKE_API_KEY,
    FAKE_API_SECRET,
    FakeKraken,
    UnknownWsPath,
    VirtualClock,
    WsSend,
)
from kraken.testing.fake.checksum import book_checksum
from kraken.testing.fake.clock import DEFAULT_START
from kraken.testing.fake.faults import FaultPlan
from tests.book_vectors import V5_ASKS, V5_BIDS, V5_CHECKSUM

from .helpers import ReferenceBook, decode, envelope, signed_spot

T0 = DEFAULT_START


def _frames(fake: FakeKraken, conn: int, seconds: float) -> list[str]:
    """Tick the exchange every 0.05 s for ``seconds`` and collect one connection's frames."""
    texts: list[str] = []
    for step in range(1, int(seconds / 0.05) + 1):
        for output in fake.ws_tick(T0 + step * 0.05).get(conn, []):
            assert isinstance(output, WsSend)
            texts.append(output.text)
    return texts


def _book_session(seed: int) -> list[str]:
    fake = FakeKraken(seed=seed)
    conn, first = fake.ws_open("/v2", T0)
    request = {"method": "subscribe", "params": {"channel": "book", "symbol": ["BTC/USD"]}}
    replies = fake.ws_receive(conn, json.dumps(request), T0)
    texts = [o.text for o in [*first, *replies] if isinstance(o, WsSend)]
    return texts + _frames(fake, conn, 5.0)


def test_same_seed_same_frames_other_seed_other_book() -> None:
    one, two = _book_session(7), _book_session(7)
    assert one == two
    assert len(one) > 10
    # the status frame carries a connection id drawn from the seed too, so compare books only
    other = _book_session(8)
    assert [t for t in one if '"book"' in t] != [t for t in other if '"book"' in t]


def test_every_book_checksum_matches_an_independent_crc() -> None:
    texts = [t for t in _book_session(3) if decode(t).get("channel") == "book"]
    book = ReferenceBook(depth=10)
    for text in texts:
        mine, sent = book.apply(decode(text))
        assert mine == sent
    assert len(texts) >= 15


def test_fake_checksum_reproduces_kraken_official_vector() -> None:
    assert book_checksum(V5_ASKS, V5_BIDS) == V5_CHECKSUM


def test_market_moves_only_when_time_passes() -> None:
    fake = FakeKraken(seed=1)
    fake.ws_tick(T0)
    before = fake.book("BTC/USD")
    fake.ws_tick(T0 + 0.2)  # less than one step
    assert fake.book("BTC/USD") == before
    fake.ws_tick(T0 + 10)
    assert fake.book("BTC/USD") != before


def test_a_long_pause_is_bounded() -> None:
    fake = FakeKraken(seed=1)
    fake.ws_tick(T0)
    fake.ws_tick(T0 + 30 * 24 * 3600)  # a month later: catch-up is capped, not 10 million steps
    book = fake.book("BTC/USD")
    assert len(book["bids"]) == 10
    assert book["bids"][0][0] < book["asks"][0][0]


def test_book_never_crosses_over_many_steps() -> None:
    fake = FakeKraken(seed=11, step_interval=0.01)
    for second in range(1, 40):
        fake.ws_tick(T0 + second)
        book = fake.book("ETH/USD", 1)
        assert float(book["bids"][0][0]) < float(book["asks"][0][0])


def test_unknown_ws_path_is_refused() -> None:
    fake = FakeKraken()
    with pytest.raises(UnknownWsPath):
        fake.ws_open("/v3", T0)
    for path in ("/v2", "/v2/", "/v2-auth", "/ws/v1"):
        conn, _ = fake.ws_open(path, T0)
        fake.ws_close(conn)
    assert fake.connections == 0


def test_unknown_rest_path_is_404() -> None:
    fake = FakeKraken()
    response = fake.handle_rest(Request("GET", "https://api.kraken.com/nothing"), T0)
    assert response.status == 404
    response = fake.handle_rest(Request("GET", "https://api.kraken.com/0/public/Nope"), T0)
    assert response.status == 404
    assert envelope(response) == {"error": ["EGeneral:Unknown method"]}


def test_default_clock_is_virtual_and_now_reads_it() -> None:
    fake = FakeKraken()
    assert isinstance(fake.clock, VirtualClock)
    assert fake.now() == T0
    fake.clock.advance(2.5)  # type: ignore[attr-defined]
    assert fake.now() == T0 + 2.5
    assert "seed=0" in repr(fake)


def test_virtual_clock_only_moves_forward() -> None:
    clock = VirtualClock(100.0)
    clock.sleep(1.5)
    assert clock.time() == 101.5
    assert clock.monotonic() == 1.5
    assert clock.time_ns() == 101_500_000_000
    clock.advance_to(50.0)
    assert clock.time() == 101.5
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


@pytest.mark.parametrize(
    "kind",
    ["http500", "http429", "http:503", "rate_limit", "throttled", "throttled:5", "malformed",
     "html", "html:200", "slow:0.5"],
)  # fmt: skip
def test_rest_fault_kinds_parse(kind: str) -> None:
    plan = FaultPlan()
    plan.next_rest(kind)
    assert plan.pending == 1


@pytest.mark.parametrize("kind", ["http", "slow", "slow:x", "html:99", "boom", "http:700"])
def test_bad_rest_fault_kinds_are_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="REST fault"):
        FaultPlan().next_rest(kind)


@pytest.mark.parametrize("kind", ["close", "close:99", "close:abc", "drop:1", "explode"])
def test_bad_ws_fault_kinds_are_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="WebSocket fault"):
        FaultPlan().ws(kind)


def test_rest_faults_are_served_in_order_and_only_where_they_match() -> None:
    fake = FakeKraken()
    fake.faults.next_rest("rate_limit", 2, match="/0/public/Ticker")
    time_url = "https://api.kraken.com/0/public/Time"
    ticker_url = "https://api.kraken.com/0/public/Ticker?pair=XBTUSD"
    assert envelope(fake.handle_rest(Request("GET", time_url), T0))["error"] == []
    for _ in range(2):
        reply = envelope(fake.handle_rest(Request("GET", ticker_url), T0))
        assert reply == {"error": ["EAPI:Rate limit exceeded"]}
    assert envelope(fake.handle_rest(Request("GET", ticker_url), T0))["error"] == []
    assert fake.faults.served == [
        ("rate_limit", "/0/public/Ticker"),
        ("rate_limit", "/0/public/Ticker"),
    ]
    assert fake.faults.pending == 0


def test_a_faulted_request_is_not_processed() -> None:
    fake = FakeKraken()
    fake.faults.next_rest("http500")
    request = signed_spot("Balance", FAKE_API_KEY, FAKE_API_SECRET, 5)
    assert fake.handle_rest(request, T0).status == 500
    assert fake.nonces(FAKE_API_KEY) == ()  # the nonce was not consumed
    assert envelope(fake.handle_rest(request, T0))["error"] == []
    assert fake.nonces(FAKE_API_KEY) == (5,)


def test_slow_reply_reports_its_delay() -> None:
    fake = FakeKraken()
    fake.faults.next_rest("slow:2.5")
    reply = fake.rest_reply(Request("GET", "https://api.kraken.com/0/public/Time"), T0)
    assert reply.delay == 2.5
    assert envelope(reply.response)["result"]["unixtime"] == int(T0)


def test_bad_keys_and_tiers_are_refused() -> None:
    with pytest.raises(ValueError, match="not base64"):
        FakeKraken(keys={"k": "***"})
    with pytest.raises(ValueError, match="futures key"):
        FakeKraken(futures_keys={"k": "***"})
    with pytest.raises(ValueError, match="tier"):
        FakeKraken(tier="gold")


def test_repr_never_shows_secrets() -> None:
    fake = FakeKraken()
    text = repr(fake) + repr(fake.faults)
    assert FAKE_API_SECRET not in text

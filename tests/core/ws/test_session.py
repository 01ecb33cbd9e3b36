"""WsSession on a fake clock, no sockets: auth, acks, heartbeats, liveness, reconnect, resubscribe."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.ws.actions import (
    Action,
    CloseSocket,
    Connect,
    Emit,
    FetchToken,
    SendPing,
    SendText,
    SignChallenge,
    Stopped,
)
from kraken.core.ws.keys import WS_KEY_MAP, key_info
from kraken.core.ws.session import SessionState, WsSession, WsSettings


class Harness:
    """Drives one session like a client pump would, with a fake clock."""

    def __init__(self, key: str, random_value: float = 0.5, **settings: Any) -> None:
        self.now = 1000.0
        self.session = WsSession(
            key_info(key),
            settings=WsSettings(**settings),
            random_unit=lambda: random_value,
            api_key="pub-key",
        )
        self.actions: list[Action] = []

    def run(self, actions: list[Action]) -> list[Action]:
        self.actions += actions
        return actions

    def advance(self, seconds: float) -> list[Action]:
        self.now += seconds
        return self.run(self.session.tick(self.now))

    def sent(self, actions: list[Action] | None = None) -> list[dict[str, Any]]:
        return [
            json.loads(a.text)
            for a in (actions if actions is not None else self.actions)
            if isinstance(a, SendText)
        ]

    def events(self, name: str, actions: list[Action] | None = None) -> list[Any]:
        return [
            a.data
            for a in (actions if actions is not None else self.actions)
            if isinstance(a, Emit) and a.event == name
        ]

    def open(self) -> list[Action]:
        return self.run(self.session.opened(self.now))

    def receive(self, message: Any) -> list[Action]:
        text = message if isinstance(message, str) else json.dumps(message)
        return self.run(self.session.text_received(text, self.now))

    def drop(self, code: int = 1006) -> list[Action]:
        return self.run(self.session.closed(code, "dropped", self.now))


def ack(
    req_id: int,
    symbol: str = "BTC/USD",
    channel: str = "ticker",
    success: bool = True,
    error: str = "",
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "method": "subscribe",
        "req_id": req_id,
        "success": success,
        "time_in": "t",
        "time_out": "t",
    }
    if success:
        message["result"] = {"channel": channel, "symbol": symbol}
    else:
        message["error"] = error
    return message


def test_public_subscribe_connects_lazily_then_subscribes_on_open() -> None:
    h = Harness("spotPublicV2")
    actions = h.run(
        h.session.subscribe({"topic": "ticker", "payload": {"symbol": ["BTC/USD"]}}, h.now)
    )
    assert actions == [Connect("wss://ws.kraken.com/v2")]
    opened = h.open()
    assert h.events("open", opened) == [{"wsKey": "spotPublicV2", "url": "wss://ws.kraken.com/v2"}]
    [frame] = h.sent(opened)
    assert frame == {
        "method": "subscribe",
        "params": {"channel": "ticker", "symbol": ["BTC/USD"]},
        "req_id": 1,
    }
    assert "token" not in frame["params"]
    assert h.events("response", h.receive(ack(1)))[0]["success"] is True


def test_push_messages_keep_exact_decimals_and_heartbeats_are_internal() -> None:
    h = Harness("spotPublicV2")
    h.run(h.session.subscribe("instrument", h.now))
    h.open()
    text = '{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":45283.50000,"connection_id":13834774380200032777}]}'
    [message] = h.events("message", h.receive(text))
    assert message["data"][0]["bid"] == Decimal("45283.50000")
    assert str(message["data"][0]["bid"]) == "45283.50000"
    assert message["data"][0]["connection_id"] == 13834774380200032777
    assert message["wsKey"] == "spotPublicV2"
    assert h.receive({"channel": "heartbeat"}) == []
    assert h.receive({"method": "pong", "req_id": 9}) == []


def test_malformed_frames_become_exception_events_and_the_session_keeps_running() -> None:
    h = Harness("spotPublicV2")
    h.run(h.session.subscribe("instrument", h.now))
    h.open()
    [error] = h.events("exception", h.receive("{not json"))
    assert error["raw"] == "{not json"
    assert h.session.state is SessionState.OPEN
    assert h.events("message", h.receive({"channel": "status", "data": [{"system": "online"}]}))


def test_unknown_topics_and_keys_fail_before_connecting() -> None:
    h = Harness("spotPublicV2")
    with pytest.raises(
        KrakenUsageError, match="valid topics: ticker, book, ohlc, trade, instrument"
    ):
        h.session.subscribe("executions", h.now)
    with pytest.raises(KrakenUsageError, match="sets token itself"):
        h.session.subscribe({"topic": "book", "payload": {"token": "x"}}, h.now)
    with pytest.raises(KrakenUsageError, match="valid keys: spotPublicV2"):
        key_info("spotPublic")
    assert h.actions == []
    assert h.session.state is SessionState.IDLE


def test_duplicate_subscriptions_are_sent_once() -> None:
    h = Harness("spotPublicV2")
    request = {"topic": "book", "payload": {"symbol": ["BTC/USD"], "depth": 10}}
    h.run(h.session.subscribe(request, h.now))
    h.open()
    assert h.run(h.session.subscribe(request, h.now)) == []
    assert len(h.sent()) == 1


def test_reconnect_restores_every_subscription_once_in_order() -> None:
    h = Harness("spotPublicV2")
    requests = [
        {"topic": "ticker", "payload": {"symbol": ["BTC/USD"]}},
        {"topic": "book", "payload": {"symbol": ["ETH/USD"], "depth": 25}},
        "instrument",
    ]
    h.run(h.session.subscribe(requests, h.now))
    h.open()
    first = [f["params"]["channel"] for f in h.sent()]
    for round_ in range(100):
        h.actions.clear()
        dropped = h.drop()
        [event] = h.events("reconnecting", dropped)
        assert event["attempt"] == 1
        assert h.session.state is SessionState.BACKOFF
        wake = h.session.next_wakeup()
        assert wake is not None
        assert wake - h.now <= h.session.settings.fast_jitter
        assert h.advance(wake - h.now) == [Connect("wss://ws.kraken.com/v2")]
        opened = h.open()
        assert h.events("reconnected", opened)[0]["attempt"] == 1
        assert [f["params"]["channel"] for f in h.sent(opened)] == first, round_
    assert h.session.state is SessionState.OPEN


def test_backoff_grows_with_full_jitter_after_fast_attempts() -> None:
    h = Harness(
        "spotPublicV2", random_value=0.999, fast_reconnects=2, backoff_base=0.5, backoff_cap=4.0
    )
    h.run(h.session.start(h.now))
    h.open()
    h.drop()
    delays = []
    for _ in range(7):
        wake = h.session.next_wakeup()
        assert wake is not None
        delays.append(wake - h.now)
        h.advance(wake - h.now)
        h.run(h.session.connect_failed("refused", h.now))
    assert delays[:2] == pytest.approx([0.999 * 0.05] * 2)  # near-instant first attempts
    # Full jitter: delay = U x min(cap, base * 2**n), here with U = 0.999.
    assert delays[2:] == pytest.approx([0.999 * min(4.0, 0.5 * 2**n) for n in range(5)])
    assert delays[-1] < 4.0


def test_a_silent_server_is_detected_within_ping_interval_plus_pong_timeout() -> None:
    h = Harness("spotPublicV2", ping_interval=10.0, pong_timeout=5.0)
    h.run(h.session.subscribe("instrument", h.now))
    h.open()
    pings = h.advance(10.0)
    assert h.sent(pings) == [{"method": "ping", "req_id": 2}]
    assert h.advance(4.9) == []
    stale = h.advance(0.1)
    assert CloseSocket(4000, "liveness timeout") in stale
    assert h.events("exception", stale)
    assert h.events("reconnecting", h.drop(4000))


def test_messages_keep_the_connection_alive() -> None:
    h = Harness("spotPublicV2", ping_interval=10.0, pong_timeout=5.0)
    h.run(h.session.subscribe("instrument", h.now))
    h.open()
    for _ in range(10):
        h.advance(9.0)
        h.receive({"channel": "heartbeat"})
    assert h.session.state is SessionState.OPEN


def test_futures_uses_protocol_pings() -> None:
    h = Harness("derivativesPublicV1", ping_interval=30.0)
    h.run(
        h.session.subscribe({"topic": "ticker", "payload": {"product_ids": ["PI_XBTUSD"]}}, h.now)
    )
    opened = h.open()
    assert h.sent(opened) == [
        {"event": "subscribe", "feed": "ticker", "product_ids": ["PI_XBTUSD"]}
    ]
    assert SendPing() in h.advance(30.0)
    h.run(h.session.pong_received(h.now))
    assert h.advance(20.0) == []


def test_spot_private_waits_for_a_token_then_sends_it_in_each_request() -> None:
    h = Harness("spotPrivateV2")
    h.run(
        h.session.subscribe(
            [{"topic": "executions", "payload": {"snap_orders": True}}, "balances"], h.now
        )
    )
    opened = h.open()
    assert FetchToken() in opened
    assert h.sent(opened) == []
    ready = h.run(h.session.token_received("tok-1", h.now))
    assert h.events("authenticated", ready) == [{"wsKey": "spotPrivateV2"}]
    frames = h.sent(ready)
    assert [f["params"]["channel"] for f in frames] == ["executions", "balances"]
    assert all(f["params"]["token"] == "tok-1" for f in frames)


def test_token_is_refreshed_before_it_goes_stale_and_reused_on_quick_reconnects() -> None:
    h = Harness(
        "spotPrivateV2", token_refresh_after=450.0, ping_interval=1000.0, pong_timeout=1000.0
    )
    h.run(h.session.subscribe("balances", h.now))
    h.open()
    h.run(h.session.token_received("tok-1", h.now))
    h.drop()
    h.advance(1.0)
    reopened = h.open()
    assert FetchToken() not in reopened  # still fresh: reused
    assert h.sent(reopened)[0]["params"]["token"] == "tok-1"
    assert FetchToken() in h.advance(450.0)


def test_invalid_token_refreshes_and_resends_only_what_was_refused() -> None:
    h = Harness("spotPrivateV2")
    h.run(h.session.subscribe(["executions", "balances"], h.now))
    h.open()
    sent = h.sent(h.run(h.session.token_received("tok-1", h.now)))
    executions_req = sent[0]["req_id"]
    refused = h.receive(
        ack(executions_req, channel="executions", success=False, error="EAPI:Invalid token")
    )
    assert FetchToken() in refused
    assert h.events("exception", refused)
    resent = h.sent(h.run(h.session.token_received("tok-2", h.now)))
    assert [(f["params"]["channel"], f["params"]["token"]) for f in resent] == [
        ("executions", "tok-2")
    ]


def test_token_fetch_failure_replaces_the_connection() -> None:
    h = Harness("spotPrivateV2")
    h.run(h.session.subscribe("balances", h.now))
    h.open()
    failed = h.run(h.session.token_failed("EAPI:Invalid key", h.now))
    assert CloseSocket(1011, "token fetch failed") in failed
    assert h.events("reconnecting", h.drop(1011))


def test_futures_private_signs_the_challenge_then_subscribes() -> None:
    h = Harness("derivativesPrivateV1")
    h.run(h.session.subscribe("open_orders", h.now))
    opened = h.open()
    assert h.sent(opened) == [{"event": "challenge", "api_key": "pub-key"}]
    asked = h.receive({"event": "challenge", "message": "c100b894-1729-464d-ace1-52dbce11db42"})
    assert asked == [SignChallenge("c100b894-1729-464d-ace1-52dbce11db42")]
    ready = h.run(
        h.session.challenge_signed("c100b894-1729-464d-ace1-52dbce11db42", "SIGNED==", h.now)
    )
    assert h.events("authenticated", ready)
    assert h.sent(ready) == [
        {
            "event": "subscribe",
            "feed": "open_orders",
            "api_key": "pub-key",
            "original_challenge": "c100b894-1729-464d-ace1-52dbce11db42",
            "signed_challenge": "SIGNED==",
        }
    ]
    # A reconnect redoes the challenge: the old one is not reused.
    h.drop()
    h.advance(1.0)
    assert h.sent(h.open()) == [{"event": "challenge", "api_key": "pub-key"}]


def test_close_1008_is_terminal() -> None:
    h = Harness("spotPublicV2")
    h.run(h.session.subscribe("instrument", h.now))
    h.open()
    closed = h.drop(1008)
    assert Stopped() in closed
    assert h.events("close", closed)[0]["code"] == 1008
    assert h.session.state is SessionState.STOPPED
    assert h.advance(100.0) == []


def test_terminal_upgrade_statuses_stop_retrying() -> None:
    h = Harness("spotPublicV2")
    h.run(h.session.start(h.now))
    assert Stopped() in h.run(h.session.connect_failed("HTTP 401", h.now, status=401))


def test_closing_on_purpose_emits_close_and_never_reconnects() -> None:
    h = Harness("spotPublicV2")
    h.run(h.session.subscribe("instrument", h.now))
    h.open()
    assert h.run(h.session.close(h.now)) == [CloseSocket(1000, "client closed")]
    closed = h.drop(1000)
    assert h.events("close", closed) == [
        {"wsKey": "spotPublicV2", "code": 1000, "reason": "dropped"}
    ]
    assert not h.events("reconnecting", closed)
    assert Stopped() in closed


def test_refused_subscriptions_are_not_replayed() -> None:
    h = Harness("spotPublicV2")
    h.run(
        h.session.subscribe(
            [{"topic": "ticker", "payload": {"symbol": ["XBT/USD"]}}, "instrument"], h.now
        )
    )
    frames = h.sent(h.open())
    h.receive(ack(frames[0]["req_id"], success=False, error="Currency pair not supported XBT/USD"))
    h.drop()
    h.advance(1.0)
    assert [f["params"]["channel"] for f in h.sent(h.open())] == ["instrument"]


def test_unsubscribe_echoes_keying_params_and_forgets() -> None:
    h = Harness("spotPublicV2")
    request = {"topic": "book", "payload": {"symbol": ["BTC/USD"], "depth": 25, "snapshot": True}}
    h.run(h.session.subscribe(request, h.now))
    h.open()
    [frame] = h.sent(h.run(h.session.unsubscribe(request, h.now)))
    assert frame["params"] == {"channel": "book", "symbol": ["BTC/USD"], "depth": 25}
    assert h.session.topics == []


def test_connect_budget_defers_connects() -> None:
    h = Harness("spotPublicV2", connect_budget=3, connect_window=600.0, fast_reconnects=10)
    h.run(h.session.start(h.now))
    for _ in range(2):
        h.open()
        h.drop()
        h.advance(1.0)
    h.open()
    h.drop()
    assert h.advance(1.0) == []  # a 4th connect would exceed 3 per 600 s
    wake = h.session.next_wakeup()
    assert wake == pytest.approx(1000.0 + 600.0)
    assert h.advance(wake - h.now) == [Connect("wss://ws.kraken.com/v2")]


def test_unified_private_uses_spot_tokens() -> None:
    h = Harness(WS_KEY_MAP.unifiedPrivateV2)
    h.run(
        h.session.subscribe(
            {"topic": "executions", "payload": {"asset_class": "derivatives"}}, h.now
        )
    )
    assert h.actions == [Connect("wss://uws.kraken.com/v2/private")]
    assert FetchToken() in h.open()
    frames = h.sent(h.run(h.session.token_received("tok", h.now)))
    assert frames[0]["params"] == {
        "channel": "executions",
        "asset_class": "derivatives",
        "token": "tok",
    }


EVENTS = st.lists(
    st.sampled_from(["drop", "tick", "ack", "msg", "garbage", "subscribe"]), max_size=60
)


@settings(max_examples=60, deadline=None)
@given(EVENTS)
def test_never_a_duplicate_subscription_within_one_connection(events: list[str]) -> None:
    h = Harness("spotPublicV2", fast_reconnects=100)
    symbols = iter(f"S{i}/USD" for i in range(1000))
    h.run(h.session.subscribe({"topic": "ticker", "payload": {"symbol": [next(symbols)]}}, h.now))
    h.open()
    per_connection: list[str] = [json.dumps(f["params"], sort_keys=True) for f in h.sent()]
    for event in events:
        if event == "drop" and h.session.state is SessionState.OPEN:
            h.drop()
            h.advance(1.0)
            h.actions.clear()
            per_connection = []
            opened = h.open()
            per_connection += [json.dumps(f["params"], sort_keys=True) for f in h.sent(opened)]
            assert len(per_connection) == len(h.session.topics)
        elif event == "tick":
            h.advance(1.0)
        elif event == "ack":
            h.receive(ack(h.session._req_id))
        elif event == "msg":
            h.receive({"channel": "ticker", "type": "update", "data": []})
        elif event == "garbage":
            h.receive("][")
        elif event == "subscribe" and h.session.state is SessionState.OPEN:
            new = h.run(
                h.session.subscribe(
                    {"topic": "ticker", "payload": {"symbol": [next(symbols)]}}, h.now
                )
            )
            per_connection += [json.dumps(f["params"], sort_keys=True) for f in h.sent(new)]
        subs = [p for p in per_connection if '"channel":"ticker"' in p]
        assert len(subs) == len(set(subs))


def test_one_invalidation_costs_one_token_fetch() -> None:
    h = Harness("spotPrivateV2")
    h.run(h.session.subscribe(["executions", "balances"], h.now))
    h.open()
    sent = h.sent(h.run(h.session.token_received("tok-1", h.now)))
    first, second = (f["req_id"] for f in sent)
    assert FetchToken() in h.receive(ack(first, success=False, error="EAPI:Invalid token"))
    resent = h.sent(h.run(h.session.token_received("tok-2", h.now)))
    # The second refusal was for a request that carried tok-1: resend with tok-2, no new fetch.
    late = h.receive(ack(second, success=False, error="EAPI:Invalid token"))
    assert FetchToken() not in late
    assert [f["params"]["token"] for f in resent + h.sent(late)] == ["tok-2", "tok-2"]


def test_trading_requests_carry_exact_numbers_and_the_token() -> None:
    h = Harness("spotPrivateV2")
    h.run(h.session.start(h.now))
    h.open()
    h.run(h.session.token_received("tok", h.now))
    req_id, actions = h.session.request(
        "add_order",
        {
            "order_type": "limit",
            "order_qty": Decimal("0.10"),
            "limit_price": 37500.5,
            "cl_ord_id": None,
        },
        h.now,
    )
    [action] = actions
    assert isinstance(action, SendText)
    assert action.text == (
        '{"method":"add_order","params":{"order_type":"limit","order_qty":0.10,"limit_price":37500.5,'
        f'"token":"tok"}},"req_id":{req_id}}}'
    )


def test_requests_need_an_authenticated_v2_connection() -> None:
    h = Harness("spotPrivateV2")
    with pytest.raises(KrakenUsageError, match="not connected"):
        h.session.request("add_order", {}, h.now)
    futures = Harness("derivativesPrivateV1")
    with pytest.raises(KrakenUsageError, match="does not take"):
        futures.session.request("add_order", {}, futures.now)

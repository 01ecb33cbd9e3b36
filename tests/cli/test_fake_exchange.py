"""``kraken fake-exchange`` as a process, and the other commands against it; ``kraken demo``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import kraken.demo as demo_module
from kraken.adapters.clock import SystemClock
from kraken.testing.fake import FAKE_API_KEY, FAKE_API_SECRET, FakeKraken, FakeKrakenServer
from tests.cli.helpers import kraken

pytestmark = pytest.mark.loopback

FAKE_ENV = {"KRAKEN_API_KEY": FAKE_API_KEY, "KRAKEN_API_SECRET": FAKE_API_SECRET}


@pytest.fixture(scope="module")
def exchange() -> Iterator[dict[str, Any]]:
    """``kraken fake-exchange --json`` in its own process; its first line says where it is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KRAKEN_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kraken.cli", "fake-exchange", "--json", "--duration", "120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        info = json.loads(line)
        info["process"] = process
        yield info
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def test_it_announces_every_url_and_its_demo_keys(exchange: dict[str, Any]) -> None:
    assert exchange["rest"].startswith("http://127.0.0.1:")
    port = exchange["rest"].rsplit(":", 1)[1]
    assert exchange["spot_ws_public"] == f"ws://127.0.0.1:{port}/v2"
    assert exchange["spot_ws_private"] == f"ws://127.0.0.1:{port}/v2-auth"
    assert exchange["futures_ws"] == f"ws://127.0.0.1:{port}/ws/v1"
    assert exchange["spot_api_key"] == FAKE_API_KEY


def test_call_against_the_fake_exchange(exchange: dict[str, Any]) -> None:
    run = kraken(
        "call",
        "spot",
        "get_account_balance",
        "--base-url",
        exchange["rest"],
        "--json",
        env=FAKE_ENV,
    )
    assert run.code == 0, run.err
    assert run.json()["ZUSD"].startswith("100000")
    run.assert_no_secrets(FAKE_API_SECRET)


def test_book_against_the_fake_exchange_verifies_its_checksums(exchange: dict[str, Any]) -> None:
    run = kraken(
        "book",
        "ETH/USD",
        "--depth",
        "25",
        "--ws-url",
        exchange["spot_ws_public"],
        "--updates",
        "3",
        "--json",
    )
    assert run.code == 0, run.err
    book = run.json()
    assert book["state"] == "synced"
    assert book["updates"] == 3
    assert book["depth"] == 25
    assert book["resyncs"] == 0
    best_bid, best_ask = book["bids"][0][0], book["asks"][0][0]
    assert float(best_bid) < float(best_ask)


def test_private_stream_fetches_its_token_from_the_given_rest_host(
    exchange: dict[str, Any],
) -> None:
    run = kraken(
        "stream",
        "balances",
        "--key",
        "spotPrivateV2",
        "--ws-url",
        exchange["spot_ws_private"],
        "--base-url",
        exchange["rest"],
        "--count",
        "1",
        "--json",
        env=FAKE_ENV,
    )
    assert run.code == 0, run.err
    message = json.loads(run.out)
    assert message["channel"] == "balances"
    run.assert_no_secrets(FAKE_API_SECRET)
    # On loopback the token comes from the same host and port when --base-url is not given.
    run = kraken(
        "stream",
        "executions",
        "--key",
        "spotPrivateV2",
        "--ws-url",
        exchange["spot_ws_private"],
        "--count",
        "1",
        "--json",
        env=FAKE_ENV,
    )
    assert run.code == 0, run.err
    assert json.loads(run.out)["channel"] == "executions"


def test_sigint_stops_it_with_exit_code_0(exchange: dict[str, Any]) -> None:
    process: subprocess.Popen[str] = exchange["process"]
    process.send_signal(signal.SIGINT)
    assert process.wait(15) == 0
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_duration_bounds_a_run() -> None:
    run = kraken("fake-exchange", "--duration", "0.2")
    assert run.code == 0, run.err
    assert "Fake Kraken exchange on 127.0.0.1" in run.out
    assert "kraken call spot get_ticker pair=XBTUSD --base-url http://127.0.0.1:" in run.out


def test_demo_runs_the_offline_demo_and_passes_its_exit_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The demo itself runs in tests/test_demo.py; here only the wiring is checked: the command
    # runs it and passes its code.
    calls: list[str] = []

    def fake_main() -> int:
        calls.append("demo")
        return 7

    monkeypatch.setattr(demo_module, "main", fake_main)
    assert kraken("demo").code == 7
    assert calls == ["demo"]


def test_book_recovers_from_a_bad_checksum_on_the_fake_exchange() -> None:
    fake = FakeKraken(clock=SystemClock(), step_interval=0.05)
    fake.faults.ws("bad_checksum")  # the next book message (the snapshot) carries a wrong CRC
    with FakeKrakenServer(fake) as server:
        run = kraken(
            "book", "BTC/USD", "--ws-url", server.ws_url + "/v2", "--updates", "3", "--json"
        )
    assert run.code == 0, run.err
    book = run.json()
    assert book["resyncs"] == 1
    assert book["state"] == "synced"
    assert "checksum mismatch on BTC/USD: resubscribing" in run.err

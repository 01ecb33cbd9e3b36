"""Every example in examples/ runs to completion against the fake exchange, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kraken.adapters.clock import SystemClock
from kraken.testing.fake import FAKE_API_SECRET, FakeKraken, FakeKrakenServer

pytestmark = pytest.mark.loopback

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TIMEOUT = 90  # seconds per example; they take one or two on this machine
# What each example must print when it worked (its own checks raise otherwise).
EXPECTED = {
    "spot_market_data.py": "ticker update: BTC/USD",
    "place_and_cancel.py": "second cancel refused: OrderRejectedError",
    "private_stream_reconnect.py": "done: every subscription came back after the drop",
    "ws_trading.py": "cancel_all: 2 orders",
    "futures.py": "refused inside a success: postWouldExecute",
    "custom_signer.py": "the signing service signed 2 requests",
    "offline_bot_test.py": "all 5 tests passed",
}
# Examples that need the exchange in their own process (they inject faults or run in memory).
SELF_HOSTED = {"private_stream_reconnect.py", "offline_bot_test.py"}


def _run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KRAKEN_")}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
    )


def test_every_example_is_listed() -> None:
    assert {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_on_its_own_fake_exchange(name: str) -> None:
    result = _run(name)
    assert result.returncode == 0, result.stderr[-3000:]
    assert EXPECTED[name] in result.stdout, result.stdout[-3000:]
    assert "Traceback" not in result.stderr
    assert FAKE_API_SECRET not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def exchange_url() -> Iterator[str]:
    with FakeKrakenServer(FakeKraken(clock=SystemClock(), step_interval=0.05)) as server:
        yield server.url


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - SELF_HOSTED))
def test_example_runs_against_a_given_url(name: str, exchange_url: str) -> None:
    result = _run(name, exchange_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert EXPECTED[name] in result.stdout
    assert "(fake Kraken exchange on" not in result.stdout  # it used ours, started none

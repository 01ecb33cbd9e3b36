"""docs/testing-offline.md's examples run as written; ``python -m kraken.testing.fake`` serves."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from kraken import SpotClient
from kraken.testing.fake import FAKE_API_KEY, FAKE_API_SECRET, FakeKraken

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "testing-offline.md"
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)


def test_the_guide_has_examples() -> None:
    assert len(BLOCKS) >= 7


@pytest.mark.loopback
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_guide_example_runs(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"__name__": f"guide_example_{index}"}
    exec(compile(BLOCKS[index], f"{GUIDE.name}[{index}]", "exec"), namespace)  # noqa: S102
    # The pytest example defines a test; run it the way pytest would.
    test = namespace.get("test_resting_order_fills_eventually")
    if test is not None:
        fake = FakeKraken(seed=1)
        client = SpotClient(api_key=FAKE_API_KEY, api_secret=FAKE_API_SECRET,
                            transport=fake.transport(), clock=fake.clock)  # fmt: skip
        test(fake, client)
    assert FAKE_API_SECRET not in capsys.readouterr().out


@pytest.mark.loopback
def test_command_line_serves_until_terminated() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kraken.testing.fake", "--json", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(30)
        assert lines, "the server printed nothing"
        info = json.loads(lines[0])
        assert info["spot_ws_public"].startswith("ws://127.0.0.1:")
        assert info["spot_api_key"] == FAKE_API_KEY
        reply = httpx.get(info["rest"] + "/0/public/Time", timeout=5)
        assert reply.json()["error"] == []
        with SpotClient(api_key=info["spot_api_key"], api_secret=info["spot_api_secret"],
                        base_url=info["rest"]) as client:  # fmt: skip
            assert "ZUSD" in client.get_account_balance()
    finally:
        process.terminate()
        code = process.wait(10)
    assert code == 0


def test_command_line_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kraken.testing.fake", "--help"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert "--seed" in done.stdout
    assert "--tier" in done.stdout

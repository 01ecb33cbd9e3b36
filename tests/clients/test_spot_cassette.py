"""SpotClient over recorded fixtures: record against a loopback server, replay with none."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest

from kraken import AsyncSpotClient, KrakenTransportError, SpotClient
from kraken.adapters.cassette import (
    AsyncReplayTransport,
    CassetteMissError,
    RecordingTransport,
    ReplayTransport,
)
from kraken.adapters.httpx_rest import HttpxTransport
from kraken.testing import LoopbackServer, spot_stub_app

SECRET = base64.b64encode(bytes(range(7, 71))).decode()

pytestmark = pytest.mark.loopback


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, object]]:
    """Record a short session against the loopback stub; return the cassette and the replies."""
    key = f"cassette-{uuid.uuid4().hex}"
    path = tmp_path_factory.mktemp("cassettes") / "spot.json"
    with LoopbackServer(spot_stub_app({key: SECRET})) as server:
        recorder = RecordingTransport(HttpxTransport(), path)
        with SpotClient(
            api_key=key, api_secret=SECRET, base_url=server.url, transport=recorder
        ) as c:
            replies = {
                "ticker": c.get_ticker({"pair": "XBTUSD"}),
                "balance": c.get_account_balance(),
                "order": c.submit_order(
                    {
                        "pair": "XBTUSD",
                        "type": "buy",
                        "ordertype": "limit",
                        "volume": "1",
                        "price": "2",
                    }
                ),
            }
        recorder.close()
    return path, key, replies


def test_replay_gives_the_recorded_results_offline(
    recorded: tuple[Path, str, dict[str, object]],
) -> None:
    path, key, replies = recorded
    # A different base URL and fresh nonces: matching ignores both.
    with SpotClient(
        api_key=key,
        api_secret=SECRET,
        base_url="http://127.0.0.1:9",
        transport=ReplayTransport(path),
    ) as client:
        assert client.get_ticker({"pair": "XBTUSD"}) == replies["ticker"]
        assert client.get_account_balance() == replies["balance"]
        assert (
            client.submit_order(
                {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "volume": "1", "price": "2"}
            )
            == replies["order"]
        )


@pytest.mark.anyio
async def test_async_replay_matches_too(recorded: tuple[Path, str, dict[str, object]]) -> None:
    path, key, replies = recorded
    async with AsyncSpotClient(
        api_key=key, api_secret=SECRET, transport=AsyncReplayTransport(path)
    ) as client:
        assert await client.get_account_balance() == replies["balance"]


def test_a_request_not_in_the_cassette_is_a_clear_miss(
    recorded: tuple[Path, str, dict[str, object]],
) -> None:
    path, key, _ = recorded
    client = SpotClient(api_key=key, api_secret=SECRET, transport=ReplayTransport(path))
    with pytest.raises(CassetteMissError) as info:
        client.get_trade_balance({"asset": "ZUSD"})
    assert isinstance(info.value, KrakenTransportError)
    assert "TradeBalance" in str(info.value)
    assert SECRET not in str(info.value)
    assert key not in str(info.value)


def test_the_cassette_holds_no_credentials(recorded: tuple[Path, str, dict[str, object]]) -> None:
    path, key, _ = recorded
    text = path.read_text()
    assert SECRET not in text
    assert key not in text
    assert "API-Sign" not in text
    assert "api-sign" not in text

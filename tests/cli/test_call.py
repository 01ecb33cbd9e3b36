"""``kraken call``: parameters, output (text and --json), credentials, errors and exit codes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kraken.adapters.cassette import RecordingTransport
from kraken.adapters.httpx_rest import HttpxTransport
from kraken.cli.call import parse_params
from kraken.core.errors import KrakenUsageError
from kraken.testing import LoopbackServer, spot_stub_app
from kraken.testing.futures_stub import futures_stub_app
from tests.cli.helpers import CREDENTIALS, FUTURES_KEY, FUTURES_SECRET, KEY, SECRET, kraken

pytestmark = pytest.mark.loopback


@pytest.fixture(scope="module")
def spot_url() -> Iterator[str]:
    with LoopbackServer(spot_stub_app({KEY: SECRET})) as server:
        yield server.url


# --- parameters ------------------------------------------------------------------------------


def test_key_value_items_are_strings_and_colon_equals_is_json() -> None:
    params = parse_params(["pair=XBTUSD", "count:=10", "price:=0.10", "flags:=[1,2]"], None)
    assert params == {"pair": "XBTUSD", "count": 10, "price": Decimal("0.10"), "flags": [1, 2]}
    assert str(params["price"]) == "0.10"  # exact digits, never a binary float


def test_params_json_then_items_override() -> None:
    assert parse_params(["pair=ETHUSD"], '{"pair": "XBTUSD", "count": 5}') == {
        "pair": "ETHUSD",
        "count": 5,
    }


@pytest.mark.parametrize(
    ("items", "params_json"),
    [(["pair"], None), (["=x"], None), ([], "[1, 2]"), ([], "{nope"), (["n:={bad"], None)],
)
def test_malformed_parameters_are_usage_errors(items: list[str], params_json: str | None) -> None:
    with pytest.raises(KrakenUsageError):
        parse_params(items, params_json)


# --- public and private calls over loopback --------------------------------------------------


def test_public_call_prints_indented_json(spot_url: str) -> None:
    run = kraken("call", "spot", "get_ticker", "pair=XBTUSD", "--base-url", spot_url)
    assert run.code == 0, run.err
    assert run.err == ""
    assert '\n  "XBTUSD": {' in run.out  # indented for people
    assert json.loads(run.out)["XBTUSD"]["c"] == ["30000.05000", "0.01000000"]


def test_params_may_follow_options(spot_url: str) -> None:
    run = kraken("call", "spot", "get_ticker", "--base-url", spot_url, "pair=ETHUSD", "--json")
    assert run.code == 0, run.err
    assert list(run.json()) == ["ETHUSD"]
    run = kraken("call", "spot", "get_ticker", "--base-url", spot_url, "--bogus")
    assert run.code == 2
    assert "unrecognized arguments: --bogus" in run.err


def test_json_flag_prints_one_compact_document(spot_url: str) -> None:
    for argv in (
        ("--json", "call", "spot", "get_ticker", "pair=XBTUSD", "--base-url", spot_url),
        ("call", "spot", "get_ticker", "pair=XBTUSD", "--base-url", spot_url, "--json"),
    ):
        run = kraken(*argv)
        assert run.code == 0, run.err
        assert run.out.count("\n") == 1
        assert run.json()["XBTUSD"]["a"][0] == "30000.10000"


def test_private_call_signs_with_env_credentials_and_never_prints_them(spot_url: str) -> None:
    run = kraken(
        "call", "spot", "get_account_balance", "--base-url", spot_url, "--json", env=CREDENTIALS
    )
    assert run.code == 0, run.err
    result = run.json()
    assert result["method"] == "Balance"  # the stub verified signature and nonce
    run.assert_no_secrets()


def test_params_reach_kraken(spot_url: str) -> None:
    run = kraken(
        "call",
        "spot",
        "get_open_orders",
        "cl_ord_id=abc",
        "--params",
        '{"trades": true}',
        "--base-url",
        spot_url,
        "--json",
        env=CREDENTIALS,
    )
    assert run.code == 0, run.err
    assert run.json()["params"] == {"cl_ord_id": "abc", "trades": True}


def test_env_file_supplies_credentials(spot_url: str, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"# my keys\nexport KRAKEN_API_KEY={KEY}\nKRAKEN_API_SECRET='{SECRET}'\n", "utf-8"
    )
    run = kraken(
        "call", "spot", "get_account_balance", "--base-url", spot_url, "--env-file", str(env_file)
    )
    assert run.code == 0, run.err
    assert json.loads(run.out)["method"] == "Balance"
    run.assert_no_secrets()


def test_futures_uses_the_futures_variables() -> None:
    with LoopbackServer(futures_stub_app({FUTURES_KEY: FUTURES_SECRET})) as server:
        env = {"KRAKEN_FUTURES_API_KEY": FUTURES_KEY, "KRAKEN_FUTURES_API_SECRET": FUTURES_SECRET}
        run = kraken("call", "futures", "get_accounts", "--base-url", server.url, env=env)
        assert run.code == 0, run.err
        assert json.loads(run.out)["result"] == "success"
        run.assert_no_secrets()
        # The spot pair does not sign futures calls: missing credentials, before any I/O.
        run = kraken("call", "futures", "get_accounts", "--base-url", server.url, env=CREDENTIALS)
        assert run.code == 2
        assert "api_key" in run.err or "credentials" in run.err.lower()
        run.assert_no_secrets()


def test_listing_methods() -> None:
    run = kraken("call", "spot")
    assert run.code == 0
    assert any(line.startswith("get_ticker ") for line in run.out.splitlines())
    listed = kraken("call", "derivatives", "--json").json()
    assert {"name": "get_tickers", "method": "GET", "private": False}.items() <= next(
        m for m in listed if m["name"] == "get_tickers"
    ).items()


# --- errors and exit codes -------------------------------------------------------------------


def test_api_error_exits_3(spot_url: str) -> None:
    wrong = {"KRAKEN_API_KEY": KEY, "KRAKEN_API_SECRET": base64.b64encode(b"x" * 64).decode()}
    run = kraken("call", "spot", "get_account_balance", "--base-url", spot_url, env=wrong)
    assert run.code == 3
    assert run.out == ""
    assert run.err.startswith("kraken: error: ")
    assert run.err.count("\n") == 1
    assert "EAPI:Invalid" in run.err
    run.assert_no_secrets(wrong["KRAKEN_API_SECRET"])


def test_transport_error_exits_4() -> None:
    # A loopback port nobody listens on: connection refused at once.
    with LoopbackServer(spot_stub_app({})) as server:
        url = server.url
    run = kraken("call", "spot", "get_server_time", "--base-url", url, "--retries", "0")
    assert run.code == 4
    assert run.err.startswith("kraken: error: ")
    assert run.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "env", "needle"),
    [
        (("call", "spot", "get_tiker"), {}, "Did you mean get_ticker"),
        (("call", "moon", "get_ticker"), {}, "unknown product"),
        (("call", "spot", "get_ticker", "pair"), {}, "key=value"),
        (("call", "spot", "get_account_balance"), {}, "api_key"),
        (("call", "spot", "get_ticker"), {"KRAKEN_API_KEY": KEY}, "KRAKEN_API_SECRET is not set"),
        (
            ("call", "spot", "get_ticker"),
            {"KRAKEN_API_KEY": KEY, "KRAKEN_API_SECRET": "not base64 at all!"},
            "",
        ),
        (("call", "spot", "get_ticker", "--base-url", "http://example.com"), {}, "https"),
        (("call", "spot", "get_ticker", "--timeout", "soon"), {}, "invalid float"),
        (("call", "spot", "get_ticker", "--retries", "-1"), {}, "--retries"),
        (("nope",), {}, "invalid choice"),
        ((), {}, "required"),
        (("call", "spot", "get_ticker", "--env-file", "/nonexistent/.env"), {}, "env file"),
    ],
)
def test_usage_errors_exit_2(argv: tuple[str, ...], env: dict[str, str], needle: str) -> None:
    run = kraken(*argv, env=env)
    assert run.code == 2, run.err
    assert run.out == ""
    assert needle in run.err
    assert "Traceback" not in run.err
    run.assert_no_secrets("not base64 at all!")


def test_malformed_env_file_never_echoes_its_lines(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"KRAKEN_API_KEY={KEY}\n{SECRET}\n", "utf-8")
    run = kraken("call", "spot", "get_server_time", "--env-file", str(env_file))
    assert run.code == 2
    assert ":2: expected NAME=value" in run.err
    run.assert_no_secrets()


# --- --replay --------------------------------------------------------------------------------


async def _numbers(request: Request) -> Response:
    # A reply with JSON numbers: the CLI must print their exact digits, as strings.
    body = '{"error":[],"result":{"XBTUSD":{"last":30000.10,"volume":0.00000010,"trades":7}}}'
    return Response(body, media_type="application/json")


def test_replay_serves_a_recorded_cassette_offline(tmp_path: Path) -> None:
    cassette = tmp_path / "ticker.json"
    app = Starlette(routes=[Route("/0/public/Ticker", _numbers)])
    with LoopbackServer(app) as server:
        import kraken as sdk

        recorder = RecordingTransport(HttpxTransport(), cassette)
        with sdk.SpotClient(base_url=server.url, transport=recorder) as client:
            client.get_ticker({"pair": "XBTUSD"})
        recorder.close()
    # The server is gone: only the cassette can answer.
    run = kraken("call", "spot", "get_ticker", "pair=XBTUSD", "--replay", str(cassette), "--json")
    assert run.code == 0, run.err
    assert run.json() == {"XBTUSD": {"last": "30000.10", "volume": "0.00000010", "trades": 7}}
    # A request the cassette does not hold is a transport error.
    run = kraken("call", "spot", "get_ticker", "pair=ETHUSD", "--replay", str(cassette))
    assert run.code == 4
    assert "ETHUSD" in run.err


def test_replay_of_a_private_call_needs_no_credentials(spot_url: str, tmp_path: Path) -> None:
    cassette = tmp_path / "balance.json"
    import kraken as sdk

    recorder = RecordingTransport(HttpxTransport(), cassette)
    with sdk.SpotClient(api_key=KEY, api_secret=SECRET, base_url=spot_url, transport=recorder) as c:
        c.get_account_balance()
    recorder.close()
    assert SECRET not in cassette.read_text()
    run = kraken("call", "spot", "get_account_balance", "--replay", str(cassette), "--json")
    assert run.code == 0, run.err
    assert run.json()["method"] == "Balance"
    run.assert_no_secrets()

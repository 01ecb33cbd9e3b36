"""The Spot stub over real HTTP on loopback: Kraken-shaped replies, auth checks, fault routes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

from kraken.testing.loopback import LoopbackServer
from kraken.testing.spot_stub import nonce_book, spot_stub_app

pytestmark = pytest.mark.loopback

SECRET = base64.b64encode(bytes(range(64))).decode()
OTHER_SECRET = base64.b64encode(b"\x02" * 64).decode()
KEYS = {f"key-{i}": SECRET for i in range(10)} | {"other": OTHER_SECRET}
FORM = "application/x-www-form-urlencoded"


def sign(secret_b64: str, path: str, nonce: int, body: bytes) -> str:
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(base64.b64decode(secret_b64), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


@pytest.fixture(scope="module")
def app() -> Starlette:
    return spot_stub_app(KEYS)


@pytest.fixture(scope="module")
def client(app: Starlette) -> Iterator[httpx.Client]:
    with LoopbackServer(app) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        yield client


def private(
    client: httpx.Client,
    method: str,
    *,
    key: str,
    nonce: int,
    params: dict[str, str] | None = None,
    secret: str = SECRET,
    query: str = "",
    as_json: bool = False,
) -> httpx.Response:
    fields = {"nonce": nonce, **(params or {})}
    body = (json.dumps(fields) if as_json else urlencode(fields)).encode()
    path = f"/0/private/{method}{query}"
    headers = {
        "API-Key": key,
        "API-Sign": sign(secret, path, nonce, body),
        "Content-Type": "application/json" if as_json else FORM,
    }
    return client.post(path, content=body, headers=headers)


def test_time(client: httpx.Client) -> None:
    reply = client.get("/0/public/Time")
    assert reply.status_code == 200
    payload = reply.json()
    assert payload["error"] == []
    assert abs(payload["result"]["unixtime"] - datetime.now(UTC).timestamp()) < 5
    assert re.fullmatch(
        r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \+0000",
        payload["result"]["rfc1123"],
    )


def test_ticker_echoes_the_requested_pairs(client: httpx.Client) -> None:
    result = client.get("/0/public/Ticker", params={"pair": "XBTUSD,ETHEUR"}).json()["result"]
    assert sorted(result) == ["ETHEUR", "XBTUSD"]
    assert result["XBTUSD"]["c"][0] == "30000.05000"
    assert list(client.get("/0/public/Ticker").json()["result"]) == ["XXBTZUSD"]


def test_private_form_call_succeeds_and_echoes(client: httpx.Client, app: Starlette) -> None:
    reply = private(
        client, "AddOrder", key="key-0", nonce=10, params={"pair": "XBTUSD", "volume": "1.25"}
    )
    assert reply.status_code == 200
    assert reply.json() == {
        "error": [],
        "result": {
            "method": "AddOrder",
            "nonce": 10,
            "params": {"pair": "XBTUSD", "volume": "1.25"},
        },
    }
    assert nonce_book(app).history("key-0") == (10,)


def test_private_json_call_with_signed_query_string(client: httpx.Client) -> None:
    reply = private(
        client,
        "GetCustodyTask",
        key="key-1",
        nonce=5,
        query="?id=T1",
        params={"a": "b"},
        as_json=True,
    )
    assert reply.json()["result"] == {"method": "GetCustodyTask", "nonce": 5, "params": {"a": "b"}}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"key": "nobody"}, "EAPI:Invalid key"),
        ({"key": "key-2", "secret": OTHER_SECRET}, "EAPI:Invalid signature"),
    ],
)
def test_auth_failures_are_http_200_with_kraken_errors(
    client: httpx.Client, kwargs: dict[str, str], error: str
) -> None:
    reply = private(client, "Balance", nonce=1, **kwargs)  # type: ignore[arg-type]
    assert reply.status_code == 200
    assert reply.json() == {"error": [error]}


def test_stale_nonces_are_rejected_and_accepted_ones_recorded_in_order(
    client: httpx.Client, app: Starlette
) -> None:
    outcomes = [
        private(client, "Balance", key="key-3", nonce=n).json()["error"] for n in (5, 6, 6, 4, 9)
    ]
    invalid = ["EAPI:Invalid nonce"]
    assert outcomes == [[], [], invalid, invalid, []]
    assert nonce_book(app).history("key-3") == (5, 6, 9)
    # Keys are independent.
    assert private(client, "Balance", key="key-4", nonce=1).json()["error"] == []


def test_nonce_window() -> None:
    app = spot_stub_app({"k": SECRET}, nonce_window=10)
    with LoopbackServer(app) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        errors = [
            private(client, "Balance", key="k", nonce=n).json()["error"] for n in (20, 15, 15)
        ]
    assert errors == [[], [], ["EAPI:Invalid nonce"]]
    assert nonce_book(app).history("k") == (20, 15)


def test_private_calls_are_post_only(client: httpx.Client) -> None:
    assert client.get("/0/private/Balance").status_code == 405


def test_html500(client: httpx.Client) -> None:
    reply = client.get("/fault/html500")
    assert reply.status_code == 500
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.text.startswith("<!DOCTYPE html>")


def test_slow_answers_after_the_delay(client: httpx.Client) -> None:
    started = time.monotonic()
    reply = client.get("/fault/slow", params={"seconds": "0.2"})
    assert 0.2 <= time.monotonic() - started < 2.0
    assert reply.json() == {"error": [], "result": {"slept": 0.2}}
    assert client.get("/fault/slow", params={"seconds": "soon"}).status_code == 400


def test_echo_returns_exact_bytes_and_headers(client: httpx.Client) -> None:
    body = bytes(range(256))
    reply = client.put(
        "/fault/echo", params={"q": "1 2"}, content=body, headers={"X-Thing": "v1"}
    ).json()
    assert reply["method"] == "PUT"
    assert reply["path"] == "/fault/echo"
    assert reply["query"] == "q=1+2"
    assert ["x-thing", "v1"] in reply["headers"]
    assert base64.b64decode(reply["body_base64"]) == body

"""The httpx transports against a real loopback server: bytes, statuses, timeouts, failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

import kraken.core.errors
from kraken.adapters.httpx_rest import AsyncHttpxTransport, HttpxTransport
from kraken.core.errors import KrakenTimeoutError, KrakenTransportError
from kraken.core.rest.values import Request, Response
from kraken.testing.loopback import LoopbackServer
from kraken.testing.spot_stub import spot_stub_app

pytestmark = pytest.mark.loopback

API_KEY = "test-key/+=="
SECRET = base64.b64encode(bytes(range(64))).decode()
FORM = "application/x-www-form-urlencoded"
# Every byte value, so any re-encoding on the way would show.
ODD_BODY = b"nonce=1&note=" + bytes(range(256))


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(spot_stub_app({API_KEY: SECRET})) as server:
        yield server


@pytest.fixture
def transport() -> Iterator[HttpxTransport]:
    transport = HttpxTransport(timeout=5)
    yield transport
    transport.close()


@pytest.fixture
async def async_transport() -> AsyncIterator[AsyncHttpxTransport]:
    transport = AsyncHttpxTransport(timeout=5)
    yield transport
    await transport.aclose()


def sign(path: str, nonce: int, body: bytes) -> str:
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(base64.b64decode(SECRET), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def echo_request(server: LoopbackServer) -> Request:
    return Request(
        "POST",
        server.url + "/fault/echo?a=1&b=%20",
        headers={
            "API-Key": API_KEY,
            "API-Sign": "c2lnbmF0dXJl",
            "Content-Type": FORM,
            "User-Agent": "kraken-tests/1.0",
        },
        body=ODD_BODY,
        endpoint="echo",
    )


def check_echo(request: Request, response: Response) -> None:
    assert response.status == 200
    echoed = json.loads(response.body)
    assert echoed["method"] == "POST"
    assert echoed["query"] == "a=1&b=%20"
    assert base64.b64decode(echoed["body_base64"]) == request.body
    received = [tuple(pair) for pair in echoed["headers"]]
    for name, value in request.headers.items():
        assert [v for n, v in received if n == name.lower()] == [value], name
    assert ("content-length", str(len(request.body))) in received
    assert response.headers["content-type"] == "application/json"  # names come back lower-case


def private_balance(server: LoopbackServer, nonce: int) -> Request:
    path = "/0/private/Balance"
    body = f"nonce={nonce}".encode()
    headers = {"API-Key": API_KEY, "API-Sign": sign(path, nonce, body), "Content-Type": FORM}
    return Request("POST", server.url + path, headers=headers, body=body)


def check_foreign(exc: BaseException) -> None:
    """The error is the SDK's own, with the httpx one only as its cause."""
    assert type(exc).__module__ == kraken.core.errors.__name__
    assert not isinstance(exc, httpx.HTTPError)
    assert isinstance(exc.__cause__, httpx.HTTPError)
    assert API_KEY not in str(exc)


# --- sync ----------------------------------------------------------------------------------------


def test_sync_sends_exact_bytes_and_headers(
    server: LoopbackServer, transport: HttpxTransport
) -> None:
    request = echo_request(server)
    check_echo(request, transport.send(request))


def test_sync_signed_call_is_accepted(server: LoopbackServer, transport: HttpxTransport) -> None:
    reply = json.loads(transport.send(private_balance(server, 1_000)).body)
    assert reply == {"error": [], "result": {"method": "Balance", "nonce": 1_000, "params": {}}}


def test_sync_html_500_is_a_response(server: LoopbackServer, transport: HttpxTransport) -> None:
    response = transport.send(Request("GET", server.url + "/fault/html500"))
    assert response.status == 500
    assert response.headers["content-type"].startswith("text/html")
    assert response.body.startswith(b"<!DOCTYPE html>")


def test_sync_timeout(server: LoopbackServer) -> None:
    transport = HttpxTransport(timeout=0.05)
    try:
        with pytest.raises(KrakenTimeoutError) as caught:
            transport.send(Request("GET", server.url + "/fault/slow?seconds=5", endpoint="slow"))
    finally:
        transport.close()
    check_foreign(caught.value)
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)


def test_sync_refused_connection(closed_port: int, transport: HttpxTransport) -> None:
    request = Request(
        "POST",
        f"http://127.0.0.1:{closed_port}/0/private/Balance",
        headers={"API-Key": API_KEY, "API-Sign": "c2VjcmV0LXNpZ25hdHVyZQ=="},
        body=b"nonce=1",
    )
    with pytest.raises(KrakenTransportError) as caught:
        transport.send(request)
    assert type(caught.value) is KrakenTransportError
    check_foreign(caught.value)
    assert "c2VjcmV0LXNpZ25hdHVyZQ==" not in str(caught.value)


# --- async (asyncio and trio) --------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_sends_exact_bytes_and_headers(
    server: LoopbackServer, async_transport: AsyncHttpxTransport
) -> None:
    request = echo_request(server)
    check_echo(request, await async_transport.send(request))


@pytest.mark.anyio
async def test_async_signed_calls_are_accepted(
    server: LoopbackServer, async_transport: AsyncHttpxTransport, anyio_backend: str
) -> None:
    # Distinct nonce ranges per backend: the module's server keeps one nonce book.
    base = 2_000 if anyio_backend == "asyncio" else 3_000
    for nonce in range(base, base + 3):
        reply = json.loads((await async_transport.send(private_balance(server, nonce))).body)
        assert reply["error"] == []
        assert reply["result"]["nonce"] == nonce
    replay = json.loads((await async_transport.send(private_balance(server, base))).body)
    assert replay == {"error": ["EAPI:Invalid nonce"]}


@pytest.mark.anyio
async def test_async_html_500_is_a_response(
    server: LoopbackServer, async_transport: AsyncHttpxTransport
) -> None:
    response = await async_transport.send(Request("GET", server.url + "/fault/html500"))
    assert response.status == 500
    assert response.body.startswith(b"<!DOCTYPE html>")


@pytest.mark.anyio
async def test_async_timeout(server: LoopbackServer) -> None:
    transport = AsyncHttpxTransport(timeout=0.05)
    try:
        with pytest.raises(KrakenTimeoutError) as caught:
            await transport.send(Request("GET", server.url + "/fault/slow?seconds=5"))
    finally:
        await transport.aclose()
    check_foreign(caught.value)
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)


@pytest.mark.anyio
async def test_async_refused_connection(
    closed_port: int, async_transport: AsyncHttpxTransport
) -> None:
    request = Request("GET", f"http://127.0.0.1:{closed_port}/0/public/Time")
    with pytest.raises(KrakenTransportError) as caught:
        await async_transport.send(request)
    assert type(caught.value) is KrakenTransportError
    check_foreign(caught.value)


# --- values --------------------------------------------------------------------------------------


def test_request_repr_redacts_credentials() -> None:
    request = Request(
        "POST",
        "https://api.kraken.com/0/private/Balance",
        headers={"API-Key": "my-public-key", "API-Sign": "my-signature==", "User-Agent": "ua"},
        body=b"nonce=1",
    )
    text = repr(request)
    assert "my-public-key" not in text
    assert "my-signature==" not in text
    assert text.count("<redacted>") == 2
    assert "'User-Agent': 'ua'" in text

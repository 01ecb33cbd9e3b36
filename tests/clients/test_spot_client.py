"""SpotClient and AsyncSpotClient end to end over in-memory transports (sync, asyncio, trio)."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import re
import uuid
import warnings
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

import kraken
from kraken import AsyncSpotClient, SpotClient
from kraken.core.rest.values import Request, Response
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport
from tests.clients.stub import API_KEY, API_SECRET, KrakenStub, fail, ok

Client = SpotClient | AsyncSpotClient

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(flavour: str, stub: Callable[[Request], Response], **options: Any) -> tuple[Client, Any]:
    """A client of the flavour over an in-memory transport, and that transport."""
    if flavour == "sync":
        transport: Any = MemoryTransport(stub)
        return SpotClient(transport=transport, **options), transport
    transport = AsyncMemoryTransport(stub)
    return AsyncSpotClient(transport=transport, **options), transport


async def call(client: Client, name: str, *args: Any) -> Any:
    """Call a method on either flavour; the test body is written once."""
    result = getattr(client, name)(*args)
    if isinstance(result, Awaitable):
        return await result
    return result


def keyed(
    flavour: str, stub: KrakenStub | None = None, **options: Any
) -> tuple[Client, Any, KrakenStub]:
    stub = stub or KrakenStub()
    client, transport = make(flavour, stub, api_key=API_KEY, api_secret=API_SECRET, **options)
    return client, transport, stub


async def test_public_call_is_a_plain_get(flavour: str) -> None:
    client, transport, _stub = keyed(flavour)
    result = await call(client, "get_ticker", {"pair": "XBTUSD"})
    assert result["query"] == {"pair": "XBTUSD"}
    request = transport.requests[0]
    assert request.method == "GET"
    assert request.url == "https://api.kraken.com/0/public/Ticker?pair=XBTUSD"
    assert "API-Key" not in request.headers
    assert "API-Sign" not in request.headers
    assert request.headers["User-Agent"].startswith("kraken-python/")


async def test_private_call_is_signed_over_the_exact_json_sent(flavour: str) -> None:
    client, transport, stub = keyed(flavour)
    result = await call(client, "get_account_balance")
    assert result["path"] == "/0/private/Balance"
    request = transport.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    assert re.fullmatch(rb'\{"nonce":\d+\}', request.body)
    assert stub.seen[0].nonce is not None
    assert stub.seen[0].nonce > 10**18


async def test_form_encoding_is_signed_too(flavour: str) -> None:
    client, transport, stub = keyed(flavour, body_encoding="form")
    await call(
        client,
        "submit_order",
        {
            "ordertype": "limit",
            "type": "buy",
            "volume": "1.25",
            "pair": "XBTUSD",
            "price": Decimal("37500"),
        },
    )
    request = transport.requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.body.startswith(b"nonce=")
    assert stub.seen[0].params == {
        "ordertype": "limit",
        "type": "buy",
        "volume": "1.25",
        "pair": "XBTUSD",
        "price": "37500",
    }


async def test_money_is_sent_exactly(flavour: str) -> None:
    client, _transport, stub = keyed(flavour)
    await call(
        client,
        "submit_order",
        {
            "ordertype": "limit",
            "type": "buy",
            "pair": "XBTUSD",
            "volume": 0.1,
            "price": Decimal("37500.10"),
            "close": {"ordertype": "limit", "price": 1e-07},
        },
    )
    params = stub.seen[0].params
    assert params["volume"] == "0.1"
    assert params["price"] == "37500.10"
    assert params["close"] == {"ordertype": "limit", "price": "0.0000001"}


async def test_nonces_strictly_increase_across_calls(flavour: str) -> None:
    # A burst of 50: the rate-limit model would (rightly) pace it; this test is about nonces.
    client, _, stub = keyed(flavour, rate_limit="off")
    for _ in range(50):
        await call(client, "get_open_orders")
    nonces = [s.nonce for s in stub.seen]
    assert len(nonces) == 50
    assert all(b > a for a, b in itertools.pairwise(nonces))


async def test_custom_timestamp_fn_drives_the_nonce(flavour: str) -> None:
    # A key of its own: the nonce floor is per key and process-wide, so other tests' calls on
    # the shared test key would (correctly) push it up.
    key = f"ts-key-{uuid.uuid4().hex}"
    stub = KrakenStub(api_key=key)
    client, _ = make(
        flavour,
        stub,
        api_key=key,
        api_secret=API_SECRET,
        custom_timestamp_fn=lambda: 4_000_000_000_000,
    )
    await call(client, "get_account_balance")
    await call(client, "get_account_balance")
    assert [s.nonce for s in stub.seen] == [4_000_000_000_000_000_000, 4_000_000_000_000_000_001]


async def test_nonce_floor_is_shared_by_every_client_on_a_key(flavour: str) -> None:
    key = f"shared-key-{uuid.uuid4().hex}"
    stub = KrakenStub(api_key=key)
    first, _ = make(
        flavour, stub, api_key=key, api_secret=API_SECRET, custom_timestamp_fn=lambda: 5
    )
    second, _ = make(
        flavour, stub, api_key=key, api_secret=API_SECRET, custom_timestamp_fn=lambda: 5
    )
    for client in (first, second, first):
        await call(client, "get_account_balance")
    assert [s.nonce for s in stub.seen] == [5_000_000, 5_000_001, 5_000_002]


async def test_custom_signer_sync_and_async_replace_the_hmac(flavour: str) -> None:
    seen: list[tuple[bytes, str | None]] = []
    reference = kraken.core.auth.signing.HmacSha512Signer(base64.b64decode(API_SECRET))

    def sign(message: bytes, secret: str | None) -> str:
        seen.append((message, secret))
        return reference(message)

    async def sign_async(message: bytes, secret: str | None) -> str:
        return sign(message, secret)

    for signer in (sign, sign_async) if flavour == "async" else (sign,):
        stub = KrakenStub()
        client, _ = make(flavour, stub, api_key=API_KEY, custom_sign_message_fn=signer)
        await call(client, "get_account_balance")
        assert stub.seen
        assert stub.seen[-1].path == "/0/private/Balance"
    # The signer got the exact MAC input (path + SHA256) and no secret (it holds it itself).
    assert seen[0][0].startswith(b"/0/private/Balance")
    assert len(seen[0][0]) == len(b"/0/private/Balance") + 32
    assert seen[0][1] is None


def test_sync_client_runs_an_async_signer_outside_event_loops() -> None:
    reference = kraken.core.auth.signing.HmacSha512Signer(base64.b64decode(API_SECRET))

    async def sign_async(message: bytes, secret: str | None) -> str:
        return reference(message)

    stub = KrakenStub()
    client = SpotClient(
        api_key=API_KEY, custom_sign_message_fn=sign_async, transport=MemoryTransport(stub)
    )
    client.get_account_balance()
    assert stub.seen[0].nonce is not None


async def test_private_call_without_credentials_fails_before_io(flavour: str) -> None:
    client, transport = make(flavour, KrakenStub())
    with pytest.raises(kraken.MissingCredentialsError, match="api_key= and api_secret="):
        await call(client, "get_account_balance")
    with pytest.raises(kraken.AuthenticationError):
        await call(
            client,
            "submit_order",
            {"ordertype": "market", "type": "buy", "volume": "1", "pair": "XBTUSD"},
        )
    assert transport.requests == []


async def test_bad_params_fail_before_io(flavour: str) -> None:
    client, transport, _ = keyed(flavour, strict_param_validation=True)
    with pytest.raises(
        kraken.KrakenUsageError, match=r"unknown parameter\(s\) 'pairs'.*valid parameters"
    ):
        await call(client, "get_ticker", {"pairs": "XBTUSD"})
    with pytest.raises(kraken.KrakenUsageError, match="'pair' is None"):
        await call(client, "get_ticker", {"pair": None})
    with pytest.raises(kraken.KrakenUsageError, match="sets 'nonce' itself"):
        await call(client, "get_account_balance", {"nonce": 1})
    with pytest.raises(kraken.KrakenUsageError, match="takes a dict"):
        await call(client, "get_ticker", ["XBTUSD"])
    with pytest.raises(kraken.KrakenUsageError, match="finite"):
        await call(client, "get_trade_balance", {"asset": float("nan")})
    assert transport.requests == []


async def test_lenient_mode_drops_none_and_passes_unknown(flavour: str) -> None:
    client, _, stub = keyed(flavour)
    await call(client, "get_ticker", {"pair": None, "new_kraken_param": "x"})
    assert stub.seen[0].query == {"new_kraken_param": "x"}


async def test_kraken_errors_raise_typed_exceptions(flavour: str) -> None:
    stub = KrakenStub(reply=lambda seen: fail("EOrder:Insufficient funds"))
    client, _, _ = keyed(flavour, stub)
    with pytest.raises(kraken.InsufficientFundsError) as info:
        await call(client, "get_account_balance")
    assert info.value.code == "EOrder:Insufficient funds"
    client, _, _ = keyed(flavour, stub, parse_exceptions=False)
    with pytest.raises(kraken.KrakenAPIError) as raw:
        await call(client, "get_account_balance")
    assert type(raw.value) is kraken.KrakenAPIError


async def test_server_side_auth_failures(flavour: str) -> None:
    client, _ = make(flavour, KrakenStub(), api_key="other-key", api_secret=API_SECRET)
    with pytest.raises(kraken.AuthenticationError, match="EAPI:Invalid key"):
        await call(client, "get_account_balance")
    wrong_secret = base64.b64encode(b"x" * 64).decode()
    client, _ = make(flavour, KrakenStub(), api_key=API_KEY, api_secret=wrong_secret)
    with pytest.raises(kraken.AuthenticationError, match="EAPI:Invalid signature"):
        await call(client, "get_account_balance")


async def test_warnings_surface_without_failing(flavour: str) -> None:
    stub = KrakenStub(reply=lambda seen: ok({"fine": True}, warnings=["WGeneral:Deprecated field"]))
    client, _, _ = keyed(flavour, stub)
    with pytest.warns(kraken.KrakenAPIWarning, match="Deprecated field"):
        assert await call(client, "get_system_status") == {"fine": True}


async def test_html_error_page_is_a_transport_error(flavour: str) -> None:
    page = Response(502, {"content-type": "text/html"}, b"<html><h1>502 Bad Gateway</h1></html>")
    client, _ = make(
        flavour, lambda request: page, api_key=API_KEY, api_secret=API_SECRET, retry=None
    )
    with pytest.raises(kraken.KrakenTransportError) as info:
        await call(client, "get_account_balance")
    assert info.value.status == 502
    assert "Bad Gateway" in info.value.body_excerpt
    assert API_SECRET not in str(info.value)
    assert API_KEY not in str(info.value)


async def test_bearer_and_basic_oauth_endpoints(flavour: str) -> None:
    client, transport, _stub = keyed(
        flavour, stub=KrakenStub(reply=lambda seen: Response(200, {}, b'{"ok":1}'))
    )
    with pytest.raises(kraken.MissingCredentialsError, match="api_access_token"):
        await call(client, "get_oauth_user_info")
    client.set_access_token("tok-123")
    assert await call(client, "get_oauth_user_info") == {"ok": 1}
    assert transport.requests[-1].headers["Authorization"] == "Bearer tok-123"
    assert transport.requests[-1].url == "https://api.kraken.com/oauth/userinfo"
    await call(
        client,
        "get_oauth_access_token",
        {
            "grant_type": "authorization_code",
            "code": "c",
            "redirect_uri": "https://app/cb",
            "client_id": "cid",
            "client_secret": "csecret",
        },
    )
    token_request = transport.requests[-1]
    assert (
        token_request.headers["Authorization"]
        == "Basic " + base64.b64encode(b"cid:csecret").decode()
    )
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert b"csecret" not in token_request.body
    assert b"grant_type=authorization_code" in token_request.body


async def test_export_download_returns_bytes(flavour: str) -> None:
    zip_reply = Response(200, {"content-type": "application/zip"}, b"PK\x03\x04data")
    client, _ = make(flavour, lambda request: zip_reply, api_key=API_KEY, api_secret=API_SECRET)
    assert await call(client, "get_ledgers_export", {"id": "TCJA"}) == b"PK\x03\x04data"


async def test_secrets_never_leak_into_reprs_errors_or_logs(
    flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, transport, _ = keyed(
        flavour, stub=KrakenStub(reply=lambda seen: fail("EAPI:Invalid signature"))
    )
    with pytest.raises(kraken.AuthenticationError) as info:
        await call(client, "get_account_balance")
    signature = transport.requests[0].headers["API-Sign"]
    texts = [
        repr(client),
        str(client),
        str(info.value),
        repr(info.value),
        caplog.text,
        repr(transport.requests[0]),
        repr(client._options),
    ]
    for text in texts:
        for secret in (API_SECRET, API_KEY, signature):
            assert secret not in text


async def test_debug_logs_name_each_request_and_its_status(
    flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, _, _ = keyed(flavour)
    caplog.set_level(logging.INFO, logger="kraken.rest")
    await call(client, "get_account_balance")
    assert "/0/private/Balance" not in caplog.text  # nothing at INFO
    caplog.set_level(logging.DEBUG, logger="kraken.rest")
    await call(client, "get_account_balance")
    assert "POST https://api.kraken.com/0/private/Balance" in caplog.text
    assert "get_account_balance -> HTTP 200" in caplog.text


async def test_context_manager_closes_only_what_it_owns(flavour: str) -> None:
    client, transport, _ = keyed(flavour)
    if isinstance(client, AsyncSpotClient):
        async with client:
            pass
    else:
        with client:
            pass
    assert transport.closed is False


def test_https_only_except_loopback() -> None:
    with pytest.raises(kraken.KrakenUsageError, match="only https://"):
        SpotClient(base_url="http://api.kraken.com")
    with pytest.raises(kraken.KrakenUsageError):
        SpotClient(base_url="ftp://api.kraken.com")
    for url in (
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
        "https://beta-api.kraken.com/",
    ):
        assert SpotClient(base_url=url).base_url == url.rstrip("/")


def test_constructor_misuse_is_explained() -> None:
    with pytest.raises(kraken.KrakenUsageError, match="without api_secret"):
        SpotClient(api_key=API_KEY)
    with pytest.raises(kraken.KrakenUsageError, match="without api_key"):
        SpotClient(api_secret=API_SECRET)
    with pytest.raises(kraken.KrakenUsageError, match="not valid base64"):
        SpotClient(api_key=API_KEY, api_secret="nope!")
    with pytest.raises(kraken.KrakenUsageError, match="proxy"):
        SpotClient(transport=MemoryTransport(KrakenStub()), proxy="http://127.0.0.1:3128")
    with pytest.raises(kraken.KrakenUsageError, match="callable"):
        SpotClient(custom_timestamp_fn=123)  # type: ignore[arg-type]
    with pytest.raises(kraken.KrakenUsageError, match="timeout"):
        SpotClient(timeout=-1)


def test_generate_new_order_id_is_random_short_uuid() -> None:
    ids = {SpotClient.generate_new_order_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert re.fullmatch(r"[0-9a-f]{32}", kraken.generate_new_order_id())


def test_every_catalogue_endpoint_is_a_method_on_both_clients() -> None:
    from kraken.core.rest.spot.catalogue import CATALOGUE

    assert len(CATALOGUE) == 67
    for endpoint in CATALOGUE:
        assert callable(getattr(SpotClient, endpoint.name))
        assert callable(getattr(AsyncSpotClient, endpoint.name))


def test_warning_category_is_exported() -> None:
    with warnings.catch_warnings(record=True):
        assert issubclass(kraken.KrakenAPIWarning, UserWarning)


def test_json_body_decodes_as_sent() -> None:
    stub = KrakenStub()
    client = SpotClient(api_key=API_KEY, api_secret=API_SECRET, transport=MemoryTransport(stub))
    client.cancel_order({"txid": "OABC-123"})
    assert stub.seen[0].params == {"txid": "OABC-123"}
    assert json.loads(client._transport.requests[0].body)["txid"] == "OABC-123"  # type: ignore[attr-defined]


def test_spot_has_no_testnet() -> None:
    with pytest.raises(kraken.KrakenUsageError, match="no testnet"):
        SpotClient(testnet=True)


async def test_default_headers_reach_every_request_but_cannot_override_auth(flavour: str) -> None:
    client, transport, _ = keyed(flavour, default_headers={"X-Team": "desk-1"})
    await call(client, "get_account_balance")
    await call(client, "get_ticker")
    assert all(r.headers["X-Team"] == "desk-1" for r in transport.requests)
    with pytest.raises(kraken.KrakenUsageError, match="API-Sign"):
        SpotClient(default_headers={"API-Sign": "x"})


class SharedCounter:
    """A NonceSource as a shared store would implement it (here: a plain counter)."""

    def __init__(self, start: int) -> None:
        self.value = start
        self.calls: list[tuple[str, int]] = []

    def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:
        self.calls.append((key_fingerprint, now_ns))
        self.value += 7
        return self.value


class AsyncSharedCounter(SharedCounter):
    async def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:  # type: ignore[override]
        return SharedCounter.next_nonce(self, key_fingerprint, now_ns)


async def test_a_plugged_nonce_source_supplies_every_nonce(flavour: str) -> None:
    key = f"source-key-{uuid.uuid4().hex}"
    sources: list[SharedCounter] = [SharedCounter(10**18)]
    if flavour == "async":
        sources.append(AsyncSharedCounter(2 * 10**18))
    for source in sources:
        stub = KrakenStub(api_key=key)
        client, _ = make(
            flavour,
            stub,
            api_key=key,
            api_secret=API_SECRET,
            nonce_source=source,
            custom_timestamp_fn=lambda: 123,
        )
        await call(client, "get_account_balance")
        await call(client, "get_account_balance")
        assert [s.nonce for s in stub.seen] == [source.value - 7, source.value]
        fingerprint = kraken.core.auth.credentials.key_fingerprint(key)
        assert source.calls == [(fingerprint, 123_000_000)] * 2  # never the key itself

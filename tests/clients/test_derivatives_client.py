"""DerivativesClient and AsyncDerivativesClient over loopback against an independent verifier.

Every signed request goes to :mod:`kraken.testing.futures_stub`, whose ``Authent`` check is its
own code written from Kraken's futures-rest guide (not our signer) and whose nonce book rejects
any nonce that does not rise. Each test runs with the sync client and the async client, the
latter on asyncio and on trio.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import logging
import threading
import uuid
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette

import kraken
from kraken import AsyncDerivativesClient, DerivativesClient
from kraken.adapters.cassette import AsyncReplayTransport, RecordingTransport, ReplayTransport
from kraken.adapters.httpx_rest import HttpxTransport
from kraken.core.rest.values import Request, Response
from kraken.testing.futures_stub import expected_authent, futures_nonce_book, futures_stub_app
from kraken.testing.loopback import LoopbackServer
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport

Client = DerivativesClient | AsyncDerivativesClient

SECRET = base64.b64encode(bytes(range(3, 67))).decode()
TOKEN = "bearer-token-for-tests"
# protocol.md 2.5: the official WebSocket example secret, valid base64.
VECTOR_SECRET = (
    "7zxMEF5p/Z8l2p2U7Ghv6x14Af+Fx+92tPgUdVQ748FOIrEoT9bgT+bTRfXc5pz8na+hL/QdrCVG7bh9KpT0eMTm"
)
ORDER = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": Decimal("1.5")}

pytestmark = [pytest.mark.anyio, pytest.mark.loopback]


@dataclass
class Exchange:
    """The loopback stub and an API key only this test uses (so its nonce history is its own)."""

    url: str
    key: str
    app: Starlette

    def rejections(self) -> list[Any]:
        return list(self.app.state.rejections)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Starlette]]:
    app = futures_stub_app({}, tokens=[TOKEN])
    with LoopbackServer(app) as running:
        yield running.url, app


@pytest.fixture
def exchange(server: tuple[str, Starlette]) -> Exchange:
    url, app = server
    key = f"futures-{uuid.uuid4().hex}"
    app.state.verifier.add_key(key, SECRET)
    app.state.rejections.clear()
    return Exchange(url, key, app)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(flavour: str, **options: Any) -> Client:
    if flavour == "sync":
        return DerivativesClient(**options)
    return AsyncDerivativesClient(**options)


def keyed(flavour: str, exchange: Exchange, prefix: str = "", **options: Any) -> Client:
    return make(
        flavour,
        api_key=exchange.key,
        api_secret=SECRET,
        base_url=exchange.url + prefix,
        **options,
    )


async def call(client: Client, name: str, *args: Any) -> Any:
    """Call a method on either flavour; each test body is written once."""
    result = getattr(client, name)(*args)
    if isinstance(result, Awaitable):
        return await result
    return result


async def close(client: Client) -> None:
    if isinstance(client, AsyncDerivativesClient):
        await client.aclose()
    else:
        client.close()


# --- signing, as the independent verifier sees it ----------------------------------------------


async def test_signed_get_carries_its_query(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange)
    reply = await call(client, "get_fills", {"lastFillTime": "2024-01-02T03:04:05.000Z"})
    received = reply["received"]
    assert received["method"] == "GET"
    assert received["via"] == "authent"
    assert received["signed_path"] == "/api/v3/fills"
    assert received["raw_query"] == "lastFillTime=2024-01-02T03%3A04%3A05.000Z"
    assert received["credential_headers"] == ["apikey", "authent", "nonce"]
    assert exchange.rejections() == []
    await close(client)


async def test_signed_post_sends_kraken_query_parameters_exactly(
    flavour: str, exchange: Exchange
) -> None:
    client = keyed(flavour, exchange)
    params = {
        **ORDER,
        "limitPrice": Decimal("30000.10"),
        "cliOrdId": "my order",
        "reduceOnly": True,
    }
    reply = await call(client, "submit_order", params)
    assert reply["sendStatus"]["status"] == "placed"
    received = reply["received"]
    assert received["method"] == "POST"
    assert received["query"] == {
        "orderType": "lmt",
        "symbol": "PF_XBTUSD",
        "side": "buy",
        "size": "1.5",
        "limitPrice": "30000.10",
        "cliOrdId": "my order",
        "reduceOnly": "true",
    }
    # Signed URL-encoded, as sent (the 2024 rule): the space travels and is hashed as %20.
    assert "cliOrdId=my%20order" in received["raw_query"]
    assert received["form"] == {}
    await close(client)


async def test_batchorder_sends_json_text_in_one_form_field(
    flavour: str, exchange: Exchange
) -> None:
    client = keyed(flavour, exchange)
    instructions = [
        {**ORDER, "order": "send", "order_tag": "1", "limitPrice": Decimal("0.10")},
        {"order": "cancel", "order_id": "e35d61dd-8a30-4d5f-a574-b5593ef0c050"},
    ]
    reply = await call(client, "batch_order_management", {"json": {"batchOrder": instructions}})
    assert [s["status"] for s in reply["batchStatus"]] == ["placed", "cancelled"]
    received = reply["received"]
    assert received["content_type"] == "application/x-www-form-urlencoded"
    assert received["raw_query"] == ""
    text = received["form"]["json"]
    # Compact JSON whose numbers keep their exact decimal text.
    assert '"size":1.5' in text
    assert '"limitPrice":0.10' in text
    assert json.loads(text)["batchOrder"][1] == instructions[1]
    await close(client)


async def test_path_parameters_are_filled_in_and_signed(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange)
    uid = "7f3e9a52-2d0c-4a6b-9f1e-0c2b3a4d5e6f"
    reply = await call(
        client, "update_subaccount_trading_status", {"subaccountUid": uid, "tradingEnabled": False}
    )
    received = reply["received"]
    assert received["method"] == "PUT"
    assert received["signed_path"] == f"/api/v3/subaccount/{uid}/trading-enabled"
    assert received["query"] == {"tradingEnabled": "false"}
    public = await call(client, "get_ticker", {"symbol": "PF_XBTUSD"})
    assert public["received"]["path"] == "/derivatives/api/v3/tickers/PF_XBTUSD"
    assert public["received"]["via"] == "public"
    await close(client)


async def test_history_endpoints_sign_their_full_path(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange)
    reply = await call(client, "get_account_log", {"count": 25, "info": "futures trade"})
    received = reply["received"]
    assert received["signed_path"] == "/api/history/v3/account-log"
    assert received["query"] == {"count": "25", "info": "futures trade"}
    assert received["raw_query"] == "count=25&info=futures%20trade"
    assert received["via"] == "authent"
    await close(client)


async def test_public_charts_send_no_credentials(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange)
    params = {"tick_type": "trade", "symbol": "PF_XBTUSD", "resolution": "1h", "from": 1700000000}
    reply = await call(client, "get_candles", params)
    received = reply["received"]
    assert received["path"] == "/api/charts/v1/trade/PF_XBTUSD/1h"
    assert received["query"] == {"from": "1700000000"}
    assert received["credential_headers"] == []
    assert await call(client, "get_tick_types") == ["mark", "spot", "trade"]
    await close(client)


async def test_a_token_alone_is_sent_as_bearer_where_kraken_accepts_one(
    flavour: str, exchange: Exchange
) -> None:
    client = make(flavour, api_access_token=TOKEN, base_url=exchange.url + "/ok")
    reply = await call(client, "get_account_market_share")
    assert reply["received"]["via"] == "bearer"
    assert reply["received"]["credential_headers"] == ["authorization"]
    # Other private endpoints take no bearer: refused before any I/O.
    with pytest.raises(kraken.MissingCredentialsError):
        await call(client, "get_accounts")
    # With keys too, the keys sign.
    both = keyed(flavour, exchange, "/ok", api_access_token=TOKEN)
    assert (await call(both, "get_account_market_share"))["received"]["via"] == "authent"
    await close(client)
    await close(both)


async def test_custom_signer_gets_the_hash_and_the_verifier_accepts_it(
    flavour: str, exchange: Exchange
) -> None:
    key = base64.b64decode(SECRET)
    seen: list[bytes] = []

    def sign(message: bytes, secret: str | None) -> str:
        import hmac

        seen.append(message)
        assert secret is None  # the signer holds the secret itself
        return base64.b64encode(hmac.new(key, message, hashlib.sha512).digest()).decode()

    async def sign_async(message: bytes, secret: str | None) -> str:
        return sign(message, secret)

    signers: list[Callable[..., Any]] = [sign, sign_async] if flavour == "async" else [sign]
    for signer in signers:
        client = make(
            flavour, api_key=exchange.key, custom_sign_message_fn=signer, base_url=exchange.url
        )
        reply = await call(client, "get_open_positions")
        assert reply["received"]["via"] == "authent"
        nonce = reply["received"]["nonce"]
        # The message is SHA256(postData + nonce + endpointPath), nothing else.
        assert seen[-1] == hashlib.sha256(f"{nonce}/api/v3/openpositions".encode()).digest()
        await close(client)
    assert exchange.rejections() == []


async def test_custom_timestamp_fn_drives_the_nonce_header(
    flavour: str, exchange: Exchange
) -> None:
    client = keyed(flavour, exchange, custom_timestamp_fn=lambda: 4_000_000_000_000)
    first = await call(client, "get_accounts")
    second = await call(client, "get_accounts")
    # Milliseconds scaled to nanoseconds, then strictly increasing for the key.
    assert [first["received"]["nonce"], second["received"]["nonce"]] == [
        4_000_000_000_000_000_000,
        4_000_000_000_000_000_001,
    ]
    await close(client)


async def test_nonces_rise_strictly_over_many_calls(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange)
    for _ in range(30):
        await call(client, "get_open_orders")
    history = futures_nonce_book(exchange.app).history(exchange.key)
    assert len(history) == 30
    assert all(b > a for a, b in itertools.pairwise(history))
    await close(client)


# --- replies -----------------------------------------------------------------------------------


async def test_a_refused_order_raises_with_everything_kept(
    flavour: str, exchange: Exchange
) -> None:
    client = keyed(flavour, exchange, "/refuse/insufficientAvailableFunds")
    with pytest.raises(kraken.OrderNotAcceptedError) as info:
        await call(client, "submit_order", ORDER)
    assert info.value.order_status == "insufficientAvailableFunds"
    assert info.value.result["result"] == "success"
    assert info.value.result["sendStatus"]["status"] == "insufficientAvailableFunds"
    assert isinstance(info.value, kraken.OrderRejectedError)
    await close(client)


async def test_a_partly_refused_batch_raises_and_reports_every_instruction(
    flavour: str, exchange: Exchange
) -> None:
    client = keyed(flavour, exchange, "/refuse/invalidSize")
    batch = {
        "batchOrder": [
            {**ORDER, "order": "send", "order_tag": "a"},
            {**ORDER, "order": "send", "order_tag": "b", "size": "0"},
        ]
    }
    with pytest.raises(kraken.OrderNotAcceptedError) as info:
        await call(client, "batch_order_management", {"json": batch})
    assert info.value.order_status == "invalidSize"
    statuses = info.value.result["batchStatus"]
    assert [(s["order_tag"], s["status"]) for s in statuses] == [
        ("a", "placed"),
        ("b", "invalidSize"),
    ]
    await close(client)


async def test_cancel_with_nothing_to_cancel_is_not_an_error(
    flavour: str, exchange: Exchange
) -> None:
    client = keyed(flavour, exchange, "/refuse/noOrdersToCancel")
    reply = await call(client, "cancel_all_orders", {"symbol": "PF_XBTUSD"})
    assert reply["cancelStatus"]["status"] == "noOrdersToCancel"
    await close(client)


async def test_history_429_surfaces_the_wait(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange, "/ratelimit/12", retry=None)  # see Kraken's answer as is
    with pytest.raises(kraken.RateLimitError) as info:
        await call(client, "get_account_log")
    assert info.value.retry_after == 12.0
    assert info.value.status == 429
    await close(client)


async def test_market_share_204_is_none_and_csv_is_text(flavour: str, exchange: Exchange) -> None:
    client = keyed(flavour, exchange)
    assert await call(client, "get_account_market_share") is None
    csv = await call(client, "get_account_log_csv", {"conversion_details": True})
    assert isinstance(csv, str)
    assert csv.startswith("date,type,symbol")
    await close(client)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("apiLimitExceeded", kraken.RateLimitError),
        ("nonceBelowThreshold", kraken.InvalidNonceError),
        ("insufficientFunds", kraken.InsufficientFundsError),
        ("invalidArgument", kraken.InvalidArgumentsError),
    ],
)
async def test_kraken_error_codes_raise_typed_errors(
    flavour: str, exchange: Exchange, code: str, error: type[kraken.KrakenAPIError]
) -> None:
    # Kraken's answer as is: no retry, and no pacing after an apiLimitExceeded on this key.
    plain_options: dict[str, Any] = {"retry": None, "rate_limit": "off"}
    client = keyed(flavour, exchange, f"/error/{code}", **plain_options)
    with pytest.raises(error) as info:
        await call(client, "get_accounts")
    assert info.value.code == f"EFutures:{code}"
    raw = keyed(flavour, exchange, f"/error/{code}", parse_exceptions=False, **plain_options)
    with pytest.raises(kraken.KrakenAPIError) as plain:
        await call(raw, "get_accounts")
    assert type(plain.value) is kraken.KrakenAPIError
    await close(client)
    await close(raw)


@pytest.mark.parametrize("prefix", ["/html/502", "/garbage"])
async def test_malformed_replies_are_transport_errors(
    flavour: str, exchange: Exchange, prefix: str
) -> None:
    client = keyed(flavour, exchange, prefix, retry=None)
    with pytest.raises(kraken.KrakenTransportError) as info:
        await call(client, "get_accounts")
    assert SECRET not in str(info.value)
    assert exchange.key not in str(info.value)
    await close(client)


async def test_the_server_side_checks_really_fail(flavour: str, exchange: Exchange) -> None:
    """Control: a wrong secret is refused, so the passing tests above mean something."""
    wrong = base64.b64encode(b"\x00" * 64).decode()
    client = make(flavour, api_key=exchange.key, api_secret=wrong, base_url=exchange.url)
    with pytest.raises(kraken.AuthenticationError):
        await call(client, "get_accounts")
    with pytest.raises(kraken.AuthenticationError):
        await call(client, "get_account_log")  # history: HTTP 401
    assert [r.error for r in exchange.rejections()] == ["authenticationError"] * 2
    await close(client)


# --- bad input: before any I/O ------------------------------------------------------------------


def _no_io(request: Request) -> Response:
    raise AssertionError(f"unexpected I/O: {request!r}")


def memory_client(flavour: str, **options: Any) -> tuple[Client, Any]:
    if flavour == "sync":
        transport: Any = MemoryTransport(_no_io)
        return DerivativesClient(transport=transport, **options), transport
    transport = AsyncMemoryTransport(_no_io)
    return AsyncDerivativesClient(transport=transport, **options), transport


async def test_missing_credentials_fail_before_io(flavour: str) -> None:
    client, transport = memory_client(flavour)
    for name, params in (("get_accounts", None), ("submit_order", ORDER)):
        with pytest.raises(kraken.MissingCredentialsError, match="api_key="):
            await call(client, name, params)
    assert transport.requests == []


async def test_bad_params_fail_before_io(flavour: str) -> None:
    client, transport = memory_client(
        flavour, api_key="k", api_secret=SECRET, strict_param_validation=True
    )
    with pytest.raises(kraken.KrakenUsageError, match=r"unknown parameter\(s\) 'price'"):
        await call(client, "submit_order", {**ORDER, "price": "1"})
    with pytest.raises(kraken.KrakenUsageError, match="missing required parameter"):
        await call(client, "submit_order", {"symbol": "PF_XBTUSD"})
    with pytest.raises(kraken.KrakenUsageError, match="'symbol'"):
        await call(client, "get_ticker", {"symbol": ""})
    with pytest.raises(kraken.KrakenUsageError, match="finite"):
        await call(client, "submit_order", {**ORDER, "size": float("inf")})
    assert transport.requests == []


# --- secrets -----------------------------------------------------------------------------------


async def test_secrets_never_leak_into_reprs_errors_or_logs(
    flavour: str, exchange: Exchange, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = keyed(flavour, exchange, "/error/authenticationError", api_access_token=TOKEN)
    with pytest.raises(kraken.AuthenticationError) as info:
        await call(client, "submit_order", ORDER)
    texts = [repr(client), str(client), str(info.value), repr(info.value), caplog.text]
    texts += [repr(exchange.app.state.verifier)]
    for text in texts:
        for secret in (SECRET, exchange.key, TOKEN):
            assert secret not in text
    await close(client)


# --- construction ------------------------------------------------------------------------------


def test_testnet_routes_to_the_retired_demo_with_a_warning() -> None:
    for cls in (DerivativesClient, AsyncDerivativesClient):
        with pytest.warns(kraken.KrakenDeprecationWarning, match="retired .* on 2026-07-14"):
            client = cls(testnet=True)
        assert client.base_url == "https://demo-futures.kraken.com"
        with pytest.raises(kraken.KrakenUsageError, match="either testnet=True or base_url="):
            cls(testnet=True, base_url="https://futures.kraken.com")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert DerivativesClient().base_url == "https://futures.kraken.com"


def test_the_warning_names_the_decommissioning_and_its_replacement() -> None:
    with pytest.warns(kraken.KrakenDeprecationWarning) as record:
        DerivativesClient(testnet=True)
    text = str(record[0].message)
    assert "2027-03-01" in text
    assert "wss://uws.kraken.com/v2" in text


def test_every_catalogue_endpoint_is_a_method_on_both_clients() -> None:
    from kraken.core.rest.futures.catalogue import CATALOGUE

    assert len(CATALOGUE) == 68
    for endpoint in CATALOGUE:
        assert callable(getattr(DerivativesClient, endpoint.name))
        assert callable(getattr(AsyncDerivativesClient, endpoint.name))


def test_generate_new_order_id_fits_cli_ord_id() -> None:
    ids = {DerivativesClient.generate_new_order_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


# --- Authent regression values (protocol.md 2.5; self-computed, not official) ------------------

VECTORS = [
    (
        "symbol=fi_xbtusd_180615",
        "1415957147987",
        "/api/v3/orderbook",
        "JHLjN8OUDYaXjHRGT0z4nUvJorORrXoL9omot4BK5ihtp6jKHPHfzX9MrpVjqAgKqGJejoO3gySwoVCMJQlx/Q==",
    ),
    (
        "",
        "1415957147987",
        "/api/v3/accounts",
        "ar47HmgHaRy9Sx4pgny8d0JvjsPmPE1vDPwEb2c+42WPpLtRI4xcLAppaweKMoTpyJQxYZEPqCM5LK5SDaPdBA==",
    ),
    (
        "",
        "",
        "/api/v3/accounts",
        "gF9iu/gh5ia5pNW4Ljh2bVCMh+kDiJcge73pOkpBG+c5eJUmWgHY0zMkMXkvOHb9RnCWKKfzg6lCzyYYI95+Jg==",
    ),
    (
        "greeting=hello%20world",
        "1415957147987",
        "/api/v3/sendorder",
        "5zE/jEyogxfvh0fsa+wsYFZqfZCD4kXdY/A1hOgoHYCKbW+bZet/pe8h89LNjM09xtBo/wy/GmSjHyfJyAGhCQ==",
    ),
    (
        "greeting=hello world",
        "1415957147987",
        "/api/v3/sendorder",
        "i0zSbHMMTghg0EO3Om74owCgZ9ClXRVzCrseLSX9XkwkQKykeYzujdgH3fH4RYHz6lFlCoV4lDVCiA0c/OGcEA==",
    ),
]


@pytest.mark.parametrize(("post_data", "nonce", "path", "authent"), VECTORS)
def test_the_independent_verifier_reproduces_the_regression_values(
    post_data: str, nonce: str, path: str, authent: str
) -> None:
    assert expected_authent(VECTOR_SECRET, post_data, nonce, path) == authent


class _FixedNonce:
    def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:
        return 1415957147987


async def test_the_client_signs_the_regression_value(flavour: str) -> None:
    if flavour == "sync":
        transport: Any = MemoryTransport(lambda r: Response(200, {}, b'{"result":"success"}'))
        client: Client = DerivativesClient(
            api_key=f"vector-{uuid.uuid4().hex}",
            api_secret=VECTOR_SECRET,
            nonce_source=_FixedNonce(),
            transport=transport,
        )
    else:
        transport = AsyncMemoryTransport(lambda r: Response(200, {}, b'{"result":"success"}'))
        client = AsyncDerivativesClient(
            api_key=f"vector-{uuid.uuid4().hex}",
            api_secret=VECTOR_SECRET,
            nonce_source=_FixedNonce(),
            transport=transport,
        )
    await call(client, "get_accounts")
    request = transport.requests[0]
    assert request.url == "https://futures.kraken.com/derivatives/api/v3/accounts"
    assert request.headers["Nonce"] == "1415957147987"
    assert request.headers["Authent"] == VECTORS[1][3]


# --- concurrency: the per-key gate keeps nonce order = arrival order ----------------------------


def test_threads_on_one_key_never_send_a_stale_nonce(exchange: Exchange) -> None:
    errors: list[BaseException] = []

    def worker(client: DerivativesClient) -> None:
        for _ in range(15):
            try:
                client.get_open_orders()
            except kraken.KrakenError as exc:  # pragma: no cover - reported below
                errors.append(exc)

    with (
        DerivativesClient(api_key=exchange.key, api_secret=SECRET, base_url=exchange.url) as a,
        DerivativesClient(api_key=exchange.key, api_secret=SECRET, base_url=exchange.url) as b,
    ):
        threads = [threading.Thread(target=worker, args=((a, b)[i % 2],)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    history = futures_nonce_book(exchange.app).history(exchange.key)
    assert len(history) == 90
    assert all(y > x for x, y in itertools.pairwise(history))


async def test_tasks_on_one_key_never_send_a_stale_nonce(exchange: Exchange) -> None:
    errors: list[BaseException] = []
    async with AsyncDerivativesClient(
        api_key=exchange.key, api_secret=SECRET, base_url=exchange.url
    ) as client:

        async def one() -> None:
            try:
                await client.get_open_orders()
            except kraken.KrakenError as exc:  # pragma: no cover - reported below
                errors.append(exc)

        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for _ in range(60):
                    group.start_soon(one)
    assert errors == []
    history = futures_nonce_book(exchange.app).history(exchange.key)
    assert len(history) == 60
    assert all(y > x for x, y in itertools.pairwise(history))


def test_the_stub_really_rejects_a_stale_nonce(exchange: Exchange) -> None:
    """Control for the two tests above: requests sent in reverse nonce order fail."""
    replies = []
    with httpx.Client(base_url=exchange.url) as http:
        for nonce in ("2000", "1000", "1000"):
            headers = {
                "APIKey": exchange.key,
                "Nonce": nonce,
                "Authent": expected_authent(SECRET, "", nonce, "/api/v3/accounts"),
            }
            replies.append(http.get("/derivatives/api/v3/accounts", headers=headers).json())
    assert replies[0]["result"] == "success"
    assert [r.get("error") for r in replies[1:]] == ["nonceBelowThreshold", "nonceBelowThreshold"]


# --- recorded fixtures -------------------------------------------------------------------------


class _Spy(HttpxTransport):
    """The real transport, remembering what it sent (to look for signatures in the cassette)."""

    def __init__(self, sent: list[Request]) -> None:
        super().__init__()
        self.sent = sent

    def send(self, request: Request) -> Response:
        self.sent.append(request)
        return super().send(request)


def test_cassette_round_trip_of_private_futures_calls(exchange: Exchange, tmp_path: Path) -> None:
    path = tmp_path / "futures.json"
    sent: list[Request] = []
    recorder = RecordingTransport(_Spy(sent), path)
    with DerivativesClient(
        api_key=exchange.key, api_secret=SECRET, base_url=exchange.url, transport=recorder
    ) as client:
        accounts = client.get_accounts()
        order = client.submit_order({**ORDER, "cliOrdId": "cassette order"})
    recorder.close()
    text = path.read_text()
    signatures = [r.headers["Authent"] for r in sent]
    assert len(signatures) == 2
    for secret in (SECRET, exchange.key, *signatures):
        assert secret not in text
    recorded = json.loads(text)["interactions"]
    assert all("authent" not in map(str.lower, i["request"]["headers"]) for i in recorded)
    with DerivativesClient(
        api_key=exchange.key,
        api_secret=SECRET,
        base_url="http://127.0.0.1:9",
        transport=ReplayTransport(path),
    ) as replay:
        assert replay.get_accounts() == accounts
        assert replay.submit_order({**ORDER, "cliOrdId": "cassette order"}) == order


async def test_async_cassette_replay(exchange: Exchange, tmp_path: Path) -> None:
    path = tmp_path / "futures.json"
    recorder = RecordingTransport(HttpxTransport(), path)
    with DerivativesClient(
        api_key=exchange.key, api_secret=SECRET, base_url=exchange.url, transport=recorder
    ) as client:
        log = client.get_account_log({"count": 5})
    recorder.close()
    async with AsyncDerivativesClient(
        api_key=exchange.key, api_secret=SECRET, transport=AsyncReplayTransport(path)
    ) as replay:
        assert await replay.get_account_log({"count": 5}) == log

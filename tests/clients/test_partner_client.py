"""PartnerClient / AsyncPartnerClient (Kraken Embed + Ramp) against a loopback Embed stub.

Every signed request is checked by :class:`kraken.testing.embed_stub.EmbedAuthVerifier`, which
recomputes ``API-Sign`` from Kraken's published rule with its own code (not our signer) and
enforces strictly rising ``API-Nonce`` values per key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import uuid
from collections.abc import Awaitable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette

import kraken
from kraken import AsyncPartnerClient, PartnerClient
from kraken.adapters.cassette import AsyncReplayTransport, RecordingTransport, ReplayTransport
from kraken.adapters.httpx_rest import HttpxTransport
from kraken.core.rest.partner.catalogue import CATALOGUE
from kraken.core.rest.values import Request, Response
from kraken.testing.embed_stub import embed_nonce_book, embed_stub_app, expected_embed_signature
from kraken.testing.loopback import LoopbackServer
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport

SECRET = base64.b64encode(bytes(range(3, 67))).decode()
USER = "AA12 N84G TEST 0001"  # an IIBAN; the spaces must be percent-encoded and signed so
USER_IN_PATH = "AA12%20N84G%20TEST%200001"

Client = PartnerClient | AsyncPartnerClient

pytestmark = [pytest.mark.anyio, pytest.mark.loopback]


@pytest.fixture(scope="module")
def stub() -> Iterator[tuple[str, str, Starlette]]:
    """The Embed stub on loopback, with a key of its own (nonce floors are per key)."""
    key = f"embed-{uuid.uuid4().hex}"
    app = embed_stub_app({key: SECRET})
    with LoopbackServer(app) as server:
        yield server.url, key, app


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(flavour: str, **options: Any) -> Client:
    if flavour == "sync":
        return PartnerClient(**options)
    return AsyncPartnerClient(**options)


def connected(flavour: str, stub: tuple[str, str, Starlette], **options: Any) -> Client:
    url, key, _ = stub
    return make(flavour, api_key=key, api_secret=SECRET, base_url=url, **options)


async def call(client: Client, name: str, *args: Any) -> Any:
    """Call a method on either flavour; the test body is written once."""
    result = getattr(client, name)(*args)
    if isinstance(result, Awaitable):
        return await result
    return result


async def close(client: Client) -> None:
    if isinstance(client, AsyncPartnerClient):
        await client.aclose()
    else:
        client.close()


async def test_get_signs_the_query_with_the_path(
    flavour: str, stub: tuple[str, str, Starlette]
) -> None:
    client = connected(flavour, stub)
    try:
        reply = await call(client, "list_embed_assets", {"page": {"size": 10}, "quote": "USD"})
    finally:
        await close(client)
    echo = reply["result"]
    assert echo["method"] == "GET"
    assert echo["path"] == "/b2b/assets"
    # Kraken's own example of a signed Embed query string (embed-rest-auth guide).
    assert echo["query"] == "page%5Bsize%5D=10&quote=USD"
    assert echo["body"] is None
    assert echo["kraken_version"] is None


async def test_post_sends_and_signs_compact_json_with_user_in_the_query(
    flavour: str, stub: tuple[str, str, Starlette]
) -> None:
    client = connected(flavour, stub)
    params = {
        "user": USER,
        "type": "spend",
        "amount": {"asset": "EUR", "amount": Decimal("50.10")},
        "quote": {"asset": "BTC"},
        "fee_bps": 0.5,
    }
    try:
        echo = (await call(client, "request_embed_quote", params))["result"]
    finally:
        await close(client)
    assert echo["method"] == "POST"
    assert echo["path"] == "/b2b/quotes"
    assert echo["query"] == f"user={USER_IN_PATH}"
    # Money leaves as exact decimal strings; no nonce field in an Embed body.
    assert echo["body"] == {
        "type": "spend",
        "amount": {"asset": "EUR", "amount": "50.10"},
        "quote": {"asset": "BTC"},
        "fee_bps": "0.5",
    }


async def test_path_parameters_are_encoded_and_signed(
    flavour: str, stub: tuple[str, str, Starlette]
) -> None:
    client = connected(flavour, stub)
    try:
        user = (await call(client, "get_embed_user", {"user": USER}))["result"]
        quote = (await call(client, "get_embed_quote", {"quote_id": "Q-1/2", "user": USER}))[
            "result"
        ]
        executed = (await call(client, "execute_embed_quote", {"quote_id": "Q1", "user": USER}))[
            "result"
        ]
        cancel = (await call(client, "cancel_embed_custom_order", {"id": "CO7", "user": USER}))[
            "result"
        ]
        auto = (
            await call(client, "toggle_embed_auto_earn", {"user": USER, "want_enabled": False})
        )["result"]
    finally:
        await close(client)
    assert (user["method"], user["path"], user["query"]) == (
        "GET",
        f"/b2b/users/{USER_IN_PATH}",
        "",
    )
    assert (quote["path"], quote["query"]) == ("/b2b/quotes/Q-1%2F2", f"user={USER_IN_PATH}")
    assert (executed["method"], executed["path"]) == ("PUT", "/b2b/quotes/Q1")
    assert executed["query"] == f"user={USER_IN_PATH}"
    assert (cancel["method"], cancel["path"]) == ("POST", "/b2b/custom-orders/CO7/cancel")
    assert (auto["method"], auto["path"], auto["query"]) == (
        "PUT",
        f"/b2b/earn/{USER_IN_PATH}/auto",
        "want_enabled=false",
    )


async def test_api_nonce_rises_strictly_per_key(
    flavour: str, stub: tuple[str, str, Starlette]
) -> None:
    _, key, app = stub
    before = len(embed_nonce_book(app).history(key))
    client = connected(flavour, stub)
    try:
        for _ in range(20):
            await call(client, "list_ramp_countries")
    finally:
        await close(client)
    history = embed_nonce_book(app).history(key)
    assert len(history) == before + 20
    assert all(b > a for a, b in itertools.pairwise(history))


async def test_concurrent_tasks_keep_nonce_order(stub: tuple[str, str, Starlette]) -> None:
    url, key, app = stub
    before = len(embed_nonce_book(app).history(key))
    async with AsyncPartnerClient(api_key=key, api_secret=SECRET, base_url=url) as client:
        with anyio.fail_after(30):
            async with anyio.create_task_group() as group:
                for _ in range(40):
                    group.start_soon(client.list_ramp_fiat_currencies)
    history = embed_nonce_book(app).history(key)
    assert len(history) == before + 40
    assert all(b > a for a, b in itertools.pairwise(history))


async def test_kraken_version_header(flavour: str, stub: tuple[str, str, Starlette]) -> None:
    pinned = connected(flavour, stub, kraken_version="2025-04-15")
    via_headers = connected(flavour, stub, default_headers={"Kraken-Version": "2025-04-15"})
    try:
        first = (await call(pinned, "get_ramp_limits", {"in_asset": "EUR"}))["result"]
        second = (await call(via_headers, "list_embed_funding_transactions"))["result"]
    finally:
        await close(pinned)
        await close(via_headers)
    assert first["kraken_version"] == "2025-04-15"
    assert second["kraken_version"] == "2025-04-15"


def test_kraken_version_misuse_is_explained() -> None:
    with pytest.raises(kraken.KrakenUsageError, match="2025-04-15"):
        PartnerClient(kraken_version="latest")
    with pytest.raises(kraken.KrakenUsageError, match="conflicts"):
        PartnerClient(kraken_version="2025-04-15", default_headers={"kraken-version": "2024-01-01"})
    # The same value twice is not a conflict.
    PartnerClient(kraken_version="2025-04-15", default_headers={"Kraken-Version": "2025-04-15"})


@pytest.mark.parametrize(
    ("method", "params", "missing"),
    [
        ("get_embed_user", {}, "user"),
        ("get_embed_portfolio_summary", {"quote": "USD"}, "user"),
        ("request_embed_quote", {"type": "spend", "amount": {}, "quote": {}}, "user"),
        ("get_embed_quote", {"quote_id": "Q1"}, "user"),
        ("execute_embed_quote", {"user": USER}, "quote_id"),
        ("list_embed_custom_orders", {}, "user"),
        ("toggle_embed_auto_earn", {"user": USER}, "want_enabled"),
        ("get_ramp_checkout_url", {"in_asset": "EUR", "in_method": "card"}, "in_amount"),
    ],
)
async def test_missing_required_parameters_fail_before_io(
    flavour: str, method: str, params: dict[str, Any], missing: str
) -> None:
    transport: Any = (
        MemoryTransport(_unreachable) if flavour == "sync" else AsyncMemoryTransport(_unreachable)
    )
    client = make(flavour, api_key="k", api_secret=SECRET, transport=transport)
    with pytest.raises(kraken.KrakenUsageError, match=f"'{missing}'"):
        await call(client, method, params)
    assert transport.requests == []


async def test_empty_path_parameter_fails_before_io(flavour: str) -> None:
    transport: Any = (
        MemoryTransport(_unreachable) if flavour == "sync" else AsyncMemoryTransport(_unreachable)
    )
    client = make(flavour, api_key="k", api_secret=SECRET, transport=transport)
    with pytest.raises(kraken.KrakenUsageError, match="'user'"):
        await call(client, "get_embed_user", {"user": ""})
    assert transport.requests == []


async def test_missing_keys_fail_before_io_naming_them(flavour: str) -> None:
    transport: Any = (
        MemoryTransport(_unreachable) if flavour == "sync" else AsyncMemoryTransport(_unreachable)
    )
    client = make(flavour, transport=transport)
    with pytest.raises(kraken.MissingCredentialsError, match="api_key= and api_secret=") as info:
        await call(client, "list_embed_assets")
    assert isinstance(info.value, kraken.AuthenticationError)
    assert transport.requests == []


async def test_the_verifier_rejects_a_wrong_secret(
    flavour: str, stub: tuple[str, str, Starlette]
) -> None:
    url, key, _ = stub
    wrong = base64.b64encode(bytes(64)).decode()
    client = make(flavour, api_key=key, api_secret=wrong, base_url=url)
    try:
        with pytest.raises(kraken.AuthenticationError) as info:
            await call(client, "get_embed_user", {"user": USER})
    finally:
        await close(client)
    assert info.value.status == 401
    assert info.value.code == "EAPI:Invalid signature"
    assert wrong not in str(info.value)


def test_the_stub_checks_nonces_and_the_get_rule() -> None:
    """Controls: the verifier can fail. Signatures here come from the stub's own formula."""
    key = "control-key"
    target = "/b2b/assets?quote=USD"
    nonce = 1_000

    def headers(n: int, sign: str) -> dict[str, str]:
        return {"API-Key": key, "API-Nonce": str(n), "API-Sign": sign}

    with (
        LoopbackServer(embed_stub_app({key: SECRET})) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        good = expected_embed_signature(SECRET, "GET", target, nonce, b"")
        assert http.get(target, headers=headers(nonce, good)).status_code == 200
        # The same nonce again, correctly signed: stale.
        replay = http.get(target, headers=headers(nonce, good))
        assert (replay.status_code, replay.json()) == (401, {"error": ["EAPI:Invalid nonce"]})
        # A GET signed as if it had a body ("{}") is not the GET rule (nonce alone).
        wrong = expected_embed_signature(SECRET, "POST", target, nonce + 1, b"{}")
        forged = http.get(target, headers=headers(nonce + 1, wrong))
        assert forged.json() == {"error": ["EAPI:Invalid signature"]}
        # A query left out of the signed path does not verify either.
        no_query = expected_embed_signature(SECRET, "GET", "/b2b/assets", nonce + 2, b"")
        unsigned_query = http.get(target, headers=headers(nonce + 2, no_query))
        assert unsigned_query.json() == {"error": ["EAPI:Invalid signature"]}


def test_the_verifier_formula_matches_the_documented_one() -> None:
    """The stub's formula against the embed-rest-auth text, spelled out step by step."""
    secret = base64.b64decode(SECRET)
    body = b'{"asset":"BTC","key":"w1","amount":"1"}'
    inner = hashlib.sha256(b"1700000000000" + body).digest()
    mac = hmac.new(secret, b"/b2b/funds/withdrawals" + inner, hashlib.sha512).digest()
    expected = base64.b64encode(mac).decode()
    got = expected_embed_signature(SECRET, "POST", "/b2b/funds/withdrawals", 1700000000000, body)
    assert got == expected
    get_inner = hashlib.sha256(b"5").digest()
    get_mac = hmac.new(secret, b"/b2b/assets" + get_inner, hashlib.sha512).digest()
    assert expected_embed_signature(SECRET, "GET", "/b2b/assets", 5, b"") == (
        base64.b64encode(get_mac).decode()
    )


async def test_http_errors_become_typed_exceptions(flavour: str) -> None:
    def conflict(request: Request) -> Response:
        body = json.dumps({"error": ["EPTL:Quote already accepted"]}).encode()
        return Response(409, {"content-type": "application/json"}, body)

    transport: Any = (
        MemoryTransport(conflict) if flavour == "sync" else AsyncMemoryTransport(conflict)
    )
    client = make(flavour, api_key=f"k-{uuid.uuid4().hex}", api_secret=SECRET, transport=transport)
    with pytest.raises(kraken.KrakenAPIError) as info:
        await call(client, "execute_embed_quote", {"quote_id": "Q1", "user": USER})
    assert info.value.code == "EPTL:Quote already accepted"
    assert info.value.status == 409
    assert info.value.endpoint == "execute_embed_quote"


def test_default_base_url_is_nexus_and_overridable() -> None:
    assert PartnerClient().base_url == "https://nexus.kraken.com"
    assert AsyncPartnerClient().base_url == "https://nexus.kraken.com"
    assert PartnerClient(base_url="https://embed.example.com").base_url == (
        "https://embed.example.com"
    )
    with pytest.raises(kraken.KrakenUsageError):
        PartnerClient(testnet=True)


def test_every_catalogue_endpoint_is_a_method_on_both_clients() -> None:
    assert len(CATALOGUE) == 34
    names = {e.name for e in CATALOGUE}
    assert len(names) == 34
    for name in names:
        assert callable(getattr(PartnerClient, name))
        assert callable(getattr(AsyncPartnerClient, name))
    assert all(e.auth is kraken.core.rest.endpoint.Auth.EMBED for e in CATALOGUE)
    assert all(e.path.startswith("/b2b/") for e in CATALOGUE)


def test_secrets_stay_out_of_reprs(stub: tuple[str, str, Starlette]) -> None:
    url, key, app = stub
    client = PartnerClient(api_key=key, api_secret=SECRET, base_url=url)
    assert SECRET not in repr(client)
    assert key not in repr(client)
    assert SECRET not in repr(app.state.verifier)


@pytest.fixture(scope="module")
def cassette(
    stub: tuple[str, str, Starlette], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, dict[str, Any]]:
    """Record a short Embed session against the loopback stub."""
    url, key, _ = stub
    path = tmp_path_factory.mktemp("cassettes") / "embed.json"
    recorder = RecordingTransport(HttpxTransport(), path)
    with PartnerClient(
        api_key=key,
        api_secret=SECRET,
        base_url=url,
        transport=recorder,
        kraken_version="2025-04-15",
    ) as client:
        replies = {
            "user": client.get_embed_user({"user": USER}),
            "quote": client.request_embed_quote(
                {
                    "user": USER,
                    "type": "receive",
                    "amount": {"asset": "BTC", "amount": "0.001"},
                    "quote": {"asset": "EUR"},
                }
            ),
        }
    recorder.close()
    return path, key, replies


def test_cassette_replays_offline(cassette: tuple[Path, str, dict[str, Any]]) -> None:
    path, key, replies = cassette
    with PartnerClient(
        api_key=key,
        api_secret=SECRET,
        base_url="http://127.0.0.1:9",
        transport=ReplayTransport(path),
    ) as client:
        assert client.get_embed_user({"user": USER}) == replies["user"]
        assert (
            client.request_embed_quote(
                {
                    "user": USER,
                    "type": "receive",
                    "amount": {"asset": "BTC", "amount": "0.001"},
                    "quote": {"asset": "EUR"},
                }
            )
            == replies["quote"]
        )
    text = path.read_text()
    for secret in (SECRET, key, "API-Sign", "api-sign", "api-nonce"):
        assert secret not in text


async def test_async_cassette_replays_too(cassette: tuple[Path, str, dict[str, Any]]) -> None:
    path, key, replies = cassette
    async with AsyncPartnerClient(
        api_key=key, api_secret=SECRET, transport=AsyncReplayTransport(path)
    ) as client:
        assert await client.get_embed_user({"user": USER}) == replies["user"]


def _unreachable(request: Request) -> Response:
    raise AssertionError(f"no request should be sent, got {request!r}")

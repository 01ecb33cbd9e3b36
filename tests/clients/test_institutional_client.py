"""Institutional (Custody, OTC), Kraken Pay (on SpotClient) and Affiliate clients, end to end.

Signed calls go over loopback to ``kraken.testing.institutional_stub``, whose verifier shares no
code with the SDK's signer; each test body runs on the sync client and on the async client under
asyncio and trio. Bad input and missing credentials are checked on in-memory transports, which
prove that nothing was sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import uuid
from collections.abc import Awaitable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from kraken import (
    AffiliateClient,
    AsyncAffiliateClient,
    AsyncInstitutionalClient,
    AsyncSpotClient,
    AuthenticationError,
    InstitutionalClient,
    InvalidArgumentsError,
    KrakenError,
    KrakenUsageError,
    MissingCredentialsError,
    SpotClient,
)
from kraken.adapters.cassette import (
    AsyncReplayTransport,
    CassetteMissError,
    RecordingTransport,
    ReplayTransport,
)
from kraken.adapters.httpx_rest import HttpxTransport
from kraken.core.rest.values import Request, Response
from kraken.testing.institutional_stub import institutional_nonce_book, institutional_stub_app
from kraken.testing.loopback import LoopbackServer
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport

pytestmark = pytest.mark.anyio

SECRET = base64.b64encode(bytes(range(9, 73))).decode()
KEY = f"institutional-{uuid.uuid4().hex}"
RAW_KEY = f"raw-{uuid.uuid4().hex}"  # the stub self-tests sign by hand with their own nonces
WRONG_SECRET = base64.b64encode(bytes(range(100, 164))).decode()

CLASSES: dict[tuple[str, str], Any] = {
    ("institutional", "sync"): InstitutionalClient,
    ("institutional", "async"): AsyncInstitutionalClient,
    ("affiliate", "sync"): AffiliateClient,
    ("affiliate", "async"): AsyncAffiliateClient,
    ("spot", "sync"): SpotClient,
    ("spot", "async"): AsyncSpotClient,
}


@pytest.fixture(scope="module")
def stub() -> Iterator[tuple[str, Any]]:
    """The loopback stub's base URL and its app (for the nonce record)."""
    app = institutional_stub_app({KEY: SECRET, RAW_KEY: SECRET})
    with LoopbackServer(app) as server:
        yield server.url, app


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def client_of(kind: str, flavour: str, **options: Any) -> Any:
    return CLASSES[kind, flavour](**options)


async def call(client: Any, name: str, *args: Any) -> Any:
    """Call a method on either flavour; each test body is written once."""
    result = getattr(client, name)(*args)
    if isinstance(result, Awaitable):
        return await result
    return result


async def close(client: Any) -> None:
    closing = getattr(client, "aclose", None) or client.close
    result = closing()
    if isinstance(result, Awaitable):
        await result


async def over_loopback(
    stub: tuple[str, Any], kind: str, flavour: str, name: str, params: Any = None, **options: Any
) -> Any:
    """One call of ``name`` with the test key against the stub."""
    options.setdefault("api_key", KEY)
    options.setdefault("api_secret", SECRET)
    client = client_of(kind, flavour, base_url=stub[0], **options)
    try:
        return await call(client, name, *([] if params is None else [params]))
    finally:
        await close(client)


def memory(kind: str, flavour: str, **options: Any) -> tuple[Any, Any]:
    """A client over an in-memory transport that answers an empty success, and the transport."""

    def answer(request: Request) -> Response:
        return Response(200, {"content-type": "application/json"}, b'{"error":[],"result":{}}')

    transport: Any = MemoryTransport(answer) if flavour == "sync" else AsyncMemoryTransport(answer)
    return client_of(kind, flavour, transport=transport, **options), transport


# --- Custody over loopback: the query is signed, the vault id is a header ----------------------


@pytest.mark.loopback
async def test_custody_id_travels_in_the_signed_query(stub: tuple[str, Any], flavour: str) -> None:
    result = await over_loopback(
        stub, "institutional", flavour, "get_custody_task_by_id", {"id": "TGWOJ4JQPOTZT2"}
    )
    # The stub accepted API-Sign over "/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2".
    assert result["method"] == "GetCustodyTask"
    assert result["query"] == {"id": "TGWOJ4JQPOTZT2"}
    assert result["params"] == {}


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("get_custody_vault_by_id", "GetCustodyVault"),
        ("get_custody_activity_by_id", "GetCustodyActivity"),
        ("list_custody_transactions", "ListCustodyTransactions"),
    ],
)
async def test_every_id_endpoint_signs_its_query(
    stub: tuple[str, Any], flavour: str, name: str, method: str
) -> None:
    result = await over_loopback(stub, "institutional", flavour, name, {"id": "V 1/é"})
    assert result["method"] == method
    # Percent-encoded on the wire, signed as sent, decoded by the server.
    assert result["query"] == {"id": "V 1/é"}


@pytest.mark.loopback
async def test_transaction_by_id_splits_query_and_body(stub: tuple[str, Any], flavour: str) -> None:
    result = await over_loopback(
        stub,
        "institutional",
        flavour,
        "get_custody_transaction_by_id",
        {"id": "TX1", "vault_id": "VAULT1", "with_long_timeout": True},
    )
    assert result["query"] == {"id": "TX1"}
    assert result["params"] == {"vault_id": "VAULT1", "with_long_timeout": True}


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("name", "method", "params"),
    [
        ("get_custody_deposit_methods", "DepositMethods", {"category": "custody", "asset": "BTC"}),
        (
            "get_custody_deposit_addresses",
            "DepositAddresses",
            {"asset": "BTC", "method": "Bitcoin", "new": True},
        ),
        ("get_custody_withdraw_methods", "WithdrawMethods", {"category": "custody"}),
        ("get_custody_withdraw_addresses", "WithdrawAddresses", {"asset": "ETH"}),
    ],
)
async def test_vault_id_travels_as_a_header(
    stub: tuple[str, Any], flavour: str, name: str, method: str, params: dict[str, Any]
) -> None:
    result = await over_loopback(
        stub, "institutional", flavour, name, {"x-vault-id": "VABCDEF234567A", **params}
    )
    assert result["method"] == method
    assert result["vault_id"] == "VABCDEF234567A"
    assert result["params"] == params  # not in the body
    assert result["query"] == {}


@pytest.mark.loopback
async def test_withdraw_addresses_take_a_query_and_a_header(
    stub: tuple[str, Any], flavour: str
) -> None:
    result = await over_loopback(
        stub,
        "institutional",
        flavour,
        "get_custody_withdraw_addresses",
        {"x-vault-id": "V1", "preferred_asset_name": "new", "verified": True},
    )
    assert result["query"] == {"preferred_asset_name": "new"}
    assert result["vault_id"] == "V1"
    assert result["params"] == {"verified": True}


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("list_custody_vaults", "ListCustodyVaults"),
        ("list_custody_tasks", "ListCustodyTasks"),
        ("list_custody_activities", "ListCustodyActivities"),
    ],
)
async def test_list_filters_travel_as_nested_json(
    stub: tuple[str, Any], flavour: str, name: str, method: str
) -> None:
    params = {
        "filters": {"and": [{"or": [{"by": "name", "type": "starts_with", "values": ["Ops"]}]}]},
        "pagination": {"limit": 100, "offset": 0},
        "orderings": [{"by": "created_at", "direction": "desc"}],
    }
    result = await over_loopback(stub, "institutional", flavour, name, params)
    assert result["method"] == method
    assert result["params"] == params


# --- OTC ----------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_otc_quote_amounts_are_sent_exactly(stub: tuple[str, Any], flavour: str) -> None:
    result = await over_loopback(
        stub,
        "institutional",
        flavour,
        "create_otc_quote_request",
        {
            "base": "BTC",
            "quote": "USD",
            "type": "buy",
            "total": Decimal("200000.50"),
            "amount": 0.1,
        },
    )
    assert result["method"] == "CreateOtcQuoteRequest"
    assert result["params"] == {
        "base": "BTC",
        "quote": "USD",
        "type": "buy",
        "total": "200000.50",
        "amount": "0.1",
    }


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("name", "params", "method"),
    [
        ("update_otc_quote", {"quote_id": "q-1", "status": "accepted"}, "UpdateOtcQuote"),
        ("get_otc_pairs", None, "GetOtcPairs"),
        ("get_otc_active_quotes", {"vault_id": "V1"}, "GetOtcActiveQuotes"),
        ("get_otc_historical_quotes", None, "GetOtcHistoricalQuotes"),
        ("get_otc_exposures", None, "GetOtcExposures"),
        ("check_otc_client", None, "CheckOtcClient"),
    ],
)
async def test_every_otc_call_is_signed(
    stub: tuple[str, Any], flavour: str, name: str, params: Any, method: str
) -> None:
    result = await over_loopback(stub, "institutional", flavour, name, params)
    assert result["method"] == method
    assert result["params"] == (params or {})


# --- Kraken Pay, on SpotClient -------------------------------------------------------------------


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("name", "params", "method"),
    [
        (
            "create_pay_request",
            {"external_id": "AAEC", "amount": Decimal("12.30"), "asset": "USD", "from": "kraktag"},
            "Pay/request/create",
        ),
        ("cancel_pay_request", {"external_id": "AAEC"}, "Pay/request/cancel"),
        (
            "create_pay_transfer",
            {"external_id": "AAED", "amount": "1", "asset": "USDC", "to": "friend"},
            "Pay/transfer/create",
        ),
        ("cancel_pay_transfer", {"external_id": "AAED"}, "Pay/transfer/cancel"),
        (
            "create_paylink_code",
            {"external_id": "AAEE", "amount": 5, "asset": "EUR", "note": "lunch"},
            "Pay/paylink/create",
        ),
        ("get_paylink_code", {"external_id": "AAEE"}, "Pay/paylink/get"),
        ("get_paylink_config", None, "Pay/paylink/config"),
    ],
)
async def test_pay_calls_are_signed_on_the_spot_client(
    stub: tuple[str, Any], flavour: str, name: str, params: Any, method: str
) -> None:
    result = await over_loopback(stub, "spot", flavour, name, params)
    assert result["method"] == method
    sent = {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in (params or {}).items()}
    assert result["params"] == sent


# --- Affiliate: API-Nonce header, query inside the signed path ---------------------------------


@pytest.mark.loopback
async def test_affiliate_calls_are_signed_with_the_query(
    stub: tuple[str, Any], flavour: str
) -> None:
    progress = await over_loopback(
        stub, "affiliate", flavour, "get_cpa_progress", {"iiban": "ABCD EFGH IJKL MNOP"}
    )
    assert progress["endpoint"] == "cpa-progress"
    assert progress["query"] == {"iiban": "ABCD EFGH IJKL MNOP"}
    history = await over_loopback(stub, "affiliate", flavour, "get_payout_history")
    assert history == {"endpoint": "payout-history", "nonce": history["nonce"], "query": {}}
    daily = await over_loopback(
        stub,
        "affiliate",
        flavour,
        "get_daily_activity",
        {"iiban": "AAAA,BBBB", "start_date": "2026-01-01", "end_date": "2026-01-07", "limit": 50},
    )
    assert daily["query"] == {
        "iiban": "AAAA,BBBB",
        "start_date": "2026-01-01",
        "end_date": "2026-01-07",
        "limit": "50",
    }


# --- nonces, refusals, secrets ------------------------------------------------------------------


@pytest.mark.loopback
async def test_one_strict_nonce_sequence_across_every_product(
    stub: tuple[str, Any], flavour: str
) -> None:
    book = institutional_nonce_book(stub[1])
    before = len(book.history(KEY))
    for kind, name in [
        ("institutional", "check_otc_client"),
        ("affiliate", "get_payout_history"),
        ("spot", "get_paylink_config"),
        ("institutional", "get_otc_pairs"),
    ]:
        await over_loopback(stub, kind, flavour, name)
    accepted = book.history(KEY)[before:]
    assert len(accepted) == 4
    assert all(a < b for a, b in itertools.pairwise(accepted))


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("kind", "name", "params"),
    [
        ("institutional", "get_custody_task_by_id", {"id": "T1"}),
        ("spot", "create_pay_request", {"external_id": "A", "amount": "1", "asset": "USD"}),
        ("affiliate", "get_cpa_progress", {"iiban": "X"}),
    ],
)
async def test_a_wrong_secret_is_an_authentication_error_that_leaks_nothing(
    stub: tuple[str, Any], flavour: str, kind: str, name: str, params: Any
) -> None:
    with pytest.raises(AuthenticationError) as info:
        await over_loopback(stub, kind, flavour, name, params, api_secret=WRONG_SECRET)
    text = f"{info.value!s} {info.value!r}"
    assert "Invalid signature" in text
    assert WRONG_SECRET not in text
    assert SECRET not in text


async def test_custody_signature_follows_the_documented_rule(flavour: str) -> None:
    # custody-rest-auth: API-Sign = b64(HMAC-SHA512(b64decode(secret),
    #   "/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2" || SHA256("1616492376594" || body)))
    # with the compact JSON body {"nonce":1616492376594}; computed here from the rule alone.
    secret = (
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
    )
    path = b"/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2"
    body = b'{"nonce":1616492376594}'
    inner = hashlib.sha256(b"1616492376594" + body).digest()
    expected = base64.b64encode(
        hmac.new(base64.b64decode(secret), path + inner, hashlib.sha512).digest()
    ).decode()

    class FixedNonce:
        def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:
            return 1616492376594

    client, transport = memory(
        "institutional", flavour, api_key="k", api_secret=secret, nonce_source=FixedNonce()
    )
    await call(client, "get_custody_task_by_id", {"id": "TGWOJ4JQPOTZT2"})
    request = transport.requests[0]
    assert request.method == "POST"
    assert request.url == "https://api.kraken.com/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2"
    assert request.body == body
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["API-Sign"] == expected


# --- bad input: refused before any I/O, naming the parameter ------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("get_custody_deposit_methods", {"category": "custody", "asset": "BTC"}),
        ("get_custody_deposit_addresses", {"asset": "BTC", "method": "Bitcoin"}),
        ("get_custody_withdraw_methods", {"category": "custody"}),
        ("get_custody_withdraw_addresses", {"asset": "BTC"}),
    ],
)
async def test_a_missing_vault_id_is_refused_before_io(
    flavour: str, name: str, params: dict[str, Any]
) -> None:
    client, transport = memory("institutional", flavour, api_key="k", api_secret=SECRET)
    with pytest.raises(KrakenUsageError, match=re.escape("'x-vault-id'")):
        await call(client, name, params)
    assert transport.requests == []


@pytest.mark.parametrize(
    ("kind", "name", "params", "missing"),
    [
        ("institutional", "get_custody_vault_by_id", {}, "id"),
        ("institutional", "get_custody_task_by_id", {}, "id"),
        ("institutional", "get_custody_activity_by_id", {}, "id"),
        ("institutional", "list_custody_transactions", {"page_size": 5}, "id"),
        ("institutional", "get_custody_transaction_by_id", {"id": "TX"}, "vault_id"),
        ("institutional", "update_otc_quote", {"quote_id": "q"}, "status"),
        ("institutional", "create_otc_quote_request", {"base": "BTC", "quote": "USD"}, "type"),
        ("affiliate", "get_cpa_progress", {}, "iiban"),
        ("spot", "create_pay_transfer", {"external_id": "A", "amount": 1, "asset": "USD"}, "to"),
        ("spot", "get_paylink_code", {}, "external_id"),
    ],
)
async def test_a_missing_parameter_is_named_before_io(
    flavour: str, kind: str, name: str, params: dict[str, Any], missing: str
) -> None:
    client, transport = memory(kind, flavour, api_key="k", api_secret=SECRET)
    with pytest.raises(KrakenUsageError, match=re.escape(f"'{missing}'")):
        await call(client, name, params)
    assert transport.requests == []


async def test_the_sdk_owns_the_nonce(flavour: str) -> None:
    client, transport = memory("institutional", flavour, api_key="k", api_secret=SECRET)
    with pytest.raises(KrakenUsageError, match="nonce"):
        await call(client, "get_otc_pairs", {"nonce": 1})
    assert transport.requests == []


@pytest.mark.parametrize(
    ("kind", "name", "params"),
    [
        ("institutional", "list_custody_vaults", None),
        ("institutional", "get_custody_task_by_id", {"id": "T1"}),
        ("institutional", "check_otc_client", None),
        ("affiliate", "get_payout_history", None),
        ("spot", "get_paylink_config", None),
    ],
)
async def test_signed_calls_without_keys_name_the_missing_credentials(
    flavour: str, kind: str, name: str, params: Any
) -> None:
    client, transport = memory(kind, flavour)
    with pytest.raises(MissingCredentialsError) as info:
        await call(client, name, *([] if params is None else [params]))
    assert isinstance(info.value, AuthenticationError)
    assert isinstance(info.value, KrakenUsageError)
    assert "api_key=" in str(info.value)
    assert "api_secret=" in str(info.value)
    assert name in str(info.value)
    assert transport.requests == []


async def test_secrets_stay_out_of_reprs_and_requests(flavour: str) -> None:
    client, transport = memory("institutional", flavour, api_key=KEY, api_secret=SECRET)
    await call(client, "get_custody_deposit_methods", {"x-vault-id": "V1", "category": "custody"})
    request = transport.requests[0]
    for text in (repr(client), str(client), repr(request)):
        assert SECRET not in text
        assert KEY not in text
        assert request.headers["API-Sign"] not in text
    assert "V1" in repr(request)  # the vault id is no credential and stays readable
    affiliate, _ = memory("affiliate", flavour, api_key=KEY, api_secret=SECRET)
    assert SECRET not in repr(affiliate)
    assert KEY not in repr(affiliate)


def test_generate_new_order_id_for_otc_client_order_ids() -> None:
    ids = {InstitutionalClient.generate_new_order_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert re.fullmatch(r"[0-9a-f]{32}", AsyncInstitutionalClient().generate_new_order_id())


# --- cassettes: record over loopback, replay offline ---------------------------------------------

CASSETTE_CALLS: list[tuple[str, str, Any]] = [
    ("institutional", "get_custody_task_by_id", {"id": "TGWOJ4JQPOTZT2"}),
    ("institutional", "get_custody_deposit_methods", {"x-vault-id": "V9", "category": "custody"}),
    ("institutional", "create_otc_quote_request", {"base": "BTC", "quote": "USD", "type": "sell"}),
    ("spot", "create_pay_request", {"external_id": "AAEF", "amount": "3", "asset": "USD"}),
    ("affiliate", "get_cpa_progress", {"iiban": "ABCD"}),
]


@pytest.fixture(scope="module")
def cassettes(
    stub: tuple[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, list[Any]]]:
    """Record each product's calls against the stub: cassette path and replies per product."""
    folder = tmp_path_factory.mktemp("institutional-cassettes")
    out: dict[str, tuple[Path, list[Any]]] = {}
    for kind in ("institutional", "spot", "affiliate"):
        path = folder / f"{kind}.json"
        recorder = RecordingTransport(HttpxTransport(), path)
        client = CLASSES[kind, "sync"](
            api_key=KEY, api_secret=SECRET, base_url=stub[0], transport=recorder
        )
        replies = [getattr(client, n)(p) for k, n, p in CASSETTE_CALLS if k == kind]
        client.close()
        recorder.close()
        out[kind] = (path, replies)
    return out


async def test_replay_gives_the_recorded_results_offline(
    cassettes: dict[str, tuple[Path, list[Any]]], flavour: str
) -> None:
    for kind, (path, replies) in cassettes.items():
        transport: Any = ReplayTransport(path) if flavour == "sync" else AsyncReplayTransport(path)
        # No server: an unroutable base URL, fresh nonces; matching ignores both.
        client = client_of(
            kind,
            flavour,
            api_key=KEY,
            api_secret=SECRET,
            base_url="http://127.0.0.1:9",
            transport=transport,
        )
        got = [await call(client, n, p) for k, n, p in CASSETTE_CALLS if k == kind]
        assert got == replies
        await close(client)


def test_replay_matches_the_query_and_holds_no_credentials(
    cassettes: dict[str, tuple[Path, list[Any]]],
) -> None:
    path, _ = cassettes["institutional"]
    client = InstitutionalClient(api_key=KEY, api_secret=SECRET, transport=ReplayTransport(path))
    with pytest.raises(CassetteMissError) as info:
        client.get_custody_task_by_id({"id": "TOTHER"})
    assert isinstance(info.value, KrakenError)
    assert SECRET not in str(info.value)
    for recorded, _ in cassettes.values():
        text = recorded.read_text()
        assert SECRET not in text
        assert KEY not in text
        assert "api-sign" not in text.lower()
        assert "api-nonce" not in text.lower()
        assert json.loads(text)  # a readable JSON file


# --- the stub refuses what Kraken refuses (so the tests above prove something) -----------------


def _signed(path: str, nonce: int, body: bytes, secret: str = SECRET) -> str:
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(base64.b64decode(secret), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def _post(url: str, path: str, body: bytes, *, signed_path: str = "", **headers: str) -> Any:
    nonce = int(json.loads(body)["nonce"]) if body.startswith(b"{") else 0
    sign = _signed(signed_path or path, nonce, body)
    response = httpx.post(
        url + path,
        content=body,
        headers={
            "API-Key": RAW_KEY,
            "API-Sign": sign,
            "Content-Type": "application/json",
            **headers,
        },
    )
    return response.json()


@pytest.mark.loopback
def test_the_stub_refuses_misplaced_or_unsigned_parameters(stub: tuple[str, Any]) -> None:
    url = stub[0]
    nonce = itertools.count(1)
    # id in the body instead of the query string
    body = b'{"nonce":%d,"id":"T1"}' % next(nonce)
    assert _post(url, "/0/private/GetCustodyTask", body) == {
        "error": ["EGeneral:Invalid arguments:id"]
    }
    # the query sent but not signed
    body = b'{"nonce":%d}' % next(nonce)
    reply = _post(
        url, "/0/private/GetCustodyTask?id=T1", body, signed_path="/0/private/GetCustodyTask"
    )
    assert reply == {"error": ["EAPI:Invalid signature"]}
    # the vault id in the body instead of a header
    body = b'{"nonce":%d,"x-vault-id":"V1","category":"custody"}' % next(nonce)
    assert _post(url, "/0/private/DepositMethods", body) == {
        "error": ["EGeneral:Invalid arguments:x-vault-id"]
    }
    # correct placement passes, and a replayed nonce does not
    body = b'{"nonce":%d,"category":"custody"}' % next(nonce)
    good = _post(url, "/0/private/DepositMethods", body, **{"x-vault-id": "V1"})
    assert good["result"]["vault_id"] == "V1"
    assert _post(url, "/0/private/DepositMethods", body, **{"x-vault-id": "V1"}) == {
        "error": ["EAPI:Invalid nonce"]
    }


@pytest.mark.loopback
def test_the_stub_refuses_form_bodies_and_unsigned_affiliate_queries(
    stub: tuple[str, Any],
) -> None:
    url = stub[0]
    nonce = 1000
    form = b"nonce=%d" % nonce
    response = httpx.post(
        url + "/0/private/GetOtcPairs",
        content=form,
        headers={
            "API-Key": RAW_KEY,
            "API-Sign": _signed("/0/private/GetOtcPairs", nonce, form),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.json() == {"error": ["EGeneral:Invalid arguments:Content-Type"]}
    path = "/affiliate/v1/cpa-progress"
    unsigned_query = httpx.get(
        url + path + "?iiban=X",
        headers={
            "API-Key": RAW_KEY,
            "API-Nonce": str(nonce + 1),
            "API-Sign": _signed(path, nonce + 1, b""),
        },
    )
    assert unsigned_query.status_code == 401
    assert unsigned_query.json() == {"error": "EAPI:Invalid signature"}
    signed = httpx.get(
        url + path + "?iiban=X",
        headers={
            "API-Key": RAW_KEY,
            "API-Nonce": str(nonce + 2),
            "API-Sign": _signed(path + "?iiban=X", nonce + 2, b""),
        },
    )
    assert signed.status_code == 200
    assert signed.json()["query"] == {"iiban": "X"}


# --- error replies ------------------------------------------------------------------------------


def _replying(status: int, payload: object) -> Any:
    body = json.dumps(payload).encode()
    return MemoryTransport(
        lambda request: Response(status, {"content-type": "application/json"}, body)
    )


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        # Pay spec: error items are objects, not strings.
        (200, {"error": [{"severity": "E", "errorClass": "API", "type": "Invalid key"}]}),
        # OTC spec, 401: an "errors" list of objects.
        (
            401,
            {
                "errors": [
                    {
                        "field": "Kraken-Api-Sign",
                        "type": "Invalid signature",
                        "msg": "Invalid API signature",
                        "severity": "E",
                        "errorClass": "API",
                    }
                ]
            },
        ),
    ],
)
def test_structured_error_replies_raise_and_never_pass_as_results(
    status: int, payload: object
) -> None:
    client = SpotClient(api_key=KEY, api_secret=SECRET, transport=_replying(status, payload))
    with pytest.raises(KrakenError) as info:
        client.get_paylink_config()
    assert SECRET not in repr(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthenticationError), (403, AuthenticationError), (404, InvalidArgumentsError)],
)
def test_affiliate_http_errors_are_typed(status: int, error: type[KrakenError]) -> None:
    transport = _replying(status, {"error": "ReferrerNotWhitelisted"})
    client = AffiliateClient(api_key=KEY, api_secret=SECRET, transport=transport)
    with pytest.raises(error) as info:
        client.get_cpa_progress({"iiban": "UNKNOWN"})
    assert "ReferrerNotWhitelisted" in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("kind", ["institutional", "affiliate", "spot"])
def test_half_a_key_pair_is_refused_at_construction_naming_the_other_half(kind: str) -> None:
    with pytest.raises(KrakenUsageError, match="without api_secret") as info:
        client_of(kind, "sync", api_key=KEY)
    assert KEY not in str(info.value)
    with pytest.raises(KrakenUsageError, match="without api_key") as info:
        client_of(kind, "async", api_secret=SECRET)
    assert SECRET not in str(info.value)

"""Request building features used beyond Spot: query/header params, Embed drafts, bearer fallback."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TypedDict

import pytest

from kraken.core.errors import KrakenUsageError
from kraken.core.rest.embed import EmbedDraft
from kraken.core.rest.endpoint import Auth, Endpoint, Payload, Reply
from kraken.core.rest.prepare import PendingSignature, RequestBuilder
from kraken.core.rest.values import Request

SECRET = base64.b64encode(bytes(range(32))).decode()
BUILDER = RequestBuilder("https://api.kraken.com", user_agent="test")


def reference(path: str, nonce: int, body: bytes) -> str:
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(base64.b64decode(SECRET), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


class TaskParams(TypedDict, total=False):
    id: str
    page_size: int


VaultParams = TypedDict("VaultParams", {"asset": str, "x-vault-id": str}, total=False)

GET_TASK = Endpoint(
    "get_task",
    "POST",
    "/0/private/GetCustodyTask",
    Auth.API_SIGN,
    TaskParams,
    "x",
    payload=Payload.JSON,
    query_params=frozenset({"id"}),
)
DEPOSITS = Endpoint(
    "deposits",
    "POST",
    "/0/private/DepositMethods",
    Auth.API_SIGN,
    VaultParams,
    "x",
    payload=Payload.JSON,
    header_params=frozenset({"x-vault-id"}),
)


def test_query_param_on_a_signed_post_is_part_of_the_signed_path() -> None:
    draft = BUILDER.prepare(GET_TASK, {"id": "TGWOJ4JQPOTZT2", "page_size": 5})
    assert isinstance(draft, PendingSignature)
    assert draft.path == "/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2"
    body, message = draft.signing_input(1616492376594)
    assert body == b'{"nonce":1616492376594,"page_size":5}'
    signed = draft.finish(1616492376594, body, "key", reference(draft.path, 1616492376594, body))
    assert signed.url == "https://api.kraken.com/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2"
    # The draft's MAC input is the reference's: path with query, SHA256(nonce + exact body).
    expected_inner = hashlib.sha256(b"1616492376594" + body).digest()
    assert message == draft.path.encode() + expected_inner


def test_header_params_travel_as_headers() -> None:
    draft = BUILDER.prepare(DEPOSITS, {"asset": "BTC", "x-vault-id": "V123"})
    assert isinstance(draft, PendingSignature)
    request = draft.finish(1, draft.signing_input(1)[0], "key", "sig")
    assert request.headers["x-vault-id"] == "V123"
    assert b"vault" not in request.body


class EmbedParams(TypedDict, total=False):
    user: str
    quote: str
    email: str


EMBED_GET = Endpoint(
    "get_asset",
    "GET",
    "/b2b/assets/{user}",
    Auth.EMBED,
    EmbedParams,
    "x",
    payload=Payload.QUERY,
    reply=Reply.JSON,
)
EMBED_POST = Endpoint(
    "create_user",
    "POST",
    "/b2b/users",
    Auth.EMBED,
    EmbedParams,
    "x",
    payload=Payload.JSON,
    reply=Reply.JSON,
)


def test_embed_get_signs_path_with_query_and_nonce_alone() -> None:
    draft = BUILDER.prepare(EMBED_GET, {"user": "AA 1", "quote": "USD"})
    assert isinstance(draft, EmbedDraft)
    assert draft.signed_path == "/b2b/assets/AA%201?quote=USD"
    body, message = draft.signing_input(7)
    assert body == b""
    request = draft.finish(7, b"", "key", reference(draft.signed_path, 7, b""))
    assert request.method == "GET"
    assert request.headers["API-Nonce"] == "7"
    assert request.url == "https://api.kraken.com/b2b/assets/AA%201?quote=USD"
    # GET: the hash covers the nonce alone.
    assert message == draft.signed_path.encode() + hashlib.sha256(b"7").digest()


def test_embed_post_signs_compact_json_without_a_nonce_field() -> None:
    draft = BUILDER.prepare(EMBED_POST, {"email": "a@b.c"})
    assert isinstance(draft, EmbedDraft)
    body, _ = draft.signing_input(9)
    assert body == b'{"email":"a@b.c"}'
    request = draft.finish(9, body, "key", "sig")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["API-Sign"] == "sig"


def test_missing_path_parameter_is_a_usage_error() -> None:
    with pytest.raises(KrakenUsageError, match="'user'"):
        BUILDER.prepare(EMBED_GET, {"quote": "USD"})


class StatsParams(TypedDict, total=False):
    pass


STATS = Endpoint(
    "market_share",
    "GET",
    "/api/stats/v1/rebates/self-market-share",
    Auth.AUTHENT,
    StatsParams,
    "x",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    bearer_ok=True,
)


def test_bearer_fallback_only_without_keys() -> None:
    request = BUILDER.prepare(STATS, {}, access_token="jwt", keys_available=False)
    assert isinstance(request, Request)
    assert request.headers["Authorization"] == "Bearer jwt"
    assert not isinstance(
        BUILDER.prepare(STATS, {}, access_token="jwt", keys_available=True), Request
    )


class RequiredId(TypedDict):
    id: str


GET_REQUIRED = Endpoint(
    "get_task",
    "POST",
    "/0/private/GetCustodyTask",
    Auth.API_SIGN,
    RequiredId,
    "x",
    payload=Payload.JSON,
    query_params=frozenset({"id"}),
)


def test_an_empty_required_value_counts_as_missing() -> None:
    with pytest.raises(KrakenUsageError, match="'id'"):
        BUILDER.prepare(GET_REQUIRED, {"id": ""})

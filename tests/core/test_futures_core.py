"""Futures core pieces: Authent drafts over the exact bytes sent, reply parsing, error codes."""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal
from typing import TypedDict
from urllib.parse import unquote

import pytest

from kraken.core import errors as e
from kraken.core.auth.signing import HmacSha512Signer
from kraken.core.rest.authent import AuthentDraft, authent_path
from kraken.core.rest.endpoint import Auth, Endpoint, Payload, Reply
from kraken.core.rest.futures_reply import parse_futures, parse_futures_text
from kraken.core.rest.prepare import RequestBuilder
from kraken.core.rest.values import Response

SECRET = "7zxMEF5p/Z8l2p2U7Ghv6x14Af+Fx+92tPgUdVQ748FOIrEoT9bgT+bTRfXc5pz8na+hL/QdrCVG7bh9KpT0eMTm"
SIGNER = HmacSha512Signer(base64.b64decode(SECRET))


class OrderbookParams(TypedDict, total=False):
    symbol: str


class SendParams(TypedDict, total=False):
    greeting: str


class BatchParams(TypedDict, total=False):
    json: object


ORDERBOOK = Endpoint(
    "get_orderbook",
    "GET",
    "/derivatives/api/v3/orderbook",
    Auth.AUTHENT,
    OrderbookParams,
    "x",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
)
SEND = Endpoint(
    "submit_order",
    "POST",
    "/derivatives/api/v3/sendorder",
    Auth.AUTHENT,
    SendParams,
    "x",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
    status_key="sendStatus",
)
BATCH = Endpoint(
    "batch",
    "POST",
    "/derivatives/api/v3/batchorder",
    Auth.AUTHENT,
    BatchParams,
    "x",
    payload=Payload.FORM,
    reply=Reply.FUTURES,
    json_fields=frozenset({"json"}),
)
HISTORY = Endpoint(
    "log",
    "GET",
    "/api/history/v3/account-log",
    Auth.AUTHENT,
    OrderbookParams,
    "x",
    payload=Payload.QUERY,
    reply=Reply.FUTURES,
)

BUILDER = RequestBuilder("https://futures.kraken.com", user_agent="test")


def sign(draft: AuthentDraft, nonce: int) -> str:
    return SIGNER(draft.signing_input(nonce)[1])


def test_signed_path_drops_only_the_derivatives_prefix() -> None:
    assert authent_path("/derivatives/api/v3/orderbook") == "/api/v3/orderbook"
    assert authent_path("/api/history/v3/account-log") == "/api/history/v3/account-log"
    assert authent_path("/derivativesX/api") == "/derivativesX/api"


def test_query_draft_reproduces_the_regression_value() -> None:
    draft = BUILDER.prepare(ORDERBOOK, {"symbol": "fi_xbtusd_180615"})
    assert isinstance(draft, AuthentDraft)
    assert sign(draft, 1415957147987) == (
        "JHLjN8OUDYaXjHRGT0z4nUvJorORrXoL9omot4BK5ihtp6jKHPHfzX9MrpVjqAgKqGJejoO3gySwoVCMJQlx/Q=="
    )
    request = draft.finish(1415957147987, b"", "pub", "sig")
    assert (
        request.url
        == "https://futures.kraken.com/derivatives/api/v3/orderbook?symbol=fi_xbtusd_180615"
    )
    assert request.headers["Nonce"] == "1415957147987"
    assert request.headers["APIKey"] == "pub"
    assert request.headers["Authent"] == "sig"


def test_post_data_is_hashed_url_encoded_as_sent() -> None:
    draft = BUILDER.prepare(SEND, {"greeting": "hello world"})
    assert isinstance(draft, AuthentDraft)
    request = draft.finish(1415957147987, b"", "pub", sign(draft, 1415957147987))
    assert request.url.endswith("/sendorder?greeting=hello%20world")
    assert request.headers["Authent"] == (
        "5zE/jEyogxfvh0fsa+wsYFZqfZCD4kXdY/A1hOgoHYCKbW+bZet/pe8h89LNjM09xtBo/wy/GmSjHyfJyAGhCQ=="
    )


def test_batchorder_carries_json_inside_a_form_field() -> None:
    orders = {
        "batchOrder": [
            {"order": "send", "order_tag": "1", "size": 1.5, "limitPrice": Decimal("0.10")}
        ]
    }
    draft = BUILDER.prepare(BATCH, {"json": orders})
    assert isinstance(draft, AuthentDraft)
    body, _ = draft.signing_input(1)
    assert unquote(body.decode().removeprefix("json=")) == (
        '{"batchOrder":[{"order":"send","order_tag":"1","size":1.5,"limitPrice":0.10}]}'
    )
    request = draft.finish(1, body, "pub", "sig")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "?" not in request.url


def test_history_path_is_signed_whole() -> None:
    draft = BUILDER.prepare(HISTORY, {})
    assert isinstance(draft, AuthentDraft)
    assert draft.signed_path == "/api/history/v3/account-log"


def reply(body: bytes, status: int = 200, **headers: str) -> Response:
    return Response(status, headers, body)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("apiLimitExceeded", e.RateLimitError),
        ("authenticationError", e.AuthenticationError),
        ("nonceBelowThreshold", e.InvalidNonceError),
        ("nonceDuplicate", e.InvalidNonceError),
        ("insufficientFunds", e.InsufficientFundsError),
        ("invalidArgument", e.InvalidArgumentsError),
        ("marketUnavailable", e.ServiceUnavailableError),
        ("unknownError", e.KrakenAPIError),
    ],
)
def test_error_codes_map_onto_the_same_tree(code: str, cls: type[e.KrakenAPIError]) -> None:
    body = (
        b'{"result":"error","serverTime":"2016-02-25T09:45:53.818Z","error":"%s"}' % code.encode()
    )
    with pytest.raises(cls) as info:
        parse_futures(reply(body), endpoint="submit_order")
    assert type(info.value) is cls
    assert info.value.code == f"EFutures:{code}"


def test_new_style_errors_list() -> None:
    body = (
        b'{"result":"error","errors":[{"code":10,"status":"TOO_MANY_REQUESTS","message":"slow"}]}'
    )
    with pytest.raises(e.RateLimitError):
        parse_futures(reply(body))


def test_success_returns_the_whole_object() -> None:
    body = b'{"result":"success","serverTime":"t","tickers":[{"last":1.5}]}'
    result = parse_futures(reply(body)).result
    assert result["tickers"][0]["last"] == __import__("decimal").Decimal("1.5")


def test_success_that_placed_nothing_raises_with_everything_kept() -> None:
    body = (
        b'{"result":"success","sendStatus":{"status":"insufficientAvailableFunds","order_id":"x"}}'
    )
    with pytest.raises(e.OrderNotAcceptedError) as info:
        parse_futures(reply(body), endpoint="submit_order", status_key="sendStatus")
    assert info.value.order_status == "insufficientAvailableFunds"
    assert info.value.result["sendStatus"]["order_id"] == "x"  # type: ignore[index]
    assert isinstance(info.value, e.OrderRejectedError)
    placed = b'{"result":"success","sendStatus":{"status":"placed"}}'
    assert (
        parse_futures(reply(placed), status_key="sendStatus").result["sendStatus"]["status"]
        == "placed"
    )


def test_a_batch_with_one_refusal_raises_and_keeps_every_status() -> None:
    body = (
        b'{"result":"success","batchStatus":[{"status":"placed","order_tag":"1"},'
        b'{"status":"invalidSize","order_tag":"2"}]}'
    )
    with pytest.raises(e.OrderNotAcceptedError) as info:
        parse_futures(reply(body), status_key="batchStatus")
    assert info.value.order_status == "invalidSize"
    assert len(info.value.result["batchStatus"]) == 2  # type: ignore[index]


def test_history_429_surfaces_the_wait() -> None:
    with pytest.raises(e.RateLimitError) as info:
        parse_futures(reply(b"RateLimited", status=429, **{"rate-limit-reset": "12"}))
    assert info.value.retry_after == 12.0
    with pytest.raises(e.AuthenticationError):
        parse_futures(reply(b"Credentials required", status=401))


def test_204_and_text_downloads() -> None:
    assert parse_futures(reply(b"", status=204)).result is None
    assert parse_futures_text(reply(b"date,type\n2024,x\n")).result == "date,type\n2024,x\n"
    with pytest.raises(e.AuthenticationError):
        parse_futures_text(reply(b'{"result":"error","error":"authenticationError"}'))


def test_html_is_still_a_transport_error() -> None:
    with pytest.raises(e.KrakenTransportError) as info:
        parse_futures(reply(b"<html>bad gateway</html>", status=502))
    assert info.value.status == 502


def test_an_empty_errors_list_is_not_an_error() -> None:
    body = b'{"result":"success","errors":[],"analytics":{"x":1}}'
    assert parse_futures(reply(body)).result["analytics"] == {"x": 1}


def test_json_bodies_are_signed_as_sent() -> None:
    class P(TypedDict, total=False):
        rfqUid: str
        bid: str

    endpoint = Endpoint(
        "place_offer",
        "POST",
        "/derivatives/api/v3/rfqs/{rfqUid}/place-offer",
        Auth.AUTHENT,
        P,
        "x",
        payload=Payload.JSON,
        reply=Reply.FUTURES,
    )
    draft = BUILDER.prepare(endpoint, {"rfqUid": "r1", "bid": "1.5"})
    assert isinstance(draft, AuthentDraft)
    body, message = draft.signing_input(5)
    assert body == b'{"bid":"1.5"}'
    assert message == hashlib.sha256(b'{"bid":"1.5"}5/api/v3/rfqs/r1/place-offer').digest()

"""Envelope parsing: results, warnings, typed errors, malformed replies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kraken.core import errors as e
from kraken.core.rest.envelope import parse_binary, parse_envelope, parse_json
from kraken.core.rest.values import Response


def reply(body: bytes, status: int = 200, **headers: str) -> Response:
    return Response(status, headers, body)


def test_result_comes_back_with_exact_decimals() -> None:
    outcome = parse_envelope(reply(b'{"error":[],"result":{"t":1688666559.8974,"n":3}}'))
    assert outcome.result == {"t": Decimal("1688666559.8974"), "n": 3}
    assert outcome.warnings == ()


def test_warnings_do_not_fail() -> None:
    outcome = parse_envelope(reply(b'{"error":["WGeneral:Deprecated"],"result":{"ok":true}}'))
    assert outcome.result == {"ok": True}
    assert outcome.warnings == ("WGeneral:Deprecated",)


def test_errors_raise_the_mapped_class_with_status() -> None:
    with pytest.raises(e.InsufficientFundsError) as info:
        parse_envelope(reply(b'{"error":["EOrder:Insufficient funds"]}'), endpoint="submit_order")
    assert info.value.status == 200


def test_parse_exceptions_off_raises_the_base_class() -> None:
    with pytest.raises(e.KrakenAPIError) as info:
        parse_envelope(reply(b'{"error":["EOrder:Insufficient funds"]}'), map_errors=False)
    assert type(info.value) is e.KrakenAPIError


@pytest.mark.parametrize(
    "body",
    [b"<html><body>502 Bad Gateway</body></html>", b"", b"[1,2]", b'{"error":[1]}', b'{"x":1}'],
)
def test_malformed_replies_are_transport_errors_with_excerpt(body: bytes) -> None:
    with pytest.raises(e.KrakenTransportError) as info:
        parse_envelope(reply(body, status=500))
    assert info.value.status == 500
    if body:
        assert info.value.body_excerpt


def test_html_pages_are_transport_errors_whatever_the_status() -> None:
    for status in (403, 429, 502, 503):
        with pytest.raises(e.KrakenTransportError) as info:
            parse_envelope(reply(b"<html>Cloudflare says no</html>", status=status))
        assert info.value.status == status
        assert "Cloudflare" in info.value.body_excerpt


def test_oauth_429_is_a_rate_limit_with_retry_after() -> None:
    with pytest.raises(e.RateLimitError) as info:
        parse_json(reply(b'{"error":"slow_down"}', status=429, **{"retry-after": "3"}))
    assert info.value.retry_after == 3.0


def test_http_error_status_with_kraken_error_uses_the_error() -> None:
    with pytest.raises(e.AuthenticationError) as info:
        parse_envelope(reply(b'{"error":["EAPI:Invalid key"]}', status=403))
    assert info.value.status == 403


def test_plain_json_replies() -> None:
    assert parse_json(reply(b'{"access_token":"x"}')).result == {"access_token": "x"}
    with pytest.raises(e.InvalidArgumentsError, match="invalid_grant"):
        parse_json(reply(b'{"error":"invalid_grant"}', status=400))
    with pytest.raises(e.AuthenticationError):
        parse_json(reply(b'{"error":"invalid_token"}', status=401))


def test_binary_downloads() -> None:
    assert (
        parse_binary(reply(b"PK\x03\x04zip", **{"content-type": "application/zip"})).result
        == b"PK\x03\x04zip"
    )
    with pytest.raises(e.InvalidArgumentsError):
        parse_binary(
            reply(
                b'{"error":["EGeneral:Invalid arguments"]}', **{"content-type": "application/json"}
            )
        )


def test_structured_error_objects_map_like_strings() -> None:
    # OTC 401 example (otc/examples/responses/errors/invalidApiKey.yaml) and Pay KWebErrors.
    otc = b'{"errors":[{"field":"Kraken-Api-Key","type":"Invalid key","msg":"Invalid API key","severity":"E","errorClass":"API"}]}'
    with pytest.raises(e.AuthenticationError) as info:
        parse_envelope(reply(otc, status=401))
    assert info.value.code == "EAPI:Invalid key"
    pay = b'{"error":[{"severity":"E","errorClass":"API","type":"Invalid nonce","errorMessage":null}]}'
    with pytest.raises(e.InvalidNonceError):
        parse_envelope(reply(pay))


def test_plain_json_errors_map_by_text_first_then_status() -> None:
    with pytest.raises(e.InvalidNonceError) as info:
        parse_json(reply(b'{"error":"Invalid nonce"}', status=401), label="EAPI")
    assert info.value.code == "EAPI:Invalid nonce"
    with pytest.raises(e.AuthenticationError):
        parse_json(reply(b'{"error":"who are you"}', status=401), label="EAPI")

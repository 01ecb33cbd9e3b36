"""Exact wire encodings: money never through binary floats, bytes exactly as signed."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.rest.encoding import encode_form, encode_json, float_text, to_wire


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1, "0.1"),
        (37500.5, "37500.5"),
        (1e-07, "0.0000001"),
        (1e16, "10000000000000000"),
        (1.25, "1.25"),
        (-0.5, "-0.5"),
    ],
)
def test_floats_use_their_shortest_exact_text(value: float, text: str) -> None:
    assert float_text(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_text_round_trips_and_has_no_exponent(value: float) -> None:
    text = float_text(value)
    assert "e" not in text.lower()
    assert float(text) == value


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("Infinity")]
)
def test_non_finite_numbers_are_refused(bad: float | Decimal) -> None:
    with pytest.raises(KrakenUsageError, match="price"):
        to_wire(bad, "price")


def test_decimals_are_plain_digits() -> None:
    assert to_wire(Decimal("1E+2"), "x") == "100"
    assert to_wire(Decimal("0.00000001"), "x") == "0.00000001"
    assert to_wire(Decimal("37500.10"), "x") == "37500.10"


def test_wire_values_keep_types_json_needs() -> None:
    assert to_wire(True, "x") is True
    assert to_wire(5, "x") == 5
    assert to_wire({"a": Decimal("1.5"), "skip": None}, "close") == {"a": "1.5"}
    assert to_wire([1.5, "a"], "orders") == ["1.5", "a"]


def test_unsupported_types_name_the_parameter() -> None:
    with pytest.raises(KrakenUsageError, match="volume has type bytes"):
        to_wire(b"1", "volume")


def test_json_body_is_compact_with_nonce_first() -> None:
    body = encode_json({"pair": "XBTUSD", "volume": "1.25"}, nonce=42)
    assert body == b'{"nonce":42,"pair":"XBTUSD","volume":"1.25"}'
    assert encode_json({}, nonce=7) == b'{"nonce":7}'
    assert encode_json({"a": 1}) == b'{"a":1}'


@given(
    st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=8), st.integers()), max_size=6),
    st.integers(min_value=0, max_value=2**64 - 1),
)
def test_json_body_decodes_to_params_plus_nonce(fields: dict[str, object], nonce: int) -> None:
    fields.pop("nonce", None)
    decoded = json.loads(encode_json(fields, nonce=nonce))
    assert decoded == {"nonce": nonce, **fields}
    assert next(iter(decoded)) == "nonce"


_WIRE_VALUES = st.recursive(
    st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), _WIRE_VALUES, max_size=6))
def test_json_body_is_byte_identical_to_the_stdlib_compact_ascii_encoder(
    fields: dict[str, object],
) -> None:
    expected = json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()
    assert encode_json(fields) == expected


def test_json_body_refuses_a_value_that_is_not_wire_ready() -> None:
    with pytest.raises(TypeError, match="to_wire"):
        encode_json({"price": Decimal("1.5")})


def test_form_body_matches_official_v1_text() -> None:
    fields = {
        "ordertype": "limit",
        "pair": "XBTUSD",
        "price": "37500",
        "type": "buy",
        "volume": "1.25",
    }
    assert encode_form(fields, nonce=1616492376594) == (
        "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
    )


def test_form_percent_encodes_per_rfc3986() -> None:
    assert encode_form({"greeting": "hello world"}) == "greeting=hello%20world"
    assert encode_form({"a": "x/y+z&="}) == "a=x%2Fy%2Bz%26%3D"
    assert encode_form({"t": "a-_.~b"}) == "t=a-_.~b"
    assert encode_form({"flag": True}) == "flag=true"


def test_form_nests_with_brackets() -> None:
    text = encode_form({"close": {"ordertype": "limit"}, "orders": [{"type": "buy"}]})
    assert parse_qsl(text) == [("close[ordertype]", "limit"), ("orders[0][type]", "buy")]


def test_form_escapes_every_ascii_character_as_urllib_does_with_rfc3986_safe_set() -> None:
    every_ascii = "".join(map(chr, range(128)))
    assert encode_form({"v": every_ascii}) == f"v={quote(every_ascii, safe='-_.~')}"


@given(st.text(max_size=16), st.text(max_size=16))
def test_form_text_is_byte_identical_to_urllib_quote(key: str, value: str) -> None:
    expected = f"{quote(key, safe='-_.~')}={quote(value, safe='-_.~')}"
    assert encode_form({key: value}) == expected


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=12), max_size=6))
def test_form_round_trips_through_a_standard_parser(fields: dict[str, str]) -> None:
    assert parse_qsl(encode_form(fields), keep_blank_values=True) == list(fields.items())


def test_json_text_keeps_numbers_exact_and_numeric() -> None:
    from kraken.core.rest.encoding import json_text

    value = {"a": [Decimal("1.10"), 0.1, 3, True, None, 'x"y'], "b": {"c": 1e-07}}
    assert json_text(value) == '{"a":[1.10,0.1,3,true,null,"x\\"y"],"b":{"c":0.0000001}}'
    assert json.loads(json_text(value), parse_float=Decimal)["a"][0] == Decimal("1.10")
    with pytest.raises(KrakenUsageError, match=r"json\.a\[0\]"):
        json_text({"a": [math.nan]})

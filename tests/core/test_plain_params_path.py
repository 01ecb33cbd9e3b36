"""The fused path for plain string params writes exactly the general path's bytes, or steps aside."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core.errors import KrakenUsageError
from kraken.core.rest.encoding import plain_form_rest, plain_json_rest
from kraken.core.rest.prepare import (
    PendingSignature,
    RequestBuilder,
    SignTarget,
    pending_signature,
    plain_pending_signature,
    wire_fields,
)
from kraken.core.rest.spot.catalogue import SUBMIT_ORDER

NONCE = 1616492376594
ORDER = {"ordertype": "limit", "type": "buy", "volume": "1.25", "pair": "XBTUSD"}
BUILDERS = {
    encoding: RequestBuilder("https://api.kraken.com", body_encoding=encoding, user_agent="t")
    for encoding in ("json", "form")
}


def target_of(encoding: str) -> SignTarget:
    builder = BUILDERS[encoding]
    builder.prepare(SUBMIT_ORDER, ORDER)  # caches the endpoint's SignTarget
    return builder._targets[id(SUBMIT_ORDER)][1]


def general_draft(encoding: str, params: dict[str, Any]) -> PendingSignature:
    return pending_signature(target_of(encoding), wire_fields(SUBMIT_ORDER, params, strict=False))


# Plain: printable ASCII without '"', backslash, '=' or '&', and not empty.
PLAIN_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters='"\\=&'),
    min_size=1,
    max_size=12,
)
# Anything a caller may pass: text with every kind of character, empty strings, numbers, None.
ANY_VALUE = st.one_of(
    st.text(max_size=8),
    st.text(st.sampled_from('a"\\=&%,+ é\x00\x7f'), max_size=6),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)


@pytest.mark.parametrize("encoding", ["json", "form"])
@given(extra=st.dictionaries(PLAIN_TEXT, PLAIN_TEXT, max_size=6))
def test_plain_params_take_the_fused_path_with_the_general_bytes(
    encoding: str, extra: dict[str, str]
) -> None:
    params = {**ORDER, **{k: v for k, v in extra.items() if k != "nonce"}}
    fused = plain_pending_signature(target_of(encoding), SUBMIT_ORDER.required, params)
    assert fused is not None, "plain params must not fall back"
    assert fused.signing_input(NONCE) == general_draft(encoding, params).signing_input(NONCE)


@pytest.mark.parametrize("encoding", ["json", "form"])
@given(extra=st.dictionaries(st.text(max_size=6), ANY_VALUE, max_size=6))
def test_any_params_give_the_general_bytes_or_step_aside(
    encoding: str, extra: dict[str, Any]
) -> None:
    params = {**ORDER, **{k: v for k, v in extra.items() if k != "nonce"}}
    fused = plain_pending_signature(target_of(encoding), SUBMIT_ORDER.required, params)
    try:
        general = general_draft(encoding, params)
    except KrakenUsageError:
        assert fused is None, "the fused path accepted params the general path refuses"
        return
    if fused is not None:
        assert fused.signing_input(NONCE) == general.signing_input(NONCE)


def test_the_bodies_decode_to_the_params_behind_the_nonce() -> None:
    params = {**ORDER, "oflags": "post,fcib", "cl_ord_id": "a b%2C~"}
    json_body, _ = BUILDERS["json"].prepare(SUBMIT_ORDER, params).signing_input(NONCE)  # type: ignore[union-attr]
    assert json_body.startswith(b'{"nonce":1616492376594,')
    assert json.loads(json_body) == {"nonce": NONCE, **params}
    form_body, _ = BUILDERS["form"].prepare(SUBMIT_ORDER, params).signing_input(NONCE)  # type: ignore[union-attr]
    assert form_body.startswith(b"nonce=1616492376594&")
    assert dict(parse_qsl(form_body.decode())) == {"nonce": str(NONCE), **params}
    # RFC 3986 escapes, as urllib writes them with the unreserved set as safe.
    assert b"&cl_ord_id=" + quote("a b%2C~", safe="-_.~").encode() in form_body


@pytest.mark.parametrize(
    "params",
    [
        {"a": 1},  # an int: the C encoder writes it
        {"a": None},  # dropped by the general path
        {"a": ""},  # an empty value (required ones must be refused)
        {"a": 'say "hi"'},
        {"a": "back\\slash"},
        {"a": "tab\there"},
        {"a": "del\x7f"},
        {"a": "café"},
        {1: "a"},
        {},
    ],
)
def test_json_steps_aside_for_anything_but_plain_strings(params: dict[Any, Any]) -> None:
    assert plain_json_rest(params) is None


@pytest.mark.parametrize(
    "params",
    [{"a": 1}, {"a": ""}, {"a": "x=y"}, {"a": "x&y"}, {"a=b": "c"}, {"a": "café"}, {}],
)
def test_form_steps_aside_for_anything_but_plain_strings(params: dict[Any, Any]) -> None:
    assert plain_form_rest(params) is None


def test_form_escapes_percent_before_the_other_characters() -> None:
    assert plain_form_rest({"a": "%,", "b": "1 2"}) == b"&a=%25%2C&b=1%202"


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_refusals_are_the_same_with_plain_params(encoding: str) -> None:
    builder = BUILDERS[encoding]
    with pytest.raises(KrakenUsageError, match="'nonce' itself"):
        builder.prepare(SUBMIT_ORDER, {**ORDER, "nonce": "1"})
    with pytest.raises(KrakenUsageError, match=r"missing required parameter.*'volume'"):
        builder.prepare(SUBMIT_ORDER, {k: v for k, v in ORDER.items() if k != "volume"})
    with pytest.raises(KrakenUsageError, match=r"missing required parameter.*'volume'"):
        builder.prepare(SUBMIT_ORDER, {**ORDER, "volume": ""})


class Side(str, Enum):  # noqa: UP042 - the mixin kind, whose str() is "Side.BUY" on 3.11
    BUY = "buy"


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_a_str_enum_member_travels_as_its_value_on_both_paths(encoding: str) -> None:
    params = {**ORDER, "type": Side.BUY}
    fused = BUILDERS[encoding].prepare(SUBMIT_ORDER, params)
    assert isinstance(fused, PendingSignature)
    body, _ = fused.signing_input(NONCE)
    assert body == general_draft(encoding, {**ORDER, "type": "buy"}).signing_input(NONCE)[0]
    # The general path (here taken because of the int) reduces the member the same way.
    mixed, _ = general_draft(encoding, {**params, "userref": 7}).signing_input(NONCE)
    assert (b'"type":"buy"' if encoding == "json" else b"&type=buy&") in mixed

"""exact_json.loads is json.loads(parse_float=Decimal): same values, same errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core import exact_json

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def reference(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


@given(
    value=_JSON,
    before=st.sampled_from(["", " ", "\n", "\t "]),
    after=st.sampled_from(["", " ", "\r\n"]),
)
def test_any_json_text_decodes_as_the_stdlib_does(value: Any, before: str, after: str) -> None:
    text = before + json.dumps(value) + after
    assert exact_json.loads(text) == reference(text)


def test_fractions_keep_their_exact_digits() -> None:
    decoded = exact_json.loads('{"price":"1.10","qty":30010.00,"n":7}')
    assert decoded == {"price": "1.10", "qty": Decimal("30010.00"), "n": 7}
    assert str(decoded["qty"]) == "30010.00"
    assert type(decoded["n"]) is int


@pytest.mark.parametrize("text", ["", " ", "{", '{"a":1} {"b":2}', "[1,]", "nul", '{"a":1}x'])
def test_what_the_stdlib_refuses_is_refused_with_its_message(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        reference(text)
    with pytest.raises(json.JSONDecodeError) as ours:
        exact_json.loads(text)
    assert str(ours.value) == str(expected.value)

"""The nonce floor: strictly increasing whatever time is handed in."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraken.core.auth.nonce import MAX_NONCE, NonceFloor, nanoseconds_from_milliseconds


@given(st.lists(st.integers(min_value=0, max_value=2**62), min_size=1, max_size=200))
def test_strictly_increasing_for_any_clock(times: list[int]) -> None:
    floor = NonceFloor()
    nonces = [floor.next(t) for t in times]
    assert all(b > a for a, b in itertools.pairwise(nonces))
    assert all(n >= t for n, t in zip(nonces, times, strict=True))


def test_follows_the_clock_when_it_moves_forward() -> None:
    floor = NonceFloor()
    assert floor.next(1_000) == 1_000
    assert floor.next(5_000) == 5_000
    assert floor.next(5_000) == 5_001  # same nanosecond
    assert floor.next(10) == 5_002  # clock stepped back


def test_refuses_to_leave_the_64_bit_range() -> None:
    floor = NonceFloor(MAX_NONCE)
    with pytest.raises(OverflowError):
        floor.next(0)


@pytest.mark.parametrize(
    ("milliseconds", "expected"),
    [(1616492376594, 1616492376594_000_000), (1.5, 1_500_000), (Decimal("2.25"), 2_250_000)],
)
def test_milliseconds_scale_exactly(milliseconds: float | int | Decimal, expected: int) -> None:
    assert nanoseconds_from_milliseconds(milliseconds) == expected

"""L2Book against a naive reference, plus truncation, repeats, mismatch and resync paths."""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.core.book import (
    BookState,
    BookUpdated,
    ChecksumMismatch,
    L2Book,
    ResyncGaveUp,
    ResyncNeeded,
)
from kraken.core.errors import KrakenUsageError

SYMBOL = "BTC/USD"


def ptext(tick: int) -> str:
    return f"{tick // 10}.{tick % 10}"


def qtext(units: int) -> str:
    return f"{units // 10**8}.{units % 10**8:08d}"


class NaiveBook:
    """The rules read literally: dicts, a full sort after every message, strings for the CRC."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.asks: dict[Decimal, tuple[str, str]] = {}
        self.bids: dict[Decimal, tuple[str, str]] = {}

    def apply(self, asks: list[tuple[str, str]], bids: list[tuple[str, str]]) -> None:
        for side, levels in ((self.asks, asks), (self.bids, bids)):
            for price, qty in levels:
                if Decimal(qty) == 0:
                    side.pop(Decimal(price), None)
                else:
                    side[Decimal(price)] = (price, qty)
        for side, best_first in (
            (self.asks, sorted(self.asks)),
            (self.bids, sorted(self.bids)[::-1]),
        ):
            for price in best_first[self.depth :]:
                del side[price]

    def top(self) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        bids = [(p, Decimal(self.bids[p][1])) for p in sorted(self.bids, reverse=True)]
        asks = [(p, Decimal(self.asks[p][1])) for p in sorted(self.asks)]
        return bids, asks

    def checksum(self) -> int:
        text = ""
        for side, order in ((self.asks, sorted(self.asks)), (self.bids, sorted(self.bids)[::-1])):
            for price in order[:10]:
                p, q = side[price]
                text += p.replace(".", "").lstrip("0") + q.replace(".", "").lstrip("0")
        return zlib.crc32(text.encode())

    def copy(self) -> NaiveBook:
        twin = NaiveBook(self.depth)
        twin.asks = dict(self.asks)
        twin.bids = dict(self.bids)
        return twin


def encode(levels: list[tuple[str, str]], mode: str) -> list[dict[str, Any]]:
    if mode == "str":
        return [{"price": p, "qty": q} for p, q in levels]
    return [{"price": Decimal(p), "qty": Decimal(q)} for p, q in levels]


# Quantities: zero often (deletes), tiny ones (str(Decimal) goes scientific), ordinary ones.
quantities = st.one_of(st.just(0), st.just(0), st.integers(1, 99), st.integers(1, 50 * 10**8))
levels_st = st.lists(st.tuples(st.integers(4000, 4060), quantities), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    depth=st.sampled_from([1, 3, 10, 12, 25]),
    mode=st.sampled_from(["decimal", "str"]),
    snapshot=st.tuples(levels_st, levels_st),
    messages=st.lists(st.tuples(levels_st, levels_st, st.integers(0, 9)), max_size=25),
)
def test_random_books_follow_the_reference(
    depth: int,
    mode: str,
    snapshot: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    messages: list[tuple[list[tuple[int, int]], list[tuple[int, int]], int]],
) -> None:
    def texts(levels: list[tuple[int, int]], side: str) -> list[tuple[str, str]]:
        # Bids below 5000 ticks, asks above: a book that does not cross.
        offset = 0 if side == "bids" else 1000
        return [(ptext(t + offset), qtext(q)) for t, q in levels]

    reference = NaiveBook(depth)
    asks, bids = texts(snapshot[0], "asks"), texts(snapshot[1], "bids")
    reference.apply(asks, bids)
    book = L2Book(SYMBOL, depth, max_resync_attempts=1000)
    book.apply(
        {
            "symbol": SYMBOL,
            "asks": encode(asks, mode),
            "bids": encode(bids, mode),
            "checksum": reference.checksum(),
        },
        is_snapshot=True,
    )
    assert book.synced
    for raw_asks, raw_bids, roll in messages:
        asks, bids = texts(raw_asks, "asks"), texts(raw_bids, "bids")
        before = reference.copy()
        reference.apply(asks, bids)
        corrupt = roll == 0  # one message in ten carries a wrong checksum
        expected = reference.checksum() ^ (1 if corrupt else 0)
        data = {
            "symbol": SYMBOL,
            "asks": encode(asks, mode),
            "bids": encode(bids, mode),
            "checksum": expected,
        }
        events = book.apply(data, is_snapshot=False)
        if corrupt:
            assert [type(e) for e in events] == [ChecksumMismatch, ResyncNeeded]
            reference = before  # withheld: the book shows its last verified state
            assert book.top(depth + 5) == reference.top()
            assert book.apply(data, is_snapshot=False) == []  # dropped until a snapshot
            resync = [(p, q) for p, q in reference.asks.values()]
            rebids = [(p, q) for p, q in reference.bids.values()]
            book.apply(
                {
                    "symbol": SYMBOL,
                    "asks": encode(resync, mode),
                    "bids": encode(rebids, mode),
                    "checksum": reference.checksum(),
                },
                is_snapshot=True,
            )
        else:
            assert events == [BookUpdated(SYMBOL, False, expected, None)]
        assert book.synced
        assert book.top(depth + 5) == reference.top()
        assert book.checksum() == reference.checksum()
        assert len(book) == len(reference.asks) + len(reference.bids)


def _snapshot(book: L2Book, asks: list[tuple[str, str]], bids: list[tuple[str, str]]) -> NaiveBook:
    reference = NaiveBook(book.depth)
    reference.apply(asks, bids)
    data = {
        "symbol": SYMBOL,
        "asks": encode(asks, "decimal"),
        "bids": encode(bids, "decimal"),
        "checksum": reference.checksum(),
    }
    assert book.apply(data, is_snapshot=True)[0] == BookUpdated(SYMBOL, True, reference.checksum())
    return reference


def _update(
    book: L2Book,
    reference: NaiveBook,
    asks: list[tuple[str, str]],
    bids: list[tuple[str, str]] | None = None,
    *,
    wrong: bool = False,
) -> list[Any]:
    bids = bids or []
    reference.apply(asks, bids)
    checksum = reference.checksum() + (1 if wrong else 0)
    data = {
        "symbol": SYMBOL,
        "asks": encode(asks, "decimal"),
        "bids": encode(bids, "decimal"),
        "checksum": checksum,
    }
    return book.apply(data, is_snapshot=False)


ASKS = [(ptext(5000 + i), qtext(10**8 + i)) for i in range(12)]
BIDS = [(ptext(4999 - i), qtext(2 * 10**8 + i)) for i in range(12)]


def test_snapshot_is_truncated_to_depth() -> None:
    book = L2Book(SYMBOL, 10)
    _snapshot(book, ASKS, BIDS)
    bids, asks = book.top(100)
    assert len(bids) == len(asks) == 10
    assert asks[-1][0] == Decimal(ASKS[9][0])
    assert bids[-1][0] == Decimal(BIDS[9][0])


def test_an_insert_pushes_the_worst_level_out() -> None:
    book = L2Book(SYMBOL, 10)
    reference = _snapshot(book, ASKS, BIDS)
    events = _update(book, reference, [("499.95", "1.00000000")], [("499.85", "3.00000000")])
    assert type(events[0]) is BookUpdated
    bids, asks = book.top(100)
    assert len(asks) == 10
    assert asks[0][0] == Decimal("499.95")
    assert asks[-1][0] == Decimal(ASKS[8][0])  # the old 10th ask fell off
    assert len(bids) == 10
    assert bids[-1][0] == Decimal(BIDS[8][0])


def test_several_updates_to_one_level_apply_in_order() -> None:
    book = L2Book(SYMBOL, 10)
    reference = _snapshot(book, ASKS, BIDS)
    price = ASKS[2][0]
    levels = [(price, "5.00000000"), (price, "0.00000000"), (price, "7.50000000")]
    assert type(_update(book, reference, levels)[0]) is BookUpdated
    assert dict(book.top(10)[1])[Decimal(price)] == Decimal("7.5")


def test_a_level_is_found_whatever_trailing_zeros_its_price_carries() -> None:
    book = L2Book(SYMBOL, 10)
    _snapshot(book, [("100.5", "1.00000000")], [("99.0", "1.00000000")])
    book.apply(
        {"asks": [{"price": "100.50", "qty": "2.0"}], "bids": [{"price": "99", "qty": "0"}]},
        is_snapshot=False,
    )
    assert book.top(10) == ([], [(Decimal("100.5"), Decimal("2.0"))])


def test_deleting_an_unknown_level_changes_nothing() -> None:
    book = L2Book(SYMBOL, 10)
    reference = _snapshot(book, ASKS, BIDS)
    before = book.top(10)
    assert type(_update(book, reference, [("900.0", "0.00000000")])[0]) is BookUpdated
    assert book.top(10) == before


def test_mismatch_withholds_the_update_and_asks_for_a_resync() -> None:
    book = L2Book(SYMBOL, 10)
    reference = _snapshot(book, ASKS, BIDS)
    before = book.top(10)
    checksum = book.checksum()
    events = _update(
        book, reference, [(ASKS[0][0], "0.00000000"), ("499.90", "4.00000000")], wrong=True
    )
    assert events[0] == ChecksumMismatch(SYMBOL, events[0].expected, events[0].computed, False)
    assert events[0].computed == reference.checksum()
    assert events[1] == ResyncNeeded(SYMBOL, "checksum", 1)
    assert book.top(10) == before
    assert book.checksum() == checksum
    assert book.state is BookState.AWAITING_SNAPSHOT
    assert not book.synced
    assert book.apply({"asks": [], "bids": [], "checksum": 0}, is_snapshot=False) == []


def test_resync_attempts_are_bounded_then_the_book_gives_up() -> None:
    book = L2Book(SYMBOL, 10, max_resync_attempts=3)
    answers = []
    for _ in range(3):
        reference = _snapshot(book, ASKS, BIDS)  # a verified snapshot does not clear the count
        answers.append(_update(book, reference, [(ASKS[1][0], "9.00000000")], wrong=True)[1])
    assert answers == [
        ResyncNeeded(SYMBOL, "checksum", 1),
        ResyncNeeded(SYMBOL, "checksum", 2),
        ResyncGaveUp(SYMBOL, 3),
    ]
    assert book.state is BookState.GAVE_UP
    assert book.failures == 3
    assert book.apply({"asks": [], "bids": []}, is_snapshot=False) == []
    book.reset()
    assert book.state is BookState.AWAITING_SNAPSHOT
    assert book.failures == 0
    assert len(book) == 0


def test_a_verified_update_clears_the_failure_count() -> None:
    book = L2Book(SYMBOL, 10, max_resync_attempts=2)
    reference = _snapshot(book, ASKS, BIDS)
    _update(book, reference, [(ASKS[1][0], "9.00000000")], wrong=True)
    reference = _snapshot(book, ASKS, BIDS)
    assert book.failures == 1
    assert type(_update(book, reference, [(ASKS[1][0], "8.00000000")])[0]) is BookUpdated
    assert book.failures == 0
    assert _update(book, reference, [(ASKS[1][0], "7.00000000")], wrong=True)[1] == ResyncNeeded(
        SYMBOL, "checksum", 1
    )


def test_a_snapshot_that_fails_keeps_the_previous_book() -> None:
    book = L2Book(SYMBOL, 10)
    _snapshot(book, ASKS, BIDS)
    before = book.top(10)
    data = {"symbol": SYMBOL, "asks": encode(ASKS[:3], "decimal"), "bids": [], "checksum": 1}
    events = book.apply(data, is_snapshot=True)
    assert [type(e) for e in events] == [ChecksumMismatch, ResyncNeeded]
    assert events[0].is_snapshot  # type: ignore[union-attr]
    assert book.top(10) == before


def test_updates_before_the_first_snapshot_are_dropped() -> None:
    book = L2Book(SYMBOL, 10)
    assert book.apply({"asks": encode(ASKS, "decimal"), "bids": []}, is_snapshot=False) == []
    assert len(book) == 0
    assert book.best_bid() is None
    assert book.spread() is None


def test_messages_without_a_checksum_apply_unverified() -> None:
    book = L2Book(SYMBOL, 10)
    book.apply({"asks": encode(ASKS[:2], "decimal"), "bids": []}, is_snapshot=True)
    assert book.apply(
        {"asks": encode(ASKS[2:3], "str"), "bids": [], "timestamp": "t"}, is_snapshot=False
    ) == [BookUpdated(SYMBOL, False, None, "t")]
    assert [p for p, _ in book.asks()] == [Decimal(p) for p, _ in ASKS[:3]]


def test_a_checksum_sent_as_a_string_is_compared_as_a_number() -> None:
    book = L2Book(SYMBOL, 10)
    reference = _snapshot(book, ASKS, BIDS)
    reference.apply([(ASKS[0][0], "3.00000000")], [])
    data = {
        "asks": encode([(ASKS[0][0], "3.00000000")], "str"),
        "bids": [],
        "checksum": str(reference.checksum()),
    }
    assert type(book.apply(data, is_snapshot=False)[0]) is BookUpdated


def test_iteration_reads_both_sides_best_first() -> None:
    book = L2Book(SYMBOL, 25)
    _snapshot(book, ASKS, BIDS)
    assert [p for p, _ in book.asks()] == sorted(Decimal(p) for p, _ in ASKS)
    assert [p for p, _ in book.bids()] == sorted((Decimal(p) for p, _ in BIDS), reverse=True)
    bids, asks = book.top(2)
    assert bids == [
        (Decimal("499.9"), Decimal("2.00000000")),
        (Decimal("499.8"), Decimal("2.00000001")),
    ]
    assert asks[0] == (Decimal("500.0"), Decimal("1.00000000"))
    assert book.top(0) == ([], [])


def test_a_malformed_level_is_refused_and_leaves_the_book_alone() -> None:
    book = L2Book(SYMBOL, 10)
    _snapshot(book, ASKS, BIDS)
    before = book.top(10)
    bad = {"asks": [{"price": "500.0", "qty": "1.0"}, {"price": "abc", "qty": "1.0"}], "bids": []}
    with pytest.raises(KrakenUsageError):
        book.apply(bad, is_snapshot=False)
    with pytest.raises(KrakenUsageError):
        book.apply({"asks": [{"price": "500.0"}], "bids": []}, is_snapshot=False)
    assert book.top(10) == before
    assert book.synced


def test_a_message_for_another_symbol_is_refused() -> None:
    with pytest.raises(KrakenUsageError, match="ETH/USD"):
        L2Book(SYMBOL, 10).apply({"symbol": "ETH/USD", "asks": [], "bids": []}, is_snapshot=True)


@pytest.mark.parametrize("depth", [0, -1, True, 1.5])
def test_depth_must_be_a_positive_int(depth: Any) -> None:
    with pytest.raises(KrakenUsageError):
        L2Book(SYMBOL, depth)


def test_max_resync_attempts_must_be_positive() -> None:
    with pytest.raises(KrakenUsageError):
        L2Book(SYMBOL, 10, max_resync_attempts=0)


def test_exponent_texts_are_checksummed_as_plain_digits() -> None:
    book = L2Book(SYMBOL, 10)
    reference = _snapshot(book, ASKS, BIDS)
    reference.apply([("500.0", "0.00000010")], [("499.9", "0.00000200")])
    data = {
        "asks": [{"price": "500.0", "qty": "1.0E-7"}],  # a JSON string in exponent form
        "bids": [{"price": Decimal("4.999E+2"), "qty": Decimal("0.00000200")}],
        "checksum": reference.checksum(),
    }
    assert type(book.apply(data, is_snapshot=False)[0]) is BookUpdated
    assert book.best_ask() == (Decimal("500.0"), Decimal("1.0E-7"))
    assert book.best_bid() == (Decimal("499.9"), Decimal("0.00000200"))

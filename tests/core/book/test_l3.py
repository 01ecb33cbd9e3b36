"""L3Book: queue order, add/modify/delete, its checksum, truncation and rollback."""

from __future__ import annotations

import json
import zlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.core.book import BookUpdated, ChecksumMismatch, L3Book, L3Order, ResyncNeeded
from kraken.core.errors import KrakenUsageError

SYMBOL = "MATIC/USD"


class NaiveL3:
    """Kraken's level3 rules read literally: lists in queue order, full sorts, string CRC."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.sides: dict[str, dict[Decimal, list[tuple[str, str, str]]]] = {"asks": {}, "bids": {}}

    def find(self, order_id: str) -> tuple[str, Decimal, int] | None:
        for name, side in self.sides.items():
            for price, queue in side.items():
                for i, (oid, _, _) in enumerate(queue):
                    if oid == order_id:
                        return name, price, i
        return None

    def apply(self, name: str, event: str, order_id: str, price: str, qty: str) -> None:
        where = self.find(order_id)
        if event == "delete" or Decimal(qty) == 0:
            if where:
                self._pop(*where)
            return
        if where:
            old_name, old_price, i = where
            old = self.sides[old_name][old_price][i]
            same = old_name == name and old_price == Decimal(price)
            if event == "modify" and same and Decimal(qty) <= Decimal(old[2]):
                self.sides[name][old_price][i] = (order_id, price, qty)
                return
            self._pop(*where)
        self.sides[name].setdefault(Decimal(price), []).append((order_id, price, qty))

    def _pop(self, name: str, price: Decimal, i: int) -> None:
        queue = self.sides[name][price]
        del queue[i]
        if not queue:
            del self.sides[name][price]

    def ordered(self, name: str) -> list[Decimal]:
        return sorted(self.sides[name], reverse=name == "bids")

    def truncate(self) -> None:
        for name in self.sides:
            for price in self.ordered(name)[self.depth :]:
                del self.sides[name][price]

    def checksum(self) -> int:
        text = ""
        for name in ("asks", "bids"):
            for price in self.ordered(name)[:10]:
                for _, p, q in self.sides[name][price]:
                    text += p.replace(".", "").lstrip("0") + q.replace(".", "").lstrip("0")
        return zlib.crc32(text.encode())

    def view(self) -> dict[str, list[tuple[Decimal, list[tuple[str, Decimal]]]]]:
        return {
            name: [
                (p, [(o, Decimal(q)) for o, _, q in self.sides[name][p]])
                for p in self.ordered(name)
            ]
            for name in self.sides
        }

    def copy(self) -> NaiveL3:
        twin = NaiveL3(self.depth)
        twin.sides = {n: {p: list(q) for p, q in s.items()} for n, s in self.sides.items()}
        return twin


def view(book: L3Book) -> dict[str, list[tuple[Decimal, list[tuple[str, Decimal]]]]]:
    return {
        "asks": [(p, [(o.order_id, o.qty) for o in orders]) for p, orders in book.asks()],
        "bids": [(p, [(o.order_id, o.qty) for o in orders]) for p, orders in book.bids()],
    }


def entry(event: str | None, order_id: str, price: str, qty: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "order_id": order_id,
        "limit_price": Decimal(price),
        "order_qty": Decimal(qty),
        "timestamp": "2026-05-01T12:00:00.000000000Z",
    }
    if event:
        item["event"] = event
    return item


def snapshot(book: L3Book, orders: list[tuple[str, str, str, str]]) -> NaiveL3:
    reference = NaiveL3(book.depth)
    for name, oid, price, qty in orders:
        reference.apply(name, "add", oid, price, qty)
    reference.truncate()
    data = {
        "symbol": SYMBOL,
        "checksum": reference.checksum(),
        "asks": [entry(None, o, p, q) for n, o, p, q in orders if n == "asks"],
        "bids": [entry(None, o, p, q) for n, o, p, q in orders if n == "bids"],
    }
    assert type(book.apply(data, is_snapshot=True)[0]) is BookUpdated
    return reference


def update(
    book: L3Book,
    reference: NaiveL3,
    changes: list[tuple[str, str, str, str, str]],
    *,
    wrong: bool = False,
) -> list[Any]:
    for name, event, oid, price, qty in changes:
        reference.apply(name, event, oid, price, qty)
    reference.truncate()
    data = {
        "symbol": SYMBOL,
        "checksum": reference.checksum() ^ (1 if wrong else 0),
        "asks": [entry(e, o, p, q) for n, e, o, p, q in changes if n == "asks"],
        "bids": [entry(e, o, p, q) for n, e, o, p, q in changes if n == "bids"],
    }
    return book.apply(data, is_snapshot=False)


BOOK = [
    ("bids", "B1", "0.5629", "111.56125344"),
    ("bids", "B2", "0.5625", "6390.19338000"),
    ("bids", "B3", "0.5625", "14084.50000000"),
    ("asks", "A1", "0.5630", "4422.99783570"),
    ("asks", "A2", "0.5630", "420.00000000"),
    ("asks", "A3", "0.5630", "490.00000000"),
    ("asks", "A4", "0.5635", "10.00000000"),
]


def test_the_snapshot_keeps_queue_order_and_the_checksum_walks_every_order() -> None:
    book = L3Book(SYMBOL, 10)
    reference = snapshot(book, BOOK)
    assert book.checksum() == reference.checksum()
    assert view(book) == reference.view()
    assert book.best_ask() == (Decimal("0.5630"), Decimal("5332.99783570"))
    assert book.best_bid() == (Decimal("0.5629"), Decimal("111.56125344"))
    assert book.spread() == Decimal("0.0001")
    assert book.queue_position("A3") == (2, Decimal("4842.99783570"))
    assert book.order("B3") == L3Order(
        "B3", Decimal("0.5625"), Decimal("14084.5"), "2026-05-01T12:00:00.000000000Z"
    )
    assert len(book) == len(BOOK)


def test_the_docs_message_shape_decodes_and_applies() -> None:
    text = (
        '{"channel":"level3","type":"update","data":[{"symbol":"MATIC/USD","checksum":%d,'
        '"timestamp":"2026-05-01T12:00:01.000000000Z","bids":[],"asks":[{"event":"delete",'
        '"order_id":"A1","limit_price":0.5630,"order_qty":4422.99783570,'
        '"timestamp":"2026-05-01T12:00:01.000000000Z"}]}]}'
    )
    book = L3Book(SYMBOL, 10)
    reference = snapshot(book, BOOK)
    reference.apply("asks", "delete", "A1", "0.5630", "4422.99783570")
    message = json.loads(text % reference.checksum(), parse_float=Decimal)
    [event] = book.apply(message["data"][0], is_snapshot=False)
    assert event == BookUpdated(
        SYMBOL, False, reference.checksum(), "2026-05-01T12:00:01.000000000Z"
    )
    assert book.queue_position("A2") == (0, Decimal(0))


def test_add_joins_the_back_and_modify_down_keeps_the_place() -> None:
    book = L3Book(SYMBOL, 10)
    reference = snapshot(book, BOOK)
    changes = [
        ("asks", "add", "A5", "0.5630", "1.00000000"),
        ("asks", "modify", "A1", "0.5630", "4000.00000000"),
    ]
    assert type(update(book, reference, changes)[0]) is BookUpdated
    assert [o.order_id for o in book.top(1)[1][0][1]] == ["A1", "A2", "A3", "A5"]


def test_modify_up_or_to_a_new_price_goes_to_the_back() -> None:
    book = L3Book(SYMBOL, 10)
    reference = snapshot(book, BOOK)
    changes = [
        ("asks", "modify", "A1", "0.5630", "5000.00000000"),
        ("bids", "modify", "B2", "0.5629", "1.00000000"),
    ]
    assert type(update(book, reference, changes)[0]) is BookUpdated
    assert [o.order_id for o in book.top(1)[1][0][1]] == ["A2", "A3", "A1"]
    assert [o.order_id for o in book.top(1)[0][0][1]] == ["B1", "B2"]
    assert book.order("B2") == L3Order(
        "B2", Decimal("0.5629"), Decimal(1), "2026-05-01T12:00:00.000000000Z"
    )


def test_deleting_the_last_order_removes_the_level() -> None:
    book = L3Book(SYMBOL, 10)
    reference = snapshot(book, BOOK)
    assert (
        type(update(book, reference, [("bids", "delete", "B1", "0.5629", "111.56125344")])[0])
        is BookUpdated
    )
    assert book.best_bid() == (Decimal("0.5625"), Decimal("20474.69338000"))
    assert book.order("B1") is None
    assert book.queue_position("B1") is None


def test_truncation_counts_price_levels_and_forgets_their_orders() -> None:
    book = L3Book(SYMBOL, 1)
    reference = snapshot(book, BOOK)
    assert [p for p, _ in book.asks()] == [Decimal("0.5630")]
    assert book.order("A4") is None
    assert (
        type(update(book, reference, [("asks", "add", "A9", "0.5628", "2.00000000")])[0])
        is BookUpdated
    )
    assert [p for p, _ in book.asks()] == [Decimal("0.5628")]
    assert book.order("A1") is None
    assert len(book) == 2


def test_a_mismatch_restores_orders_queues_and_lookups() -> None:
    book = L3Book(SYMBOL, 2)
    reference = snapshot(book, BOOK)
    before = view(book)
    checksum = book.checksum()
    changes = [
        ("asks", "delete", "A2", "0.5630", "420.00000000"),
        ("asks", "modify", "A1", "0.5635", "1.00000000"),
        ("asks", "add", "A7", "0.5620", "3.00000000"),
        ("bids", "add", "B9", "0.5628", "3.00000000"),
    ]
    events = update(book, reference, changes, wrong=True)
    assert [type(e) for e in events] == [ChecksumMismatch, ResyncNeeded]
    assert view(book) == before
    assert book.checksum() == checksum
    assert book.order("A7") is None
    assert book.queue_position("A2") == (1, Decimal("4422.99783570"))
    assert book.order("A1") == L3Order(
        "A1", Decimal("0.5630"), Decimal("4422.99783570"), "2026-05-01T12:00:00.000000000Z"
    )
    assert book.order("B3") is not None
    assert book.apply({"asks": [], "bids": []}, is_snapshot=False) == []


def test_a_message_for_another_symbol_is_refused() -> None:
    with pytest.raises(KrakenUsageError):
        L3Book(SYMBOL, 10).apply({"symbol": "BTC/USD"}, is_snapshot=True)


ids = st.sampled_from([f"O{i}" for i in range(12)])
changes_st = st.lists(
    st.tuples(
        st.sampled_from(["asks", "bids"]),
        st.sampled_from(["add", "add", "modify", "delete"]),
        ids,
        st.integers(0, 5),
        st.integers(0, 400),
    ),
    max_size=6,
)


@settings(max_examples=120, deadline=None)
@given(
    depth=st.sampled_from([1, 2, 10, 12]),
    seed=changes_st,
    messages=st.lists(st.tuples(changes_st, st.integers(0, 7)), max_size=15),
)
def test_random_level3_feeds_follow_the_reference(
    depth: int,
    seed: list[tuple[str, str, str, int, int]],
    messages: list[tuple[list[tuple[str, str, str, int, int]], int]],
) -> None:
    def texts(change: tuple[str, str, str, int, int]) -> tuple[str, str, str, str, str]:
        name, event, oid, tick, qty = change
        oid = name[0] + oid  # an order never changes side
        price = f"{(100 + tick) if name == 'bids' else (200 + tick)}.{tick}"
        return name, event, oid, price, f"{qty / 100:.8f}"

    book = L3Book(SYMBOL, depth, max_resync_attempts=1000)
    reference = NaiveL3(depth)
    update_rows = [texts(c) for c in seed]
    for name, event, oid, price, qty in update_rows:
        reference.apply(name, "add" if event != "delete" else "delete", oid, price, qty)
    reference.truncate()
    rows = [
        (n, o, p, q)
        for n, side in reference.sides.items()
        for p_, queue in side.items()
        for o, p, q in queue
    ]
    book.apply(
        {
            "symbol": SYMBOL,
            "checksum": reference.checksum(),
            "asks": [entry(None, o, p, q) for n, o, p, q in rows if n == "asks"],
            "bids": [entry(None, o, p, q) for n, o, p, q in rows if n == "bids"],
        },
        is_snapshot=True,
    )
    assert view(book) == reference.view()
    for changes, roll in messages:
        before = reference.copy()
        events = update(book, reference, [texts(c) for c in changes], wrong=roll == 0)
        if roll == 0:
            assert [type(e) for e in events] == [ChecksumMismatch, ResyncNeeded]
            reference = before
            assert view(book) == reference.view()
            rows = [
                (n, o, p, q)
                for n, side in reference.sides.items()
                for p_, queue in side.items()
                for o, p, q in queue
            ]
            book.apply(
                {
                    "symbol": SYMBOL,
                    "checksum": reference.checksum(),
                    "asks": [entry(None, o, p, q) for n, o, p, q in rows if n == "asks"],
                    "bids": [entry(None, o, p, q) for n, o, p, q in rows if n == "bids"],
                },
                is_snapshot=True,
            )
        else:
            assert type(events[0]) is BookUpdated
        assert view(book) == reference.view()
        assert book.checksum() == reference.checksum()
        for side in reference.sides.values():
            for queue in side.values():
                for i, (oid, _, _) in enumerate(queue):
                    assert book.queue_position(oid)[0] == i  # type: ignore[index]


def test_a_malformed_message_leaves_the_book_alone() -> None:
    book = L3Book(SYMBOL, 10)
    snapshot(book, BOOK)
    before = view(book)
    bad = {
        "asks": [entry("delete", "A1", "0.5630", "1"), {"event": "add", "order_id": "A8"}],
        "bids": [],
    }
    with pytest.raises(KrakenUsageError):
        book.apply(bad, is_snapshot=False)
    with pytest.raises(KrakenUsageError):
        book.apply({"asks": [], "bids": [], "checksum": "x"}, is_snapshot=True)
    assert view(book) == before
    assert book.order("A1") is not None
    assert book.synced

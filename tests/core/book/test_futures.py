"""FuturesBook: snapshot then one-level deltas, sequence gaps and bounded resyncs."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from kraken.core.book import (
    BookState,
    BookUpdated,
    FuturesBook,
    ResyncGaveUp,
    ResyncNeeded,
    SequenceGap,
)
from kraken.core.errors import KrakenUsageError

PRODUCT = "PF_XBTUSD"
# The documented snapshot example (https://docs.kraken.com/api/docs/futures-api/websocket/book).
SNAPSHOT = (
    '{"feed":"book_snapshot","product_id":"PF_XBTUSD","timestamp":1612269825817,"seq":326072249,'
    '"tickSize":null,"bids":[{"price":34892.5,"qty":6385},{"price":34892,"qty":10924}],'
    '"asks":[{"price":34911.5,"qty":20598},{"price":34912,"qty":2300}]}'
)


def delta(seq: int, side: str, price: Any, qty: Any) -> dict[str, Any]:
    return {
        "feed": "book",
        "product_id": PRODUCT,
        "side": side,
        "seq": seq,
        "price": price,
        "qty": qty,
        "timestamp": 1612269953629,
    }


def fresh(**kwargs: Any) -> FuturesBook:
    book = FuturesBook(PRODUCT, **kwargs)
    [event] = book.apply(json.loads(SNAPSHOT, parse_float=Decimal))
    assert event == BookUpdated(PRODUCT, True, None, 1612269825817, 326072249)
    return book


def test_the_documented_snapshot_loads() -> None:
    book = fresh()
    assert book.best_bid() == (Decimal("34892.5"), Decimal(6385))
    assert book.best_ask() == (Decimal("34911.5"), Decimal(20598))
    assert book.spread() == Decimal(19)
    assert book.seq == 326072249
    assert book.synced


def test_deltas_in_sequence_set_and_delete_levels() -> None:
    book = fresh()
    assert book.apply(delta(326072250, "buy", Decimal("34895.0"), 12)) == [
        BookUpdated(PRODUCT, False, None, 1612269953629, 326072250)
    ]
    book.apply(delta(326072251, "sell", Decimal("34911.5"), 0))
    book.apply(delta(326072252, "sell", 34913.5, 1.5))  # plain floats work too: no checksum here
    bids, asks = book.top(10)
    assert bids[0] == (Decimal("34895.0"), Decimal(12))
    assert asks == [(Decimal(34912), Decimal(2300)), (Decimal("34913.5"), Decimal("1.5"))]
    assert [p for p, _ in book.bids()] == [Decimal("34895.0"), Decimal("34892.5"), Decimal(34892)]
    assert [p for p, _ in book.asks()] == [Decimal(34912), Decimal("34913.5")]
    assert len(book) == 5
    assert book.seq == 326072252


def test_a_gap_keeps_the_book_and_asks_for_a_snapshot() -> None:
    book = fresh()
    before = book.top(10)
    events = book.apply(delta(326072252, "buy", 1, 1))
    assert events == [
        SequenceGap(PRODUCT, 326072250, 326072252),
        ResyncNeeded(PRODUCT, "sequence", 1),
    ]
    assert book.top(10) == before
    assert book.state is BookState.AWAITING_SNAPSHOT
    assert book.apply(delta(326072253, "buy", 1, 1)) == []
    book.apply(json.loads(SNAPSHOT, parse_float=Decimal))
    assert book.synced
    assert book.failures == 1
    book.apply(delta(326072250, "buy", 1, 1))
    assert book.failures == 0


def test_gaps_are_bounded() -> None:
    book = fresh(max_resync_attempts=2)
    assert book.apply(delta(5, "buy", 1, 1))[1] == ResyncNeeded(PRODUCT, "sequence", 1)
    book.apply(json.loads(SNAPSHOT, parse_float=Decimal))
    assert book.apply(delta(5, "buy", 1, 1))[1] == ResyncGaveUp(PRODUCT, 2)
    assert book.state is BookState.GAVE_UP
    book.reset()
    assert book.state is BookState.AWAITING_SNAPSHOT
    assert book.seq is None
    assert len(book) == 0


def test_a_repeated_sequence_number_is_a_gap_too() -> None:
    book = fresh()
    assert isinstance(book.apply(delta(326072249, "buy", 1, 1))[0], SequenceGap)


def test_another_product_is_refused() -> None:
    with pytest.raises(KrakenUsageError):
        fresh().apply(delta(326072250, "buy", 1, 1) | {"product_id": "PF_ETHUSD"})


def test_product_ids_compare_without_case() -> None:
    book = FuturesBook("pf_xbtusd")
    assert book.apply(json.loads(SNAPSHOT))[0].is_snapshot  # type: ignore[union-attr]


def test_garbage_values_are_refused() -> None:
    with pytest.raises(KrakenUsageError):
        fresh().apply(delta(326072250, "buy", "abc", 1))

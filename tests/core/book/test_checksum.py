"""Kraken's book CRC32: the official V5/V7 vectors, the text rules, and float padding."""

from __future__ import annotations

import json
import zlib
from decimal import Decimal

import pytest

from kraken.core.book import L2Book, checksum_of, crc_fragment, number_and_text
from kraken.core.errors import KrakenUsageError
from tests.book_vectors import V5_ASKS, V5_BIDS, V5_CHECKSUM, levels_json

V7_ASKS_STRING = (
    "45285210000045286415457195345286615457110945289615456091145290215890660452918154553491"
    "452947445474945296135380000452975994554245299518772827"
)
V7_BIDS_STRING = (
    "45283510000000452834154582015452821100000004528101000000045280315459258645279079900004"
    "5277633101034527753000000045277315460273745276615445238"
)


def _wire(asks: list[tuple[str, str]], bids: list[tuple[str, str]], checksum: int) -> str:
    """The snapshot as Kraken puts it on the wire: prices and quantities are JSON numbers."""
    return (
        f'{{"channel":"book","type":"snapshot","data":[{{"symbol":"BTC/USD",'
        f'"bids":{levels_json(bids)},"asks":{levels_json(asks)},"checksum":{checksum}}}]}}'
    )


def test_v7_raw_crc_of_the_official_strings() -> None:
    assert zlib.crc32((V7_ASKS_STRING + V7_BIDS_STRING).encode()) == V5_CHECKSUM


def test_v5_from_the_level_strings() -> None:
    assert checksum_of(V5_ASKS, V5_BIDS) == V5_CHECKSUM


def test_v5_from_decimals_decoded_off_the_wire() -> None:
    message = json.loads(_wire(V5_ASKS, V5_BIDS, V5_CHECKSUM), parse_float=Decimal)
    book = L2Book("BTC/USD", 10)
    [event] = book.apply(message["data"][0], is_snapshot=True)
    assert event.checksum == V5_CHECKSUM  # type: ignore[union-attr]
    assert book.checksum() == V5_CHECKSUM
    assert book.synced
    assert book.best_ask() == (Decimal("45285.2"), Decimal("0.00100000"))
    assert book.best_bid() == (Decimal("45283.5"), Decimal("0.10000000"))
    assert book.spread() == Decimal("1.7")


def test_v5_from_json_strings() -> None:
    data = {
        "symbol": "BTC/USD",
        "asks": [{"price": p, "qty": q} for p, q in V5_ASKS],
        "bids": [{"price": p, "qty": q} for p, q in V5_BIDS],
        "checksum": V5_CHECKSUM,
    }
    book = L2Book("BTC/USD", 25)
    assert book.apply(data, is_snapshot=True)[0].checksum == V5_CHECKSUM  # type: ignore[union-attr]


def test_the_first_level_step_of_the_guide() -> None:
    assert crc_fragment("45285.2") + crc_fragment("0.00100000") == "452852100000"


@pytest.mark.parametrize("text", ["0", "0.0", "0.00000000"])
def test_zero_strips_to_nothing(text: str) -> None:
    assert crc_fragment(text) == ""


def test_scientific_decimals_are_written_out() -> None:
    # str(Decimal("0.00000010")) is "1.0E-7": the checksum needs the plain digits.
    assert number_and_text(Decimal("0.00000010"), None)[1] == "0.00000010"
    assert number_and_text(Decimal("1E-7"), None)[1] == "0.0000001"
    assert number_and_text("1.0E-7", None)[1] == "0.00000010"


def test_precision_pads_but_never_rounds() -> None:
    assert number_and_text(Decimal("0.5"), 8)[1] == "0.50000000"
    assert number_and_text("12", 2)[1] == "12.00"
    assert number_and_text(Decimal("0.123456789"), 4)[1] == "0.123456789"


def test_only_the_top_ten_levels_count() -> None:
    extra = [("45300.0", "9.00000000")]
    assert checksum_of([*V5_ASKS, *extra], V5_BIDS) == V5_CHECKSUM


def _rule(
    asks: list[tuple[float, float]], bids: list[tuple[float, float]], pp: int, qp: int
) -> int:
    """The checksum rule written out independently for a float book: pad, strip, CRC."""
    text = ""
    for price, qty in sorted(asks)[:10] + sorted(bids, reverse=True)[:10]:
        text += f"{price:.{pp}f}".replace(".", "").lstrip("0")
        text += f"{qty:.{qp}f}".replace(".", "").lstrip("0")
    return zlib.crc32(text.encode()) & 0xFFFFFFFF


FLOAT_ASKS = [(0.5656, 4000.0), (0.5657, 250.5), (0.566, 1.25), (0.5661, 0.1), (0.57, 12.0)]
FLOAT_BIDS = [(0.5655, 1000.0), (0.565, 33.333), (0.5645, 0.5), (0.56, 7.0)]


def test_a_float_book_needs_the_pair_precisions() -> None:
    expected = _rule(FLOAT_ASKS, FLOAT_BIDS, 4, 8)
    assert checksum_of(FLOAT_ASKS, FLOAT_BIDS, price_precision=4, qty_precision=8) == expected
    naive = zlib.crc32(
        "".join(
            repr(v).replace(".", "").lstrip("0")
            for level in (*FLOAT_ASKS, *FLOAT_BIDS)
            for v in level
        ).encode()
    )
    assert naive != expected  # repr() loses the padding Kraken's text has
    with pytest.raises(KrakenUsageError, match="precision"):
        checksum_of(FLOAT_ASKS, FLOAT_BIDS)


def test_a_float_feed_keeps_a_book_verified() -> None:
    book = L2Book("MATIC/USD", 10, price_precision=4, qty_precision=8)
    snapshot = {
        "symbol": "MATIC/USD",
        "asks": [{"price": p, "qty": q} for p, q in FLOAT_ASKS],
        "bids": [{"price": p, "qty": q} for p, q in FLOAT_BIDS],
        "checksum": _rule(FLOAT_ASKS, FLOAT_BIDS, 4, 8),
    }
    assert book.apply(snapshot, is_snapshot=True)[0].is_snapshot
    asks = [(0.5656, 3999.5), *FLOAT_ASKS[1:3], *FLOAT_ASKS[4:]]  # 0.5661 gone, 0.5656 changed
    bids = [(0.5652, 2.0), *FLOAT_BIDS]
    update = {
        "symbol": "MATIC/USD",
        "asks": [{"price": 0.5656, "qty": 3999.5}, {"price": 0.5661, "qty": 0.0}],
        "bids": [{"price": 0.5652, "qty": 2.0}],
        "checksum": _rule(asks, bids, 4, 8),
    }
    [event] = book.apply(update, is_snapshot=False)
    assert type(event).__name__ == "BookUpdated"
    assert book.best_bid() == (Decimal("0.5655"), Decimal("1000.00000000"))
    assert len(book) == len(asks) + len(bids)


def test_a_float_feed_without_precisions_is_refused() -> None:
    book = L2Book("MATIC/USD", 10)
    with pytest.raises(KrakenUsageError, match="precision"):
        book.apply({"asks": [{"price": 0.5, "qty": 1.0}], "bids": []}, is_snapshot=True)

"""Kraken's official Spot v2 book checksum example, shared by the book, client, CLI and fake tests.

From the "Spot WebSocket v2: book checksum" guide (../shared/reference/protocol.md section 4.7):
the top ten asks and bids of a BTC/USD book and the CRC32 Kraken computes for them.
"""

from __future__ import annotations

from collections.abc import Sequence

V5_ASKS = [
    ("45285.2", "0.00100000"),
    ("45286.4", "1.54571953"),
    ("45286.6", "1.54571109"),
    ("45289.6", "1.54560911"),
    ("45290.2", "0.15890660"),
    ("45291.8", "1.54553491"),
    ("45294.7", "0.04454749"),
    ("45296.1", "0.35380000"),
    ("45297.5", "0.09945542"),
    ("45299.5", "0.18772827"),
]
V5_BIDS = [
    ("45283.5", "0.10000000"),
    ("45283.4", "1.54582015"),
    ("45282.1", "0.10000000"),
    ("45281.0", "0.10000000"),
    ("45280.3", "1.54592586"),
    ("45279.0", "0.07990000"),
    ("45277.6", "0.03310103"),
    ("45277.5", "0.30000000"),
    ("45277.3", "1.54602737"),
    ("45276.6", "0.15445238"),
]
V5_CHECKSUM = 3310070434


def levels_json(side: Sequence[tuple[str, str]]) -> str:
    """A side as Kraken's wire writes it: JSON numbers with their exact digits."""
    return "[" + ",".join(f'{{"price":{p},"qty":{q}}}' for p, q in side) + "]"

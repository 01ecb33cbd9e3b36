"""Shared by the CLI tests: run ``kraken`` in-process, and a Kraken-like v2 book server."""

from __future__ import annotations

import base64
import io
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kraken.cli import main
from tests.book_vectors import V5_ASKS, V5_BIDS, V5_CHECKSUM, levels_json

KEY = "cli-test-key"
SECRET = base64.b64encode(bytes(range(64))).decode()
FUTURES_KEY = "cli-futures-key"
FUTURES_SECRET = base64.b64encode(bytes(range(64, 128))).decode()
CREDENTIALS = {"KRAKEN_API_KEY": KEY, "KRAKEN_API_SECRET": SECRET}


@dataclass
class Run:
    """What one ``kraken`` run left behind."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def assert_no_secrets(self, *values: str) -> None:
        for value in (SECRET, FUTURES_SECRET, KEY, FUTURES_KEY, *values):
            assert value not in self.out, "a credential reached stdout"
            assert value not in self.err, "a credential reached stderr"


def kraken(*argv: str, env: Mapping[str, str] | None = None) -> Run:
    """Run the CLI in-process with captured output and exactly ``env`` as the environment."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=dict(env or {}), stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


# --- an independent book: Kraken's checksum rule written out again, sharing nothing with kraken.


def _fragment(text: str) -> str:
    return text.replace(".", "").lstrip("0")


def crc(asks: Sequence[tuple[str, str]], bids: Sequence[tuple[str, str]]) -> int:
    """CRC32 over the top 10 asks (low to high) then the top 10 bids (high to low)."""
    text = "".join(_fragment(p) + _fragment(q) for p, q in list(asks)[:10])
    text += "".join(_fragment(p) + _fragment(q) for p, q in list(bids)[:10])
    return zlib.crc32(text.encode())


def book_frame(
    kind: str,
    asks: Sequence[tuple[str, str]],
    bids: Sequence[tuple[str, str]],
    checksum: int,
    symbol: str = "BTC/USD",
) -> str:
    """A ``book`` channel message as Kraken writes it."""
    return (
        f'{{"channel":"book","type":"{kind}","data":[{{"symbol":"{symbol}",'
        f'"bids":{levels_json(bids)},"asks":{levels_json(asks)},"checksum":{checksum},'
        f'"timestamp":"2026-01-01T00:00:00.000000Z"}}]}}'
    )


@dataclass
class BookScript:
    """A v2 server for one symbol: snapshot, then ``updates`` (each a full frame text).

    ``bad_first_update`` sends a wrong checksum once, on the first connection's first update.
    Records what it received so tests can check the resync (unsubscribe, then subscribe).
    """

    updates: list[str] = field(default_factory=list)
    bad_first_update: bool = False
    refuse: str | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    snapshots_sent: int = 0

    async def handler(self, conn: Any) -> None:
        await conn.send(
            '{"channel":"status","type":"update","data":[{"system":"online","api_version":"v2"}]}'
        )
        async for raw in conn:
            message = json.loads(raw)
            self.received.append(message)
            method = message.get("method")
            req_id = message.get("req_id")
            if method == "ping":
                await conn.send(json.dumps({"method": "pong", "req_id": req_id}))
                continue
            params = message.get("params") or {}
            ack: dict[str, Any] = {"method": method, "req_id": req_id}
            if self.refuse is not None and method == "subscribe":
                await conn.send(json.dumps(ack | {"success": False, "error": self.refuse}))
                continue
            symbol = (params.get("symbol") or ["BTC/USD"])[0]
            result = {"channel": params.get("channel"), "symbol": symbol}
            await conn.send(json.dumps(ack | {"success": True, "result": result}))
            if method == "subscribe" and params.get("channel") == "book":
                await self._play(conn)
            elif method == "subscribe" and params.get("channel") == "ticker":
                for last in ("45284.1", "45284.2", "45284.3"):
                    await conn.send(
                        '{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD",'
                        f'"bid":45283.5,"ask":45285.2,"last":{last}}}]}}'
                    )

    async def _play(self, conn: Any) -> None:
        first = self.snapshots_sent == 0
        self.snapshots_sent += 1
        await conn.send(book_frame("snapshot", V5_ASKS, V5_BIDS, V5_CHECKSUM))
        if first and self.bad_first_update:
            await conn.send(book_frame("update", [], [("45283.5", "0.2")], 12345))
            return  # the client must resubscribe; the next snapshot plays the updates
        for frame in self.updates:
            await conn.send(frame)


def good_updates() -> list[str]:
    """Three updates with checksums computed by :func:`crc` from the evolving book."""
    asks = dict(V5_ASKS)
    bids = dict(V5_BIDS)
    frames = []
    changes: list[tuple[str, str, str]] = [
        ("bids", "45283.5", "0.25000000"),  # a quantity changes
        ("asks", "45284.9", "0.50000000"),  # a new best ask: the spread narrows
        ("bids", "45283.4", "0"),  # a level goes away
    ]
    for side, price, qty in changes:
        book = bids if side == "bids" else asks
        if qty == "0":
            book.pop(price)
        else:
            book[price] = qty
        ordered_asks = sorted(asks.items(), key=lambda kv: float(kv[0]))
        ordered_bids = sorted(bids.items(), key=lambda kv: -float(kv[0]))
        level = [(price, qty)]
        frames.append(
            book_frame(
                "update",
                level if side == "asks" else [],
                level if side == "bids" else [],
                crc(ordered_asks, ordered_bids),
            )
        )
    return frames

"""B4: a verified L2 book update per message (apply + CRC32 check) at depths 10, 100 and 1000.

The feed generator and the stdlib ``RefBook`` are tools/book_timing.py's, imported rather than
copied: a synthetic Spot v2 ``book`` feed with exact checksums (half the changes in the top 10),
decoded with ``parse_float=Decimal`` for ours and the reference as our WebSocket layer does, and
with plain ``json.loads`` for python-kraken-sdk (its client gets floats). Every timing starts a
fresh book, applies the snapshot untimed, then times every update; a book that loses sync (a
checksum mismatch) stops the run, so every implementation is checked to do the verified work.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import sys
import time
import types
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from common import Case

ROW = "B4"
DEPTHS = (10, 100, 1000)
SEED = 6
TOP_SHARE = 0.5
PKS_MESSAGES = 200_000  # python-kraken-sdk gets at most this // depth updates per timing
TOOL = Path(__file__).resolve().parents[2] / "tools" / "book_timing.py"


@cache
def tool(peers: bool = False) -> types.ModuleType:
    """tools/book_timing.py as a module (under a private name).

    It imports our ``kraken.core.book`` at the top; in the peers' process ``kraken`` is
    python-kraken-sdk, so there the import is served by a placeholder module for the duration
    of the load, and the repository root it prepends to ``sys.path`` is taken off again (it
    would shadow python-kraken-sdk for later imports).
    """
    spec = importlib.util.spec_from_file_location("_bench_book_timing", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    shims: list[str] = []
    if peers:
        import kraken  # python-kraken-sdk, imported before the tool touches sys.path

        for name in ("kraken.core", "kraken.core.book"):
            if name not in sys.modules:
                sys.modules[name] = types.ModuleType(name)
                shims.append(name)
        sys.modules["kraken.core.book"].L2Book = None  # type: ignore[attr-defined]
        del kraken
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path
        for name in shims:
            del sys.modules[name]
    return module


@cache
def feed(depth: int, messages: int, peers: bool = False) -> list[str]:
    """The snapshot and ``messages`` updates as JSON text (same seed in both processes)."""
    lines: list[str] = tool(peers).make_feed(depth, messages, SEED, TOP_SHARE)
    return lines


def _timed(
    make: Callable[[], Callable[..., object]],
    check: Callable[[], str | None],
    depth: int,
    peers: bool = False,
    keyword: bool = False,
) -> Callable[[int, int, int], list[float]]:
    """A measurement: per timing a fresh book, snapshot untimed, then ``n`` updates timed."""

    def run(n: int, repeats: int, warmup: int) -> list[float]:
        items = tool(peers).decode(feed(depth, n, peers))
        out: list[float] = []
        perf = time.perf_counter
        for attempt in range(repeats + 1):  # the first pass is the warm-up
            apply = make()
            updates = items[1:]
            if keyword:  # L2Book.apply takes is_snapshot by keyword only
                apply(items[0], is_snapshot=True)
                gc.collect()
                start = perf()
                for item in updates:
                    apply(item, is_snapshot=False)
                elapsed = perf() - start
            else:
                apply(items[0], True)
                gc.collect()
                start = perf()
                for item in updates:
                    apply(item, False)
                elapsed = perf() - start
            problem = check()
            if problem:
                raise AssertionError(f"B4 depth {depth}: {problem}")
            if attempt:
                out.append(elapsed / len(updates) * 1e6)
        return out

    return run


def _ref_case(depth: int, peers: bool = False) -> Case:
    holder: list[Any] = []

    def make() -> Callable[[Mapping[str, Any], bool], object]:
        holder[:] = [tool(peers).RefBook(depth)]
        apply: Callable[[Mapping[str, Any], bool], object] = holder[0].apply
        return apply

    def check() -> str | None:
        bad = holder[0].bad
        return f"RefBook saw {bad} checksum mismatches" if bad else None

    return Case(
        f"ref_d{depth}" + ("@peers" if peers else ""),
        ROW,
        f"stdlib RefBook (int ticks + bisect + CRC), depth {depth}"
        + (" [peers' process: control]" if peers else ""),
        "ref",
        body=f"depth {depth}",
        run_async=_timed(make, check, depth, peers),
    )


def ours_cases() -> list[Case]:
    from kraken.core.book import L2Book

    symbol = tool().SYMBOL
    cases: list[Case] = []
    for depth in DEPTHS:
        holder: list[Any] = []

        def make(depth: int = depth, holder: list[Any] = holder) -> Callable[..., object]:
            holder[:] = [L2Book(symbol, depth)]
            apply: Callable[..., object] = holder[0].apply
            return apply

        def check(holder: list[Any] = holder) -> str | None:
            book = holder[0]
            return None if book.synced and not book.failures else f"L2Book lost sync: {book!r}"

        cases.append(
            Case(
                f"ours_d{depth}",
                ROW,
                f"ours: L2Book.apply, depth {depth}",
                "ours",
                body=f"depth {depth}",
                run_async=_timed(make, check, depth, keyword=True),
            )
        )
        cases.append(_ref_case(depth))
    return cases


_PKS_NOTE = (
    "python-kraken-sdk SpotOrderBookClient.on_message awaited in a running asyncio loop, callback"
    " a no-op coroutine, get_asset_pairs replaced by the pair's decimals (no REST); fed floats;"
    " times the first min(N, 200000 / depth) updates of the same feed"
)


def _pks_case(depth: int) -> Case:
    import asyncio

    from kraken.spot import SpotOrderBookClient

    async def noop(pair: Any, message: Any) -> None:
        return None

    def run(n: int, repeats: int, warmup: int) -> list[float]:
        # Its cost grows with the depth (~0.8 ms a message at 1000): time the first updates of
        # the same feed (same seed, so a prefix of what ours gets) to keep a timing under ~0.5 s.
        lines = feed(depth, min(n, PKS_MESSAGES // depth), True)
        msgs = [json.loads(line) for line in lines]
        symbol = msgs[0]["data"][0]["symbol"]
        out: list[float] = []

        async def main() -> None:
            perf = time.perf_counter
            for attempt in range(repeats + 1):  # the first pass is the warm-up
                client = SpotOrderBookClient(depth=depth, callback=noop)
                client._SpotOrderBookClient__market.get_asset_pairs = lambda pair: {
                    pair: {"pair_decimals": 1, "lot_decimals": 8}
                }
                await client.on_message(msgs[0])
                on_message = client.on_message
                gc.collect()
                start = perf()
                for m in msgs[1:]:
                    await on_message(m)
                elapsed = perf() - start
                if not client.get(symbol)["valid"]:
                    raise AssertionError(f"B4 depth {depth}: python-kraken-sdk lost sync")
                if attempt:
                    out.append(elapsed / (len(msgs) - 1) * 1e6)

        asyncio.run(main())
        return out

    return Case(
        f"pks_d{depth}",
        ROW,
        f"python-kraken-sdk SpotOrderBookClient.on_message, depth {depth}",
        "peer",
        body=f"depth {depth}",
        note=_PKS_NOTE,
        run_async=run,
    )


def peer_cases() -> list[Case]:
    cases: list[Case] = []
    for depth in DEPTHS:
        cases.append(_pks_case(depth))
        cases.append(_ref_case(depth, peers=True))
    return cases

"""``kraken book SYMBOL``: a live, checksum-verified L2 order book in the terminal.

The book is :class:`kraken.core.book.L2Book`, fed the ``book`` channel's messages from a
:class:`~kraken.WebsocketClient` subscription. Every message is verified against Kraken's CRC32
(https://docs.kraken.com/api/docs/guides/spot-ws-book-v2); on a mismatch the book keeps its last
verified state and the CLI resubscribes for a fresh snapshot. The view shows the top levels,
the spread, the checksum status and how long ago the last verified update arrived.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kraken.cli.feed import Feed
from kraken.cli.output import Output, to_jsonable
from kraken.core.book import (
    BookState,
    BookUpdated,
    ChecksumMismatch,
    L2Book,
    ResyncGaveUp,
    ResyncNeeded,
)
from kraken.core.errors import KrakenTransportError, KrakenUsageError
from kraken.core.ws.keys import Family

__all__ = ["DEPTHS", "BookView", "run_book"]

DEPTHS = (10, 25, 100, 500, 1000)
"""The depths Kraken's ``book`` channel offers (https://docs.kraken.com/api/docs/websocket-v2/book)."""


class BookView:
    """What the screen shows: the book plus counters; thread-safe (rich redraws from a thread).

    Args:
        book: the book being fed.
        rows: how many levels per side to draw.
        clock: monotonic seconds (the age of the last update is measured with it).
    """

    def __init__(self, book: L2Book, rows: int, clock: Any = time.monotonic) -> None:
        self.book = book
        self.rows = rows
        self.clock = clock
        self.lock = threading.Lock()
        self.updates = 0
        self.resyncs = 0
        self.mismatches = 0
        self.last_update: float | None = None
        self.last_checksum: int | None = None

    def status(self) -> str:
        """One phrase for the checksum state."""
        state = self.book.state
        if state is BookState.SYNCED:
            return f"checksum OK ({self.last_checksum})" if self.last_checksum else "synced"
        if state is BookState.GAVE_UP:
            return "checksum failed repeatedly: gave up"
        if self.resyncs:
            return f"checksum mismatch: resyncing (attempt {self.resyncs})"
        return "awaiting snapshot"

    def age(self) -> str:
        """Seconds since the last verified update, as text."""
        if self.last_update is None:
            return "-"
        return f"{max(0.0, self.clock() - self.last_update):.1f} s"

    def snapshot(self) -> dict[str, Any]:
        """The book and its status as JSON-ready values (Decimals stay exact)."""
        with self.lock:
            bids, asks = self.book.top(self.rows)
            snapshot: dict[str, Any] = to_jsonable(
                {
                    "symbol": self.book.symbol,
                    "depth": self.book.depth,
                    "state": self.book.state.value,
                    "checksum": self.last_checksum,
                    "spread": self.book.spread(),
                    "bids": [[p, q] for p, q in bids],
                    "asks": [[p, q] for p, q in asks],
                    "updates": self.updates,
                    "resyncs": self.resyncs,
                }
            )
        return snapshot

    def __rich__(self) -> Any:
        """Build the table at draw time, so the update age keeps ticking between messages."""
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        with self.lock:
            bids, asks = self.book.top(self.rows)
            spread = self.book.spread()
            best_bid = bids[0][0] if bids else None
            title = (
                f"{self.book.symbol}  depth {self.book.depth}  "
                f"spread {_text(spread)}{_bps(spread, best_bid)}"
            )
            caption = f"{self.status()} · last update {self.age()} ago · {self.updates} updates" + (
                f" · {self.resyncs} resyncs" if self.resyncs else ""
            )
        table = Table(expand=False)
        table.add_column("bid qty", justify="right", style="green")
        table.add_column("bid", justify="right", style="bold green")
        table.add_column("ask", justify="right", style="bold red")
        table.add_column("ask qty", justify="right", style="red")
        for index in range(max(len(bids), len(asks))):
            bid = bids[index] if index < len(bids) else None
            ask = asks[index] if index < len(asks) else None
            table.add_row(
                _text(bid[1]) if bid else "",
                _text(bid[0]) if bid else "",
                _text(ask[0]) if ask else "",
                _text(ask[1]) if ask else "",
            )
        # Title and status as their own lines: a caption would wrap at the table's width.
        return Group(Text(title, style="bold"), table, Text(caption))


def _text(value: Decimal | None) -> str:
    return "-" if value is None else format(value, "f")


def _bps(spread: Decimal | None, bid: Decimal | None) -> str:
    if spread is None or not bid:
        return ""
    return f" ({spread / bid * 10000:.2f} bps)"


def run_book(args: argparse.Namespace, out: Output, environ: Mapping[str, str]) -> int:
    """Run ``kraken book``: subscribe, verify, draw; stop after ``--updates`` or Ctrl-C."""
    if args.updates is not None and args.updates < 1:
        raise KrakenUsageError("--updates must be at least 1.")
    rows = min(args.rows, args.depth)
    live_mode = not out.json_mode and _is_terminal(out.stdout)
    if not out.json_mode:
        _need_rich()
    book = L2Book(args.symbol, args.depth)
    view = BookView(book, rows)
    with Feed(
        args.key,
        out,
        environ,
        args.env_values,
        ws_url=args.ws_url,
        base_url=args.base_url,
        replay=args.replay,
    ) as feed:
        if feed.info.family is not Family.V2 or feed.info.private:
            raise KrakenUsageError(
                "kraken book reads the public Spot v2 book channel: use --key spotPublicV2, "
                "spotBetaPublicV2 or unifiedPublicV2."
            )
        request = {"topic": "book", "payload": {"symbol": [args.symbol], "depth": args.depth}}
        feed.subscribe(request)
        if live_mode:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=out.stdout)
            with Live(view, console=console, refresh_per_second=8, transient=False):
                _pump(feed, request, view, args, out)
        else:
            with out.status(f"waiting for the {args.symbol} book from {feed.url}"):
                _pump(feed, request, view, args, out)
    if out.json_mode:
        out.result(view.snapshot())
    elif not live_mode:
        from rich.console import Console

        Console(file=out.stdout, width=100, color_system=None, highlight=False).print(view)
    return 0


def _pump(
    feed: Feed, request: Mapping[str, Any], view: BookView, args: argparse.Namespace, out: Output
) -> None:
    seen_reconnects = 0
    for message in feed.messages(duration=args.duration):
        if feed.reconnects != seen_reconnects:
            seen_reconnects = feed.reconnects
            with view.lock:
                view.book.reset()  # a new connection sends a new snapshot
        if not isinstance(message, dict) or message.get("channel") != "book":
            continue
        is_snapshot = message.get("type") == "snapshot"
        for item in message.get("data") or ():
            if not isinstance(item, dict) or item.get("symbol") != args.symbol:
                continue
            with view.lock:
                events = view.book.apply(item, is_snapshot=is_snapshot)
                for event in events:
                    _account(view, event)
            for event in events:
                if isinstance(event, ResyncNeeded):
                    out.note(f"checksum mismatch on {event.symbol}: resubscribing for a snapshot")
                    feed.unsubscribe(request)
                    feed.subscribe(request)
                elif isinstance(event, ResyncGaveUp):
                    raise KrakenTransportError(
                        f"the {event.symbol} book failed its checksum {event.attempts} times in a "
                        "row; giving up"
                    )
        if args.updates is not None and view.updates >= args.updates:
            return


def _account(view: BookView, event: Any) -> None:
    if isinstance(event, BookUpdated):
        view.updates += 1
        view.last_update = view.clock()
        if event.checksum is not None:
            view.last_checksum = event.checksum
    elif isinstance(event, ChecksumMismatch):
        view.mismatches += 1
    elif isinstance(event, ResyncNeeded):
        view.resyncs += 1


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _need_rich() -> None:
    try:
        import rich  # noqa: F401
    except ImportError:
        raise KrakenUsageError(
            "kraken book draws with rich: pip install 'kraken[cli]' (or use --json)."
        ) from None

"""``kraken stream TOPIC [SYMBOL...]``: print a WebSocket channel's messages as they arrive."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from kraken.cli.feed import Feed, feed_request
from kraken.cli.output import Output, to_jsonable
from kraken.core.errors import KrakenUsageError

__all__ = ["format_message", "matches", "run_stream"]


def _compact(value: Any) -> str:
    return json.dumps(to_jsonable(value), separators=(",", ":"), ensure_ascii=False)


def format_message(message: Any) -> list[str]:
    """Readable lines for one message: ``channel type symbol {fields}`` per data item."""
    if not isinstance(message, dict):
        return [_compact(message)]
    body = {k: v for k, v in message.items() if k != "wsKey"}
    if "channel" in body:  # Spot v2 / Unified
        head = f"{body.get('channel')} {body.get('type', '')}".rstrip()
        data = body.get("data")
        items = data if isinstance(data, list) else [] if data is None else [data]
        if not items:
            return [head]
        lines = []
        for item in items:
            if isinstance(item, dict) and "symbol" in item:
                rest = {k: v for k, v in item.items() if k != "symbol"}
                lines.append(f"{head} {item['symbol']} {_compact(rest)}")
            else:
                lines.append(f"{head} {_compact(item)}")
        return lines
    if "feed" in body:  # Futures v1
        feed = body.pop("feed")
        product = body.pop("product_id", "")
        return [f"{feed} {product} {_compact(body)}".replace("  ", " ")]
    return [_compact(body)]


def matches(message: Any, topic: str) -> bool:
    """True when ``message`` belongs to the subscribed topic (not status or acknowledgements)."""
    if not isinstance(message, dict):
        return False
    channel = message.get("channel")
    if channel is not None:
        return bool(channel == topic)
    feed = message.get("feed")
    # Futures feeds answer "book" with "book_snapshot" first, "ticker_lite" with itself...
    return isinstance(feed, str) and (feed == topic or feed.startswith(topic + "_snapshot"))


def run_stream(args: argparse.Namespace, out: Output, environ: Mapping[str, str]) -> int:
    """Run ``kraken stream``: subscribe, print ``--count`` messages (or until Ctrl-C)."""
    if args.count is not None and args.count < 1:
        raise KrakenUsageError("--count must be at least 1.")
    payload: dict[str, Any] = {}
    if args.payload is not None:
        try:
            extra = json.loads(args.payload)
        except ValueError as exc:
            raise KrakenUsageError(f"--payload is not valid JSON: {exc}") from None
        if not isinstance(extra, dict):
            raise KrakenUsageError("--payload must be a JSON object.")
        payload.update(extra)
    with Feed(
        args.key,
        out,
        environ,
        args.env_values,
        ws_url=args.ws_url,
        base_url=args.base_url,
        replay=args.replay,
    ) as feed:
        request = feed_request(feed.info, args.topic, args.symbols, payload)
        feed.subscribe(request)
        printed = 0
        with out.status(f"connecting to {feed.url}"):
            iterator = feed.messages(duration=args.duration)
            first = next(iterator, None)
        if first is None:
            return 0
        for message in _chain(first, iterator):
            if not (args.all or matches(message, args.topic)):
                continue
            if out.json_mode:
                out.line(_compact(message))
            else:
                for line in format_message(message):
                    out.line(line)
            printed += 1
            if args.count is not None and printed >= args.count:
                break
    return 0


def _chain(first: Any, rest: Any) -> Any:
    yield first
    yield from rest

"""``kraken fake-exchange`` and ``kraken demo``: the offline servers, run from the command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from collections.abc import Mapping
from types import FrameType
from typing import Any

from kraken.cli.output import Output
from kraken.core.errors import KrakenUsageError

__all__ = ["run_demo", "run_fake_exchange"]

_TESTING_EXTRA = "needs the testing extra: pip install 'kraken[testing]'"


def run_fake_exchange(args: argparse.Namespace, out: Output, environ: Mapping[str, str]) -> int:
    """Start the fake exchange on loopback, print its URLs, serve until Ctrl-C or --duration.

    Ctrl-C and SIGTERM are the normal way to stop it: both exit 0.
    """
    try:
        from kraken.adapters.clock import SystemClock
        from kraken.testing.fake import (
            FAKE_API_KEY,
            FAKE_API_SECRET,
            FAKE_FUTURES_KEY,
            FAKE_FUTURES_SECRET,
            FakeKraken,
            FakeKrakenServer,
        )
    except ImportError as exc:
        raise KrakenUsageError(f"kraken fake-exchange {_TESTING_EXTRA} ({exc.name})") from None
    fake = FakeKraken(seed=args.seed if args.seed is not None else 0, clock=SystemClock())
    stop = threading.Event()
    _on_sigterm(stop)
    with FakeKrakenServer(fake) as server:
        urls = server.urls
        # The fake's keys are made-up values that only the fake accepts: safe to print.
        info: dict[str, Any] = {
            **urls,
            "spot_api_key": FAKE_API_KEY,
            "spot_api_secret": FAKE_API_SECRET,
            "futures_api_key": FAKE_FUTURES_KEY,
            "futures_api_secret": FAKE_FUTURES_SECRET,
        }
        if out.json_mode:
            out.line(json.dumps(info))
        else:
            _describe(out, info)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it is meant to stop
            stop.wait(args.duration)
    if not out.json_mode:
        out.note("fake exchange stopped")
    return 0


def _describe(out: Output, info: Mapping[str, Any]) -> None:
    rest, public = info["rest"], info["spot_ws_public"]
    out.line("Fake Kraken exchange on 127.0.0.1 (Ctrl-C to stop)")
    out.line(f"  REST, Spot and Futures    {rest}")
    out.line(f"  Spot WebSocket v2         {public}")
    out.line(f"  Spot WebSocket v2, auth   {info['spot_ws_private']}")
    out.line(f"  Futures WebSocket v1      {info['futures_ws']}")
    out.line(f"  Spot key / secret         {info['spot_api_key']} / {info['spot_api_secret']}")
    out.line(
        f"  Futures key / secret      {info['futures_api_key']} / {info['futures_api_secret']}"
    )
    out.line("Try:")
    out.line(f"  kraken call spot get_ticker pair=XBTUSD --base-url {rest}")
    out.line(f"  kraken book BTC/USD --ws-url {public}")
    out.line(f"  kraken stream trade BTC/USD --ws-url {public}")
    out.line(f"  python examples/place_and_cancel.py {rest}")


def _on_sigterm(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def run_demo(args: argparse.Namespace, out: Output, environ: Mapping[str, str]) -> int:
    """Run :func:`kraken.demo.main`: signed calls against a local server, then a replay."""
    try:
        from kraken.demo import main as demo_main
    except ImportError as exc:
        raise KrakenUsageError(f"kraken demo {_TESTING_EXTRA} ({exc.name})") from None
    return demo_main()

"""``python -m kraken.testing.fake``: run the fake Kraken exchange on loopback until stopped."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from kraken.adapters.clock import SystemClock
from kraken.testing.fake.exchange import (
    FAKE_API_KEY,
    FAKE_API_SECRET,
    FAKE_FUTURES_KEY,
    FAKE_FUTURES_SECRET,
    FakeKraken,
)
from kraken.testing.fake.server import FakeKrakenServer

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kraken.testing.fake",
        description="Run a fake Kraken exchange (REST + WebSockets) on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--seed", type=int, default=0, help="random-walk seed (default 0)")
    parser.add_argument(
        "--tier", choices=("starter", "intermediate", "pro"), default="starter",
        help="sizes the spot call and trading counters (default starter)",
    )  # fmt: skip
    parser.add_argument("--nonce-window", type=int, default=0, help="per-key nonce window")
    parser.add_argument(
        "--step-interval", type=float, default=0.25, help="seconds between market steps"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the URLs and keys as one JSON line"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Start the server, print where it listens, and serve until SIGINT or SIGTERM."""
    args = _parser().parse_args(argv)
    fake = FakeKraken(
        seed=args.seed,
        tier=args.tier,
        nonce_window=args.nonce_window,
        step_interval=args.step_interval,
        clock=SystemClock(),
    )
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    with FakeKrakenServer(fake) as server:
        # The default keys are made-up values that only the fake accepts.
        info = {
            **server.urls,
            "spot_api_key": FAKE_API_KEY,
            "spot_api_secret": FAKE_API_SECRET,
            "futures_api_key": FAKE_FUTURES_KEY,
            "futures_api_secret": FAKE_FUTURES_SECRET,
        }
        if args.json:
            print(json.dumps(info), flush=True)
        else:
            print("Fake Kraken exchange running (Ctrl-C to stop):", flush=True)
            for name, value in info.items():
                print(f"  {name:<20} {value}", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

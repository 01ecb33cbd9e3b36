"""Where the examples run: the fake exchange on loopback, started here unless a URL is given.

``python examples/<name>.py`` starts a fake Kraken exchange on 127.0.0.1 (nothing leaves the
machine). ``python examples/<name>.py http://127.0.0.1:PORT`` (or ``KRAKEN_EXAMPLE_URL``) uses
one that is already running, e.g. from ``kraken fake-exchange``; its demo keys are the default
credentials, and ``KRAKEN_API_KEY`` / ``KRAKEN_API_SECRET`` (``KRAKEN_FUTURES_*``) override them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from kraken.adapters.clock import SystemClock
from kraken.testing.fake import (
    FAKE_API_KEY,
    FAKE_API_SECRET,
    FAKE_FUTURES_KEY,
    FAKE_FUTURES_SECRET,
    FakeKraken,
    FakeKrakenServer,
)


@dataclass
class Venue:
    """URLs and credentials of the exchange an example talks to."""

    rest_url: str
    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)
    futures_key: str = field(repr=False)
    futures_secret: str = field(repr=False)
    fake: FakeKraken | None = None
    """The exchange itself when it runs in this process (to inject faults), else None."""

    @property
    def ws_url(self) -> str:
        """The public Spot WebSocket v2 (``wss://ws.kraken.com/v2`` on Kraken)."""
        return "ws" + self.rest_url.removeprefix("http") + "/v2"

    @property
    def ws_auth_url(self) -> str:
        """The private Spot WebSocket v2 (``wss://ws-auth.kraken.com/v2`` on Kraken)."""
        return "ws" + self.rest_url.removeprefix("http") + "/v2-auth"

    @property
    def futures_ws_url(self) -> str:
        """The Futures WebSocket v1 (``wss://futures.kraken.com/ws/v1`` on Kraken)."""
        return "ws" + self.rest_url.removeprefix("http") + "/ws/v1"


@contextmanager
def venue() -> Iterator[Venue]:
    """The exchange to run against: the URL given on the command line, or a fresh fake."""
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KRAKEN_EXAMPLE_URL")
    env = os.environ
    if url:
        yield Venue(
            url.rstrip("/"),
            env.get("KRAKEN_API_KEY", FAKE_API_KEY),
            env.get("KRAKEN_API_SECRET", FAKE_API_SECRET),
            env.get("KRAKEN_FUTURES_API_KEY", FAKE_FUTURES_KEY),
            env.get("KRAKEN_FUTURES_API_SECRET", FAKE_FUTURES_SECRET),
        )
        return
    fake = FakeKraken(clock=SystemClock(), step_interval=0.05)
    with FakeKrakenServer(fake) as server:
        print(f"(fake Kraken exchange on {server.url})")
        yield Venue(
            server.url, FAKE_API_KEY, FAKE_API_SECRET, FAKE_FUTURES_KEY, FAKE_FUTURES_SECRET, fake
        )

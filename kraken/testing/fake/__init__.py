"""A fake Kraken exchange for offline tests: a sans-I/O core, in memory or on loopback.

:class:`FakeKraken` is the exchange (Spot REST and WebSocket v2, Futures REST and WebSocket v1,
a seeded random-walk market, balances, orders with simple fills, tokens, strict nonces, rate
limits, fault injection); it does no I/O and takes the time as an argument. Mount it:

- in memory: ``fake.transport()`` / ``fake.async_transport()`` (REST transports) and
  ``fake.ws_connector()`` / ``fake.async_ws_connector()`` (WebSocket ports), on a
  :class:`VirtualClock` the test controls;
- on loopback: ``FakeKrakenServer(fake)`` (uvicorn + starlette's extra; ``python -m
  kraken.testing.fake`` from a shell).

See ``docs/testing-offline.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from kraken.testing.fake.clock import VirtualClock
from kraken.testing.fake.exchange import (
    FAKE_API_KEY,
    FAKE_API_SECRET,
    FAKE_FUTURES_KEY,
    FAKE_FUTURES_SECRET,
    WS_PATHS,
    FakeKraken,
    RestReply,
    UnknownWsPath,
)
from kraken.testing.fake.faults import FaultPlan
from kraken.testing.fake.state import WsClose, WsDrop, WsOutput, WsSend, WsSilence

if TYPE_CHECKING:
    from kraken.testing.fake.memory import (
        AsyncFakeTransport,
        AsyncMemoryWsConnector,
        FakeTransport,
        MemoryWsConnector,
    )
    from kraken.testing.fake.server import FakeKrakenServer

__all__ = [
    "FAKE_API_KEY",
    "FAKE_API_SECRET",
    "FAKE_FUTURES_KEY",
    "FAKE_FUTURES_SECRET",
    "WS_PATHS",
    "AsyncFakeTransport",
    "AsyncMemoryWsConnector",
    "FakeKraken",
    "FakeKrakenServer",
    "FakeTransport",
    "FaultPlan",
    "MemoryWsConnector",
    "RestReply",
    "UnknownWsPath",
    "VirtualClock",
    "WsClose",
    "WsDrop",
    "WsOutput",
    "WsSend",
    "WsSilence",
]

_LAZY = {
    "AsyncFakeTransport": "kraken.testing.fake.memory",
    "AsyncMemoryWsConnector": "kraken.testing.fake.memory",
    "FakeTransport": "kraken.testing.fake.memory",
    "MemoryWsConnector": "kraken.testing.fake.memory",
    # The server needs the ``testing`` extra (uvicorn, starlette): imported on first use.
    "FakeKrakenServer": "kraken.testing.fake.server",
}


def __getattr__(name: str) -> object:
    """Import the adapters only when first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kraken.testing.fake' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

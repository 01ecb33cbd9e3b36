"""Offline-testing helpers: a loopback ASGI server, a Spot auth verifier and a tiny Spot stub.

The fake Kraken exchange (in memory and on loopback, with fault injection) lives in
:mod:`kraken.testing.fake`; ``FakeKraken``, ``FakeKrakenServer`` and ``VirtualClock`` are
re-exported here.
The verifier is stdlib only; :class:`LoopbackServer` and :func:`spot_stub_app` need the optional
``testing`` extra (uvicorn and starlette), so they are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from kraken.testing.verify import (
    INVALID_ARGUMENTS,
    INVALID_KEY,
    INVALID_NONCE,
    INVALID_SIGNATURE,
    SpotAuthVerifier,
    StrictNonceBook,
    Verdict,
    expected_spot_signature,
)

if TYPE_CHECKING:
    from kraken.testing.fake import FakeKraken, FakeKrakenServer, VirtualClock
    from kraken.testing.loopback import LoopbackServer
    from kraken.testing.spot_stub import nonce_book, spot_stub_app

__all__ = [
    "FakeKraken",
    "FakeKrakenServer",
    "VirtualClock",
    "INVALID_ARGUMENTS",
    "INVALID_KEY",
    "INVALID_NONCE",
    "INVALID_SIGNATURE",
    "LoopbackServer",
    "SpotAuthVerifier",
    "StrictNonceBook",
    "Verdict",
    "expected_spot_signature",
    "nonce_book",
    "spot_stub_app",
]

# Names served from modules that need the ``testing`` extra.
_LAZY = {
    "FakeKraken": "kraken.testing.fake",
    "FakeKrakenServer": "kraken.testing.fake.server",
    "VirtualClock": "kraken.testing.fake",
    "LoopbackServer": "kraken.testing.loopback",
    "nonce_book": "kraken.testing.spot_stub",
    "spot_stub_app": "kraken.testing.spot_stub",
}


def __getattr__(name: str) -> object:
    """Import the uvicorn/starlette helpers only when they are first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kraken.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

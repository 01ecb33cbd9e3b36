"""The benchmark rows; each module offers ``ours_cases()`` (our interpreter) and ``peer_cases()``.

``ours_cases()`` imports our SDK and ``peer_cases()`` the peers (in ``bench/.venv-peers``, where
``kraken`` is python-kraken-sdk), both lazily, so every module imports cleanly in both
processes. Both functions assert signature equality with the stdlib reference before returning.
"""

from __future__ import annotations

import importlib
from types import ModuleType

ROWS: dict[str, str] = {
    "B1": "sign only (HMAC-SHA512 over path || SHA256(nonce || body))",
    "B2": "full prepare of a signed AddOrder (nonce + body + signature + headers)",
    "B3": "full private AddOrder call through a zero-cost stub transport",
    "B4": "verified L2 book apply per message (Spot v2 book update + CRC32 check)",
    "B5": "WS frame -> handler throughput: loopback flood of small JSON v2 ticker messages",
    "B6": "nonce safety on one key: nonces a strict server refuses, threads/tasks/processes",
    "B7": "import time in a fresh interpreter (start-up excluded)",
    "B8": "loopback end-to-end latency (ms, p50/p99) of a signed private Balance call against"
    " the fake exchange",
    "B9": "time to resubscribe after an injected TCP drop (ms per drop, loopback stub server)",
}
_MODULES = {
    "B1": "rows.sign",
    "B2": "rows.prepare",
    "B3": "rows.call",
    "B4": "rows.book",
    "B5": "rows.ws",
    "B6": "rows.nonces",
    "B7": "rows.imports",
    "B8": "rows.loopback",
    "B9": "rows.resubscribe",
}


def load(row: str) -> ModuleType:
    """The module of one row."""
    return importlib.import_module(_MODULES[row])

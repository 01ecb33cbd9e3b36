"""The peers' side of the benchmark: runs inside ``bench/.venv-peers``, driven by ``run.py``.

Protocol: one JSON object per line on stdin, one JSON reply per line on the original stdout
(anything the peers print goes to stderr instead):

* ``{"op": "hello", "rows": ["B1", ...]}`` -> builds (and signature-checks) the peer cases,
  replies ``{"ok": true, "versions": {...}, "cases": [meta, ...]}``
* ``{"op": "run", "row": "B2", "n": 20000, "repeats": 7, "warmup": 2000}`` ->
  ``{"ok": true, "results": {"case id": [us per op, one per repeat], ...}}``
* ``{"op": "quit"}``

Between requests the worker blocks on stdin, so it never competes for the CPU with our side.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import traceback
from importlib import metadata
from typing import Any

from common import Case
from rows import load

PEER_PACKAGES = ("python-kraken-sdk", "ccxt", "krakenex", "requests", "aiohttp")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PEER_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    cases: dict[str, list[Case]] = {}

    def reply(message: dict[str, Any]) -> None:
        proto.write(json.dumps(message) + "\n")
        proto.flush()

    for line in sys.stdin:
        message = json.loads(line)
        op = message["op"]
        try:
            if op == "hello":
                for row in message["rows"]:
                    cases[row] = load(row).peer_cases()
                metas = [case.meta() for row_cases in cases.values() for case in row_cases]
                reply({"ok": True, "versions": versions(), "cases": metas})
            elif op == "run":
                n, repeats, warmup = message["n"], message["repeats"], message["warmup"]
                results = {
                    case.key: case.measure(n, repeats, warmup) for case in cases[message["row"]]
                }
                reply({"ok": True, "results": results})
            elif op == "quit":
                reply({"ok": True})
                return
            else:
                reply({"ok": False, "error": f"unknown op {op!r}"})
        except Exception:
            reply({"ok": False, "error": traceback.format_exc()})


if __name__ == "__main__":
    main()

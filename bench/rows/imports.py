"""B7: import time, measured in fresh interpreters (no ``-X importtime``).

Each timing starts a new interpreter that reads ``perf_counter`` around the statement and
prints the difference, so interpreter start-up and ``site`` are excluded and only the import
(plus the attribute access that triggers a lazy export) is timed. Best of at least 5 runs per
round. Ours runs with this interpreter and the checkout on ``PYTHONPATH``; the peers run in
their venv from a temporary folder (where ``kraken`` is python-kraken-sdk).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import Case

ROW = "B7"
ROOT = Path(__file__).resolve().parents[2]
RUNS = 5  # fresh interpreters per round, at least

_PROBE = (
    "import time\n"
    "start = time.perf_counter()\n"
    "{statement}\n"
    "print((time.perf_counter() - start) * 1e6)\n"
)


def _runner(statement: str, ours: bool) -> Callable[[int, int, int], list[float]]:
    def once() -> float:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        with tempfile.TemporaryDirectory() as folder:
            if ours:
                env["PYTHONPATH"] = str(ROOT)
            result = subprocess.run(  # our own interpreter, fixed statements
                [sys.executable, "-c", _PROBE.format(statement=statement)],
                capture_output=True,
                text=True,
                check=False,
                env=env,
                cwd=ROOT if ours else folder,
            )
        if result.returncode:
            raise RuntimeError(f"B7 {statement!r} failed:\n{result.stderr}")
        return float(result.stdout.strip().splitlines()[-1])

    def run(n: int, repeats: int, warmup: int) -> list[float]:
        once()  # warm the OS file cache and the .pyc files
        return [once() for _ in range(max(RUNS, repeats))]

    return run


def _case(case_id: str, label: str, kind: str, body: str, statement: str) -> Case:
    return Case(
        case_id,
        ROW,
        label,
        kind,
        body=body,
        run_async=_runner(statement, ours=kind == "ours"),
    )


def ours_cases() -> list[Case]:
    return [
        _case("ours_core", "ours: import kraken.core", "ours", "core", "import kraken.core"),
        _case("ours_pkg", "ours: import kraken", "ours", "pkg", "import kraken"),
        _case(
            "ours_spot",
            "ours: import kraken; kraken.SpotClient (lazy export)",
            "ours",
            "spot",
            "import kraken; kraken.SpotClient",
        ),
    ]


def peer_cases() -> list[Case]:
    return [
        _case("pks_pkg", "python-kraken-sdk: import kraken", "peer", "pkg", "import kraken"),
        _case(
            "pks_spot",
            "python-kraken-sdk: from kraken.spot import SpotClient",
            "peer",
            "spot",
            "from kraken.spot import SpotClient",
        ),
        _case("ccxt_pkg", "ccxt: import ccxt", "peer", "pkg", "import ccxt"),
        _case("krakenex_pkg", "krakenex: import krakenex", "peer", "pkg", "import krakenex"),
    ]

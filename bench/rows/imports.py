"""B7: import time, measured in fresh interpreters (no ``-X importtime``).

Each timing starts a new interpreter that reads ``perf_counter`` around the statement and
prints the difference, so interpreter start-up and ``site`` are excluded and only the import
(plus the attribute access that triggers a lazy export) is timed. Best of at least 5 runs per
round. Ours runs with this interpreter and the checkout on ``PYTHONPATH``; the peers run in
their venv from a temporary folder (where ``kraken`` is python-kraken-sdk).

The memory cases (``unit="MiB"``) run the same statements in other fresh interpreters and
report the resident memory the statement added: the current RSS from ``/proc/self/statm``
(resident pages x page size) read just before and just after it (where there is no ``/proc``,
the peak ``ru_maxrss`` instead). Least of at least 3 runs per round, after one untimed run.
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
MEMORY_RUNS = 3  # the same for the memory cases (resident memory hardly varies)
MEMORY_NOTE = (
    "B7 memory: resident memory added by the statement in a fresh interpreter, current RSS from"
    " /proc/self/statm just before and after it; least of the runs."
)

_PROBE = (
    "import time\n"
    "start = time.perf_counter()\n"
    "{statement}\n"
    "print((time.perf_counter() - start) * 1e6)\n"
)
_MEMORY_PROBE = (
    "import os\n"
    "def rss():\n"
    "    try:\n"
    "        with open('/proc/self/statm', 'rb') as statm:\n"
    "            return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')\n"
    "    except OSError:\n"
    "        import resource, sys\n"
    "        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "        return peak if sys.platform == 'darwin' else peak * 1024\n"
    "before = rss()\n"
    "{statement}\n"
    "print((rss() - before) / 1048576)\n"
)


def _runner(
    statement: str, ours: bool, probe: str = _PROBE, runs: int = RUNS
) -> Callable[[int, int, int], list[float]]:
    def once() -> float:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        with tempfile.TemporaryDirectory() as folder:
            if ours:
                env["PYTHONPATH"] = str(ROOT)
            result = subprocess.run(  # our own interpreter, fixed statements
                [sys.executable, "-c", probe.format(statement=statement)],
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
        return [once() for _ in range(max(runs, repeats))]

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


def _memory_case(case_id: str, label: str, kind: str, body: str, statement: str) -> Case:
    """Resident memory added by ``statement`` in a fresh interpreter (MiB)."""
    return Case(
        case_id,
        ROW,
        label,
        kind,
        body=body,
        note=MEMORY_NOTE,
        run_async=_runner(statement, kind == "ours", _MEMORY_PROBE, MEMORY_RUNS),
        unit="MiB",
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
        _memory_case(
            "ours_core_mem",
            "ours: import kraken.core, RSS added",
            "ours",
            "core_mem",
            "import kraken.core",
        ),
        _memory_case(
            "ours_pkg_mem", "ours: import kraken, RSS added", "ours", "pkg_mem", "import kraken"
        ),
        _memory_case(
            "ours_spot_mem",
            "ours: import kraken; kraken.SpotClient, RSS added",
            "ours",
            "spot_mem",
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
        _memory_case(
            "pks_pkg_mem",
            "python-kraken-sdk: import kraken, RSS added",
            "peer",
            "pkg_mem",
            "import kraken",
        ),
        _memory_case(
            "pks_spot_mem",
            "python-kraken-sdk: from kraken.spot import SpotClient, RSS added",
            "peer",
            "spot_mem",
            "from kraken.spot import SpotClient",
        ),
        _memory_case(
            "ccxt_pkg_mem", "ccxt: import ccxt, RSS added", "peer", "pkg_mem", "import ccxt"
        ),
        _memory_case(
            "krakenex_pkg_mem",
            "krakenex: import krakenex, RSS added",
            "peer",
            "pkg_mem",
            "import krakenex",
        ),
    ]

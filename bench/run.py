"""Side-by-side benchmark: our SDK, its peers and a stdlib reference, in one run, as ratios.

Usage::

    python bench/peers_setup.py            # once: creates bench/.venv-peers
    python bench/run.py [--quick] [--rows B1,B2,B3]

Ours and the stdlib reference run in this interpreter; the peers run in ``bench/.venv-peers``
as a subprocess (``peers_worker.py``). Rounds alternate between the two processes. Timings never
fail the run: the exit status is non-zero only when a signature check or a case breaks.
See bench/README.md for what each row means and how it is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # `common`/`rows`, and our `kraken` from this checkout

from common import Case, summarise  # noqa: E402
from regress import BASELINE, MARGIN, regressions, write_baseline  # noqa: E402
from report import Run, render  # noqa: E402
from rows import ROWS, load  # noqa: E402

PEERS_PYTHON = HERE / ".venv-peers" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


class PeerWorker:
    """The peers' process: JSON lines over a pipe (see peers_worker.py)."""

    def __init__(self, python: Path, rows: list[str]) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        # Rows whose servers are ours (B6, B8) start them with our interpreter from there too.
        env["BENCH_OURS_PYTHON"] = sys.executable
        self._proc = subprocess.Popen(
            [str(python), str(HERE / "peers_worker.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=HERE,
        )
        hello = self.ask({"op": "hello", "rows": rows})
        self.versions: dict[str, str] = hello["versions"]
        self.metas: list[dict[str, Any]] = hello["cases"]

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"peers worker exited (status {self._proc.wait()})")
        answer: dict[str, Any] = json.loads(line)
        if not answer.get("ok"):
            raise RuntimeError("peers worker failed:\n" + answer.get("error", "?"))
        return answer

    def close(self) -> None:
        try:
            self.ask({"op": "quit"})
        finally:
            self._proc.wait(timeout=30)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Side-by-side SDK benchmark (ratios, not tests).")
    parser.add_argument("--quick", action="store_true", help="N=2000, R=3, 2 rounds; no latest.md")
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated (default: all)")
    parser.add_argument("-n", type=int, help="operations per timing (default 20000)")
    parser.add_argument("--repeats", type=int, help="timings per case per round (default 7)")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 3)")
    parser.add_argument("--no-peers", action="store_true", help="ours + reference only")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if a ratio of ours to its reference grew > 1.5x its stored baseline",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help="store this run's ratios to the references as results/baseline.json",
    )
    parser.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    parser.add_argument(
        "--out",
        type=Path,
        help="markdown results (default: results/latest.md; --quick: results/quick.md.tmp)",
    )
    args = parser.parse_args(argv)
    args.rows = [r.strip().upper() for r in args.rows.split(",") if r.strip()]
    unknown = [r for r in args.rows if r not in ROWS]
    if unknown:
        parser.error(f"unknown rows {unknown}; known: {', '.join(ROWS)}")
    args.n = args.n or (2_000 if args.quick else 20_000)
    args.repeats = args.repeats or (3 if args.quick else 7)
    args.rounds = args.rounds or (2 if args.quick else 3)
    args.warmup = max(200, args.n // 10)
    if args.out is None:
        args.out = HERE / "results" / ("quick.md.tmp" if args.quick else "latest.md")
    return args


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log(f"checking signatures and building cases for {', '.join(args.rows)} ...")
    ours: dict[str, list[Case]] = {row: load(row).ours_cases() for row in args.rows}
    worker: PeerWorker | None = None
    peer_note = ""
    if args.no_peers:
        peer_note = "peers skipped (--no-peers)"
    elif not args.peers_python.exists():
        peer_note = f"peers skipped: {args.peers_python} missing; run python bench/peers_setup.py"
    else:
        worker = PeerWorker(args.peers_python, args.rows)
    if peer_note:
        log(peer_note)

    samples: dict[str, list[list[float]]] = {}
    started = time.monotonic()
    try:
        for rnd in range(args.rounds):
            for row in args.rows:
                # Alternate which process goes first so drifts in host noise hit both sides.
                sides = (
                    ["ours", "peers"]
                    if (rnd + args.rows.index(row)) % 2 == 0
                    else ["peers", "ours"]
                )
                for side in sides:
                    if side == "ours":
                        for case in ours[row]:
                            samples.setdefault(case.key, []).append(
                                case.measure(args.n, args.repeats, args.warmup)
                            )
                    elif worker is not None:
                        answer = worker.ask(
                            {
                                "op": "run",
                                "row": row,
                                "n": args.n,
                                "repeats": args.repeats,
                                "warmup": args.warmup,
                            }
                        )
                        for key, values in answer["results"].items():
                            samples.setdefault(key, []).append(values)
                log(
                    f"round {rnd + 1}/{args.rounds} {row} done "
                    f"({time.monotonic() - started:.0f} s elapsed)"
                )
    finally:
        if worker is not None:
            worker.close()

    metas = [case.meta() for row in args.rows for case in ours[row]]
    metas += worker.metas if worker is not None else []
    worst_is_max = {meta["key"] for meta in metas if meta.get("worst_is_max")}
    stats = {
        key: summarise(rounds, worst_is_max=key in worst_is_max) for key, rounds in samples.items()
    }
    run = Run(
        rows=args.rows,
        metas=metas,
        stats=stats,
        header={
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "machine": machine(),
            "peers": ", ".join(f"{k} {v}" for k, v in worker.versions.items() if k != "python")
            if worker is not None
            else peer_note,
            "method": (
                f"N={args.n} ops per timing, R={args.repeats} timings per round after "
                f"{args.warmup} warm-up ops, {args.rounds} rounds alternating processes; "
                "best = min of all timings, median = median of per-round medians"
            ),
            "command": "python bench/run.py "
            + " ".join(argv if argv is not None else sys.argv[1:]),
        },
    )
    text = render(run)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    log(f"written to {args.out}")
    if args.write_baseline:
        write_baseline(run)
        log(f"baseline written to {BASELINE}")
    if args.check:
        problems = regressions(run)
        for problem in problems:
            log(f"REGRESSION {problem}")
        if problems:
            return 1
        log(f"no ratio grew beyond {MARGIN:g}x its baseline ({BASELINE.name})")
    return 0


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, nproc={nproc}, {platform.system()} {platform.release()}"


if __name__ == "__main__":
    sys.exit(main())

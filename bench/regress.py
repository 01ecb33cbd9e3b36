"""A wide-margin regression check: each of our ratios to its reference against a stored baseline.

Ratios (ours over the stdlib reference or raw floor measured in the same run) travel between
machines far better than microseconds, so the baseline stores those. A quick run is noisy, so
the margin is wide: the check is there to catch a change that makes a path twice as slow, not
to gate 10 % (bench results are never assertions in the test suite).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from report import Run, _best, _ref_for

BASELINE = Path(__file__).resolve().parent / "results" / "baseline.json"
MARGIN = 1.5
"""A ratio may grow by this factor over its baseline before the check fails."""

# B9's totals include the reconnect delay drawn at random (ours and the floor's draws differ),
# so their ratio moves with the dice; the same drops net of the draw are checked instead.
_DRAWN = frozenset({"ours_sync_total", "ours_async_total"})


def ratios(run: Run) -> dict[str, float]:
    """Each of our cases that has a reference in its row: best over the reference's best."""
    out: dict[str, float] = {}
    for meta in run.metas:
        if meta["kind"] != "ours" or meta["id"] in _DRAWN:
            continue
        mine, ref = _best(run, meta), _best(run, _ref_for(run, meta))
        if mine and ref:
            out[str(meta["id"])] = mine / ref
    return out


def write_baseline(run: Run, path: Path = BASELINE) -> None:
    """Store this run's ratios (merged into the rows already stored) as the baseline."""
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    stored.update({case: round(ratio, 3) for case, ratio in ratios(run).items()})
    path.write_text(json.dumps(dict(sorted(stored.items())), indent=2) + "\n", encoding="utf-8")


def regressions(run: Run, path: Path = BASELINE, margin: float = MARGIN) -> list[str]:
    """One line per case whose ratio grew beyond ``margin`` times its baseline."""
    baseline: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}
    problems = []
    for case, ratio in sorted(ratios(run).items()):
        base = baseline.get(case)
        if base is not None and ratio > base * margin:
            problems.append(
                f"{case}: {ratio:.2f}x its reference, baseline {base:.2f}x (limit {margin:g}x that)"
            )
    return problems

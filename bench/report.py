"""Turning the timings of one run into one markdown table with ratios and target verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rows import ROWS

_KIND_ORDER = {"ours": 0, "peer": 1, "ref": 2}
# Targets (bench issue / peers.md 4.2): report against them, never fail on them.
PREPARE_VS_REF = 1.3  # ours prepare <= 1.3x the stdlib reference (same body encoding)
PREPARE_VS_PKS = 2.0  # ours prepare >= 2x faster than python-kraken-sdk's form path
CALL_BUDGET_US = 15.0  # full call through a stub transport <= 15 us
BOOK_VS_REF = 1.5  # ours L2Book.apply <= 1.5x the stdlib RefBook at every depth
BOOK_VS_PKS = 5.0  # ours >= 5x faster than python-kraken-sdk's order book at depth 100
WS_VS_RAW = 0.7  # ours WS messages/s >= 0.7x the raw receive pump's
# import kraken.core < 20 ms, kraken < 150 ms (checked for the bare import and for SpotClient)
IMPORT_BUDGET_MS = {"core": 20.0, "pkg": 150.0, "spot": 150.0}


@dataclass
class Run:
    rows: list[str]
    metas: list[dict[str, Any]]
    stats: dict[str, dict[str, float]]
    header: dict[str, str]


def _is_control(meta: dict[str, Any]) -> bool:
    return str(meta["id"]).endswith("@peers")


def _ref_for(run: Run, meta: dict[str, Any]) -> dict[str, Any] | None:
    for other in run.metas:
        if (
            other["row"] == meta["row"]
            and other["kind"] == "ref"
            and not _is_control(other)
            and other["body"] == meta["body"]
        ):
            return other
    return None


def _ours_for(run: Run, meta: dict[str, Any]) -> dict[str, Any] | None:
    """Our case with the same row, body encoding and flavour (asyncio first for async)."""
    for other in run.metas:
        if (
            other["row"] == meta["row"]
            and other["kind"] == "ours"
            and other["body"] == meta["body"]
            and other["flavour"] == meta["flavour"]
        ):
            return other
    return None


def _ours_default(run: Run, row: str, flavour: str = "sync") -> dict[str, Any] | None:
    for other in run.metas:
        if (
            other["row"] == row
            and other["kind"] == "ours"
            and other["body"] in ("json", None)
            and other["flavour"] == flavour
        ):
            return other
    return None


def _best(run: Run, meta: dict[str, Any] | None) -> float | None:
    if meta is None or meta["key"] not in run.stats:
        return None
    return run.stats[meta["key"]]["best"]


def _verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**MISS**"


def _targets(run: Run, meta: dict[str, Any]) -> list[str]:
    """The target verdicts shown next to one case (empty for cases without a target)."""
    out: list[str] = []
    best = _best(run, meta)
    if best is None:
        return out
    case_id = meta["id"]
    if meta["row"] == "B2" and meta["kind"] == "ours":
        ref = _best(run, _ref_for(run, meta))
        if ref:
            out.append(f"<= {PREPARE_VS_REF}x ref: {_verdict(best / ref <= PREPARE_VS_REF)}")
    if meta["row"] == "B2" and case_id == "pks_form":
        for ours in run.metas:
            if ours["row"] == "B2" and ours["kind"] == "ours":
                mine = _best(run, ours)
                if mine:
                    ratio = best / mine
                    out.append(
                        f"ours {ours['body']} >= {PREPARE_VS_PKS:g}x faster: "
                        f"{ratio:.2f}x {_verdict(ratio >= PREPARE_VS_PKS)}"
                    )
    if meta["row"] == "B3" and meta["kind"] == "ours" and meta["body"] == "json":
        out.append(f"<= {CALL_BUDGET_US:g} us: {_verdict(best <= CALL_BUDGET_US)}")
    if meta["row"] == "B4" and meta["kind"] == "ours":
        ref = _best(run, _ref_for(run, meta))
        if ref:
            out.append(f"<= {BOOK_VS_REF}x ref: {_verdict(best / ref <= BOOK_VS_REF)}")
    if meta["row"] == "B4" and case_id == "pks_d100":
        mine = _best(run, _ours_for(run, meta))
        if mine:
            ratio = best / mine
            out.append(
                f"ours >= {BOOK_VS_PKS:g}x faster: {ratio:.2f}x {_verdict(ratio >= BOOK_VS_PKS)}"
            )
    if meta["row"] == "B5":
        rate = f"{1e6 / best:,.0f} msg/s"
        ref = _best(run, _ref_for(run, meta))
        if meta["kind"] == "ours" and ref:
            ratio = ref / best
            rate += f"; {ratio:.2f}x raw >= {WS_VS_RAW:g}x: {_verdict(ratio >= WS_VS_RAW)}"
        out.append(rate)
    if meta["row"] == "B7" and meta.get("unit", "µs") == "µs":  # not the MiB cases
        text = f"{best / 1000:.1f} ms"
        budget = IMPORT_BUDGET_MS.get(meta["body"])
        if meta["kind"] == "ours" and budget is not None:
            text += f" < {budget:g} ms: {_verdict(best / 1000 < budget)}"
        out.append(text)
    return out


def render(run: Run) -> str:
    lines = ["# Side-by-side benchmark: kraken SDK vs peers vs stdlib reference", ""]
    for key in ("date", "python", "machine", "peers", "method", "command"):
        lines.append(f"- **{key}**: {run.header[key]}")
    lines += [
        "",
        "Lower is better. `÷ ref` = this case's best over the stdlib reference's best (same row,"
        " same body encoding); `peer ÷ ours` = the peer's best over ours (same body encoding and"
        " sync/async), so > 1 means ours is faster. Differences under ~15 % are noise"
        " (peers.md 4.1).",
        "",
        "Times are µs per operation unless the cell names another unit; for failure counts"
        " `best` is the worst run.",
        "",
        "| row | implementation | best | median | ÷ ref | peer ÷ ours | target |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    notes: list[str] = []
    for row in run.rows:
        metas = sorted(
            (m for m in run.metas if m["row"] == row and m["key"] in run.stats),
            key=lambda m: (_KIND_ORDER[m["kind"]], _is_control(m)),
        )
        for meta in metas:
            stat = run.stats[meta["key"]]
            label = meta["label"]
            if meta["kind"] == "ours":
                label = f"**{label}**"
            if meta["note"]:
                if meta["note"] not in notes:
                    notes.append(meta["note"])
                label += f" [{notes.index(meta['note']) + 1}]"
            ref = _best(run, _ref_for(run, meta))
            if meta["kind"] == "ref" and not _is_control(meta):
                vs_ref = "1.00"
            else:
                vs_ref = f"{stat['best'] / ref:.2f}" if ref else ""
            vs_ours = ""
            if meta["kind"] == "peer":
                ours = _ours_for(run, meta)
                mine = _best(run, ours)
                if mine and ours is not None:
                    vs_ours = f"{stat['best'] / mine:.2f} (vs {ours['body'] or 'ours'})"
            unit = meta.get("unit", "µs")
            suffix = "" if unit == "µs" else f" {unit}"
            lines.append(
                f"| {row} | {label} | {stat['best']:.2f}{suffix} | {stat['median']:.2f}{suffix} | "
                f"{vs_ref} | "
                f"{vs_ours} | {'; '.join(_targets(run, meta))} |"
            )
    lines.append("")
    for row in run.rows:
        lines.append(f"- **{row}**: {ROWS[row]}")
    if notes:
        lines.append("")
        lines += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    return "\n".join(lines)

"""Writing generated files, or checking them for drift: the last step of every generator here."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["write_or_check"]


def write_or_check(
    files: dict[Path, str],
    *,
    tool: str,
    command: str,
    check: bool,
    notes: Iterable[str] = (),
) -> int:
    """Write the files whose text changed, or with ``check`` show the drift and return 1.

    Args:
        files: every generated path with the text it must hold.
        tool: the generator's name, to start its messages.
        command: what to run to regenerate (named when files are stale).
        check: report instead of writing (CI).
        notes: remarks of the generator, printed when writing.
    """
    stale = [path for path, text in files.items() if not _holds(path, text)]
    if check:
        for path in stale:
            current = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
            diff = difflib.unified_diff(
                current, files[path].splitlines(), str(path), "generated", lineterm=""
            )
            print("\n".join(list(diff)[:40]))
        if stale:
            names = ", ".join(str(path.relative_to(ROOT)) for path in stale)
            print(f"{tool}: stale generated file(s): {names}; run `{command}`.")
            return 1
        print(f"{tool}: {len(files)} generated files are up to date.")
        return 0
    for note in notes:
        print(f"note: {note}")
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


def _holds(path: Path, text: str) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == text

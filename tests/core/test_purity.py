"""kraken.core does no I/O: no I/O imports, no clock, no randomness, no environment, no files."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "kraken" / "core"
BANNED_MODULES = {
    "socket",
    "ssl",
    "asyncio",
    "threading",
    "multiprocessing",
    "subprocess",
    "selectors",
    "select",
    "random",
    "secrets",
    "httpx",
    "httpcore",
    "anyio",
    "trio",
    "websockets",
    "wsproto",
    "uvicorn",
    "starlette",
    "requests",
    "aiohttp",
    "os",
    "io",
    "pathlib",
    "tempfile",
    "logging",
    "time",
    "urllib.request",
    "http.client",
}
BANNED_PREFIXES = ("kraken.adapters", "kraken.clients", "kraken.testing", "kraken.cli")
BANNED_CALLS = {"open", "input", "print", "exec", "eval", "__import__"}


def _violations(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if (
                name in BANNED_MODULES
                or name.split(".")[0] in BANNED_MODULES
                or name.startswith(BANNED_PREFIXES)
            ):
                found.append(f"{path}:{node.lineno} imports {name}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in BANNED_CALLS
        ):
            found.append(f"{path}:{node.lineno} calls {node.func.id}()")
        if isinstance(node, ast.Attribute) and node.attr in {
            "environ",
            "getenv",
            "urandom",
            "time_ns",
            "sleep",
        }:
            found.append(f"{path}:{node.lineno} uses .{node.attr}")
    return found


def test_core_has_files() -> None:
    assert len(list(CORE.rglob("*.py"))) > 10


def test_core_is_pure() -> None:
    violations = [v for path in sorted(CORE.rglob("*.py")) for v in _violations(path)]
    assert violations == []


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import time\nimport os\nx = os.environ\nopen('f')\n")
    assert len(_violations(bad)) == 4

"""The WebSocket client's session lock is a ``threading.Lock``: its sections must never await.

On an event loop a ``threading.Lock`` held across an ``await`` would block the loop as soon as
a second task asked for it. The sections are synchronous by design (the sans-I/O session's
methods); this test keeps them so, by reading the client's one source.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kraken.clients._async.websocket as source_module

SOURCE = Path(source_module.__file__)


def _lock_sections(tree: ast.AST) -> list[ast.With | ast.AsyncWith]:
    sections: list[ast.With | ast.AsyncWith] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                target = item.context_expr
                if isinstance(target, ast.Attribute) and target.attr == "lock":
                    sections.append(node)
    return sections


def _problems(source: str) -> list[str]:
    """Every lock section that is async or awaits inside, as ``line: what``."""
    problems = []
    for section in _lock_sections(ast.parse(source)):
        if isinstance(section, ast.AsyncWith):
            problems.append(f"{section.lineno}: `async with ...lock` (it is a threading.Lock)")
        for inner in ast.walk(ast.Module(body=section.body, type_ignores=[])):
            if isinstance(inner, ast.Await | ast.AsyncWith | ast.AsyncFor):
                problems.append(f"{inner.lineno}: awaits while holding the session lock")
    return problems


def test_the_client_holds_its_session_lock_only_around_synchronous_code() -> None:
    source = SOURCE.read_text()
    assert len(_lock_sections(ast.parse(source))) >= 10  # the check sees the real sections
    assert _problems(source) == []


def test_the_check_catches_an_await_inside_a_section() -> None:
    bad = (
        "async def f(link):\n"
        "    with link.lock:\n"
        "        await link.connection.send_text('x')\n"
        "    async with link.lock:\n"
        "        pass\n"
    )
    assert _problems(bad) == [
        "3: awaits while holding the session lock",
        "4: `async with ...lock` (it is a threading.Lock)",
    ]

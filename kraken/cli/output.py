"""How the CLI writes: JSON (exact decimals as strings), one-line errors, a delayed status line.

Everything that could print goes through :class:`Output`, which removes the credentials it was
given from every line before it leaves the process.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

__all__ = ["STATUS_DELAY", "Output", "to_jsonable"]

STATUS_DELAY = 1.0
"""Seconds an operation may take before a status line tells the user what it waits for."""

_REDACTED = "<redacted>"


def to_jsonable(value: Any) -> Any:
    """``value`` with Decimals as strings (exact digits), bytes as base64, tuples as lists.

    A Decimal keeps every digit Kraken sent, trailing zeros included, and never turns into
    scientific notation (``0.00000010``, not ``1.0E-7``).
    """
    if isinstance(value, Decimal):
        text = str(value)
        return format(value, "f") if "E" in text and value.is_finite() else text
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    return value


class Output:
    """Writes results to stdout and diagnostics to stderr, scrubbing credentials from both.

    Args:
        json_mode: results as JSON (one document, or one object per line for streams).
        stdout: where results go.
        stderr: where errors and status lines go.
    """

    def __init__(
        self, *, json_mode: bool = False, stdout: TextIO | None = None, stderr: TextIO | None = None
    ) -> None:
        self.json_mode = json_mode
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add_secrets(self, values: Iterable[str]) -> None:
        """Never let these values out (credentials), whatever prints them."""
        self._secrets = tuple(sorted({*self._secrets, *(v for v in values if v)}, key=len))[::-1]

    def scrub(self, text: str) -> str:
        """``text`` with every registered secret replaced by ``<redacted>``."""
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    # ----------------------------------------------------------------- results

    def result(self, value: Any) -> None:
        """Print one result: JSON in JSON mode, readable text otherwise."""
        if isinstance(value, bytes | bytearray) and not self.json_mode:
            # Raw bytes (an export's zip file) go out as they are: redirect them to a file.
            buffer = getattr(self.stdout, "buffer", None)
            if buffer is None:
                self.line(json.dumps(to_jsonable(value)))
                return
            self.stdout.flush()
            buffer.write(bytes(value))
            buffer.flush()
            return
        if isinstance(value, str) and not self.json_mode:
            self.line(value)
            return
        indent = None if self.json_mode else 2
        self.line(json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False))

    def line(self, text: str) -> None:
        """Print a line of results on stdout (scrubbed, flushed: streams are read live)."""
        with self._lock:
            self.stdout.write(self.scrub(text) + "\n")
            self.stdout.flush()

    # ----------------------------------------------------------------- diagnostics

    def error(self, message: str) -> None:
        """One human line on stderr: ``kraken: error: ...``."""
        flat = " ".join(self.scrub(message).split())
        with self._lock:
            self.stderr.write(f"kraken: error: {flat}\n")
            self.stderr.flush()

    def note(self, message: str) -> None:
        """A diagnostic line on stderr (reconnects, warnings); stdout stays clean for scripts."""
        with self._lock:
            self.stderr.write(f"kraken: {self.scrub(message)}\n")
            self.stderr.flush()

    @property
    def interactive(self) -> bool:
        """True when stderr is a terminal (status lines are drawn only there)."""
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    @contextmanager
    def status(self, message: str, *, delay: float = STATUS_DELAY) -> Iterator[None]:
        """Show ``message`` on stderr if the block still runs after ``delay`` seconds.

        Drawn on terminals only (a spinner with rich when installed, else a plain line that is
        erased at the end); nothing is written when stderr is a file or a pipe.
        """
        if not self.interactive:
            yield
            return
        shown = threading.Event()
        stop = threading.Event()
        text = self.scrub(message)

        def show() -> None:
            if stop.wait(delay):
                return
            with self._lock:
                if not stop.is_set():
                    self.stderr.write(f"\r… {text}")
                    self.stderr.flush()
                    shown.set()

        timer = threading.Thread(target=show, name="kraken-cli-status", daemon=True)
        timer.start()
        try:
            yield
        finally:
            stop.set()
            timer.join(1.0)
            if shown.is_set():
                with self._lock:
                    self.stderr.write("\r\033[K")
                    self.stderr.flush()

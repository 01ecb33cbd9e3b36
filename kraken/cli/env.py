"""Credentials for the CLI: environment variables, optionally filled from a ``.env`` file.

Values are read, never printed: :class:`CliCredentials` redacts itself and every error message
names the variable, not its value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kraken.core.errors import KrakenUsageError

__all__ = ["ENV_NAMES", "CliCredentials", "load_env_file", "resolve_credentials"]

ENV_NAMES = {
    "spot": ("KRAKEN_API_KEY", "KRAKEN_API_SECRET"),
    "futures": ("KRAKEN_FUTURES_API_KEY", "KRAKEN_FUTURES_API_SECRET"),
}
"""Which variables hold the key and secret of each credential family."""


@dataclass(frozen=True)
class CliCredentials:
    """A key pair taken from the environment (or nothing, for public calls)."""

    api_key: str | None = field(default=None, repr=False)
    api_secret: str | None = field(default=None, repr=False)

    @property
    def present(self) -> bool:
        """True when both halves are set."""
        return self.api_key is not None and self.api_secret is not None

    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in any output."""
        return tuple(v for v in (self.api_key, self.api_secret) if v)

    def __repr__(self) -> str:
        return f"CliCredentials({'<redacted>' if self.present else 'none'})"


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    # An unquoted value ends at an inline comment (" #"), as in most .env dialects.
    hash_at = value.find(" #")
    return value[:hash_at].rstrip() if hash_at >= 0 else value


def load_env_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """Parse a ``.env`` file: ``NAME=value`` lines, ``export`` prefixes, quotes, ``#`` comments.

    Raises:
        KrakenUsageError: when the file cannot be read or a line is not ``NAME=value`` (the
            message gives the line number, never the line: it may hold a secret).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise KrakenUsageError(f"cannot read env file {str(file)!r}: {exc.strerror}") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise KrakenUsageError(f"{file}:{number}: expected NAME=value")
        values[name] = _unquote(value)
    return values


def resolve_credentials(
    family: str, environ: Mapping[str, str], env_file: Mapping[str, str] | None = None
) -> CliCredentials:
    """The key pair of ``family`` (``"spot"`` or ``"futures"``); the environment wins over the file.

    Raises:
        KrakenUsageError: when only one half of the pair is set.
    """
    key_name, secret_name = ENV_NAMES[family]
    merged = {**(env_file or {}), **{k: v for k, v in environ.items() if v}}
    key = merged.get(key_name) or None
    secret = merged.get(secret_name) or None
    if (key is None) != (secret is None):
        missing = secret_name if secret is None else key_name
        raise KrakenUsageError(f"{missing} is not set (set both {key_name} and {secret_name}).")
    return CliCredentials(key, secret)

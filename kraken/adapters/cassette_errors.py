"""The root cassette error, in a module of its own so the REST clients can name it cheaply.

The clients only need the class (a replayed cassette's error is never retried); importing
:mod:`kraken.adapters.cassette` for it cost ~20 ms at first client use (bench B7).
"""

from __future__ import annotations

from kraken.core.errors import KrakenTransportError

__all__ = ["CassetteError"]


class CassetteError(KrakenTransportError):
    """A cassette file could not be read, parsed or written."""

"""The ``kraken`` command line (``pip install "kraken[cli]"``): call, stream, book, fake-exchange.

Run ``kraken --help``; :func:`main` is the entry point (``python -m kraken.cli`` works too).
"""

from __future__ import annotations

from kraken.cli.app import main

__all__ = ["main"]

"""The pure core: everything the SDK knows about Kraken, with no I/O, clocks or randomness.

Time, nonces and random ids come in as arguments; adapters and clients do the I/O. A machine
checks this: the import-linter contract in ``pyproject.toml`` and ``tests/core/test_purity.py``.
"""

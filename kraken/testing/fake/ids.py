"""Kraken-shaped identifiers from a seeded generator (so two runs give the same ids)."""

from __future__ import annotations

import random
import uuid

__all__ = ["IdMaker"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class IdMaker:
    """Order, trade and ledger ids (``OQCLML-BW3P3-BUCMWZ``), tokens, UUIDs and challenges."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed * 7919 + 17)

    def _chunk(self, size: int) -> str:
        return "".join(self._rng.choice(_ALPHABET) for _ in range(size))

    def kraken(self, prefix: str) -> str:
        """A spot id: ``prefix`` then 5-5-6 characters, e.g. ``O`` -> ``OAB2CD-EFGH3-IJKLMN``."""
        return f"{prefix}{self._chunk(5)}-{self._chunk(5)}-{self._chunk(6)}"

    def uuid(self) -> str:
        """A version-4-shaped UUID (futures order ids, challenges)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def token(self) -> str:
        """A WebSocket token: 43 base64 characters, like Kraken's."""
        chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        return "".join(self._rng.choice(chars) for _ in range(43))

    def number(self, bits: int = 63) -> int:
        """A random positive integer (connection ids)."""
        return self._rng.getrandbits(bits) | 1

"""Test-side reference code, written independently of the fake and of the SDK's core.

The checksum, the book and the signatures here are the tests' own reading of Kraken's docs
(https://docs.kraken.com/api/docs/guides/spot-ws-book-v2, spot-rest-auth, futures-rest): a test
that compares the fake against them checks the fake, not the fake against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from kraken.core.rest.values import Request


def strip(text: str) -> str:
    return text.replace(".", "").lstrip("0")


def crc(asks: list[tuple[str, str]], bids: list[tuple[str, str]]) -> int:
    """Asks low to high, bids high to low, top 10 each, as wire texts."""
    text = "".join(strip(p) + strip(q) for p, q in asks[:10])
    text += "".join(strip(p) + strip(q) for p, q in bids[:10])
    return zlib.crc32(text.encode())


def decode(text: str) -> Any:
    """JSON with exact decimals (a float would lose the trailing zeros the CRC needs)."""
    return json.loads(text, parse_float=Decimal)


class ReferenceBook:
    """A client-side L2 book maintained from v2 ``book`` messages, as the book guide says."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.bids: dict[Decimal, tuple[str, str]] = {}
        self.asks: dict[Decimal, tuple[str, str]] = {}

    def apply(self, message: dict[str, Any]) -> tuple[int, int]:
        """Apply one book message; return (checksum computed here, checksum sent)."""
        (entry,) = message["data"]
        if message["type"] == "snapshot":
            self.bids.clear()
            self.asks.clear()
        for name, side, best_first_reverse in (
            ("bids", self.bids, True),
            ("asks", self.asks, False),
        ):
            for level in entry[name]:
                price, qty = level["price"], level["qty"]
                if qty == 0:
                    side.pop(Decimal(price), None)
                else:
                    side[Decimal(price)] = (str(price), str(qty))
            for price in sorted(side, reverse=best_first_reverse)[self.depth :]:
                del side[price]
        return self.checksum(), int(entry["checksum"])

    def checksum(self) -> int:
        asks = [self.asks[p] for p in sorted(self.asks)]
        bids = [self.bids[p] for p in sorted(self.bids, reverse=True)]
        return crc(asks, bids)

    def top(self) -> dict[str, list[tuple[str, str]]]:
        return {
            "bids": [self.bids[p] for p in sorted(self.bids, reverse=True)],
            "asks": [self.asks[p] for p in sorted(self.asks)],
        }


def spot_signature(secret: str, path: str, nonce: int, body: bytes) -> str:
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(base64.b64decode(secret), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def futures_signature(secret: str, message: str) -> str:
    digest = hashlib.sha256(message.encode()).digest()
    return base64.b64encode(
        hmac.new(base64.b64decode(secret), digest, hashlib.sha512).digest()
    ).decode()


def signed_spot(method: str, key: str, secret: str, nonce: int, **params: str) -> Request:
    """A form-encoded private spot request signed here (not by the SDK)."""
    path = f"/0/private/{method}"
    body = urlencode({"nonce": nonce, **params}).encode()
    headers = {
        "API-Key": key,
        "API-Sign": spot_signature(secret, path, nonce, body),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return Request("POST", "https://api.kraken.com" + path, headers, body)


def envelope(response: Any) -> dict[str, Any]:
    return json.loads(response.body)


def new_secret(tag: str) -> str:
    return base64.b64encode(hashlib.sha512(tag.encode()).digest()).decode()

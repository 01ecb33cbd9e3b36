"""An in-process stand-in for Kraken used by client tests: checks signatures independently.

The signature check is the textbook formula from protocol.md section 10, written here again on
purpose: it must not share code with the signer it checks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from kraken.core.rest.values import Request, Response

API_KEY = "test-public-key"
API_SECRET = base64.b64encode(bytes(range(64))).decode()


def reference_sign(secret_b64: str, nonce: str, body: bytes, path: str) -> str:
    inner = hashlib.sha256(nonce.encode() + body).digest()
    mac = hmac.new(base64.b64decode(secret_b64), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def ok(result: Any, *, warnings: list[str] | None = None) -> Response:
    return Response(
        200,
        {"content-type": "application/json"},
        json.dumps({"error": warnings or [], "result": result}).encode(),
    )


def fail(*errors: str) -> Response:
    return Response(
        200, {"content-type": "application/json"}, json.dumps({"error": list(errors)}).encode()
    )


@dataclass
class Seen:
    """What the stub learnt from one request."""

    path: str
    query: dict[str, str]
    params: dict[str, Any]
    nonce: int | None
    headers: dict[str, str]


@dataclass
class KrakenStub:
    """Callable handler: verifies private requests, then answers with ``reply(seen)``."""

    secret: str = API_SECRET
    api_key: str = API_KEY
    last_nonce: int = 0
    seen: list[Seen] = field(default_factory=list)
    reply: Any = None

    def __call__(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        headers = dict(request.headers)
        content_type = headers.get("Content-Type", "")
        if request.body and "json" in content_type:
            params = json.loads(request.body)
        elif request.body:
            params = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
        else:
            params = {}
        nonce = None
        if "/private/" in parts.path:
            if headers.get("API-Key") != self.api_key:
                return fail("EAPI:Invalid key")
            nonce = int(params.pop("nonce"))
            expected = reference_sign(self.secret, str(nonce), request.body, parts.path)
            if not hmac.compare_digest(expected, headers.get("API-Sign", "")):
                return fail("EAPI:Invalid signature")
            if nonce <= self.last_nonce:
                return fail("EAPI:Invalid nonce")
            self.last_nonce = nonce
        seen = Seen(parts.path, dict(parse_qsl(parts.query)), params, nonce, headers)
        self.seen.append(seen)
        if self.reply is not None:
            answer = self.reply(seen)
            if isinstance(answer, Response):
                return answer
            return ok(answer)
        return ok({"path": parts.path, "params": params, "query": seen.query})

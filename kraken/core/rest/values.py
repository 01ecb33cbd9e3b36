"""The request and response values that cross the REST transport port."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

__all__ = ["SENSITIVE_HEADERS", "Request", "Response", "redacted_headers"]

# Header names whose values are credentials or signatures (compared lower-case).
SENSITIVE_HEADERS = frozenset(
    {"api-key", "api-sign", "apikey", "authent", "authorization", "cookie", "x-api-key"}
)


_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every credential-bearing value replaced by ``<redacted>``."""
    return {
        name: ("<redacted>" if name.lower() in SENSITIVE_HEADERS else value)
        for name, value in headers.items()
    }


class Request(NamedTuple):
    """One HTTP request, fully built and signed: what a transport must send, byte for byte.

    ``endpoint`` names the catalogue entry (``"get_ticker"``), for logs and recorded fixtures.
    The repr hides credential headers, so logging a request never leaks a key or signature.
    (A named tuple: immutable, and about three times cheaper to build than a frozen dataclass
    on the hot path; see bench/.)
    """

    method: str
    url: str
    headers: Mapping[str, str] = _NO_HEADERS
    body: bytes = b""
    endpoint: str = ""

    def __repr__(self) -> str:
        return (
            f"Request(method={self.method!r}, url={self.url!r}, "
            f"headers={redacted_headers(self.headers)!r}, body=<{len(self.body)} bytes>, "
            f"endpoint={self.endpoint!r})"
        )


class Response(NamedTuple):
    """One HTTP response as received: status, headers (lower-case names) and raw body bytes."""

    status: int
    headers: Mapping[str, str] = _NO_HEADERS
    body: bytes = b""

    def __repr__(self) -> str:
        return f"Response(status={self.status}, body=<{len(self.body)} bytes>)"

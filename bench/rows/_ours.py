"""Building our clients for the rows (our interpreter only; imports our ``kraken`` lazily)."""

from __future__ import annotations

import itertools
from typing import Any

from common import API_KEY, API_SECRET, FIXED_NONCE, REPLY, REPLY_HEADERS

_verify_keys = itertools.count()


def canned_response() -> Any:
    from kraken.core.rest.values import Response

    return Response(200, REPLY_HEADERS, REPLY)


def sync_client(encoding: str, *, verify: bool = False) -> Any:
    """A ``SpotClient`` over a ``MemoryTransport`` answering the canned reply.

    ``verify=True``: a fresh API key (so the process-wide nonce floor starts at zero), a fixed
    timestamp (nonce = FIXED_NONCE) and a transport that records requests.
    """
    from kraken import SpotClient
    from kraken.testing.memory import MemoryTransport

    response = canned_response()
    transport = MemoryTransport(lambda request: response, record=verify)
    return SpotClient(**_kwargs(encoding, verify), transport=transport)


def async_client(encoding: str, *, verify: bool = False) -> Any:
    """The ``AsyncSpotClient`` twin of :func:`sync_client` (over ``AsyncMemoryTransport``)."""
    from kraken import AsyncSpotClient
    from kraken.testing.memory import AsyncMemoryTransport

    response = canned_response()
    transport = AsyncMemoryTransport(lambda request: response, record=verify)
    return AsyncSpotClient(**_kwargs(encoding, verify), transport=transport)


def _kwargs(encoding: str, verify: bool) -> dict[str, Any]:
    # rate_limit="off": the client's default ("wait") paces AddOrder to the Starter tier's
    # order-rate limit, which would make B3 time sleeps instead of the call path.
    kwargs: dict[str, Any] = {
        "api_secret": API_SECRET,
        "body_encoding": encoding,
        "rate_limit": "off",
    }
    if verify:
        kwargs["api_key"] = f"bench-verify-{next(_verify_keys)}"
        kwargs["custom_timestamp_fn"] = lambda: FIXED_NONCE // 1_000_000
    else:
        kwargs["api_key"] = API_KEY
    return kwargs

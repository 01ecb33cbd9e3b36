"""Choosing the parser for an endpoint's reply shape, so clients make one call."""

from __future__ import annotations

from typing import Any

from kraken.core.rest.endpoint import Endpoint, Reply
from kraken.core.rest.envelope import Outcome, parse_binary, parse_envelope, parse_json
from kraken.core.rest.futures_reply import parse_futures, parse_futures_text
from kraken.core.rest.values import Response

__all__ = ["parse_reply"]


def parse_reply(endpoint: Endpoint[Any, Any], response: Response, *, map_errors: bool) -> Outcome:
    """Parse ``response`` as ``endpoint`` declares, raising the SDK's errors on failure."""
    reply = endpoint.reply
    name = endpoint.name
    if reply is Reply.ENVELOPE:
        return parse_envelope(response, endpoint=name, map_errors=map_errors)
    if reply is Reply.FUTURES:
        return parse_futures(
            response, endpoint=name, map_errors=map_errors, status_key=endpoint.status_key
        )
    if reply is Reply.JSON:
        label = "EOAuth" if endpoint.path.startswith("/oauth") else "EAPI"
        return parse_json(response, endpoint=name, map_errors=map_errors, label=label)
    if reply is Reply.BINARY:
        return parse_binary(response, endpoint=name, map_errors=map_errors)
    return parse_futures_text(response, endpoint=name, map_errors=map_errors)

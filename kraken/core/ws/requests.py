"""Normalising subscription requests and building the frames each WebSocket family expects.

Spot v2 / Unified (https://docs.kraken.com/api/docs/websocket-v2/...):
``{"method": "subscribe", "params": {"channel": ..., ...payload, "token"?}, "req_id": n}``.
Futures v1 (https://docs.kraken.com/api/docs/guides/futures-websockets):
``{"event": "subscribe", "feed": ..., ...payload, "api_key"?, "original_challenge"?,
"signed_challenge"?}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kraken.core.errors import KrakenUsageError
from kraken.core.rest.encoding import json_text, to_wire
from kraken.core.ws.keys import WsKeyInfo

__all__ = [
    "Topic",
    "challenge_frame",
    "futures_frame",
    "normalise_requests",
    "ping_frame",
    "v2_frame",
    "v2_method_frame",
]

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# Fields the SDK owns in a request; a payload may not set them.
_RESERVED = frozenset(
    {
        "channel",
        "method",
        "event",
        "feed",
        "token",
        "api_key",
        "original_challenge",
        "signed_challenge",
        "req_id",
    }
)
# The parameters an unsubscribe must echo (book depth, ohlc interval...), per the v2 docs.
_V2_KEYING = ("symbol", "depth", "interval", "event_trigger", "asset_class")


@dataclass(frozen=True, slots=True)
class Topic:
    """One subscription request: a topic (channel or feed) and its payload.

    ``identity`` is a canonical text of both, so asking twice for the same thing is recognised.
    """

    topic: str
    payload: Mapping[str, Any]
    identity: str


def _one(request: object, info: WsKeyInfo) -> Topic:
    payload: Mapping[str, Any]
    if isinstance(request, str):
        topic, payload = request, {}
    elif isinstance(request, Mapping):
        unknown = set(request) - {"topic", "payload"}
        if unknown or "topic" not in request:
            raise KrakenUsageError(
                'A subscription request is a topic string or {"topic": ..., "payload": {...}}; '
                f"got keys {sorted(map(str, request))}."
            )
        topic = request["topic"]
        payload = request.get("payload") or {}
        if not isinstance(payload, Mapping):
            raise KrakenUsageError(f"The payload of topic {topic!r} must be a dict.")
    else:
        raise KrakenUsageError(
            f"A subscription request is a topic string or a dict, not {type(request).__name__}."
        )
    if topic not in info.topics:
        raise KrakenUsageError(
            f"Topic {topic!r} is not available on {info.key.value}; valid topics: "
            f"{', '.join(info.topics)}."
        )
    owned = _RESERVED & set(payload)
    if owned:
        raise KrakenUsageError(
            f"Topic {topic!r}: the SDK sets {', '.join(sorted(owned))} itself; remove them from "
            "the payload."
        )
    wire = {str(k): to_wire(v, f"{topic}.{k}") for k, v in payload.items() if v is not None}
    identity = json.dumps([topic, wire], sort_keys=True, separators=(",", ":"))
    return Topic(topic, wire, identity)


def normalise_requests(requests: object, info: WsKeyInfo) -> list[Topic]:
    """Validate one request or a list of them for a key (before any connection is made)."""
    if isinstance(requests, str | Mapping):
        items: Iterable[object] = [requests]
    elif isinstance(requests, Iterable):
        items = list(requests)
    else:
        raise KrakenUsageError("subscribe() takes a topic, a request dict, or a list of them.")
    topics = [_one(item, info) for item in items]
    if not topics:
        raise KrakenUsageError("subscribe() needs at least one topic.")
    return topics


def v2_frame(method: str, topic: Topic, req_id: int, token: str | None) -> str:
    """A Spot v2 / Unified subscribe or unsubscribe frame (unsubscribe echoes keying params)."""
    params: dict[str, Any] = {"channel": topic.topic}
    if method == "subscribe":
        params.update(topic.payload)
    else:
        params.update({k: topic.payload[k] for k in _V2_KEYING if k in topic.payload})
    if token is not None:
        params["token"] = token
    return _dumps({"method": method, "params": params, "req_id": req_id})


def v2_method_frame(method: str, params: Mapping[str, Any], req_id: int, token: str | None) -> str:
    """Any other v2 request (trading methods): params plus the token when the key needs it.

    Numbers keep their exact text as JSON numbers (``Decimal("0.10")`` -> ``0.10``): WS v2
    types prices and quantities as numbers (https://docs.kraken.com/api/docs/websocket-v2/add_order).
    """
    body = {k: v for k, v in params.items() if v is not None}
    if token is not None:
        body["token"] = token
    return f'{{"method":{_dumps(method)},"params":{json_text(body, method)},"req_id":{req_id}}}'


def ping_frame(req_id: int) -> str:
    """The v2 application-level ping (https://docs.kraken.com/api/docs/websocket-v2/ping)."""
    return _dumps({"method": "ping", "req_id": req_id})


def futures_frame(event: str, topic: Topic, auth: tuple[str, str, str] | None) -> str:
    """A Futures v1 subscribe/unsubscribe frame; ``auth`` is (api_key, challenge, signed)."""
    body: dict[str, Any] = {"event": event, "feed": topic.topic, **topic.payload}
    if auth is not None:
        body["api_key"], body["original_challenge"], body["signed_challenge"] = auth
    return _dumps(body)


def challenge_frame(api_key: str) -> str:
    """The Futures challenge request."""
    return _dumps({"event": "challenge", "api_key": api_key})

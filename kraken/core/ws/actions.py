"""What a :class:`~kraken.core.ws.session.WsSession` asks its driver to do, as small values.

The driver (a client's pump) carries each action out and reports back through the session's
methods: ``Connect`` -> ``opened``/``connect_failed``; ``FetchToken`` -> ``token_received``/
``token_failed``; ``SignChallenge`` -> ``challenge_signed``; ``CloseSocket`` -> ``closed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Action",
    "CloseSocket",
    "Connect",
    "Emit",
    "FetchToken",
    "SendPing",
    "SendText",
    "SignChallenge",
    "Stopped",
]


@dataclass(frozen=True, slots=True)
class Connect:
    """Open a WebSocket to ``url``."""

    url: str


@dataclass(frozen=True, slots=True)
class SendText:
    """Send one text frame."""

    text: str


@dataclass(frozen=True, slots=True)
class SendPing:
    """Send a WebSocket protocol ping frame (futures keep-alive)."""


@dataclass(frozen=True, slots=True)
class CloseSocket:
    """Close the socket with this code; report ``closed`` when done."""

    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class FetchToken:
    """Fetch a fresh token with ``GetWebSocketsToken`` and report it with ``token_received``."""


@dataclass(frozen=True, slots=True)
class SignChallenge:
    """Sign the futures challenge (HMAC step, possibly a custom signer): ``challenge_signed``."""

    challenge: str


@dataclass(frozen=True, slots=True)
class Emit:
    """Hand ``data`` to the user's handlers for ``event``."""

    event: str
    data: Any


@dataclass(frozen=True, slots=True)
class Stopped:
    """The session ended for good (closed on purpose, or a terminal error)."""


Action = Connect | SendText | SendPing | CloseSocket | FetchToken | SignChallenge | Emit | Stopped

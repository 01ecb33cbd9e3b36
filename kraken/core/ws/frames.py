"""What a WebSocket connection hands back when read: the values of the WS port."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Closed", "Pong", "TextMessage", "TimedOut", "WsReceived"]


@dataclass(frozen=True, slots=True)
class TextMessage:
    """A complete text message (fragments already joined)."""

    text: str


@dataclass(frozen=True, slots=True)
class Pong:
    """A protocol pong (answer to our ping): a sign of life."""


@dataclass(frozen=True, slots=True)
class Closed:
    """The connection is closed; ``code`` 1006 when it died without a close frame."""

    code: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class TimedOut:
    """Nothing arrived before the receive timeout."""


WsReceived = TextMessage | Pong | Closed | TimedOut

"""WebSocket ports: connect to a URL, then exchange text messages, pings and a close."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from kraken.core.ws.frames import WsReceived

__all__ = ["AsyncWsConnection", "AsyncWsConnector", "WsConnection", "WsConnector"]


@runtime_checkable
class WsConnection(Protocol):
    """One open WebSocket (blocking). Thread-safe for one reader plus any number of senders."""

    def receive(self, timeout: float | None) -> WsReceived:
        """Wait up to ``timeout`` seconds for the next message, pong or close."""
        ...

    def send_text(self, text: str) -> None:
        """Send one text message; raise KrakenTransportError if the connection is gone."""
        ...

    def ping(self) -> None:
        """Send a protocol ping."""
        ...

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close (bounded wait for the peer's close frame); idempotent."""
        ...


@runtime_checkable
class WsConnector(Protocol):
    """Opens blocking connections."""

    def connect(self, url: str) -> WsConnection:
        """Open a connection; raise KrakenTransportError (with ``status`` for HTTP refusals)."""
        ...


@runtime_checkable
class AsyncWsConnection(Protocol):
    """One open WebSocket (async, anyio: asyncio and trio)."""

    async def receive(self, timeout: float | None) -> WsReceived:
        """Wait up to ``timeout`` seconds for the next message, pong or close."""
        ...

    async def send_text(self, text: str) -> None:
        """Send one text message; raise KrakenTransportError if the connection is gone."""
        ...

    async def ping(self) -> None:
        """Send a protocol ping."""
        ...

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close (bounded wait for the peer's close frame); idempotent."""
        ...


@runtime_checkable
class AsyncWsConnector(Protocol):
    """Opens async connections."""

    async def connect(self, url: str) -> AsyncWsConnection:
        """Open a connection; raise KrakenTransportError (with ``status`` for HTTP refusals)."""
        ...

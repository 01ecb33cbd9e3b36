"""REST transport ports: send one :class:`Request`, get one :class:`Response` back."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from kraken.core.rest.values import Request, Response

__all__ = ["AsyncRestTransport", "RestTransport"]


@runtime_checkable
class RestTransport(Protocol):
    """Blocking transport used by the sync clients.

    Implementations send ``request.body`` byte for byte (it is what was signed), return every
    HTTP status as a :class:`Response` (never raise for 4xx/5xx), and raise only
    :class:`~kraken.core.errors.KrakenTransportError` (or its subclass
    :class:`~kraken.core.errors.KrakenTimeoutError`) when no response arrived.
    """

    def send(self, request: Request) -> Response:
        """Send one request and return its response."""
        ...

    def close(self) -> None:
        """Release pooled connections; further sends may fail."""
        ...


@runtime_checkable
class AsyncRestTransport(Protocol):
    """The async twin of :class:`RestTransport`; must work on asyncio and trio (anyio)."""

    async def send(self, request: Request) -> Response:
        """Send one request and return its response."""
        ...

    async def aclose(self) -> None:
        """Release pooled connections; further sends may fail."""
        ...

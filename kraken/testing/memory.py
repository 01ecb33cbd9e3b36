"""In-memory REST transports: hand every request to a function, no sockets involved.

Use them to run a client against a sans-I/O fake (``handler(request) -> response``), to measure
client overhead with a zero-cost transport, or in your own bot's tests. They record every
request they saw in ``requests``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from kraken.core.rest.values import Request, Response

__all__ = ["AsyncMemoryTransport", "Handler", "MemoryTransport"]

Handler = Callable[[Request], Response]


class MemoryTransport:
    """Sync :class:`~kraken.ports.rest.RestTransport` calling ``handler`` for each request."""

    def __init__(self, handler: Handler, *, record: bool = True) -> None:
        self.handler = handler
        self.record = record
        self.requests: list[Request] = []
        self.closed = False

    def send(self, request: Request) -> Response:
        """Record the request and return the handler's response."""
        if self.record:
            self.requests.append(request)
        return self.handler(request)

    def close(self) -> None:
        """Mark the transport closed."""
        self.closed = True


class AsyncMemoryTransport:
    """Async :class:`~kraken.ports.rest.AsyncRestTransport`; ``handler`` may be sync or async."""

    def __init__(
        self, handler: Callable[[Request], Response | Awaitable[Response]], *, record: bool = True
    ) -> None:
        self.handler = handler
        self.record = record
        self.requests: list[Request] = []
        self.closed = False

    async def send(self, request: Request) -> Response:
        """Record the request and return (awaiting if needed) the handler's response."""
        if self.record:
            self.requests.append(request)
        response = self.handler(request)
        if inspect.isawaitable(response):
            response = await response
        return response

    async def aclose(self) -> None:
        """Mark the transport closed."""
        self.closed = True

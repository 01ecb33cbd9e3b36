"""The async WebSocket trading API client: Spot orders over WS v2, one awaitable per request.

This module is the source of the sync ``WebsocketAPIClient`` (``tools/codegen.py``). Requests
travel on the authenticated Spot key (``spotPrivateV2`` by default) through
:class:`AsyncWebsocketClient`, carry the WebSocket token, and are matched to their replies by
``req_id``. ``success: false`` raises the same :class:`KrakenAPIError` tree as REST. A request
in flight when the connection drops (or that gets no reply in time) raises
:class:`OrderOutcomeUnknownError` and is never re-sent: the order may exist; use
:meth:`reconcile_order` to look it up by ``cl_ord_id`` over REST.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from kraken.clients._async.spot import AsyncSpotClient
from kraken.clients._async.support import Waiter
from kraken.clients._async.websocket import AsyncWebsocketClient
from kraken.core.errors import (
    KrakenUsageError,
    OrderOutcomeUnknownError,
    api_error_from_messages,
)
from kraken.core.ws.keys import Family, key_info
from kraken.core.ws.trading import (
    TRADING_METHODS,
    TradingMethod,
    expected_replies,
    validate_trading_params,
)

__all__ = ["AsyncWebsocketAPIClient"]


class _Pending:
    __slots__ = ("error", "expected", "method", "params", "replies", "waiter")

    def __init__(self, method: TradingMethod, params: dict[str, Any], expected: int) -> None:
        self.method = method
        self.params = params
        self.expected = expected
        self.replies: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self.waiter = Waiter()


class AsyncWebsocketAPIClient:
    """Spot trading over the WebSocket API (WS v2): place, amend, edit and cancel orders.

    Args:
        api_key: Spot API key with the WebSocket and trading permissions.
        api_secret: its base64 secret.
        ws_key: ``"spotPrivateV2"`` (default) or ``"spotBetaPrivateV2"``.
        request_timeout: seconds to wait for a reply (a placement without a reply in time has
            an unknown outcome: :class:`OrderOutcomeUnknownError`).
        ws_client: an existing :class:`AsyncWebsocketClient` to share (its credentials are
            used); otherwise one is created with ``ws_options``.
        rest_client: the Spot REST client for tokens and :meth:`reconcile_order`.
        **ws_options: passed to :class:`AsyncWebsocketClient` (``ws_url``, ``ping_interval``...).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        ws_key: str = "spotPrivateV2",
        request_timeout: float = 10.0,
        ws_client: AsyncWebsocketClient | None = None,
        rest_client: AsyncSpotClient | None = None,
        **ws_options: Any,
    ) -> None:
        info = key_info(ws_key)
        if not (info.private and info.family is Family.V2) or info.key.value.startswith("unified"):
            raise KrakenUsageError(
                "The WebSocket trading API runs on spotPrivateV2 or spotBetaPrivateV2."
            )
        if request_timeout <= 0:
            raise KrakenUsageError("request_timeout must be a positive number of seconds.")
        self._key = info.key.value
        self._timeout = request_timeout
        self._rest = rest_client
        self._ws = ws_client or AsyncWebsocketClient(
            api_key=api_key, api_secret=api_secret, rest_client=rest_client, **ws_options
        )
        self._owns_ws = ws_client is None
        self._pending: dict[int, _Pending] = {}
        self._auth_waiter: Waiter | None = None
        self._ws.on("response", self._on_response)
        self._ws.on("exception", self._on_exception)
        self._ws.on("reconnecting", self._on_lost)
        self._ws.on("close", self._on_lost)
        self._ws.on("authenticated", self._on_authenticated)

    def get_ws_client(self) -> AsyncWebsocketClient:
        """The underlying WebSocket client (for events and subscriptions on the same key)."""
        return self._ws

    async def __aenter__(self) -> Self:
        if self._owns_ws:
            await self._ws.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._owns_ws:
            await self._ws.__aexit__(exc_type, exc, tb)

    async def connect_ws_api(self) -> None:
        """Connect and authenticate now (otherwise the first request does)."""
        session = self._ws.session(self._key)
        if session.is_authenticated:
            return
        waiter = self._auth_waiter = Waiter()
        await self._ws.connect(self._key)
        if not session.is_authenticated and not await waiter.wait(self._timeout):
            raise OrderOutcomeUnknownError(
                f"{self._key} did not authenticate within {self._timeout} s; nothing was sent."
            )

    # ------------------------------------------------------------- trading methods

    async def submit_spot_order(self, params: dict[str, Any]) -> dict[str, Any]:
        """Place an order (``add_order``): order_type, side, symbol, order_qty, limit_price...

        Never re-sent on its own: without a reply the outcome is unknown
        (:class:`OrderOutcomeUnknownError`); give a ``cl_ord_id`` to reconcile.
        """
        reply: dict[str, Any] = await self._request("submit_spot_order", params)
        return reply

    async def amend_spot_order(self, params: dict[str, Any]) -> dict[str, Any]:
        """Amend an order in place (``amend_order``) by order_id or cl_ord_id."""
        reply: dict[str, Any] = await self._request("amend_spot_order", params)
        return reply

    async def edit_spot_order(self, params: dict[str, Any]) -> dict[str, Any]:
        """Cancel-and-replace an order (``edit_order``; Kraken prefers amend_spot_order)."""
        reply: dict[str, Any] = await self._request("edit_spot_order", params)
        return reply

    async def cancel_spot_order(self, params: dict[str, Any]) -> Any:
        """Cancel orders by order_id, cl_ord_id or order_userref lists (one reply per order).

        Returns the reply, or the list of replies when several orders were named.
        """
        return await self._request("cancel_spot_order", params)

    async def cancel_all_spot_orders(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Cancel every open order (``cancel_all``)."""
        reply: dict[str, Any] = await self._request("cancel_all_spot_orders", params)
        return reply

    async def cancel_all_spot_orders_after(self, params: dict[str, Any]) -> dict[str, Any]:
        """Dead man's switch (``cancel_all_orders_after``): ``timeout`` seconds, 0 disables."""
        reply: dict[str, Any] = await self._request("cancel_all_spot_orders_after", params)
        return reply

    async def batch_submit_spot_orders(self, params: dict[str, Any]) -> dict[str, Any]:
        """Place 2 to 15 orders on one symbol (``batch_add``)."""
        reply: dict[str, Any] = await self._request("batch_submit_spot_orders", params)
        return reply

    async def batch_cancel_spot_orders(self, params: dict[str, Any]) -> dict[str, Any]:
        """Cancel up to 50 orders (``batch_cancel``)."""
        reply: dict[str, Any] = await self._request("batch_cancel_spot_orders", params)
        return reply

    async def reconcile_order(self, cl_ord_id: str) -> dict[str, Any] | None:
        """Find an order by ``cl_ord_id`` over REST (open first, then closed); None if absent.

        Use it after :class:`OrderOutcomeUnknownError` before deciding to place it again.
        """
        rest = self._rest or self._ws._rest_client()
        for lookup in (rest.get_open_orders, rest.get_closed_orders):
            result: Any = await lookup({"cl_ord_id": cl_ord_id})
            orders = result.get("open") or result.get("closed") or {}
            for txid, order in orders.items():
                if order.get("cl_ord_id") == cl_ord_id:
                    return {"txid": txid, **order}
        return None

    # ------------------------------------------------------------- correlation

    async def _request(self, name: str, params: Any) -> Any:
        method = TRADING_METHODS[name]
        clean = validate_trading_params(method, params)
        await self.connect_ws_api()
        pending = _Pending(method, clean, expected_replies(method, clean))

        def register(req_id: int) -> None:
            self._pending[req_id] = pending

        req_id = await self._ws.send_request(self._key, method.wire, clean, register)
        try:
            answered = await pending.waiter.wait(self._timeout)
        finally:
            self._pending.pop(req_id, None)
        if pending.error is not None:
            raise pending.error
        if not answered:
            raise OrderOutcomeUnknownError(
                f"{name}: no reply within {self._timeout} s (req_id {req_id}); the outcome is "
                "unknown and the request was not re-sent"
                + ("; reconcile by cl_ord_id" if method.places_orders else ""),
                req_id=req_id,
                request=clean,
            )
        return pending.replies[0] if pending.expected == 1 else pending.replies

    def _pending_for(self, message: Any) -> _Pending | None:
        req_id = message.get("req_id") if isinstance(message, dict) else None
        return self._pending.get(req_id) if isinstance(req_id, int) else None

    def _on_response(self, data: Any) -> None:
        pending = self._pending_for(data)
        if pending is not None:
            pending.replies.append(data)
            if len(pending.replies) >= pending.expected:
                pending.waiter.set()

    def _on_exception(self, data: Any) -> None:
        message = data.get("data") if isinstance(data, dict) else None
        if not isinstance(message, dict):
            return
        pending = self._pending_for(message)
        if pending is not None:
            error = str(message.get("error") or data.get("error") or "request failed")
            pending.error = api_error_from_messages([error], endpoint=pending.method.name)
            pending.waiter.set()

    def _on_lost(self, data: Any) -> None:
        if not isinstance(data, dict) or data.get("wsKey") != self._key:
            return
        for req_id, pending in list(self._pending.items()):
            pending.error = OrderOutcomeUnknownError(
                f"{pending.method.name}: the connection dropped before the reply (req_id "
                f"{req_id}); the outcome is unknown and the request was not re-sent",
                req_id=req_id,
                request=pending.params,
            )
            pending.waiter.set()

    def _on_authenticated(self, data: Any) -> None:
        if isinstance(data, dict) and data.get("wsKey") == self._key and self._auth_waiter:
            self._auth_waiter.set()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(ws_key={self._key!r}, {self._ws!r})"

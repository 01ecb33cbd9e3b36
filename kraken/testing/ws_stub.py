"""A Kraken-shaped WebSocket stub (Spot v2 and Futures v1 dialects) with fault injection.

Serve it with :class:`~kraken.testing.ws_server.LoopbackWsServer`::

    stub = KrakenWsStub(tokens={"tok-1"})
    with LoopbackWsServer(stub.handler) as server:
        ...  # point a client's ws_url at server.url

Spot v2 (``/v2`` paths): answers ``ping`` with ``pong``, acknowledges each ``subscribe`` per
symbol (or once without symbols), refuses private channels without a valid token
(``EAPI:Invalid token``), and pushes ``heartbeat``. Futures v1 (``/ws/v1``): answers the
challenge, checks ``signed_challenge`` with its own HMAC code (not the SDK's), acknowledges
``subscribed``. Every subscribe it accepted is recorded in :attr:`KrakenWsStub.subscriptions`,
one list per connection, so tests can check nothing was lost or duplicated.

Faults (:meth:`KrakenWsStub.inject`): ``"drop"`` (abort the TCP connection: the client sees
1006), ``"close:<code>"``, ``"silence"`` (stop answering), ``"garbage"`` (a non-JSON frame),
``"invalidate_tokens"`` (every current token becomes invalid).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterable
from typing import Any

__all__ = ["KrakenWsStub"]

_PRIVATE_V2 = frozenset({"executions", "balances", "level3"})
# WS v2 trading methods (https://docs.kraken.com/api/docs/websocket-v2/add_order ...).
_TRADING = frozenset(
    {
        "add_order",
        "amend_order",
        "edit_order",
        "cancel_order",
        "cancel_all",
        "cancel_all_orders_after",
        "batch_add",
        "batch_cancel",
    }
)
_PRIVATE_FUTURES = frozenset(
    {
        "open_orders",
        "open_orders_verbose",
        "fills",
        "balances",
        "open_positions",
        "account_log",
        "notifications_auth",
    }
)


def _challenge_signature(secret_b64: str, challenge: str) -> str:
    digest = hashlib.sha256(challenge.encode()).digest()
    mac = hmac.new(base64.b64decode(secret_b64), digest, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


class KrakenWsStub:
    """The stub's state, shared by all connections; ``handler`` is what the server runs.

    Args:
        tokens: WebSocket tokens accepted in private v2 requests.
        futures_keys: api_key -> base64 secret for the futures challenge.
        heartbeat_interval: seconds between v2 heartbeats once something is subscribed
            (``None``: none).
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] = (),
        futures_keys: dict[str, str] | None = None,
        heartbeat_interval: float | None = None,
    ) -> None:
        self.tokens = set(tokens)
        self.futures_keys = dict(futures_keys or {})
        self.heartbeat_interval = heartbeat_interval
        self.subscriptions: list[list[dict[str, Any]]] = []
        self.connections = 0
        self.received: list[dict[str, Any]] = []
        self.received_text: list[str] = []
        """Every text frame exactly as it arrived (for checks on the wire digits)."""
        self._lock = threading.Lock()
        self._faults: list[str] = []
        self._live: list[Any] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self.trading_mode = "ok"
        """How trading requests are answered: ``"ok"``, ``"reject:<error>"``, ``"silent"``
        (no reply) or ``"drop"`` (the connection is cut before the reply)."""
        self.orders: list[dict[str, Any]] = []

    # ------------------------------------------------------------- test controls

    def inject(self, fault: str) -> None:
        """Apply a fault to every open connection (see the module docstring)."""
        if fault == "invalidate_tokens":
            with self._lock:
                self.tokens.clear()
            return
        with self._lock:
            self._faults.append(fault)
            live = list(self._live)
        loop = self._loop
        if loop is None:
            return
        for connection in live:
            asyncio.run_coroutine_threadsafe(self._apply(connection, fault), loop)

    def push(self, message: dict[str, Any]) -> None:
        """Send ``message`` to every open connection."""
        loop = self._loop
        with self._lock:
            live = list(self._live)
        if loop is None:
            return
        text = json.dumps(message)
        for connection in live:
            asyncio.run_coroutine_threadsafe(connection.send(text), loop)

    def push_text(self, text: str) -> None:
        """Send raw text (possibly not JSON) to every open connection."""
        loop = self._loop
        with self._lock:
            live = list(self._live)
        if loop is None:
            return
        for connection in live:
            asyncio.run_coroutine_threadsafe(connection.send(text), loop)

    # ------------------------------------------------------------- server side

    async def handler(self, connection: Any) -> None:
        """Serve one connection (pass this to the loopback WS server)."""
        self._loop = asyncio.get_running_loop()
        path = getattr(getattr(connection, "request", None), "path", "/v2")
        futures = path.startswith("/ws/v1")
        state: dict[str, Any] = {"silent": False, "challenges": set(), "subs": []}
        with self._lock:
            self.connections += 1
            self.subscriptions.append(state["subs"])
            self._live.append(connection)
        heartbeat: asyncio.Task[None] | None = None
        try:
            if not futures:
                await connection.send(
                    json.dumps(
                        {
                            "channel": "status",
                            "type": "update",
                            "data": [{"api_version": "v2", "system": "online", "version": "2.0.0"}],
                        }
                    )
                )
            async for raw in connection:
                if state["silent"] or self._is_silenced(connection):
                    continue
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                with self._lock:
                    self.received.append(message)
                    self.received_text.append(str(raw))
                if futures:
                    await self._futures(connection, message, state)
                else:
                    await self._v2(connection, message, state)
                    if heartbeat is None and state["subs"] and self.heartbeat_interval:
                        heartbeat = asyncio.create_task(self._heartbeats(connection))
        except Exception:  # noqa: S110 - a dropped connection ends the handler, nothing to report
            pass
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            with self._lock:
                if connection in self._live:
                    self._live.remove(connection)

    def _is_silenced(self, connection: Any) -> bool:
        return getattr(connection, "_kraken_stub_silent", False)

    async def _apply(self, connection: Any, fault: str) -> None:
        if fault == "drop":
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        elif fault.startswith("close:"):
            await connection.close(int(fault.split(":", 1)[1]), "stub closed")
        elif fault == "silence":
            # Stop reading too, so not even protocol pings get their automatic pong.
            connection._kraken_stub_silent = True
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.pause_reading()
        elif fault == "garbage":
            await connection.send("{this is not json")

    async def _heartbeats(self, connection: Any) -> None:
        interval = self.heartbeat_interval or 1.0
        while True:
            await asyncio.sleep(interval)
            if self._is_silenced(connection):
                return
            await connection.send('{"channel":"heartbeat"}')

    async def _v2(self, connection: Any, message: dict[str, Any], state: dict[str, Any]) -> None:
        method = message.get("method")
        req_id = message.get("req_id")
        if method == "ping":
            await connection.send(json.dumps({"method": "pong", "req_id": req_id}))
            return
        if method in _TRADING:
            await self._trade(connection, str(method), message)
            return
        if method not in ("subscribe", "unsubscribe"):
            await connection.send(
                json.dumps(
                    {
                        "method": method,
                        "req_id": req_id,
                        "success": False,
                        "error": f"stub does not implement {method}",
                    }
                )
            )
            return
        params = dict(message.get("params") or {})
        channel = params.get("channel")
        if channel in _PRIVATE_V2:
            with self._lock:
                valid = params.get("token") in self.tokens
            if not valid:
                await connection.send(
                    json.dumps(
                        {
                            "method": method,
                            "req_id": req_id,
                            "success": False,
                            "error": "EAPI:Invalid token",
                        }
                    )
                )
                return
        params.pop("token", None)
        if method == "subscribe":
            state["subs"].append(params)
        symbols = params.get("symbol") or [None]
        for symbol in symbols:
            result: dict[str, Any] = {"channel": channel}
            if symbol is not None:
                result["symbol"] = symbol
            await connection.send(
                json.dumps(
                    {
                        "method": method,
                        "req_id": req_id,
                        "success": True,
                        "result": result,
                        "time_in": "2026-01-01T00:00:00.000000Z",
                        "time_out": "2026-01-01T00:00:00.000001Z",
                    }
                )
            )

    async def _trade(self, connection: Any, method: str, message: dict[str, Any]) -> None:
        req_id = message.get("req_id")
        params = dict(message.get("params") or {})
        with self._lock:
            valid = params.pop("token", None) in self.tokens
            mode = self.trading_mode
            if valid and mode in ("ok", "silent", "drop"):
                self.orders.append({"method": method, **params})
        reply: dict[str, Any] = {
            "method": method,
            "req_id": req_id,
            "time_in": "2026-01-01T00:00:00Z",
            "time_out": "2026-01-01T00:00:00Z",
        }
        if not valid:
            reply |= {"success": False, "error": "EAPI:Invalid token"}
        elif mode.startswith("reject:"):
            reply |= {"success": False, "error": mode.split(":", 1)[1]}
        elif mode == "silent":
            return
        elif mode == "drop":
            await self._apply(connection, "drop")
            return
        elif method == "cancel_order":
            ids = [*(params.get("order_id") or []), *(params.get("cl_ord_id") or [])] or [None]
            for order_id in ids:
                await connection.send(
                    json.dumps(reply | {"success": True, "result": {"order_id": order_id}})
                )
            return
        else:
            result = {"order_id": f"O{len(self.orders):05d}-STUB"}
            if "cl_ord_id" in params:
                result["cl_ord_id"] = params["cl_ord_id"]
            reply |= {"success": True, "result": result}
        await connection.send(json.dumps(reply))

    async def _futures(
        self, connection: Any, message: dict[str, Any], state: dict[str, Any]
    ) -> None:
        event = message.get("event")
        if event == "challenge":
            issued = str(uuid.uuid4())
            state["challenges"].add((message.get("api_key"), issued))
            await connection.send(json.dumps({"event": "challenge", "message": issued}))
            return
        if event not in ("subscribe", "unsubscribe"):
            await connection.send(json.dumps({"event": "error", "message": "Json Error"}))
            return
        feed = message.get("feed")
        if feed in _PRIVATE_FUTURES:
            key = message.get("api_key")
            challenge = message.get("original_challenge")
            secret = self.futures_keys.get(str(key))
            ok = (
                secret is not None
                and (key, challenge) in state["challenges"]
                and hmac.compare_digest(
                    _challenge_signature(secret, str(challenge)),
                    str(message.get("signed_challenge")),
                )
            )
            if not ok:
                await connection.send(json.dumps({"event": "subscribed_failed", "feed": feed}))
                return
        if event == "subscribe":
            state["subs"].append({"feed": feed, "product_ids": message.get("product_ids")})
        await connection.send(
            json.dumps(
                {"event": f"{event}d", "feed": feed, "product_ids": message.get("product_ids")}
            )
        )

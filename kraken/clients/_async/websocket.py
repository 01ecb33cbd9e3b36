"""The async WebSocket client: one connection and one sans-I/O session per WS key.

This module is the source of the sync ``WebsocketClient`` (``tools/codegen.py``). The session
(:class:`~kraken.core.ws.session.WsSession`) decides everything; this client only carries its
actions out: connect, send, ping, close, fetch a token, sign a challenge, call handlers.
"""

from __future__ import annotations

import logging
import random
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from types import TracebackType
from typing import Any, Self

from kraken.adapters.ws_anyio import AnyioWsConnector
from kraken.clients._async.spot import AsyncSpotClient
from kraken.clients._async.support import Group, Mailbox, Wakeup, new_lock, resolve
from kraken.core.auth.credentials import Credentials
from kraken.core.auth.signing import HmacSha512Signer, futures_message
from kraken.core.book import BookUpdated, L2Book, ResyncGaveUp, ResyncNeeded
from kraken.core.errors import (
    KrakenDeprecationWarning,
    KrakenError,
    KrakenUsageError,
    MissingCredentialsError,
)
from kraken.core.rest.urls import validate_base_url
from kraken.core.ws.actions import (
    Action,
    CloseSocket,
    Connect,
    Emit,
    FetchToken,
    SendPing,
    SendText,
    SignChallenge,
    Stopped,
)
from kraken.core.ws.frames import Closed, Pong, TextMessage, TimedOut
from kraken.core.ws.keys import Family, WsKey, WsKeyInfo, key_info
from kraken.core.ws.session import SessionState, WsSession, WsSettings
from kraken.ports.signer import SignMessageFn
from kraken.ports.ws import AsyncWsConnection, AsyncWsConnector

__all__ = ["EVENTS", "AsyncWebsocketClient"]

EVENTS = (
    "open",
    "message",
    "response",
    "reconnecting",
    "reconnected",
    "authenticated",
    "exception",
    "close",
    "book",
    "book_resync",
)
"""Every event a handler can be registered for with :meth:`AsyncWebsocketClient.on`.

``book`` and ``book_resync`` come from books kept with :meth:`AsyncWebsocketClient.book`; the
raw ``book`` messages still arrive as ``message`` events (raw mode)."""

Handler = Callable[[Any], Any]

_IDLE_WAIT = 3600.0


def _book_request(symbol: str, depth: int) -> dict[str, Any]:
    return {"topic": "book", "payload": {"symbol": [symbol], "depth": depth}}


_TESTNET_NOTICE = (
    "Kraken retired the Futures demo environment on 2026-07-14; demo-futures.kraken.com no "
    "longer serves the API. Use ws_url= with your own test server (kraken.testing) instead."
)


class _Link:
    """One WS key's session, connection and pump state."""

    def __init__(self, session: WsSession) -> None:
        self.session = session
        self.connection: AsyncWsConnection | None = None
        # Guards the session; held only around its (synchronous) methods, never across an
        # await (tests/clients/test_ws_lock_sections.py), so it is never contended on a loop.
        self.lock = new_lock()
        self.wakeup = Wakeup()
        self.pending: list[Action] = []
        self.running = False


class AsyncWebsocketClient:
    """Kraken WebSocket client for every WS key (Spot v2, Level 3, Futures v1, Unified).

    One pump per connected key runs in the background (an anyio task group entered with
    ``async with AsyncWebsocketClient(...) as ws:``; daemon threads for the sync client, which
    needs no ``with``). Connections open lazily on the first :meth:`subscribe` of a key, are
    kept alive with pings, and are replaced after a drop with backoff; every subscription comes
    back exactly once after each reconnect.

    Args:
        api_key: Spot key (private Spot, Level 3 and Unified keys fetch WebSocket tokens with
            it) or Futures key (``derivativesPrivateV1`` signs the challenge with it).
        api_secret: the key's base64 secret.
        ws_url: overrides the URL of every key (tests, proxies).
        ping_interval: seconds between pings.
        pong_timeout: extra seconds of silence before a connection is declared dead.
        reconnect_backoff_base: first backoff ceiling after the near-instant attempts.
        reconnect_backoff_cap: largest backoff ceiling.
        testnet: route Futures keys to the retired demo host (warns; see the docs).
        custom_sign_message_fn: replaces the HMAC step of the Futures challenge (and of the
            token fetch, through the internal Spot client).
        logger: where connection events are logged (default ``logging.getLogger("kraken.ws")``).
        rest_client: the Spot client used for ``GetWebSocketsToken`` (default: one built from
            ``api_key``/``api_secret``).
        connector: opens connections (default: the anyio adapter; tests inject others).
        settings: advanced session timing (overrides the ping/backoff arguments).
        mailbox_size: how many messages ``async for`` may lag before new ones are dropped.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        ws_url: str | None = None,
        ping_interval: float = 10.0,
        pong_timeout: float = 5.0,
        reconnect_backoff_base: float = 0.5,
        reconnect_backoff_cap: float = 30.0,
        testnet: bool = False,
        custom_sign_message_fn: SignMessageFn | None = None,
        logger: logging.Logger | None = None,
        rest_client: AsyncSpotClient | None = None,
        connector: AsyncWsConnector | None = None,
        settings: WsSettings | None = None,
        mailbox_size: int = 10_000,
    ) -> None:
        if (api_key is None) != (api_secret is None) and custom_sign_message_fn is None:
            raise KrakenUsageError("Pass both api_key and api_secret (or a custom signer).")
        self._credentials = Credentials(api_key, api_secret) if api_key is not None else None
        self._signer = (
            HmacSha512Signer(self._credentials.secret_bytes)
            if self._credentials is not None and self._credentials.secret_bytes is not None
            else None
        )
        self._custom_signer = custom_sign_message_fn
        self._ws_url = validate_base_url(ws_url, websocket=True) if ws_url else None
        self._testnet = testnet
        if testnet:
            warnings.warn(_TESTNET_NOTICE, KrakenDeprecationWarning, stacklevel=2)
        self._settings = settings or WsSettings(
            ping_interval=ping_interval,
            pong_timeout=pong_timeout,
            backoff_base=reconnect_backoff_base,
            backoff_cap=reconnect_backoff_cap,
        )
        self._logger = logger or logging.getLogger("kraken.ws")
        self._rest = rest_client
        self._connector: AsyncWsConnector = connector or AnyioWsConnector()
        self._links: dict[WsKey, _Link] = {}
        self._handlers: dict[str, list[Handler]] = {event: [] for event in EVENTS}
        self._group = Group()
        self._mailbox: Mailbox | None = None
        self._mailbox_size = mailbox_size
        self._random = random.Random()
        self._books: dict[tuple[str, str], tuple[L2Book, dict[str, Any]]] = {}

    # ----------------------------------------------------------------- handlers

    def on(self, event: str, handler: Handler | None = None) -> Any:
        """Register ``handler(data)`` for ``event`` (sync or async); usable as a decorator."""
        if event not in self._handlers:
            raise KrakenUsageError(f"Unknown event {event!r}; events: {', '.join(EVENTS)}.")
        if handler is None:

            def decorate(fn: Handler) -> Handler:
                self._handlers[event].append(fn)
                return fn

            return decorate
        self._handlers[event].append(handler)
        return handler

    def off(self, event: str, handler: Handler) -> None:
        """Remove a handler registered with :meth:`on`."""
        if handler in self._handlers.get(event, []):
            self._handlers[event].remove(handler)

    # ----------------------------------------------------------------- commands

    async def subscribe(self, requests: object, ws_key: str) -> None:
        """Subscribe to one topic or many (``"ticker"`` or ``{"topic": ..., "payload": ...}``).

        Validated before anything is sent (unknown key or topic: :class:`KrakenUsageError`).
        The connection opens on first use; the subscription is restored after every reconnect.
        """
        link = self._link(ws_key)
        with link.lock:
            actions = link.session.subscribe(requests, time.monotonic())
        await self._run_or_hand_over(link, actions)

    async def unsubscribe(self, requests: object, ws_key: str) -> None:
        """Unsubscribe (and stop restoring) the given topics."""
        link = self._link(ws_key)
        with link.lock:
            actions = link.session.unsubscribe(requests, time.monotonic())
        await self._run_or_hand_over(link, actions)

    async def connect(self, ws_key: str) -> None:
        """Open the connection of ``ws_key`` now (otherwise the first subscribe opens it)."""
        link = self._link(ws_key)
        with link.lock:
            actions = link.session.start(time.monotonic())
        await self._run_or_hand_over(link, actions)

    async def connect_all(self) -> None:
        """Open every key that has subscriptions (keys without any stay closed)."""
        for key, link in list(self._links.items()):
            if link.session.topics:
                await self.connect(key)

    async def close(self, ws_key: str) -> None:
        """Close ``ws_key`` on purpose: ``close`` is emitted and it does not reconnect."""
        link = self._links.get(key_info(ws_key).key)
        if link is None:
            return
        with link.lock:
            actions = link.session.close(time.monotonic())
        await self._execute(link, actions)
        link.wakeup.set()

    async def close_all(self) -> None:
        """Close every connection on purpose."""
        for key in list(self._links):
            await self.close(key)

    async def send_request(
        self, ws_key: str, method: str, params: Mapping[str, Any], register: Callable[[int], None]
    ) -> int:
        """Send a v2 request on a connected, authenticated key; returns its ``req_id``.

        ``register(req_id)`` runs before the frame leaves, so a reply can never arrive before
        the caller is listening for it.
        """
        link = self._link(ws_key)
        with link.lock:
            req_id, actions = link.session.request(method, params, time.monotonic())
            register(req_id)
        await self._execute(link, actions)
        return req_id

    async def book(
        self,
        symbol: str,
        depth: int = 10,
        ws_key: str = "spotPublicV2",
        *,
        price_precision: int | None = None,
        qty_precision: int | None = None,
    ) -> L2Book:
        """Subscribe to ``symbol``'s book and keep it: a checksum-verified :class:`L2Book`.

        The returned book is updated in place as messages arrive (best bid/ask, ``top(n)``,
        spread, iteration); every verified message emits ``book`` with ``{"wsKey", "symbol",
        "book", "event"}``. A checksum mismatch withholds the message and emits
        ``book_resync``; the client then resubscribes for a fresh snapshot (bounded attempts,
        after which ``book_resync`` carries ``gave_up: True``). Float-typed feeds need the
        pair's ``price_precision`` and ``qty_precision`` (from ``get_asset_pairs``).
        """
        info = key_info(ws_key)
        if "book" not in info.topics or info.family is not Family.V2:
            raise KrakenUsageError(f"{info.key.value} has no v2 book channel.")
        book = L2Book(symbol, depth, price_precision=price_precision, qty_precision=qty_precision)
        self._books[(info.key.value, symbol)] = (book, _book_request(symbol, depth))
        await self.subscribe(_book_request(symbol, depth), ws_key)
        return book

    def is_connected(self, ws_key: str) -> bool:
        """True while ``ws_key``'s socket is open."""
        link = self._links.get(key_info(ws_key).key)
        return link is not None and link.session.is_connected

    def session(self, ws_key: str) -> WsSession:
        """The sans-I/O session of ``ws_key`` (for inspection: state, topics, token)."""
        return self._link(ws_key).session

    async def __aenter__(self) -> Self:
        await self._group.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close_all()
        await self._group.close()
        if self._rest is not None and self._owns_rest:
            await self._rest.aclose()

    async def messages(self) -> AsyncIterator[Any]:
        """Iterate over ``message`` events as they arrive (``async for m in ws.messages()``)."""
        if self._mailbox is None:
            self._mailbox = Mailbox(self._mailbox_size)
        while True:
            yield await self._mailbox.get()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self.messages()

    def __repr__(self) -> str:
        who = f"key=<redacted {self._credentials.fingerprint}>" if self._credentials else "public"
        return f"{type(self).__name__}({who}, keys={[k.value for k in self._links]})"

    # ----------------------------------------------------------------- internals

    _owns_rest = False

    def _link(self, ws_key: str) -> _Link:
        info = key_info(ws_key)
        link = self._links.get(info.key)
        if link is None:
            self._check_credentials(info)
            session = WsSession(
                info,
                settings=self._settings,
                random_unit=self._random.random,
                url=self._url_for(info),
                api_key=self._credentials.api_key if self._credentials else None,
            )
            link = self._links[info.key] = _Link(session)
        return link

    def _url_for(self, info: WsKeyInfo) -> str:
        if self._ws_url is not None:
            return self._ws_url
        if self._testnet and info.testnet_url is not None:
            return info.testnet_url
        return info.url

    def _check_credentials(self, info: WsKeyInfo) -> None:
        if info.private and self._credentials is None:
            raise MissingCredentialsError(
                f"{info.key.value} is private: pass api_key= and api_secret= to the client."
            )

    async def _run_or_hand_over(self, link: _Link, actions: list[Action]) -> None:
        """Connects belong to the pump: start it (once); anything else runs right here."""
        if any(isinstance(action, Connect) for action in actions):
            link.pending = [a for a in actions if isinstance(a, Connect)]
            actions = [a for a in actions if not isinstance(a, Connect)]
            if not link.running:
                link.running = True
                self._group.start_soon(self._pump, link)
            else:
                link.wakeup.set()
        await self._execute(link, actions)

    async def _pump(self, link: _Link) -> None:
        session = link.session
        try:
            while True:
                if link.pending:  # read without the lock: a late hand-over also sets wakeup
                    with link.lock:
                        actions, link.pending = link.pending, []
                    await self._execute(link, actions)
                if session.state is SessionState.STOPPED:
                    return
                connection = link.connection
                wake = session.next_wakeup()
                now = time.monotonic()
                timeout = _IDLE_WAIT if wake is None else max(0.0, wake - now)
                if connection is None:
                    await link.wakeup.wait(timeout)
                    with link.lock:
                        actions = session.tick(time.monotonic())
                    await self._execute(link, actions)
                    continue
                received = await connection.receive(timeout)
                now = time.monotonic()
                with link.lock:
                    if isinstance(received, TextMessage):
                        actions = session.text_received(received.text, now)
                        wake = session.next_wakeup()
                        if wake is not None and now >= wake:
                            actions += session.tick(now)  # keep pinging under a flood
                    elif isinstance(received, Pong):
                        actions = session.pong_received(now)
                    elif isinstance(received, Closed):
                        link.connection = None
                        actions = session.closed(received.code, received.reason, now)
                    elif isinstance(received, TimedOut):
                        actions = session.tick(now)
                await self._execute(link, actions)
        finally:
            link.running = False

    async def _execute(self, link: _Link, actions: list[Action]) -> None:
        queue = deque(actions)
        session = link.session
        while queue:
            action = queue.popleft()
            if isinstance(action, Emit):
                await self._dispatch(action.event, action.data)
            elif isinstance(action, SendText | SendPing):
                queue.extend(await self._send(link, action))
            elif isinstance(action, CloseSocket):
                connection, link.connection = link.connection, None
                with link.lock:
                    queue.extend(session.closed(action.code, action.reason, time.monotonic()))
                if connection is not None:
                    # In the background: a dead peer never answers the closing handshake, and
                    # waiting for it (close_timeout) must not delay the reconnect.
                    self._group.start_soon(
                        self._close_quietly, connection, action.code, action.reason
                    )
            elif isinstance(action, Connect):
                queue.extend(await self._connect(link, action.url))
            elif isinstance(action, FetchToken):
                queue.extend(await self._fetch_token(link))
            elif isinstance(action, SignChallenge):
                queue.extend(await self._sign_challenge(link, action.challenge))
            elif isinstance(action, Stopped):
                link.wakeup.set()

    async def _close_quietly(self, connection: AsyncWsConnection, code: int, reason: str) -> None:
        try:
            await connection.close(code, reason)
        except KrakenError as error:
            self._logger.debug("closing a connection failed: %s", error)

    async def _send(self, link: _Link, action: SendText | SendPing) -> list[Action]:
        connection = link.connection
        if connection is None:
            return []
        try:
            if isinstance(action, SendText):
                await connection.send_text(action.text)
            else:
                await connection.ping()
        except KrakenError as error:
            self._logger.warning("%s: send failed: %s", link.session.key, error)
            link.connection = None
            await connection.close(1006, "send failed")
            with link.lock:
                return link.session.closed(1006, "send failed", time.monotonic())
        return []

    async def _connect(self, link: _Link, url: str) -> list[Action]:
        self._logger.info("%s: connecting to %s", link.session.key, url)
        try:
            connection = await self._connector.connect(url)
        except KrakenError as error:
            status = getattr(error, "status", None)
            with link.lock:
                return link.session.connect_failed(str(error), time.monotonic(), status=status)
        link.connection = connection
        with link.lock:
            return link.session.opened(time.monotonic())

    async def _fetch_token(self, link: _Link) -> list[Action]:
        try:
            rest = self._rest_client()
            reply = await rest.get_websockets_token()
            token = str(reply["token"])
        except (KrakenError, KeyError, TypeError) as error:
            with link.lock:
                return link.session.token_failed(str(error), time.monotonic())
        with link.lock:
            return link.session.token_received(token, time.monotonic())

    def _rest_client(self) -> AsyncSpotClient:
        if self._rest is None:
            credentials = self._credentials
            if credentials is None:
                raise MissingCredentialsError("A WebSocket token needs api_key and api_secret.")
            self._rest = AsyncSpotClient(
                api_key=credentials.api_key,
                api_secret=credentials.api_secret,
                custom_sign_message_fn=self._custom_signer,
            )
            self._owns_rest = True
        return self._rest

    async def _sign_challenge(self, link: _Link, challenge: str) -> list[Action]:
        message = futures_message(challenge, "", "")
        if self._custom_signer is not None:
            secret = self._credentials.api_secret if self._credentials else None
            signature = await resolve(self._custom_signer(message, secret))
        elif self._signer is not None:
            signature = self._signer(message)
        else:
            raise MissingCredentialsError("derivativesPrivateV1 needs api_secret to sign.")
        with link.lock:
            return link.session.challenge_signed(challenge, signature, time.monotonic())

    async def _feed_books(self, message: dict[str, Any]) -> None:
        key = message.get("wsKey", "")
        is_snapshot = message.get("type") == "snapshot"
        for item in message.get("data") or []:
            entry = (
                self._books.get((key, item.get("symbol", ""))) if isinstance(item, dict) else None
            )
            if entry is None:
                continue
            book, request = entry
            try:
                events = book.apply(item, is_snapshot=is_snapshot)
            except KrakenError as error:
                await self._dispatch("exception", {"wsKey": key, "error": str(error), "data": item})
                continue
            for event in events:
                if isinstance(event, BookUpdated):
                    await self._dispatch(
                        "book", {"wsKey": key, "symbol": book.symbol, "book": book, "event": event}
                    )
                elif isinstance(event, ResyncNeeded | ResyncGaveUp):
                    gave_up = isinstance(event, ResyncGaveUp)
                    await self._dispatch(
                        "book_resync",
                        {"wsKey": key, "symbol": book.symbol, "event": event, "gave_up": gave_up},
                    )
                    if not gave_up:
                        # A fresh snapshot: unsubscribe and subscribe again on this connection.
                        await self.unsubscribe(request, key)
                        await self.subscribe(request, key)

    async def _dispatch(self, event: str, data: Any) -> None:
        if event == "message" and self._books and data.get("channel") == "book":
            await self._feed_books(data)
        if event == "message" and self._mailbox is not None and not self._mailbox.put_nowait(data):
            self._logger.warning("message dropped: the consumer lags %d behind", self._mailbox_size)
        for handler in list(self._handlers[event]):
            try:
                await resolve(handler(data))
            except Exception:  # a handler's bug must not stop the connection
                self._logger.exception("handler for %r raised", event)

"""A WebSocket subscription seen by the CLI: events in a queue, failures as exit-code errors.

``stream`` and ``book`` both run one :class:`~kraken.WebsocketClient` subscription and read
its events on the main thread, so Ctrl-C, ``--count`` and ``--duration`` stop them cleanly.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from kraken.cli.env import resolve_credentials
from kraken.cli.output import Output
from kraken.core.errors import KrakenTransportError, KrakenUsageError, api_error_from_messages
from kraken.core.ws.keys import Family, WsKeyInfo, key_info

__all__ = ["Feed", "feed_request"]

_EVENTS = ("open", "message", "reconnecting", "reconnected", "exception", "close")
# How often the main thread wakes up to notice Ctrl-C and deadlines.
_POLL = 0.2


def feed_request(
    info: WsKeyInfo, topic: str, symbols: list[str], payload: Mapping[str, Any]
) -> dict[str, Any]:
    """The subscription request for ``topic`` on ``info``'s key, symbols in that family's field."""
    body = dict(payload)
    if symbols:
        body["symbol" if info.family is Family.V2 else "product_ids"] = list(symbols)
    return {"topic": topic, "payload": body}


def _loopback_rest(ws_url: str | None) -> str | None:
    """The REST host of a loopback ``ws_url`` (``http://127.0.0.1:PORT``), else None.

    A local exchange (such as ``kraken fake-exchange``) serves its tokens there, and a local
    key must never be sent to Kraken.
    """
    if ws_url is None:
        return None
    parts = urlsplit(ws_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.netloc}"


class Feed:
    """One key's WebSocket subscription; iterate to get ``message`` data.

    Args:
        ws_key: the WebSocket key (``spotPublicV2``...).
        out: where notes and errors go (credentials are registered with it).
        environ: the environment (credentials for private keys).
        env_values: values read from ``--env-file``.
        ws_url: overrides the key's URL (a local server).
        base_url: the REST host that hands out WebSocket tokens (private Spot/Unified keys);
            for a loopback ``ws_url`` it defaults to the same host and port.
        replay: a WebSocket transcript to play instead of connecting.
    """

    def __init__(
        self,
        ws_key: str,
        out: Output,
        environ: Mapping[str, str],
        env_values: Mapping[str, str] | None,
        *,
        ws_url: str | None = None,
        base_url: str | None = None,
        replay: str | None = None,
    ) -> None:
        from kraken.clients._sync.websocket import WebsocketClient

        self.info = key_info(ws_key)
        self.out = out
        self.replay = replay is not None
        family = "futures" if self.info.family is Family.FUTURES else "spot"
        credentials = resolve_credentials(family, environ, env_values)
        out.add_secrets(credentials.secrets())
        if self.info.private and not credentials.present:
            names = "KRAKEN_FUTURES_API_KEY" if family == "futures" else "KRAKEN_API_KEY"
            raise KrakenUsageError(
                f"{self.info.key.value} is private: set {names} and its secret (or --env-file)."
            )
        options: dict[str, Any] = {"ws_url": ws_url}
        self._rest: Any = None
        if credentials.present:
            options.update(api_key=credentials.api_key, api_secret=credentials.api_secret)
            base_url = base_url or _loopback_rest(ws_url)
            if base_url is not None and self.info.token_auth:
                from kraken.clients._sync.spot import SpotClient

                self._rest = options["rest_client"] = SpotClient(
                    api_key=credentials.api_key,
                    api_secret=credentials.api_secret,
                    base_url=base_url,
                )
        if replay is not None:
            from kraken.adapters.ws_transcript import ReplayWsConnector

            options["connector"] = ReplayWsConnector(replay)
        self.url = ws_url or self.info.url
        self.ws = WebsocketClient(**options)
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        for name in _EVENTS:
            self.ws.on(name, self._put(name))
        self.opened = False
        self.reconnects = 0
        """How many times the connection came back (a book must start over each time)."""

    def _put(self, name: str) -> Any:
        def handler(data: Any) -> None:
            self.events.put((name, data))

        return handler

    def __enter__(self) -> Feed:
        self.ws.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.ws.__exit__(exc_type, exc, tb)
        finally:
            if self._rest is not None:
                self._rest.close()

    def subscribe(self, request: Mapping[str, Any]) -> None:
        """Subscribe (validated first: a bad topic is a usage error before any connection)."""
        self.ws.subscribe(dict(request), self.info.key.value)

    def unsubscribe(self, request: Mapping[str, Any]) -> None:
        """Drop a subscription (the book's resync: unsubscribe, then subscribe again)."""
        self.ws.unsubscribe(dict(request), self.info.key.value)

    def messages(self, *, duration: float | None = None) -> Iterator[Any]:
        """Yield ``message`` data until ``duration`` passes; raise on a failure.

        Raises:
            KrakenTransportError: the first connect failed, or the connection closed for good.
            KrakenAPIError: Kraken refused the subscription.
        """
        deadline = None if duration is None else time.monotonic() + duration
        while True:
            wait = _POLL if deadline is None else min(_POLL, deadline - time.monotonic())
            if wait <= 0:
                return
            try:
                name, data = self.events.get(timeout=wait)
            except queue.Empty:
                continue
            if name == "message":
                yield data
            elif not self._event(name, data):
                return

    def _event(self, name: str, data: Any) -> bool:
        """Handle a lifecycle event; False when the feed has ended normally."""
        info = data if isinstance(data, dict) else {}
        if name in ("open", "reconnected"):
            if name == "reconnected":
                self.reconnects += 1
                self.out.note("reconnected; subscriptions restored")
            self.opened = True
        elif name == "reconnecting":
            if self.replay:
                return False  # the transcript is over
            reason = info.get("reason") or f"code {info.get('code')}"
            self.out.note(
                f"connection lost ({reason}); reconnecting in {float(info.get('delay', 0)):.1f} s "
                f"(attempt {info.get('attempt')})"
            )
        elif name == "exception":
            self._exception(info)
        elif name == "close":
            if self.replay:
                return False
            raise KrakenTransportError(
                f"{self.url} closed the connection ({info.get('code')}: {info.get('reason')})"
            )
        return True

    def _exception(self, info: Mapping[str, Any]) -> None:
        error = str(info.get("error") or "WebSocket error")
        reply = info.get("data")
        if error.startswith("connect failed") and not self.opened:
            raise KrakenTransportError(f"cannot connect to {self.url}: {error[16:]}")
        if isinstance(reply, dict) and (
            reply.get("method") == "subscribe" or reply.get("event") == "subscribed_failed"
        ):
            raise api_error_from_messages([error], endpoint=f"subscribe {self.info.key.value}")
        self.out.note(f"warning: {error}")

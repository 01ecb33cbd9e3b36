"""The sans-I/O WebSocket session: one per connection, fed events, answering with actions.

Everything that makes a Kraken stream reliable lives here, written once and tested without
sockets: authentication (Spot/Unified token in each private request, refreshed before it goes
stale and on ``EAPI:Invalid token``/``ESession:Invalid session``; Futures signed challenge),
subscribe/unsubscribe bookkeeping by ``req_id``, heartbeats (Spot application ping, Futures
protocol ping well inside Kraken's 60 s), a liveness deadline, reconnects with exponential
backoff and full jitter under a connect budget (Cloudflare allows about 150 connects per
10 minutes per IP: https://docs.kraken.com/api/docs/guides/spot-ws-intro), and resubscription of
everything, in order, exactly once per connection.

The driver reports what happened (``opened``, ``text_received``, ``closed``, ``tick``...) with the
current monotonic time and carries out the returned actions (:mod:`kraken.core.ws.actions`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kraken.core import exact_json
from kraken.core.errors import KrakenUsageError
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
from kraken.core.ws.keys import Family, WsKeyInfo
from kraken.core.ws.requests import (
    Topic,
    challenge_frame,
    futures_frame,
    normalise_requests,
    ping_frame,
    v2_frame,
    v2_method_frame,
)

__all__ = ["SessionState", "WsSession", "WsSettings", "decode_frame"]

# Close codes after which reconnecting cannot help (policy violation), per Kraken's Rust SDK.
TERMINAL_CLOSE_CODES = frozenset({1008})
# HTTP statuses on the upgrade after which reconnecting cannot help.
TERMINAL_UPGRADE_STATUSES = frozenset({400, 401, 403, 404})
# Error texts meaning the token is stale (spot-ws-auth; Kraken's Rust SDK token lifecycle).
_TOKEN_ERRORS = ("Invalid token", "Invalid session", "token")
# A close the session itself asked for because nothing arrived in time.
LIVENESS_CLOSE_CODE = 4000

_loads = exact_json.loads


def decode_frame(text: str) -> Any:
    """Decode a frame; JSON numbers with a fraction become ``Decimal`` (exact wire digits)."""
    return _loads(text)


class SessionState(enum.Enum):
    """Where the session is in its life."""

    IDLE = "idle"
    CONNECTING = "connecting"
    OPEN = "open"
    CLOSING = "closing"
    BACKOFF = "backoff"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class WsSettings:
    """Timing and retry knobs of a session.

    Attributes:
        ping_interval: seconds between client pings (Spot app ping / Futures protocol ping).
        pong_timeout: extra seconds of silence tolerated after a ping interval before the
            connection is declared dead and replaced.
        backoff_base: first backoff ceiling after the fast attempts, in seconds.
        backoff_cap: largest backoff ceiling.
        fast_reconnects: attempts made almost at once, as Kraken advises ("attempt
            reconnection instantly up to a handful of times").
        fast_jitter: the largest delay of a fast attempt.
        token_refresh_after: token age (s) after which a new one is fetched before use
            (Kraken's Rust SDK refreshes at half the 15-minute validity).
        connect_budget: at most this many connects per ``connect_window`` seconds.
        connect_window: the rolling window of the connect budget.
    """

    ping_interval: float = 10.0
    pong_timeout: float = 5.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    fast_reconnects: int = 3
    fast_jitter: float = 0.05
    token_refresh_after: float = 450.0
    connect_budget: int = 120
    connect_window: float = 600.0

    def __post_init__(self) -> None:
        if self.ping_interval <= 0 or self.pong_timeout < 0:
            raise KrakenUsageError("ping_interval must be > 0 and pong_timeout >= 0 seconds.")
        if self.backoff_base <= 0 or self.backoff_cap < self.backoff_base:
            raise KrakenUsageError("backoff_base must be > 0 and backoff_cap >= backoff_base.")


class _Sub:
    __slots__ = ("confirmed", "refused_for_token", "req_id", "sent_token", "topic")

    def __init__(self, topic: Topic) -> None:
        self.topic = topic
        self.req_id: int | None = None
        self.confirmed = False
        # Refused because the token was stale: resend once a fresh token arrives.
        self.refused_for_token = False
        self.sent_token: str | None = None


class WsSession:
    """The state machine of one WebSocket connection (see the module docstring).

    Args:
        info: the key this session serves.
        settings: timing and retry knobs.
        random_unit: returns a float in [0, 1) for backoff jitter (randomness is handed in).
        url: overrides the key's URL (tests, proxies, the retired futures demo).
        api_key: the public key, for the futures challenge.
    """

    def __init__(
        self,
        info: WsKeyInfo,
        *,
        settings: WsSettings | None = None,
        random_unit: Callable[[], float],
        url: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self.info = info
        self.key = info.key.value
        self.url = url or info.url
        self.settings = settings or WsSettings()
        self._random = random_unit
        self._api_key = api_key
        self.state = SessionState.IDLE
        self._subs: dict[str, _Sub] = {}
        self._req_id = 0
        self._ever_opened = False
        self._attempt = 0
        self._wake_at: float | None = None
        self._last_rx = 0.0
        self._last_ping = 0.0
        self._connects: list[float] = []
        self._closing_on_purpose = False
        self._close_reason = ""
        # Spot/Unified token state.
        self._token: str | None = None
        self._token_at = 0.0
        self._token_pending = False
        # Futures challenge state.
        self._challenge: str | None = None
        self._signed: str | None = None
        self._auth_ready = False

    # ----------------------------------------------------------------- inspection

    @property
    def is_connected(self) -> bool:
        """True while the socket is open."""
        return self.state is SessionState.OPEN

    @property
    def is_authenticated(self) -> bool:
        """True while private requests can be sent on this connection."""
        return self.state is SessionState.OPEN and self._auth_ready

    @property
    def topics(self) -> list[Topic]:
        """The subscriptions the session keeps (and restores after every reconnect)."""
        return [sub.topic for sub in self._subs.values()]

    @property
    def token(self) -> str | None:
        """The current WebSocket token (Spot/Unified private keys)."""
        return self._token

    def next_wakeup(self) -> float | None:
        """The monotonic time at which :meth:`tick` must be called, or None."""
        if self.state is SessionState.OPEN:
            settings = self.settings
            deadlines = [
                self._last_ping + settings.ping_interval,
                self._last_rx + settings.ping_interval + settings.pong_timeout,
            ]
            if self.info.token_auth and self._token is not None:
                deadlines.append(self._token_at + settings.token_refresh_after)
            return min(deadlines)
        if self.state is SessionState.BACKOFF:
            return self._wake_at
        return None

    # ----------------------------------------------------------------- user commands

    def start(self, now: float) -> list[Action]:
        """Connect if not connected yet (``connect``); a no-op otherwise."""
        if self.state in (SessionState.IDLE, SessionState.STOPPED):
            self._closing_on_purpose = False
            return self._connect(now)
        return []

    def subscribe(self, requests: object, now: float) -> list[Action]:
        """Add subscriptions (validated first) and send the new ones when possible."""
        topics = normalise_requests(requests, self.info)
        actions: list[Action] = []
        fresh: list[_Sub] = []
        for topic in topics:
            if topic.identity in self._subs:
                continue  # already subscribed: never send a duplicate
            sub = _Sub(topic)
            self._subs[topic.identity] = sub
            fresh.append(sub)
        if self.state in (SessionState.IDLE, SessionState.STOPPED):
            actions += self.start(now)
        elif self.state is SessionState.OPEN and self._can_send_subscriptions():
            for sub in fresh:
                actions.append(self._subscribe_frame(sub))
        return actions

    def unsubscribe(self, requests: object, now: float) -> list[Action]:
        """Forget subscriptions and tell the server, when connected."""
        actions: list[Action] = []
        for topic in normalise_requests(requests, self.info):
            sub = self._subs.pop(topic.identity, None)
            if sub is None:
                continue
            if self.state is SessionState.OPEN and self._can_send_subscriptions():
                actions.append(self._frame("unsubscribe", sub.topic))
        return actions

    def request(
        self, method: str, params: Mapping[str, Any], now: float
    ) -> tuple[int, list[Action]]:
        """Send a v2 request (a trading method); returns its ``req_id`` for correlation.

        Raises:
            KrakenUsageError: on a Futures key, or when the connection is not ready.
        """
        if self.info.family is not Family.V2:
            raise KrakenUsageError(f"{self.key} does not take request/response methods.")
        if not (self.state is SessionState.OPEN and self._can_send_subscriptions()):
            raise KrakenUsageError(f"{self.key} is not connected and authenticated yet.")
        req_id = self._next_req_id()
        token = self._token if self.info.token_auth else None
        return req_id, [SendText(v2_method_frame(method, params, req_id, token))]

    def close(self, now: float) -> list[Action]:
        """Close on purpose: no reconnect; ``close`` is emitted once the socket is closed."""
        self._closing_on_purpose = True
        if self.state in (SessionState.OPEN, SessionState.CONNECTING):
            self.state = SessionState.CLOSING
            return [CloseSocket(1000, "client closed")]
        if self.state is SessionState.BACKOFF:
            return self._stop("client closed", 1000)
        return []

    # ----------------------------------------------------------------- driver feedback

    def opened(self, now: float) -> list[Action]:
        """The socket is open."""
        if self.state is not SessionState.CONNECTING:
            return []
        self.state = SessionState.OPEN
        self._last_rx = now
        self._last_ping = now
        self._auth_ready = not self.info.private
        self._challenge = self._signed = None
        event = "reconnected" if self._ever_opened else "open"
        attempt = self._attempt
        self._ever_opened = True
        self._attempt = 0
        payload: dict[str, Any] = {"wsKey": self.key, "url": self.url}
        if event == "reconnected":
            payload["attempt"] = attempt
        actions: list[Action] = [Emit(event, payload)]
        if self.info.challenge_auth:
            if not self._api_key:
                return actions + self._fail_auth("api_key is required for private futures feeds")
            actions.append(SendText(challenge_frame(self._api_key)))
        elif self.info.token_auth:
            if self._token is not None and now - self._token_at < self.settings.token_refresh_after:
                actions += self._auth_became_ready()
            else:
                actions += self._request_token()
        else:
            actions += self._send_all_subscriptions()
        return actions

    def connect_failed(self, error: str, now: float, *, status: int | None = None) -> list[Action]:
        """The connection attempt failed (DNS, TCP, TLS, or an HTTP status on the upgrade)."""
        if self.state is not SessionState.CONNECTING:
            return []
        exception = Emit("exception", {"wsKey": self.key, "error": f"connect failed: {error}"})
        if status in TERMINAL_UPGRADE_STATUSES or self._closing_on_purpose:
            return [exception, *self._stop(f"connect failed: {error}", status or 0)]
        return [exception, *self._schedule_reconnect(now, 1006, error)]

    def text_received(self, text: str, now: float) -> list[Action]:
        """A text frame arrived."""
        self._last_rx = now
        try:
            message = _loads(text)
        except ValueError:
            return [Emit("exception", {"wsKey": self.key, "error": "malformed JSON", "raw": text})]
        if not isinstance(message, dict):
            return [Emit("message", {"wsKey": self.key, "data": message})]
        if self.info.family is Family.V2:
            return self._on_v2(message, now)
        return self._on_futures(message, now)

    def pong_received(self, now: float) -> list[Action]:
        """A protocol pong (or any sign of life that is not a text frame) arrived."""
        self._last_rx = now
        return []

    def closed(self, code: int, reason: str, now: float) -> list[Action]:
        """The socket closed (by either side)."""
        if self.state in (SessionState.IDLE, SessionState.STOPPED, SessionState.BACKOFF):
            return []
        if self._closing_on_purpose:
            return self._stop(reason or "client closed", code)
        if code in TERMINAL_CLOSE_CODES:
            error = Emit(
                "exception",
                {"wsKey": self.key, "error": f"closed with terminal code {code}: {reason}"},
            )
            return [error, *self._stop(reason, code)]
        return self._schedule_reconnect(now, code, reason or self._close_reason)

    def token_received(self, token: str, now: float) -> list[Action]:
        """A fresh token arrived (answer to :class:`FetchToken`)."""
        self._token = token
        self._token_at = now
        self._token_pending = False
        if self.state is SessionState.OPEN and not self._auth_ready:
            return self._auth_became_ready()
        if self.state is SessionState.OPEN:
            # Resend exactly what a stale token made the server refuse (nothing still pending).
            refused = [sub for sub in self._subs.values() if sub.refused_for_token]
            for sub in refused:
                sub.refused_for_token = False
            return [self._subscribe_frame(sub) for sub in refused]
        return []

    def token_failed(self, error: str, now: float) -> list[Action]:
        """Fetching a token failed; the connection is replaced after a backoff."""
        self._token_pending = False
        exception = Emit("exception", {"wsKey": self.key, "error": f"token fetch failed: {error}"})
        if self.state is SessionState.OPEN:
            self._close_reason = "token fetch failed"
            self.state = SessionState.CLOSING
            return [exception, CloseSocket(1011, "token fetch failed")]
        return [exception]

    def challenge_signed(self, challenge: str, signature: str, now: float) -> list[Action]:
        """The futures challenge was signed (answer to :class:`SignChallenge`)."""
        if self.state is not SessionState.OPEN or challenge != self._challenge:
            return []
        self._signed = signature
        return self._auth_became_ready()

    def tick(self, now: float) -> list[Action]:
        """Time passed: send pings, detect silence, refresh tokens, reconnect when due."""
        settings = self.settings
        if self.state is SessionState.BACKOFF:
            if self._wake_at is not None and now >= self._wake_at:
                return self._connect(now)
            return []
        if self.state is not SessionState.OPEN:
            return []
        if now - self._last_rx >= settings.ping_interval + settings.pong_timeout:
            self._close_reason = "no message within ping_interval + pong_timeout"
            self.state = SessionState.CLOSING
            return [
                Emit(
                    "exception",
                    {"wsKey": self.key, "error": f"connection stale: {self._close_reason}"},
                ),
                CloseSocket(LIVENESS_CLOSE_CODE, "liveness timeout"),
            ]
        actions: list[Action] = []
        if now - self._last_ping >= settings.ping_interval:
            self._last_ping = now
            if self.info.family is Family.V2:
                actions.append(SendText(ping_frame(self._next_req_id())))
            else:
                actions.append(SendPing())
        if (
            self.info.token_auth
            and self._token is not None
            and not self._token_pending
            and now - self._token_at >= settings.token_refresh_after
        ):
            actions += self._request_token()
        return actions

    # ----------------------------------------------------------------- internals

    def _next_req_id(self) -> int:
        self._req_id += 1
        return self._req_id

    def _can_send_subscriptions(self) -> bool:
        return self._auth_ready

    def _connect(self, now: float) -> list[Action]:
        window = self.settings.connect_window
        self._connects = [t for t in self._connects if now - t < window]
        if len(self._connects) >= self.settings.connect_budget:
            # Over budget: wait until the oldest connect leaves the window.
            self.state = SessionState.BACKOFF
            self._wake_at = self._connects[0] + window
            return []
        self._connects.append(now)
        self.state = SessionState.CONNECTING
        self._wake_at = None
        return [Connect(self.url)]

    def _schedule_reconnect(self, now: float, code: int, reason: str) -> list[Action]:
        self._attempt += 1
        self._auth_ready = False
        for sub in self._subs.values():
            sub.confirmed = False
            sub.refused_for_token = False
            sub.req_id = None
        delay = self._backoff(self._attempt)
        self.state = SessionState.BACKOFF
        self._wake_at = now + delay
        return [
            Emit(
                "reconnecting",
                {
                    "wsKey": self.key,
                    "attempt": self._attempt,
                    "delay": delay,
                    "code": code,
                    "reason": reason,
                },
            )
        ]

    def _backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff after a few near-instant attempts."""
        settings = self.settings
        if attempt <= settings.fast_reconnects:
            return settings.fast_jitter * self._random()
        exponent = attempt - settings.fast_reconnects - 1
        ceiling = min(settings.backoff_cap, settings.backoff_base * 2.0**exponent)
        return ceiling * self._random()

    def _stop(self, reason: str, code: int) -> list[Action]:
        self.state = SessionState.STOPPED
        self._auth_ready = False
        self._wake_at = None
        return [Emit("close", {"wsKey": self.key, "code": code, "reason": reason}), Stopped()]

    def _request_token(self) -> list[Action]:
        if self._token_pending:
            return []
        self._token_pending = True
        return [FetchToken()]

    def _auth_became_ready(self) -> list[Action]:
        self._auth_ready = True
        return [Emit("authenticated", {"wsKey": self.key}), *self._send_all_subscriptions()]

    def _fail_auth(self, error: str) -> list[Action]:
        self._closing_on_purpose = True
        self.state = SessionState.CLOSING
        return [Emit("exception", {"wsKey": self.key, "error": error}), CloseSocket(1000, error)]

    def _send_all_subscriptions(self) -> list[Action]:
        return [self._subscribe_frame(sub) for sub in self._subs.values()]

    def _subscribe_frame(self, sub: _Sub) -> SendText:
        frame = self._frame("subscribe", sub.topic)
        sub.req_id = self._req_id
        sub.sent_token = self._token
        return frame

    def _frame(self, method: str, topic: Topic) -> SendText:
        if self.info.family is Family.V2:
            token = self._token if self.info.token_auth else None
            return SendText(v2_frame(method, topic, self._next_req_id(), token))
        auth = None
        if self.info.challenge_auth:
            # Only reachable once the challenge is signed (_auth_ready), which needs all three.
            if not (self._api_key and self._challenge and self._signed):
                raise RuntimeError("futures private frame before the challenge was signed")
            auth = (self._api_key, self._challenge, self._signed)
        return SendText(futures_frame(method, topic, auth))

    def _on_v2(self, message: dict[str, Any], now: float) -> list[Action]:
        method = message.get("method")
        if method is None:
            channel = message.get("channel")
            if channel == "heartbeat":
                return []
            message["wsKey"] = self.key
            return [Emit("message", message)]
        if method == "pong":
            return []
        message["wsKey"] = self.key
        success = message.get("success")
        req_id = message.get("req_id")
        if success is True:
            if method == "subscribe":
                for sub in self._subs.values():
                    if sub.req_id == req_id:
                        sub.confirmed = True
            return [Emit("response", message)]
        # Missing or non-boolean success counts as failure (Kraken's Rust SDK wire quirks).
        error = str(message.get("error") or "request failed")
        actions: list[Action] = [
            Emit("exception", {"wsKey": self.key, "error": error, "data": message})
        ]
        if self.info.token_auth and any(marker in error for marker in _TOKEN_ERRORS):
            refused = [s for s in self._subs.values() if s.req_id == req_id and req_id is not None]
            if (
                self._token is not None
                and refused
                and all(sub.sent_token != self._token for sub in refused)
            ):
                # Sent with an older token before the refresh landed: resend, no new fetch.
                actions += [self._subscribe_frame(sub) for sub in refused]
            else:
                self._token = None
                for sub in refused:
                    sub.refused_for_token = True
                actions += self._request_token()
        elif method == "subscribe":
            # The server refused this subscription for good (bad symbol...): do not replay it.
            for identity, sub in list(self._subs.items()):
                if sub.req_id == req_id and req_id is not None:
                    del self._subs[identity]
        return actions

    def _on_futures(self, message: dict[str, Any], now: float) -> list[Action]:
        event = message.get("event")
        if event is None:
            message["wsKey"] = self.key
            return [Emit("message", message)]
        message["wsKey"] = self.key
        if event == "challenge" and "message" in message:
            self._challenge = str(message["message"])
            return [SignChallenge(self._challenge)]
        if event in ("subscribed", "unsubscribed", "info"):
            if event == "subscribed":
                feed = message.get("feed")
                for sub in self._subs.values():
                    if sub.topic.topic == feed:
                        sub.confirmed = True
            return [Emit("response", message)]
        if event == "subscribed_failed":
            feed = message.get("feed")
            for identity, sub in list(self._subs.items()):
                if sub.topic.topic == feed:
                    del self._subs[identity]
        error = str(message.get("message") or event)
        return [Emit("exception", {"wsKey": self.key, "error": error, "data": message})]

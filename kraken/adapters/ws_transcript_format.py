r"""WS transcripts: the JSON file of recorded connections, scrubbing, and the replay script.

A transcript is readable JSON, one frame per line::

    {
      "format": "kraken-ws-transcript",
      "version": 1,
      "connections": [
        {"url": "wss://ws.kraken.com/v2", "frames": [
          {"sent": "{\"method\":\"subscribe\",\"params\":{...},\"req_id\":1}"},
          {"received": "{\"method\":\"subscribe\",\"success\":true,...}"},
          {"received_pong": true},
          {"sent_ping": true},
          {"sent_close": 1000, "reason": ""},
          {"received_close": 1000, "reason": ""}
        ]},
        {"url": "wss://ws-auth.kraken.com/v2", "error": "...", "status": 401}
      ]
    }

Texts are stored exactly as they crossed the wire (book checksums are computed from the wire
text), except that the values of :data:`WS_SCRUBBED_KEYS` are replaced by ``<redacted>`` in
both directions. Nothing here does I/O; :mod:`kraken.adapters.ws_transcript` reads and writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kraken.adapters.cassette_format import REDACTED, SCRUBBED_KEYS
from kraken.adapters.cassette_scrub import Scrubber
from kraken.core import exact_json
from kraken.core.errors import KrakenTransportError
from kraken.core.ws.frames import Closed, Pong, TextMessage, WsReceived

__all__ = [
    "IGNORED_WHEN_MATCHING",
    "TRANSCRIPT_FORMAT",
    "TRANSCRIPT_VERSION",
    "WS_SCRUBBED_KEYS",
    "RecordedConnection",
    "ReplayScript",
    "TranscriptError",
    "TranscriptMismatchError",
    "TranscriptUnplayedError",
    "WsScrubber",
    "dumps_transcript",
    "loads_transcript",
]

TRANSCRIPT_FORMAT = "kraken-ws-transcript"
TRANSCRIPT_VERSION = 1

WS_SCRUBBED_KEYS: frozenset[str] = SCRUBBED_KEYS | {"signed_challenge", "api_key"}
"""Keys whose values never reach a transcript: the REST cassette's list (``token``, ``secret``,
``otp``...) plus the Futures WebSocket challenge signature and API key
(https://docs.kraken.com/api/docs/futures-api/websocket/challenge)."""

IGNORED_WHEN_MATCHING: frozenset[str] = WS_SCRUBBED_KEYS | {"req_id"}
"""Keys whose values replay ignores when it compares a sent frame with the recorded one:
the scrubbed secrets, and ``req_id``, which a client numbers as it likes."""

_FRAME_KINDS = ("sent", "received", "sent_ping", "received_pong", "sent_close", "received_close")
_REQ_ID = re.compile(r'("req_id"\s*:\s*)(\d+)')
_decode = exact_json.loads


class TranscriptError(KrakenTransportError):
    """A transcript file could not be read, parsed or written, or has nothing left to replay."""


class TranscriptMismatchError(TranscriptError):
    """Replay got a sent frame the transcript did not expect; the message names both frames."""


class TranscriptUnplayedError(TranscriptError, AssertionError):
    """``assert_all_played()`` found recorded connections or sent frames replay never used."""


class WsScrubber:
    """Redacts :data:`WS_SCRUBBED_KEYS` (plus ``extra_keys``) in frame texts, bytes kept."""

    __slots__ = ("_hint", "_scrubber")

    def __init__(self, extra_keys: Iterable[str] = ()) -> None:
        keys = WS_SCRUBBED_KEYS | {k.lower() for k in extra_keys}
        self._scrubber = Scrubber(keys)
        # A cheap first look, so frames without any secret key (nearly all) are left alone.
        self._hint = re.compile("|".join(re.escape(k) for k in sorted(keys)), re.IGNORECASE)

    def text(self, text: str) -> str:
        """``text`` with secret values replaced by ``<redacted>``."""
        if not self._hint.search(text):
            return text
        return self._scrubber.json_text(text)


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (None if k.lower() in IGNORED_WHEN_MATCHING else _normalise(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _match_key(text: str) -> object:
    try:
        return ("json", _normalise(_decode(text)))
    except ValueError:
        return ("text", text)


def _top_req_id(text: str) -> int | None:
    try:
        value = _decode(text)
    except ValueError:
        return None
    req_id = value.get("req_id") if isinstance(value, dict) else None
    return req_id if isinstance(req_id, int) and not isinstance(req_id, bool) else None


@dataclass(slots=True)
class RecordedConnection:
    """One connection of a transcript: its URL and frames, or the error that refused it."""

    url: str
    frames: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    status: int | None = None

    def to_json(self) -> str:
        """The connection as JSON text, one frame per line."""
        head = {"url": self.url}
        if self.error is not None:
            refused = {**head, "error": self.error, "status": self.status}
            return json.dumps(refused, ensure_ascii=False)
        lines = ",\n      ".join(json.dumps(f, ensure_ascii=False) for f in self.frames)
        body = f"\n      {lines}\n    " if self.frames else ""
        return f'{json.dumps(head, ensure_ascii=False)[:-1]}, "frames": [{body}]}}'


def dumps_transcript(connections: Iterable[RecordedConnection]) -> str:
    """The transcript file's text."""
    items = ",\n    ".join(c.to_json() for c in connections)
    body = f"\n    {items}\n  " if items else ""
    return (
        f'{{\n  "format": "{TRANSCRIPT_FORMAT}",\n  "version": {TRANSCRIPT_VERSION},\n'
        f'  "connections": [{body}]\n}}\n'
    )


def _frame(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a frame must be an object")
    kinds = [k for k in _FRAME_KINDS if k in raw]
    if len(kinds) != 1:
        raise ValueError(f"{where}: a frame needs exactly one of {', '.join(_FRAME_KINDS)}")
    kind = kinds[0]
    value = raw[kind]
    if kind in ("sent", "received") and not isinstance(value, str):
        raise ValueError(f"{where}: {kind!r} must be the frame's text")
    if kind in ("sent_close", "received_close") and (
        not isinstance(value, int) or not isinstance(raw.get("reason", ""), str)
    ):
        raise ValueError(f"{where}: {kind!r} must be a close code (and 'reason' a string)")
    return raw


def loads_transcript(text: str) -> list[RecordedConnection]:
    """Parse a transcript file's text (raises ``ValueError`` saying what is wrong)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != TRANSCRIPT_FORMAT:
        raise ValueError(f"not a {TRANSCRIPT_FORMAT} file")
    if data.get("version") != TRANSCRIPT_VERSION:
        raise ValueError(f"version {data.get('version')!r} is not {TRANSCRIPT_VERSION}")
    raw_connections = data.get("connections")
    if not isinstance(raw_connections, list):
        raise ValueError("'connections' must be a list")
    connections = []
    for index, raw in enumerate(raw_connections):
        where = f"connection {index + 1}"
        if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
            raise ValueError(f"{where}: needs a 'url'")
        if "error" in raw:
            status = raw.get("status")
            connections.append(
                RecordedConnection(raw["url"], error=str(raw["error"]), status=status)
            )
            continue
        frames = raw.get("frames")
        if not isinstance(frames, list):
            raise ValueError(f"{where}: needs 'frames' (a list) or 'error'")
        checked = [_frame(f, f"{where}, frame {i + 1}") for i, f in enumerate(frames)]
        connections.append(RecordedConnection(raw["url"], checked))
    return connections


class ReplayScript:
    """Serves one recorded connection, frame by frame.

    Received frames come in order, each gated on the sent frames recorded before it; sent
    frames must match the recorded ones in order. Protocol pings are not matched (their timing
    is the client's business); received pongs are served in order like messages. After the
    client's ``close`` only the final :class:`Closed` is served (the recorded one, else the
    client's code).
    """

    __slots__ = (
        "_client_closed",
        "_final",
        "_index",
        "_received",
        "_req_ids",
        "_sent",
        "_sent_count",
        "number",
        "url",
    )

    def __init__(self, connection: RecordedConnection, number: int) -> None:
        self.url = connection.url
        self.number = number
        self._sent: list[str] = []
        self._received: list[tuple[int, WsReceived]] = []
        self._final: Closed | None = None
        for frame in connection.frames:
            if "sent" in frame:
                self._sent.append(frame["sent"])
            elif "received" in frame:
                self._received.append((len(self._sent), TextMessage(frame["received"])))
            elif "received_pong" in frame:
                self._received.append((len(self._sent), Pong()))
            elif "received_close" in frame:
                closed = Closed(frame["received_close"], frame.get("reason", ""))
                self._received.append((len(self._sent), closed))
                self._final = self._final or closed
        self._index = 0
        self._sent_count = 0
        self._client_closed: Closed | None = None
        self._req_ids: dict[int, int] = {}

    def next_received(self) -> WsReceived | None:
        """The next frame to hand to the client now, or ``None`` until the client sends more."""
        if self._client_closed is not None:
            return self._final or self._client_closed
        if self._index < len(self._received):
            needed, value = self._received[self._index]
            if self._sent_count < needed:
                return None
            if isinstance(value, Closed):
                return value  # served forever from now on
            self._index += 1
            if self._req_ids and isinstance(value, TextMessage):
                return TextMessage(_REQ_ID.sub(self._swap_req_id, value.text))
            return value
        return None

    def _swap_req_id(self, match: re.Match[str]) -> str:
        recorded = int(match.group(2))
        return f"{match.group(1)}{self._req_ids.get(recorded, recorded)}"

    def _closed(self) -> Closed | None:
        if self._client_closed is not None:
            return self._final or self._client_closed
        if self._index < len(self._received):
            needed, value = self._received[self._index]
            if isinstance(value, Closed) and self._sent_count >= needed:
                return value
        return None

    def check_open(self) -> None:
        """Raise :class:`KrakenTransportError` once the replayed connection is closed."""
        closed = self._closed()
        if closed is not None:
            raise KrakenTransportError(
                f"replayed WebSocket {self.url} is closed ({closed}); cannot send"
            )

    def on_send(self, text: str, scrubbed: str) -> None:
        """Check a sent frame against the recording (``scrubbed`` is what error messages show)."""
        self.check_open()
        where = f"transcript connection {self.number} ({self.url})"
        position = self._sent_count + 1
        if self._sent_count >= len(self._sent):
            raise TranscriptMismatchError(
                f"{where}: unexpected sent frame #{position} {scrubbed!r}; the recording has "
                f"only {len(self._sent)} sent frame(s)"
            )
        expected = self._sent[self._sent_count]
        if _match_key(text) != _match_key(expected):
            raise TranscriptMismatchError(
                f"{where}: sent frame #{position} {scrubbed!r} does not match the recorded "
                f"{expected!r} (req_id and {REDACTED} values are ignored)"
            )
        self._sent_count = position
        recorded_id, actual_id = _top_req_id(expected), _top_req_id(text)
        if recorded_id is not None and actual_id is not None and recorded_id != actual_id:
            self._req_ids[recorded_id] = actual_id

    def on_close(self, code: int, reason: str) -> None:
        """The client closed the connection."""
        if self._client_closed is None:
            self._client_closed = Closed(code, reason)

    def unplayed(self) -> str | None:
        """What the client never sent, for ``assert_all_played``; ``None`` when all was sent."""
        left = len(self._sent) - self._sent_count
        if left <= 0:
            return None
        return (
            f"connection {self.number} ({self.url}): {left} recorded sent frame(s) never sent, "
            f"next {self._sent[self._sent_count]!r}"
        )

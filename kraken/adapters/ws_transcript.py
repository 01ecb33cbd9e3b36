"""Recorded WebSocket sessions: record every frame through a real connector, replay offline.

:class:`RecordingWsConnector` wraps a connector and writes each connection's frames (sent and
received, in order, with close codes and the URL) to a JSON transcript
(:mod:`kraken.adapters.ws_transcript_format`), secrets scrubbed. :class:`ReplayWsConnector`
serves it back without a network: each ``connect`` gets the next recorded connection (a recorded
refusal is raised again), ``receive`` returns the recorded frames in order, a frame recorded
after a sent frame only once the client sent its counterpart, and sent frames must match.
Async twins run on asyncio and trio. Replay never sleeps on a clock: when nothing can be served
until the client sends more it waits for that send (bounded by the receive timeout), or, with
``block=False``, returns ``TimedOut`` at once.

File writes are blocking (the async recorder writes from a worker thread via ``anyio``): the
transcript is saved whenever a connection ends, on ``save()`` and on ``close()``.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import anyio.lowlevel
import anyio.to_thread

from kraken.adapters.ws_transcript_format import (
    RecordedConnection,
    ReplayScript,
    TranscriptError,
    TranscriptMismatchError,
    TranscriptUnplayedError,
    WsScrubber,
    dumps_transcript,
    loads_transcript,
)
from kraken.core.errors import KrakenTransportError
from kraken.core.ws.frames import Closed, Pong, TextMessage, TimedOut, WsReceived
from kraken.ports.ws import AsyncWsConnection, AsyncWsConnector, WsConnection, WsConnector

__all__ = [
    "AsyncRecordingWsConnector",
    "AsyncReplayWsConnector",
    "RecordingWsConnector",
    "ReplayWsConnector",
    "TranscriptError",
    "TranscriptMismatchError",
    "TranscriptUnplayedError",
]

TranscriptPath = str | os.PathLike[str]


def _write(path: Path, text: str) -> None:
    """Write atomically (temporary file, then rename): never half a transcript on disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise TranscriptError(f"cannot write transcript {str(path)!r}: {exc}") from exc


def _load(path: Path) -> list[RecordedConnection]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TranscriptError(
            f"transcript {str(path)!r} does not exist; record it first with RecordingWsConnector"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"cannot read transcript {str(path)!r}: {exc}") from exc
    try:
        return loads_transcript(text)
    except ValueError as exc:
        raise TranscriptError(f"{str(path)!r} is not a valid WS transcript: {exc}") from exc


class _Recorder:
    """The transcript being recorded; thread-safe (frames come from a reader and senders)."""

    def __init__(self, path: TranscriptPath, extra_scrubbed_keys: Iterable[str]) -> None:
        self.path = Path(path)
        self.scrubber = WsScrubber(extra_scrubbed_keys)
        self.connections: list[RecordedConnection] = []
        self.lock = threading.Lock()

    def open(self, url: str) -> RecordedConnection:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            # Credentials in a URL never reach the file.
            host = parts.netloc.rpartition("@")[2]
            url = urlunsplit(parts._replace(netloc=host))
        record = RecordedConnection(url)
        with self.lock:
            self.connections.append(record)
        return record

    def add(self, record: RecordedConnection, frame: dict[str, Any]) -> None:
        with self.lock:
            record.frames.append(frame)

    def remove(self, record: RecordedConnection, frame: dict[str, Any]) -> None:
        """Forget a sent frame whose send failed."""
        with self.lock:
            for index in range(len(record.frames) - 1, -1, -1):
                if record.frames[index] is frame:
                    del record.frames[index]
                    break

    def received(self, record: RecordedConnection, value: WsReceived) -> bool:
        """Record what ``receive`` returned; True when it is the connection's first Closed."""
        if isinstance(value, TextMessage):
            self.add(record, {"received": self.scrubber.text(value.text)})
        elif isinstance(value, Pong):
            self.add(record, {"received_pong": True})
        elif isinstance(value, Closed):
            with self.lock:
                if any("received_close" in f for f in record.frames):
                    return False
                record.frames.append({"received_close": value.code, "reason": value.reason})
            return True
        return False

    def refused(self, record: RecordedConnection, exc: KrakenTransportError) -> None:
        with self.lock:
            record.error = str(exc)
            record.status = exc.status

    def text(self) -> str:
        with self.lock:
            return dumps_transcript(self.connections)


class RecordingWsConnector:
    """A :class:`~kraken.ports.ws.WsConnector` that records every connection of ``inner``.

    Args:
        inner: the connector doing the real work (a ``SocketWsConnector`` usually).
        path: the transcript file, (over)written on every connection end, ``save()`` and
            ``close()``.
        extra_scrubbed_keys: more JSON keys whose values must not reach the file.
    """

    def __init__(
        self, inner: WsConnector, path: TranscriptPath, *, extra_scrubbed_keys: Iterable[str] = ()
    ) -> None:
        self._inner = inner
        self._recorder = _Recorder(path, extra_scrubbed_keys)

    @property
    def path(self) -> Path:
        """Where the transcript is written."""
        return self._recorder.path

    def connect(self, url: str) -> WsConnection:
        """Connect through ``inner`` and record the connection (a refusal is recorded too)."""
        record = self._recorder.open(url)
        try:
            connection = self._inner.connect(url)
        except KrakenTransportError as exc:
            self._recorder.refused(record, exc)
            self.save()
            raise
        return _RecordingConnection(connection, record, self)

    def save(self) -> None:
        """Write the transcript now."""
        _write(self._recorder.path, self._recorder.text())

    def close(self) -> None:
        """Write the transcript (the connections themselves are the caller's to close)."""
        self.save()

    def __repr__(self) -> str:
        return f"RecordingWsConnector({self._inner!r}, path={str(self.path)!r})"


class _RecordingConnection:
    def __init__(
        self, inner: WsConnection, record: RecordedConnection, owner: RecordingWsConnector
    ) -> None:
        self._inner = inner
        self._record = record
        self._owner = owner
        self._recorder = owner._recorder

    def receive(self, timeout: float | None) -> WsReceived:
        value = self._inner.receive(timeout)
        if self._recorder.received(self._record, value):
            self._owner.save()
        return value

    def send_text(self, text: str) -> None:
        # Recorded before sending: the answer may be received (and recorded) by the reader
        # thread before send_text returns.
        frame = {"sent": self._recorder.scrubber.text(text)}
        self._recorder.add(self._record, frame)
        try:
            self._inner.send_text(text)
        except BaseException:
            self._recorder.remove(self._record, frame)
            raise

    def ping(self) -> None:
        self._recorder.add(self._record, {"sent_ping": True})
        self._inner.ping()

    def close(self, code: int = 1000, reason: str = "") -> None:
        self._recorder.add(self._record, {"sent_close": code, "reason": reason})
        try:
            self._inner.close(code, reason)
        finally:
            self._owner.save()


class AsyncRecordingWsConnector:
    """The async twin of :class:`RecordingWsConnector` (files written from a worker thread)."""

    def __init__(
        self,
        inner: AsyncWsConnector,
        path: TranscriptPath,
        *,
        extra_scrubbed_keys: Iterable[str] = (),
    ) -> None:
        self._inner = inner
        self._recorder = _Recorder(path, extra_scrubbed_keys)

    @property
    def path(self) -> Path:
        """Where the transcript is written."""
        return self._recorder.path

    async def connect(self, url: str) -> AsyncWsConnection:
        """Connect through ``inner`` and record the connection (a refusal is recorded too)."""
        record = self._recorder.open(url)
        try:
            connection = await self._inner.connect(url)
        except KrakenTransportError as exc:
            self._recorder.refused(record, exc)
            await self.save()
            raise
        return _AsyncRecordingConnection(connection, record, self)

    async def save(self) -> None:
        """Write the transcript now."""
        text = self._recorder.text()
        await anyio.to_thread.run_sync(_write, self._recorder.path, text)

    async def close(self) -> None:
        """Write the transcript (the connections themselves are the caller's to close)."""
        await self.save()

    def __repr__(self) -> str:
        return f"AsyncRecordingWsConnector({self._inner!r}, path={str(self.path)!r})"


class _AsyncRecordingConnection:
    def __init__(
        self,
        inner: AsyncWsConnection,
        record: RecordedConnection,
        owner: AsyncRecordingWsConnector,
    ) -> None:
        self._inner = inner
        self._record = record
        self._owner = owner
        self._recorder = owner._recorder

    async def receive(self, timeout: float | None) -> WsReceived:
        value = await self._inner.receive(timeout)
        if self._recorder.received(self._record, value):
            await self._owner.save()
        return value

    async def send_text(self, text: str) -> None:
        frame = {"sent": self._recorder.scrubber.text(text)}
        self._recorder.add(self._record, frame)
        try:
            await self._inner.send_text(text)
        except BaseException:
            self._recorder.remove(self._record, frame)
            raise

    async def ping(self) -> None:
        self._recorder.add(self._record, {"sent_ping": True})
        await self._inner.ping()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self._recorder.add(self._record, {"sent_close": code, "reason": reason})
        try:
            await self._inner.close(code, reason)
        finally:
            with anyio.CancelScope(shield=True):
                await self._owner.save()


class _Player:
    """What both replay connectors share: the loaded transcript and which connection is next."""

    def __init__(self, path: TranscriptPath) -> None:
        self.path = Path(path)
        self.connections = _load(self.path)
        self.scrubber = WsScrubber()
        self.scripts: list[ReplayScript] = []
        self.lock = threading.Lock()

    def next_script(self, url: str) -> ReplayScript:
        with self.lock:
            number = len(self.scripts) + 1
            if number > len(self.connections):
                raise TranscriptError(
                    f"connect({url!r}) #{number}: transcript {str(self.path)!r} recorded only "
                    f"{len(self.connections)} connection(s)"
                )
            recorded = self.connections[number - 1]
            script = ReplayScript(recorded, number)
            self.scripts.append(script)
        if recorded.error is not None:
            raise _refusal(recorded)
        return script

    def assert_all_played(self) -> None:
        problems = [p for p in (s.unplayed() for s in self.scripts) if p]
        left = len(self.connections) - len(self.scripts)
        if left > 0:
            problems.append(f"{left} recorded connection(s) never opened")
        if problems:
            raise TranscriptUnplayedError(
                f"transcript {str(self.path)!r} not fully played: " + "; ".join(problems)
            )


def _refusal(recorded: RecordedConnection) -> KrakenTransportError:
    # The recorded message already says "(HTTP <status>)": keep it as is, and set .status.
    error = KrakenTransportError(f"(replayed) {recorded.error}")
    error.status = recorded.status
    return error


class ReplayWsConnector:
    """A :class:`~kraken.ports.ws.WsConnector` replaying a transcript; no network.

    Args:
        path: a transcript written by :class:`RecordingWsConnector`.
        block: when nothing can be served until the client sends more, wait for another
            thread's send up to the receive timeout (``True``, like a real socket), or return
            ``TimedOut`` at once (``False``: for single-threaded drivers with a fake clock).

    Raises:
        TranscriptError: the file is missing or invalid (in the constructor).
    """

    def __init__(self, path: TranscriptPath, *, block: bool = True) -> None:
        self._player = _Player(path)
        self._block = block

    def connect(self, url: str) -> WsConnection:
        """Open the next recorded connection (a recorded refusal is raised again)."""
        return _ReplayConnection(self._player, self._player.next_script(url), self._block)

    def assert_all_played(self) -> None:
        """Raise :class:`TranscriptUnplayedError` if connections or sent frames were left."""
        self._player.assert_all_played()

    def __repr__(self) -> str:
        return f"ReplayWsConnector(path={str(self._player.path)!r})"


class _ReplayConnection:
    def __init__(self, player: _Player, script: ReplayScript, block: bool) -> None:
        self._player = player
        self._script = script
        self._block = block
        self._changed = threading.Condition()

    def receive(self, timeout: float | None) -> WsReceived:
        with self._changed:
            value = self._script.next_received()
            if value is not None or not self._block or timeout == 0:
                return value or TimedOut()
            deadline = None if timeout is None else time.monotonic() + timeout
            while value is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return TimedOut()
                self._changed.wait(left)
                value = self._script.next_received()
            return value

    def send_text(self, text: str) -> None:
        with self._changed:
            self._script.on_send(text, self._player.scrubber.text(text))
            self._changed.notify_all()

    def ping(self) -> None:
        with self._changed:
            self._script.check_open()

    def close(self, code: int = 1000, reason: str = "") -> None:
        with self._changed:
            self._script.on_close(code, reason)
            self._changed.notify_all()


class AsyncReplayWsConnector:
    """The async twin of :class:`ReplayWsConnector` (asyncio and trio)."""

    def __init__(self, path: TranscriptPath, *, block: bool = True) -> None:
        self._player = _Player(path)
        self._block = block

    async def connect(self, url: str) -> AsyncWsConnection:
        """Open the next recorded connection (a recorded refusal is raised again)."""
        await anyio.lowlevel.checkpoint()
        return _AsyncReplayConnection(self._player, self._player.next_script(url), self._block)

    def assert_all_played(self) -> None:
        """Raise :class:`TranscriptUnplayedError` if connections or sent frames were left."""
        self._player.assert_all_played()

    def __repr__(self) -> str:
        return f"AsyncReplayWsConnector(path={str(self._player.path)!r})"


class _AsyncReplayConnection:
    def __init__(self, player: _Player, script: ReplayScript, block: bool) -> None:
        self._player = player
        self._script = script
        self._block = block
        self._changed = anyio.Event()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()

    async def receive(self, timeout: float | None) -> WsReceived:
        value = self._script.next_received()
        if value is not None:
            return value
        if not self._block or timeout == 0:
            await anyio.lowlevel.checkpoint()
            return TimedOut()
        with anyio.move_on_after(timeout):
            while value is None:
                await self._changed.wait()
                value = self._script.next_received()
        return value or TimedOut()

    async def send_text(self, text: str) -> None:
        await anyio.lowlevel.checkpoint()
        self._script.on_send(text, self._player.scrubber.text(text))
        self._notify()

    async def ping(self) -> None:
        await anyio.lowlevel.checkpoint()
        self._script.check_open()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await anyio.lowlevel.checkpoint()
        self._script.on_close(code, reason)
        self._notify()

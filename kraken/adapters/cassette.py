"""Recorded REST fixtures (cassettes): record through a real transport once, replay offline.

A cassette is a JSON file (format in :mod:`kraken.adapters.cassette_format`) holding scrubbed
request/response pairs. Recording keeps no credentials: credential headers are never written,
nonces are removed from bodies, and the values of :data:`SCRUBBED_KEYS` (plus any extra keys
given) are replaced by ``<redacted>`` in bodies and query strings of both directions.

Replay matches on method, URL path and query (scheme and host are ignored, so a cassette recorded
against ``https://api.kraken.com`` replays against a loopback server) and the body without its
nonce (JSON compared as parsed values, form as sorted pairs). Identical requests are served in
the order they were recorded, each once.

File I/O is plain blocking I/O: replay transports read the file in their constructor, recording
transports write it on ``save()``/``close()``; the async recorder writes from a worker thread
through ``anyio.to_thread``, so it runs unchanged on asyncio and trio.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import anyio.to_thread

from kraken.adapters.cassette_errors import CassetteError
from kraken.adapters.cassette_format import (
    SCRUBBED_KEYS,
    Interaction,
    RecordedRequest,
    loads_cassette,
)
from kraken.adapters.cassette_scrub import Scrubber
from kraken.adapters.cassette_store import Player, Recorder
from kraken.core.rest.values import Request, Response
from kraken.ports.rest import AsyncRestTransport, RestTransport

__all__ = [
    "SCRUBBED_KEYS",
    "AsyncRecordingTransport",
    "AsyncReplayTransport",
    "CassetteError",
    "CassetteMissError",
    "CassetteUnplayedError",
    "RecordingTransport",
    "ReplayTransport",
]

CassettePath = str | os.PathLike[str]


class CassetteMissError(CassetteError):
    """Replay found no recorded response for a request.

    The message names the request (method, path, query, body without nonce, secrets redacted)
    and lists the closest recorded requests for the same path. ``request`` is that scrubbed
    request.
    """

    def __init__(self, message: str, request: RecordedRequest) -> None:
        super().__init__(message)
        self.request = request


class CassetteUnplayedError(CassetteError, AssertionError):
    """``assert_all_played()`` found recorded interactions that replay never served."""


def _load(path: Path) -> tuple[list[Interaction], frozenset[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CassetteError(
            f"cassette {str(path)!r} does not exist; record it first with RecordingTransport"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteError(f"cannot read cassette {str(path)!r}: {exc}") from exc
    try:
        return loads_cassette(text)
    except ValueError as exc:
        raise CassetteError(f"{str(path)!r} is not a valid cassette: {exc}") from exc


def _write(path: Path, text: str) -> None:
    """Write atomically (temporary file, then rename), so a crash never leaves half a cassette."""
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
        raise CassetteError(f"cannot write cassette {str(path)!r}: {exc}") from exc


def _scrubber(extra_scrubbed_keys: Iterable[str]) -> Scrubber:
    if isinstance(extra_scrubbed_keys, str):
        extra_scrubbed_keys = (extra_scrubbed_keys,)
    return Scrubber(SCRUBBED_KEYS | frozenset(extra_scrubbed_keys))


class _Replay:
    """What both replay transports share: the loaded cassette and its player."""

    def __init__(self, path: CassettePath, allow_repeats: bool) -> None:
        self.path = Path(path)
        interactions, keys = _load(self.path)
        self._count = len(interactions)
        self._player = Player(interactions, Scrubber(keys), allow_repeats=allow_repeats)

    def _serve(self, request: Request) -> Response:
        response = self._player.play(request)
        if response is None:
            live = self._player.normalise(request)
            raise CassetteMissError(self._player.describe_miss(live), live)
        return response

    def assert_all_played(self) -> None:
        """Raise :class:`CassetteUnplayedError` when some recorded interaction was never served."""
        unplayed = self._player.unplayed()
        if unplayed:
            listed = "\n".join(f"  {line}" for line in unplayed[:20])
            more = f"\n  ... and {len(unplayed) - 20} more" if len(unplayed) > 20 else ""
            raise CassetteUnplayedError(
                f"{len(unplayed)} of {self._count} recorded interaction(s) in "
                f"{str(self.path)!r} were never played:\n{listed}{more}"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={str(self.path)!r}, interactions={self._count})"


class ReplayTransport(_Replay):
    """Blocking :class:`~kraken.ports.rest.RestTransport` serving a cassette offline.

    Args:
        path: the cassette file, read (blocking) here.
        allow_repeats: once every recorded match of a request was served, serve the last one
            again instead of raising :class:`CassetteMissError`.

    Raises:
        CassetteError: the file is missing or is not a cassette.
    """

    def __init__(self, path: CassettePath, *, allow_repeats: bool = False) -> None:
        super().__init__(path, allow_repeats)

    def send(self, request: Request) -> Response:
        """Serve the next recorded response for ``request``; raise :class:`CassetteMissError`."""
        return self._serve(request)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> ReplayTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncReplayTransport(_Replay):
    """Async :class:`~kraken.ports.rest.AsyncRestTransport` serving a cassette offline.

    Same arguments as :class:`ReplayTransport`; the file is read (blocking) in the constructor.
    Runs on asyncio and trio.
    """

    def __init__(self, path: CassettePath, *, allow_repeats: bool = False) -> None:
        super().__init__(path, allow_repeats)

    async def send(self, request: Request) -> Response:
        """Serve the next recorded response for ``request``; raise :class:`CassetteMissError`."""
        return self._serve(request)

    async def aclose(self) -> None:
        """Nothing to release."""

    async def __aenter__(self) -> AsyncReplayTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class _Record:
    """What both recording transports share: the target path and the scrubbing recorder."""

    def __init__(self, path: CassettePath, extra_scrubbed_keys: Iterable[str]) -> None:
        self.path = Path(path)
        self._recorder = Recorder(_scrubber(extra_scrubbed_keys))

    @property
    def recorded(self) -> int:
        """How many interactions were recorded so far."""
        return len(self._recorder)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={str(self.path)!r}, recorded={self.recorded})"


class RecordingTransport(_Record):
    """Blocking transport that forwards to ``inner`` and records every exchange to a cassette.

    The file is (over)written with this session's interactions on :meth:`save` and
    :meth:`close`; requests that raised are not recorded.

    Args:
        inner: the real transport (e.g. :class:`~kraken.adapters.httpx_rest.HttpxTransport`);
            it is closed with this one.
        path: the cassette file to write.
        extra_scrubbed_keys: key names to redact on top of :data:`SCRUBBED_KEYS`.
    """

    def __init__(
        self, inner: RestTransport, path: CassettePath, *, extra_scrubbed_keys: Iterable[str] = ()
    ) -> None:
        super().__init__(path, extra_scrubbed_keys)
        self._inner = inner

    def send(self, request: Request) -> Response:
        """Send through ``inner`` and record the exchange."""
        response = self._inner.send(request)
        self._recorder.record(request, response)
        return response

    def save(self) -> None:
        """Write the cassette now (blocking); raise :class:`CassetteError` when that fails."""
        _write(self.path, self._recorder.dumps())

    def close(self) -> None:
        """Save the cassette, then close ``inner`` (even when saving failed)."""
        try:
            self.save()
        finally:
            self._inner.close()

    def __enter__(self) -> RecordingTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncRecordingTransport(_Record):
    """Async twin of :class:`RecordingTransport` (asyncio and trio).

    :meth:`save` and :meth:`aclose` write the file from a worker thread (``anyio.to_thread``),
    so the event loop is not blocked by the write.
    """

    def __init__(
        self,
        inner: AsyncRestTransport,
        path: CassettePath,
        *,
        extra_scrubbed_keys: Iterable[str] = (),
    ) -> None:
        super().__init__(path, extra_scrubbed_keys)
        self._inner = inner

    async def send(self, request: Request) -> Response:
        """Send through ``inner`` and record the exchange."""
        response = await self._inner.send(request)
        self._recorder.record(request, response)
        return response

    async def save(self) -> None:
        """Write the cassette now; raise :class:`CassetteError` when that fails."""
        await anyio.to_thread.run_sync(_write, self.path, self._recorder.dumps())

    async def aclose(self) -> None:
        """Save the cassette, then close ``inner`` (even when saving failed)."""
        try:
            await self.save()
        finally:
            await self._inner.aclose()

    async def __aenter__(self) -> AsyncRecordingTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

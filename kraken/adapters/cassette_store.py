"""In-memory cassette state: the recorder that collects and the player that serves."""

from __future__ import annotations

import difflib
import threading

from kraken.adapters.cassette_format import Interaction, MatchKey, RecordedRequest, dumps_cassette
from kraken.adapters.cassette_scrub import Scrubber
from kraken.core.rest.values import Request, Response

__all__ = ["Player", "Recorder"]


class Recorder:
    """Collects scrubbed interactions (thread-safe) and renders them as cassette text."""

    __slots__ = ("_interactions", "_lock", "scrubber")

    def __init__(self, scrubber: Scrubber) -> None:
        self.scrubber = scrubber
        self._interactions: list[Interaction] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._interactions)

    def record(self, request: Request, response: Response) -> None:
        """Scrub and append one interaction."""
        interaction = Interaction(
            self.scrubber.request(request), self.scrubber.response(response, request)
        )
        with self._lock:
            self._interactions.append(interaction)

    def dumps(self) -> str:
        """Everything recorded so far, as cassette file text."""
        with self._lock:
            return dumps_cassette(self._interactions, self.scrubber.keys)


class Player:
    """Serves recorded responses in recorded order per matching request (thread-safe).

    Args:
        interactions: what the cassette holds.
        scrubber: normalises live requests exactly as they were normalised when recorded.
        allow_repeats: once every match of a request was served, serve the last one again.
    """

    __slots__ = ("_allow_repeats", "_interactions", "_lock", "_queues", "_scrubber", "_used")

    def __init__(
        self, interactions: list[Interaction], scrubber: Scrubber, *, allow_repeats: bool = False
    ) -> None:
        self._interactions = interactions
        self._scrubber = scrubber
        self._allow_repeats = allow_repeats
        self._used = [False] * len(interactions)
        self._queues: dict[MatchKey, list[int]] = {}
        for index, interaction in enumerate(interactions):
            self._queues.setdefault(interaction.request.match_key(), []).append(index)
        self._lock = threading.Lock()

    def play(self, request: Request) -> Response | None:
        """The next recorded response for ``request``, or ``None`` when nothing matches."""
        key = self._scrubber.request(request).match_key()
        with self._lock:
            indices = self._queues.get(key)
            if not indices:
                return None
            fresh = next((i for i in indices if not self._used[i]), None)
            if fresh is None:
                if not self._allow_repeats:
                    return None
                fresh = indices[-1]
            self._used[fresh] = True
        return self._interactions[fresh].response.to_response()

    def normalise(self, request: Request) -> RecordedRequest:
        """``request`` as replay sees it: no nonce, secrets redacted."""
        return self._scrubber.request(request)

    def describe_miss(self, live: RecordedRequest) -> str:
        """Why ``live`` got no response, naming it and the closest recorded requests."""
        wanted = live.describe()
        lines = [f"no recorded response for {wanted}"]
        indices = self._queues.get(live.match_key(), [])
        if indices:
            lines[0] += (
                f": all {len(indices)} recorded match(es) were already served "
                "(pass allow_repeats=True to serve the last one again)"
            )
            return "\n".join(lines)
        same_path = [i for i, it in enumerate(self._interactions) if it.request.path == live.path]
        if same_path:
            described = {i: self._interactions[i].request.describe() for i in same_path}

            def distance(i: int) -> float:
                return -difflib.SequenceMatcher(None, wanted, described[i]).ratio()

            lines.append(f"closest recorded requests for {live.path}:")
            for i in sorted(same_path, key=distance)[:5]:
                used = " (already served)" if self._used[i] else ""
                lines.append(f"  #{i}: {described[i]}{used}")
        else:
            paths = sorted({f"{it.request.method} {it.request.path}" for it in self._interactions})
            lines.append(f"nothing was recorded for {live.path}; the cassette holds:")
            lines.extend(f"  {p}" for p in paths[:10])
            if len(paths) > 10:
                lines.append(f"  ... and {len(paths) - 10} more")
        return "\n".join(lines)

    def unplayed(self) -> list[str]:
        """Descriptions of the interactions never served, in recorded order."""
        with self._lock:
            return [
                f"#{i}: {it.request.describe()}"
                for i, it in enumerate(self._interactions)
                if not self._used[i]
            ]

"""A :class:`~kraken.ports.nonce.NonceSource` shared by processes on one machine through a file.

Every process that signs with a key opens the same folder; each nonce is taken under an
exclusive OS lock on the key's file (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows):
read the last nonce, hand out ``max(now_ns, last + 1)``, write it back. So the processes share
one strictly increasing sequence per key, whatever their clocks do.

A shared sequence is half of the job: two processes can still *send* their nonces in the other
order (B takes N+1 after A took N, and B's request arrives first). Kraken then refuses A's nonce
unless the key has a **nonce window** (key settings on kraken.com), and the clients heal that one
refusal by re-signing once (``RetryPolicy.nonce_retry``). See docs/guides/nonces.md.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from kraken.core.auth.nonce import MAX_NONCE
from kraken.core.errors import KrakenUsageError

__all__ = ["FileNonceSource"]

_FINGERPRINT = re.compile(r"[0-9a-f]{1,64}\Z")
_WIDTH = 20  # digits of the largest unsigned 64-bit nonce: every record has the same size


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, _WIDTH)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, _WIDTH)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class FileNonceSource:
    """Strictly increasing nonces per key, shared by every process using the same ``folder``.

    Args:
        folder: a local folder all the processes can write (created if missing). One small file
            per key, named by the key's fingerprint (never the key itself).

    Usage::

        nonces = FileNonceSource("/var/run/my-bot/nonces")
        client = kraken.SpotClient(api_key=KEY, api_secret=SECRET, nonce_source=nonces)

    Thread-safe; about 5 us per nonce on a local disk (one lock, one read, one write, no fsync:
    the sequence only has to outlive the processes, not a crash of the machine, because the
    clock floor restarts it above every nonce used before). Not for network file systems, whose
    locks are unreliable: use a shared store (Redis, a database sequence) across machines.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self._folder = Path(folder)
        self._folder.mkdir(parents=True, exist_ok=True)
        self._handles: dict[str, IO[bytes]] = {}
        self._lock = threading.Lock()

    def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:
        """Return ``max(now_ns, last + 1)`` for this key and record it for every process."""
        with self._lock:
            handle = self._handle(key_fingerprint)
            _lock(handle)
            try:
                handle.seek(0)
                text = handle.read(_WIDTH).strip()
                last = int(text) if text else 0
                nonce = now_ns if now_ns > last else last + 1
                if nonce > MAX_NONCE:
                    raise OverflowError("nonce exceeds Kraken's unsigned 64-bit range")
                handle.seek(0)
                handle.write(b"%0*d" % (_WIDTH, nonce))
                handle.flush()
            finally:
                _unlock(handle)
        return nonce

    def _handle(self, key_fingerprint: str) -> IO[bytes]:
        handle = self._handles.get(key_fingerprint)
        if handle is None:
            if not _FINGERPRINT.match(key_fingerprint):
                raise KrakenUsageError(
                    f"FileNonceSource: {key_fingerprint!r} is not a key fingerprint (hex)."
                )
            path = self._folder / f"{key_fingerprint}.nonce"
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            handle = self._handles[key_fingerprint] = os.fdopen(fd, "r+b", buffering=0)
        return handle

    def close(self) -> None:
        """Close the open files (the recorded nonces stay on disk)."""
        with self._lock:
            for handle in self._handles.values():
                handle.close()
            self._handles.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FileNonceSource({str(self._folder)!r})"

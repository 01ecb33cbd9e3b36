"""A :class:`~kraken.ports.nonce.NonceSource` shared by processes on one machine through a file.

Every process that signs with a key opens the same folder; each nonce is taken under an
exclusive OS lock on the key's file (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows):
read the last nonce, hand out ``max(now_ns, last + 1)``, write it back. So the processes share
one strictly increasing sequence per key, whatever their clocks do.

A shared sequence is half of the job: two processes can still *send* their nonces in the other
order (B takes N+1 after A took N, and B's request arrives first). Kraken then refuses A's nonce
unless the key has a **nonce window** (key settings on kraken.com), and the clients heal that one
refusal by re-signing once (``RetryPolicy.nonce_retry``). Without a window,
``one_request_at_a_time=True`` closes the gap: the source is then also a
:class:`~kraken.ports.nonce.RequestGate`, and a client holds a second lock file of the key from
taking its nonce until the reply is back. See docs/guides/nonces.md.
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

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, _WIDTH)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, _WIDTH)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class FileNonceSource:
    """Strictly increasing nonces per key, shared by every process using the same ``folder``.

    Args:
        folder: a local folder all the processes can write (created if missing). One small file
            per key, named by the key's fingerprint (never the key itself).
        one_request_at_a_time: also keep the processes' signed requests on a key from
            overlapping (a second file per key, locked from nonce to reply), so a strict key
            without a nonce window never sees a nonce overtaken. Private calls on that key are
            then serialised across the processes.

    Usage::

        nonces = FileNonceSource("/var/run/my-bot/nonces")
        client = kraken.SpotClient(api_key=KEY, api_secret=SECRET, nonce_source=nonces)

    Thread-safe; about 5 us per nonce on a local disk (one lock, one read, one write, no fsync:
    the sequence only has to outlive the processes, not a crash of the machine, because the
    clock floor restarts it above every nonce used before). Not for network file systems, whose
    locks are unreliable: use a shared store (Redis, a database sequence) across machines.
    """

    def __init__(
        self, folder: str | os.PathLike[str], *, one_request_at_a_time: bool = False
    ) -> None:
        self._folder = Path(folder)
        self._folder.mkdir(parents=True, exist_ok=True)
        self._handles: dict[str, IO[bytes]] = {}
        self._lock = threading.Lock()
        self._one_at_a_time = one_request_at_a_time

    def try_hold(self, key_fingerprint: str) -> bool:
        """Take the key's request lock if no process has it (always yes when not asked for).

        The client calls this holding its own process-wide gate of the key, so at most one
        thread of a process ever holds the file lock.
        """
        if not self._one_at_a_time:
            return True
        with self._lock:
            return _try_lock(self._handle(key_fingerprint, ".hold"))

    def release(self, key_fingerprint: str) -> None:
        """Give the key's request lock back."""
        if self._one_at_a_time:
            with self._lock:
                _unlock(self._handle(key_fingerprint, ".hold"))

    def next_nonce(self, key_fingerprint: str, now_ns: int) -> int:
        """Return ``max(now_ns, last + 1)`` for this key and record it for every process."""
        with self._lock:
            handle = self._handle(key_fingerprint, ".nonce")
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

    def _handle(self, key_fingerprint: str, suffix: str) -> IO[bytes]:
        name = key_fingerprint + suffix
        handle = self._handles.get(name)
        if handle is None:
            if not _FINGERPRINT.match(key_fingerprint):
                raise KrakenUsageError(
                    f"FileNonceSource: {key_fingerprint!r} is not a key fingerprint (hex)."
                )
            fd = os.open(self._folder / name, os.O_RDWR | os.O_CREAT, 0o600)
            handle = self._handles[name] = os.fdopen(fd, "r+b", buffering=0)
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
        extra = ", one_request_at_a_time=True" if self._one_at_a_time else ""
        return f"FileNonceSource({str(self._folder)!r}{extra})"

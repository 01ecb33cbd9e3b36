"""Shared by both benchmark processes: the request, the stdlib reference, the timing loop.

Stdlib only: this module runs in our interpreter *and* in ``bench/.venv-peers`` (where the
name ``kraken`` is python-kraken-sdk, not us), so it must never import either SDK.
"""

from __future__ import annotations

import base64
import binascii
import gc
import hashlib
import hmac
import json
import json.encoder
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote_plus

# -- the request every row signs ------------------------------------------------------------------

API_KEY = "bench-api-key-0000000000000000000000000000000000000000000000"
API_SECRET = base64.b64encode(bytes(range(64))).decode()  # a 64-byte secret, like Kraken's
SECRET = base64.b64decode(API_SECRET)
BASE_URL = "https://api.kraken.com"
PATH = "/0/private/AddOrder"
URL = BASE_URL + PATH
# AddOrder with 7 fields (+ nonce), as in peers.md 4.1. ``oflags`` has a comma so the form
# encoders do real percent-encoding; all values are strings so every peer sends the same text.
PARAMS: dict[str, str] = {
    "ordertype": "limit",
    "type": "buy",
    "volume": "1.25",
    "pair": "XBTUSD",
    "price": "27500.5",
    "oflags": "post,fcib",
    "cl_ord_id": "6d1b345e-2821-40e2-ad83-4ecb18a06876",
}
# The nonce every signature-equality check uses (ns scale; the peers take it as a plain number).
FIXED_NONCE = 1_700_000_000_000_000_000
# The canned reply of the stub transports (B3).
RESULT: dict[str, Any] = {
    "descr": {"order": "buy 1.25000000 XBTUSD @ limit 27500.5"},
    "txid": ["OUF4EM-FRGI2-MQMWZD"],
}
REPLY = json.dumps({"error": [], "result": RESULT}, separators=(",", ":")).encode()
REPLY_HEADERS = {"content-type": "application/json"}
USER_AGENT = "bench-reference/1"


# -- the stdlib reference ("physical limit", peers.md 4.2) ----------------------------------------


def _compact_json() -> Callable[[Any], str]:
    iterencode = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, None, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )
    return lambda value: "".join(iterencode(value, 0))


_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_PLUS_ESCAPES = {c: f"%{c:02X}" for c in range(128) if chr(c) not in _SAFE}
_PLUS_ESCAPES[ord(" ")] = "+"


def _quote_plus(value: str) -> str:
    """``quote_plus(value)``, byte for byte, the fastest way the stdlib allows."""
    if not value.strip(_SAFE):
        return value
    if value.isascii():
        return value.translate(_PLUS_ESCAPES)
    return quote_plus(value)


class Reference:
    """The tightest signed request we know how to build with the stdlib alone.

    * HMAC-SHA512 written out over two ``hashlib`` states keyed once (secret decoded once), both
      ``copy()``-ed per signature (cheaper than ``hmac.HMAC.copy()``); path pre-encoded.
    * JSON body: ``{"nonce": n, **params}`` through json's C encoder built once
      (``json.encoder.c_make_encoder``; ``JSONEncoder.encode`` would build it on every call).
    * form body: hand-rolled join, nonce first, the values escaped as ``quote_plus`` does but
      with one ``str.translate`` over a table (a ``str.strip`` test skips values with nothing
      to escape); the names are written as they are (Kraken's parameter names are plain ASCII
      identifiers). Byte-identical to ``urlencode`` for these params (checked in
      rows/prepare.py).
    * nonce: ``time.time_ns()`` as is: no floor, no lock (the SDK's monotonic floor, its lock and
      the per-key ordering gate are the correctness features ours pays for on top).
    * headers: a fresh dict of User-Agent, Content-Type, API-Key, API-Sign.
    * reply (B3, B8): decoded by one call of json's C scanner (:func:`decode_reply`), the way
      ours decodes, without ``JSONDecoder.decode``'s whitespace wrapper.
    """

    def __init__(
        self, api_key: str = API_KEY, api_secret: str = API_SECRET, path: str = PATH
    ) -> None:
        self.api_key = api_key
        self.url = BASE_URL + path
        # RFC 2104 over two SHA-512 states keyed once; a signature copies both (all C code).
        key = base64.b64decode(api_secret).ljust(128, b"\0")  # Kraken secrets are 64 bytes
        self._inner = hashlib.sha512(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha512(bytes(b ^ 0x5C for b in key))
        self._path = path.encode()
        self._dumps = _compact_json()

    def sign(self, nonce: int | str, body: bytes) -> str:
        """``b64(HMAC-SHA512(secret, path || SHA256(nonce || body)))``."""
        return self._hmac(self._path + hashlib.sha256(str(nonce).encode() + body).digest())

    def _hmac(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return binascii.b2a_base64(outer.digest(), newline=False).decode()

    def json_body(self, nonce: int, params: dict[str, Any]) -> bytes:
        return self._dumps({"nonce": nonce, **params}).encode()

    @staticmethod
    def form_body(nonce: int, params: dict[str, Any]) -> bytes:
        return (
            f"nonce={nonce}&" + "&".join([k + "=" + _quote_plus(v) for k, v in params.items()])
        ).encode()

    def prepare_json(self, params: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
        nonce = time.time_ns()
        body = self._dumps({"nonce": nonce, **params}).encode()
        signature = self._hmac(self._path + hashlib.sha256(str(nonce).encode() + body).digest())
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "API-Key": self.api_key,
            "API-Sign": signature,
        }
        return self.url, headers, body

    def prepare_form(self, params: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
        nonce = time.time_ns()
        body = (
            f"nonce={nonce}&" + "&".join([k + "=" + _quote_plus(v) for k, v in params.items()])
        ).encode()
        signature = self._hmac(self._path + hashlib.sha256(str(nonce).encode() + body).digest())
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded",
            "API-Key": self.api_key,
            "API-Sign": signature,
        }
        return self.url, headers, body

    def call(self, params: dict[str, Any], *, form: bool = False) -> Any:
        """prepare + a zero-cost stub send + decode of the canned reply + error check."""
        url, headers, body = self.prepare_form(params) if form else self.prepare_json(params)
        status, reply = _stub_send(url, headers, body)
        payload = decode_reply(reply)
        if status != 200 or payload["error"]:
            raise RuntimeError(payload["error"])
        return payload["result"]


def _stub_send(url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    return 200, REPLY


_scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def decode_reply(body: bytes) -> Any:
    """``json.loads(body)`` in one C scanner call (plain floats: the reference needs no Decimal)."""
    text = body.decode()
    value, end = _scan_once(text, 0)
    return value if end == len(text) else json.loads(text)


# -- equality checks -------------------------------------------------------------------------------


def check_signature(who: str, sign: str, nonce: int | str, body: bytes, path: str = PATH) -> None:
    """Assert that ``sign`` is the textbook ``hmac.new`` signature of ``body`` under ``nonce``.

    The reference itself is checked against the same textbook value every time.
    """
    message = path.encode() + hashlib.sha256(str(nonce).encode() + body).digest()
    expected = base64.b64encode(hmac.new(SECRET, message, hashlib.sha512).digest()).decode()
    if Reference(path=path).sign(nonce, body) != expected:
        raise AssertionError("the stdlib reference's HMAC differs from hmac.new")
    if sign != expected:
        raise AssertionError(f"{who}: signature differs from the stdlib reference")


def check_form_fields(who: str, body: bytes, nonce: int | str) -> None:
    """Assert that a form body carries exactly PARAMS + nonce."""
    fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
    expected = {**PARAMS, "nonce": str(nonce)}
    if fields != expected:
        raise AssertionError(f"{who}: form body {fields!r} != {expected!r}")


def check_json_fields(who: str, body: bytes, nonce: int | str) -> None:
    """Assert that a JSON body carries exactly PARAMS + nonce (as number or string)."""
    fields = json.loads(body)
    if str(fields.pop("nonce", None)) != str(nonce) or fields != PARAMS:
        raise AssertionError(f"{who}: JSON body {body!r} does not carry PARAMS + nonce")


# -- cases and timing ------------------------------------------------------------------------------


@dataclass
class Case:
    """One timed implementation of one row.

    ``kind`` is ``ours``, ``peer`` or ``ref``; ``body`` the body encoding (``json``/``form``/
    ``None`` for sign-only); ``flavour`` ``sync`` or ``async``. Sync cases give ``op`` (one
    operation); async cases give ``run_async(n, repeats, warmup)`` which runs the whole
    measurement inside its own event loop (so clients are created inside the loop). Rows whose
    timings need their own setup (a fresh book, a connection, a new interpreter: B4, B5, B7)
    use the same hook for sync work.

    ``unit`` is what the values measure (``µs`` per operation unless a row says otherwise,
    e.g. ``ms`` latency percentiles or ``rejected`` counts); ``worst_is_max`` makes the table's
    "best" column the *largest* value seen (counts of failures, where the worst run matters).
    """

    id: str
    row: str
    label: str
    kind: str
    body: str | None = None
    flavour: str = "sync"
    note: str = ""
    op: Callable[[], object] | None = field(default=None, repr=False)
    run_async: Callable[[int, int, int], list[float]] | None = field(default=None, repr=False)
    unit: str = "µs"
    worst_is_max: bool = False

    def measure(self, n: int, repeats: int, warmup: int) -> list[float]:
        """Microseconds per operation, one value per repeat."""
        if self.run_async is not None:
            return self.run_async(n, repeats, warmup)
        assert self.op is not None
        return time_sync(self.op, n, repeats, warmup)

    @property
    def key(self) -> str:
        """Unique across rows (a peer may appear in several rows under the same id)."""
        return f"{self.row}/{self.id}"

    def meta(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "id": self.id,
            "row": self.row,
            "label": self.label,
            "kind": self.kind,
            "body": self.body,
            "flavour": self.flavour,
            "note": self.note,
            "unit": self.unit,
            "worst_is_max": self.worst_is_max,
        }


def time_sync(op: Callable[[], object], n: int, repeats: int, warmup: int) -> list[float]:
    """Run ``op`` ``warmup`` times, then ``repeats`` timings of ``n`` calls, gc.collect between."""
    perf = time.perf_counter
    for _ in repeat(None, warmup):
        op()
    out: list[float] = []
    for _ in range(repeats):
        gc.collect()
        start = perf()
        for _ in repeat(None, n):
            op()
        out.append((perf() - start) / n * 1e6)
    return out


async def time_async(
    aop: Callable[[], Awaitable[object]], n: int, repeats: int, warmup: int
) -> list[float]:
    """The async twin of :func:`time_sync`; call it inside the case's own event loop."""
    perf = time.perf_counter
    for _ in repeat(None, warmup):
        await aop()
    out: list[float] = []
    for _ in range(repeats):
        gc.collect()
        start = perf()
        for _ in repeat(None, n):
            await aop()
        out.append((perf() - start) / n * 1e6)
    return out


def summarise(rounds: list[list[float]], *, worst_is_max: bool = False) -> dict[str, float]:
    """best = min over every repeat of every round (max for failure counts); median = median
    of the per-round medians."""
    flat = [v for r in rounds for v in r]
    return {
        "best": max(flat) if worst_is_max else min(flat),
        "median": statistics.median([statistics.median(r) for r in rounds]),
    }


# -- servers in a child process ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


class ChildServer:
    """A server script run by *our* interpreter (this checkout) in a child process.

    So its work does not take the benchmarking interpreter's GIL. The script prints its URL on
    the first line, may then answer lines written to its stdin, and stops at EOF on stdin. The
    peers' process has no kraken of ours: run.py tells it our interpreter in
    ``BENCH_OURS_PYTHON``.
    """

    def __init__(self, what: str, script: str, *args: str) -> None:
        python = os.environ.get("BENCH_OURS_PYTHON") or sys.executable
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env["PYTHONPATH"] = str(ROOT)
        self.what = what
        self._proc = subprocess.Popen(
            [python, "-c", script, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.url = self.read_line().strip()
        if "://" not in self.url:
            self.close()
            raise RuntimeError(f"{what} did not start with {python} (status {self._proc.poll()})")

    def send(self, line: str) -> None:
        """Write one command line to the server."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(line + "\n")
        self._proc.stdin.flush()

    def read_line(self) -> str:
        """The server's next output line."""
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.what} exited (status {self._proc.poll()})")
        return line

    def close(self) -> None:
        """EOF on the server's stdin, then wait (kill after 10 s); idempotent."""
        if self._proc.poll() is not None:
            return
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> ChildServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

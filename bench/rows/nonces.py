"""B6: nonce safety on one key under threads, tasks and processes, against a strict server.

The server is our loopback Spot stub (``kraken.testing.spot_stub_app``: its own verifier checks
every signature and refuses any nonce not above the last one accepted for the key, as Kraken
does with a nonce window of 0), in a child process run by *our* interpreter, behind a thin ASGI
wrapper that counts the private requests per key and serves ``/bench/stats/<key>``. Every
implementation gets its own key.

One value per repeat: **nonces refused by the server per 1000 calls** (requests minus accepted
nonces, from the server's counts before and after). Fixed sizes, whatever ``-n`` says:

* threads: 8 threads x 25 calls sharing one client;
* tasks: 50 asyncio tasks x 4 calls sharing one client;
* processes: 4 interpreters x 50 calls on the same key, started together.

Each call is a private ``Balance``. Ours also must end every call successfully (its key gate
keeps threads and tasks in nonce order; between processes ``FileNonceSource`` shares the
sequence and the one re-signed retry heals requests that crossed on the way): a failed call of
ours stops the run. The peers' failed calls are their refusals (none of them retries on
``EAPI:Invalid nonce``).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from typing import Any

from common import API_SECRET, ROOT, Case, ChildServer

ROW = "B6"
THREADS, THREAD_CALLS = 8, 25
TASKS, TASK_CALLS = 50, 4
PROCESSES, PROCESS_CALLS = 4, 50
MAX_REPEATS = 3  # each repeat is 200 real loopback calls (plus 4 interpreters for processes)
UNIT = "refused/1000 calls"

_SERVER = r"""
import json, sys
from collections import Counter
from kraken.testing import LoopbackServer, nonce_book, spot_stub_app

keys, secret = json.loads(sys.argv[1]), sys.argv[2]
app = spot_stub_app({key: secret for key in keys})
requests = Counter()

async def counting(scope, receive, send):
    if scope["type"] == "http":
        path = scope["path"]
        if path.startswith("/bench/stats/"):
            key = path.rsplit("/", 1)[1]
            accepted = len(nonce_book(app).history(key))
            body = json.dumps({"requests": requests[key], "accepted": accepted}).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        if path.startswith("/0/private/"):
            for name, value in scope["headers"]:
                if name == b"api-key":
                    requests[value.decode()] += 1
    await app(scope, receive, send)

with LoopbackServer(counting) as server:
    print(server.url, flush=True)
    sys.stdin.read()
"""


class StrictServer:
    """The counting strict-nonce stub in a child process (started once per process, on demand)."""

    _instance: StrictServer | None = None

    def __init__(self, keys: list[str]) -> None:
        self._child = ChildServer("B6 server", _SERVER, json.dumps(keys), API_SECRET)
        self.url = self._child.url
        atexit.register(self._child.close)

    @classmethod
    def get(cls, keys: list[str]) -> StrictServer:
        if cls._instance is None:
            cls._instance = cls(keys)
        return cls._instance

    def stats(self, key: str) -> tuple[int, int]:
        """(private requests seen, nonces accepted) for ``key``."""
        with urllib.request.urlopen(f"{self.url}/bench/stats/{key}", timeout=10) as reply:
            data = json.loads(reply.read())
        return data["requests"], data["accepted"]


def _key(name: str) -> str:
    return f"b6-{name}"


# Failed calls per 1000 of the latest run of each case, reported by its "failed" twin.
_FAILED: dict[str, list[float]] = {}


def _measured(name: str, keys: list[str], once: Any, expect_no_failures: bool) -> Any:
    """A run hook: per repeat, refusals per 1000 calls from the server's counts."""

    def run(n: int, repeats: int, warmup: int) -> list[float]:
        server = StrictServer.get(keys)
        key = _key(name)
        out, failures = [], []
        for _ in range(min(repeats, MAX_REPEATS)):
            requests_before, accepted_before = server.stats(key)
            calls, failed = once(server.url, key)
            requests, accepted = server.stats(key)
            refused = (requests - requests_before) - (accepted - accepted_before)
            if expect_no_failures and failed:
                raise AssertionError(f"B6 {name}: {failed} of {calls} calls failed")
            out.append(refused / calls * 1000)
            failures.append(failed / calls * 1000)
        _FAILED[name] = failures
        return out

    return run


def _failed_twin(case: Case) -> Case:
    """The calls that failed in ``case``'s latest run (measured right before it)."""

    def run(n: int, repeats: int, warmup: int) -> list[float]:
        return _FAILED.pop(case.id)

    return Case(
        case.id + "_failed",
        ROW,
        case.label + ": calls that failed",
        case.kind,
        body=f"{case.body} failed",
        flavour=case.flavour,
        run_async=run,
        unit="failed/1000 calls",
        worst_is_max=True,
    )


def _threads(call_factory: Any) -> Any:
    """THREADS threads x THREAD_CALLS calls of ``call_factory(url, key)()``; (calls, failed)."""

    def once(url: str, key: str) -> tuple[int, int]:
        call = call_factory(url, key)
        failed = [0]
        lock = threading.Lock()

        def work() -> None:
            for _ in range(THREAD_CALLS):
                if not call():
                    with lock:
                        failed[0] += 1

        workers = [threading.Thread(target=work) for _ in range(THREADS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return THREADS * THREAD_CALLS, failed[0]

    return once


def _tasks(main: Any) -> Any:
    """Run ``main(url, key)`` (a coroutine returning failed calls) on asyncio."""

    def once(url: str, key: str) -> tuple[int, int]:
        import asyncio

        return TASKS * TASK_CALLS, asyncio.run(main(url, key))

    return once


# A worker process: this module's own call builders (`_our_call`, `_peer_call`), from bench/.
_WORKER = """
import sys
sys.path[:0] = [sys.argv[1]]
from rows.nonces import process_worker
process_worker(*sys.argv[2:])
"""


def process_worker(who: str, url: str, key: str, calls: str, folder: str) -> None:
    """Run in each worker process: ``calls`` calls, then print how many failed."""
    if who.startswith("ours"):
        call = _our_call(url, key, folder, one_request_at_a_time=who == "ours-held")
    else:
        call = _peer_call(who, url, key)
    print(sum(not call() for _ in range(int(calls))))


def _processes(who: str) -> Any:
    """PROCESSES interpreters of ``who`` (``ours``: this checkout, else the peers' venv)."""

    def once(url: str, key: str) -> tuple[int, int]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        if who.startswith("ours"):
            env["PYTHONPATH"] = str(ROOT)
        args = [url, key, str(PROCESS_CALLS)]
        with tempfile.TemporaryDirectory() as folder:
            procs = [
                subprocess.Popen(
                    [sys.executable, "-c", _WORKER, str(ROOT / "bench"), who, *args, folder],
                    stdout=subprocess.PIPE,
                    text=True,
                    env=env,
                )
                for _ in range(PROCESSES)
            ]
            failed = 0
            for proc in procs:
                out, _ = proc.communicate(timeout=300)
                if proc.returncode != 0:
                    raise RuntimeError(f"B6 worker process failed (status {proc.returncode})")
                failed += int(out.split()[-1])
        return PROCESSES * PROCESS_CALLS, failed

    return once


# -- ours ------------------------------------------------------------------------------------------


def _our_call(
    url: str, key: str, nonce_folder: str | None = None, *, one_request_at_a_time: bool = False
) -> Any:
    """One private Balance call of ours (nonces from a FileNonceSource when a folder is given)."""
    import kraken
    from kraken.adapters.nonce_file import FileNonceSource

    source = (
        FileNonceSource(nonce_folder, one_request_at_a_time=one_request_at_a_time)
        if nonce_folder
        else None
    )
    client = kraken.SpotClient(
        api_key=key, api_secret=API_SECRET, base_url=url, rate_limit="off", nonce_source=source
    )

    def call() -> bool:
        try:
            client.get_account_balance()
        except kraken.KrakenError:
            return False
        return True

    return call


OURS = ["ours_threads", "ours_tasks", "ours_processes", "ours_held"]


def ours_cases() -> list[Case]:
    import kraken

    async def tasks_main(url: str, key: str) -> int:
        import asyncio

        failed = 0
        async with kraken.AsyncSpotClient(
            api_key=key, api_secret=API_SECRET, base_url=url, rate_limit="off"
        ) as client:

            async def work() -> None:
                nonlocal failed
                for _ in range(TASK_CALLS):
                    try:
                        await client.get_account_balance()
                    except kraken.KrakenError:
                        failed += 1

            await asyncio.gather(*(work() for _ in range(TASKS)))
        return failed

    scenarios = [
        ("ours_threads", "ours: SpotClient shared by 8 threads", _threads(_our_call)),
        ("ours_tasks", "ours: AsyncSpotClient shared by 50 asyncio tasks", _tasks(tasks_main)),
        (
            "ours_processes",
            "ours: 4 processes, SpotClient(nonce_source=FileNonceSource) each",
            _processes("ours"),
        ),
        (
            "ours_held",
            "ours: 4 processes, FileNonceSource(one_request_at_a_time=True) each",
            _processes("ours-held"),
        ),
    ]
    keys = [_key(name) for name in OURS]
    cases = [
        Case(
            name,
            ROW,
            label,
            "ours",
            body=name.rsplit("_", 1)[1],
            flavour="async" if name.endswith("tasks") else "sync",
            note=(
                "refusals between processes are requests that crossed on the way (the key has"
                " no nonce window); the client re-signs once, so only a request that crosses"
                " twice fails"
                if name.endswith("processes")
                else ""
            ),
            run_async=_measured(
                name, keys, once, expect_no_failures=not name.endswith("processes")
            ),
            unit=UNIT,
            worst_is_max=True,
        )
        for name, label, once in scenarios
    ]
    # The failed-calls twin right after the processes case it reports on.
    at = next(index for index, case in enumerate(cases) if case.id == "ours_processes") + 1
    return [*cases[:at], _failed_twin(cases[at - 1]), *cases[at:]]


# -- peers -----------------------------------------------------------------------------------------

PEERS = [
    f"{peer}_{scenario}"
    for peer, scenarios in (
        ("pks", ("threads", "tasks", "processes")),
        ("krakenex", ("threads", "processes")),
        ("ccxt", ("threads", "processes")),
    )
    for scenario in scenarios
]


def _peer_call(peer: str, url: str, key: str) -> Any:
    """One private Balance call of ``peer``, returning False when it failed."""
    if peer == "pks":
        from kraken.spot import SpotClient  # python-kraken-sdk in the peers' venv

        client = SpotClient(key=key, secret=API_SECRET, url=url)

        def call() -> None:
            client.request("POST", "/0/private/Balance")
    elif peer == "krakenex":
        import krakenex

        api = krakenex.API(key=key, secret=API_SECRET)
        api.uri = url

        def call() -> None:
            reply = api.query_private("Balance")
            if reply.get("error"):
                raise RuntimeError(reply["error"])
    else:
        import ccxt

        ex = ccxt.kraken({"apiKey": key, "secret": API_SECRET, "enableRateLimit": False})
        ex.urls["api"] = {"public": url, "private": url}

        def call() -> None:
            ex.privatePostBalance()

    def checked() -> bool:
        try:
            call()
        except Exception:  # every SDK has its own error types; a failure is a failure
            return False
        return True

    return checked


def _check_peer_works(peer: str, keys: list[str]) -> None:
    """One call on a fresh key must succeed, so refusals are nonces and not a wrong setup."""
    key = _key(f"{peer}_check")
    server = StrictServer.get(keys)
    if not _peer_call(peer, server.url, key)():
        raise AssertionError(f"B6 {peer}: a single private call fails against the stub")


def peer_cases() -> list[Case]:
    async def pks_tasks(url: str, key: str) -> int:
        import asyncio

        from kraken.spot import SpotAsyncClient  # python-kraken-sdk

        failed = 0
        client = SpotAsyncClient(key=key, secret=API_SECRET, url=url)
        try:

            async def work() -> None:
                nonlocal failed
                for _ in range(TASK_CALLS):
                    try:
                        await client.request("POST", "/0/private/Balance")
                    except Exception:
                        failed += 1

            await asyncio.gather(*(work() for _ in range(TASKS)))
        finally:
            await client.close()
        return failed

    labels = {
        "pks": "python-kraken-sdk SpotClient",
        "krakenex": "krakenex API",
        "ccxt": "ccxt kraken (rate limiter off)",
    }
    keys = [_key(name) for name in PEERS] + [_key(f"{p}_check") for p in labels]
    cases = []
    for name in PEERS:
        peer, scenario = name.split("_")
        if scenario == "threads":
            label = f"{labels[peer]} shared by 8 threads"
            once = _threads(lambda url, key, peer=peer: _peer_call(peer, url, key))
        elif scenario == "tasks":
            label = "python-kraken-sdk SpotAsyncClient shared by 50 asyncio tasks"
            once = _tasks(pks_tasks)
        else:
            label = f"{labels[peer]}: 4 processes"
            once = _processes(peer)
        cases.append(
            Case(
                name,
                ROW,
                label,
                "peer",
                body=scenario,
                flavour="async" if scenario == "tasks" else "sync",
                run_async=_measured(name, keys, once, expect_no_failures=False),
                unit=UNIT,
                worst_is_max=True,
            )
        )
        if scenario == "processes":
            cases.append(_failed_twin(cases[-1]))
    for peer in labels:
        _check_peer_works(peer, keys)
    return cases

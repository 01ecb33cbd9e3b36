"""FileNonceSource: one strictly increasing nonce sequence per key across real processes."""

from __future__ import annotations

import base64
import itertools
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from kraken import SpotClient
from kraken.adapters.nonce_file import FileNonceSource
from kraken.core.auth.credentials import key_fingerprint
from kraken.core.errors import KrakenUsageError
from kraken.testing import LoopbackServer, nonce_book, spot_stub_app

ROOT = Path(__file__).resolve().parents[2]
SECRET = base64.b64encode(bytes(range(7, 71))).decode()


def _run_processes(script: str, count: int, *args: str) -> list[str]:
    """Start ``count`` interpreters running ``script`` at once; their stdout, in order."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(script), str(index), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for index in range(count)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


def test_nonces_increase_and_never_repeat_across_processes_with_a_frozen_clock(
    tmp_path: Path,
) -> None:
    script = """
        import sys
        from kraken.adapters.nonce_file import FileNonceSource
        source = FileNonceSource(sys.argv[2])
        # A clock that never moves: only the shared file keeps the nonces apart.
        print(" ".join(str(source.next_nonce("00aa11bb22cc33dd", 1_000)) for _ in range(300)))
    """
    outputs = _run_processes(script, 4, str(tmp_path))
    sequences = [[int(n) for n in out.split()] for out in outputs]
    for sequence in sequences:
        assert len(sequence) == 300
        assert all(b > a for a, b in itertools.pairwise(sequence))
    every = [n for sequence in sequences for n in sequence]
    assert len(set(every)) == 1200
    assert sorted(every) == list(range(1_000, 2_200))


def test_the_sequence_follows_the_clock_and_survives_a_new_instance(tmp_path: Path) -> None:
    with FileNonceSource(tmp_path) as first:
        assert first.next_nonce("0f", 5_000) == 5_000
        assert first.next_nonce("0f", 4_000) == 5_001  # the clock went back: floor holds
        assert first.next_nonce("0f", 9_000) == 9_000
        assert first.next_nonce("1e", 10) == 10  # another key, its own sequence
    with FileNonceSource(tmp_path) as second:
        assert second.next_nonce("0f", 1) == 9_001


def test_a_fingerprint_must_be_hex_so_it_is_safe_as_a_file_name(tmp_path: Path) -> None:
    with FileNonceSource(tmp_path) as source, pytest.raises(KrakenUsageError, match="fingerprint"):
        source.next_nonce("../escape", 1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.loopback
def test_clients_in_several_processes_share_a_key_against_a_strict_server(
    tmp_path: Path,
) -> None:
    """Three processes, one key, a server with a nonce window (what Kraken advises for this).

    The shared sequence keeps every nonce unique; requests that overtake each other on the way
    fall inside the window (without one, a strict server refuses them: bench row B6 counts
    that), so every call succeeds and no nonce is accepted twice.
    """
    key = f"processes-{uuid.uuid4().hex}"
    app = spot_stub_app({key: SECRET}, nonce_window=10**10)  # 10 s of ns nonces
    script = """
        import sys
        import kraken
        from kraken.adapters.nonce_file import FileNonceSource
        _, index, url, key, secret, folder = sys.argv
        client = kraken.SpotClient(
            api_key=key, api_secret=secret, base_url=url, rate_limit="off",
            nonce_source=FileNonceSource(folder),
        )
        for _ in range(40):
            client.get_account_balance()
        print("ok")
    """
    with LoopbackServer(app) as server:
        outputs = _run_processes(script, 3, server.url, key, SECRET, str(tmp_path))
    assert outputs == ["ok\n"] * 3
    history = nonce_book(app).history(key)
    assert len(history) == len(set(history)) == 120
    assert (tmp_path / f"{key_fingerprint(key)}.nonce").exists()


def test_the_client_takes_its_nonces_from_the_source(tmp_path: Path) -> None:
    key = f"source-{uuid.uuid4().hex}"
    app = spot_stub_app({key: SECRET})
    with (
        FileNonceSource(tmp_path) as source,
        LoopbackServer(app) as server,
        SpotClient(
            api_key=key, api_secret=SECRET, base_url=server.url, nonce_source=source
        ) as client,
    ):
        client.get_account_balance()
        recorded = int((tmp_path / f"{key_fingerprint(key)}.nonce").read_text())
    assert nonce_book(app).history(key) == (recorded,)


def test_with_one_request_at_a_time_no_nonce_is_overtaken_on_a_strict_key(
    tmp_path: Path,
) -> None:
    """Four processes, one key, a server with no nonce window and clients that never retry.

    Any request overtaken on the way would be refused and, with ``retry=None``, fail its
    process; holding the key from nonce to reply lets every call through, and the server
    accepts the nonces in strictly rising order.
    """
    key = f"one-at-a-time-{uuid.uuid4().hex}"
    app = spot_stub_app({key: SECRET})  # nonce window 0: Kraken's default
    script = """
        import sys
        import kraken
        from kraken.adapters.nonce_file import FileNonceSource
        _, index, url, key, secret, folder = sys.argv
        client = kraken.SpotClient(
            api_key=key, api_secret=secret, base_url=url, rate_limit="off", retry=None,
            nonce_source=FileNonceSource(folder, one_request_at_a_time=True),
        )
        for _ in range(30):
            client.get_account_balance()
        print("ok")
    """
    with LoopbackServer(app) as server:
        outputs = _run_processes(script, 4, server.url, key, SECRET, str(tmp_path))
    assert outputs == ["ok\n"] * 4
    history = nonce_book(app).history(key)
    assert len(history) == 120
    assert list(history) == sorted(set(history))


def test_the_request_lock_is_exclusive_and_given_back(tmp_path: Path) -> None:
    fingerprint = key_fingerprint("hold-test")
    with (
        FileNonceSource(tmp_path, one_request_at_a_time=True) as first,
        FileNonceSource(tmp_path, one_request_at_a_time=True) as second,
    ):
        assert first.try_hold(fingerprint)
        assert not second.try_hold(fingerprint)  # another open file: as another process
        first.release(fingerprint)
        assert second.try_hold(fingerprint)
        second.release(fingerprint)


def test_without_the_option_holding_is_free(tmp_path: Path) -> None:
    fingerprint = key_fingerprint("no-hold")
    with FileNonceSource(tmp_path) as first, FileNonceSource(tmp_path) as second:
        assert first.try_hold(fingerprint)
        assert second.try_hold(fingerprint)
        first.release(fingerprint)
        second.release(fingerprint)
    assert not (tmp_path / f"{fingerprint}.hold").exists()

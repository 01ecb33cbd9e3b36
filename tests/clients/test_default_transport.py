"""Which transport a client builds: the SDK's own HTTP/1.1, or httpx when a proxy is asked for."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kraken import AsyncSpotClient, SpotClient
from kraken.adapters.http1_anyio import AnyioHttpTransport
from kraken.adapters.http1_sync import SocketHttpTransport

ROOT = Path(__file__).resolve().parents[2]
TIME_REPLY = b'{"error":[],"result":{"unixtime":1700000000,"rfc1123":"Tue, 14 Nov 23"}}'
# Nothing listens here: a request that reached it directly instead of through the proxy fails.
TARGET = "http://127.0.0.1:9"


class ForwardProxy:
    """A loopback HTTP forward proxy that answers every request itself and records its line."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # accept() wakes up to see the stop flag
        self._stop = threading.Event()
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.request_lines: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(5)
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    head += chunk
                self.request_lines.append(head.split(b"\r\n", 1)[0].decode())
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Connection: close\r\nContent-Length: %d\r\n\r\n"
                    % len(TIME_REPLY)
                    + TIME_REPLY
                )


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as server:
        yield server


def test_without_a_proxy_the_clients_build_the_sdk_transports() -> None:
    with SpotClient() as client:
        assert type(client._transport) is SocketHttpTransport
    assert type(AsyncSpotClient()._transport) is AnyioHttpTransport


def test_a_client_without_a_proxy_never_imports_httpx() -> None:
    script = textwrap.dedent(
        """
        import sys
        import kraken
        client = kraken.SpotClient()
        client.close()
        kraken.AsyncSpotClient()
        print("httpx" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_with_a_proxy_the_sync_client_sends_through_it(proxy: ForwardProxy) -> None:
    with SpotClient(base_url=TARGET, proxy=proxy.url) as client:
        assert client.get_server_time()["unixtime"] == 1700000000
    # Absolute-form request target: the request went to the proxy, naming its destination.
    assert proxy.request_lines == ["GET http://127.0.0.1:9/0/public/Time HTTP/1.1"]


@pytest.mark.anyio
async def test_with_a_proxy_the_async_client_sends_through_it(proxy: ForwardProxy) -> None:
    async with AsyncSpotClient(base_url=TARGET, proxy=proxy.url) as client:
        assert (await client.get_server_time())["unixtime"] == 1700000000
    assert proxy.request_lines == ["GET http://127.0.0.1:9/0/public/Time HTTP/1.1"]

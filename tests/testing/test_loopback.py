"""LoopbackServer: starts fast, answers without Nagle stalls, fails loudly, stops cleanly."""

from __future__ import annotations

import socket
import statistics
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kraken.testing.loopback import LoopbackServer
from kraken.testing.spot_stub import spot_stub_app

pytestmark = pytest.mark.loopback


def _refuses(port: int) -> bool:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(("127.0.0.1", port))
    except ConnectionRefusedError:
        return True
    finally:
        probe.close()
    return False


def test_serves_on_127_0_0_1_and_stops_on_exit() -> None:
    started = time.monotonic()
    with LoopbackServer(spot_stub_app({})) as server:
        assert time.monotonic() - started < 2.0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert "running" in repr(server)
        reply = httpx.get(server.url + "/0/public/Time", timeout=5)
        assert reply.status_code == 200
        assert reply.json()["error"] == []
        port = server.port
    assert _refuses(port)
    assert "stopped" in repr(server)


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = LoopbackServer(spot_stub_app({})).url


def test_small_requests_do_not_stall_on_nagle() -> None:
    # Without IPPROTO_TCP on the listening socket asyncio skips TCP_NODELAY and each keep-alive
    # request below takes ~40 ms (delayed ACK); with it, about a millisecond.
    with LoopbackServer(spot_stub_app({})) as server, httpx.Client(timeout=5) as client:
        client.post(server.url + "/fault/echo", content=b"warm-up")
        durations = []
        for _ in range(20):
            started = time.monotonic()
            client.post(server.url + "/fault/echo", content=b"x" * 100)
            durations.append(time.monotonic() - started)
    assert statistics.median(durations) < 0.02, durations


def test_shutdown_is_not_held_up_by_an_abandoned_slow_request() -> None:
    with LoopbackServer(spot_stub_app({})) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(server.url + "/fault/slow?seconds=20", timeout=0.05)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 2.0


def test_a_failing_startup_raises_promptly() -> None:
    class BrokenStartup:
        async def __aenter__(self) -> None:
            raise RuntimeError("boom")

        async def __aexit__(self, *exc_info: object) -> None:
            """Never reached: entering failed."""

    async def hello(request: Request) -> Response:
        return PlainTextResponse("hi")

    app = Starlette(routes=[Route("/", hello)], lifespan=lambda app: BrokenStartup())
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="failed to start"), LoopbackServer(app, lifespan="on"):
        pass  # pragma: no cover
    assert time.monotonic() - started < 5.0


def test_two_servers_get_distinct_ports() -> None:
    with LoopbackServer(spot_stub_app({})) as one, LoopbackServer(spot_stub_app({})) as two:
        assert one.port != two.port
        assert httpx.get(two.url + "/0/public/Time", timeout=5).status_code == 200

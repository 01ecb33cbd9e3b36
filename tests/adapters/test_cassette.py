"""Cassette transports: record through a small in-process exchange, then replay offline."""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import anyio
import anyio.lowlevel
import pytest

import kraken.adapters.cassette as cassette_module
import kraken.adapters.cassette_format as format_module
import kraken.adapters.cassette_scrub as scrub_module
import kraken.adapters.cassette_store as store_module
from kraken.adapters.cassette import (
    SCRUBBED_KEYS,
    AsyncRecordingTransport,
    AsyncReplayTransport,
    CassetteError,
    CassetteMissError,
    CassetteUnplayedError,
    RecordingTransport,
    ReplayTransport,
)
from kraken.adapters.cassette_scrub import Scrubber
from kraken.core.auth.signing import HmacSha512Signer, futures_message, spot_message
from kraken.core.errors import KrakenTransportError
from kraken.core.rest.encoding import encode_form, encode_json
from kraken.core.rest.values import Request, Response
from kraken.ports.rest import AsyncRestTransport, RestTransport

# Distinctive secrets, so scanning the raw cassette text for them is meaningful.
API_KEY = "PUBKEY-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d"
API_SECRET = base64.b64encode(b"private-key-bytes-" * 4).decode()
FUTURES_KEY = "FUTKEY-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"
WS_TOKEN = "WSTOKEN-1Dwc4lzSwNWOAwkMdqhssNNFhs1ed606d1WcF3XfEMw"
NEW_KEY_SECRET = "NEWSECRET-Kc9Xq2ZpLm4Rt8Vw1Ys5Nb7Hd3Jf6Gk0=="
OTP = "OTP-5551234-ZZ"
CLIENT_SECRET = "CLIENTSECRET-9b8a7c6d5e4f3a2b1c0d"
REFRESH_TOKEN = "REFRESH-11112222333344445555"
NEW_REFRESH_TOKEN = "REFRESH-66667777888899990000"
ACCESS_TOKEN = "ACCESS-aaaabbbbccccddddeeeeffff"

REAL = "https://api.kraken.com"
LOOPBACK = "http://127.0.0.1:8765"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


def _json(status: int, payload: object, **headers: str) -> Response:
    return Response(status, {"content-type": JSON_TYPE, **headers}, json.dumps(payload).encode())


class FakeKraken:
    """A tiny in-process exchange answering like Kraken on a few paths (a real RestTransport).

    It checks API-Sign like Kraken does, so signed requests built by the core are exercised.
    """

    def __init__(self) -> None:
        self.orders = 0
        self.closed = False
        self.signatures: list[str] = []
        self._signer = HmacSha512Signer(base64.b64decode(API_SECRET))

    def send(self, request: Request) -> Response:
        return self.handle(request)

    def close(self) -> None:
        self.closed = True

    def handle(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        path = parts.path
        if path.startswith("/0/private/"):
            sign = request.headers.get("API-Sign", "")
            self.signatures.append(sign)
            fields = _fields(request)
            expected = self._signer(spot_message(path, fields["nonce"], request.body))
            if request.headers.get("API-Key") != API_KEY or sign != expected:
                return _json(200, {"error": ["EAPI:Invalid signature"]})
            return self._private(path, fields)
        if path == "/0/public/Time":
            return _json(200, {"error": [], "result": {"unixtime": 1700000000, "rfc1123": "x"}})
        if path == "/0/public/Ticker":
            pair = dict(parse_qsl(parts.query)).get("pair", "")
            body = b'{"error":[],"result":{"%s":{"c":["37000.10000","0.01"],"v":[1.10,2.5]}}}'
            return Response(200, {"content-type": JSON_TYPE}, body % pair.encode())
        if path == "/derivatives/api/v3/sendorder":
            self.signatures.append(request.headers.get("Authent", ""))
            return _json(200, {"result": "success", "sendStatus": {"status": "placed"}})
        if path == "/oauth/token":
            return _json(
                200,
                {
                    "access_token": ACCESS_TOKEN,
                    "refresh_token": NEW_REFRESH_TOKEN,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                },
                **{"set-cookie": f"session={ACCESS_TOKEN}", "cache-control": "no-store"},
            )
        if path == "/export/report.zip":
            return Response(200, {"content-type": "application/zip"}, bytes(range(256)) * 2)
        return _json(404, {"error": ["EGeneral:Unknown method"]})

    def _private(self, path: str, fields: dict[str, str]) -> Response:
        if path == "/0/private/GetWebSocketsToken":
            return _json(200, {"error": [], "result": {"token": WS_TOKEN, "expires": 900}})
        if path == "/0/private/AddOrder":
            self.orders += 1
            txid = f"OQCLML-BW3P3-{self.orders:05d}"
            descr = f"{fields.get('type')} {fields.get('volume')} {fields.get('pair')}"
            return _json(200, {"error": [], "result": {"txid": [txid], "descr": {"order": descr}}})
        if path == "/0/private/CreateApiKey":
            return _json(200, {"error": [], "result": {"key": "new-key", "secret": NEW_KEY_SECRET}})
        return _json(200, {"error": [], "result": {"XXBT": "0.5000000000"}})


class AsyncFakeKraken:
    """The async face of :class:`FakeKraken` (yields to the event loop like real I/O would)."""

    def __init__(self) -> None:
        self.sync = FakeKraken()
        self.closed = False

    async def send(self, request: Request) -> Response:
        await anyio.lowlevel.checkpoint()
        return self.sync.handle(request)

    async def aclose(self) -> None:
        self.closed = True


def _fields(request: Request) -> dict[str, str]:
    if request.headers.get("Content-Type") == FORM_TYPE:
        return dict(parse_qsl(request.body.decode()))
    return {k: str(v) for k, v in json.loads(request.body).items()}


def spot(
    base: str, path: str, fields: Mapping[str, object], nonce: int, *, form: bool = False
) -> Request:
    """A signed Spot private request, built and signed by the core's real functions."""
    body = encode_form(fields, nonce=nonce).encode() if form else encode_json(fields, nonce=nonce)
    signature = HmacSha512Signer(base64.b64decode(API_SECRET))(spot_message(path, nonce, body))
    headers = {
        "User-Agent": "kraken-tests",
        "Content-Type": FORM_TYPE if form else JSON_TYPE,
        "API-Key": API_KEY,
        "API-Sign": signature,
    }
    return Request("POST", base + path, headers, body, path.rsplit("/", 1)[-1])


def futures(base: str, nonce: int) -> Request:
    """A Futures sendorder with its APIKey/Nonce/Authent headers and a nonce-free form body."""
    path = "/derivatives/api/v3/sendorder"
    body = encode_form({"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": 1})
    digest = futures_message(body, str(nonce), "/api/v3/sendorder")
    authent = base64.b64encode(
        hmac.new(base64.b64decode(API_SECRET), digest, hashlib.sha512).digest()
    ).decode()
    headers = {"Content-Type": FORM_TYPE, "APIKey": FUTURES_KEY, "Nonce": str(nonce)}
    headers["Authent"] = authent
    return Request("POST", base + path, headers, body.encode(), "send_order")


def oauth_refresh(base: str) -> Request:
    """An OAuth refresh: Basic client credentials, a refresh token in the form body."""
    basic = base64.b64encode(f"client-1:{CLIENT_SECRET}".encode()).decode()
    body = encode_form({"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN})
    headers = {"Content-Type": FORM_TYPE, "Authorization": f"Basic {basic}"}
    return Request("POST", base + "/oauth/token", headers, body.encode(), "oauth_token")


def script(base: str, nonce: int) -> list[Request]:
    """One session touching every kind of request; ``nonce`` changes between runs."""
    return [
        Request("GET", base + "/0/public/Time", {"User-Agent": "kraken-tests"}),
        Request("GET", base + "/0/public/Ticker?pair=XBTUSD"),
        spot(base, "/0/private/Balance", {}, nonce + 1),
        spot(base, "/0/private/GetWebSocketsToken", {}, nonce + 2),
        spot(
            base,
            "/0/private/AddOrder",
            {"pair": "XBTUSD", "type": "buy", "volume": "0.01", "otp": OTP},
            nonce + 3,
        ),
        spot(
            base,
            "/0/private/AddOrder",
            {"pair": "XBTUSD", "type": "sell", "volume": "0.02"},
            nonce + 4,
            form=True,
        ),
        spot(base, "/0/private/CreateApiKey", {"name": "bot", "otp": OTP}, nonce + 5),
        futures(base, nonce + 6),
        oauth_refresh(base),
        Request("GET", base + "/export/report.zip"),
    ]


def scrubbed(body: bytes) -> bytes:
    """What the recorder must make of an original body: each secret value redacted in place."""
    for secret in (WS_TOKEN, NEW_KEY_SECRET, ACCESS_TOKEN, NEW_REFRESH_TOKEN):
        body = body.replace(secret.encode(), b"<redacted>")
    return body


def record(path: Path, requests: list[Request], fake: FakeKraken | None = None) -> list[Response]:
    transport = RecordingTransport(fake or FakeKraken(), path)
    with transport:
        return [transport.send(r) for r in requests]


def test_transports_implement_the_ports(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    record(path, [])
    assert isinstance(FakeKraken(), RestTransport)
    assert isinstance(RecordingTransport(FakeKraken(), path), RestTransport)
    assert isinstance(ReplayTransport(path), RestTransport)
    assert isinstance(AsyncRecordingTransport(AsyncFakeKraken(), path), AsyncRestTransport)
    assert isinstance(AsyncReplayTransport(path), AsyncRestTransport)


def test_record_then_replay_with_other_nonces_and_host(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    fake = FakeKraken()
    originals = record(path, script(REAL, 1_700_000_000_000_000_000), fake)
    assert fake.closed, "closing the recorder closes the real transport"
    assert "EAPI:Invalid signature" not in b"".join(r.body for r in originals).decode("latin-1")

    replay = ReplayTransport(path)
    replayed = [replay.send(r) for r in script(LOOPBACK, 1_800_000_000_000_000_000)]
    replay.assert_all_played()
    replay.close()

    assert [r.status for r in replayed] == [r.status for r in originals]
    assert [r.body for r in replayed] == [scrubbed(r.body) for r in originals]
    assert replayed[-1].body == bytes(range(256)) * 2
    assert json.loads(replayed[3].body)["result"] == {"token": "<redacted>", "expires": 900}
    assert replayed[1].body == originals[1].body  # wire text kept byte for byte ("1.10")
    assert "set-cookie" not in replayed[8].headers
    assert replayed[8].headers["cache-control"] == "no-store"


@pytest.mark.anyio
async def test_async_record_then_replay(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    fake = AsyncFakeKraken()
    async with AsyncRecordingTransport(fake, path) as recorder:
        originals = [await recorder.send(r) for r in script(REAL, 10**18)]
        assert recorder.recorded == len(originals)
    assert fake.closed

    async with AsyncReplayTransport(path) as replay:
        replayed = [await replay.send(r) for r in script(LOOPBACK, 2 * 10**18)]
        replay.assert_all_played()
    assert [r.body for r in replayed] == [scrubbed(r.body) for r in originals]


@pytest.mark.anyio
async def test_async_save_writes_before_close(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "c.json"
    recorder = AsyncRecordingTransport(AsyncFakeKraken(), path)
    await recorder.send(Request("GET", REAL + "/0/public/Time"))
    await recorder.save()
    assert len(json.loads(path.read_text())["interactions"]) == 1
    await recorder.aclose()


def test_cassette_file_holds_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    fake = FakeKraken()
    requests = script(REAL, 1_700_000_000_000_000_000)
    record(path, requests, fake)
    text = path.read_text(encoding="utf-8")

    basic = base64.b64encode(f"client-1:{CLIENT_SECRET}".encode()).decode()
    secrets = [API_KEY, API_SECRET, FUTURES_KEY, WS_TOKEN, NEW_KEY_SECRET, OTP, CLIENT_SECRET]
    secrets += [REFRESH_TOKEN, NEW_REFRESH_TOKEN, ACCESS_TOKEN, basic, *fake.signatures]
    assert len(fake.signatures) == 6
    for secret in secrets:
        assert secret not in text
    for interaction in json.loads(text)["interactions"]:
        assert set(interaction["request"]["headers"]) <= {"content-type", "accept"}
        assert "set-cookie" not in interaction["response"]["headers"]
    assert "1700000000000000" not in text  # no nonce, in bodies or headers
    assert text.count("<redacted>") == 7  # token, 2 otp, secret, 3 OAuth tokens


def test_cassette_format_is_readable_and_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    record(first, script(REAL, 1_000))
    record(second, script(REAL, 999_000))
    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8"), "nonces removed, key order fixed"
    assert text.startswith('{\n  "version": 1,\n')
    document = json.loads(text)
    assert document["scrubbed_keys"] == sorted(SCRUBBED_KEYS)
    order = document["interactions"][4]
    assert list(order["request"]) == ["method", "url", "endpoint", "headers", "body_format", "body"]
    assert order["request"] == {
        "method": "POST",
        "url": "https://api.kraken.com/0/private/AddOrder",
        "endpoint": "AddOrder",
        "headers": {"content-type": "application/json"},
        "body_format": "json",
        "body": '{"pair":"XBTUSD","type":"buy","volume":"0.01","otp":"<redacted>"}',
    }
    assert list(order["response"]) == ["status", "headers", "body_encoding", "body"]
    assert order["response"]["body_encoding"] == "utf-8"
    form = document["interactions"][5]["request"]
    assert (form["body_format"], form["body"]) == ("form", "pair=XBTUSD&type=sell&volume=0.02")
    binary = document["interactions"][-1]["response"]
    assert binary["body_encoding"] == "base64"
    assert base64.b64decode(binary["body"]) == bytes(range(256)) * 2


def test_miss_names_the_request_and_leaks_nothing(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    record(path, script(REAL, 5_000))
    replay = ReplayTransport(path)
    request = spot(
        LOOPBACK,
        "/0/private/AddOrder",
        {"pair": "XBTUSD", "type": "buy", "volume": "0.75", "otp": OTP},
        987_654_321,
    )
    with pytest.raises(CassetteMissError) as caught:
        replay.send(request)
    message = str(caught.value)
    assert isinstance(caught.value, KrakenTransportError)
    assert "POST /0/private/AddOrder" in message
    assert '"volume":"0.75"' in message
    assert "closest recorded requests for /0/private/AddOrder" in message
    assert '"volume":"0.01"' in message
    assert "volume=0.02" in message
    for secret in (API_KEY, OTP, request.headers["API-Sign"], "987654321", "nonce"):
        assert secret not in message
    assert caught.value.request.path == "/0/private/AddOrder"

    with pytest.raises(
        CassetteMissError, match="nothing was recorded for /0/private/Nope"
    ) as other:
        replay.send(spot(LOOPBACK, "/0/private/Nope", {}, 1))
    assert "GET /0/public/Ticker" in str(other.value)


def test_identical_requests_are_served_in_recorded_order(tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    order = {"pair": "XBTUSD", "type": "buy", "volume": "0.01"}
    originals = record(path, [spot(REAL, "/0/private/AddOrder", order, n) for n in (1, 2, 3)])
    txids = [json.loads(r.body)["result"]["txid"] for r in originals]
    assert len({t[0] for t in txids}) == 3

    replay = ReplayTransport(path)
    served = [replay.send(spot(LOOPBACK, "/0/private/AddOrder", order, n)) for n in (7, 8, 9)]
    assert [json.loads(r.body)["result"]["txid"] for r in served] == txids
    with pytest.raises(CassetteMissError, match="already served"):
        replay.send(spot(LOOPBACK, "/0/private/AddOrder", order, 10))

    repeating = ReplayTransport(path, allow_repeats=True)
    again = [repeating.send(spot(LOOPBACK, "/0/private/AddOrder", order, n)) for n in range(5)]
    assert [json.loads(r.body)["result"]["txid"] for r in again] == txids + [txids[-1]] * 2


def test_json_and_form_bodies_match_despite_nonce_and_order(tmp_path: Path) -> None:
    path = tmp_path / "bodies.json"
    json_fields = {"pair": "XBTUSD", "type": "buy", "volume": "1", "close": {"ordertype": "limit"}}
    form_fields = {"pair": "ETHUSD", "type": "sell", "volume": "2"}
    originals = record(
        path,
        [
            spot(REAL, "/0/private/AddOrder", json_fields, 100),
            spot(REAL, "/0/private/AddOrder", form_fields, 101, form=True),
            Request("GET", REAL + "/0/public/Ticker?pair=XBTUSD&count=2"),
        ],
    )
    replay = ReplayTransport(path)
    # Same fields, other nonces, other key order; the form nonce even moved to the end.
    shuffled_json = dict(reversed(list(json_fields.items())))
    form_body = encode_form(dict(reversed(list(form_fields.items())))) + "&nonce=555"
    form_request = Request(
        "POST", LOOPBACK + "/0/private/AddOrder", {"Content-Type": FORM_TYPE}, form_body.encode()
    )
    served = [
        replay.send(form_request),
        replay.send(spot(LOOPBACK, "/0/private/AddOrder", shuffled_json, 554)),
        replay.send(Request("GET", LOOPBACK + "/0/public/Ticker?count=2&pair=XBTUSD")),
    ]
    assert [r.body for r in served] == [originals[1].body, originals[0].body, originals[2].body]
    replay.assert_all_played()

    with pytest.raises(CassetteMissError):  # a JSON body does not match a form recording
        ReplayTransport(path).send(spot(LOOPBACK, "/0/private/AddOrder", form_fields, 1))


def test_assert_all_played_lists_what_was_not_used(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    record(path, script(REAL, 1))
    replay = ReplayTransport(path)
    replay.send(Request("GET", LOOPBACK + "/0/public/Time"))
    with pytest.raises(CassetteUnplayedError, match="9 of 10") as caught:
        replay.assert_all_played()
    assert isinstance(caught.value, AssertionError)
    assert "#1: GET /0/public/Ticker?pair=XBTUSD" in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_extra_scrubbed_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    request = spot(REAL, "/0/private/Withdraw", {"asset": "XBT", "key": "my-address-name"}, 1)
    with RecordingTransport(FakeKraken(), path, extra_scrubbed_keys=["Key"]) as recorder:
        recorder.send(request)
    text = path.read_text()
    assert "my-address-name" not in text
    assert "key" in json.loads(text)["scrubbed_keys"]
    # Replay scrubs live requests with the keys stored in the file, so they still match.
    replay = ReplayTransport(path)
    replay.send(spot(LOOPBACK, "/0/private/Withdraw", {"asset": "XBT", "key": "other-name"}, 2))


def test_inner_failures_propagate_and_are_not_recorded(tmp_path: Path) -> None:
    class Unreachable:
        def send(self, request: Request) -> Response:
            raise KrakenTransportError("connection refused")

        def close(self) -> None:
            pass

    path = tmp_path / "c.json"
    with RecordingTransport(Unreachable(), path) as recorder, pytest.raises(KrakenTransportError):
        recorder.send(Request("GET", REAL + "/0/public/Time"))
    assert json.loads(path.read_text())["interactions"] == []


def test_unreadable_or_foreign_files_raise_cassette_errors(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="record it first"):
        ReplayTransport(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    for text in (
        "not json",
        '{"version": 99, "interactions": []}',
        '{"version": 1, "interactions": [{"request": {}}]}',
    ):
        bad.write_text(text)
        with pytest.raises(CassetteError, match="not a valid cassette"):
            ReplayTransport(bad)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CassetteError, match="cannot write"):
        RecordingTransport(FakeKraken(), blocker / "c.json").save()


def test_scrubbing_keeps_other_bytes_and_handles_nesting() -> None:
    scrub = Scrubber()
    text = '{"error": [], "result": {"price": 1.10, "Token" :"abc\\"def", "otp": 123456}}'
    assert scrub.json_text(text) == (
        '{"error": [], "result": {"price": 1.10, "Token" :"<redacted>", "otp": "<redacted>"}}'
    )
    nested = '{"secret": {"value": "s3cr3t"}, "list": [{"access_token": "a"}]}'
    assert json.loads(scrub.json_text(nested)) == {
        "secret": "<redacted>",
        "list": [{"access_token": "<redacted>"}],
    }
    assert scrub.form_text("a=1&close%5Btoken%5D=x&nonce=5", drop_nonce=True) == (
        "a=1&close%5Btoken%5D=<redacted>"
    )
    assert scrub.url("https://u:pw@host:8443/p?password=hunter2&x=1") == (
        "https://host:8443/p?password=<redacted>&x=1"
    )


def test_modules_import_neither_httpx_nor_an_event_loop() -> None:
    for module in (cassette_module, format_module, scrub_module, store_module):
        tree = ast.parse(Path(str(module.__file__)).read_text())
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (
                node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
            )
        }
        assert not imported & {"httpx", "asyncio", "trio"}
    probe = "import sys, kraken.adapters.cassette; print('httpx' in sys.modules)"
    command = [sys.executable, "-c", probe]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""Kraken Connect (OAuth): authorization URLs, RSA client secrets, the token and Fast API key flow.

The flow runs SpotClient against an in-memory stand-in for Kraken's OAuth server that checks
HTTP Basic and Bearer credentials itself, and a Fast API key created there is then used for a
Spot call whose signature the stand-in verifies with its own code.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Awaitable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import kraken
from kraken import AsyncSpotClient, SpotClient
from kraken.core.rest.endpoint import Auth
from kraken.core.rest.spot.catalogue import CATALOGUE
from kraken.core.rest.values import Request, Response
from kraken.oauth import (
    LANGUAGES,
    SCOPES,
    build_authorization_url,
    decrypt_client_secret,
    fast_api_key_credentials,
    generate_rsa_key_pair,
    parse_authorization_response,
)
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport
from tests.clients.stub import KrakenStub

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "specs" / "kraken-api-specs" / "oauth" / "openapi_v3.yaml"
needs_spec = pytest.mark.skipif(not SPEC.is_file(), reason=f"Kraken's OAuth spec is not at {SPEC}")
REDIRECT = "https://app.example.com/kraken/callback?tab=1"
OPENSSL = shutil.which("openssl")


# --- authorization URL -------------------------------------------------------------------------


def test_authorization_url_carries_every_parameter_and_a_fresh_state() -> None:
    url, state = build_authorization_url(
        "client-1", REDIRECT, ["account.info:basic", "account.fast-api-key:write"]
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "id.kraken.com",
        "/oauth/authorize",
    )
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {
        "client_id": ["client-1"],
        "redirect_uri": [REDIRECT],
        "response_type": ["code"],
        "scope": ["account.info:basic account.fast-api-key:write"],
        "state": [state],
    }
    assert " " not in url
    assert "+" not in url  # spaces as %20
    # 256 bits of URL-safe randomness, different every time.
    assert len(state) >= 43
    assert set(state) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert build_authorization_url("client-1", REDIRECT, None)[1] != state


def test_authorization_url_options() -> None:
    url, state = build_authorization_url(
        "c",
        REDIRECT,
        "account.info:basic  account.info:basic",
        state="my-state",
        language="pt-br",
        prefer_theme="dark",
    )
    assert state == "my-state"
    parts = urlsplit(url)
    assert parts.path == "/pt-br/oauth/authorize"
    assert dict(parse_qsl(parts.query)) == {
        "client_id": "c",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "account.info:basic",
        "state": "my-state",
        "preferTheme": "dark",
    }
    # No scope: Kraken requests every scope registered for the client.
    assert "scope=" not in build_authorization_url("c", REDIRECT, [])[0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scope": "account.info:everything"}, "unknown scope"),
        ({"language": "klingon"}, "language"),
        ({"prefer_theme": "blue"}, "prefer_theme"),
        ({"client_id": ""}, "client_id"),
        ({"redirect_uri": "callback"}, "absolute"),
        ({"state": ""}, "state"),
    ],
)
def test_authorization_url_misuse(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"client_id": "c", "redirect_uri": REDIRECT, "scope": None}
    args.update(kwargs)
    with pytest.raises(kraken.KrakenUsageError, match=match):
        build_authorization_url(**args)


def test_a_newer_scope_can_be_requested_deliberately() -> None:
    url, _ = build_authorization_url(
        "c", REDIRECT, "account.fast-api-key:withdrawal-address-add", validate_scope=False
    )
    assert "withdrawal-address-add" in url


def test_callback_checks_state_and_reports_errors() -> None:
    _, state = build_authorization_url("c", REDIRECT, None)
    assert parse_authorization_response(f"{REDIRECT}&code=abc&state={state}", state=state) == "abc"
    with pytest.raises(kraken.KrakenUsageError, match="does not match"):
        parse_authorization_response(f"{REDIRECT}&code=abc&state=forged", state=state)
    with pytest.raises(kraken.KrakenUsageError, match="does not match"):
        parse_authorization_response(f"{REDIRECT}&code=abc", state=state)
    with pytest.raises(kraken.AuthenticationError, match="access_denied"):
        parse_authorization_response(f"{REDIRECT}&error=access_denied&state={state}", state=state)
    with pytest.raises(kraken.KrakenUsageError, match="neither"):
        parse_authorization_response(f"{REDIRECT}&state={state}", state=state)


# --- coverage of Kraken's OAuth spec -----------------------------------------------------------


def _spec() -> Any:
    import yaml

    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


@needs_spec
def test_scopes_languages_and_themes_are_kraken_s() -> None:
    spec = _spec()
    declared = set(
        spec["components"]["securitySchemes"]["OAuth2"]["flows"]["authorizationCode"]["scopes"]
    )
    required = {
        scope
        for item in spec["paths"].values()
        for op in item.values()
        for requirement in op.get("security") or []
        for scope in requirement.get("OAuth2", [])
    }
    assert declared | required == SCOPES
    language = next(
        p for p in spec["paths"]["/{language}/oauth/authorize"]["get"]["parameters"] if "name" in p
    )
    assert set(language["schema"]["enum"]) == LANGUAGES
    theme = spec["components"]["parameters"]["PreferTheme"]["schema"]["enum"]
    assert set(theme) == {"dark", "light"}


@needs_spec
def test_authorization_url_matches_the_authorize_operations() -> None:
    spec = _spec()
    params = spec["components"]["parameters"]
    for path, language in (("/oauth/authorize", None), ("/{language}/oauth/authorize", "fr")):
        op = spec["paths"][path]["get"]
        names = {
            params[p["$ref"].rsplit("/", 1)[1]]["name"] for p in op["parameters"] if "$ref" in p
        }
        required = {
            params[p["$ref"].rsplit("/", 1)[1]]["name"]
            for p in op["parameters"]
            if "$ref" in p and params[p["$ref"].rsplit("/", 1)[1]].get("required")
        }
        url, _ = build_authorization_url(
            "c", REDIRECT, ["account.info:basic"], language=language, prefer_theme="light"
        )
        parts = urlsplit(url)
        expected = op["servers"][0]["url"] + path.replace("{language}", language or "")
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == expected
        sent = set(parse_qs(parts.query))
        assert required <= sent <= names
        assert (
            dict(parse_qsl(parts.query))["response_type"]
            in params["ResponseType"]["schema"]["enum"]
        )


@needs_spec
def test_every_api_operation_is_a_spot_client_method_with_the_right_credential() -> None:
    spec = _spec()
    prefix = urlsplit(spec["servers"][0]["url"]).path  # "/oauth"
    by_operation = {e.operation_id: e for e in CATALOGUE if e.operation_id}
    checked = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if "authorize" in path:
                continue  # a browser page: build_authorization_url covers it
            entry = by_operation[op["operationId"]]
            assert (entry.method, entry.path) == (method.upper(), prefix + path)
            schemes = {name for requirement in op["security"] for name in requirement}
            assert entry.auth is (Auth.BASIC if schemes == {"BasicAuth"} else Auth.BEARER)
            assert callable(getattr(SpotClient, entry.name))
            checked += 1
    assert checked == 6


# --- RSA key pair and the confidential client secret -------------------------------------------


def _kraken_encrypts(public_pem: str, secret: bytes, scheme: Any = None) -> str:
    """What Kraken does with our public key: RSA-encrypt the secret, then base64 (wrapped)."""
    key = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    text = base64.b64encode(key.encrypt(secret, scheme or padding.PKCS1v15())).decode()
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))  # as `base64` wraps


def test_rsa_round_trip_with_kraken_s_padding() -> None:
    private_pem, public_pem = generate_rsa_key_pair()
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    key = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 2048
    encrypted = _kraken_encrypts(public_pem, b"kraken-client-secret-Zx9")
    assert decrypt_client_secret(encrypted, private_pem) == "kraken-client-secret-Zx9"


def test_rsa_round_trip_with_passphrase_and_oaep() -> None:
    private_pem, public_pem = generate_rsa_key_pair(3072, passphrase="correct horse")
    assert private_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    encrypted = _kraken_encrypts(public_pem, b"s3cret", oaep)
    got = decrypt_client_secret(
        encrypted, private_pem.encode(), passphrase=b"correct horse", padding="oaep-sha256"
    )
    assert got == "s3cret"
    with pytest.raises(kraken.KrakenUsageError, match="passphrase"):
        decrypt_client_secret(encrypted, private_pem, padding="oaep-sha256")
    with pytest.raises(kraken.KrakenUsageError, match="passphrase is wrong"):
        decrypt_client_secret(encrypted, private_pem, passphrase="wrong", padding="oaep-sha256")


def test_decrypt_failures_are_usage_errors_without_secrets() -> None:
    private_pem, public_pem = generate_rsa_key_pair()
    other_pem, _ = generate_rsa_key_pair()
    encrypted = _kraken_encrypts(public_pem, b"the-secret-value")
    with pytest.raises(kraken.KrakenUsageError, match="could not decrypt") as info:
        decrypt_client_secret(encrypted, other_pem)
    assert "the-secret-value" not in str(info.value)
    assert "PRIVATE KEY" not in str(info.value)
    with pytest.raises(kraken.KrakenUsageError, match="not valid base64"):
        decrypt_client_secret("not base64!", private_pem)
    with pytest.raises(kraken.KrakenUsageError, match="not a PEM"):
        decrypt_client_secret(encrypted, "garbage")
    with pytest.raises(kraken.KrakenUsageError, match="padding"):
        decrypt_client_secret(encrypted, private_pem, padding="none")  # type: ignore[arg-type]
    with pytest.raises(kraken.KrakenUsageError, match="2048"):
        generate_rsa_key_pair(1024)


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")
def test_kraken_s_openssl_commands_work_with_our_keys(tmp_path: Path) -> None:
    """Kraken's guide uses openssl; our keys and its ciphertext must interoperate both ways."""
    private_pem, public_pem = generate_rsa_key_pair(passphrase="pw")
    (tmp_path / "private.pem").write_text(private_pem)
    (tmp_path / "public.pem").write_text(public_pem)
    (tmp_path / "secret.txt").write_bytes(b"from-openssl")
    assert OPENSSL is not None
    encrypted = subprocess.run(
        [OPENSSL, "pkeyutl", "-encrypt", "-pubin", "-inkey", "public.pem", "-in", "secret.txt"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    assert decrypt_client_secret(
        base64.b64encode(encrypted).decode(), private_pem, passphrase="pw"
    ) == ("from-openssl")
    # And the command from Kraken's guide decrypts what Kraken would send.
    (tmp_path / "secret.bin").write_bytes(
        base64.b64decode(_kraken_encrypts(public_pem, b"k-secret"))
    )
    decrypted = subprocess.run(
        [
            OPENSSL,
            "rsautl",
            "-decrypt",
            "-inkey",
            "private.pem",
            "-passin",
            "pass:pw",
            "-in",
            "secret.bin",
        ],
        cwd=tmp_path,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    assert decrypted == b"k-secret"


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")
def test_a_key_made_with_kraken_s_openssl_commands_decrypts(tmp_path: Path) -> None:
    """``openssl genrsa -aes128`` + ``openssl rsa -pubout``, exactly as Kraken's guide says."""
    assert OPENSSL is not None
    for command in (
        [OPENSSL, "genrsa", "-aes128", "-passout", "pass:pw", "-out", "private.pem", "2048"],
        [OPENSSL, "rsa", "-in", "private.pem", "-passin", "pass:pw", "-pubout", "-out", "pub.pem"],
    ):
        subprocess.run(command, cwd=tmp_path, capture_output=True, check=True, timeout=120)
    encrypted = _kraken_encrypts((tmp_path / "pub.pem").read_text(), b"guide-secret")
    private_pem = (tmp_path / "private.pem").read_text()
    assert decrypt_client_secret(encrypted, private_pem, passphrase="pw") == "guide-secret"


def test_missing_cryptography_is_a_clear_usage_error() -> None:
    """A fresh interpreter where ``cryptography`` cannot be imported (no mocking in this one)."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["cryptography"] = None  # makes every `import cryptography...` fail
        from kraken import KrakenUsageError
        from kraken.oauth import build_authorization_url, decrypt_client_secret
        from kraken.oauth import generate_rsa_key_pair
        url, state = build_authorization_url("c", "https://a.example/cb", "account.info:basic")
        assert url.startswith("https://id.kraken.com/oauth/authorize?"), url
        for fn, args in ((generate_rsa_key_pair, ()), (decrypt_client_secret, ("AAAA", "pem"))):
            try:
                fn(*args)
            except KrakenUsageError as exc:
                print(exc)
            else:
                raise SystemExit(f"{fn.__name__} did not fail")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert "'cryptography'" in line
        assert 'pip install "kraken[oauth]"' in line


# --- the token and Fast API key flow against a stand-in ----------------------------------------


class OAuthStandIn:
    """Kraken's OAuth server in miniature: Basic auth on /token, Bearer on the rest.

    Credentials are checked here with code of its own; a created Fast API key is then accepted
    on ``/0/private/*`` through :class:`tests.clients.stub.KrakenStub`'s signature check.
    """

    def __init__(self, client_id: str, client_secret: str) -> None:
        pair = f"{client_id}:{client_secret}".encode()
        self.basic = "Basic " + base64.b64encode(pair).decode()
        self.code = "auth-code-1"
        self.access: str | None = None
        self.refresh: str | None = None
        self.issued = 0
        self.keys: dict[str, dict[str, Any]] = {}
        self.spot: KrakenStub | None = None
        self.seen: list[tuple[str, str]] = []

    def _issue(self) -> Response:
        self.issued += 1
        # "When a new access token is issued, the old one is immediately invalid."
        self.access = f"access-{self.issued}"
        self.refresh = f"refresh-{self.issued}"
        body = {
            "access_token": self.access,
            "token_type": "bearer",
            "expires_in": 14400,
            "refresh_token": self.refresh,
        }
        return _json(200, body)

    def __call__(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        self.seen.append((request.method, parts.path))
        if parts.path.startswith("/0/private/"):
            assert self.spot is not None, "no Fast API key was created"
            return self.spot(request)
        if parts.path == "/oauth/token":
            return self._token(request)
        if request.headers.get("Authorization") != f"Bearer {self.access}" or self.access is None:
            return _json(401, {"error": "invalid_token"})
        if parts.path == "/oauth/userinfo" and request.method == "GET":
            return _json(200, {"result": {"email": "user@example.com", "iban": "AA00 TEST"}})
        if parts.path == "/oauth/fast-api-key":
            return self._fast_api_key(request)
        return _json(404, {"error": "not_found"})

    def _token(self, request: Request) -> Response:
        if request.headers.get("Authorization") != self.basic:
            return _json(401, {"error": "invalid_client"})
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        form = dict(parse_qsl(request.body.decode(), strict_parsing=True))
        grant = form.get("grant_type")
        if grant == "authorization_code" and form == {
            "grant_type": "authorization_code",
            "code": self.code,
            "redirect_uri": REDIRECT,
        }:
            self.code = ""  # one-time use
            return self._issue()
        if grant == "refresh_token" and form.get("refresh_token") == self.refresh:
            return self._issue()
        return _json(400, {"error": "invalid_grant"})

    def _fast_api_key(self, request: Request) -> Response:
        body = json.loads(request.body) if request.body else {}
        if request.method == "POST":
            api_key = f"fast-key-{len(self.keys) + 1}"
            secret = base64.b64encode(bytes(range(10, 74))).decode()
            self.keys[body["api_key_name"]] = {"api_key": api_key, **body}
            self.spot = KrakenStub(api_key=api_key, secret=secret)
            return _json(200, {"result": {"secret": secret, **self.keys[body["api_key_name"]]}})
        if request.method == "GET":
            return _json(200, {"result": list(self.keys.values())})
        if request.method == "PUT":
            entry = self.keys.pop(body["api_key_name"])
            self.keys[body["new_api_key_name"]] = {
                **entry,
                "api_key_name": body["new_api_key_name"],
            }
            return _json(200, {"result": True})
        if request.method == "DELETE":
            self.keys.pop(body["api_key_name"])
            return _json(200, {"result": True})
        return _json(405, {"error": "method_not_allowed"})


def _json(status: int, body: object) -> Response:
    return Response(status, {"content-type": "application/json"}, json.dumps(body).encode())


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def call(client: SpotClient | AsyncSpotClient, name: str, *args: Any) -> Any:
    result = getattr(client, name)(*args)
    if isinstance(result, Awaitable):
        return await result
    return result


def spot(flavour: str, handler: OAuthStandIn, **options: Any) -> SpotClient | AsyncSpotClient:
    if flavour == "sync":
        return SpotClient(transport=MemoryTransport(handler), **options)
    return AsyncSpotClient(transport=AsyncMemoryTransport(handler), **options)


@pytest.mark.anyio
async def test_connect_flow_from_code_to_a_signed_call_with_a_fast_api_key(flavour: str) -> None:
    # The confidential client's secret arrives RSA-encrypted and is decrypted with our key.
    private_pem, public_pem = generate_rsa_key_pair()
    client_secret = decrypt_client_secret(_kraken_encrypts(public_pem, b"cs-42"), private_pem)
    kraken_side = OAuthStandIn("client-9", "cs-42")

    url, state = build_authorization_url("client-9", REDIRECT, sorted(SCOPES))
    assert "client_id=client-9" in url
    code = parse_authorization_response(
        f"{REDIRECT}&code={kraken_side.code}&state={state}", state=state
    )

    client = spot(flavour, kraken_side)
    with pytest.raises(kraken.MissingCredentialsError, match="api_access_token"):
        await call(client, "get_oauth_user_info")
    with pytest.raises(kraken.MissingCredentialsError, match="client_id"):
        await call(client, "get_oauth_access_token", {"grant_type": "authorization_code"})
    assert kraken_side.seen == []  # both refused before any I/O

    basic = {"client_id": "client-9", "client_secret": client_secret}
    tokens = await call(
        client,
        "get_oauth_access_token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **basic},
    )
    assert tokens["access_token"] == "access-1"
    refreshed = await call(
        client,
        "get_oauth_access_token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **basic},
    )
    assert refreshed["access_token"] == "access-2"

    client.set_access_token(tokens["access_token"])  # now stale
    with pytest.raises(kraken.AuthenticationError, match="invalid_token"):
        await call(client, "get_oauth_user_info")
    client.set_access_token(refreshed["access_token"])
    assert (await call(client, "get_oauth_user_info"))["result"]["email"] == "user@example.com"

    created = await call(
        client,
        "create_oauth_fast_api_key",
        {"api_key_name": "bot", "permissions": {"funds_query": True}, "nonce_window": 0},
    )
    listed = await call(client, "list_oauth_fast_api_keys")
    assert [k["api_key_name"] for k in listed["result"]] == ["bot"]
    assert "secret" not in listed["result"][0]
    assert await call(
        client, "update_oauth_fast_api_key", {"api_key_name": "bot", "new_api_key_name": "bot2"}
    ) == {"result": True}

    # The created key plugs straight into a SpotClient and signs a private call.
    credentials = fast_api_key_credentials(created)
    assert credentials == {"api_key": "fast-key-1", "api_secret": created["result"]["secret"]}
    trader = spot(flavour, kraken_side, **credentials)
    balance = await call(trader, "get_account_balance")
    assert balance["path"] == "/0/private/Balance"
    assert kraken_side.spot is not None
    assert kraken_side.spot.seen[-1].nonce is not None
    assert credentials["api_secret"] not in repr(trader)

    assert await call(client, "delete_oauth_fast_api_key", {"api_key_name": "bot2"}) == {
        "result": True
    }
    assert kraken_side.keys == {}


def test_fast_api_key_credentials_needs_the_creation_reply() -> None:
    inner = {"api_key": "K", "secret": "S2V5"}
    assert fast_api_key_credentials(inner) == {"api_key": "K", "api_secret": "S2V5"}
    with pytest.raises(kraken.KrakenUsageError, match="only once"):
        fast_api_key_credentials({"result": {"api_key": "K", "api_key_name": "bot"}})
    with pytest.raises(kraken.KrakenUsageError, match="api_key"):
        fast_api_key_credentials({"result": {"secret": "S2V5"}})
    with pytest.raises(kraken.KrakenUsageError, match="list"):
        fast_api_key_credentials([inner])  # type: ignore[arg-type]

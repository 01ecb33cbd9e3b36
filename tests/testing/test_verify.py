"""The independent Spot auth verifier and the strict nonce book."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import random
import sys
import threading
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kraken.testing.verify import (
    INVALID_ARGUMENTS,
    INVALID_KEY,
    INVALID_NONCE,
    INVALID_SIGNATURE,
    SpotAuthVerifier,
    StrictNonceBook,
    Verdict,
    expected_spot_signature,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# Official vectors, ../shared/reference/protocol.md section 0.
V1_SECRET = (
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
)
V1_BODY = b"nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
V1_SIGN = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
V3_SECRET = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
V3_BODY = b"nonce=1700000000000000000"
V3_SIGN = "6i7+cpXVLDDnDOekgsRcgFQhkYFyPDSSxhSVA8OrA6vjziXcy2K1DP3n7f9B/Kgni71WjBSQusZKxduRsdF20Q=="


def reference_sign(secret_b64: str, path: str, nonce: int, body: bytes) -> str:
    """A tiny reference signer, written straight from Kraken's formula."""
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    mac = hmac.new(base64.b64decode(secret_b64), path.encode() + inner, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def flip_first_byte(signature: str) -> str:
    raw = bytearray(base64.b64decode(signature))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_v1_official_form_vector() -> None:
    verifier = SpotAuthVerifier({"K1": V1_SECRET})
    verdict = verifier.verify(
        api_key="K1", api_sign=V1_SIGN, path="/0/private/AddOrder", body=V1_BODY, content_type=FORM
    )
    assert verdict == Verdict(
        True,
        nonce=1616492376594,
        params={
            "ordertype": "limit",
            "pair": "XBTUSD",
            "price": "37500",
            "type": "buy",
            "volume": "1.25",
        },
    )
    assert expected_spot_signature(V1_SECRET, "/0/private/AddOrder", 1616492376594, V1_BODY) == (
        V1_SIGN
    )


def test_v3_official_sdk_vector_without_content_type_means_form() -> None:
    verifier = SpotAuthVerifier({"K3": V3_SECRET})
    verdict = verifier.verify(
        api_key="K3", api_sign=V3_SIGN, path="/0/private/Balance", body=V3_BODY, content_type=None
    )
    assert verdict.ok, verdict
    assert verdict.nonce == 1_700_000_000_000_000_000
    raw_secret = b"\x01" * 32
    signature = expected_spot_signature(
        raw_secret, "/0/private/Balance", 1700000000000000000, V3_BODY
    )
    assert signature == V3_SIGN


def test_json_body_with_query_string_in_the_path() -> None:
    body = b'{"nonce":1616492376594,"id":"TGWOJ4JQPOTZT2"}'
    path = "/0/private/GetCustodyTask?id=TGWOJ4JQPOTZT2"
    # Computed here, independently of the verifier: path || SHA256(nonce || body).
    digest = hashlib.sha256(b"1616492376594" + body).digest()
    mac = hmac.new(base64.b64decode(V1_SECRET), path.encode() + digest, hashlib.sha512).digest()
    signature = base64.b64encode(mac).decode()

    verifier = SpotAuthVerifier({"K": V1_SECRET})
    verdict = verifier.verify(
        api_key="K",
        api_sign=signature,
        path=path,
        body=body,
        content_type="application/json; charset=utf-8",
    )
    assert verdict == Verdict(True, nonce=1616492376594, params={"id": "TGWOJ4JQPOTZT2"})


def test_spaced_json_signed_as_compact_is_rejected() -> None:
    # The signature covers the exact bytes sent: re-serialising the body changes it.
    compact = b'{"nonce":1616492376594}'
    spaced = b'{"nonce": 1616492376594}'
    signature = reference_sign(V1_SECRET, "/0/private/Balance", 1616492376594, compact)
    verifier = SpotAuthVerifier({"K": V1_SECRET})
    verdict = verifier.verify(
        api_key="K", api_sign=signature, path="/0/private/Balance", body=spaced, content_type=JSON
    )
    assert verdict.error == INVALID_SIGNATURE


def test_flipped_signature_byte_is_rejected() -> None:
    verifier = SpotAuthVerifier({"K1": V1_SECRET})
    verdict = verifier.verify(
        api_key="K1",
        api_sign=flip_first_byte(V1_SIGN),
        path="/0/private/AddOrder",
        body=V1_BODY,
        content_type=FORM,
    )
    assert (verdict.ok, verdict.error) == (False, INVALID_SIGNATURE)
    assert verifier.nonce_book.highest("K1") is None  # a forged request consumes no nonce


def test_unknown_key_is_rejected() -> None:
    verifier = SpotAuthVerifier({"K1": V1_SECRET})
    for api_key in ("K2", None, ""):
        verdict = verifier.verify(
            api_key=api_key,
            api_sign=V1_SIGN,
            path="/0/private/AddOrder",
            body=V1_BODY,
            content_type=FORM,
        )
        assert verdict.error == INVALID_KEY


def test_signature_from_another_secret_is_rejected() -> None:
    verifier = SpotAuthVerifier({"K1": V1_SECRET, "K3": V3_SECRET})
    verdict = verifier.verify(
        api_key="K3", api_sign=V1_SIGN, path="/0/private/AddOrder", body=V1_BODY, content_type=FORM
    )
    assert verdict.error == INVALID_SIGNATURE


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/0/private/AddOrder?x=1", V1_BODY),  # the query string is signed too
        ("/0/private/Balance", V1_BODY),
        ("/0/private/AddOrder", V1_BODY.replace(b"1.25", b"1.26")),
        ("/0/private/AddOrder", V1_BODY.replace(b"1616492376594", b"1616492376595")),
    ],
)
def test_any_change_to_path_or_body_breaks_the_signature(path: str, body: bytes) -> None:
    verifier = SpotAuthVerifier({"K1": V1_SECRET})
    verdict = verifier.verify(
        api_key="K1", api_sign=V1_SIGN, path=path, body=body, content_type=FORM
    )
    assert verdict.error == INVALID_SIGNATURE


def test_replayed_nonce_is_rejected_and_a_higher_one_accepted() -> None:
    verifier = SpotAuthVerifier({"K3": V3_SECRET})

    def request(check: Callable[..., Verdict]) -> Verdict:
        return check(
            api_key="K3",
            api_sign=V3_SIGN,
            path="/0/private/Balance",
            body=V3_BODY,
            content_type=FORM,
        )

    assert request(verifier.verify).ok
    replay = request(verifier.verify)
    assert (replay.ok, replay.error) == (False, INVALID_NONCE)
    assert request(verifier.check_signature).ok  # the signature itself is still fine

    higher = 1_700_000_000_000_000_001
    body = f"nonce={higher}".encode()
    verdict = verifier.verify(
        api_key="K3",
        api_sign=reference_sign(V3_SECRET, "/0/private/Balance", higher, body),
        path="/0/private/Balance",
        body=body,
        content_type=FORM,
    )
    assert verdict.ok
    assert verifier.nonce_book.history("K3") == (1_700_000_000_000_000_000, higher)


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"", FORM, INVALID_NONCE),
        (b"pair=XBTUSD", FORM, INVALID_NONCE),
        (b"nonce=01", FORM, INVALID_NONCE),
        (b"nonce=-1", FORM, INVALID_NONCE),
        (b"nonce=+1", FORM, INVALID_NONCE),
        (b"nonce=1.0", FORM, INVALID_NONCE),
        (b"nonce=18446744073709551616", FORM, INVALID_NONCE),
        (b"nonce=1&nonce=2", FORM, INVALID_NONCE),
        (b"nonce=1&junk", FORM, INVALID_ARGUMENTS),
        (b"nonce=1&\xff=1", FORM, INVALID_ARGUMENTS),
        (b'{"nonce":1.5}', JSON, INVALID_NONCE),
        (b'{"nonce":true}', JSON, INVALID_NONCE),
        (b'{"nonce":-3}', JSON, INVALID_NONCE),
        (b'{"pair":"XBTUSD"}', JSON, INVALID_NONCE),
        (b'{"nonce":1', JSON, INVALID_ARGUMENTS),
        (b"[1]", JSON, INVALID_ARGUMENTS),
        (b"nonce=1", "text/plain", INVALID_ARGUMENTS),
    ],
)
def test_bad_bodies_get_kraken_errors(body: bytes, content_type: str, error: str) -> None:
    verifier = SpotAuthVerifier({"K": V1_SECRET})
    verdict = verifier.verify(
        api_key="K", api_sign="x", path="/0/private/Balance", body=body, content_type=content_type
    )
    assert (verdict.ok, verdict.error) == (False, error)
    assert verdict.detail


def test_json_nonce_may_be_a_decimal_string_and_the_max_u64_fits() -> None:
    top = 2**64 - 1
    for body in (f'{{"nonce":"{top}"}}'.encode(), f'{{"nonce":{top}}}'.encode()):
        verifier = SpotAuthVerifier({"K": V1_SECRET})
        verdict = verifier.verify(
            api_key="K",
            api_sign=reference_sign(V1_SECRET, "/0/private/Balance", top, body),
            path="/0/private/Balance",
            body=body,
            content_type=JSON,
        )
        assert verdict.ok, verdict


def test_invalid_secret_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="'K'") as caught:
        SpotAuthVerifier({"K": "not base64!"})
    assert "not base64!" not in str(caught.value)


def test_repr_hides_keys() -> None:
    text = repr(SpotAuthVerifier({"K1-public": V1_SECRET}))
    assert V1_SECRET not in text
    assert "K1-public" not in text


# --- StrictNonceBook -----------------------------------------------------------------------------


def test_book_accepts_exactly_the_running_maxima() -> None:
    rng = random.Random(7)
    attempts = rng.sample(range(1, 2000), 500)
    book = StrictNonceBook()
    verdicts = [book.accept("k", n) for n in attempts]
    running_maxima = [n for i, n in enumerate(attempts) if n > max(attempts[:i], default=-1)]
    assert [n for n, ok in zip(attempts, verdicts, strict=True) if ok] == running_maxima
    assert book.history("k") == tuple(running_maxima)
    assert book.highest("k") == max(attempts)


def test_book_keeps_keys_apart() -> None:
    book = StrictNonceBook()
    assert book.accept("a", 10)
    assert book.accept("b", 5)
    assert not book.accept("a", 10)
    assert book.accept("b", 6)
    assert (book.history("a"), book.history("b"), book.history("c")) == ((10,), (5, 6), ())
    assert book.highest("c") is None


def test_book_window_accepts_unseen_nonces_within_reach() -> None:
    book = StrictNonceBook(window=5)
    assert book.accept("k", 10)
    assert book.accept("k", 7)  # unseen, 3 below the highest
    assert not book.accept("k", 7)  # seen
    assert not book.accept("k", 10)  # seen
    assert not book.accept("k", 4)  # 6 below the highest
    assert book.accept("k", 5)  # exactly `window` below
    assert book.accept("k", 11)
    assert not book.accept("k", 5)  # still seen
    assert book.accept("k", 6)
    assert book.accept("k", 100)
    assert not book.accept("k", 94)
    assert book.history("k") == (10, 7, 5, 11, 6, 100)


def test_book_rejects_negative_window() -> None:
    with pytest.raises(ValueError, match="window"):
        StrictNonceBook(window=-1)


@pytest.fixture
def fast_thread_switching() -> Iterator[None]:
    """Let the interpreter switch threads every microsecond, so races actually interleave."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _run_threads(target: Callable[[], None], count: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads), "threads did not finish in 10 s"


@pytest.mark.usefixtures("fast_thread_switching")
def test_book_under_8_threads_from_a_shared_counter() -> None:
    book = StrictNonceBook()
    counter = itertools.count(1)
    take_lock = threading.Lock()
    barrier = threading.Barrier(8, timeout=5)
    results: list[tuple[int, bool]] = []
    results_lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        mine: list[tuple[int, bool]] = []
        for _ in range(500):
            with take_lock:
                nonce = next(counter)
            # Taking and presenting are not atomic, so nonces reach the book slightly shuffled.
            mine.append((nonce, book.accept("k", nonce)))
        with results_lock:
            results.extend(mine)

    _run_threads(worker, 8)

    assert sorted(n for n, _ in results) == list(range(1, 4001))
    accepted = {n for n, ok in results if ok}
    history = book.history("k")
    assert set(history) == accepted
    assert len(history) == len(accepted)
    assert all(a < b for a, b in itertools.pairwise(history)), "accepted order is not rising"
    assert history[-1] == 4000  # nothing can beat the largest nonce
    # A nonce was rejected only because a larger one had already been accepted.
    assert all(n < 4000 for n, ok in results if not ok)


@pytest.mark.usefixtures("fast_thread_switching")
def test_book_under_8_threads_racing_on_the_same_nonces() -> None:
    book = StrictNonceBook()
    barrier = threading.Barrier(8, timeout=5)
    wins: list[int] = []
    wins_lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        mine = [n for n in range(1, 501) if book.accept("k", n)]
        with wins_lock:
            wins.extend(mine)

    _run_threads(worker, 8)

    assert sorted(wins) == sorted(set(wins)), "a nonce was accepted twice"
    assert book.history("k") == tuple(sorted(wins))
    assert book.highest("k") == 500


# --- property: verify(sign(...)) -----------------------------------------------------------------

_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=8
).filter(lambda name: name != "nonce")
_values = st.text(max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=128),
    nonce=st.integers(min_value=0, max_value=2**64 - 1),
    params=st.dictionaries(_names, _values, max_size=5),
    method=st.from_regex(r"[A-Za-z]{1,24}", fullmatch=True),
    query=st.one_of(st.just(""), st.from_regex(r"\?[a-z]{1,5}=[A-Za-z0-9%]{0,10}", fullmatch=True)),
    as_json=st.booleans(),
    nonce_first=st.booleans(),
)
def test_verify_accepts_what_the_reference_signs(
    secret: bytes,
    nonce: int,
    params: dict[str, str],
    method: str,
    query: str,
    as_json: bool,
    nonce_first: bool,
) -> None:
    fields = {"nonce": nonce, **params} if nonce_first else {**params, "nonce": nonce}
    if as_json:
        body = json.dumps(fields, separators=(",", ":")).encode()
    else:
        body = urlencode(fields).encode()
    path = f"/0/private/{method}{query}"
    secret_b64 = base64.b64encode(secret).decode()
    signature = reference_sign(secret_b64, path, nonce, body)
    verifier = SpotAuthVerifier({"key": secret_b64})
    content_type = JSON if as_json else FORM

    assert (
        verifier.check_signature(
            api_key="key", api_sign=signature, path=path + "x", body=body, content_type=content_type
        ).error
        == INVALID_SIGNATURE
    )
    tampered = bytes([body[0] ^ 0x20]) + body[1:]
    assert not verifier.check_signature(
        api_key="key", api_sign=signature, path=path, body=tampered, content_type=content_type
    ).ok
    verdict = verifier.verify(
        api_key="key", api_sign=signature, path=path, body=body, content_type=content_type
    )
    assert verdict == Verdict(True, nonce=nonce, params=params)

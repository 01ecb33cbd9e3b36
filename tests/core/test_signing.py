"""Kraken's signing schemes against the official vectors (protocol.md section 0) and properties."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from kraken.core.auth.signing import HmacSha512Signer, futures_message, spot_message

V1_SECRET = (
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
)
V1_BODY = b"nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
V1_SIGN = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
V3_SIGN = "6i7+cpXVLDDnDOekgsRcgFQhkYFyPDSSxhSVA8OrA6vjziXcy2K1DP3n7f9B/Kgni71WjBSQusZKxduRsdF20Q=="
V4_SECRET = (
    "7zxMEF5p/Z8l2p2U7Ghv6x14Af+Fx+92tPgUdVQ748FOIrEoT9bgT+bTRfXc5pz8na+hL/QdrCVG7bh9KpT0eMTm"
)
V4_SIGNED = (
    "4JEpF3ix66GA2B+ooK128Ift4XQVtc137N9yeg4Kqsn9PI0Kpzbysl9M1IeCEdjg0zl00wkVqcsnG4bmnlMb3A=="
)


def test_v1_official_spot_vector() -> None:
    signer = HmacSha512Signer(base64.b64decode(V1_SECRET))
    message = spot_message("/0/private/AddOrder", 1616492376594, V1_BODY)
    assert signer(message) == V1_SIGN


def test_v3_official_sdk_golden_vector() -> None:
    signer = HmacSha512Signer(b"\x01" * 32)
    message = spot_message("/0/private/Balance", 1700000000000000000, b"nonce=1700000000000000000")
    assert signer(message) == V3_SIGN


def test_v4_official_futures_challenge_vector() -> None:
    signer = HmacSha512Signer(base64.b64decode(V4_SECRET))
    assert signer(futures_message("c100b894-1729-464d-ace1-52dbce11db42", "", "")) == V4_SIGNED


def test_futures_authent_regression_values() -> None:
    # protocol.md 2.5: self-computed (not official) values, kept as a regression guard.
    signer = HmacSha512Signer(base64.b64decode(V4_SECRET))
    rows = [
        (
            "symbol=fi_xbtusd_180615",
            "1415957147987",
            "/api/v3/orderbook",
            "JHLjN8OUDYaXjHRGT0z4nUvJorORrXoL9omot4BK5ihtp6jKHPHfzX9MrpVjqAgKqGJejoO3gySwoVCMJQlx/Q==",
        ),
        (
            "",
            "1415957147987",
            "/api/v3/accounts",
            "ar47HmgHaRy9Sx4pgny8d0JvjsPmPE1vDPwEb2c+42WPpLtRI4xcLAppaweKMoTpyJQxYZEPqCM5LK5SDaPdBA==",
        ),
        (
            "greeting=hello%20world",
            "1415957147987",
            "/api/v3/sendorder",
            "5zE/jEyogxfvh0fsa+wsYFZqfZCD4kXdY/A1hOgoHYCKbW+bZet/pe8h89LNjM09xtBo/wy/GmSjHyfJyAGhCQ==",
        ),
    ]
    for post_data, nonce, path, expected in rows:
        assert signer(futures_message(post_data, nonce, path)) == expected


def test_signature_depends_on_exact_json_bytes() -> None:
    # protocol.md 1.4: compact and spaced JSON sign differently; we must sign what we send.
    signer = HmacSha512Signer(base64.b64decode(V1_SECRET))
    compact = signer(spot_message("/0/private/Balance", 1, b'{"nonce":1}'))
    spaced = signer(spot_message("/0/private/Balance", 1, b'{"nonce": 1}'))
    assert compact != spaced


@given(
    secret=st.binary(min_size=0, max_size=300),  # shorter and longer than the block
    path=st.text(min_size=1, max_size=40),
    nonce=st.integers(min_value=0, max_value=2**64 - 1),
    body=st.binary(max_size=300),
)
def test_pre_keyed_signer_equals_textbook_hmac(
    secret: bytes, path: str, nonce: int, body: bytes
) -> None:
    inner = hashlib.sha256(str(nonce).encode() + body).digest()
    expected = base64.b64encode(hmac.new(secret, path.encode() + inner, hashlib.sha512).digest())
    signer = HmacSha512Signer(secret)
    assert signer(spot_message(path, nonce, body)) == expected.decode()
    # Keyed state is copied per call: signing twice gives the same answer.
    assert signer(spot_message(path, nonce, body)) == expected.decode()


def test_signer_repr_hides_key() -> None:
    assert "\\x01" not in repr(HmacSha512Signer(b"\x01" * 32))

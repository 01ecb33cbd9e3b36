"""B1: sign only, the same nonce and body bytes for everyone (no nonce, no encoding, no headers)."""

from __future__ import annotations

import hashlib
from functools import partial

from common import (
    API_KEY,
    API_SECRET,
    FIXED_NONCE,
    PARAMS,
    PATH,
    SECRET,
    Case,
    Reference,
    check_signature,
)

ROW = "B1"


def _inputs() -> tuple[Reference, int, bytes]:
    ref = Reference()
    return ref, FIXED_NONCE, ref.json_body(FIXED_NONCE, PARAMS)


def _ref_case(note: str = "", suffix: str = "") -> Case:
    ref, nonce, body = _inputs()
    return Case(
        "ref_sign" + suffix,
        ROW,
        "stdlib reference: two pre-keyed SHA-512 states copy()-ed (RFC 2104)" + note,
        "ref",
        op=partial(ref.sign, nonce, body),
    )


def ours_cases() -> list[Case]:
    from kraken.core.auth.signing import HmacSha512Signer, spot_message

    _, nonce, body = _inputs()
    signer = HmacSha512Signer(SECRET)
    check_signature("ours HmacSha512Signer", signer(spot_message(PATH, nonce, body)), nonce, body)

    def ours() -> str:
        return signer(spot_message(PATH, nonce, body))

    return [
        Case(
            "ours_sign",
            ROW,
            "ours: HmacSha512Signer(spot_message(path, nonce, body))",
            "ours",
            op=ours,
        ),
        _ref_case(),
    ]


def peer_cases() -> list[Case]:
    import ccxt

    from kraken.base_api import SpotClient

    _, nonce, body = _inputs()
    nonce_s, data = str(nonce), body.decode()

    pks = SpotClient(key=API_KEY, secret=API_SECRET)
    pks_sign = partial(pks._get_kraken_signature, url_path=PATH, data=data, nonce=nonce_s)
    check_signature("python-kraken-sdk _get_kraken_signature", pks_sign(), nonce, body)

    ex = ccxt.kraken({"apiKey": API_KEY, "secret": API_SECRET})

    def ccxt_sign() -> str:
        # The statements of ccxt kraken.sign() that compute the signature, with ccxt's helpers.
        auth = ex.encode(nonce_s + data)
        digest = ex.hash(auth, "sha256", "binary")
        binary = ex.encode(PATH)
        binhash = ex.binary_concat(binary, digest)
        secret = ex.base64_to_binary(ex.secret)
        return ex.hmac(binhash, secret, hashlib.sha512, "base64")

    check_signature("ccxt sign primitives", ccxt_sign(), nonce, body)
    return [
        Case(
            "pks_sign",
            ROW,
            "python-kraken-sdk SpotClient._get_kraken_signature",
            "peer",
            note="decodes the base64 secret and keys a new HMAC per call",
            op=pks_sign,
        ),
        Case(
            "ccxt_sign", ROW, "ccxt: the signing statements of kraken.sign()", "peer", op=ccxt_sign
        ),
        _ref_case(" [peers' process: control]", "@peers"),
    ]

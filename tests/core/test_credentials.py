"""Credentials validate at construction and never show the secret."""

from __future__ import annotations

import pickle

import pytest

from kraken.core.auth.credentials import Credentials, key_fingerprint
from kraken.core.errors import KrakenUsageError

SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="


def test_valid_credentials_decode_once_and_redact() -> None:
    creds = Credentials("my-public-key", SECRET)
    assert creds.secret_bytes is not None
    assert len(creds.secret_bytes) == 64
    for text in (repr(creds), str(creds), f"{creds}"):
        assert "my-public-key" not in text
        assert SECRET not in text
        assert SECRET[:12] not in text
    assert creds.fingerprint == key_fingerprint("my-public-key")
    assert len(creds.fingerprint) == 16


@pytest.mark.parametrize(
    "bad", [SECRET[:-1], "not base64 at all!", SECRET.replace("W", "_"), "===="]
)
def test_invalid_secret_fails_without_echoing_it(bad: str) -> None:
    with pytest.raises(KrakenUsageError) as info:
        Credentials("key", bad)
    message = str(info.value)
    assert "base64" in message
    assert bad not in message
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


@pytest.mark.parametrize("key", ["", "  ", "key\n", "key\r\nX-Evil: 1", " key"])
def test_bad_api_key_is_refused(key: str) -> None:
    with pytest.raises(KrakenUsageError):
        Credentials(key, SECRET)


def test_secret_may_live_in_a_custom_signer() -> None:
    creds = Credentials("key", None)
    assert creds.secret_bytes is None
    assert "custom signer" in repr(creds)


def test_credentials_refuse_to_pickle() -> None:
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(Credentials("key", SECRET))

"""The README's demo command runs whole and succeeds (its servers are on loopback)."""

from __future__ import annotations

import re

import pytest

from kraken import demo


def test_the_demo_signs_verifies_and_keeps_a_verified_book(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert demo.main() == 0
    out = capsys.readouterr().out
    assert "calls accepted by the server       50" in out
    assert "nonces strictly increasing         True" in out
    assert "contains the secret: False" in out
    applied = re.search(r"messages applied, checksums agreed (\d+)", out)
    assert applied is not None
    assert int(applied.group(1)) >= demo.BOOK_UPDATES  # the feed keeps moving meanwhile
    assert "checksum mismatches                0" in out
    assert "FAILED" not in out

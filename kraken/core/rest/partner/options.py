"""The PartnerClient's own option: pinning the Embed API version with ``Kraken-Version``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kraken.core.errors import KrakenUsageError

__all__ = ["KRAKEN_VERSION_HEADER", "with_kraken_version"]

KRAKEN_VERSION_HEADER = "Kraken-Version"
"""Optional Embed header naming the API version; Kraken serves the latest when it is absent
(https://docs.kraken.com/api/docs/guides/embed-rest-auth)."""

# Versions are named after their release date, e.g. "2025-04-15".
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def with_kraken_version(
    default_headers: Mapping[str, str] | None, kraken_version: str | None
) -> Mapping[str, str] | None:
    """``default_headers`` plus ``Kraken-Version: <kraken_version>`` when a version is given.

    Raises:
        KrakenUsageError: the version is not a ``YYYY-MM-DD`` date, or ``default_headers``
            already sets ``Kraken-Version`` to something else.
    """
    if kraken_version is None:
        return default_headers
    if not isinstance(kraken_version, str) or not _VERSION.match(kraken_version):
        raise KrakenUsageError(
            f"kraken_version must be an Embed API version date such as '2025-04-15', "
            f"not {kraken_version!r}."
        )
    headers = dict(default_headers or {})
    for name, value in headers.items():
        if name.lower() == KRAKEN_VERSION_HEADER.lower() and value != kraken_version:
            raise KrakenUsageError(
                f"kraken_version={kraken_version!r} conflicts with default_headers[{name!r}]="
                f"{value!r}; give the version once."
            )
    headers[KRAKEN_VERSION_HEADER] = kraken_version
    return headers

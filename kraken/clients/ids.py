"""Client order ids: crypto-random, in a format Kraken accepts for ``cl_ord_id``."""

from __future__ import annotations

import secrets

__all__ = ["generate_new_order_id"]


def generate_new_order_id() -> str:
    """Return a new client order id: 32 lowercase hex characters from a CSPRNG.

    Kraken accepts three ``cl_ord_id`` formats: a long UUID, a 32-hex "short UUID", or free text
    of at most 18 ASCII characters (https://docs.kraken.com/api/docs/rest-api/add-order). This is
    the short-UUID form: 128 random bits, so collisions are not a practical concern.
    """
    return secrets.token_hex(16)

"""The Affiliate catalogue: referred-user activity, CPA progress and payouts (api-surface.md 1.5).

Kraken documents this API (https://docs.kraken.com/exchange/guides/affiliate/introduction and
the spec https://docs.kraken.com/openapi/affiliate-rest.yaml): ``GET`` requests on
``https://api.kraken.com/affiliate/v1/...`` (no ``/0`` prefix), signed with the account's usual
API key, with ``API-Key``, ``API-Sign`` and ``API-Nonce`` headers and the query string inside
the signed path. That is exactly the Embed scheme (:attr:`Auth.EMBED`): ``API-Sign =
HMAC-SHA512(path?query || SHA256(nonce))`` for a body-less GET. The seed SDK's source only shows
these three paths (its client type signs nothing). Replies are the object itself; errors are a
non-2xx status with a typed body (:attr:`Reply.JSON`). The key needs the "Query affiliate
participants" permission and the affiliate plan must be active.
"""

from __future__ import annotations

from typing import Any, Final

from kraken.core.rest.affiliate import types as t
from kraken.core.rest.endpoint import Auth, Endpoint, Payload, Reply

__all__ = ["BY_NAME", "CATALOGUE"]

_DOCS = "https://docs.kraken.com/api-reference/affiliate"
_PERMISSION = "API key permission: Query affiliate participants."

GET_CPA_PROGRESS: Final[Endpoint[t.GetCpaProgressParams, t.GetCpaProgressResult]] = Endpoint(
    "get_cpa_progress",
    "GET",
    "/affiliate/v1/cpa-progress",
    Auth.EMBED,
    t.GetCpaProgressParams,
    "Get the CPA bounty progress of one referred trader (by full IIBAN).",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    operation_id="getAffiliateCpaProgress",
    doc_url=f"{_DOCS}/get-cpa-progress",
    description=_PERMISSION,
)
GET_PAYOUT_HISTORY: Final[Endpoint[t.GetPayoutHistoryParams, t.GetPayoutHistoryResult]] = Endpoint(
    "get_payout_history",
    "GET",
    "/affiliate/v1/payout-history",
    Auth.EMBED,
    t.GetPayoutHistoryParams,
    "Get one page of the affiliate's payouts, newest first, with whole-history totals.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    doc_url=f"{_DOCS}/get-payout-history",
    description=_PERMISSION,
)
GET_DAILY_ACTIVITY: Final[Endpoint[t.GetDailyActivityParams, t.GetDailyActivityResult]] = Endpoint(
    "get_daily_activity",
    "GET",
    "/affiliate/v1/daily-activity",
    Auth.EMBED,
    t.GetDailyActivityParams,
    "Get referred users' activity for one UTC day, or for up to ten users over a range.",
    payload=Payload.QUERY,
    reply=Reply.JSON,
    doc_url=f"{_DOCS}/get-daily-activity",
    description=_PERMISSION,
)

CATALOGUE: Final[tuple[Endpoint[Any, Any], ...]] = (
    GET_CPA_PROGRESS,
    GET_PAYOUT_HISTORY,
    GET_DAILY_ACTIVITY,
)
"""Every Affiliate endpoint, in the order of api-surface.md 1.5."""

BY_NAME: Final[dict[str, Endpoint[Any, Any]]] = {e.name: e for e in CATALOGUE}
"""Affiliate endpoints by method name."""

"""Hand-written parameter and result types of the three Affiliate REST endpoints."""

# Kraken's Affiliate spec (docs.kraken.com/openapi/affiliate-rest.yaml) is not among our local
# specs; these follow its reference pages (docs.kraken.com/api-reference/affiliate/
# get-cpa-progress, .../get-payout-history, .../get-daily-activity) and, for parameters those
# pages did not show us in full, the seed SDK (api-surface.md 1.5). Successful replies are the
# object itself (no {error, result} envelope). Results are ``total=False``: only the fields seen
# in Kraken's examples are named, and Kraken omits some (day-wide totals in the history
# variant, measurements when progress is unavailable).
#
# No ``from __future__ import annotations``: ``Required`` must be visible at runtime, where
# ``Endpoint`` reads ``__required_keys__``.

from typing import Any, Required, TypedDict

__all__ = [
    "AffiliateBounty",
    "AffiliateCondition",
    "AffiliateMeasurement",
    "AffiliatePayout",
    "AffiliateProgress",
    "GetCpaProgressParams",
    "GetCpaProgressResult",
    "GetDailyActivityParams",
    "GetDailyActivityResult",
    "GetPayoutHistoryParams",
    "GetPayoutHistoryResult",
]


class GetCpaProgressParams(TypedDict, total=False):
    """Parameters of ``get_cpa_progress``: the referred trader's full ``iiban``.

    Pass the IIBAN exactly as Get Daily Activity returned it; unknown IIBANs, other affiliates'
    referrals and traders who opted out of sharing answer 404.
    """

    iiban: Required[str]


class AffiliateMeasurement(TypedDict, total=False):
    """Progress of a measurable requirement (exact decimal strings)."""

    current: str
    target: str
    unit: str
    percentage: str


class AffiliateCondition(TypedDict, total=False):
    """One requirement of a bounty (``state``: ``complete`` / ``incomplete`` ...)."""

    label: str
    kind: str
    state: str
    measurement: AffiliateMeasurement


class AffiliateBounty(TypedDict, total=False):
    """One CPA bounty: its reward, status and requirements.

    ``status`` may also be ``expired``, ``no_longer_eligible`` or ``not_tracked``; when
    ``progress_availability`` is ``unavailable`` measurements may be missing.
    """

    bounty_position: int
    description: str
    reward_amount: str
    reward_asset: str
    status: str
    progress_availability: str
    conditions: list[AffiliateCondition]


class AffiliateProgress(TypedDict, total=False):
    """The bounties of one referred trader (region-specific ones that do not apply omitted)."""

    bounties: list[AffiliateBounty]


class GetCpaProgressResult(TypedDict, total=False):
    """Result of ``get_cpa_progress``."""

    progress: AffiliateProgress


class GetPayoutHistoryParams(TypedDict, total=False):
    """Parameters of ``get_payout_history``: a page ``cursor`` and a page ``limit``."""

    cursor: str
    limit: int


class AffiliatePayout(TypedDict, total=False):
    """One payout; ``prop_purchase_id`` only on Prop commissions."""

    payout_id: str
    amount: str
    asset: str
    status: str
    created_at: str
    source: str
    prop_purchase_id: str


class GetPayoutHistoryResult(TypedDict, total=False):
    """Result of ``get_payout_history``: one page, newest first, and a whole-history summary."""

    items: list[AffiliatePayout]
    summary: dict[str, Any]


class GetDailyActivityParams(TypedDict, total=False):
    """Parameters of ``get_daily_activity``: one day, or up to ten participants over a range.

    Either ``activity_date`` (``YYYY-MM-DD``), or ``iiban`` (one to ten, comma-separated) with
    inclusive ``start_date`` and ``end_date``; sending both variants is a 400. Dates are UTC
    days, today or one of the previous 89. ``all_users`` is passed through as the seed SDK
    does; Kraken's page does not list it.
    """

    activity_date: str
    iiban: str
    start_date: str
    end_date: str
    all_users: bool
    cursor: str
    limit: int


class GetDailyActivityResult(TypedDict, total=False):
    """Result of ``get_daily_activity``.

    Monetary figures are decimal strings in ``currency`` (USD today). The day-wide fields
    (``totals``, ``active_users``, ``revision``, ``estimated``, ``opted_out``) are absent in the
    per-participant variant.
    """

    currency: str
    items: list[dict[str, Any]]
    totals: dict[str, Any]
    active_users: int
    revision: int
    estimated: bool
    opted_out: int

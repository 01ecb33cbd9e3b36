"""Kraken error strings map onto the SDK's error tree: exact match first, then category."""

from __future__ import annotations

import pytest

from kraken.core import errors as e


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("EAPI:Invalid key", e.AuthenticationError),
        ("EAPI:Invalid signature", e.AuthenticationError),
        ("EGeneral:Permission denied", e.PermissionDeniedError),
        ("EGeneral:Temporary lockout", e.TemporaryLockoutError),
        ("EAPI:Invalid nonce", e.InvalidNonceError),
        ("EAPI:Rate limit exceeded", e.RateLimitError),
        ("EGeneral:Too many requests", e.RateLimitError),
        ("EService:Throttled:1700000000", e.RateLimitError),
        ("EService: Throttled: 1700000000", e.RateLimitError),
        ("EOrder:Rate limit exceeded", e.RateLimitError),
        ("EOrder:Insufficient funds", e.InsufficientFundsError),
        ("EService:Unavailable", e.ServiceUnavailableError),
        ("EService:Busy", e.ServiceUnavailableError),
        ("EService:Market in cancel_only mode", e.ServiceUnavailableError),
        ("EGeneral:Invalid arguments", e.InvalidArgumentsError),
        ("EGeneral:Invalid arguments:ordertype", e.InvalidArgumentsError),
        ("EQuery:Unknown asset pair", e.UnknownAssetPairError),
        ("EAPI:Invalid token", e.InvalidTokenError),
        ("EOrder:Order minimum not met", e.OrderRejectedError),
        ("EFunding:Max fee exceeded", e.FundingError),
        ("EGeneral:Internal error", e.KrakenAPIError),
        ("something odd", e.KrakenAPIError),
    ],
)
def test_mapping(code: str, cls: type[e.KrakenAPIError]) -> None:
    error = e.api_error_from_messages([code], status=200, endpoint="submit_order")
    assert type(error) is cls
    assert error.code == code
    assert error.status == 200
    assert "submit_order" in str(error)


def test_parts_are_kept() -> None:
    error = e.api_error_from_messages(["EGeneral:Invalid arguments:ordertype"])
    assert (error.severity, error.category, error.description) == (
        "E",
        "General",
        "Invalid arguments:ordertype",
    )


def test_first_error_decides_and_all_are_kept() -> None:
    error = e.api_error_from_messages(
        ["WGeneral:Something", "EOrder:Insufficient funds", "EGeneral:X"]
    )
    assert isinstance(error, e.InsufficientFundsError)
    assert error.errors == ("WGeneral:Something", "EOrder:Insufficient funds", "EGeneral:X")


def test_throttled_carries_retry_time() -> None:
    error = e.api_error_from_messages(["EService:Throttled:1700000123"])
    assert isinstance(error, e.RateLimitError)
    assert error.retry_at == 1700000123.0


def test_one_root_and_usage_errors_are_value_errors() -> None:
    for cls in (
        e.KrakenUsageError,
        e.KrakenTransportError,
        e.KrakenAPIError,
        e.MissingCredentialsError,
    ):
        assert issubclass(cls, e.KrakenError)
    assert issubclass(e.KrakenUsageError, ValueError)
    assert issubclass(e.MissingCredentialsError, e.AuthenticationError)
    assert issubclass(e.KrakenTimeoutError, e.KrakenTransportError)


def test_every_error_says_what_to_do_next() -> None:
    error = e.api_error_from_messages(["EAPI:Invalid nonce"])
    assert "NonceSource" in str(error) or "nonce window" in str(error)

"""The SDK's one error tree, and the mapping from Kraken's error strings onto it.

Every exception the SDK raises derives from :class:`KrakenError`. Errors are split by who is at
fault, as h11 and wsproto do: :class:`KrakenUsageError` (the caller's input, raised before any
I/O), :class:`KrakenTransportError` (the bytes never made a valid exchange with Kraken) and
:class:`KrakenAPIError` (Kraken understood the request and said no).

Kraken's error strings follow ``<severity><category>:<description>`` (for example
``EGeneral:Invalid arguments:ordertype``), see https://docs.kraken.com/api/docs/guides/spot-errors.
They are mapped by exact match on ``<severity><category>:<first description segment>`` first,
then by category prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AuthenticationError",
    "FundingError",
    "InsufficientFundsError",
    "InvalidArgumentsError",
    "InvalidNonceError",
    "InvalidTokenError",
    "KrakenAPIError",
    "KrakenAPIWarning",
    "KrakenDeprecationWarning",
    "KrakenError",
    "KrakenTimeoutError",
    "KrakenTransportError",
    "KrakenUsageError",
    "LocalRateLimitError",
    "MissingCredentialsError",
    "OrderNotAcceptedError",
    "OrderOutcomeUnknownError",
    "OrderRejectedError",
    "ParsedKrakenError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "TemporaryLockoutError",
    "UnknownAssetPairError",
    "api_error_from_messages",
    "error_class_for",
    "futures_api_error",
    "parse_kraken_error",
]


class KrakenError(Exception):
    """Root of every exception raised by the SDK; catch this to catch them all."""


class KrakenUsageError(KrakenError, ValueError):
    """The caller's input is wrong; raised before any I/O, the message says what to change."""


class KrakenTransportError(KrakenError):
    """No valid reply came back: network failure, timeout, or a body that is not Kraken's JSON.

    ``status`` is the HTTP status when one arrived (``None`` otherwise) and ``body_excerpt`` a
    short, printable start of the body, so an HTML error page from a proxy is recognisable.
    Neither ever contains the request's credentials: only the reply is quoted.
    """

    def __init__(self, message: str, *, status: int | None = None, body_excerpt: str = "") -> None:
        details = message
        if status is not None:
            details += f" (HTTP {status})"
        if body_excerpt:
            details += f"; body starts with: {body_excerpt!r}"
        super().__init__(details)
        self.status = status
        self.body_excerpt = body_excerpt


class KrakenTimeoutError(KrakenTransportError):
    """The request or connection did not complete within the configured timeout."""


class OrderOutcomeUnknownError(KrakenTransportError):
    """A placement or amendment was sent but no reply came (drop or timeout): it may exist.

    The SDK never re-sends it. Look the order up by its ``cl_ord_id`` (for example with
    ``WebsocketAPIClient.reconcile_order``) before deciding to send it again.
    """

    def __init__(self, message: str, *, req_id: int | None = None, request: object = None) -> None:
        super().__init__(message)
        self.req_id = req_id
        self.request = request


class KrakenAPIWarning(UserWarning):
    """A ``W...`` string Kraken returned next to a successful result."""


class KrakenDeprecationWarning(UserWarning):
    """Something Kraken retired or will decommission is in use.

    A ``UserWarning``, so it is shown by default (unlike ``DeprecationWarning``): the Futures
    demo environment (retired 2026-07-14), the Derivatives REST API (decommissioned 2027-03-01).
    """


class KrakenAPIError(KrakenError):
    """Kraken rejected the request; ``code`` is Kraken's full error string.

    Attributes:
        code: the first error string as Kraken sent it, e.g. ``EOrder:Insufficient funds``.
        severity: ``"E"`` (error) or ``"W"`` (warning).
        category: ``General``, ``API``, ``Order``, ``Funding``, ``Service``, ... (futures: a code).
        description: the text after the category, e.g. ``Insufficient funds``.
        errors: every error string of the reply, in order.
        status: the HTTP status of the reply, when there was one.
    """

    hint = "See https://docs.kraken.com/api/docs/guides/spot-errors for what this code means."

    def __init__(
        self,
        code: str,
        *,
        errors: Sequence[str] = (),
        status: int | None = None,
        endpoint: str = "",
    ) -> None:
        parsed = parse_kraken_error(code)
        self.code = code
        self.severity = parsed.severity
        self.category = parsed.category
        self.description = parsed.description
        self.errors: tuple[str, ...] = tuple(errors) or (code,)
        self.status = status
        self.endpoint = endpoint
        where = f"{endpoint}: " if endpoint else ""
        super().__init__(f"{where}{code}. {self.hint}")


class AuthenticationError(KrakenAPIError):
    """Credentials are missing, wrong, or not allowed to do this."""

    hint = (
        "Check api_key and api_secret (the base64 private key shown once when the key was "
        "created) and that the key is enabled for this call."
    )


class PermissionDeniedError(AuthenticationError):
    """The key is valid but lacks the permission this call needs."""

    hint = "Enable the permission this endpoint lists on the key at kraken.com > Settings > API."


class TemporaryLockoutError(AuthenticationError):
    """Kraken locked the key out for a while after repeated failed authentications."""

    hint = "Stop sending with this key for about 15 minutes, then check the credentials."


class InvalidTokenError(AuthenticationError):
    """A WebSocket token (or session) is stale; fetch a fresh one with GetWebSocketsToken."""

    hint = "Fetch a fresh token with get_websockets_token() and resubscribe."


class MissingCredentialsError(AuthenticationError, KrakenUsageError):
    """A private call was attempted without the credential it needs (raised before any I/O)."""

    def __init__(self, message: str) -> None:
        KrakenError.__init__(self, message)
        self.code = "EAPI:Missing credentials"
        self.severity = "E"
        self.category = "API"
        self.description = "Missing credentials"
        self.errors = (self.code,)
        self.status = None
        self.endpoint = ""


class InvalidNonceError(KrakenAPIError):
    """The nonce was not greater than the last one Kraken saw for this key."""

    hint = (
        "Another process or client may share this key: give each its own key, plug a shared "
        "NonceSource, or raise the key's nonce window."
    )


class RateLimitError(KrakenAPIError):
    """A rate limit was hit.

    ``retry_at`` (unix seconds) is set when Kraken said when to retry (``EService:Throttled:<ts>``),
    ``retry_after`` (seconds) when an HTTP ``Retry-After``/``rate-limit-reset`` header did.
    """

    hint = "Slow down; Kraken's counters decay every second (see the rate limits guide)."

    def __init__(
        self,
        code: str,
        *,
        errors: Sequence[str] = (),
        status: int | None = None,
        endpoint: str = "",
        retry_at: float | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, errors=errors, status=status, endpoint=endpoint)
        self.retry_after = retry_after
        if retry_at is None:
            match = _THROTTLED_AT.search(code)
            retry_at = float(match.group(1)) if match else None
        self.retry_at = retry_at


class LocalRateLimitError(RateLimitError):
    """The SDK's own model predicts Kraken would refuse this call, so it was not sent.

    Raised in ``rate_limit="raise"`` mode (and in ``"wait"`` mode when the wait would exceed
    ``max_rate_limit_wait``). ``code`` is the string Kraken would have sent
    (``EAPI:Rate limit exceeded``, ``EOrder:Rate limit exceeded``, ``EFutures:apiLimitExceeded``,
    ...) so handlers written for Kraken's refusal also catch this one; ``retry_after`` is the
    wait the model asks for.
    """

    hint = (
        "Not sent: the SDK's rate-limit model predicts Kraken would refuse it. Retry after "
        "retry_after seconds, or build the client with rate_limit='wait'."
    )


class InsufficientFundsError(KrakenAPIError):
    """The account (or the exchange, for margin) lacks the funds for this request."""

    hint = "Check balances with get_account_balance() or reduce the order size."


class ServiceUnavailableError(KrakenAPIError):
    """Kraken (or the market) is unavailable, busy, or in a restricted mode; retry later."""

    hint = "Check get_system_status(); retry with backoff."


class InvalidArgumentsError(KrakenAPIError):
    """Kraken rejected the request's parameters."""

    hint = "Compare the parameters with the endpoint's documentation; the code names the field."


class UnknownAssetPairError(InvalidArgumentsError):
    """The pair (or asset) does not exist; list valid ones with get_asset_pairs()."""

    hint = "List valid pairs with get_asset_pairs()."


class OrderRejectedError(KrakenAPIError):
    """The matching engine rejected the order (price, size, margin, limits...)."""

    hint = "Check the pair's ordermin, costmin and tick_size with get_asset_pairs()."


class FundingError(KrakenAPIError):
    """A deposit, withdrawal or transfer request was rejected."""


class OrderNotAcceptedError(OrderRejectedError):
    """Futures answered ``"result": "success"`` but the order instruction was not carried out.

    Kraken's Futures API reports an order it refused inside a successful reply
    (``sendStatus.status`` such as ``insufficientAvailableFunds``; see
    https://docs.kraken.com/api/docs/guides/futures-rest). The SDK raises this instead of
    returning what would look like success.

    Attributes:
        order_status: the refusing status, e.g. ``"insufficientAvailableFunds"``.
        result: the full decoded reply, so nothing Kraken said is lost (for a batch, the
            status of every instruction, including those that succeeded).
    """

    hint = "Read .order_status and .result; nothing was placed for the refused instruction."

    def __init__(
        self,
        order_status: str,
        *,
        result: object = None,
        status: int | None = None,
        endpoint: str = "",
    ) -> None:
        super().__init__(f"EOrder:{order_status}", status=status, endpoint=endpoint)
        self.order_status = order_status
        self.result = result


@dataclass(frozen=True, slots=True)
class ParsedKrakenError:
    """A Kraken error string split into its parts."""

    severity: str
    category: str
    description: str


_THROTTLED_AT = re.compile(r"Throttled\s*:\s*(\d+(?:\.\d+)?)")
_SPACES_AROUND_COLON = re.compile(r"\s*:\s*")


def parse_kraken_error(text: str) -> ParsedKrakenError:
    """Split ``EOrder:Insufficient funds`` into severity ``E``, category ``Order`` and the rest."""
    head, _, description = _SPACES_AROUND_COLON.sub(":", text.strip()).partition(":")
    if len(head) > 1 and head[0] in "EW" and head[1].isupper():
        return ParsedKrakenError(head[0], head[1:], description)
    return ParsedKrakenError("E", "", text.strip())


# Exact matches on "<severity><category>:<first description segment>", case as Kraken sends it.
_EXACT: dict[str, type[KrakenAPIError]] = {
    "EAPI:Invalid key": AuthenticationError,
    "EAPI:Invalid signature": AuthenticationError,
    "EAPI:Bad request": InvalidArgumentsError,
    "EGeneral:Permission denied": PermissionDeniedError,
    "EAccount:Invalid permissions": PermissionDeniedError,
    "EGeneral:Temporary lockout": TemporaryLockoutError,
    "EAPI:Invalid token": InvalidTokenError,
    "ESession:Invalid session": InvalidTokenError,
    "EAPI:Invalid nonce": InvalidNonceError,
    # Rate limits, spot-rest-ratelimits and spot-ratelimits guides.
    "EAPI:Rate limit exceeded": RateLimitError,
    "EAuth:Rate limit exceeded": RateLimitError,
    "EAuth:Too many requests": RateLimitError,
    "EGeneral:Too many requests": RateLimitError,
    "EService:Throttled": RateLimitError,
    "EOrder:Rate limit exceeded": RateLimitError,
    "EOrder:Domain rate limit exceeded": RateLimitError,
    "EOrder:Insufficient funds": InsufficientFundsError,
    "EOrder:Insufficient margin": InsufficientFundsError,
    "EFunding:Insufficient funds": InsufficientFundsError,
    "EService:Unavailable": ServiceUnavailableError,
    "EService:Busy": ServiceUnavailableError,
    "EService:Market in cancel_only mode": ServiceUnavailableError,
    "EService:Market in post_only mode": ServiceUnavailableError,
    "EService:Market in limit_only mode": ServiceUnavailableError,
    "EService:Deadline elapsed": ServiceUnavailableError,
    "EGeneral:Invalid arguments": InvalidArgumentsError,
    "EQuery:Unknown asset pair": UnknownAssetPairError,
    "EQuery:Unknown asset": UnknownAssetPairError,
}

# Category fallbacks when no exact entry matched.
_BY_CATEGORY: dict[str, type[KrakenAPIError]] = {
    "Order": OrderRejectedError,
    "Funding": FundingError,
    "Service": ServiceUnavailableError,
    "Auth": AuthenticationError,
    "Account": AuthenticationError,
    "Query": InvalidArgumentsError,
}


def error_class_for(code: str) -> type[KrakenAPIError]:
    """The most specific error class for one Kraken error string."""
    normalised = _SPACES_AROUND_COLON.sub(":", code.strip())
    head, _, rest = normalised.partition(":")
    key = f"{head}:{rest.split(':', 1)[0]}"
    found = _EXACT.get(key)
    if found is not None:
        return found
    parsed = parse_kraken_error(normalised)
    return _BY_CATEGORY.get(parsed.category, KrakenAPIError)


def api_error_from_messages(
    errors: Sequence[str], *, status: int | None = None, endpoint: str = ""
) -> KrakenAPIError:
    """Build the right :class:`KrakenAPIError` subclass for a reply's error strings.

    The first ``E`` string decides the class; every string is kept in ``errors``.
    """
    first = next((e for e in errors if e.startswith("E")), errors[0] if errors else "EGeneral:")
    cls = error_class_for(first)
    return cls(first, errors=errors, status=status, endpoint=endpoint)


# Futures REST error codes (futures-rest/trading/public.yml, schema ``Error``, and the
# history/charts replies), mapped onto the same tree as the Spot strings.
_FUTURES: dict[str, type[KrakenAPIError]] = {
    "apiLimitExceeded": RateLimitError,
    "TOO_MANY_REQUESTS": RateLimitError,
    "authenticationError": AuthenticationError,
    "UNAUTHORIZED": AuthenticationError,
    "accountInactive": PermissionDeniedError,
    "invalidAccount": PermissionDeniedError,
    "nonceBelowThreshold": InvalidNonceError,
    "nonceDuplicate": InvalidNonceError,
    "insufficientFunds": InsufficientFundsError,
    "insufficientAvailableFunds": InsufficientFundsError,
    "invalidAmount": InvalidArgumentsError,
    "invalidArgument": InvalidArgumentsError,
    "invalidUnit": InvalidArgumentsError,
    "requiredArgumentMissing": InvalidArgumentsError,
    "Json Parse Error": InvalidArgumentsError,
    "notFound": InvalidArgumentsError,
    "marketUnavailable": ServiceUnavailableError,
    "Unavailable": ServiceUnavailableError,
    "Server Error": ServiceUnavailableError,
}


def futures_api_error(
    code: str, *, errors: Sequence[str] = (), status: int | None = None, endpoint: str = ""
) -> KrakenAPIError:
    """The error for a Futures error code (``{"result": "error", "error": "<code>"}``)."""
    cls = _FUTURES.get(code.strip(), KrakenAPIError)
    text = f"EFutures:{code.strip()}"
    return cls(text, errors=tuple(errors) or (text,), status=status, endpoint=endpoint)

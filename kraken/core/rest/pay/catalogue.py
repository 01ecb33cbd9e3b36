"""The Kraken Pay catalogue: the seven operations of Kraken's Pay spec, served by SpotClient.

Kraken Pay (payment requests, pay transfers to a Kraktag, paylinks) lives on the Spot host under
``/0/private/Pay/...`` and uses the Spot ``API-Key`` / ``API-Sign`` scheme with a JSON body
(spec ``pay/openapi_v3.yaml``: server ``https://api.kraken.com/0``, ``application/json``
bodies, security ``API-Key`` + ``API-Sign``). A merchant already holds a Spot key and a
SpotClient, so these methods are generated onto :class:`~kraken.SpotClient` (see
``tools/codegen.py``, ``extra_catalogues`` of the spot product, and docs/institutional.md).

Names are the snake_case of the spec's operation ids. ``external_id`` is the caller's
idempotency key (the spec asks to commit it before calling, so a lost reply can be retried and
fails as a duplicate), yet the SDK never re-sends a create on its own: creates are
``retry_safe=False``, cancels by ``external_id`` are safe.
"""

from __future__ import annotations

from typing import Any, Final

from kraken.core.rest.endpoint import Auth, Endpoint, Payload
from kraken.core.rest.pay import types as t

__all__ = ["BY_NAME", "CATALOGUE"]

CREATE_PAY_REQUEST: Final[Endpoint[t.CreatePayRequestParams, t.CreatePayRequestResult]] = Endpoint(
    "create_pay_request",
    "POST",
    "/0/private/Pay/request/create",
    Auth.API_SIGN,
    t.CreatePayRequestParams,
    "Create a payment request (to a Kraktag, or as a link to share).",
    payload=Payload.JSON,
    retry_safe=False,
    operation_id="createPayRequest",
    description="API key permission: Funds permissions - Deposit.",
)
CANCEL_PAY_REQUEST: Final[Endpoint[t.CancelPayRequestParams, t.CancelPayRequestResult]] = Endpoint(
    "cancel_pay_request",
    "POST",
    "/0/private/Pay/request/cancel",
    Auth.API_SIGN,
    t.CancelPayRequestParams,
    "Cancel a payment request by its external_id.",
    payload=Payload.JSON,
    operation_id="cancelPayRequest",
    description="API key permission: Funds permissions - Query.",
)
CREATE_PAY_TRANSFER: Final[Endpoint[t.CreatePayTransferParams, t.CreatePayTransferResult]] = (
    Endpoint(
        "create_pay_transfer",
        "POST",
        "/0/private/Pay/transfer/create",
        Auth.API_SIGN,
        t.CreatePayTransferParams,
        "Send a pay transfer to a Kraktag (asynchronous: the final status comes by callback).",
        payload=Payload.JSON,
        retry_safe=False,
        operation_id="createPayTransfer",
        description="API key permissions: Funds permissions - Query and Withdraw.",
    )
)
CANCEL_PAY_TRANSFER: Final[Endpoint[t.CancelPayTransferParams, t.CancelPayTransferResult]] = (
    Endpoint(
        "cancel_pay_transfer",
        "POST",
        "/0/private/Pay/transfer/cancel",
        Auth.API_SIGN,
        t.CancelPayTransferParams,
        "Cancel a pay transfer or an unclaimed paylink by its external_id.",
        payload=Payload.JSON,
        operation_id="cancelPayTransfer",
        description="API key permission: Funds permissions - Query.",
    )
)
CREATE_PAYLINK_CODE: Final[Endpoint[t.CreatePaylinkCodeParams, t.CreatePaylinkCodeResult]] = (
    Endpoint(
        "create_paylink_code",
        "POST",
        "/0/private/Pay/paylink/create",
        Auth.API_SIGN,
        t.CreatePaylinkCodeParams,
        "Create a paylink (asynchronous: fetch the code with get_paylink_code).",
        payload=Payload.JSON,
        retry_safe=False,
        operation_id="createPaylinkCode",
        description="API key permissions: Funds permissions - Query and Withdraw.",
    )
)
GET_PAYLINK_CODE: Final[Endpoint[t.GetPaylinkCodeParams, t.GetPaylinkCodeResult]] = Endpoint(
    "get_paylink_code",
    "POST",
    "/0/private/Pay/paylink/get",
    Auth.API_SIGN,
    t.GetPaylinkCodeParams,
    "Get the claim link of a paylink (an error until the code is generated).",
    payload=Payload.JSON,
    operation_id="getPaylinkCode",
    description="API key permission: Funds permissions - Query.",
)
GET_PAYLINK_CONFIG: Final[Endpoint[t.GetPaylinkConfigParams, t.GetPaylinkConfigResult]] = Endpoint(
    "get_paylink_config",
    "POST",
    "/0/private/Pay/paylink/config",
    Auth.API_SIGN,
    t.GetPaylinkConfigParams,
    "Get the paylink configuration (expiry time in seconds).",
    payload=Payload.JSON,
    operation_id="getPaylinkConfig",
    description="API key permission: Funds permissions - Query.",
)

CATALOGUE: Final[tuple[Endpoint[Any, Any], ...]] = (
    CREATE_PAY_REQUEST,
    CANCEL_PAY_REQUEST,
    CREATE_PAY_TRANSFER,
    CANCEL_PAY_TRANSFER,
    CREATE_PAYLINK_CODE,
    GET_PAYLINK_CODE,
    GET_PAYLINK_CONFIG,
)
"""Every Kraken Pay endpoint, in the order of Kraken's Pay spec."""

BY_NAME: Final[dict[str, Endpoint[Any, Any]]] = {e.name: e for e in CATALOGUE}
"""Pay endpoints by method name."""

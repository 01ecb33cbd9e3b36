"""The async REST client base: runs one catalogue call from parameters to result.

This file is the source of truth for both flavours: ``tools/codegen.py`` turns it into
``kraken/clients/_sync/rest.py``. Keep async-only constructs to ``async def``, ``await``,
``async with`` and names starting with ``Async``, which the generator knows how to rewrite.
"""

from __future__ import annotations

import logging
import random
import warnings
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

from kraken.adapters.cassette_errors import CassetteError
from kraken.adapters.http1_anyio import AnyioHttpTransport
from kraken.clients._async.support import key_gate, resolve, sleep
from kraken.clients.ids import generate_new_order_id
from kraken.clients.limits import KeyLimits, key_limits
from kraken.clients.nonces import KeyState, key_state
from kraken.clients.options import RateLimitOption, RestOptions, TierOption, TimestampFn
from kraken.core.auth.credentials import Credentials
from kraken.core.errors import (
    KrakenAPIError,
    KrakenAPIWarning,
    KrakenDeprecationWarning,
    KrakenTransportError,
    KrakenUsageError,
    MissingCredentialsError,
    RateLimitError,
)
from kraken.core.policy import (
    Charge,
    GiveUp,
    Raise,
    RateLimitMode,
    RetryDecision,
    RetryPolicy,
    Wait,
    never_repeated,
    retry_view,
)
from kraken.core.rest.endpoint import Endpoint
from kraken.core.rest.envelope import Outcome
from kraken.core.rest.prepare import BodyEncoding, SignedDraft
from kraken.core.rest.reply import parse_reply
from kraken.core.rest.values import Request, Response
from kraken.ports.clock import Clock
from kraken.ports.nonce import NonceSource, RequestGate
from kraken.ports.rest import AsyncRestTransport
from kraken.ports.signer import SignMessageFn

__all__ = ["AsyncRestClient"]

P = TypeVar("P")
R = TypeVar("R")

logger = logging.getLogger("kraken.rest")


class AsyncRestClient:
    """Shared machinery of the async REST clients: options, transport, nonce, signing, parsing.

    Use a concrete client such as :class:`~kraken.AsyncSpotClient`; every option is described
    there.
    """

    _client_name = "AsyncRestClient"
    _default_base_url = "https://api.kraken.com"
    _testnet_base_url: str | None = None
    _testnet_notice = ""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        api_access_token: str | None = None,
        base_url: str | None = None,
        strict_param_validation: bool = False,
        parse_exceptions: bool = True,
        keep_alive: bool = True,
        keep_alive_msecs: int = 5000,
        custom_timestamp_fn: TimestampFn | None = None,
        custom_sign_message_fn: SignMessageFn | None = None,
        timeout: float | None = 30.0,
        proxy: str | None = None,
        user_agent: str | None = None,
        transport: AsyncRestTransport | None = None,
        nonce_source: NonceSource | None = None,
        clock: Clock | None = None,
        body_encoding: BodyEncoding = "json",
        testnet: bool = False,
        default_headers: Mapping[str, str] | None = None,
        rate_limit: RateLimitOption = "wait",
        tier: TierOption = "starter",
        retry: RetryPolicy | None = RetryPolicy(),
        rate_limit_costs: Mapping[str, float] | None = None,
        max_rate_limit_wait: float | None = None,
    ) -> None:
        self._options = RestOptions(
            client_name=self._client_name,
            default_base_url=self._base_url_for(testnet=testnet, base_url=base_url),
            api_key=api_key,
            api_secret=api_secret,
            api_access_token=api_access_token,
            base_url=base_url,
            strict_param_validation=strict_param_validation,
            parse_exceptions=parse_exceptions,
            keep_alive=keep_alive,
            keep_alive_msecs=keep_alive_msecs,
            custom_timestamp_fn=custom_timestamp_fn,
            custom_sign_message_fn=custom_sign_message_fn,
            timeout=timeout,
            proxy=proxy,
            user_agent=user_agent,
            transport_given=transport is not None,
            nonce_source=nonce_source,
            clock=clock,
            body_encoding=body_encoding,
            default_headers=default_headers,
            rate_limit=rate_limit,
            tier=tier,
            retry=retry,
            rate_limit_costs=rate_limit_costs,
            max_rate_limit_wait=max_rate_limit_wait,
        )
        options = self._options
        credentials = options.credentials
        self._key: KeyState | None = key_state(credentials.fingerprint) if credentials else None
        # Kraken counts per key: every client on this key (and clock) charges the same models.
        self._limits: KeyLimits | None = (
            key_limits(credentials.fingerprint, options.clock, options.tier)
            if credentials
            else None
        )
        # Jitter for retry backoff; not cryptographic.
        self._random = random.Random()
        self._owns_transport = transport is None
        self._transport: AsyncRestTransport = transport or _default_transport(
            timeout, proxy, self._options.keep_alive, keep_alive_msecs
        )

    @classmethod
    def _base_url_for(cls, *, testnet: bool, base_url: str | None) -> str:
        if not testnet:
            return cls._default_base_url
        if cls._testnet_base_url is None:
            raise KrakenUsageError(f"{cls._client_name}: Kraken offers no testnet for this API.")
        if base_url is not None:
            raise KrakenUsageError(f"{cls._client_name}: pass either testnet=True or base_url=.")
        # 1: here, 2: RestClient.__init__, 3: the caller constructing the client.
        warnings.warn(cls._testnet_notice, KrakenDeprecationWarning, stacklevel=3)
        return cls._testnet_base_url

    @staticmethod
    def generate_new_order_id() -> str:
        """A crypto-random client order id (32 hex chars) Kraken accepts for ``cl_ord_id``."""
        return generate_new_order_id()

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._options.builder.base_url

    def set_access_token(self, token: str | None) -> None:
        """Set (or clear, with ``None``) the OAuth bearer token used by bearer endpoints."""
        self._options.access_token = token or None

    def has_access_token(self) -> bool:
        """True when an OAuth bearer token is set."""
        return self._options.access_token is not None

    async def _call(self, endpoint: Endpoint[P, R], params: P | None) -> R:
        """Build, authenticate, send and parse one call of ``endpoint``.

        Signed calls first pass the key's rate-limit models (waiting or raising as
        ``rate_limit`` says); a failed attempt is repeated when the retry policy says so, each
        time with a fresh nonce and signature.
        """
        options = self._options
        prepared = options.builder.prepare(
            endpoint,
            params,
            access_token=options.access_token,
            keys_available=options.credentials is not None,
        )
        charges: tuple[Charge, ...] = ()
        if not isinstance(prepared, Request):
            self._require_credentials(endpoint)
            if options.rate_limit is not RateLimitMode.OFF:
                # Charges only matter to the models; with rate limits off, skip the planning.
                charges = options.planner.plan(endpoint, params)
        attempt = 0
        nonce_retried = False
        while True:
            await self._admit(endpoint, charges)
            try:
                if isinstance(prepared, Request):
                    response = await self._send(prepared)
                else:
                    response = await self._send_signed(endpoint, prepared)
                outcome: Outcome = parse_reply(
                    endpoint, response, map_errors=options.parse_exceptions
                )
            except (KrakenAPIError, KrakenTransportError) as error:
                decision = self._after_failure(endpoint, charges, attempt, nonce_retried, error)
                if isinstance(decision, GiveUp):
                    raise
                logger.info(
                    "%s: retrying in %.3f s (%s)",
                    endpoint.name,
                    decision.after_seconds,
                    decision.reason,
                )
                if decision.fresh_nonce:
                    nonce_retried = True
                else:
                    attempt += 1
                if decision.after_seconds > 0:
                    await sleep(decision.after_seconds, options.clock)
                continue
            break
        for warning in outcome.warnings:
            warnings.warn(f"{endpoint.name}: {warning}", KrakenAPIWarning, stacklevel=3)
        result: R = outcome.result
        return result

    def _require_credentials(self, endpoint: Endpoint[Any, Any]) -> tuple[Credentials, KeyState]:
        """The key's credentials and nonce state; raises before any I/O when there are none."""
        credentials = self._options.credentials
        if credentials is None or self._key is None:
            raise MissingCredentialsError(
                f"{endpoint.name}() is a private endpoint: pass api_key= and api_secret= (or "
                f"custom_sign_message_fn=) to {self._client_name}."
            )
        return credentials, self._key

    async def _admit(self, endpoint: Endpoint[Any, Any], charges: tuple[Charge, ...]) -> None:
        """Carry out the rate-limit decision for one attempt: go, wait, or raise unsent."""
        options = self._options
        limits = self._limits
        if not charges or limits is None or options.rate_limit is RateLimitMode.OFF:
            return
        clock = options.clock
        decision = limits.admit(
            options.rate_limit,
            charges,
            clock.monotonic(),
            max_wait=options.max_rate_limit_wait,
            endpoint=endpoint.name,
        )
        if isinstance(decision, Raise):
            raise decision.error
        if isinstance(decision, Wait):
            logger.debug("%s: waiting %.3f s for the rate limit", endpoint.name, decision.seconds)
            try:
                await sleep(decision.seconds, clock)
            except BaseException:
                # Cancelled (or interrupted) while waiting: the call is not sent.
                limits.refund(charges, clock.monotonic())
                raise

    def _after_failure(
        self,
        endpoint: Endpoint[Any, Any],
        charges: tuple[Charge, ...],
        attempt: int,
        nonce_retried: bool,
        error: KrakenAPIError | KrakenTransportError,
    ) -> RetryDecision:
        """Update the rate-limit models from a failure and ask the retry policy what next."""
        options = self._options
        clock = options.clock
        seen = retry_view(error)
        wait = 0.0
        limits = self._limits
        if (
            isinstance(seen, RateLimitError)
            and charges
            and limits is not None
            and options.rate_limit is not RateLimitMode.OFF
        ):
            wait = limits.observe_refusal(charges, seen, clock.monotonic())
        policy = options.retry
        if policy is None:
            return GiveUp("retries are off (retry=None)")
        if isinstance(error, CassetteError):
            # A replayed cassette answers the same way every time: repeating cannot help.
            return GiveUp("a cassette error is not transient")
        return policy.decide(
            attempt,
            seen,
            endpoint_retry_safe=endpoint.retry_safe,
            # Placing, amending or trading is never repeated (a validate-only order included).
            places_orders=never_repeated(endpoint),
            now_unix=clock.time_ns() / 1e9,
            random_unit=self._random.random(),
            nonce_retried=nonce_retried,
            rate_limit_wait=wait,
        )

    async def _send_signed(self, endpoint: Endpoint[Any, Any], pending: SignedDraft) -> Response:
        options = self._options
        credentials, key = self._require_credentials(endpoint)
        # The gate keeps nonce order equal to arrival order (see kraken.clients.nonces).
        async with key_gate(key):
            gate = options.request_gate
            if gate is not None:
                await self._hold_across_processes(gate, credentials.fingerprint)
            try:
                if options.nonce_source is None:
                    nonce = key.next_nonce(options.now_ns())
                else:
                    nonce = await self._next_nonce(key)
                body, message = pending.signing_input(nonce)
                if options.signer is not None:
                    signature = options.signer(message)
                else:
                    signature = await resolve(
                        options.custom_sign_message_fn(message, credentials.api_secret)
                    )
                    if not isinstance(signature, str) or not signature:
                        raise KrakenUsageError(
                            "custom_sign_message_fn must return the base64 signature as a "
                            "non-empty str."
                        )
                return await self._send(pending.finish(nonce, body, credentials.api_key, signature))
            finally:
                if gate is not None:
                    gate.release(credentials.fingerprint)

    async def _hold_across_processes(self, gate: RequestGate, fingerprint: str) -> None:
        """Wait (polling, never blocking) until no other process holds this key."""
        while not gate.try_hold(fingerprint):
            await sleep(0.001, self._options.clock)

    async def _next_nonce(self, key: KeyState) -> int:
        """A nonce from the plugged NonceSource (shared between processes)."""
        options = self._options
        source = options.nonce_source
        credentials = options.credentials
        if source is None or credentials is None:
            raise RuntimeError("_next_nonce needs a nonce_source and credentials")
        nonce = await resolve(source.next_nonce(credentials.fingerprint, options.now_ns()))
        key.observe(nonce)
        return nonce

    async def _send(self, request: Request) -> Response:
        if not logger.isEnabledFor(logging.DEBUG):
            # The usual case: skip building the log arguments (bench B3).
            return await self._transport.send(request)
        logger.debug("%s %s", request.method, request.url.partition("?")[0])
        response = await self._transport.send(request)
        logger.debug(
            "%s -> HTTP %s (%d bytes)", request.endpoint, response.status, len(response.body)
        )
        return response

    async def aclose(self) -> None:
        """Close the connection pool (only a transport the client created itself)."""
        if self._owns_transport:
            await self._transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        credentials = self._options.credentials
        who = f"key=<redacted {credentials.fingerprint}>" if credentials else "public"
        return f"{type(self).__name__}(base_url={self.base_url!r}, {who})"


def _default_transport(
    timeout: float | None, proxy: str | None, keep_alive: bool, keep_alive_msecs: int
) -> AsyncRestTransport:
    """The SDK's own HTTP/1.1 transport; httpx (imported only then) when a proxy is asked for."""
    if proxy is None:
        return AnyioHttpTransport(
            timeout=timeout, keep_alive=keep_alive, keep_alive_msecs=keep_alive_msecs
        )
    from kraken.adapters.httpx_rest import AsyncHttpxTransport

    return AsyncHttpxTransport(
        timeout=timeout, proxy=proxy, keep_alive=keep_alive, keep_alive_msecs=keep_alive_msecs
    )

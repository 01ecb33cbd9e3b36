"""B3: a full private AddOrder call through a zero-cost stub transport, sync and async.

Ours: ``SpotClient(transport=MemoryTransport(handler))`` / ``AsyncSpotClient(transport=
AsyncMemoryTransport(handler))`` calling ``submit_order(params)``; the handler returns one canned
``Response``. Peers: the HTTP layer is replaced by a canned response at
``requests.Session.request`` (python-kraken-sdk sync, krakenex, ccxt) or
``aiohttp.ClientSession.request`` (python-kraken-sdk async), as in peers.md 4.1, so what is
timed is client overhead: params, nonce, signing, headers, JSON decode, error check.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any
from urllib.parse import urlencode

from common import (
    API_KEY,
    API_SECRET,
    FIXED_NONCE,
    PARAMS,
    PATH,
    REPLY,
    REPLY_HEADERS,
    RESULT,
    URL,
    Case,
    Reference,
    check_form_fields,
    check_signature,
    time_async,
    time_sync,
)

ROW = "B3"
_BACKENDS = ("asyncio", "trio")


def ref_cases(suffix: str = "", note: str = "") -> list[Case]:
    ref = Reference()
    if ref.call(PARAMS) != RESULT or ref.call(PARAMS, form=True) != RESULT:
        raise AssertionError("reference call did not return the canned result")
    return [
        Case(
            "ref_call_json" + suffix,
            ROW,
            "stdlib reference: prepare (JSON) + C-scanner decode + error check" + note,
            "ref",
            body="json",
            op=partial(ref.call, PARAMS),
        ),
        Case(
            "ref_call_form" + suffix,
            ROW,
            "stdlib reference: prepare (form) + C-scanner decode + error check" + note,
            "ref",
            body="form",
            op=partial(ref.call, PARAMS, form=True),
        ),
    ]


# -- ours ------------------------------------------------------------------------------------------


def _check_ours(who: str, encoding: str, request: Any, result: Any) -> None:
    ref = Reference()
    expected = (ref.json_body if encoding == "json" else ref.form_body)(FIXED_NONCE, PARAMS)
    if request.body != expected:
        raise AssertionError(f"{who}: body {request.body!r} != reference {expected!r}")
    check_signature(who, request.headers["API-Sign"], FIXED_NONCE, request.body)
    if result != RESULT:
        raise AssertionError(f"{who}: result {result!r} != canned result")


def _ours_async_runner(encoding: str, backend: str) -> Any:
    import anyio

    from rows._ours import async_client

    def run_async(n: int, repeats: int, warmup: int) -> list[float]:
        async def main() -> list[float]:
            client = async_client(encoding)
            async with client:
                return await time_async(partial(client.submit_order, PARAMS), n, repeats, warmup)

        return anyio.run(main, backend=backend)

    return run_async


def ours_cases() -> list[Case]:
    import anyio

    from rows._ours import async_client, sync_client

    cases: list[Case] = []
    for encoding in ("json", "form"):
        check = sync_client(encoding, verify=True)
        result = check.submit_order(PARAMS)
        _check_ours(f"ours sync {encoding}", encoding, check._transport.requests[-1], result)
        default = ", our default" if encoding == "json" else ""
        client = sync_client(encoding)
        cases.append(
            Case(
                f"ours_sync_{encoding}",
                ROW,
                f"ours: SpotClient.submit_order ({encoding}{default})",
                "ours",
                body=encoding,
                op=partial(client.submit_order, PARAMS),
            )
        )
    for backend in _BACKENDS:
        for encoding in ("json", "form") if backend == "asyncio" else ("json",):

            async def verify(encoding: str = encoding, backend: str = backend) -> None:
                check = async_client(encoding, verify=True)
                result = await check.submit_order(PARAMS)
                who = f"ours async {backend} {encoding}"
                _check_ours(who, encoding, check._transport.requests[-1], result)

            anyio.run(verify, backend=backend)
            cases.append(
                Case(
                    f"ours_async_{backend}_{encoding}",
                    ROW,
                    f"ours: AsyncSpotClient.submit_order ({encoding}, {backend})",
                    "ours",
                    body=encoding,
                    flavour="async",
                    run_async=_ours_async_runner(encoding, backend),
                )
            )
    return cases + ref_cases()


# -- peers -----------------------------------------------------------------------------------------

_captured: list[dict[str, Any]] = []
_CAPTURE = [False]  # record the next stubbed request(s) into _captured (signature checks only)


def _install_stubs() -> None:
    """Replace the HTTP layer of requests and aiohttp with a canned reply (this process only)."""
    import aiohttp
    import requests

    canned = requests.Response()
    canned.status_code = 200
    canned.reason = "OK"
    canned.url = URL
    canned._content = REPLY
    canned.headers.update(REPLY_HEADERS)
    canned.encoding = "utf-8"

    def fake_request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        if _CAPTURE[0]:
            _captured.append(kwargs)
        return canned

    class FakeAiohttpResponse:
        status = 200

        async def json(self) -> Any:
            # aiohttp's ClientResponse.json(): body already read, decode, json.loads.
            return json.loads(REPLY.decode("utf-8"))

    aio = FakeAiohttpResponse()

    async def fake_aiohttp_request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        if _CAPTURE[0]:
            _captured.append(kwargs)
        return aio

    _STUBS[:] = [
        (requests.Session, "request", fake_request),
        (aiohttp.ClientSession, "request", fake_aiohttp_request),
    ]


# (class, attribute, stub); swapped in only while a B3 peer case runs, because other rows (B6,
# B8) send real requests from the same peers' process.
_STUBS: list[tuple[type, str, Any]] = []


@contextmanager
def _stubbed() -> Iterator[None]:
    saved = [(cls, name, getattr(cls, name)) for cls, name, _ in _STUBS]
    for cls, name, stub in _STUBS:
        setattr(cls, name, stub)
    try:
        yield
    finally:
        for cls, name, original in saved:
            setattr(cls, name, original)


def _under_stubs(case: Case) -> Case:
    """The same case, with the HTTP stubs in place only while it is measured."""
    op, original = case.op, case.run_async

    def run(n: int, repeats: int, warmup: int) -> list[float]:
        with _stubbed():
            if original is not None:
                return original(n, repeats, warmup)
            assert op is not None
            return time_sync(op, n, repeats, warmup)

    case.run_async = run
    return case


def _capture_one(call: Any) -> tuple[Any, dict[str, Any]]:
    _captured.clear()
    _CAPTURE[0] = True
    try:
        with _stubbed():
            result = call()
    finally:
        _CAPTURE[0] = False
    assert len(_captured) == 1, _captured
    return result, _captured[0]


def _check_sent_form(who: str, sent: dict[str, Any], fields: bool = True) -> None:
    data = sent["data"]
    body = data if isinstance(data, bytes) else urlencode(data, doseq=True).encode()
    if fields:
        check_form_fields(who, body, FIXED_NONCE)
    check_signature(who, sent["headers"]["API-Sign"], FIXED_NONCE, body)


def peer_cases() -> list[Case]:
    import ccxt
    import krakenex

    from kraken.base_api import SpotAsyncClient, SpotClient
    from kraken.spot import Trade

    _install_stubs()
    cases: list[Case] = []

    # python-kraken-sdk, sync generic request() (form, its default).
    check = SpotClient(key=API_KEY, secret=API_SECRET)
    check.get_nonce = lambda: str(FIXED_NONCE)
    result, sent = _capture_one(lambda: check.request("POST", PATH, params=dict(PARAMS)))
    assert result == RESULT, result
    _check_sent_form("pks SpotClient.request", sent)
    pks = SpotClient(key=API_KEY, secret=API_SECRET)
    cases.append(
        Case(
            "pks_sync_form",
            ROW,
            "python-kraken-sdk SpotClient.request('POST', '/0/private/AddOrder', params)",
            "peer",
            body="form",
            op=partial(pks.request, "POST", PATH, params=dict(PARAMS)),
        )
    )

    # python-kraken-sdk, the per-endpoint wrapper (adds stptype/starttm/validate/reduce_only).
    order = {
        "ordertype": PARAMS["ordertype"],
        "side": PARAMS["type"],
        "pair": PARAMS["pair"],
        "volume": PARAMS["volume"],
        "price": PARAMS["price"],
        "oflags": PARAMS["oflags"],
        "cl_ord_id": PARAMS["cl_ord_id"],
    }
    check_trade = Trade(key=API_KEY, secret=API_SECRET)
    check_trade.get_nonce = lambda: str(FIXED_NONCE)
    result, sent = _capture_one(lambda: check_trade.create_order(**order))
    assert result == RESULT, result
    _check_sent_form("pks Trade.create_order", sent, fields=False)
    trade = Trade(key=API_KEY, secret=API_SECRET)
    cases.append(
        Case(
            "pks_trade_form",
            ROW,
            "python-kraken-sdk Trade.create_order(...)",
            "peer",
            body="form",
            note="sends 11 fields: adds stptype, starttm, validate, reduce_only defaults",
            op=partial(trade.create_order, **order),
        )
    )

    # python-kraken-sdk, async generic request() (aiohttp stubbed).
    async def verify_async() -> None:
        client = SpotAsyncClient(key=API_KEY, secret=API_SECRET)
        client.get_nonce = lambda: str(FIXED_NONCE)
        try:
            _captured.clear()
            _CAPTURE[0] = True
            with _stubbed():
                result = await client.request("POST", PATH, params=dict(PARAMS))
        finally:
            _CAPTURE[0] = False
            await client.close()
        assert result == RESULT, result
        assert len(_captured) == 1
        _check_sent_form("pks SpotAsyncClient.request", _captured[0])

    asyncio.run(verify_async())

    def pks_async(n: int, repeats: int, warmup: int) -> list[float]:
        async def main() -> list[float]:
            client = SpotAsyncClient(key=API_KEY, secret=API_SECRET)
            try:
                aop = partial(client.request, "POST", PATH, params=dict(PARAMS))
                return await time_async(aop, n, repeats, warmup)
            finally:
                await client.close()

        return asyncio.run(main())

    cases.append(
        Case(
            "pks_async_form",
            ROW,
            "python-kraken-sdk SpotAsyncClient.request(...) (asyncio)",
            "peer",
            body="form",
            flavour="async",
            note="aiohttp stubbed with a minimal response (json() = decode + json.loads)",
            run_async=pks_async,
        )
    )

    # krakenex query_private (requests stubbed).
    check_api = krakenex.API(key=API_KEY, secret=API_SECRET)
    check_api._nonce = lambda: FIXED_NONCE
    result, sent = _capture_one(lambda: check_api.query_private("AddOrder", dict(PARAMS)))
    assert result == {"error": [], "result": RESULT}, result
    _check_sent_form("krakenex query_private", sent)
    api = krakenex.API(key=API_KEY, secret=API_SECRET)
    cases.append(
        Case(
            "krakenex_form",
            ROW,
            "krakenex API.query_private('AddOrder', params)",
            "peer",
            body="form",
            note="returns the raw envelope: no error check",
            op=partial(api.query_private, "AddOrder", dict(PARAMS)),
        )
    )

    # ccxt implicit API, rate limiter on (AddOrder costs 0, so it never sleeps).
    check_ex = ccxt.kraken({"apiKey": API_KEY, "secret": API_SECRET, "enableRateLimit": True})
    check_ex.nonce = lambda: FIXED_NONCE
    result, sent = _capture_one(lambda: check_ex.privatePostAddOrder(PARAMS))
    assert result["result"] == RESULT, result
    _check_sent_form("ccxt privatePostAddOrder", sent)
    ex = ccxt.kraken({"apiKey": API_KEY, "secret": API_SECRET, "enableRateLimit": True})
    cases.append(
        Case(
            "ccxt_form",
            ROW,
            "ccxt kraken.privatePostAddOrder(params) (rate limiter on)",
            "peer",
            body="form",
            op=partial(ex.privatePostAddOrder, PARAMS),
        )
    )
    return [_under_stubs(case) for case in cases] + ref_cases(
        "@peers", " [peers' process: control]"
    )

"""B2: full prepare of a signed AddOrder: nonce + body encoding + signature + headers."""

from __future__ import annotations

import inspect
import json
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode

from common import (
    API_KEY,
    API_SECRET,
    FIXED_NONCE,
    PARAMS,
    PATH,
    Case,
    Reference,
    check_form_fields,
    check_json_fields,
    check_signature,
)

ROW = "B2"


def ref_cases(suffix: str = "", note: str = "") -> list[Case]:
    ref = Reference()
    # Self-check of the inlined signing in prepare_*: re-sign the body with the nonce it carries.
    _, headers, body = ref.prepare_json(PARAMS)
    check_signature("reference json", headers["API-Sign"], json.loads(body)["nonce"], body)
    expected = urlencode({"nonce": FIXED_NONCE, **PARAMS}).encode()
    if ref.form_body(FIXED_NONCE, PARAMS) != expected:
        raise AssertionError("reference form body is not byte-identical to urlencode")
    _, headers, body = ref.prepare_form(PARAMS)
    check_signature(
        "reference form", headers["API-Sign"], dict(parse_qsl(body.decode()))["nonce"], body
    )
    return [
        Case(
            "ref_json" + suffix,
            ROW,
            "stdlib reference, JSON body (C encoder built once)" + note,
            "ref",
            body="json",
            op=partial(ref.prepare_json, PARAMS),
        ),
        Case(
            "ref_form" + suffix,
            ROW,
            "stdlib reference, form body (quote_plus-exact translate join)" + note,
            "ref",
            body="form",
            op=partial(ref.prepare_form, PARAMS),
        ),
    ]


def _ours_prepare(client: Any) -> Any:
    """One signed request exactly as the client builds it, stopping before the transport.

    Runs the client's own code: the head of ``_call`` (``RequestBuilder.prepare`` with the same
    arguments) and then ``_send_signed`` (key gate, nonce from the clock through the KeyState
    floor and lock, body, message, signer, ``finish``) with ``_send`` replaced by the identity,
    so the result is the ``Request`` a transport would receive.
    """
    from kraken.core.rest.spot.catalogue import SUBMIT_ORDER
    from kraken.core.rest.values import Request

    client._send = _identity
    options = client._options
    builder = options.builder
    send_signed = client._send_signed
    # The same keyword arguments _call passes (keys_available appeared in a later revision).
    kwargs: dict[str, Any] = {"access_token": options.access_token}
    if "keys_available" in inspect.signature(builder.prepare).parameters:
        kwargs["keys_available"] = options.credentials is not None

    def op() -> Any:
        prepared = builder.prepare(SUBMIT_ORDER, PARAMS, **kwargs)
        if isinstance(prepared, Request):
            raise AssertionError("submit_order must be signed")
        return send_signed(SUBMIT_ORDER, prepared)

    return op


def _identity(request: Any) -> Any:
    return request


def ours_cases() -> list[Case]:
    from rows._ours import sync_client

    ref = Reference()
    cases = []
    for encoding in ("json", "form"):
        request = _ours_prepare(sync_client(encoding, verify=True))()
        expected = (ref.json_body if encoding == "json" else ref.form_body)(FIXED_NONCE, PARAMS)
        if request.body != expected:
            raise AssertionError(
                f"ours ({encoding}): body {request.body!r} != reference {expected!r}"
            )
        check_signature(
            f"ours ({encoding})", request.headers["API-Sign"], FIXED_NONCE, request.body
        )
        default = " (our default)" if encoding == "json" else ""
        cases.append(
            Case(
                f"ours_{encoding}",
                ROW,
                f"ours: {encoding} body{default}",
                "ours",
                body=encoding,
                note="SpotClient: builder.prepare + _send_signed, transport step cut off",
                op=_ours_prepare(sync_client(encoding)),
            )
        )
    return cases + ref_cases()


def peer_cases() -> list[Case]:
    import ccxt
    import krakenex

    from kraken.base_api import SpotClient

    cases: list[Case] = []
    # python-kraken-sdk: _prepare_request(method, uri, params, do_json) returns headers + params;
    # it signs urlencode(params) (form) or json.dumps(params) (JSON), nonce last.
    for do_json, encoding in ((False, "form"), (True, "json")):
        check = SpotClient(key=API_KEY, secret=API_SECRET)
        check.get_nonce = lambda: str(FIXED_NONCE)
        _, _, headers, params, _ = check._prepare_request(
            method="POST", uri=PATH, params=dict(PARAMS), do_json=do_json
        )
        if do_json:
            body = json.dumps(params).encode()
            check_json_fields("pks json", body, FIXED_NONCE)
        else:
            body = urlencode(params, doseq=True).encode()
            check_form_fields("pks form", body, FIXED_NONCE)
        check_signature(f"pks {encoding}", headers["API-Sign"], FIXED_NONCE, body)
        pks = SpotClient(key=API_KEY, secret=API_SECRET)
        cases.append(
            Case(
                f"pks_{encoding}",
                ROW,
                f"python-kraken-sdk SpotClient._prepare_request ({encoding}"
                + (", do_json=True)" if do_json else ", its default)"),
                "peer",
                body=encoding,
                op=partial(
                    pks._prepare_request,
                    method="POST",
                    uri=PATH,
                    params=dict(PARAMS),
                    do_json=do_json,
                ),
            )
        )

    # ccxt: kraken.sign('AddOrder', ['private'], 'POST', params) -> url, method, body, headers.
    check = ccxt.kraken({"apiKey": API_KEY, "secret": API_SECRET})
    check.nonce = lambda: FIXED_NONCE
    signed = check.sign("AddOrder", ["private"], "POST", PARAMS)
    body = signed["body"].encode()
    if body != Reference.form_body(FIXED_NONCE, PARAMS):
        raise AssertionError(f"ccxt body {body!r} differs from the reference form body")
    check_signature("ccxt sign", signed["headers"]["API-Sign"], FIXED_NONCE, body)
    ex = ccxt.kraken({"apiKey": API_KEY, "secret": API_SECRET})
    cases.append(
        Case(
            "ccxt_form",
            ROW,
            "ccxt kraken.sign('AddOrder', ['private'], 'POST', params)",
            "peer",
            body="form",
            op=partial(ex.sign, "AddOrder", ["private"], "POST", PARAMS),
        )
    )

    # krakenex: the statements of query_private() before the HTTP call.
    check_api = krakenex.API(key=API_KEY, secret=API_SECRET)
    data = dict(PARAMS)
    data["nonce"] = FIXED_NONCE
    signature = check_api._sign(data, PATH)
    body = urlencode(data).encode()
    check_form_fields("krakenex", body, FIXED_NONCE)
    check_signature("krakenex _sign", signature, FIXED_NONCE, body)
    api = krakenex.API(key=API_KEY, secret=API_SECRET)
    kx_data = dict(PARAMS)

    def krakenex_prepare() -> dict[str, str]:
        kx_data["nonce"] = api._nonce()
        urlpath = "/" + api.apiversion + "/private/" + "AddOrder"
        return {"API-Key": api.key, "API-Sign": api._sign(kx_data, urlpath)}

    cases.append(
        Case(
            "krakenex_form",
            ROW,
            "krakenex _nonce() + _sign() + headers",
            "peer",
            body="form",
            note="the body is url-encoded again by requests when sent (not timed here)",
            op=krakenex_prepare,
        )
    )
    return cases + ref_cases("@peers", " [peers' process: control]")

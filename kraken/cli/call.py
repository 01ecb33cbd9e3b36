"""``kraken call``: any REST method by name, parameters as ``key=value`` or JSON."""

from __future__ import annotations

import argparse
import base64
import difflib
import importlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kraken.cli.env import CliCredentials, resolve_credentials
from kraken.cli.output import Output
from kraken.core.errors import KrakenUsageError
from kraken.core.rest.endpoint import Endpoint

__all__ = ["PRODUCTS", "Product", "parse_params", "run_call"]


@dataclass(frozen=True)
class Product:
    """One REST client the CLI can drive."""

    client: str
    catalogues: tuple[str, ...]
    credentials: str

    def endpoints(self) -> dict[str, Endpoint[Any, Any]]:
        """Every method of the client by name (its catalogue entries)."""
        found: dict[str, Endpoint[Any, Any]] = {}
        for module in self.catalogues:
            found.update(importlib.import_module(module).BY_NAME)
        return found

    def client_class(self) -> Any:
        """The sync client class (imported on use: ``kraken --help`` stays fast)."""
        module, _, name = self.client.rpartition(".")
        return getattr(importlib.import_module(module), name)


PRODUCTS: dict[str, Product] = {
    "spot": Product(
        "kraken.clients._sync.spot.SpotClient",
        ("kraken.core.rest.spot.catalogue", "kraken.core.rest.pay.catalogue"),
        "spot",
    ),
    "futures": Product(
        "kraken.clients._sync.derivatives.DerivativesClient",
        ("kraken.core.rest.futures.catalogue",),
        "futures",
    ),
    "institutional": Product(
        "kraken.clients._sync.institutional.InstitutionalClient",
        ("kraken.core.rest.institutional.catalogue",),
        "spot",
    ),
    "partner": Product(
        "kraken.clients._sync.partner.PartnerClient",
        ("kraken.core.rest.partner.catalogue",),
        "spot",
    ),
    "affiliate": Product(
        "kraken.clients._sync.affiliate.AffiliateClient",
        ("kraken.core.rest.affiliate.catalogue",),
        "spot",
    ),
}
"""``kraken call PRODUCT``: the product names and the client each one drives."""

ALIASES = {"derivatives": "futures"}


def _json_value(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise KrakenUsageError(
            f"{where} is not valid JSON: {exc.msg} at column {exc.colno}"
        ) from None


def parse_params(items: Sequence[str], params_json: str | None) -> dict[str, Any]:
    """Build the params dict: ``--params`` JSON first, then ``key=value`` / ``key:=json`` items.

    ``key=value`` passes the value as a string (Kraken parses numeric strings, and a string keeps
    its exact digits); ``key:=json`` passes a JSON value (numbers become ``Decimal``, exact).
    """
    params: dict[str, Any] = {}
    if params_json is not None:
        value = _json_value(params_json, "--params")
        if not isinstance(value, dict):
            raise KrakenUsageError('--params must be a JSON object, e.g. \'{"pair": "XBTUSD"}\'.')
        params.update(value)
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name or name == ":":
            raise KrakenUsageError(
                f"expected key=value or key:=json, got {item.split('=', 1)[0]!r} without '='."
            )
        if name.endswith(":"):
            params[name[:-1]] = _json_value(value, f"the value of {name[:-1]!r}")
        else:
            params[name] = value
    return params


def _product(name: str) -> Product:
    key = ALIASES.get(name, name)
    product = PRODUCTS.get(key)
    if product is None:
        raise KrakenUsageError(f"unknown product {name!r}; choose from {', '.join(PRODUCTS)}.")
    return product


def _endpoint(product: Product, product_name: str, method: str) -> Endpoint[Any, Any]:
    endpoints = product.endpoints()
    endpoint = endpoints.get(method)
    if endpoint is None:
        near = difflib.get_close_matches(method, endpoints, n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise KrakenUsageError(
            f"{product_name} has no method {method!r}.{hint} "
            f"List them with: kraken call {product_name}"
        )
    return endpoint


def _list_methods(product: Product, out: Output) -> int:
    rows = sorted(product.endpoints().values(), key=lambda e: e.name)
    if out.json_mode:
        out.result(
            [
                {
                    "name": e.name,
                    "method": e.method,
                    "path": e.path,
                    "private": e.is_private,
                    "summary": e.summary,
                }
                for e in rows
            ]
        )
        return 0
    width = max(len(e.name) for e in rows)
    for e in rows:
        lock = "*" if e.is_private else " "
        out.line(f"{e.name:<{width}} {lock} {e.method:<6} {e.path}  {e.summary}")
    out.line("(* needs credentials)")
    return 0


def _retry_policy(retries: int) -> Any:
    if retries == 0:
        return None
    from kraken.core.policy import RetryPolicy

    return RetryPolicy(max_attempts=retries + 1)


def _replay_credentials() -> CliCredentials:
    # Replay matches requests without their signatures: a throwaway key signs them offline.
    return CliCredentials("replay-key", base64.b64encode(secrets.token_bytes(64)).decode())


def run_call(args: argparse.Namespace, out: Output, environ: Mapping[str, str]) -> int:
    """Run ``kraken call`` (see :func:`kraken.cli.app.build_parser` for the arguments)."""
    product = _product(args.product)
    if args.method is None:
        return _list_methods(product, out)
    endpoint = _endpoint(product, args.product, args.method)
    params = parse_params(args.params, args.params_json)
    credentials = resolve_credentials(product.credentials, environ, args.env_values)
    out.add_secrets(credentials.secrets())
    options: dict[str, Any] = {
        "base_url": args.base_url,
        "timeout": args.timeout,
        "strict_param_validation": args.strict,
    }
    if args.retries is not None:
        if args.retries < 0:
            raise KrakenUsageError("--retries must be 0 or more.")
        options["retry"] = _retry_policy(args.retries)
    if args.replay is not None:
        from kraken.adapters.cassette import ReplayTransport

        options["transport"] = ReplayTransport(args.replay)
        options["retry"] = None  # a recording answers once: a miss will not heal by waiting
        if not credentials.present and endpoint.is_private:
            credentials = _replay_credentials()
            out.add_secrets(credentials.secrets())
    if credentials.present:
        options["api_key"] = credentials.api_key
        options["api_secret"] = credentials.api_secret
    with product.client_class()(**options) as client:
        method = getattr(client, endpoint.name)
        with out.status(f"waiting for {endpoint.method} {endpoint.path}"):
            result = method(params) if params else method()
    out.result(result)
    return 0

"""Generate the REST clients: methods from catalogues, then sync twins from the async source.

One source of truth for sync and async (architecture.md, rule 4):

1. ``kraken/clients/_async/<product>.py`` is written from each endpoint catalogue: one typed method
   per :class:`~kraken.core.rest.endpoint.Endpoint`.
2. Every module in ``kraken/clients/_async/`` except ``support.py`` is rewritten into
   ``kraken/clients/_sync/`` by a small, explicit set of token rules (the httpcore ``unasync``
   approach).

``python tools/codegen.py`` writes the files; ``--check`` exits 1 when any committed file differs
from what would be generated (CI runs it).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Sibling tools are found through this entry (tools/ is no package; tests load tools by path).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_files import write_or_check

ROOT = Path(__file__).resolve().parent.parent
ASYNC_DIR = ROOT / "kraken" / "clients" / "_async"
SYNC_DIR = ROOT / "kraken" / "clients" / "_sync"
HANDWRITTEN = {"__init__.py", "support.py"}

sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class ExtraOption:
    """A typed constructor keyword of one product, folded into a base option by a helper.

    The generated ``__init__`` repeats the base client's keyword-only parameters (read from
    ``kraken/clients/_async/rest.py``, so it follows the base), adds ``name: annotation = None``
    and passes ``target=helper(target, name)`` up: no change to the client base is needed.
    """

    name: str
    annotation: str
    doc: str
    """The ``Args:`` text; continuation lines are indented for you."""
    helper: str
    """``"package.module:function"``; called as ``function(<target value>, <name value>)``."""
    target: str


@dataclass(frozen=True)
class Product:
    """One generated client: where its catalogue lives and how it is presented."""

    module: str
    catalogue: str
    types: str
    class_name: str
    base_url: str
    title: str
    blurb: str
    extra_catalogues: tuple[str, ...] = ()
    """More catalogue modules whose endpoints this client also serves (Kraken Pay on Spot);
    each is imported as ``<package>_c`` with its types as ``<package>_t``."""
    extra_options: tuple[ExtraOption, ...] = ()
    """Product-specific constructor keywords (Embed's ``kraken_version``)."""
    testnet_base_url: str | None = None
    """Where ``testnet=True`` routes (emitted as ``_testnet_base_url`` only when set)."""
    testnet_notice: str = ""
    """The warning ``testnet=True`` raises (emitted as ``_testnet_notice`` only when set)."""


PRODUCTS = (
    Product(
        module="spot",
        catalogue="kraken.core.rest.spot.catalogue",
        types="kraken.core.rest.spot.types",
        class_name="AsyncSpotClient",
        base_url="https://api.kraken.com",
        title="Kraken Spot REST API",
        blurb=(
            "Market data, account data, trading, funding, subaccounts, Earn, MiCA transparency\n"
            "and OAuth / Fast API key management: every Spot REST endpoint as one method."
        ),
        extra_catalogues=("kraken.core.rest.pay.catalogue",),
    ),
    Product(
        module="derivatives",
        catalogue="kraken.core.rest.futures.catalogue",
        types="kraken.core.rest.futures.types",
        class_name="AsyncDerivativesClient",
        base_url="https://futures.kraken.com",
        title="Kraken Derivatives (Futures) REST API",
        blurb=(
            "Market data and instruments, orders (batch included), multi-collateral and leverage\n"
            "preferences, accounts and margin, assignment program, trading settings, subaccounts\n"
            "and transfers, RFQs, account and market history, charts, the API-key check and\n"
            "market-share statistics, signed with ``APIKey`` / ``Nonce`` / ``Authent``.\n\n"
            "Kraken decommissions the Derivatives REST API on 2027-03-01; its replacement is the\n"
            "Unified WebSocket (``wss://uws.kraken.com/v2``). Kraken retired the Futures demo\n"
            "environment on 2026-07-14: ``testnet=True`` still routes to it, with a warning.\n"
            "An order Kraken answers with ``result: success`` but did not place raises\n"
            ":class:`~kraken.OrderNotAcceptedError` (see docs/derivatives.md).\n\n"
            "``api_key`` travels as ``APIKey``. ``api_access_token`` is sent as a bearer token\n"
            "where Kraken accepts one (``get_account_market_share``), when no keys are given."
        ),
        testnet_base_url="https://demo-futures.kraken.com",
        testnet_notice=(
            "testnet=True routes to https://demo-futures.kraken.com, but Kraken retired its "
            "Futures demo environment on 2026-07-14: the host redirects and has no replacement, "
            "so calls will fail. Kraken also decommissions the Derivatives REST API on "
            "2027-03-01 in favour of the Unified WebSocket (wss://uws.kraken.com/v2); see "
            "docs/derivatives.md."
        ),
    ),
    Product(
        module="partner",
        catalogue="kraken.core.rest.partner.catalogue",
        types="kraken.core.rest.partner.types",
        class_name="AsyncPartnerClient",
        base_url="https://nexus.kraken.com",
        title="Kraken Embed and Ramp (partner) REST API",
        blurb=(
            "Embed users, verifications, assets, quotes, custom orders, portfolios, Earn,\n"
            "transfers and settlement reports, and Ramp options, limits, quotes and checkout,\n"
            "signed with ``API-Key`` / ``API-Nonce`` / ``API-Sign``."
        ),
        extra_options=(
            ExtraOption(
                name="kraken_version",
                annotation="str | None",
                doc=(
                    "pin the Embed API version (``Kraken-Version`` header, e.g.\n"
                    '``"2025-04-15"``); Kraken serves the latest version when it is omitted.'
                ),
                helper="kraken.core.rest.partner.options:with_kraken_version",
                target="default_headers",
            ),
        ),
    ),
    Product(
        module="institutional",
        catalogue="kraken.core.rest.institutional.catalogue",
        types="kraken.core.rest.institutional.types",
        class_name="AsyncInstitutionalClient",
        base_url="https://api.kraken.com",
        title="Kraken Institutional REST API",
        blurb=(
            "Custody (vaults, deposits, withdrawals, transactions, review tasks and activities)\n"
            "and OTC (quotes, pairs, exposures), signed with ``API-Key`` / ``API-Sign``."
        ),
    ),
    Product(
        module="affiliate",
        catalogue="kraken.core.rest.affiliate.catalogue",
        types="kraken.core.rest.affiliate.types",
        class_name="AsyncAffiliateClient",
        base_url="https://api.kraken.com",
        title="Kraken Affiliate REST API",
        blurb=(
            "Referred-user daily activity, CPA bounty progress and payout history for approved\n"
            "affiliates, signed with ``API-Key`` / ``API-Sign`` / ``API-Nonce``."
        ),
    ),
)

CLIENT_ARGS = """\
Args:
    api_key: public API key (``API-Key`` header) for private endpoints.
    api_secret: the key's base64 private key. Validated at construction; never shown in any
        repr, log or error. May be omitted when ``custom_sign_message_fn`` holds the secret.
    api_access_token: OAuth access token for bearer endpoints (userinfo, Fast API keys).
    base_url: override the host (https only; http is accepted for loopback test servers).
    strict_param_validation: reject unknown parameters and ``None`` values with
        :class:`~kraken.KrakenUsageError` before any I/O (otherwise ``None`` values are
        dropped).
    parse_exceptions: map Kraken error strings to specific :class:`~kraken.KrakenAPIError`
        subclasses (default). ``False`` raises the base class for every Kraken error.
    keep_alive: reuse connections (default on).
    keep_alive_msecs: how long an idle connection is kept in the pool.
    custom_timestamp_fn: returns the current time in milliseconds; drives the nonce (scaled to
        nanoseconds), e.g. to correct a skewed clock.
    custom_sign_message_fn: ``fn(message: bytes, api_secret: str | None) -> str`` (sync or
        async) returning the base64 HMAC-SHA512 of ``message``: plug an HSM, KMS or remote
        signer. It receives exactly the bytes to MAC, never the request.
    timeout: seconds for a whole request (default 30; connect is capped at 10).
    proxy: an ``http://``, ``https://`` or ``socks5://`` proxy URL; the client then sends
        through httpx instead of its own HTTP/1.1 transport.
    user_agent: prefix for the ``User-Agent`` header.
    transport: any object implementing the REST transport port (recorded fixtures, the fake
        exchange, httpx, your own); the client then does not create or close a connection
        pool.
    nonce_source: a :class:`~kraken.ports.NonceSource` shared between processes.
    clock: a :class:`~kraken.ports.Clock` (tests hand in a fake one). Rate-limit and retry
        waits read it; a clock that also has ``sleep(seconds)`` (a virtual clock) does the
        waiting too.
    body_encoding: ``"json"`` (default) or ``"form"`` for signed bodies; the exact bytes sent
        are the bytes signed either way.
    testnet: route to Kraken's test environment where one exists (see the client's notes).
    default_headers: extra headers for every request; credential and framing headers are
        refused.
    rate_limit: what to do when the key's rate-limit model says a private call would
        overflow a Kraken limit: ``"wait"`` until it fits (default), ``"raise"``
        :class:`~kraken.LocalRateLimitError` without sending, or ``"off"`` (send everything).
        The models are shared by every client on the key in the process (see
        docs/rate-limits.md).
    tier: the account's tier, ``"starter"`` (default), ``"intermediate"`` or ``"pro"``; it
        sizes the spot REST and trading counters.
    retry: a :class:`~kraken.core.policy.RetryPolicy` (default ``RetryPolicy()``: 3
        attempts, full-jitter backoff) or ``None`` for no retries. Orders are never placed
        or amended twice automatically.
    rate_limit_costs: cost overrides by method name, path or Kraken name (e.g.
        ``{"Ledgers": 4}``) on the endpoint's own counter.
    max_rate_limit_wait: the longest rate-limit wait in ``"wait"`` mode, in seconds; a call
        that would wait longer raises :class:`~kraken.LocalRateLimitError` unsent.
"""


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")).replace("Oauth", "OAuth")


def _method(endpoint: Any, c: str = "c", t: str = "t") -> str:
    camel = _camel(endpoint.name)
    const = endpoint.name.upper()
    if endpoint.required:
        signature = f"params: {t}.{camel}Params, /"
    else:
        signature = f"params: {t}.{camel}Params | None = None, /"
    auth = {
        "public": "public",
        "api-sign": "private, signed with ``API-Key`` / ``API-Sign``",
        "bearer": "OAuth bearer token (``api_access_token``)",
        "basic": "OAuth client credentials (``client_id`` / ``client_secret`` params)",
        "embed": "private, signed with ``API-Key`` / ``API-Sign`` / ``API-Nonce``",
        "authent": "private, signed with ``APIKey`` / ``Nonce`` / ``Authent``",
    }[endpoint.auth.value]
    lines = [endpoint.summary, "", f"``{endpoint.method} {endpoint.path}``, {auth}."]
    if endpoint.operation_id:
        lines[-1] += f" Kraken operation ``{endpoint.operation_id}``."
    if endpoint.required:
        lines.append(
            "Required parameters: " + ", ".join(f"``{k}``" for k in sorted(endpoint.required)) + "."
        )
    if not endpoint.retry_safe:
        lines.append("Never retried automatically: a second send could act twice.")
    if endpoint.reply.value == "binary":
        lines.append("Returns the file's raw bytes.")
    doc = "\n".join(textwrap.fill(line, width=88) if line else line for line in lines)
    body = textwrap.indent(f'"""{doc}\n"""', " " * 8)
    return (
        f"    async def {endpoint.name}(self, {signature}) -> {t}.{camel}Result:\n"
        f"{body}\n"
        f"        return await self._call({c}.{const}, params)\n"
    )


def _base_init() -> tuple[list[tuple[str, ast.expr, ast.expr | None]], dict[str, str]]:
    """The base client's keyword-only ``__init__`` parameters and its ``from`` imports."""
    tree = ast.parse((ASYNC_DIR / "rest.py").read_text())
    imports = {
        alias.asname or alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    base = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AsyncRestClient")
    init = next(n for n in base.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    params = []
    for arg, default in zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True):
        assert arg.annotation is not None, f"AsyncRestClient.__init__: {arg.arg} has no annotation"
        params.append((arg.arg, arg.annotation, default))
    return params, imports


def _extra_init(product: Product) -> tuple[str, str]:
    """An ``__init__`` taking the product's extra options, and the imports it needs."""
    if not product.extra_options:
        return "", ""
    params, imports = _base_init()
    names = {
        n.id for _, annotation, _ in params for n in ast.walk(annotation) if isinstance(n, ast.Name)
    }
    needed = sorted((imports[n], n) for n in names if n in imports)
    lines = [f"from {module} import {name}\n" for module, name in needed]
    signature = ["        self,\n", "        *,\n"]
    for option in product.extra_options:
        signature.append(f"        {option.name}: {option.annotation} = None,\n")
        module, function = option.helper.split(":")
        lines.append(f"from {module} import {function}\n")
    passed = {
        o.target: f"{o.helper.split(':')[1]}({o.target}, {o.name})" for o in product.extra_options
    }
    call = []
    for name, annotation, default in params:
        value = "" if default is None else f" = {ast.unparse(default)}"
        signature.append(f"        {name}: {ast.unparse(annotation)}{value},\n")
        call.append(f"            {name}={passed.get(name, name)},\n")
    init = (
        "    def __init__(\n"
        f"{''.join(signature)}"
        "    ) -> None:\n"
        "        super().__init__(\n"
        f"{''.join(call)}"
        "        )\n\n"
    )
    return init, "".join(lines)


def _extra_args_doc(product: Product) -> str:
    """``Args:`` lines for the product's extra options."""
    return "".join(
        f"    {o.name}: {o.doc.replace(chr(10), chr(10) + ' ' * 8)}\n"
        for o in product.extra_options
    )


def _testnet_attrs(product: Product) -> str:
    """The ``_testnet_base_url`` / ``_testnet_notice`` attributes, when the product sets them."""
    lines = ""
    if product.testnet_base_url is not None:
        lines += f"    _testnet_base_url = {product.testnet_base_url!r}\n"
    if product.testnet_notice:
        # Split the notice into literal chunks so the generated line stays under 100 columns.
        chunks = textwrap.wrap(product.testnet_notice, 72, drop_whitespace=False)
        literals = "".join(f"        {c!r}\n" for c in chunks)
        lines += f"    _testnet_notice = (\n{literals}    )\n"
    return lines


def render_product(product: Product) -> str:
    """The async client module for one product, from its catalogue."""
    catalogue = importlib.import_module(product.catalogue)
    methods = "\n".join(_method(e) for e in catalogue.CATALOGUE)
    extra_imports = ""
    for extra in product.extra_catalogues:
        package = extra.rsplit(".", 1)[0]
        alias = package.rsplit(".", 1)[1]
        extra_imports += (
            f"from {package} import catalogue as {alias}_c\n"
            f"from {package} import types as {alias}_t\n"
        )
        module = importlib.import_module(extra)
        methods += "".join("\n" + _method(e, f"{alias}_c", f"{alias}_t") for e in module.CATALOGUE)
    init, init_imports = _extra_init(product)
    class_doc = textwrap.indent(
        f"{product.title} client.\n\n{product.blurb}\n\n"
        f"Default base URL ``{product.base_url}``. Use as a context manager to close the\n"
        f"connection pool: ``async with {product.class_name}(...) as client:``.\n\n{CLIENT_ARGS}"
        f"{_extra_args_doc(product)}",
        "    ",
    ).replace("\n    \n", "\n\n")
    return (
        f"# GENERATED by tools/codegen.py from {product.catalogue}; do not edit.\n"
        f'"""The async {product.title} client: one method per catalogue endpoint."""\n\n'
        "from __future__ import annotations\n\n"
        "from kraken.clients._async.rest import AsyncRestClient\n"
        f"from {product.catalogue.rsplit('.', 1)[0]} import catalogue as c\n"
        f"from {product.catalogue.rsplit('.', 1)[0]} import types as t\n"
        f"{extra_imports}{init_imports}\n"
        f'__all__ = ["{product.class_name}"]\n\n\n'
        f"class {product.class_name}(AsyncRestClient):\n"
        f'    """{class_doc.strip()}\n    """\n\n'
        f'    _client_name = "{product.class_name}"\n'
        f'    _default_base_url = "{product.base_url}"\n'
        f"{_testnet_attrs(product)}\n"
        f"{init}{methods}"
    )


# Rules that turn the async source into its blocking twin, applied in order.
_UNASYNC_RULES: tuple[tuple[str, str], ...] = (
    (r"kraken\.clients\._async\b", "kraken.clients._sync"),
    (r"\bAsync(?=[A-Z])", ""),
    (r"\basync def ", "def "),
    (r"\basync with ", "with "),
    (r"\basync for ", "for "),
    (r"\bawait ", ""),
    (r"kraken\.adapters\.ws_anyio\b", "kraken.adapters.ws_sync"),
    (r"\bAnyioWsConnector\b", "SocketWsConnector"),
    (r"kraken\.adapters\.http1_anyio\b", "kraken.adapters.http1_sync"),
    (r"\bAnyioHttpTransport\b", "SocketHttpTransport"),
    (r"__aiter__", "__iter__"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\bThe async ", "The "),
    (r"\bof the async ", "of the "),
    (r"\basync REST", "REST"),
)


def unasync(source: str, source_name: str) -> str:
    """Rewrite an async module into its sync twin, with a generated-file header."""
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree) or ""
    first = docstring.splitlines()[0] if docstring else "Generated module."
    lines = source.splitlines(keepends=True)
    start = 0
    if (
        tree.body
        and isinstance(tree.body[0], ast.Expr)
        and isinstance(tree.body[0].value, ast.Constant)
    ):
        start = tree.body[0].end_lineno or 0
    rest = "".join(lines[start:])
    prefix = (
        "".join(
            line for line in lines[: tree.body[0].lineno - 1] if not line.startswith("# GENERATED")
        )
        if tree.body
        else ""
    )
    for pattern, replacement in _UNASYNC_RULES:
        rest = re.sub(pattern, replacement, rest)
        first = re.sub(pattern, replacement, first)
    header = (
        f"# GENERATED by tools/codegen.py from kraken/clients/_async/{source_name}; do not edit.\n"
    )
    return f'{header}{prefix}"""{first}"""\n{rest}'


def planned_files() -> dict[Path, str]:
    """Every generated file and its content."""
    files: dict[Path, str] = {}
    for product in PRODUCTS:
        files[ASYNC_DIR / f"{product.module}.py"] = render_product(product)
    sources = {
        p.name: p.read_text() for p in sorted(ASYNC_DIR.glob("*.py")) if p.name not in HANDWRITTEN
    }
    sources.update({path.name: text for path, text in files.items()})
    for name, text in sorted(sources.items()):
        files[SYNC_DIR / name] = unasync(text, name)
    return files


def _format(files: dict[Path, str]) -> dict[Path, str]:
    """Run ruff's formatter over generated text so committed files match `ruff format`."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for index, (path, text) in enumerate(files.items()):
            target = Path(tmp) / f"f{index}_{path.name}"
            target.write_text(text)
            paths[path] = target
        config = ["--config", str(ROOT / "pyproject.toml")]
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run(
            [*ruff, "check", "--quiet", "--fix-only", "--select", "I", *config, tmp], check=False
        )
        subprocess.run([*ruff, "format", "--quiet", *config, tmp], check=True)
        return {path: target.read_text() for path, target in paths.items()}


def main(argv: list[str] | None = None) -> int:
    """Write the generated files, or with ``--check`` report drift and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated files are stale")
    args = parser.parse_args(argv)
    files = _format(planned_files())
    return write_or_check(
        files, tool="codegen", command="python tools/codegen.py", check=args.check
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""The Institutional and Pay catalogues cover Kraken's OTC and Pay specs; the clients serve them."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kraken import (
    AffiliateClient,
    AsyncAffiliateClient,
    AsyncInstitutionalClient,
    AsyncSpotClient,
    InstitutionalClient,
    SpotClient,
)
from kraken.core.rest.affiliate import catalogue as affiliate
from kraken.core.rest.endpoint import Auth, Payload, Reply
from kraken.core.rest.institutional import catalogue as institutional
from kraken.core.rest.institutional import spec_operations as otc_ops
from kraken.core.rest.institutional import types as institutional_types
from kraken.core.rest.pay import catalogue as pay
from kraken.core.rest.pay import spec_operations as pay_ops
from kraken.core.rest.pay import types as pay_types
from kraken.core.rest.spot import catalogue as spot
from tests.core.generator_tools import load_tool

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT.parent / "shared" / "specs" / "kraken-api-specs"
needs_specs = pytest.mark.skipif(
    not (SPECS / "otc" / "openapi_v3.yaml").is_file(),
    reason=f"Kraken's specs are not checked out at {SPECS}",
)

# Operation ids of Kraken's Custody reference (custody-rest.yaml) that we could read.
CUSTODY_OPERATION_IDS = {
    "listCustodyVaults",
    "depositMethods",
    "depositAddresses",
    "listCustodyTasks",
    "getCustodyTask",
    "getCustodyActivity",
}
TABLES = [
    pytest.param(otc_ops.SPEC_OPERATIONS, institutional.OTC, id="otc"),
    pytest.param(pay_ops.SPEC_OPERATIONS, pay.CATALOGUE, id="pay"),
]


# --- the committed tables against the catalogues ---------------------------------------------


@pytest.mark.parametrize(("table", "catalogue"), TABLES)
def test_every_spec_operation_has_exactly_one_entry(table: Any, catalogue: Any) -> None:
    assert len({op_id for op_id, _, _ in table}) == len(table) == 7
    for operation_id, method, path in table:
        entries = [e for e in catalogue if e.operation_id == operation_id]
        assert len(entries) == 1, operation_id
        assert (entries[0].method, entries[0].path) == (method, path)
    assert {e.operation_id for e in catalogue} == {op_id for op_id, _, _ in table}


def test_institutional_is_twelve_custody_and_seven_otc_endpoints() -> None:
    assert len(institutional.CUSTODY) == 12
    assert len(institutional.OTC) == 7
    names = [e.name for e in institutional.CATALOGUE]
    assert len(set(names)) == 19
    custody_ids = {e.operation_id for e in institutional.CUSTODY if e.operation_id}
    assert custody_ids <= CUSTODY_OPERATION_IDS


@pytest.mark.parametrize(
    "entry", [*institutional.CATALOGUE, *pay.CATALOGUE], ids=lambda e: str(e.name)
)
def test_spot_family_entries_are_signed_json_posts(entry: Any) -> None:
    # Custody, OTC and Pay: POST /0/private/..., API-Key + API-Sign, JSON bodies (specs, guide).
    assert entry.method == "POST"
    assert entry.path.startswith("/0/private/")
    assert entry.auth is Auth.API_SIGN
    assert entry.payload is Payload.JSON
    assert entry.reply is Reply.ENVELOPE


def test_custody_parameter_placement() -> None:
    by_name = institutional.BY_NAME
    query_id = {
        "get_custody_vault_by_id",
        "list_custody_transactions",
        "get_custody_transaction_by_id",
        "get_custody_task_by_id",
        "get_custody_activity_by_id",
    }
    vault_header = {
        "get_custody_deposit_methods",
        "get_custody_deposit_addresses",
        "get_custody_withdraw_methods",
        "get_custody_withdraw_addresses",
    }
    for entry in institutional.CATALOGUE:
        assert ("id" in entry.query_params) == (entry.name in query_id), entry.name
        assert ("id" in entry.required) == (entry.name in query_id), entry.name
        assert entry.header_params == ({"x-vault-id"} if entry.name in vault_header else set())
        if entry.name in vault_header:
            assert "x-vault-id" in entry.required
    assert by_name["get_custody_withdraw_addresses"].query_params == {"preferred_asset_name"}


def test_affiliate_is_kraken_documented_api_nonce_signing() -> None:
    assert [e.name for e in affiliate.CATALOGUE] == [
        "get_cpa_progress",
        "get_payout_history",
        "get_daily_activity",
    ]
    for entry in affiliate.CATALOGUE:
        assert entry.method == "GET"
        assert entry.path.startswith("/affiliate/v1/")
        assert entry.auth is Auth.EMBED
        assert entry.reply is Reply.JSON
    assert affiliate.BY_NAME["get_cpa_progress"].required == {"iiban"}


@pytest.mark.parametrize(
    ("module", "catalogue"),
    [(institutional_types, institutional.CATALOGUE), (pay_types, pay.CATALOGUE)],
)
def test_every_entry_has_its_types(module: ModuleType, catalogue: Any) -> None:
    for entry in catalogue:
        camel = entry.params.__name__.removesuffix("Params")
        assert getattr(module, f"{camel}Params") is entry.params
        assert hasattr(module, f"{camel}Result"), entry.name


# --- the generated clients ------------------------------------------------------------------------


def _public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and member.__qualname__.startswith(cls.__name__ + ".")
    }


@pytest.mark.parametrize("cls", [SpotClient, AsyncSpotClient])
def test_the_spot_client_serves_kraken_pay(cls: type) -> None:
    expected = {
        "create_pay_request",
        "cancel_pay_request",
        "create_pay_transfer",
        "cancel_pay_transfer",
        "create_paylink_code",
        "get_paylink_code",
        "get_paylink_config",
    }
    assert {e.name for e in pay.CATALOGUE} == expected
    assert _public_methods(cls) == {e.name for e in spot.CATALOGUE} | expected


@pytest.mark.parametrize(
    ("cls", "catalogue"),
    [
        (InstitutionalClient, institutional.CATALOGUE),
        (AsyncInstitutionalClient, institutional.CATALOGUE),
        (AffiliateClient, affiliate.CATALOGUE),
        (AsyncAffiliateClient, affiliate.CATALOGUE),
    ],
)
def test_each_client_has_one_method_per_entry(cls: type, catalogue: Any) -> None:
    assert _public_methods(cls) == {e.name for e in catalogue}
    assert cls().base_url == "https://api.kraken.com"


# --- the generator ------------------------------------------------------------------------------


def _tool() -> ModuleType:
    return load_tool("gen_institutional_types")


@needs_specs
@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_generated_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status = _tool().main(["--check", "--specs", str(SPECS)])
    assert status == 0, capsys.readouterr().out


# --- parameters against the YAML, read here independently of the generator ---------------------


class _Specs:
    """Just enough ``$ref`` following (including ``$ref`` spliced into ``properties``)."""

    def __init__(self) -> None:
        self._files: dict[Path, Any] = {}

    def load(self, path: Path) -> Any:
        import yaml

        path = path.resolve()
        if path not in self._files:
            self._files[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return self._files[path]

    def deref(self, node: Any, here: Path) -> tuple[Any, Path]:
        while isinstance(node, dict) and "$ref" in node:
            here = (here.parent / str(node["$ref"]).strip()).resolve()
            node = self.load(here)
        return node, here

    def body_parameters(self, spec: str, operation_id: str) -> tuple[set[str], set[str]]:
        """``(required, allowed)`` body property names of an operation, minus ``nonce``."""
        path = SPECS / spec / "openapi_v3.yaml"
        for item in self.load(path)["paths"].values():
            op = item.get("post", {})
            if op.get("operationId") != operation_id:
                continue
            media = op["requestBody"]["content"]["application/json"]
            schema, where = self.deref(media["schema"], path)
            allowed: set[str] = set()
            for key, value in schema.get("properties", {}).items():
                if key == "$ref":  # a shared property set spliced in (external_id.yaml)
                    allowed |= set(
                        self.deref(value if isinstance(value, dict) else {"$ref": value}, where)[0]
                    )
                else:
                    allowed.add(key)
            required = set(schema.get("required", []))
            return required - {"nonce"}, allowed - {"nonce"}
        raise LookupError(operation_id)


@pytest.fixture(scope="module")
def specs() -> _Specs:
    return _Specs()


@needs_specs
@pytest.mark.parametrize(
    ("spec", "entry"),
    [("otc", e) for e in institutional.OTC] + [("pay", e) for e in pay.CATALOGUE],
    ids=lambda v: v if isinstance(v, str) else str(v.name),
)
def test_parameters_follow_the_spec(specs: _Specs, spec: str, entry: Any) -> None:
    required, allowed = specs.body_parameters(spec, entry.operation_id)
    assert entry.required == required
    assert entry.allowed == allowed


def test_required_parameters_spot_checks() -> None:
    assert institutional.BY_NAME["create_otc_quote_request"].required == {"base", "quote", "type"}
    assert pay.BY_NAME["create_pay_transfer"].required == {"external_id", "amount", "asset", "to"}
    assert pay.BY_NAME["create_pay_request"].allowed >= {"from", "expire_after_seconds", "note"}

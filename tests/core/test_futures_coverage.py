"""The Derivatives catalogue covers Kraken's five Futures specs, and its types follow them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kraken.core.rest.endpoint import Auth, Payload, Reply
from kraken.core.rest.futures import types as t
from kraken.core.rest.futures.catalogue import BY_NAME, CATALOGUE
from kraken.core.rest.futures.spec_operations import DEMO_ONLY_OPERATIONS, SPEC_OPERATIONS
from tests.core.generator_tools import load_tool

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SPECS = SHARED / "specs" / "kraken-api-specs"
SURFACE = SHARED / "reference" / "api-surface.md"
SPEC_FILES = {
    "futures-rest/trading/public.yml": "/derivatives/api/v3",
    "futures-rest/history/api-public.yml": "/api/history/v3",
    "futures-rest/charts/api-public.yml": "/api/charts/v1",
    "futures-rest/auth/api-public.yml": "/api/auth/v1",
    "futures-rest/stats/public.yml": "/api/stats/v1",
}
needs_specs = pytest.mark.skipif(
    not (SPECS / "futures-rest" / "trading" / "public.yml").is_file(),
    reason=f"Kraken's specs are not checked out at {SPECS}",
)
# The seed methods Kraken's published specs lack (api-surface.md 1.2: "MAP only").
SEED_ONLY = {
    "get_trading_instruments",
    "get_rfq_assignment_max_leverage",
    "set_rfq_assignment_max_leverage",
    "delete_rfq_assignment_max_leverage",
}


# --- the committed table against the catalogue ------------------------------------------------


def test_the_table_lists_every_operation_once() -> None:
    ids = [op_id for op_id, _, _ in SPEC_OPERATIONS]
    assert len(ids) == len(set(ids)) == 64
    assert set(ids) >= DEMO_ONLY_OPERATIONS


def test_demo_only_endpoints_say_so() -> None:
    demo = {e.name for e in CATALOGUE if e.operation_id in DEMO_ONLY_OPERATIONS}
    assert len(demo) == len(DEMO_ONLY_OPERATIONS) == 8
    for name in demo:
        assert "retired on 2026-07-14" in BY_NAME[name].description, name


@pytest.mark.parametrize(("operation_id", "method", "path"), SPEC_OPERATIONS)
def test_every_spec_operation_has_exactly_one_catalogue_entry(
    operation_id: str, method: str, path: str
) -> None:
    entries = [e for e in CATALOGUE if e.operation_id == operation_id]
    assert len(entries) == 1, f"{operation_id}: {[e.name for e in entries]}"
    assert (entries[0].method, entries[0].path) == (method, path)


def test_the_catalogue_is_the_seed_surface_plus_nothing() -> None:
    assert len(CATALOGUE) == len(BY_NAME) == 68
    table = {op_id for op_id, _, _ in SPEC_OPERATIONS}
    assert {e.name for e in CATALOGUE if not e.operation_id} == SEED_ONLY
    assert all(e.operation_id in table for e in CATALOGUE if e.operation_id)


def test_every_entry_has_its_types() -> None:
    for entry in CATALOGUE:
        camel = entry.params.__name__.removesuffix("Params")
        assert getattr(t, f"{camel}Params") is entry.params
        assert hasattr(t, f"{camel}Result"), entry.name


def test_wire_choices_the_issue_asks_for() -> None:
    batch = BY_NAME["batch_order_management"]
    assert (batch.payload, batch.json_fields) == (Payload.FORM, frozenset({"json"}))
    assert {e.name: e.status_key for e in CATALOGUE if e.status_key} == {
        "submit_order": "sendStatus",
        "edit_order": "editStatus",
        "cancel_order": "cancelStatus",
        "cancel_all_orders": "cancelStatus",
        "batch_order_management": "batchStatus",
    }
    assert {e.name for e in CATALOGUE if not e.retry_safe} == {
        "submit_order",
        "edit_order",
        "batch_order_management",
        "submit_wallet_transfer",
        "submit_subaccount_transfer",
        "submit_transfer_to_spot",
        "submit_rfq_new_offer",
        "update_rfq_open_offer",
        "add_assignment_preference",
    }
    assert BY_NAME["get_account_log_csv"].reply is Reply.TEXT
    assert all(e.auth in (Auth.PUBLIC, Auth.AUTHENT) for e in CATALOGUE)
    # Costs from https://docs.kraken.com/api/docs/guides/futures-rate-limits.
    costs = {
        "submit_order": 10,
        "edit_order": 10,
        "cancel_order": 10,
        "batch_order_management": 9,
        "get_accounts": 2,
        "get_open_positions": 2,
        "get_fills": 2,
        "cancel_all_orders": 25,
        "cancel_all_orders_after": 25,
        "submit_transfer_to_spot": 100,
        "get_open_orders": 2,
        "get_order_status": 1,
        "get_position_percentile": 200,
        "get_leverage_settings": 2,
        "set_leverage_settings": 10,
        "get_pnl_preferences": 2,
        "set_pnl_preference": 10,
        "submit_wallet_transfer": 10,
        "submit_subaccount_transfer": 10,
        "get_subaccount_trading_status": 2,
        "update_subaccount_trading_status": 2,
        "get_self_trade_strategy": 2,
        "update_self_trade_strategy": 2,
        "get_execution_events": 1,
        "get_order_events": 1,
        "get_trigger_events": 1,
        "get_account_log_csv": 6,
    }
    assert {name: BY_NAME[name].cost for name in costs} == costs
    assert all(e.cost == 0 for e in CATALOGUE if e.auth is Auth.PUBLIC)


# --- the seed surface (api-surface.md 1.2) -----------------------------------------------------


def _snake(name: str) -> str:
    name = name.replace("RFQs", "Rfqs").replace("RFQ", "Rfq")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _placeholders_snake(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "{" + _snake(m.group(1)) + "}", path)


@pytest.mark.skipif(not SURFACE.is_file(), reason=f"{SURFACE} is not checked out")
def test_names_verbs_and_paths_follow_the_seed_where_kraken_agrees() -> None:
    text = SURFACE.read_text(encoding="utf-8")
    section = text[text.index("### 1.2 DerivativesClient") : text.index("### 1.3 ")]
    rows = re.findall(r"^\| (\w+)\([^)]*\) \| (\w+) \| ([^ |]+) \| ([YN]) \|", section, re.M)
    assert len(rows) == 68
    for (seed, verb, path, private), entry in zip(rows, CATALOGUE, strict=True):
        assert entry.name == _snake(seed)
        assert entry.method == verb
        assert entry.is_private == (private == "Y"), entry.name
        # Kraken's charts spec names path parameters tick_type / analytics_type (seed: camel).
        assert _placeholders_snake(entry.path) == _placeholders_snake("/" + path)


# --- the generator -----------------------------------------------------------------------------


def _tool() -> ModuleType:
    return load_tool("gen_futures_types")


@needs_specs
@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_generated_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status = _tool().main(["--check", "--specs", str(SPECS)])
    assert status == 0, capsys.readouterr().out


# --- parameters and security against the YAML, read here independently of the generator -------


class _Specs:
    """Just enough ``$ref`` following to read operations, parameters and security."""

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
            file_part, _, fragment = str(node["$ref"]).strip().partition("#")
            here = (here.parent / file_part.strip()).resolve() if file_part.strip() else here
            node = self.load(here)
            for part in filter(None, fragment.split("/")):
                node = node[part]
        return node, here

    def operations(self) -> dict[str, tuple[dict[str, Any], Path, str, str]]:
        """operationId -> (operation with the path item's parameters, file, verb, full path)."""
        found = {}
        for name, prefix in SPEC_FILES.items():
            path = SPECS / name
            for route, item in self.load(path)["paths"].items():
                shared = item.get("parameters", [])
                for verb, op in item.items():
                    if isinstance(op, dict) and "operationId" in op:
                        merged = {**op, "parameters": [*shared, *op.get("parameters", [])]}
                        found[op["operationId"]] = (merged, path, verb.upper(), prefix + route)
        return found

    def parameters(self, operation_id: str) -> tuple[set[str], set[str]]:
        """``(required, allowed)``: query and path parameters plus body properties."""
        op, here, _, _ = self.operations()[operation_id]
        params = [self.deref(p, here)[0] for p in op.get("parameters", [])]
        params = [p for p in params if p["in"] in ("query", "path")]
        params = [p for p in params if not p.get("x-internalOnly")]
        required = {p["name"] for p in params if p.get("required")}
        allowed = {p["name"] for p in params}
        if "requestBody" in op:
            body, where = self.deref(op["requestBody"], here)
            media = next(iter(body["content"].values()))
            schema, _ = self.deref(media["schema"], where)
            allowed |= set(schema.get("properties", {}))
            required |= set(schema.get("required", []))
        return required, allowed


@pytest.fixture(scope="module")
def specs() -> _Specs:
    return _Specs()


@needs_specs
def test_the_table_is_the_specs(specs: _Specs) -> None:
    table = {(op_id, verb, path) for op_id, verb, path in SPEC_OPERATIONS}
    read = {(op_id, verb, path) for op_id, (_, _, verb, path) in specs.operations().items()}
    assert table == read


@needs_specs
@pytest.mark.parametrize("name", [e.name for e in CATALOGUE if e.operation_id])
def test_parameters_follow_the_spec(specs: _Specs, name: str) -> None:
    entry = BY_NAME[name]
    required, allowed = specs.parameters(entry.operation_id)
    assert entry.allowed == allowed
    assert entry.required == required
    assert set(entry.path_params) <= required


@needs_specs
@pytest.mark.parametrize("name", [e.name for e in CATALOGUE if e.operation_id])
def test_authentication_follows_the_spec_security(specs: _Specs, name: str) -> None:
    entry = BY_NAME[name]
    op, _, _, _ = specs.operations()[entry.operation_id]
    alternatives = op.get("security") or []
    schemes = {scheme for alternative in alternatives for scheme in alternative}
    assert entry.is_private == bool(alternatives)
    # ``bearer_ok`` exactly where a bearer scheme is one of the accepted alternatives on its own.
    bearer_alone = any(
        set(alternative) <= {"bearerAuth", "header_jwt"} and alternative
        for alternative in alternatives
    )
    assert entry.bearer_ok == bearer_alone, schemes


@needs_specs
@pytest.mark.parametrize("name", [e.name for e in CATALOGUE if e.operation_id])
def test_parameters_travel_where_the_spec_puts_them(specs: _Specs, name: str) -> None:
    entry = BY_NAME[name]
    op, _, _, _ = specs.operations()[entry.operation_id]
    content = (op.get("requestBody") or {}).get("content") or {}
    if "application/x-www-form-urlencoded" in content:
        assert entry.payload is Payload.FORM
    elif "application/json" in content:
        assert entry.payload is Payload.JSON
    else:
        assert entry.payload is Payload.QUERY


def test_costs_agree_with_the_rate_limit_model() -> None:
    policy = pytest.importorskip("kraken.core.policy.futures")
    for entry in CATALOGUE:
        if entry.auth is Auth.PUBLIC:
            continue
        if entry.path.startswith("/derivatives/"):
            expected = policy.derivatives_cost(entry.path, method=entry.method)
        elif entry.path.startswith("/api/history/"):
            expected = policy.history_cost(entry.path)
        else:
            expected = 1.0  # the auth and stats APIs have no documented budget
        assert entry.cost == expected, entry.name

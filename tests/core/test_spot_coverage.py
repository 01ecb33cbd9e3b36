"""The Spot catalogue covers Kraken's spot and OAuth specs, and its types follow them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kraken.core.rest.spot import types as t
from kraken.core.rest.spot.catalogue import BY_NAME, CATALOGUE
from kraken.core.rest.spot.spec_operations import BROWSER_OPERATIONS, SPEC_OPERATIONS
from tests.core.generator_tools import load_tool

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT.parent / "shared" / "specs" / "kraken-api-specs"
needs_specs = pytest.mark.skipif(
    not (SPECS / "spot-rest" / "openapi_v3.yaml").is_file(),
    reason=f"Kraken's specs are not checked out at {SPECS}",
)


# --- the committed table against the catalogue ------------------------------------------------


def test_spec_operations_are_unique() -> None:
    ids = [op_id for op_id, _, _ in SPEC_OPERATIONS + BROWSER_OPERATIONS]
    assert len(ids) == len(set(ids))
    assert len(SPEC_OPERATIONS) >= 60


@pytest.mark.parametrize(("operation_id", "method", "path"), SPEC_OPERATIONS)
def test_every_spec_operation_has_exactly_one_catalogue_entry(
    operation_id: str, method: str, path: str
) -> None:
    entries = [e for e in CATALOGUE if e.operation_id == operation_id]
    assert len(entries) == 1, f"{operation_id}: {[e.name for e in entries]}"
    assert (entries[0].method, entries[0].path) == (method, path)


def test_every_catalogue_operation_id_is_in_the_table() -> None:
    table = {op_id for op_id, _, _ in SPEC_OPERATIONS}
    missing = [e.name for e in CATALOGUE if e.operation_id and e.operation_id not in table]
    assert missing == []


def test_browser_operations_are_links_not_endpoints() -> None:
    browser = {op_id for op_id, _, _ in BROWSER_OPERATIONS}
    assert browser == {"getOAuthCode", "getOAuthCodeWithLanguage"}
    assert not browser & {e.operation_id for e in CATALOGUE}
    assert all(url.startswith("https://") for _, _, url in BROWSER_OPERATIONS)


def test_every_entry_has_its_types() -> None:
    for entry in CATALOGUE:
        camel = entry.params.__name__.removesuffix("Params")
        assert getattr(t, f"{camel}Params") is entry.params
        assert hasattr(t, f"{camel}Result"), entry.name


# --- the generator -----------------------------------------------------------------------------


def _tool() -> ModuleType:
    return load_tool("gen_spot_types")


@needs_specs
@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_generated_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status = _tool().main(["--check", "--specs", str(SPECS)])
    assert status == 0, capsys.readouterr().out


# --- parameters against the YAML, read here independently of the generator ---------------------


class _Specs:
    """Just enough ``$ref`` following to read required and allowed parameter names."""

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

    def operation(self, operation_id: str) -> tuple[dict[str, Any], Path]:
        for name in ("spot-rest", "oauth"):
            path = SPECS / name / "openapi_v3.yaml"
            for item in self.load(path)["paths"].values():
                for op in item.values():
                    if isinstance(op, dict) and op.get("operationId") == operation_id:
                        return op, path
        raise LookupError(operation_id)

    def parameters(self, operation_id: str) -> tuple[set[str], set[str]]:
        """``(required, allowed)`` names: body properties minus nonce, or query parameters."""
        op, here = self.operation(operation_id)
        if "requestBody" in op:
            body, where = self.deref(op["requestBody"], here)
            media = next(iter(body["content"].values()))
            schema, where = self.deref(media["schema"], where)
            parts = [self.deref(p, where)[0] for p in schema.get("allOf", [schema])]
            allowed = {k for p in parts for k in p.get("properties", {})} - {"nonce"}
            required = {r for p in parts for r in p.get("required", [])} - {"nonce"}
            return required, allowed
        params = [self.deref(p, here)[0] for p in op.get("parameters", [])]
        params = [p for p in params if p["in"] in ("query", "path")]
        return {p["name"] for p in params if p.get("required")}, {p["name"] for p in params}


@pytest.fixture(scope="module")
def specs() -> _Specs:
    return _Specs()


@needs_specs
@pytest.mark.parametrize(
    "name",
    [
        "submit_order",
        "get_ticker",
        "get_order_book",
        "get_candles",
        "submit_batch_orders",
        "submit_withdrawal",
        "cancel_all_orders_after",
        "get_oauth_access_token",
        "update_oauth_fast_api_key",
    ],
)
def test_required_parameters_follow_the_spec(specs: _Specs, name: str) -> None:
    entry = BY_NAME[name]
    required, _ = specs.parameters(entry.operation_id)
    assert entry.params.__required_keys__ == required
    assert entry.required == required


def test_required_parameters_spot_checks() -> None:
    assert BY_NAME["submit_order"].required == {"ordertype", "type", "volume", "pair"}
    assert BY_NAME["get_ticker"].required == set()
    assert BY_NAME["get_order_book"].required == {"pair"}


@needs_specs
@pytest.mark.parametrize("name", [e.name for e in CATALOGUE if e.operation_id])
def test_allowed_parameters_follow_the_spec(specs: _Specs, name: str) -> None:
    entry = BY_NAME[name]
    _, allowed = specs.parameters(entry.operation_id)
    assert entry.allowed == allowed

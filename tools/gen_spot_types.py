"""Generate the Spot REST parameter and result types from Kraken's own OpenAPI specs.

Reads ``spot-rest/openapi_v3.yaml`` and ``oauth/openapi_v3.yaml`` of Kraken's ``kraken-api-specs``
(``--specs DIR``, default ``../shared/specs/kraken-api-specs`` beside the repository), resolves
every ``$ref`` across files, and writes:

* ``kraken/core/rest/spot/types.py``: one ``<Camel>Params`` TypedDict and one ``<Camel>Result``
  type per catalogue entry of ``kraken/core/rest/spot/catalogue.py``. Entries Kraken's spec lacks
  come from the hand-written ``extra_types.py`` and are re-exported.
* ``kraken/core/rest/spot/spec_operations.py``: the table of every operation in those specs, which
  ``tests/core/test_spot_coverage.py`` holds the catalogue against.

Mapping rules. Parameters: a private POST takes its request body's properties minus ``nonce``, a
GET its query (and path) parameters; ``Required[...]`` marks what the spec requires; money
(``type: number``, or a string named like a price or an amount) accepts ``str | Decimal | int |
float`` because the encoder writes each exactly; enums become ``Literal``. Results: the ``result``
of Kraken's ``{error, result}`` envelope (the whole body for OAuth); objects become
``TypedDict(total=False)`` (Kraken omits fields freely), maps ``dict[str, X]``, ``number``
``Decimal | int`` (floats are decoded as ``Decimal``, integral literals stay ``int``), enums their
base type (Kraken adds values) except one-value tags, unknowns ``Any``. ``allOf`` merges,
``oneOf``/``anyOf`` become unions. A few spec errors are patched by the ``ERRATA`` below, each one
checked so that a fixed spec makes the generator fail until the erratum is removed.

``python tools/gen_spot_types.py`` writes the files; ``--check`` exits 1 when a committed file
differs from what would be generated.
"""

from __future__ import annotations

import argparse
import ast
import html
import keyword
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

# Sibling tools are found through this entry (tools/ is no package; tests load tools by path).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_files import write_or_check

ROOT = Path(__file__).resolve().parent.parent
SPOT_DIR = ROOT / "kraken" / "core" / "rest" / "spot"
CATALOGUE = SPOT_DIR / "catalogue.py"
EXTRA_TYPES = SPOT_DIR / "extra_types.py"
TYPES_OUT = SPOT_DIR / "types.py"
OPERATIONS_OUT = SPOT_DIR / "spec_operations.py"
DEFAULT_SPECS = ROOT.parent / "shared" / "specs" / "kraken-api-specs"
SPEC_FILES = ("spot-rest/openapi_v3.yaml", "oauth/openapi_v3.yaml")
ENVELOPE_SPEC = "spot-rest/openapi_v3.yaml"
COMMAND = "python tools/gen_spot_types.py"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# String parameters that carry prices or quantities: accepted as str, Decimal, int or float.
MONEY_PARAMS = frozenset(
    {
        "amount",
        "display_qty",
        "displayvol",
        "leverage",
        "limit_price",
        "max_fee",
        "order_qty",
        "price",
        "price2",
        "trigger_price",
        "volume",
    }
)
AMOUNT = ("str", "Decimal", "int", "float")
NUMBER = ("Decimal", "int")
_RANK = {"str": 0, "Decimal": 1, "int": 2, "float": 3, "bool": 4, "bytes": 5}

Json = Any
Schema = dict[str, Any]


class SpecError(Exception):
    """The specs cannot be read or no longer match what this generator expects."""


# --------------------------------------------------------------------------------------------
# Loading and $ref resolution


class SpecLoader:
    """Loads YAML files under one root and inlines ``$ref`` pointers across them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[Path, Json] = {}

    def load(self, path: Path) -> Json:
        """The parsed YAML of ``path`` (cached)."""
        path = path.resolve()
        if path not in self._files:
            try:
                self._files[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise SpecError(f"cannot read {path}: {exc}") from exc
        return self._files[path]

    def resolved(self, relative: str) -> Json:
        """The document at ``relative`` (to the root) with every ``$ref`` inlined."""
        path = (self.root / relative).resolve()
        return self._resolve(self.load(path), path, ())

    def _target(self, ref: str, here: Path) -> tuple[Json, Path, str]:
        file_part, _, fragment = ref.strip().partition("#")
        path = (here.parent / file_part.strip()).resolve() if file_part.strip() else here
        node = self.load(path)
        for part in filter(None, fragment.split("/")):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or key not in node:
                raise SpecError(f"unresolvable $ref {ref!r} in {here}")
            node = node[key]
        try:
            name = path.relative_to(self.root).as_posix()
        except ValueError:
            name = path.as_posix()
        return node, path, name + (f"#{fragment}" if fragment else "")

    def _resolve(self, node: Json, here: Path, stack: tuple[str, ...]) -> Json:
        if isinstance(node, list):
            return [self._resolve(item, here, stack) for item in node]
        if not isinstance(node, dict):
            return node
        # Examples are documentation only (and may point at files we never need).
        items = {k: v for k, v in node.items() if k not in ("example", "examples")}
        if "$ref" not in items:
            return {k: self._resolve(v, here, stack) for k, v in items.items()}
        target, path, ref_id = self._target(str(items.pop("$ref")), here)
        if ref_id in stack:
            raise SpecError(f"circular $ref: {' -> '.join((*stack, ref_id))}")
        resolved = self._resolve(target, path, (*stack, ref_id))
        if not isinstance(resolved, dict):
            return resolved
        merged = dict(resolved)
        merged.update({k: self._resolve(v, here, stack) for k, v in items.items()})
        merged["x-ref"] = ref_id
        return merged


@dataclass(frozen=True)
class Operation:
    """One operation of a spec, resolved."""

    spec: str
    operation_id: str
    method: str
    path: str
    url_prefix: str
    browser_url: str
    body: Schema


def operations(loader: SpecLoader) -> list[Operation]:
    """Every operation of the spot and OAuth specs, in document order."""
    found: list[Operation] = []
    for spec in SPEC_FILES:
        doc = loader.resolved(spec)
        server = urlparse(str(doc["servers"][0]["url"]))
        for path, item in doc.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method not in HTTP_METHODS or not isinstance(op, dict):
                    continue
                if "operationId" not in op:
                    raise SpecError(f"{spec}: {method.upper()} {path} has no operationId")
                own = op.get("servers")
                browser = ""
                if own and urlparse(str(own[0]["url"])).netloc != server.netloc:
                    browser = str(own[0]["url"]).rstrip("/") + path
                body = dict(op)
                body["parameters"] = [*shared, *op.get("parameters", [])]
                found.append(
                    Operation(
                        spec=spec,
                        operation_id=str(op["operationId"]),
                        method=method.upper(),
                        path=path,
                        url_prefix=server.path.rstrip("/"),
                        browser_url=browser,
                        body=body,
                    )
                )
    return found


# --------------------------------------------------------------------------------------------
# Errata: places where Kraken's spec contradicts its own examples or descriptions.


@dataclass(frozen=True)
class Erratum:
    """A checked patch of one operation's resolved schema."""

    operation_id: str
    note: str
    patch: Callable[[Schema], None]


def _json_schema(op: Schema, content: str = "application/json") -> Schema:
    schema = op["requestBody"]["content"][content]["schema"]
    assert isinstance(schema, dict)
    return schema


def _result_schema(op: Schema) -> Schema:
    ok = _response_200(op)
    schema = ok["content"]["application/json"]["schema"]
    result = schema["properties"]["result"]
    assert isinstance(result, dict)
    return result


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise SpecError(f"erratum no longer applies ({what}); review and remove it")


def _balance_ex_map(op: Schema) -> None:
    result = _result_schema(op)
    props = result.get("properties", {})
    _expect(set(props) == {"asset"}, "BalanceEx result is no longer {asset: ...}")
    result["additionalProperties"] = props["asset"]
    del result["properties"]


def _orders_info_map(op: Schema) -> None:
    result = _result_schema(op)
    _expect("oneOf" in result and "additionalProperties" not in result, "QueryOrders result")
    result["additionalProperties"] = {"oneOf": result.pop("oneOf")}


def _order_amends_required(op: Schema) -> None:
    body = _json_schema(op)
    _expect("txid" in body["required"] and "txid" not in body["properties"], "OrderAmends txid")
    body["required"] = ["order_id" if r == "txid" else r for r in body["required"]]


def _cancel_batch_result(op: Schema) -> None:
    content = _response_200(op)["content"]["application/json"]
    _expect("schema" not in content, "CancelOrderBatch now has a response schema")
    count = {"type": "integer", "description": "Number of orders cancelled."}
    content["schema"] = {
        "type": "object",
        "properties": {"result": {"type": "object", "properties": {"count": count}}},
    }


def _deposit_status_list(op: Schema) -> None:
    result = _result_schema(op)
    branches = result.get("anyOf", [])
    _expect(len(branches) == 2 and branches[0].get("type") == "object", "DepositStatus result")
    deposit = branches[0]
    paged = branches[1]
    result["anyOf"] = [
        {"type": "array", "items": deposit},
        {
            **paged,
            "properties": {**paged["properties"], "deposit": {"type": "array", "items": deposit}},
        },
    ]


def _edit_oflags(op: Schema) -> None:
    oflags = _json_schema(op)["properties"]["oflags"]
    _expect("type" not in oflags, "EditOrder oflags is typed now")
    oflags["type"] = "string"


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        "getExtendedBalance",
        "BalanceEx: the result is a map keyed by asset, not one property named `asset`.",
        _balance_ex_map,
    ),
    Erratum(
        "getOrdersInfo",
        "QueryOrders: the result maps each txid to an order (the spec types it as one order).",
        _orders_info_map,
    ),
    Erratum(
        "getOrderAmends",
        "OrderAmends: the spec requires `txid`, which is no property; the order id is `order_id`.",
        _order_amends_required,
    ),
    Erratum(
        "cancelOrderBatch",
        "CancelOrderBatch: the 200 response has no schema; its unused response file says {count}.",
        _cancel_batch_result,
    ),
    Erratum(
        "getStatusRecentDeposits",
        "DepositStatus: the result is a list of deposits, as the spec's own example shows (and a"
        " cursor page's `deposit` is taken to be such a list too).",
        _deposit_status_list,
    ),
    Erratum(
        "editOrder",
        "EditOrder: `oflags` has no type; it is the comma-delimited string of AddOrder.",
        _edit_oflags,
    ),
)


def _response_200(op: Schema) -> Schema:
    responses = op.get("responses", {})
    ok = responses.get("200", responses.get(200))
    if not isinstance(ok, dict):
        raise SpecError(f"{op.get('operationId')}: no 200 response")
    return ok


# --------------------------------------------------------------------------------------------
# Schema -> Python type expressions


def camel(text: str) -> str:
    """``close[price2]`` -> ``ClosePrice2``, ``status-prop`` -> ``StatusProp``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text) if part)


def union(*parts: str) -> str:
    """The flattened, de-duplicated union of type expressions, ``None`` last."""
    seen: list[str] = []
    for part in parts:
        for member in _split_union(part):
            if member not in seen:
                seen.append(member)
    if "Any" in seen:
        return "Any"
    ranked = sorted(
        (m for m in seen if m != "None"), key=lambda m: (_RANK.get(m, len(_RANK)), seen.index(m))
    )
    return " | ".join([*ranked, *(["None"] if "None" in seen else [])])


def _split_union(expr: str) -> Iterator[str]:
    depth, start = 0, 0
    for index, char in enumerate(expr):
        depth += char in "[("
        depth -= char in "])"
        if char == "|" and depth == 0:
            yield expr[start:index].strip()
            start = index + 1
    yield expr[start:].strip()


def docline(text: object, width: int = 300) -> str:
    """The first sentence of a spec description, as plain ASCII reStructuredText."""
    if not isinstance(text, str):
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*[*>-]\s*", " ", text, flags=re.M)
    text = text.encode("ascii", "ignore").decode().replace("\\", "/").replace('"""', "'''")
    text = " ".join(text.split())
    text = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)
    sentence = re.split(r"(?<=[a-z0-9)`][.!?])\s+(?=[A-Z])|:\s*$", text, maxsplit=1)[0].strip()
    if len(sentence) > width:
        sentence = sentence[: width - 3].rsplit(" ", 1)[0] + "..."
    if sentence and sentence[-1] not in ".!?":
        sentence += "."
    return sentence


@dataclass(frozen=True)
class FieldDef:
    """One key of a TypedDict."""

    key: str
    annotation: str
    required: bool


@dataclass
class ClassDef:
    """A TypedDict to emit."""

    name: str
    summary: str
    body: str
    fields: tuple[FieldDef, ...]


@dataclass
class AliasDef:
    """A type alias to emit."""

    name: str
    summary: str
    body: str
    expression: str


@dataclass
class TypeBuilder:
    """Turns resolved schemas into class and alias definitions, in dependency order."""

    definitions: list[ClassDef | AliasDef] = field(default_factory=list)
    _by_shape: dict[tuple[object, ...], str] = field(default_factory=dict)
    _by_ref: dict[str, str] = field(default_factory=dict)
    _names: set[str] = field(default_factory=set)

    def reserve(self, name: str) -> None:
        """Keep ``name`` for a top-level definition."""
        if name in self._names:
            raise SpecError(f"duplicate type name {name}")
        self._names.add(name)

    def _fresh(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._names:
            n += 1
            candidate = f"{name}{n}"
        self._names.add(candidate)
        return candidate

    def annotate(self, schema: Json, params: bool, ctx: str, key: str = "") -> str:
        """The type expression of ``schema``; ``ctx`` names any class it needs."""
        if not isinstance(schema, dict):
            return "Any"
        expr = self._core(schema, params, ctx, key)
        # In parameters ``None`` means "leave out" (or is refused in strict mode), never null.
        if not params and schema.get("nullable") is True and expr != "Any":
            expr = union(expr, "None")
        return expr

    def _core(self, schema: Schema, params: bool, ctx: str, key: str) -> str:
        if "allOf" in schema:
            return self.annotate(merge_all_of(schema), params, ctx, key)
        for combinator in ("oneOf", "anyOf"):
            if combinator in schema:
                options = schema[combinator]
                names = _variant_names(options)
                return union(
                    *(
                        self.annotate({**o, **_nullable(schema)}, params, ctx + n, key)
                        for o, n in zip(options, names, strict=True)
                    )
                )
        kind = schema.get("type")
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema:
                kind = "object"
            elif "items" in schema:
                kind = "array"
            else:
                return "Any"
        enum = schema.get("enum")
        if enum and kind in ("string", "integer") and (params or len(enum) == 1):
            return f"Literal[{', '.join(repr(v) for v in enum)}]"
        if kind == "string":
            if schema.get("format") == "binary":
                return "bytes"
            leaf = key.rsplit("[", 1)[-1].rstrip("]")
            return union(*AMOUNT) if params and leaf in MONEY_PARAMS else "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return union(*(AMOUNT if params else NUMBER))
        if kind == "boolean":
            return "bool"
        if kind == "array":
            item = (
                ctx[:-1] if key and ctx.endswith("s") and not ctx.endswith("ss") else ctx + "Item"
            )
            return f"list[{self.annotate(schema.get('items'), params, item, key)}]"
        if kind == "object":
            return self._object(schema, params, ctx)
        # Kraken writes a format where a type belongs (country_code: "ISO 3166-1 alpha-2");
        # query parameters are text on the wire either way.
        return "str" if params else "Any"

    def _object(self, schema: Schema, params: bool, ctx: str) -> str:
        props: dict[str, Json] = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if extra is True or extra == {}:
            extra = {"x-any": True}
        if isinstance(extra, dict):
            values = [self.annotate(extra, params, ctx + "Value")]
            # A map that also has fixed keys (OHLC's ``last``) is honest only as a union.
            values += [self.annotate(v, params, ctx + camel(k), k) for k, v in props.items()]
            return f"dict[str, {union(*values)}]"
        if not props:
            return "dict[str, Any]"
        name = ctx
        ref = str(schema.get("x-ref", ""))
        if not params and ref in self._by_ref:
            return self._by_ref[ref]
        if not params and (ref_name := _ref_name(ref)):
            name = ref_name
        required = set(schema.get("required", [])) if params else set()
        fields = tuple(
            FieldDef(k, self.annotate(v, params, name + camel(k), k), k in required)
            for k, v in props.items()
        )
        summary, body = _nested_doc(schema, ref if _ref_name(ref) else "")
        shape = (summary, body, *fields)
        if shape in self._by_shape:
            chosen = self._by_shape[shape]
        else:
            chosen = self._fresh(name)
            self._by_shape[shape] = chosen
            self.definitions.append(ClassDef(chosen, summary, body, fields))
        if ref and not params:
            self._by_ref[ref] = chosen
        return chosen

    def top_class(
        self, name: str, summary: str, schema: Schema, params: bool, body: str, ctx: str = ""
    ) -> None:
        """Emit ``name`` as a TypedDict of ``schema``'s properties (none is fine)."""
        props: dict[str, Json] = schema.get("properties") or {}
        required = set(schema.get("required", [])) if params else set()
        ctx = ctx or name
        fields = tuple(
            FieldDef(k, self.annotate(v, params, ctx + camel(k), k), k in required)
            for k, v in props.items()
        )
        self.definitions.append(ClassDef(name, summary, body, fields))

    def top_alias(self, name: str, summary: str, schema: Json, params: bool, body: str) -> None:
        """Emit ``name`` as the type of ``schema``: a class for an object, else an alias."""
        if isinstance(schema, dict) and "allOf" in schema:
            schema = merge_all_of(schema)
        is_class = (
            isinstance(schema, dict)
            and bool(schema.get("properties"))
            and not schema.get("additionalProperties")
            and not any(k in schema for k in ("oneOf", "anyOf"))
        )
        if is_class:
            assert isinstance(schema, dict)
            if schema.get("nullable") is True:
                inner = f"{name}Object"
                self.reserve(inner)
                doc = f"The object :data:`{name}` holds."
                self.top_class(inner, doc, schema, params, body, ctx=name)
                self.definitions.append(
                    AliasDef(name, summary, "Kraken may return ``null``.", f"{inner} | None")
                )
                return
            self.top_class(name, summary, schema, params, body)
            return
        self.definitions.append(AliasDef(name, summary, body, self.annotate(schema, params, name)))


def _nested_doc(schema: Schema, ref: str) -> tuple[str, str]:
    """Summary and body of a nested class's docstring."""
    text = docline(schema.get("description"))
    short = docline(schema.get("description"), width=80)
    if short and not short.startswith("This ") and short == text:
        return short, ""
    where = ref.removeprefix("spot-rest/schemas/")
    where = "#" + where.split("#", 1)[1] if "#" in where else where
    return (f"Kraken's ``{where}`` schema." if where else "A nested object."), text


def _ref_name(ref: str) -> str:
    if "#/components/schemas/" in ref:
        return camel(ref.rsplit("/", 1)[-1])
    match = re.fullmatch(r"spot-rest/schemas/objects/[^/]+/(.+)\.yaml", ref)
    return "".join(camel(part) for part in match.group(1).split("/")) if match else ""


def _nullable(schema: Schema) -> Schema:
    return {"nullable": True} if schema.get("nullable") is True else {}


def _variant_names(options: list[Json]) -> list[str]:
    """Name union members by their one-value ``type`` tag when they have one."""
    names: list[str] = []
    for index, option in enumerate(options, start=1):
        tag = (option.get("properties") or {}).get("type", {}) if isinstance(option, dict) else {}
        values = tag.get("enum") if isinstance(tag, dict) else None
        name = camel(str(values[0])) if values and len(values) == 1 else f"Option{index}"
        names.append(name if name not in names else f"{name}{index}")
    return names


def merge_all_of(schema: Schema) -> Schema:
    """Merge ``allOf`` members (properties in order, required united) into one object."""
    merged: Schema = {k: v for k, v in schema.items() if k not in ("allOf", "x-ref")}
    props: dict[str, Json] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for part in schema["allOf"]:
        if isinstance(part, dict) and "allOf" in part:
            part = merge_all_of(part)
        if not isinstance(part, dict):
            continue
        props.update(part.get("properties") or {})
        required += [r for r in part.get("required") or [] if r not in required]
        for key in ("description", "nullable", "additionalProperties"):
            if key in part and key not in merged:
                merged[key] = part[key]
    merged.update(type="object", properties=props, required=required)
    return merged


# --------------------------------------------------------------------------------------------
# Catalogue and extra types (read as source so that a broken types.py cannot stop us)


@dataclass(frozen=True)
class Entry:
    """One catalogue entry, as the generator needs it."""

    name: str
    method: str
    path: str
    camel: str
    operation_id: str


def catalogue_entries(path: Path = CATALOGUE) -> list[Entry]:
    """The ``Endpoint(...)`` calls of the catalogue module, in order."""
    entries: list[Entry] = []
    calls = [
        node
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Endpoint"
    ]
    for node in sorted(calls, key=lambda n: n.lineno):
        args = node.args
        params = args[4]
        if not (isinstance(params, ast.Attribute) and params.attr.endswith("Params")):
            raise SpecError(f"catalogue line {node.lineno}: 5th argument is not t.<X>Params")
        texts = [a.value for a in args[:3] if isinstance(a, ast.Constant)]
        keywords = {k.arg: k.value for k in node.keywords}
        op_node = keywords.get("operation_id")
        operation_id = op_node.value if isinstance(op_node, ast.Constant) else ""
        entries.append(
            Entry(
                str(texts[0]),
                str(texts[1]),
                str(texts[2]),
                params.attr.removesuffix("Params"),
                str(operation_id),
            )
        )
    return entries


def extra_names(path: Path = EXTRA_TYPES) -> list[str]:
    """The ``__all__`` of the hand-written module."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", "") == "__all__" for t in targets):
                value = ast.literal_eval(node.value) if node.value else []
                return sorted(str(v) for v in value)
    raise SpecError(f"{path} has no __all__")


# --------------------------------------------------------------------------------------------
# Building the two modules


def _params_schema(op: Operation) -> Schema:
    """Parameters as one object schema: body properties minus nonce, or query parameters."""
    body = op.body
    if "requestBody" in body:
        schema = _body_schema(op)
        if "allOf" in schema:
            schema = merge_all_of(schema)
        props = {k: v for k, v in (schema.get("properties") or {}).items() if k != "nonce"}
        required = [r for r in schema.get("required") or [] if r in props]
        return {"description": schema.get("description"), "properties": props, "required": required}
    query: dict[str, Json] = {}
    needed: list[str] = []
    for param in body.get("parameters", []):
        if param.get("in") not in ("query", "path"):
            continue  # headers (the OAuth token's Basic auth) are the client's business
        schema = dict(param.get("schema") or {})
        schema.setdefault("description", param.get("description"))
        query[param["name"]] = schema
        if param.get("required") is True:
            needed.append(param["name"])
    return {"properties": query, "required": needed}


def _body_schema(op: Operation) -> Schema:
    """The request body's schema (whatever its media type), ``{}`` without a body."""
    content: dict[str, Json] = (op.body.get("requestBody") or {}).get("content") or {}
    media: Json = next(iter(content.values()), {})
    schema = media.get("schema") if isinstance(media, dict) else None
    return schema if isinstance(schema, dict) else {}


def _ignored_required(op: Operation) -> list[str]:
    schema = _body_schema(op)
    props = schema.get("properties") or {}
    return [r for r in schema.get("required") or [] if r not in props and r != "nonce"]


def _result_of(op: Operation) -> Json:
    """The result schema: the envelope's ``result``, or the whole body outside the spot spec."""
    ok = _response_200(op.body)
    content = ok.get("content", {})
    if not content:
        return {}
    media_type, media = next(iter(content.items()))
    if media_type == "application/octet-stream":
        return {"type": "string", "format": "binary"}
    schema = media.get("schema") if isinstance(media, dict) else None
    if not isinstance(schema, dict):
        return {}
    if op.spec != ENVELOPE_SPEC:
        return schema
    if "allOf" in schema:
        schema = merge_all_of(schema)
    return (schema.get("properties") or {}).get("result", {})


def build(specs: Path) -> tuple[str, str, list[str]]:
    """The text of ``types.py`` and ``spec_operations.py``, and notes for the console."""
    loader = SpecLoader(specs.resolve())
    ops = operations(loader)
    by_id = {op.operation_id: op for op in ops}
    if len(by_id) != len(ops):
        raise SpecError("duplicate operationId in the specs")
    notes: list[str] = []
    for erratum in ERRATA:
        if erratum.operation_id not in by_id:
            raise SpecError(f"erratum for missing operation {erratum.operation_id}")
        try:
            erratum.patch(by_id[erratum.operation_id].body)
        except (KeyError, TypeError, AssertionError) as exc:
            raise SpecError(
                f"erratum for {erratum.operation_id} no longer applies: {exc!r}"
            ) from exc
        notes.append(f"{erratum.operation_id}: {erratum.note}")

    entries = catalogue_entries()
    extras = extra_names()
    builder = TypeBuilder()
    for name in extras:
        builder.reserve(name)
    generated = [e for e in entries if e.operation_id]
    for entry in entries:
        names = {f"{entry.camel}Params", f"{entry.camel}Result"}
        if not entry.operation_id and names - set(extras):
            raise SpecError(f"{EXTRA_TYPES.name} lacks {sorted(names - set(extras))}")
        if entry.operation_id:
            if entry.operation_id not in by_id:
                raise SpecError(f"{entry.name}: {entry.operation_id} is not in the specs")
            for name in sorted(names):
                builder.reserve(name)
    for entry in generated:
        op = by_id[entry.operation_id]
        where = (
            f"``{entry.method} {entry.path}``, Kraken operation ``{entry.operation_id}``"
            f" (``{op.spec}``)."
        )
        params = _params_schema(op)
        builder.top_class(
            f"{entry.camel}Params",
            f"Parameters of ``{entry.name}``.",
            params,
            True,
            where,
        )
        for ignored in _ignored_required(op):
            notes.append(f"{entry.operation_id}: required {ignored!r} names no property; ignored")
        result = _result_of(op)
        doc = docline(result.get("description")) if isinstance(result, dict) else ""
        builder.top_alias(
            f"{entry.camel}Result", f"Result of ``{entry.name}``.", result, False, doc
        )
    return render_types(builder, extras, notes), render_operations(ops), notes


def _docstring(summary: str, body: str, indent: str) -> str:
    text = summary
    if body and body != summary:
        wrapped = textwrap.fill(
            body, width=92 - len(indent), break_on_hyphens=False, break_long_words=False
        )
        text += "\n\n" + wrapped
    lines = text.split("\n")
    if len(lines) == 1:
        return f'{indent}"""{text}"""\n'
    inner = "\n".join(f"{indent}{line}" if line else "" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{inner}\n{indent}"""\n'


def _render(definition: ClassDef | AliasDef) -> str:
    if isinstance(definition, AliasDef):
        return f"{definition.name}: TypeAlias = {definition.expression}\n" + _docstring(
            definition.summary, definition.body, ""
        )
    fields = definition.fields
    doc = _docstring(definition.summary, definition.body, "    ")
    # Keys that are no identifiers or are keywords (``close[price]``, ``from``) need the
    # functional syntax; Kraken's one-letter names stay as they are (Ticker's ``l``).
    as_class = all(f.key.isidentifier() and not keyword.iskeyword(f.key) for f in fields)
    if as_class:
        lines = [
            f"    {f.key}: {_wrap(f)}{'  # noqa: E741' if f.key in ('l', 'O', 'I') else ''}\n"
            for f in fields
        ]
        return f"class {definition.name}(TypedDict, total=False):\n{doc}" + (
            "\n" + "".join(lines) if lines else ""
        )
    entries = "".join(f"        {f.key!r}: {_wrap(f)},\n" for f in fields)
    return (
        f'{definition.name} = TypedDict(\n    "{definition.name}",\n    {{\n{entries}    }},\n'
        f"    total=False,\n)\n" + _docstring(definition.summary, definition.body, "")
    )


def _wrap(f: FieldDef) -> str:
    return f"Required[{f.annotation}]" if f.required else f.annotation


HEADER = (
    f"# GENERATED by tools/gen_spot_types.py from Kraken's OpenAPI specs (kraken-api-specs:\n"
    f"# spot-rest/openapi_v3.yaml, oauth/openapi_v3.yaml); do not edit.\n"
    f"# Regenerate with `{COMMAND} [--specs DIR]`; `--check` reports drift.\n"
)


def render_types(builder: TypeBuilder, extras: list[str], notes: list[str]) -> str:
    """The text of ``types.py``."""
    typing_names = {"TypedDict"}
    body = "\n\n".join(_render(d) for d in builder.definitions)
    for name in ("Any", "Literal", "Required", "TypeAlias"):
        if re.search(rf"\b{name}\b", body):
            typing_names.add(name)
    errata = "".join(
        textwrap.fill(note, width=96, initial_indent="# - ", subsequent_indent="#   ") + "\n"
        for note in notes
    )
    public = sorted({d.name for d in builder.definitions} | set(extras))
    imports = "from decimal import Decimal\n" if re.search(r"\bDecimal\b", body) else ""
    imports += f"from typing import {', '.join(sorted(typing_names))}\n\n"
    imports += (
        "from kraken.core.rest.spot.extra_types import (\n"
        + "".join(f"    {name},\n" for name in extras)
        + ")\n"
    )
    return (
        HEADER
        + "#\n# Spec corrections applied (see ERRATA in the tool):\n"
        + errata
        + '"""Typed parameters and results of every Spot REST endpoint, from Kraken\'s specs.\n\n'
        "Each catalogue entry has a ``<Camel>Params`` TypedDict (``Required`` marks what Kraken\n"
        "requires; prices and amounts accept ``str``, ``Decimal``, ``int`` or ``float``) and a\n"
        "``<Camel>Result`` type. Result objects are ``total=False``: Kraken omits fields freely.\n"
        "Endpoints Kraken's spec lacks are typed by hand in\n"
        ":mod:`kraken.core.rest.spot.extra_types`.\n"
        '"""\n\n'
        + imports
        + "\n__all__ = [\n"
        + "".join(f'    "{name}",\n' for name in public)
        + "]\n\n\n"
        + body
    )


def render_operations(ops: list[Operation]) -> str:
    """The text of ``spec_operations.py``."""
    api = [o for o in ops if not o.browser_url]
    browser = [o for o in ops if o.browser_url]
    rows = "".join(
        f'    ("{o.operation_id}", "{o.method}", "{o.url_prefix}{o.path}"),\n' for o in api
    )
    browser_rows = "".join(
        f'    ("{o.operation_id}", "{o.method}", "{o.browser_url}"),\n' for o in browser
    )
    return (
        HEADER
        + '"""Every operation of Kraken\'s Spot REST and OAuth OpenAPI specs, as a table.\n\n'
        "``tests/core/test_spot_coverage.py`` holds the Spot catalogue against it: each operation\n"
        "has exactly one catalogue entry with the same operation id, verb and path.\n"
        '"""\n\n'
        "from typing import Final\n\n"
        '__all__ = ["BROWSER_OPERATIONS", "SPEC_OPERATIONS"]\n\n'
        "SPEC_OPERATIONS: Final[tuple[tuple[str, str, str], ...]] = (\n" + rows + ")\n"
        '"""``(operation_id, http_method, path)``; paths below ``https://api.kraken.com``."""\n\n'
        "BROWSER_OPERATIONS: Final[tuple[tuple[str, str, str], ...]] = (\n" + browser_rows + ")\n"
        '"""``(operation_id, http_method, url)`` of pages a user opens in a browser (OAuth\n'
        'authorization): links to build, not API calls."""\n'
    )


# --------------------------------------------------------------------------------------------
# Formatting, writing, checking


def ruff_format(files: dict[Path, str]) -> dict[Path, str]:
    """Run ruff's import sorter and formatter so committed files match ``ruff format``."""
    with tempfile.TemporaryDirectory() as tmp:
        staged = {path: Path(tmp) / path.name for path in files}
        for path, text in files.items():
            staged[path].write_text(text, encoding="utf-8")
        config = ["--config", str(ROOT / "pyproject.toml")]
        ruff = [sys.executable, "-m", "ruff"]
        names = [str(p) for p in staged.values()]
        subprocess.run(
            [*ruff, "check", "--quiet", "--fix-only", "--select", "I", *config, *names],
            check=False,
        )
        subprocess.run([*ruff, "format", "--quiet", *config, *names], check=True)
        return {path: staged[path].read_text(encoding="utf-8") for path in files}


def main(argv: list[str] | None = None) -> int:
    """Write the generated modules, or with ``--check`` report drift and exit 1."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--specs", type=Path, default=DEFAULT_SPECS, help="the kraken-api-specs directory"
    )
    parser.add_argument("--check", action="store_true", help="fail if generated files are stale")
    args = parser.parse_args(argv)
    try:
        types_text, operations_text, notes = build(args.specs)
    except SpecError as exc:
        print(f"gen_spot_types: {exc}", file=sys.stderr)
        return 2
    files = ruff_format({TYPES_OUT: types_text, OPERATIONS_OUT: operations_text})
    return write_or_check(
        files, tool="gen_spot_types", command=COMMAND, check=args.check, notes=notes
    )


if __name__ == "__main__":
    raise SystemExit(main())

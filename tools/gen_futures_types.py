"""Generate the Derivatives (Futures) REST types and spec table from Kraken's own OpenAPI specs.

Reads the five Futures specs of Kraken's ``kraken-api-specs`` (``futures-rest/trading/public.yml``,
``history/api-public.yml``, ``charts/api-public.yml``, ``auth/api-public.yml`` and
``stats/public.yml``; ``--specs DIR``, default ``../shared/specs/kraken-api-specs`` beside the
repository), resolves every ``$ref`` and writes:

* ``kraken/core/rest/futures/types.py``: one ``<Camel>Params`` TypedDict and one ``<Camel>Result``
  type per catalogue entry of ``kraken/core/rest/futures/catalogue.py``. Entries Kraken's specs
  lack come from the hand-written ``extra_types.py`` and are re-exported.
* ``kraken/core/rest/futures/spec_operations.py``: every operation of those specs with its full
  path below ``https://futures.kraken.com``, which ``tests/core/test_futures_coverage.py`` holds
  the catalogue against.

The schema-to-type rules are those of ``tools/gen_spot_types.py`` (imported, not copied), plus
what the Futures specs need: OpenAPI 3.1 ``type: [X, "null"]`` and ``{type: "null"}`` branches
become nullable types; parameters are the query and path parameters *and* any request body's
properties (``batchorder``'s form field ``json``, the RFQ offers' JSON body); parameters Kraken
marks ``x-internalOnly`` are left out; results are the whole reply without the ``ErrorResponse``
branch (errors raise); a documented ``204`` makes the result optional; the CSV download is
``str``. Objects of a named ``components/schemas`` entry inside parameters keep that name.
Spec errors are patched by the checked ``ERRATA`` below.

``python tools/gen_futures_types.py`` writes the files; ``--check`` exits 1 when a committed file
differs from what would be generated.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The sibling tool is found through the sys.path entry above (tools/ is no package).
from gen_spot_types import (
    HTTP_METHODS,
    Erratum,
    Schema,
    SpecError,
    SpecLoader,
    TypeBuilder,
    _nullable,
    _ref_name,
    _render,
    _response_200,
    catalogue_entries,
    docline,
    extra_names,
    ruff_format,
    union,
)
from generated_files import write_or_check

ROOT = Path(__file__).resolve().parent.parent
FUTURES_DIR = ROOT / "kraken" / "core" / "rest" / "futures"
CATALOGUE = FUTURES_DIR / "catalogue.py"
EXTRA_TYPES = FUTURES_DIR / "extra_types.py"
TYPES_OUT = FUTURES_DIR / "types.py"
OPERATIONS_OUT = FUTURES_DIR / "spec_operations.py"
DEFAULT_SPECS = ROOT.parent / "shared" / "specs" / "kraken-api-specs"
SPEC_FILES = (
    "futures-rest/trading/public.yml",
    "futures-rest/history/api-public.yml",
    "futures-rest/charts/api-public.yml",
    "futures-rest/auth/api-public.yml",
    "futures-rest/stats/public.yml",
)
HOST = "futures.kraken.com"
COMMAND = "python tools/gen_futures_types.py"
# Operations whose 200 reply is a file, not JSON (the spec gives it no content type).
TEXT_RESULTS = frozenset({"accountLogCsv"})

Json = Any


# --------------------------------------------------------------------------------------------
# OpenAPI 3.1 -> the 3.0 shapes the shared TypeBuilder reads


_ADMONITION = re.compile(r":::\w*")


def _is_null(node: Json) -> bool:
    return isinstance(node, dict) and node.get("type") == "null" and len(node) <= 2


def normalise(node: Json, *, in_properties: bool = False) -> Json:
    """Rewrite ``type: [X, "null"]`` as ``type: X, nullable: true`` and drop ``null`` branches.

    ``properties`` maps names to schemas, so its keys are never read as keywords (a property may
    be called ``type``).
    """
    if isinstance(node, list):
        return [normalise(item) for item in node]
    if not isinstance(node, dict):
        return node
    if in_properties:
        return {key: normalise(value) for key, value in node.items()}
    out = {key: normalise(value, in_properties=key == "properties") for key, value in node.items()}
    if isinstance(out.get("description"), str):
        # Docusaurus admonition fences (``:::info`` ... ``:::``) are markup, not prose.
        out["description"] = _ADMONITION.sub(" ", out["description"])
    kind = out.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) < len(kind):
            out["nullable"] = True
        if len(kinds) == 1:
            out["type"] = kinds[0]
        else:
            del out["type"]
    elif kind == "null":
        del out["type"]
        out["nullable"] = True
    for combinator in ("oneOf", "anyOf"):
        options = out.get(combinator)
        if isinstance(options, list) and any(_is_null(o) for o in node[combinator]):
            out[combinator] = [
                o for o, raw in zip(options, node[combinator], strict=True) if not _is_null(raw)
            ]
            out["nullable"] = True
    return out


# --------------------------------------------------------------------------------------------
# Operations


@dataclass(frozen=True)
class FuturesOperation:
    """One operation of the Futures specs, resolved and normalised."""

    spec: str
    operation_id: str
    method: str
    path: str
    demo_only: bool
    body: Schema


def operations(loader: SpecLoader) -> list[FuturesOperation]:
    """Every operation of the five specs, in document order, with full paths."""
    found: list[FuturesOperation] = []
    for spec in SPEC_FILES:
        doc = normalise(loader.resolved(spec))
        server = urlparse(str(doc["servers"][0]["url"]))
        if server.netloc != HOST:
            raise SpecError(f"{spec}: server {server.netloc} is not {HOST}")
        prefix = server.path.rstrip("/")
        for path, item in doc.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method not in HTTP_METHODS or not isinstance(op, dict):
                    continue
                if "operationId" not in op:
                    raise SpecError(f"{spec}: {method.upper()} {path} has no operationId")
                own: list[Json] = op.get("servers") or []
                own_url = urlparse(str(own[0]["url"])) if own else server
                demo = own_url.netloc != HOST
                if own_url.path.rstrip("/") != prefix:
                    raise SpecError(f"{spec}: {op['operationId']} has its own path prefix")
                body = dict(op)
                body["parameters"] = [*shared, *op.get("parameters", [])]
                found.append(
                    FuturesOperation(
                        spec, str(op["operationId"]), method.upper(), prefix + path, demo, body
                    )
                )
    return found


# --------------------------------------------------------------------------------------------
# Errata: places where Kraken's specs contradict themselves.


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise SpecError(f"erratum no longer applies ({what}); review and remove it")


def _batch_process_before(op: Schema) -> None:
    schema = op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    prop = schema["properties"]["ProcessBefore"]
    _expect("in" in prop and "schema" in prop, "batchorder ProcessBefore is a schema now")
    schema["properties"]["ProcessBefore"] = {**prop["schema"], "description": prop["description"]}


def _batch_edit_either_id(op: Schema) -> None:
    schema = op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    items = schema["properties"]["json"]["properties"]["batchOrder"]["items"]["oneOf"]
    edit = next(o for o in items if str(o.get("x-ref", "")).endswith("/BatchOrderEdit"))
    ids = edit["allOf"][0]
    _expect(
        ids.get("required") == ["order_id"] and "either" in str(ids.get("description")),
        "BatchOrderEdit no longer requires order_id while allowing cliOrdId instead",
    )
    ids["required"] = []


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        "sendBatchOrder",
        "batchorder: the `ProcessBefore` property points at a Parameter object, not a schema;"
        " its schema (a date-time string) is used.",
        _batch_process_before,
    ),
    Erratum(
        "sendBatchOrder",
        "batchorder: an edit instruction requires `order_id` although it says to provide either"
        " `order_id` or `cliOrdId`; neither is marked required.",
        _batch_edit_either_id,
    ),
)


# --------------------------------------------------------------------------------------------
# Parameters and results


def _param_schema(param: Schema) -> Schema:
    if "schema" in param:
        schema = dict(param["schema"])
    else:  # ``content`` instead of ``schema``: a JSON document in one query field (simulate)
        media: Json = next(iter((param.get("content") or {}).values()), {})
        schema = dict(media.get("schema") or {})
    schema.setdefault("description", param.get("description"))
    return schema


def params_schema(op: FuturesOperation) -> tuple[Schema, list[str]]:
    """Query and path parameters plus body properties as one object; and what was left out."""
    props: dict[str, Json] = {}
    required: list[str] = []
    skipped: list[str] = []
    for param in op.body.get("parameters", []):
        if param.get("in") not in ("query", "path"):
            continue
        if param.get("x-internalOnly") is True:
            skipped.append(str(param["name"]))
            continue
        props[param["name"]] = _param_schema(param)
        if param.get("required") is True:
            required.append(param["name"])
    content = (op.body.get("requestBody") or {}).get("content") or {}
    media: Json = next(iter(content.values()), {})
    body = media.get("schema") if isinstance(media, dict) else None
    if isinstance(body, dict):
        for key, value in (body.get("properties") or {}).items():
            if key in props:
                raise SpecError(f"{op.operation_id}: {key!r} is both a parameter and a body field")
            props[key] = value
        required += [r for r in body.get("required") or [] if r in props]
    return {"properties": props, "required": required}, skipped


def _is_error_branch(schema: Json) -> bool:
    return isinstance(schema, dict) and str(schema.get("x-ref", "")).endswith("/ErrorResponse")


def result_schema(op: FuturesOperation) -> Json:
    """The reply's schema without its error branch; ``str`` downloads; nullable on ``204``."""
    if op.operation_id in TEXT_RESULTS:
        return {"type": "string"}
    responses = op.body.get("responses", {})
    content = _response_200(op.body).get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    schema = media.get("schema") if isinstance(media, dict) else None
    if not isinstance(schema, dict):
        return {}
    schema = dict(schema)
    options = schema.get("oneOf")
    if isinstance(options, list):
        kept = [o for o in options if not _is_error_branch(o)]
        if len(kept) == 1:
            rest = {k: v for k, v in schema.items() if k != "oneOf"}
            schema = {**kept[0], **rest}
        else:
            schema["oneOf"] = kept
    if "204" in responses or 204 in responses:
        schema["nullable"] = True
    return schema


class FuturesTypeBuilder(TypeBuilder):
    """The shared builder, naming union members and parameter objects after their schemas."""

    def _core(self, schema: Schema, params: bool, ctx: str, key: str) -> str:
        for combinator in ("oneOf", "anyOf"):
            options = schema.get(combinator)
            if isinstance(options, list) and "allOf" not in schema:
                names = _variant_names(options)
                return union(
                    *(
                        self.annotate({**o, **_nullable(schema)}, params, n or ctx + str(i), key)
                        for i, (o, n) in enumerate(zip(options, names, strict=True), start=1)
                    )
                )
        ref_name = _ref_name(str(schema.get("x-ref", "")))
        if params and ref_name and schema.get("properties"):
            return self._object(schema, params, ref_name)
        return super()._core(schema, params, ctx, key)


def _variant_names(options: list[Json]) -> list[str]:
    """A union member's name: its ``components/schemas`` name, else none (numbered by ctx)."""
    names: list[str] = []
    for option in options:
        ref = str(option.get("x-ref", "")) if isinstance(option, dict) else ""
        names.append(_ref_name(ref))
    return names


# --------------------------------------------------------------------------------------------
# Building and rendering the two modules


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

    entries = catalogue_entries(CATALOGUE)
    extras = extra_names(EXTRA_TYPES)
    builder = FuturesTypeBuilder()
    for name in extras:
        builder.reserve(name)
    for entry in entries:
        names = {f"{entry.camel}Params", f"{entry.camel}Result"}
        if not entry.operation_id:
            if names - set(extras):
                raise SpecError(f"{EXTRA_TYPES.name} lacks {sorted(names - set(extras))}")
            continue
        if entry.operation_id not in by_id:
            raise SpecError(f"{entry.name}: {entry.operation_id} is not in the specs")
        for name in sorted(names):
            builder.reserve(name)
    skipped_all: set[str] = set()
    for entry in (e for e in entries if e.operation_id):
        op = by_id[entry.operation_id]
        where = (
            f"``{entry.method} {entry.path}``, Kraken operation ``{entry.operation_id}``"
            f" (``{op.spec}``)."
        )
        params, skipped = params_schema(op)
        skipped_all.update(f"{op.operation_id}.{name}" for name in skipped)
        builder.top_class(
            f"{entry.camel}Params", f"Parameters of ``{entry.name}``.", params, True, where
        )
        result = result_schema(op)
        doc = docline(result.get("description")) if isinstance(result, dict) else ""
        summary = f"Result of ``{entry.name}``."
        builder.top_alias(f"{entry.camel}Result", summary, result, False, doc)
    if skipped_all:
        notes.append("internal-only parameters left out: " + ", ".join(sorted(skipped_all)))
    return render_types(builder, extras, notes), render_operations(ops), notes


HEADER = (
    "# GENERATED by tools/gen_futures_types.py from Kraken's OpenAPI specs (kraken-api-specs:\n"
    "# futures-rest/{trading/public,history/api-public,charts/api-public,auth/api-public,\n"
    "# stats/public}.yml); do not edit.\n"
    f"# Regenerate with `{COMMAND} [--specs DIR]`; `--check` reports drift.\n"
)


def render_types(builder: TypeBuilder, extras: list[str], notes: list[str]) -> str:
    """The text of ``types.py``."""
    typing_names = {"TypedDict"}
    body = "\n\n".join(_render(d) for d in builder.definitions)
    for name in ("Any", "Literal", "Required", "TypeAlias"):
        if re.search(rf"\b{name}\b", body):
            typing_names.add(name)
    comments = "".join(
        textwrap.fill(note, width=96, initial_indent="# - ", subsequent_indent="#   ") + "\n"
        for note in notes
    )
    public = sorted({d.name for d in builder.definitions} | set(extras))
    imports = "from decimal import Decimal\n" if re.search(r"\bDecimal\b", body) else ""
    imports += f"from typing import {', '.join(sorted(typing_names))}\n\n"
    imports += (
        "from kraken.core.rest.futures.extra_types import (\n"
        + "".join(f"    {name},\n" for name in extras)
        + ")\n"
    )
    return (
        HEADER
        + "#\n# Spec corrections and choices (see ERRATA in the tool):\n"
        + comments
        + '"""Typed parameters and results of every Derivatives REST endpoint, from Kraken\'s'
        " specs.\n\n"
        "Each catalogue entry has a ``<Camel>Params`` TypedDict (``Required`` marks what Kraken\n"
        "requires; prices and sizes accept ``str``, ``Decimal``, ``int`` or ``float``) and a\n"
        "``<Camel>Result`` type: the whole reply (``result``, ``serverTime`` and the payload) of\n"
        "a successful call. Result objects are ``total=False``: Kraken omits fields freely.\n"
        "Endpoints Kraken's specs lack are typed by hand in\n"
        ":mod:`kraken.core.rest.futures.extra_types`.\n"
        '"""\n\n'
        + imports
        + "\n__all__ = [\n"
        + "".join(f'    "{name}",\n' for name in public)
        + "]\n\n\n"
        + body
    )


def render_operations(ops: list[FuturesOperation]) -> str:
    """The text of ``spec_operations.py``."""
    rows = "".join(f'    ("{o.operation_id}", "{o.method}", "{o.path}"),\n' for o in ops)
    demo = "".join(f'        "{o.operation_id}",\n' for o in ops if o.demo_only)
    return (
        HEADER
        + '"""Every operation of Kraken\'s five Derivatives (Futures) REST specs, as a table.\n\n'
        "``tests/core/test_futures_coverage.py`` holds the Derivatives catalogue against it: each\n"
        "operation has exactly one catalogue entry with the same operation id, verb and path.\n"
        '"""\n\n'
        "from typing import Final\n\n"
        '__all__ = ["DEMO_ONLY_OPERATIONS", "SPEC_OPERATIONS"]\n\n'
        "SPEC_OPERATIONS: Final[tuple[tuple[str, str, str], ...]] = (\n" + rows + ")\n"
        '"""``(operation_id, http_method, path)``; full paths below'
        ' ``https://futures.kraken.com``."""\n\n'
        "DEMO_ONLY_OPERATIONS: Final[frozenset[str]] = frozenset(\n    {\n" + demo + "    }\n)\n"
        '"""Operations Kraken serves only on ``demo-futures.kraken.com`` (retired on'
        ' 2026-07-14)."""\n'
    )


# --------------------------------------------------------------------------------------------
# Writing and checking


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
        print(f"gen_futures_types: {exc}", file=sys.stderr)
        return 2
    files = ruff_format({TYPES_OUT: types_text, OPERATIONS_OUT: operations_text})
    return write_or_check(
        files, tool="gen_futures_types", command=COMMAND, check=args.check, notes=notes
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate the OTC and Kraken Pay parameter and result types from Kraken's OpenAPI specs.

Reads ``otc/openapi_v3.yaml`` and ``pay/openapi_v3.yaml`` of Kraken's ``kraken-api-specs``
(``--specs DIR``, default ``../shared/specs/kraken-api-specs`` beside the repository) and writes,
for each of the two products:

* ``types.py``: one ``<Camel>Params`` TypedDict and one ``<Camel>Result`` type per catalogue
  entry (``kraken/core/rest/institutional/catalogue.py``, ``kraken/core/rest/pay/catalogue.py``).
  Institutional entries that no spec describes (the twelve Custody endpoints: Kraken publishes no
  Custody spec there) are typed by hand in ``custody_types.py`` and re-exported.
* ``spec_operations.py``: the table of every operation of the spec, which
  ``tests/core/test_institutional_coverage.py`` holds the catalogue against.

The schema-to-type rules are those of ``tools/gen_spot_types.py`` (imported, not copied): money
accepts ``str | Decimal | int | float`` in parameters, results are ``total=False`` TypedDicts,
``nonce`` is the SDK's. Added here: OTC's ``total`` is money too; both specs are envelopes, so a
result type is the ``result`` member. The OTC and Pay specs use three constructs the Spot
generator never meets, normalised before typing:

* ``$ref`` inside ``properties`` (splicing shared property sets, e.g. ``quote-props.yaml`` and
  Pay's ``external_id.yaml``): the resolver's bookkeeping key is dropped from the properties;
* OpenAPI 3.1 type lists (``type: [string, null]``) in a 3.0 file: the first non-null type,
  ``nullable`` when ``null`` is listed;
* one erratum (checked, like the Spot ones: a fixed spec makes the generator fail until it is
  removed): CreateOtcQuoteRequest's ``quote`` puts its ``$ref`` beside ``type: object`` instead
  of under ``properties``, which would splice the quote's fields in as schema keywords.

``python tools/gen_institutional_types.py`` writes the files; ``--check`` exits 1 when a
committed file differs from what would be generated.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_spot_types as g
from generated_files import write_or_check

ROOT = g.ROOT
REST = ROOT / "kraken" / "core" / "rest"
DEFAULT_SPECS = g.DEFAULT_SPECS
COMMAND = "python tools/gen_institutional_types.py"
URL_PREFIX = "/0"  # both specs' server is https://api.kraken.com/0

# String parameters that are amounts here besides the Spot generator's (OTC's quote total).
EXTRA_MONEY = frozenset({"total"})

Schema = dict[str, Any]


@dataclass(frozen=True)
class RawErratum:
    """A checked patch of one spec file, applied before ``$ref`` resolution."""

    file: str
    note: str
    patch: Callable[[Any], None]


def _quote_ref_beside_type(doc: Any) -> None:
    quote = doc["properties"]["result"]["properties"]["quote"]
    g._expect(
        "$ref" in quote and "properties" not in quote,
        "CreateOtcQuoteRequest's quote no longer puts its $ref beside type: object",
    )
    quote["properties"] = {"$ref": quote.pop("$ref")}


@dataclass(frozen=True)
class Target:
    """One product: its spec, its package, and the hand-written types it re-exports."""

    spec: str
    package: str
    title: str
    extra_module: str = ""
    errata: tuple[RawErratum, ...] = ()

    @property
    def directory(self) -> Path:
        """The package directory."""
        return REST / self.package

    @property
    def dotted(self) -> str:
        """The package's import path."""
        return f"kraken.core.rest.{self.package}"


TARGETS: tuple[Target, ...] = (
    Target(
        spec="otc/openapi_v3.yaml",
        package="institutional",
        title="OTC",
        extra_module="custody_types",
        errata=(
            RawErratum(
                "otc/schemas/responses/otc/create-otc-quote-request.yaml",
                "CreateOtcQuoteRequest: `quote` has its `$ref` beside `type: object`; the quote's"
                " fields belong under `properties` (as in active-quote.yaml).",
                _quote_ref_beside_type,
            ),
        ),
    ),
    Target(spec="pay/openapi_v3.yaml", package="pay", title="Kraken Pay"),
)


# --------------------------------------------------------------------------------------------
# Reading and normalising a spec


def normalise(node: Any) -> Any:
    """Drop resolver keys from property maps and turn 3.1 type lists into 3.0 ``nullable``."""
    if isinstance(node, list):
        return [normalise(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: normalise(v) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict):
        out["properties"] = {k: v for k, v in props.items() if k != "x-ref"}
    kind = out.get("type")
    if isinstance(kind, list):
        types = [t for t in kind if t not in (None, "null")]
        out["type"] = types[0] if types else "object"
        if len(types) < len(kind):
            out["nullable"] = True
    return out


def spec_operations(loader: g.SpecLoader, target: Target) -> list[g.Operation]:
    """Every operation of the target's spec, resolved and normalised, in document order."""
    doc = normalise(loader.resolved(target.spec))
    found: list[g.Operation] = []
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method not in g.HTTP_METHODS or not isinstance(op, dict):
                continue
            if "operationId" not in op:
                raise g.SpecError(f"{target.spec}: {method.upper()} {path} has no operationId")
            body = dict(op)
            body["parameters"] = [*item.get("parameters", []), *op.get("parameters", [])]
            found.append(
                g.Operation(
                    spec=target.spec,
                    operation_id=str(op["operationId"]),
                    method=method.upper(),
                    path=path,
                    url_prefix=URL_PREFIX,
                    browser_url="",
                    body=body,
                )
            )
    return found


def _params(op: g.Operation) -> Schema:
    schema = g._params_schema(op)
    props = {
        key: (
            {**value, "type": "number"}
            if key in EXTRA_MONEY and value.get("type") == "string"
            else value
        )
        for key, value in schema["properties"].items()
    }
    return {**schema, "properties": props}


def _result(op: g.Operation) -> Any:
    """The envelope's ``result`` schema (both specs answer ``{error, result}``)."""
    content: dict[str, Any] = g._response_200(op.body).get("content", {})
    media: Any = next(iter(content.values()), {})
    schema = media.get("schema") if isinstance(media, dict) else None
    if not isinstance(schema, dict):
        return {}
    if "allOf" in schema:
        schema = g.merge_all_of(schema)
    return (schema.get("properties") or {}).get("result", {})


# --------------------------------------------------------------------------------------------
# Building the modules


def build(target: Target, specs: Path) -> tuple[str, str, list[str]]:
    """The text of the target's ``types.py`` and ``spec_operations.py``, and console notes."""
    loader = g.SpecLoader(specs.resolve())
    notes: list[str] = []
    for erratum in target.errata:
        try:
            erratum.patch(loader.load(specs.resolve() / erratum.file))
        except (KeyError, TypeError) as exc:
            raise g.SpecError(f"erratum for {erratum.file} no longer applies: {exc!r}") from exc
        notes.append(erratum.note)
    ops = spec_operations(loader, target)
    by_id = {op.operation_id: op for op in ops}
    if len(by_id) != len(ops):
        raise g.SpecError(f"{target.spec}: duplicate operationId")

    entries = g.catalogue_entries(target.directory / "catalogue.py")
    extras = (
        g.extra_names(target.directory / f"{target.extra_module}.py") if target.extra_module else []
    )
    builder = g.TypeBuilder()
    for name in extras:
        builder.reserve(name)
    generated: list[g.Entry] = []
    for entry in entries:
        names = {f"{entry.camel}Params", f"{entry.camel}Result"}
        if names <= set(extras):
            continue  # typed by hand (Custody)
        op = by_id.get(entry.operation_id)
        if op is None:
            raise g.SpecError(
                f"{entry.name}: operation {entry.operation_id!r} is not in {target.spec} and "
                f"{target.extra_module or 'no hand-written module'} lacks {sorted(names)}"
            )
        if (entry.method, entry.path) != (op.method, URL_PREFIX + op.path):
            raise g.SpecError(f"{entry.name}: {entry.method} {entry.path} is not the spec's")
        for name in sorted(names):
            builder.reserve(name)
        generated.append(entry)
    for entry in generated:
        op = by_id[entry.operation_id]
        where = (
            f"``{entry.method} {entry.path}``, Kraken operation ``{entry.operation_id}``"
            f" (``{target.spec}``)."
        )
        builder.top_class(
            f"{entry.camel}Params", f"Parameters of ``{entry.name}``.", _params(op), True, where
        )
        for ignored in g._ignored_required(op):
            notes.append(f"{entry.operation_id}: required {ignored!r} names no property; ignored")
        result = _result(op)
        doc = g.docline(result.get("description")) if isinstance(result, dict) else ""
        builder.top_alias(
            f"{entry.camel}Result", f"Result of ``{entry.name}``.", result, False, doc
        )
    return render_types(target, builder, extras, notes), render_operations(target, ops), notes


def _header(target: Target) -> str:
    return (
        f"# GENERATED by tools/gen_institutional_types.py from Kraken's OpenAPI spec\n"
        f"# (kraken-api-specs: {target.spec}); do not edit.\n"
        f"# Regenerate with `{COMMAND} [--specs DIR]`; `--check` reports drift.\n"
    )


def render_types(
    target: Target, builder: g.TypeBuilder, extras: list[str], notes: list[str]
) -> str:
    """The text of the target's ``types.py``."""
    body = "\n\n".join(g._render(d) for d in builder.definitions)
    typing_names = {"TypedDict"}
    for name in ("Any", "Literal", "Required", "TypeAlias"):
        if re.search(rf"\b{name}\b", body):
            typing_names.add(name)
    corrections = "".join(
        textwrap.fill(note, width=96, initial_indent="# - ", subsequent_indent="#   ") + "\n"
        for note in notes
    )
    public = sorted({d.name for d in builder.definitions} | set(extras))
    imports = "from decimal import Decimal\n" if re.search(r"\bDecimal\b", body) else ""
    imports += f"from typing import {', '.join(sorted(typing_names))}\n"
    if extras:
        imports += (
            f"\nfrom {target.dotted}.{target.extra_module} import (\n"
            + "".join(f"    {name},\n" for name in extras)
            + ")\n"
        )
    hand = (
        f"Endpoints Kraken's spec lacks are typed by hand in\n"
        f":mod:`{target.dotted}.{target.extra_module}` and re-exported here.\n"
        if extras
        else ""
    )
    return (
        _header(target)
        + ("#\n# Spec corrections applied (see the tool):\n" + corrections if corrections else "")
        + f'"""Typed parameters and results of the {target.title} endpoints, from Kraken\'s'
        " spec.\n\n"
        "Each catalogue entry has a ``<Camel>Params`` TypedDict (``Required`` marks what Kraken\n"
        "requires; amounts accept ``str``, ``Decimal``, ``int`` or ``float``) and a\n"
        "``<Camel>Result`` type, the ``result`` of Kraken's envelope. Result objects are\n"
        "``total=False``: Kraken omits fields freely.\n"
        + hand
        + '"""\n\n'
        + imports
        + "\n__all__ = [\n"
        + "".join(f'    "{name}",\n' for name in public)
        + "]\n\n\n"
        + body
    )


def render_operations(target: Target, ops: list[g.Operation]) -> str:
    """The text of the target's ``spec_operations.py``."""
    rows = "".join(
        f'    ("{o.operation_id}", "{o.method}", "{o.url_prefix}{o.path}"),\n' for o in ops
    )
    return (
        _header(target)
        + f'"""Every operation of Kraken\'s {target.title} OpenAPI spec, as a table.\n\n'
        "``tests/core/test_institutional_coverage.py`` holds the catalogue against it: each\n"
        "operation has exactly one catalogue entry with the same operation id, verb and path.\n"
        '"""\n\n'
        "from typing import Final\n\n"
        '__all__ = ["SPEC_OPERATIONS"]\n\n'
        "SPEC_OPERATIONS: Final[tuple[tuple[str, str, str], ...]] = (\n" + rows + ")\n"
        '"""``(operation_id, http_method, path)``; paths below ``https://api.kraken.com``."""\n'
    )


# --------------------------------------------------------------------------------------------
# Writing and checking


def planned(specs: Path) -> tuple[dict[Path, str], list[str]]:
    """Every generated file with its formatted text, and the notes of all targets."""
    files: dict[Path, str] = {}
    notes: list[str] = []
    for target in TARGETS:
        types_text, operations_text, target_notes = build(target, specs)
        # One ruff run per target: the staging directory is keyed by file name.
        files.update(
            g.ruff_format(
                {
                    target.directory / "types.py": types_text,
                    target.directory / "spec_operations.py": operations_text,
                }
            )
        )
        notes += [f"{target.package}: {note}" for note in target_notes]
    return files, notes


def main(argv: list[str] | None = None) -> int:
    """Write the generated modules, or with ``--check`` report drift and exit 1."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--specs", type=Path, default=DEFAULT_SPECS, help="the kraken-api-specs directory"
    )
    parser.add_argument("--check", action="store_true", help="fail if generated files are stale")
    args = parser.parse_args(argv)
    try:
        files, notes = planned(args.specs)
    except g.SpecError as exc:
        print(f"gen_institutional_types: {exc}", file=sys.stderr)
        return 2
    return write_or_check(
        files, tool="gen_institutional_types", command=COMMAND, check=args.check, notes=notes
    )


if __name__ == "__main__":
    raise SystemExit(main())

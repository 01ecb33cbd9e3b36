#!/usr/bin/env bash
# The test command: installs what it needs into .venv, runs every check, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh dev
export PYTHONDONTWRITEBYTECODE=1
echo "== codegen drift";   .venv/bin/python tools/codegen.py --check
echo "== ruff";            .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy --strict";   .venv/bin/mypy
echo "== import contracts"; .venv/bin/lint-imports
echo "== docs";            .venv/bin/python tools/gen_migration_tables.py --check
site="$(mktemp -d)"; trap 'rm -rf "$site"' EXIT
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict -q -d "$site"
echo "== pytest";          .venv/bin/python -m pytest "$@"

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
echo "== pytest";          .venv/bin/python -m pytest "$@"

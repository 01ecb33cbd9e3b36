#!/usr/bin/env bash
# The side-by-side benchmark in one command: our venv, the peers' venv, then every row.
# Usage: bash scripts/bench.sh [--quick] [--rows B2,B3] [...]   (arguments go to bench/run.py)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh dev
.venv/bin/python bench/peers_setup.py > /dev/null
exec .venv/bin/python bench/run.py "$@"

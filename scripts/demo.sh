#!/usr/bin/env bash
# The offline demo: signed REST calls and a checksum-verified live book over real loopback sockets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh testing
exec .venv/bin/python -m kraken.demo "$@"

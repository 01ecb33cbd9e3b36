# Shared by scripts/*.sh: create .venv once and install the project with the given extras.
# Usage: source scripts/_venv.sh EXTRAS
set -euo pipefail
PY="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$1-$(cksum pyproject.toml | cut -d' ' -f1)"
if [[ ! -f "$stamp" ]]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$1]"
  touch "$stamp"
fi

"""Create ``bench/.venv-peers`` with the peer SDKs the side-by-side benchmark compares against.

Usage: ``python bench/peers_setup.py [--force]``. Installs the versions of the peer survey
(../shared/reference/peers.md section 4.1); when a pinned version does not install, falls back to
the latest release and says so. Prints the installed versions at the end.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-peers"
PINNED = {
    "python-kraken-sdk": "3.5.1",
    "ccxt": "4.5.90",
    "krakenex": "2.2.2",
}
UNPINNED = ["requests", "aiohttp"]


def venv_python(path: Path = VENV) -> Path:
    return path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def pip(*args: str) -> bool:
    cmd = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", *args]
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=False).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="recreate the venv from scratch")
    args = parser.parse_args()
    if args.force and VENV.exists():
        shutil.rmtree(VENV)
    if not venv_python().exists():
        print(f"creating {VENV} with {sys.executable}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not pip(*UNPINNED):
        print("could not install requests/aiohttp", file=sys.stderr)
        return 1
    for name, version in PINNED.items():
        if pip(f"{name}=={version}"):
            continue
        print(f"NOTE: {name}=={version} did not install; falling back to the latest {name}")
        if not pip(name):
            print(f"could not install {name}", file=sys.stderr)
            return 1
    subprocess.run(
        [str(venv_python()), "-m", "pip", "list", "--disable-pip-version-check"],
        check=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

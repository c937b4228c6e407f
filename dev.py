#!/usr/bin/env python3
"""Set up the project on a fresh clone and run its main job or its tests (stdlib only).

    python3 dev.py start   # set up, build the bundled data, start browser + SPARQL endpoint
    python3 dev.py test    # set up, then lint and run the whole test suite
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def setup() -> None:
    """Create the virtual environment and install the project once per pyproject change."""
    if sys.version_info < (3, 11):
        sys.exit("politiraad-graph needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
        STAMP.write_text(wanted)


def start(extra: list[str]) -> None:
    run(BIN / "politiraad", "build")
    os.execv(BIN / "politiraad", [str(BIN / "politiraad"), "serve", *extra])


def test(extra: list[str]) -> None:
    run(BIN / "ruff", "check", "politiraad_graph", "webapp", "tests", "bench")
    run(BIN / "ruff", "format", "--check", "politiraad_graph", "webapp", "tests", "bench")
    run(BIN / "python", "-m", "pytest", "-n", "2", "--doctest-modules", "politiraad_graph", "tests", *extra)


def main() -> None:
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    setup()
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)


if __name__ == "__main__":
    main()

"""Benchmark ``politiraad build`` and ``politiraad validate`` on the bundled data (wall time).

    python -m bench.build [--repeat 5]

Each run is a fresh process, as a user runs it; the figures are medians. Goals: build < 3 s,
validate < 2 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from politiraad_graph.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=PROJECT_ROOT)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    exe = [sys.executable, "-m", "politiraad_graph.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "store")
        runs = {
            "build": [_wall([*exe, "build", "--store-path", store]) for _ in range(args.repeat)],
            "validate": [_wall([*exe, "validate"]) for _ in range(args.repeat)],
            "python startup (baseline)": [
                _wall([sys.executable, "-c", "import rdflib, pyshacl, pyoxigraph"])
                for _ in range(args.repeat)
            ],
        }
    medians = {name: statistics.median(times) for name, times in runs.items()}
    report = {"command": "python -m bench.build", "repeat": args.repeat, "median_seconds": medians}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "build.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Build and validate (bundled data)",
        "",
        "| command | median wall (s) |",
        "| --- | --- |",
    ]
    lines += [f"| `{name}` | {seconds:.2f} |" for name, seconds in medians.items()]
    (out / "build.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

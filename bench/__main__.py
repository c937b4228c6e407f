"""Run one benchmark by name.

python -m bench stores|overhead|build|endpoint|pages|publish|extraction_quality [options]
"""

from __future__ import annotations

import importlib
import sys

NAMES = (
    "stores",
    "overhead",
    "build",
    "endpoint",
    "pages",
    "publish",
    "extraction_quality",
    "load",
)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in NAMES:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{argv[0]}")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

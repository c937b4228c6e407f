"""The ``politiraad`` command: one entry point, one sub-command per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _cmd_anchor(args: argparse.Namespace) -> int:
    from politiraad_graph.anchor import AnchorError, anchor_file

    status = EXIT_OK
    for path in args.files:
        try:
            count = anchor_file(Path(path), Path(args.sources) if args.sources else None)
        except AnchorError as error:
            print(f"{path}: {error}", file=sys.stderr)
            status = EXIT_USAGE
        except Exception as error:  # a parse error names the line itself
            print(f"{path}: {error}", file=sys.stderr)
            status = EXIT_USAGE
        else:
            print(f"{path}: anchored {count} passage(s)")
    return status


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="politiraad",
        description="Build, check, query and serve the knowledge graph of Politirådet i Oslo.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    anchor = sub.add_parser(
        "anchor", help="turn quoted passages in curated Turtle into passages with offsets"
    )
    anchor.add_argument("files", nargs="+", help="Turtle files to anchor in place")
    anchor.add_argument("--sources", help="folder of source texts (default: ../sources)")
    anchor.set_defaults(handler=_cmd_anchor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

"""The ``ingest`` and ``accept`` sub-commands of ``politiraad``.

    politiraad ingest FILE.pdf|FILE.txt [--out data/drafts] [--data-dir DIR] [--force]
    politiraad accept data/drafts/<date> [--data-dir DIR] [--remove-draft]

Exit codes: 0 done, 1 the draft has violations (nothing written), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _root(args: argparse.Namespace) -> Path:
    from politiraad_graph.config import load_config

    return Path(load_config({"data_dir": getattr(args, "data_dir", None)})["data_dir"])


def _cmd_ingest(args: argparse.Namespace) -> int:
    from politiraad_graph.ingest.drafts import ingest_file
    from politiraad_graph.ingest.source import IngestError

    root = _root(args)
    out = Path(args.out) if args.out else root / "data" / "drafts"
    try:
        target, extraction, draft = ingest_file(
            Path(args.file), out_dir=out, project_root=root, force=args.force
        )
    except IngestError as error:
        message = str(error)
        if not message.startswith(str(args.file)):
            message = f"{args.file}: {message}"
        print(f"error: {message}; nothing was written", file=sys.stderr)
        return EXIT_USAGE
    new = len(draft.new_things)
    print(
        f"{target}: draft of {draft.meeting_iri} with {len(draft.facts)} extracted facts "
        f"in {extraction.seconds:.2f} s"
    )
    print(
        f"  review: {target / 'review.md'} (or review.html); "
        f"{new} new or ambiguous name(s) to check"
    )
    print(f"  then:   politiraad accept {target}")
    return EXIT_OK


def _cmd_accept(args: argparse.Namespace) -> int:
    from politiraad_graph.ingest.accept import AcceptError, accept_draft

    root = _root(args)
    try:
        result = accept_draft(Path(args.draft), root, keep_draft=not args.remove_draft)
    except AcceptError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not result.accepted:
        print(result.report())
        print(
            f"{args.draft}: not accepted: fix the violations above in the draft; "
            "data/ is unchanged",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    for path in result.written:
        print(f"wrote {path}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``ingest`` and ``accept`` sub-commands to a ``politiraad`` parser."""
    ingest = sub.add_parser(
        "ingest", help="turn minutes (PDF or text) into a draft with a review report"
    )
    ingest.add_argument("file", help="the minutes: a .pdf with a text layer, or a .txt")
    ingest.add_argument(
        "--out", help="folder of drafts (default: data/drafts under the data folder)"
    )
    ingest.add_argument("--data-dir", help="project folder with ontology/, shapes/, data/")
    ingest.add_argument(
        "--force", action="store_true", help="replace an existing draft of the meeting"
    )
    ingest.set_defaults(handler=_cmd_ingest)
    accept = sub.add_parser(
        "accept", help="validate a reviewed draft and move it into data/ (all or nothing)"
    )
    accept.add_argument("draft", help="the draft folder, data/drafts/<date>")
    accept.add_argument("--data-dir", help="project folder with ontology/, shapes/, data/")
    accept.add_argument(
        "--remove-draft", action="store_true", help="delete the draft folder once accepted"
    )
    accept.set_defaults(handler=_cmd_accept)


def build_parser() -> argparse.ArgumentParser:
    """A parser with only these sub-commands, for running them on their own."""
    parser = argparse.ArgumentParser(
        prog="politiraad", description="Ingest minutes of a politiråd."
    )
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ingest`` or ``accept``; return the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())

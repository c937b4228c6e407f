"""The ``publish`` and ``diff`` sub-commands; :func:`register` adds them to ``politiraad``.

Exit codes as everywhere: 0 ok, 1 findings (``diff``: the two differ; ``publish --strict``: the
data does not conform), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def register(sub: Any) -> None:
    """Add ``publish`` and ``diff`` to the sub-command parsers of ``politiraad``."""
    publish = sub.add_parser(
        "publish",
        help="make a versioned open-data release: dumps, CSV, DCAT-AP-NO, VoID, docs, static site",
        description=(
            "Write a release of the public graph into OUT/release/VERSION/. Content exempt from "
            "public disclosure keeps only its type, title and exemption; the restricted graph is "
            "never read. The same input gives byte-identical output."
        ),
    )
    publish.add_argument("--out", required=True, help="output folder (releases go to OUT/release/)")
    publish.add_argument(
        "--version", help="version of the release (default: the date of the latest held meeting)"
    )
    publish.add_argument(
        "--date", help="release date YYYY-MM-DD for the metadata (default: no date at all)"
    )
    publish.add_argument(
        "--from-nquads",
        metavar="FILE",
        help="publish an N-Quads file (.nq or .nq.gz, e.g. a synthetic corpus) instead of data/",
    )
    publish.add_argument("--data-dir", help="project folder with ontology/, shapes/, data/")
    publish.add_argument("--licence", choices=["nlod-2.0", "cc-by-4.0"], help="licence of the data")
    publish.add_argument("--base-url", help="where releases are served (publish_base_url)")
    publish.add_argument("--config", help="TOML file with publish_* settings (docs/publishing.md)")
    publish.add_argument(
        "--strict", action="store_true", help="publish nothing if the data has SHACL violations"
    )
    publish.add_argument("--no-site", action="store_true", help="leave out the static site")
    publish.add_argument(
        "--workers", type=int, help="processes rendering the site (default: up to 4, by cores)"
    )
    publish.add_argument("--quiet", action="store_true", help="no progress on standard error")
    publish.set_defaults(handler=cmd_publish)

    diff = sub.add_parser(
        "diff",
        help="show what changed between two releases (or TriG/N-Quads files), entity by entity",
    )
    diff.add_argument("old", metavar="A", help="the older release folder or .trig/.nq(.gz) file")
    diff.add_argument("new", metavar="B", help="the newer release folder or .trig/.nq(.gz) file")
    diff.add_argument("--format", choices=["text", "markdown"], default="text")
    diff.set_defaults(handler=cmd_diff)


def cmd_publish(args: argparse.Namespace) -> int:
    from politiraad_graph.config import load_config
    from politiraad_graph.publish.progress import Progress
    from politiraad_graph.publish.release import (
        NotConforming,
        PublishError,
        PublishOptions,
        publish,
    )
    from politiraad_graph.publish.settings import SettingsError, load_publish_settings

    try:
        settings = load_publish_settings(
            {"publish_licence": args.licence, "publish_base_url": args.base_url},
            config_file=Path(args.config) if args.config else None,
        )
        if args.config and not Path(args.config).is_file():
            raise SettingsError(f"{args.config}: no such file")
        root = Path(args.data_dir) if args.data_dir else Path(load_config({})["data_dir"])
        if args.workers is not None and args.workers < 1:
            raise SettingsError("--workers must be at least 1")
        options = PublishOptions(
            out=Path(args.out),
            project_root=root,
            from_nquads=Path(args.from_nquads) if args.from_nquads else None,
            version=args.version,
            date=args.date,
            settings=settings,
            strict=args.strict,
            site=not args.no_site,
            workers=args.workers,
        )
    except (SettingsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(quiet=args.quiet)
    try:
        release = publish(options, progress)
    except PublishError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except NotConforming as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    withheld = release.disclosure
    print(f"release {release.version} in {release.path}")
    print(f"  {release.triples} triples ({release.quads} quads), {release.files} files")
    print(
        f"  {len(withheld.exempt_things)} exempt thing(s): {withheld.withheld_statements} "
        "statement(s) withheld"
        + (
            f"; {withheld.restricted_quads_skipped} quad(s) of the restricted graph skipped"
            if withheld.restricted_quads_skipped
            else ""
        )
    )
    verdict = "conforms" if release.conforms else f"{release.violations} violation(s)"
    print(f"  validation: {verdict} (see validation/report.html)")
    if release.site is not None:
        print(f"  site: {release.site.entity_pages} entity pages")
        for path, status in release.site.failed[:20]:
            print(f"  not rendered: {path} (HTTP {status})")
        if len(release.site.failed) > 20:
            print(f"  … and {len(release.site.failed) - 20} more pages not rendered")
        for message in release.site.errors[:5]:
            print(f"  error: {message}", file=sys.stderr)
    if release.previous and release.diff is not None:
        d = release.diff
        print(
            f"  changes since {release.previous}: {len(d.entities)} entities, "
            f"+{d.added} -{d.removed} statements"
        )
    progress.done("done")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from politiraad_graph.publish.changes import diff_quads, load_quads, markdown, text_lines
    from politiraad_graph.publish.dataset import DatasetError

    try:
        old = load_quads(Path(args.old))
        new = load_quads(Path(args.new))
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    diff = diff_quads(old, new)
    if args.format == "markdown":
        sys.stdout.write(markdown(diff, args.old, args.new, limit=len(diff.entities) + 1))
    else:
        sys.stdout.writelines(text_lines(diff, args.old, args.new))
    return EXIT_OK if diff.equal else EXIT_FINDINGS

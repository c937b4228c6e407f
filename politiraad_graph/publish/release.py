"""Make a release: every file written into a temporary folder, renamed into place at the end.

A release lives at ``{out}/release/{version}/`` and holds::

    index.html            the release's landing page: downloads, tables, metadata, changes
    home.html, page/…     the static site (entity pages with .ttl and .jsonld twins), static/
    sitemap.xml           every HTML page, by its pinned address
    dumps/                Turtle, N-Triples and N-Quads (gzip), TriG, JSON-LD (+ context), RDF/XML
    csv/                  one table per main class
    metadata/             catalog.ttl|rdf|jsonld (DCAT-AP-NO), void.ttl
    .well-known/void      the VoID description again, for a server that serves the release at /
    validation/           the SHACL report of the public graph: report.ttl|json|txt|html
    docs/                 ontology, topics and code lists, shapes and checks, query library
    changes/              changelog.md|html|ttl against the previous release in {out}/release/
    release.json          version, date, counts
    SHA256SUMS            the SHA-256 of every other file (``sha256sum -c SHA256SUMS``)

The same input gives the same bytes: nothing depends on the time (a date only when ``--date``
gives one), the output folder, or the order things were found in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import re
import shutil
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from politiraad_graph import swap
from politiraad_graph.publish import changes, docs, dumps, metadata, report, tables
from politiraad_graph.publish.dataset import DatasetError, Disclosure, PublicDataset
from politiraad_graph.publish.progress import Progress
from politiraad_graph.publish.rdfwrite import jsonld, rdfxml, turtle
from politiraad_graph.publish.settings import PublishSettings, defaults
from politiraad_graph.publish.site import (
    SiteResult,
    build_site,
    entity_path,
    site_files,
    write_sitemap,
)
from politiraad_graph.validate import ValidationReport

BACKGROUND_VALIDATION_FROM = 200_000
"""Validate in a separate process from this many quads on."""

_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


class PublishError(ValueError):
    """A release that cannot be made: bad options or input; nothing was written."""


class NotConforming(RuntimeError):
    """``strict`` was asked for and the public graph does not conform to the shapes."""


@dataclass
class PublishOptions:
    out: Path
    project_root: Path
    from_nquads: Path | None = None
    version: str | None = None
    date: str | None = None
    settings: PublishSettings = field(default_factory=defaults)
    strict: bool = False
    site: bool = True
    workers: int | None = None


@dataclass
class Release:
    """What was published, for the command line and the benchmarks."""

    version: str
    path: Path
    triples: int
    quads: int
    conforms: bool
    violations: int
    previous: str | None
    site: SiteResult | None
    disclosure: Disclosure
    files: int
    timings: dict[str, float]
    diff: changes.Diff | None = None


DUMP_INFO: dict[str, tuple[str, str, str, str | None]] = {
    # key: (label, EU file type, media type, compression)
    "turtle": ("Turtle", "RDF_TURTLE", "text/turtle", None),
    "ntriples": ("N-Triples (gzip)", "RDF_N_TRIPLES", "application/n-triples", "application/gzip"),
    "nquads": ("N-Quads (gzip)", "RDF_N_QUADS", "application/n-quads", "application/gzip"),
    "trig": ("TriG", "RDF_TRIG", "application/trig", None),
    "jsonld": ("JSON-LD", "JSON_LD", "application/ld+json", None),
    "rdfxml": ("RDF/XML", "RDF_XML", "application/rdf+xml", None),
}
_NAMED = {"nquads", "trig", "jsonld"}


def check_date(value: str) -> str:
    """Return a date given as ``YYYY-MM-DD``; raise PublishError otherwise.

    >>> check_date("2026-02-01")
    '2026-02-01'
    """
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise PublishError(f"--date must be a date as YYYY-MM-DD, got {value!r}")


def check_version(value: str) -> str:
    if not _VERSION.match(value) or value in {".", ".."}:
        raise PublishError(
            f"--version must be letters, digits, '.', '_', '+' or '-' (at most 64), got {value!r}"
        )
    return value


def default_version(coverage: metadata.Coverage) -> str:
    """The version the data gives: the date of the latest held meeting."""
    return coverage.end or "0"


def _natural(version: str) -> list[Any]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", version) if p]


def previous_release(out: Path, version: str) -> str | None:
    """The newest release in ``out/release/`` that comes before ``version``."""
    folder = out / "release"
    if not folder.is_dir():
        return None
    found = [
        p.name
        for p in folder.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and p.name != version
        and (p / "release.json").is_file()
        and (p / "dumps" / dumps.DUMPS["nquads"]).is_file()
        and _natural(p.name) < _natural(version)
    ]
    return max(found, key=_natural) if found else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path, known: Mapping[str, str] | None = None) -> int:
    """Write ``SHA256SUMS`` for every file of the folder; return how many files it lists.

    ``known`` holds the SHA-256 of files hashed as they were written (the static site's), which
    are not read again.
    """
    known = known or {}
    files = [name for name in site_files(folder) if name != "SHA256SUMS"]
    lines = [f"{known.get(name) or sha256_file(folder / name)}  {name}\n" for name in files]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8", newline="\n")
    return len(files)


def _size(path: Path) -> str:
    """A file's size for people: ``812 B``, ``3.4 kB``, ``120.5 MB``."""
    size = float(path.stat().st_size)
    for unit in ("B", "kB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def _distributions(table_counts: dict[str, int]) -> tuple[metadata.Distribution, ...]:
    found = []
    for key, (label, file_type, media, compress) in DUMP_INFO.items():
        graphs = " med navngitte grafer" if key in _NAMED else ""
        graphs_en = " with named graphs" if key in _NAMED else ""
        found.append(
            metadata.Distribution(
                key,
                f"dumps/{dumps.DUMPS[key]}",
                f"Hele grafen som {label}",
                f"The whole graph as {label}",
                f"Alle offentlige utsagn{graphs}, som {label}. SHA-256 i SHA256SUMS.",
                f"Every public statement{graphs_en}, as {label}. SHA-256 in SHA256SUMS.",
                file_type,
                media,
                compress,
            )
        )
    for table in tables.TABLES:
        found.append(
            metadata.Distribution(
                "csv-" + table.file.removesuffix(".csv"),
                f"csv/{table.file}",
                f"{table.title_nb} (CSV)",
                f"{table.title_en} (CSV)",
                f"{table.title_nb}: én rad per ting, {table_counts.get(table.file, 0)} rader.",
                f"{table.title_en}: one row per thing, {table_counts.get(table.file, 0)} rows.",
                "CSV",
                "text/csv",
                conforms_to="https://www.rfc-editor.org/rfc/rfc4180",
            )
        )
    found.append(
        metadata.Distribution(
            "validation-report",
            "validation/report.ttl",
            "Valideringsrapport (SHACL)",
            "Validation report (SHACL)",
            "Den offentlige grafen validert mot SHACL-formene og datasjekkene.",
            "The public graph validated against the SHACL shapes and data checks.",
            "RDF_TURTLE",
            "text/turtle",
            conforms_to="https://www.w3.org/TR/shacl/",
        )
    )
    found.append(
        metadata.Distribution(
            "sparql",
            "",
            "SPARQL-endepunkt",
            "SPARQL endpoint",
            "Spørringer i SPARQL 1.1 mot den offentlige grafen.",
            "SPARQL 1.1 queries over the public graph.",
            "RDF_TURTLE",
            "text/turtle",
        )
    )
    return tuple(found)


def load(options: PublishOptions) -> PublicDataset:
    """The public dataset the options name: a project folder, or an N-Quads file."""
    from politiraad_graph.publish.dataset import from_file, from_project

    if options.from_nquads is not None:
        return from_file(options.from_nquads)
    return from_project(options.project_root)


def publish(options: PublishOptions, progress: Progress | None = None) -> Release:
    """Make a release; raise PublishError (nothing written) or NotConforming (strict)."""
    progress = progress or Progress(quiet=True)
    version = check_version(options.version) if options.version else None
    date = check_date(options.date) if options.date else None
    try:
        with progress.step("read the data and withhold exempt content"):
            data = load(options)
    except DatasetError as error:
        raise PublishError(str(error)) from error
    coverage = metadata.coverage(data)
    version = version or default_version(coverage)
    release_dir = options.out / "release" / version
    validation = None
    if options.strict or len(data.quads) < BACKGROUND_VALIDATION_FROM:
        # Strict: fail before anything is written. A large graph is validated in a process of
        # its own while the rest of the release is written; a small one here, which is quicker.
        with progress.step("validate the public graph"):
            validation = report.validate_public(data, options.project_root)
        if options.strict and not validation.conforms:
            raise NotConforming(
                f"the public graph has {validation.count('Violation')} violation(s); "
                "nothing was published (run 'politiraad validate')"
            )
    (options.out / "release").mkdir(parents=True, exist_ok=True)
    # A release a killed publish had moved aside comes back before anything is decided.
    swap.restore(options.out / "release", marker="release.json")
    previous = previous_release(options.out, version)
    work = options.out / "release" / f".{version}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        result = _write_release(
            data, work, options, progress, version, date, coverage, validation, previous
        )
        swap.swap_in(work, release_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result.path = release_dir
    return result


def _write_release(
    data: PublicDataset,
    work: Path,
    options: PublishOptions,
    progress: Progress,
    version: str,
    date: str | None,
    coverage: metadata.Coverage,
    validation: ValidationReport | None,
    previous: str | None,
) -> Release:
    if validation is not None:
        return _write_all(
            data, work, options, progress, version, date, coverage, validation, previous, None
        )
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as background:
        return _write_all(
            data, work, options, progress, version, date, coverage, validation, previous, background
        )


def _write_all(
    data: PublicDataset,
    work: Path,
    options: PublishOptions,
    progress: Progress,
    version: str,
    date: str | None,
    coverage: metadata.Coverage,
    validation: ValidationReport | None,
    previous: str | None,
    background: ProcessPoolExecutor | None,
) -> Release:
    settings = options.settings
    release_url = settings.release_url(version)
    pending: Future[ValidationReport] | None = None

    def validate_in_background(nquads: Path) -> None:
        nonlocal pending
        if validation is None and background is not None:
            pending = background.submit(
                report.validate_dump, str(nquads), str(options.project_root)
            )

    with progress.step("write the dumps"):
        dump_paths = dumps.write_dumps(
            data, work / "dumps", progress.detail, nquads_written=validate_in_background
        )
    with progress.step("write the CSV tables"):
        table_counts = tables.write_tables(data.store, work / "csv", progress.detail)

    site_result: SiteResult | None = None
    grouped_paths = {p for p in (entity_path(s) for s in {t[0] for t in data.union}) if p}
    if options.site:
        with progress.step("render the static site"):
            site_result = build_site(
                data,
                work,
                project_root=options.project_root,
                live=settings.base_url,
                dump=dump_paths["nquads"],
                workers=options.workers,
                count=progress.count,
            )
    rendered = grouped_paths - {
        p.removeprefix("/page/") for p, _ in (site_result.failed if site_result else [])
    }

    def page_from(depth: int) -> Callable[[str], str | None]:
        def link(target: str) -> str | None:
            path = entity_path(f"<{target}>")
            if path is None:
                return None
            fragment = "#" + target.split("#", 1)[1] if "#" in target else ""
            if site_result is not None and path in rendered:
                return "../" * depth + f"page/{path}.html{fragment}"
            return f"{settings.base_url}page/{path}{fragment}"

        return link

    if pending is not None:
        with progress.step("validate the public graph"):
            validation = pending.result()
    assert validation is not None
    violations = validation.count("Violation")
    context: dict[str, Any] = {
        "version": version,
        "date": date,
        "previous": previous,
        "site": site_result is not None,
        "sparql": settings.sparql_endpoint,
        "licence": settings.licence_info,
        "publisher_uri": settings.publisher_uri,
        "publisher_name": settings.publisher_name,
        "release_url": release_url,
    }
    with progress.step("write the validation report"):
        _write_report(work / "validation", validation, release_url, context, page_from(1))
    with progress.step("write the documentation"):
        docs.write_docs(
            data,
            work / "docs",
            project_root=options.project_root,
            page=page_from(1),
            context=context,
        )

    diff = None
    if previous:
        with progress.step(f"compare with release {previous}"):
            old = changes.load_quads(options.out / "release" / previous)
            diff = changes.diff_quads(old, data.quads)
            _write_changes(
                work / "changes", diff, previous, version, release_url, context, page_from(1)
            )

    with progress.step("write the metadata (DCAT-AP-NO, VoID)"):
        facts = metadata.ReleaseFacts(
            version=version,
            date=date,
            settings=settings,
            distributions=_distributions(table_counts),
            conforms=validation.conforms,
            previous=previous,
            coverage=coverage,
        )
        catalog = metadata.dcat(facts)
        (work / "metadata").mkdir()
        (work / "metadata" / "catalog.ttl").write_text(turtle(catalog.triples), encoding="utf-8")
        (work / "metadata" / "catalog.rdf").write_bytes(rdfxml(catalog.triples))
        (work / "metadata" / "catalog.jsonld").write_text(jsonld(catalog.triples), encoding="utf-8")
        void_text = turtle(metadata.void(data, facts).triples)
        (work / "metadata" / "void.ttl").write_text(void_text, encoding="utf-8")
        (work / ".well-known").mkdir()
        (work / ".well-known" / "void").write_text(void_text, encoding="utf-8")

    with progress.step("write the landing page, sitemap and checksums"):
        sizes = data.graph_sizes()
        summary = {
            "version": version,
            "date": date,
            "previous": previous,
            "triples": len(data.union),
            "quads": len(data.quads),
            "graphs": sizes,
            "conforms": validation.conforms,
            "violations": violations,
            "warnings": validation.count("Warning"),
            "licence": settings.licence_info["iri"],
            "publisher": settings.publisher_uri,
            "entity_pages": site_result.entity_pages if site_result else 0,
            "pages_not_rendered": [p for p, _ in site_result.failed] if site_result else [],
        }
        (work / "release.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        dump_rows = [
            {
                "path": f"dumps/{dumps.DUMPS[key]}",
                "format": DUMP_INFO[key][0],
                "size": _size(dump_paths[key]),
                "sha256": sha256_file(dump_paths[key]),
            }
            for key in DUMP_INFO
        ]
        table_rows = [
            {
                "path": f"csv/{t.file}",
                "title_nb": t.title_nb,
                "title_en": t.title_en,
                "rows": table_counts[t.file],
            }
            for t in tables.TABLES
        ]
        html = (
            docs.environment()
            .get_template("index.html")
            .render(
                root="",
                here="index.html",
                **context,
                triples=len(data.union),
                graphs=sizes,
                dumps=dump_rows,
                tables=table_rows,
                conforms=validation.conforms,
                violations=violations,
                warnings=validation.count("Warning"),
                entity_pages=site_result.entity_pages if site_result else 0,
            )
        )
        (work / "index.html").write_text(html, encoding="utf-8", newline="\n")
        if site_result is not None:
            site_result.sitemap_urls = write_sitemap(work, release_url)
        files = write_checksums(work, site_result.digests if site_result else None) + 1
    return Release(
        version=version,
        path=work,
        triples=len(data.union),
        quads=len(data.quads),
        conforms=validation.conforms,
        violations=violations,
        previous=previous,
        site=site_result,
        disclosure=data.disclosure,
        files=files,
        timings=dict(progress.timings),
        diff=diff,
    )


def _write_report(
    folder: Path,
    validation: Any,
    release_url: str,
    context: dict[str, Any],
    page: Callable[[str], str | None],
) -> None:
    folder.mkdir(parents=True)
    statements = report.report_statements(validation, release_url + "validation/report")
    (folder / "report.ttl").write_text(turtle(statements.triples), encoding="utf-8")
    (folder / "report.json").write_text(report.report_json(validation), encoding="utf-8")
    (folder / "report.txt").write_text(validation.to_text() + "\n", encoding="utf-8")
    from politiraad_graph.validate import _compact, _namespace_manager

    names = _namespace_manager()
    rows = [
        {
            "severity": r.severity,
            "focus": _compact(r.focus_node, names),
            "link": page(r.focus_node),
            "path": _compact(r.path, names) if r.path else "",
            "shape": _compact(r.source_shape, names),
            "message_nb": r.message_nb,
            "message_en": r.message_en or (r.message if not r.message_nb else None),
        }
        for r in validation.results
    ]
    html = (
        docs.environment()
        .get_template("report.html")
        .render(
            root="../",
            here="validation/report.html",
            **context,
            conforms=validation.conforms,
            violations=validation.count("Violation"),
            warnings=validation.count("Warning"),
            infos=validation.count("Info"),
            results=rows,
        )
    )
    (folder / "report.html").write_text(html, encoding="utf-8", newline="\n")


def _write_changes(
    folder: Path,
    diff: changes.Diff,
    previous: str,
    version: str,
    release_url: str,
    context: dict[str, Any],
    page: Callable[[str], str | None],
    limit: int = 2000,
) -> None:
    folder.mkdir(parents=True)
    (folder / "changelog.md").write_text(
        changes.markdown(diff, previous, version, limit), encoding="utf-8"
    )
    node = release_url + "changes/changelog"
    (folder / "changelog.ttl").write_text(
        turtle(changes.statements(diff, node, previous, version).triples), encoding="utf-8"
    )
    entities = []
    for change in diff.entities[:limit]:
        lines = [
            line.strip()
            for line in changes.text_lines(changes.Diff([change], {}, {}), "", "")
            if line.startswith("  ")
        ]
        iri = change.entity[1:-1] if change.entity.startswith("<") else change.entity
        entities.append(
            {
                "iri": iri,
                "label": diff.labels.get(change.entity) or iri,
                "status": change.status,
                "link": page(iri) if change.status != "removed" else None,
                "lines": lines,
            }
        )
    html = (
        docs.environment()
        .get_template("changelog.html")
        .render(
            root="../",
            here="changes/changelog.html",
            **context,
            diff=diff,
            entities=entities,
            more=max(0, len(diff.entities) - limit),
        )
    )
    (folder / "changelog.html").write_text(html, encoding="utf-8", newline="\n")

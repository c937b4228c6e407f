"""Accept a reviewed draft into data/: validate it, then write everything or nothing.

The draft is checked first (its passages against source.txt, then the SHACL shapes and data
checks with the reference data it points to); violations on the draft's own nodes refuse it and
leave data/ as it was. Otherwise the source text goes to data/sources/, the meeting to
data/meetings/<date>.ttl, and the proposed people, organisations, posts and places are appended
to their files in data/reference/. All files are staged next to their targets and renamed into
place; if a rename fails, the ones already done are rolled back.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, SKOS

from politiraad_graph.anchor import AnchorError, anchor_graph
from politiraad_graph.build import InputError, parse_file
from politiraad_graph.ingest.drafts import turtle
from politiraad_graph.journal import STAGED_SUFFIX, Journal, accept_lock
from politiraad_graph.namespaces import ID, SCHEMA, bind_prefixes
from politiraad_graph.vocab import POL

Validator = Callable[..., Any]

# Where a proposed resource goes, by its type.
_REFERENCE_FILES: list[tuple[URIRef, str]] = [
    (SCHEMA.Person, "people.ttl"),
    (POL.Council, "council.ttl"),
    (ORG.Post, "posts.ttl"),
    (SCHEMA.Place, "places.ttl"),
    (ORG.Organization, "organisations.ttl"),
    (ORG.OrganizationalUnit, "organisations.ttl"),
]


class AcceptError(ValueError):
    """A draft folder that cannot be accepted as it is (missing files, bad Turtle, conflicts)."""


@dataclass
class Finding:
    severity: str
    focus: str
    path: str
    message: str


@dataclass
class AcceptResult:
    accepted: bool
    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"{f.severity}: focus {f.focus}{' path ' + f.path if f.path else ''}\n  {f.message}"
            for f in self.findings
        ]
        violations = sum(1 for f in self.findings if f.severity == "Violation")
        lines.append(f"{violations} violation(s) in the draft")
        return "\n".join(lines)


def _load(path: Path) -> Graph:
    try:
        return parse_file(path)
    except InputError as error:
        raise AcceptError(str(error)) from error


def accept_draft(
    draft_dir: Path,
    project_root: Path,
    *,
    validator: Validator | None = None,
    keep_draft: bool = True,
) -> AcceptResult:
    """Validate a draft folder and, if it conforms, write it into ``project_root``/data."""
    with accept_lock(project_root / "data"):
        return _accept(draft_dir, project_root, validator=validator, keep_draft=keep_draft)


def _accept(
    draft_dir: Path, project_root: Path, *, validator: Validator | None, keep_draft: bool
) -> AcceptResult:
    for name in ("source.txt", "draft.ttl", "ingest.json"):
        if not (draft_dir / name).is_file():
            raise AcceptError(f"{draft_dir}: not a draft folder (no {name})")
    try:
        meta = json.loads((draft_dir / "ingest.json").read_text(encoding="utf-8"))
        key, file_name = str(meta["date"]), str(meta["file_name"])
    except (ValueError, KeyError) as error:
        raise AcceptError(f"{draft_dir / 'ingest.json'}: unreadable ({error})") from error
    data = project_root / "data"
    meeting_file = data / "meetings" / f"{key}.ttl"
    source_file = data / "sources" / file_name
    text = (draft_dir / "source.txt").read_text(encoding="utf-8")
    if meeting_file.exists():
        raise AcceptError(f"{meeting_file}: the meeting is in data/ already; nothing was changed")
    if source_file.exists() and source_file.read_text(encoding="utf-8") != text:
        raise AcceptError(
            f"{source_file}: a different source text has this name; nothing was changed"
        )
    draft = _load(draft_dir / "draft.ttl")
    proposals = (
        _load(draft_dir / "new-reference.ttl")
        if (draft_dir / "new-reference.ttl").is_file()
        else Graph()
    )
    with tempfile.TemporaryDirectory() as staging:
        (Path(staging) / file_name).write_text(text, encoding="utf-8")
        try:
            anchor_graph(draft, Path(staging))
        except (AnchorError, OSError) as error:
            raise AcceptError(f"{draft_dir / 'draft.ttl'}: {error}") from error
    findings = _validate(draft, proposals, project_root, validator)
    if any(f.severity == "Violation" for f in findings):
        return AcceptResult(False, findings)
    staged = _stage(draft, proposals, text, meeting_file, source_file, data / "reference", key)
    written = _commit(staged, data)
    if not keep_draft:
        shutil.rmtree(draft_dir, ignore_errors=True)
    return AcceptResult(True, findings, written)


def _validate(
    draft: Graph, proposals: Graph, root: Path, validator: Validator | None
) -> list[Finding]:
    if validator is None:
        from politiraad_graph.validate import validate

        validator = validate
    context = Graph()
    for folder in ("reference", "meetings"):
        for path in sorted((root / "data" / folder).glob("*.ttl")):
            context += _load(path)
    ontology = Graph()
    for path in sorted((root / "ontology").glob("*.ttl")):
        ontology += _load(path)
    union = Graph()
    union += context
    union += draft
    union += proposals
    report = validator(union, ontology=ontology, project_root=root)
    own = {str(s) for g in (draft, proposals) for s in g.subjects()}
    findings = []
    for result in report.results:
        focus = str(result.focus_node)
        if focus in own:
            where = str(result.path) if getattr(result, "path", None) else ""
            findings.append(Finding(str(result.severity), focus, where, str(result.message)))
    return findings


def _stage(
    draft: Graph,
    proposals: Graph,
    text: str,
    meeting_file: Path,
    source_file: Path,
    reference: Path,
    key: str,
) -> list[tuple[Path, str]]:
    """The new content of every file to write, as (target, content)."""
    draft, generated = _split_mentions(draft, proposals, text, source_file.name, reference)
    mentions_file = meeting_file.with_name(meeting_file.stem + ".mentions.ttl")
    staged = [(source_file, text), (meeting_file, turtle(draft))]
    if len(generated):
        staged.append((mentions_file, turtle(generated)))
    proposals = _confirmed(proposals, key)
    groups: dict[str, Graph] = {}
    placed: set[URIRef] = set()
    for cls, name in _REFERENCE_FILES:
        for subject in proposals.subjects(RDF.type, cls):
            if not isinstance(subject, URIRef) or subject in placed:
                continue
            placed.add(subject)
            group = groups.setdefault(name, Graph())
            for triple in proposals.triples((subject, None, None)):
                group.add(triple)
                _copy_blank(proposals, triple[2], group)
    for name, group in sorted(groups.items()):
        target = reference / name
        existing = target.read_text(encoding="utf-8") if target.exists() else ""
        block = (
            f"\n# Added by `politiraad accept` from the draft of the minutes of {key} "
            f"({date.today()}).\n" + turtle(group)
        )
        staged.append((target, existing.rstrip("\n") + "\n" + block))
    for target, content in staged:
        if target.suffix == ".ttl":
            try:
                Graph().parse(data=content, format="turtle", publicID=str(ID))
            except Exception as error:  # a staged file must parse before anything is written
                raise AcceptError(
                    f"{target}: the new content would not parse ({error}); nothing was changed"
                ) from error
    return staged


def _split_mentions(
    draft: Graph, proposals: Graph, text: str, file_name: str, reference: Path
) -> tuple[Graph, Graph]:
    """Leave to ``<date>.mentions.ttl`` the mentions ``politiraad mentions`` finds by label (it
    regenerates that file), and keep in the meeting file the others (topics, incidents ...)."""
    from politiraad_graph.mentions import mention_graph, reference_graph

    known = reference_graph(reference.parent.parent) + proposals
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / file_name).write_text(text, encoding="utf-8")
        try:
            generated = mention_graph(draft, known, Path(folder))
        except ValueError:
            return draft, Graph()
    kept = Graph()
    kept += draft
    for mention in set(generated.subjects(RDF.type, POL.Mention)):
        for _, _, passage in kept.triples((mention, POL.evidence, None)):
            if not any(s != mention for s in kept.subjects(POL.evidence, passage)):
                kept.remove((passage, None, None))
        kept.remove((mention, None, None))
    return bind_prefixes(kept), generated


def _confirmed(proposals: Graph, key: str) -> Graph:
    """Proposals as reference data: the note that asks for a check becomes one that says where
    the resource came from."""
    out = Graph()
    for s, p, o in proposals:
        if p == SKOS.editorialNote and str(o).startswith("Proposed by 'politiraad ingest'"):
            o = Literal(f"Added from the minutes of {key} by 'politiraad accept'.", lang="en")
        out.add((s, p, o))
    return out


def _copy_blank(source: Graph, node: object, into: Graph) -> None:
    from rdflib import BNode

    if isinstance(node, BNode):
        for triple in source.triples((node, None, None)):
            into.add(triple)
            _copy_blank(source, triple[2], into)


def _commit(staged: list[tuple[Path, str]], data: Path) -> list[Path]:
    """Write every staged file, or none: roll back the ones done if one fails.

    A journal (``politiraad_graph.journal``) makes it all or nothing when the process is
    killed, too: once every file is staged, the renames are recorded, and a later command
    finishes them.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for target, content in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=STAGED_SUFFIX
            )
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
            temps.append((target, Path(name)))
        journal = Journal(data, [(temp, target) for target, temp in temps])
    except BaseException:
        for _, temp in temps:
            temp.unlink(missing_ok=True)
        raise
    done: list[tuple[Path, bytes | None]] = []
    try:
        for target, temp in temps:
            original = target.read_bytes() if target.exists() else None
            os.replace(temp, target)
            done.append((target, original))
        journal.close()
    except BaseException:
        journal.close()  # first: what follows undoes the accept
        for written, before in reversed(done):
            if before is None:
                written.unlink(missing_ok=True)
            else:
                written.write_bytes(before)
        for _, temp in temps:
            temp.unlink(missing_ok=True)
        raise
    return [target for target, _ in temps]

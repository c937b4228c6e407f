"""What changed between two releases: statements added, removed and changed, entity by entity.

The unit of change is the entity: a thing and its fragments (``source/…#char=…`` belongs to
``source/…``). A statement whose subject and predicate stay but whose object changes is shown
as changed (old → new). The diff is of the union of all graphs; how many quads each named graph
gained or lost is given as well. Blank nodes, if an input has any, are skolemised the same way
as in a release, so equal graphs compare equal.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from politiraad_graph.namespaces import ID
from politiraad_graph.publish.dataset import (
    DatasetError,
    Quad,
    Triple,
    iri,
    literal_text,
    load_file,
    rows_of,
    skolemise,
    sort_triples,
)
from politiraad_graph.publish.dumps import DUMP_PREFIXES, DUMPS, TermWriter
from politiraad_graph.publish.rdfwrite import Statements, q, text

LABELS = (
    "<http://www.w3.org/2004/02/skos/core#prefLabel>",
    "<http://purl.org/dc/terms/title>",
    "<http://www.w3.org/2000/01/rdf-schema#label>",
)


@dataclass
class EntityChange:
    """The statements of one entity that were added or removed."""

    entity: str
    added: list[Triple] = field(default_factory=list)
    removed: list[Triple] = field(default_factory=list)
    status: str = "changed"
    """``new`` (not in the old release), ``removed`` (not in the new one) or ``changed``."""

    def changed(self) -> list[tuple[str, str, list[str], list[str]]]:
        """(subject, predicate, old objects, new objects) for statements that changed value."""
        old: dict[tuple[str, str], list[str]] = defaultdict(list)
        new: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s, p, o in self.removed:
            old[(s, p)].append(o)
        for s, p, o in self.added:
            new[(s, p)].append(o)
        return [(s, p, old[(s, p)], new[(s, p)]) for s, p in sorted(set(old) & set(new))]

    def only_added(self) -> list[Triple]:
        both = {(s, p) for s, p, _, _ in self.changed()}
        return [t for t in self.added if (t[0], t[1]) not in both]

    def only_removed(self) -> list[Triple]:
        both = {(s, p) for s, p, _, _ in self.changed()}
        return [t for t in self.removed if (t[0], t[1]) not in both]


@dataclass
class Diff:
    """The difference from an old dataset to a new one."""

    entities: list[EntityChange]
    graphs: dict[str, tuple[int, int]]
    """Named graph → (quads added, quads removed), for graphs that changed."""
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return not self.entities and not self.graphs

    @property
    def added(self) -> int:
        return sum(len(e.added) for e in self.entities)

    @property
    def removed(self) -> int:
        return sum(len(e.removed) for e in self.entities)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entities if e.status == status)


def entity_of(subject: str) -> str:
    """The entity a subject term belongs to: the IRI without its fragment."""
    if subject.startswith("<"):
        return subject.split("#", 1)[0] + (">" if "#" in subject else "")
    return subject


def load_quads(path: Path) -> list[Quad]:
    """The quads of a release folder (its N-Quads dump) or of an N-Quads or TriG file."""
    if path.is_dir():
        dump = path / "dumps" / DUMPS["nquads"]
        if not dump.is_file():
            raise DatasetError(f"{path}: not a release folder (no dumps/{DUMPS['nquads']})")
        path = dump
    if not path.is_file():
        raise DatasetError(f"{path}: no such file or folder")
    return sorted(set(skolemise(rows_of(load_file(path)))))


def _labels(triples: Iterable[Triple]) -> dict[str, str]:
    """A name per subject: a bokmål label first, then one without language, then any."""
    found: dict[str, tuple[int, str]] = {}
    for s, p, o in triples:
        if p in LABELS and o.startswith('"'):
            lexical, lang = literal_text(o)
            rank = 0 if lang == "nb" else 1 if not lang else 2
            if s not in found or (rank, lexical) < found[s]:
                found[s] = (rank, lexical)
    return {k: v[1] for k, v in found.items()}


def diff_quads(old: list[Quad], new: list[Quad]) -> Diff:
    """Compare two sorted quad lists."""
    old_triples = {(s, p, o) for _, s, p, o in old}
    new_triples = {(s, p, o) for _, s, p, o in new}
    added = new_triples - old_triples
    removed = old_triples - new_triples
    old_entities = {entity_of(s) for s, _, _ in old_triples}
    new_entities = {entity_of(s) for s, _, _ in new_triples}
    changes: dict[str, EntityChange] = {}
    for triple in sort_triples(added):
        key = entity_of(triple[0])
        changes.setdefault(key, EntityChange(key)).added.append(triple)
    for triple in sort_triples(removed):
        key = entity_of(triple[0])
        changes.setdefault(key, EntityChange(key)).removed.append(triple)
    for key, change in changes.items():
        if key not in old_entities:
            change.status = "new"
        elif key not in new_entities:
            change.status = "removed"
    graph_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    old_set, new_set = set(old), set(new)
    for g, *_ in new_set - old_set:
        graph_counts[g][0] += 1
    for g, *_ in old_set - new_set:
        graph_counts[g][1] += 1
    labels = _labels(t for t in new_triples | removed if t[1] in LABELS)
    return Diff(
        [changes[k] for k in sorted(changes)],
        {(iri(g) if g else ""): (a, r) for g, (a, r) in sorted(graph_counts.items())},
        labels,
    )


# -------------------------------------------------------------------------------- rendering


def _short(terms: TermWriter, term: str) -> str:
    return terms.term(term)


def text_lines(diff: Diff, old_name: str, new_name: str) -> Iterator[str]:
    """The diff for the terminal, entity by entity: ``+`` added, ``-`` removed, ``~`` changed."""
    terms = TermWriter(DUMP_PREFIXES, str(ID))
    yield f"--- {old_name}\n+++ {new_name}\n"
    for change in diff.entities:
        label = diff.labels.get(change.entity)
        title = f"{change.entity}" + (f"  ({label})" if label else "")
        yield f"\n{title}  [{change.status}]\n"
        for s, p, olds, news in change.changed():
            where = "" if s == change.entity else f"{_short(terms, s)} "
            old_text = ", ".join(_short(terms, o) for o in olds)
            new_text = ", ".join(_short(terms, o) for o in news)
            yield f"  ~ {where}{_short(terms, p)} {old_text} → {new_text}\n"
        for s, p, o in change.only_added():
            where = "" if s == change.entity else f"{_short(terms, s)} "
            yield f"  + {where}{_short(terms, p)} {_short(terms, o)}\n"
        for s, p, o in change.only_removed():
            where = "" if s == change.entity else f"{_short(terms, s)} "
            yield f"  - {where}{_short(terms, p)} {_short(terms, o)}\n"
    yield (
        f"\n{len(diff.entities)} entities differ ({diff.count('new')} new, "
        f"{diff.count('removed')} removed, {diff.count('changed')} changed): "
        f"{diff.added} statements added, {diff.removed} removed\n"
    )


def markdown(diff: Diff, old_version: str, new_version: str, limit: int = 2000) -> str:
    """The changelog as Markdown, for people: a summary, then each entity's changes."""
    terms = TermWriter(DUMP_PREFIXES, str(ID))
    lines = [
        f"# Endringer fra {old_version} til {new_version} / "
        f"Changes from {old_version} to {new_version}",
        "",
        "| | antall / count |",
        "| --- | ---: |",
        f"| nye entiteter / new entities | {diff.count('new')} |",
        f"| fjernede entiteter / removed entities | {diff.count('removed')} |",
        f"| endrede entiteter / changed entities | {diff.count('changed')} |",
        f"| utsagn lagt til / statements added | {diff.added} |",
        f"| utsagn fjernet / statements removed | {diff.removed} |",
        "",
    ]
    if diff.graphs:
        lines += ["| navngitt graf / named graph | + | − |", "| --- | ---: | ---: |"]
        lines += [f"| `{g or '(default)'}` | {a} | {r} |" for g, (a, r) in diff.graphs.items()]
        lines.append("")
    if diff.equal:
        lines += ["Ingen endringer. / No changes.", ""]
    for change in diff.entities[:limit]:
        label = diff.labels.get(change.entity, "")
        lines += [
            f"## {label or iri(change.entity)} ({change.status})",
            "",
            f"<{iri(change.entity)}>",
            "",
        ]
        for s, p, olds, news in change.changed():
            where = "" if s == change.entity else f"`{_short(terms, s)}` "
            old_text = ", ".join(f"`{_short(terms, o)}`" for o in olds)
            new_text = ", ".join(f"`{_short(terms, o)}`" for o in news)
            lines.append(f"- ~ {where}`{_short(terms, p)}` {old_text} → {new_text}")
        for s, p, o in change.only_added():
            where = "" if s == change.entity else f"`{_short(terms, s)}` "
            lines.append(f"- \\+ {where}`{_short(terms, p)}` `{_short(terms, o)}`")
        for s, p, o in change.only_removed():
            where = "" if s == change.entity else f"`{_short(terms, s)}` "
            lines.append(f"- − {where}`{_short(terms, p)}` `{_short(terms, o)}`")
        lines.append("")
    if len(diff.entities) > limit:
        rest = len(diff.entities) - limit
        lines += [
            f"… og {rest} entiteter til; alle står i changelog.ttl. / … and {rest} more "
            "entities; all are in changelog.ttl.",
            "",
        ]
    return "\n".join(lines)


def statements(diff: Diff, node: str, old_version: str, new_version: str) -> Statements:
    """The changelog as RDF: one ``cs:ChangeSet`` per entity, with reified statements."""
    out = Statements()
    release = f"<{node}>"
    out.a(release, "prov:Activity")
    out.texts(
        release,
        q("rdfs:label"),
        f"Endringer fra {old_version} til {new_version}",
        f"Changes from {old_version} to {new_version}",
    )
    for change in diff.entities:
        digest = hashlib.sha256(change.entity.encode()).hexdigest()[:20]
        changeset = f"<{node}-{digest}>"
        out.add(release, q("prov:generated"), changeset)
        out.a(changeset, "cs:ChangeSet")
        out.add(changeset, q("cs:subjectOfChange"), change.entity)
        out.add(
            changeset, q("cs:changeReason"), text(f"{change.status}: {old_version} → {new_version}")
        )
        for kind, triples in (("cs:addition", change.added), ("cs:removal", change.removed)):
            for s, p, o in triples:
                key = hashlib.sha256(f"{s} {p} {o}".encode()).hexdigest()[:20]
                statement = f"<{node}-{digest}-{key}>"
                out.add(changeset, q(kind), statement)
                out.a(statement, "rdf:Statement")
                out.add(statement, q("rdf:subject"), s)
                out.add(statement, q("rdf:predicate"), p)
                out.add(statement, q("rdf:object"), o)
    return out

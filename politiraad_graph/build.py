"""Build the graph: parse every curated file, validate, and load the store all at once."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from politiraad_graph.journal import finish_interrupted_accept
from politiraad_graph.namespaces import BASE, GRAPH, ID

_MEETING_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


class InputError(ValueError):
    """A data file that cannot be read: the message names the file, the line and the problem."""


@dataclass(frozen=True)
class DataFile:
    path: Path
    graph_name: str


@dataclass
class BuildResult:
    graphs: dict[str, Graph]
    files: list[DataFile]
    seconds: dict[str, float] = field(default_factory=dict)
    #: each subject IRI and the first file that describes it, for readable reports
    owners: dict[str, str] = field(default_factory=dict)

    def union(self) -> Graph:
        """Return one graph with every triple of every named graph."""
        union = Graph()
        for graph in self.graphs.values():
            union += graph
        return union


def discover(root: Path) -> list[DataFile]:
    """List the curated files under ``root`` and the named graph each one goes into."""
    files = [DataFile(p, str(GRAPH.ontology)) for p in sorted((root / "ontology").glob("*.ttl"))]
    files += [
        DataFile(p, str(GRAPH.reference))
        for p in sorted((root / "data" / "reference").glob("*.ttl"))
    ]
    for path in sorted((root / "data" / "meetings").glob("*.ttl")):
        match = _MEETING_FILE.match(path.name)
        if not match:
            raise InputError(f"{path}: a meeting file's name must start with its date (YYYY-MM-DD)")
        files.append(DataFile(path, f"{GRAPH}meeting/{match.group(1)}"))
    return files


def _syntax_message(path: Path, error: Exception) -> str:
    if isinstance(error, BadSyntax):
        why = getattr(error, "_why", str(error))
        line = getattr(error, "lines", None)
        return f"{path}:{(line or 0) + 1}: Turtle syntax error: {why}"
    text = str(error)
    found = re.search(r"line (\d+)", text)
    where = f"{path}:{found.group(1)}" if found else str(path)
    return f"{where}: {text.strip().splitlines()[0] if text.strip() else type(error).__name__}"


def parse_file(path: Path) -> Graph:
    """Parse one Turtle file with the project's base IRI; raise InputError naming the line."""
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from error
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from error
    try:
        graph.parse(data=text, format="turtle", publicID=str(ID))
    except (BadSyntax, ParserError, SyntaxError, ValueError) as error:
        raise InputError(_syntax_message(path, error)) from error
    return graph


def load_sources(root: Path) -> BuildResult:
    """Parse every curated file into its named graph (finishing an interrupted accept first)."""
    started = time.perf_counter()
    finish_interrupted_accept(root)
    files = discover(root)
    graphs: dict[str, Graph] = {}
    owners: dict[str, str] = {}
    for data_file in files:
        graph = parse_file(data_file.path)
        for subject in set(graph.subjects()):
            owners.setdefault(str(subject), str(data_file.path))
        target = graphs.setdefault(data_file.graph_name, Graph(identifier=data_file.graph_name))
        target += graph
    for name, graph in list(graphs.items()):
        graphs[name] = _skolemised(graph)
    _keep_each_triple_once(graphs)
    return BuildResult(graphs, files, {"parse": time.perf_counter() - started}, owners)


def _skolemised(graph: Graph) -> Graph:
    """Give blank nodes (OWL lists in the ontology) stable IRIs derived from the graph's content.

    The same files then always give the same triples, so store checksums and releases are
    reproducible, and nothing a user may want to link to is a blank node.
    """
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    canonical = to_canonical_graph(graph)
    # The graph's name is part of the IRI: equal blank nodes in two graphs are not one thing.
    scope = hashlib.sha256(str(graph.identifier).encode()).hexdigest()[:12]
    skolem = canonical.skolemize(authority=BASE, basepath=f".well-known/genid/{scope}-")
    out = Graph(identifier=graph.identifier)
    out += skolem
    return out


def _keep_each_triple_once(graphs: Mapping[str, Graph]) -> None:
    """Keep a triple only in the first graph that has it (ontology, reference, meetings).

    Stores that answer over the union of named graphs may return a triple once per graph
    (Oxigraph does), which would make counts and lists repeat; one copy keeps answers honest.
    """
    seen: set[tuple[Any, Any, Any]] = set()
    for graph in graphs.values():
        repeated = [t for t in graph if t in seen]
        for triple in repeated:
            graph.remove(triple)
        seen.update(graph)


def file_of(result: BuildResult) -> Mapping[str, str]:
    """Map each subject IRI to the first file that describes it, for readable reports."""
    return result.owners


def summary(graphs: Mapping[str, Graph]) -> dict[str, Any]:
    """Count what the graph holds, for the short report after a build."""
    from rdflib.namespace import ORG, RDF, SKOS

    from politiraad_graph.namespaces import POL, SCHEMA

    union = Graph()
    for graph in graphs.values():
        union += graph
    kinds = {
        "meetings": POL.Meeting,
        "agenda items": POL.AgendaItem,
        "participations": POL.Participation,
        "decisions": POL.Decision,
        "follow-up points": POL.FollowUpPoint,
        "people": SCHEMA.Person,
        "organisations": ORG.Organization,
        "places": SCHEMA.Place,
        "programmes": POL.Programme,
        "topics and concepts": SKOS.Concept,
        "passages": POL.Passage,
    }
    return {
        "triples": len(union),
        "graphs": {name: len(g) for name, g in sorted(graphs.items())},
        "things": {label: len(set(union.subjects(RDF.type, cls))) for label, cls in kinds.items()},
    }

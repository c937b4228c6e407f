"""Write the public dataset in every RDF syntax a user may want, always in the same order.

Turtle, TriG and JSON-LD are written here rather than by a library serialiser: their output must
not change from one run to the next, prefixed names and the ``@base`` of our things keep the files
readable, and one pass over sorted quads is fast enough for millions of triples. N-Triples and
N-Quads are the sorted lines themselves; RDF/XML is pyoxigraph's serialiser fed in sorted order.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from politiraad_graph.namespaces import BESLUIT, GRAPH, ID, MANDAAT, OPARL, PREFIXES, VANN
from politiraad_graph.publish.dataset import (
    GENID,
    RDF_TYPE,
    PublicDataset,
    Quad,
    Triple,
    parse_terms,
)

DUMP_PREFIXES: dict[str, str] = {
    **{name: str(ns) for name, ns in PREFIXES.items()},
    "besluit": str(BESLUIT),
    "mandaat": str(MANDAAT),
    "oparl": str(OPARL),
    "vann": str(VANN),
    "genid": GENID,
}
"""The prefixes of every dump; our things are written relative to ``@base`` instead."""

JSONLD_PREFIXES: dict[str, str] = {**DUMP_PREFIXES, "id": str(ID), "graph": str(GRAPH)}
"""The published JSON-LD context: the dump prefixes plus ``id:`` for things, ``graph:``."""

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]*)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_STEP = 20_000


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context published next to the dumps (``context.jsonld``)."""
    return {"@context": dict(sorted(JSONLD_PREFIXES.items()))}


@contextmanager
def deterministic_gzip(path: Path) -> Iterator[gzip.GzipFile]:
    """Open a gzip file for writing whose bytes depend on its content only (no name, no time)."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as packed,
    ):
        yield packed


class TermWriter:
    """Shorten N-Triples terms into Turtle terms: prefixed names, ``<relative>`` things."""

    def __init__(self, prefixes: Mapping[str, str], base: str | None) -> None:
        # Longest namespace first, so the most specific prefix wins.
        self.prefixes = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self.base = base
        self._cache: dict[str, str] = {}

    def header(self) -> str:
        lines = [f"@base <{self.base}> .\n"] if self.base else []
        lines += [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(self.prefixes)]
        return "".join(lines) + "\n"

    def iri(self, value: str) -> str:
        found = self._cache.get(value)
        if found is not None:
            return found
        found = f"<{value}>"
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
                found = f"{prefix}:{value[len(namespace) :]}"
                break
        else:
            if self.base and value.startswith(self.base):
                rest = value[len(self.base) :]
                if _relative_ok(rest):
                    found = f"<{rest}>"
        if len(self._cache) < 200_000:
            self._cache[value] = found
        return found

    def term(self, term: str) -> str:
        """Shorten one N-Triples term (an IRI or a literal; there are no blank nodes)."""
        if term.startswith("<"):
            return self.iri(term[1:-1])
        if term.endswith(">") and '"^^<' in term:
            cut = term.rindex('"^^<')
            return f"{term[: cut + 1]}^^{self.iri(term[cut + 4 : -1])}"
        return term


def _relative_ok(rest: str) -> bool:
    """Whether ``rest`` resolves back to base + rest when written as a relative IRI."""
    if rest.startswith(("/", "?", "#")) or _SCHEME.match(rest):
        return False
    path = rest.split("#", 1)[0].split("?", 1)[0]
    return all(step not in {".", ".."} for step in path.split("/"))


def _turtle_block(triples: Iterable[Triple], terms: TermWriter, indent: str = "") -> Iterator[str]:
    type_term = f"<{RDF_TYPE}>"
    for subject, rows in groupby(triples, key=lambda t: t[0]):
        parts = []
        for predicate, objects in groupby(rows, key=lambda t: t[1]):
            name = "a" if predicate == type_term else terms.term(predicate)
            values = " , ".join(terms.term(o) for _, _, o in objects)
            parts.append(f"{name} {values}")
        body = f" ;\n{indent}    ".join(parts)
        yield f"{indent}{terms.term(subject)} {body} .\n"


def turtle_lines(triples: Iterable[Triple]) -> Iterator[str]:
    """Yield a Turtle document of sorted triples, subject by subject."""
    terms = TermWriter(DUMP_PREFIXES, str(ID))
    yield terms.header()
    for block in _turtle_block(triples, terms):
        yield block + "\n"


def trig_lines(quads: Iterable[Quad]) -> Iterator[str]:
    """Yield a TriG document of quads sorted by graph: one block per named graph."""
    terms = TermWriter(DUMP_PREFIXES, str(ID))
    yield terms.header()
    for graph, rows in groupby(quads, key=lambda q: q[0]):
        yield (f"{graph} {{\n" if graph else "{\n")
        yield from _turtle_block(((s, p, o) for _, s, p, o in rows), terms, "    ")
        yield "}\n\n"


def _write_text(path: Path, lines: Iterable[str], tick: Callable[[int], None] | None) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        _write_chunks(handle, lines, tick)


def _write_chunks(
    handle: IO[str], lines: Iterable[str], tick: Callable[[int], None] | None
) -> None:
    chunk: list[str] = []
    for count, line in enumerate(lines, start=1):
        chunk.append(line)
        if len(chunk) >= _STEP:
            handle.write("".join(chunk))
            chunk.clear()
            if tick:
                tick(count)
    handle.write("".join(chunk))


def _write_gzip(path: Path, lines: Iterable[str], tick: Callable[[int], None] | None) -> None:
    with deterministic_gzip(path) as packed:
        text = io.TextIOWrapper(packed, encoding="utf-8", newline="\n")
        _write_chunks(text, lines, tick)
        text.flush()
        text.detach()


# ----------------------------------------------------------------------------------- JSON-LD


class JsonLdWriter:
    """Write nodes in compact form with a context's prefixes (the published one by default)."""

    def __init__(self, prefixes: Mapping[str, str] | None = None) -> None:
        chosen = JSONLD_PREFIXES if prefixes is None else prefixes
        self.prefixes = sorted(chosen.items(), key=lambda item: (-len(item[1]), item[0]))
        self._cache: dict[str, str] = {}

    def iri(self, value: str) -> str:
        found = self._cache.get(value)
        if found is not None:
            return found
        found = value
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace):
                rest = value[len(namespace) :]
                # A suffix that starts with // would be read as an absolute IRI.
                if rest and not rest.startswith("//"):
                    found = f"{prefix}:{rest}"
                    break
        if len(self._cache) < 200_000:
            self._cache[value] = found
        return found

    def value(self, term: object) -> Any:
        if isinstance(term, ox.NamedNode):
            return {"@id": self.iri(term.value)}
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                return term.value
            return {"@value": term.value, "@type": self.iri(term.datatype.value)}
        raise TypeError(f"cannot write {term!r} as JSON-LD")

    def node(self, subject: str, rows: Iterable[tuple[object, object]]) -> dict[str, Any]:
        """One node object: ``@id``, ``@type`` and its properties in sorted order."""
        node: dict[str, Any] = {"@id": self.iri(subject)}
        types: list[str] = []
        properties: dict[str, list[Any]] = {}
        for predicate, obj in rows:
            assert isinstance(predicate, ox.NamedNode)
            if predicate.value == RDF_TYPE and isinstance(obj, ox.NamedNode):
                types.append(self.iri(obj.value))
            else:
                properties.setdefault(self.iri(predicate.value), []).append(self.value(obj))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for key, values in properties.items():
            node[key] = values[0] if len(values) == 1 else values
        return node


def _dump(node: dict[str, Any]) -> str:
    return json.dumps(node, ensure_ascii=False, separators=(",", ":"))


def jsonld_nodes(
    quads: Iterable[ox.Quad], prefixes: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Yield one JSON text per subject of quads sorted by subject (one graph)."""
    writer = JsonLdWriter(prefixes)
    for subject, rows in groupby(quads, key=lambda q: q.subject):
        assert isinstance(subject, ox.NamedNode)
        yield _dump(writer.node(subject.value, ((q.predicate, q.object) for q in rows)))


def jsonld_dataset_lines(quads: Iterable[Quad]) -> Iterator[str]:
    """Yield a JSON-LD document of a dataset: the context, then one object per named graph."""
    writer = JsonLdWriter()
    context = json.dumps(jsonld_context()["@context"], ensure_ascii=False, indent=1)
    yield '{\n"@context": ' + context + ',\n"@graph": ['
    first_graph = True
    parsed = parse_terms(quads)
    for graph, in_graph in groupby(parsed, key=lambda q: q.graph_name):
        yield ("\n" if first_graph else ",\n")
        first_graph = False
        if isinstance(graph, ox.NamedNode):
            yield '{"@id":' + json.dumps(writer.iri(graph.value)) + ',"@graph":[\n'
        else:
            yield '{"@graph":[\n'
        first = True
        for subject, rows in groupby(in_graph, key=lambda q: q.subject):
            assert isinstance(subject, ox.NamedNode)
            node = writer.node(subject.value, ((q.predicate, q.object) for q in rows))
            yield ("" if first else ",\n") + _dump(node)
            first = False
        yield "\n]}"
    yield "\n]\n}\n"


def jsonld_graph_text(triples: Iterable[Triple]) -> str:
    """A JSON-LD document of a few triples (an entity's description), with the context."""
    nodes = list(jsonld_nodes(parse_terms(("", s, p, o) for s, p, o in triples)))
    context = json.dumps(jsonld_context()["@context"], ensure_ascii=False, indent=1)
    return '{\n"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(nodes) + "\n]\n}\n"


def turtle_text(triples: Iterable[Triple]) -> str:
    """A Turtle document of a few sorted triples (an entity's description)."""
    return "".join(turtle_lines(triples))


# ------------------------------------------------------------------------------------- dumps

DUMPS: dict[str, str] = {
    "turtle": "politiraad.ttl",
    "ntriples": "politiraad.nt.gz",
    "nquads": "politiraad.nq.gz",
    "trig": "politiraad.trig",
    "jsonld": "politiraad.jsonld",
    "rdfxml": "politiraad.rdf",
}
"""The dump files of a release, by format key, under ``dumps/``."""


def write_dumps(
    data: PublicDataset,
    folder: Path,
    step: Callable[[str], Any] | None = None,
    nquads_written: Callable[[Path], Any] | None = None,
) -> dict[str, Path]:
    """Write every dump and the JSON-LD context into ``folder``; return the paths by format.

    The N-Quads dump comes first and ``nquads_written`` is told when it is complete, so that
    work reading it (validation) can start while the other dumps are written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {key: folder / name for key, name in DUMPS.items()}
    triples = data.triples()

    def announce(what: str) -> None:
        if step:
            step(what)

    announce("N-Quads")
    _write_gzip(paths["nquads"], data.nquads(), None)
    if nquads_written:
        nquads_written(paths["nquads"])
    announce("N-Triples")
    _write_gzip(paths["ntriples"], (f"{s} {p} {o} .\n" for s, p, o in triples), None)
    announce("Turtle")
    _write_text(paths["turtle"], turtle_lines(triples), None)
    announce("TriG")
    _write_text(paths["trig"], trig_lines(data.quads), None)
    announce("JSON-LD")
    _write_text(paths["jsonld"], jsonld_dataset_lines(data.quads), None)
    (folder / "context.jsonld").write_text(
        json.dumps(jsonld_context(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    announce("RDF/XML")
    with paths["rdfxml"].open("wb") as handle:
        ox.serialize(
            (q.triple for q in parse_terms(("", s, p, o) for s, p, o in triples)),
            handle,
            ox.RdfFormat.RDF_XML,
            prefixes=DUMP_PREFIXES,
        )
    paths["context"] = folder / "context.jsonld"
    return paths

"""The public dataset of a release: loaded, stripped of exempt content, skolemised and sorted.

Everything a release publishes is made from one :class:`PublicDataset`. It is built in three
steps, each with one job:

1. **load** the curated files of a project (``ontology/``, ``data/reference/``,
   ``data/meetings/``; never ``data/restricted/``), or an N-Quads file. Quads of the restricted
   graph in an N-Quads file are dropped as they are parsed and never kept.
2. **disclose**: a thing with ``dcterms:accessRights <concept/access-rights/exempt>`` keeps its
   type, its title and its exemption; every other statement about it, about its fragments
   (``thing#part``) and about blank nodes (or skolemised ones) only it pointed to is withheld.
3. **skolemise** the remaining blank nodes into ``{base}.well-known/genid/{hash}`` IRIs whose hash
   depends only on the blank node's neighbourhood, so the same input always gives the same IRIs
   and an unchanged blank node keeps its IRI from one release to the next.

The quads are then kept as sorted N-Triples term strings: every writer walks the same order,
which is what makes a release byte-identical for the same input.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, BinaryIO, cast

import pyoxigraph as ox

from politiraad_graph.namespaces import BASE, GRAPH, ID

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
ACCESS_RIGHTS = DCT + "accessRights"
TITLE = DCT + "title"
EXEMPT = f"{ID}concept/access-rights/exempt"
RESTRICTED_GRAPH = f"{GRAPH}restricted"
GENID = f"{BASE}.well-known/genid/"

KEPT_FOR_EXEMPT = frozenset({RDF_TYPE, TITLE, ACCESS_RIGHTS})
"""What an exempt thing keeps: that it exists (its type), its title and that it is exempt."""

Quad = tuple[str, str, str, str]
"""A quad as N-Triples term strings ``(graph, subject, predicate, object)``; graph ``""`` is
the default graph."""

Triple = tuple[str, str, str]


class DatasetError(ValueError):
    """Input that cannot become a public dataset; the message names the file and the problem."""


@dataclass
class Disclosure:
    """What the disclosure step withheld, for the terminal (never written into a release)."""

    exempt_things: list[str] = field(default_factory=list)
    withheld_statements: int = 0
    restricted_quads_skipped: int = 0


@dataclass
class PublicDataset:
    """The quads a release publishes, sorted, and an Oxigraph store holding the same quads."""

    quads: list[Quad]
    store: ox.Store
    disclosure: Disclosure

    def graph_names(self) -> list[str]:
        """The named graphs, as IRIs, sorted."""
        return sorted({iri(g) for g, _, _, _ in self.quads if g})

    @cached_property
    def union(self) -> list[Triple]:
        """The union of all graphs, without duplicates, in the order every writer uses."""
        return sort_triples({(s, p, o) for _, s, p, o in self.quads})

    def triples(self) -> list[Triple]:
        """The union of all graphs, without duplicates, in the order every writer uses."""
        return self.union

    def graph_sizes(self) -> dict[str, int]:
        """The number of triples of each named graph."""
        sizes: dict[str, int] = defaultdict(int)
        for g, _, _, _ in self.quads:
            sizes[iri(g) if g else ""] += 1
        return dict(sorted(sizes.items()))

    def nquads(self) -> Iterator[str]:
        """The quads as N-Quads lines, in sorted order."""
        for g, s, p, o in self.quads:
            yield f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


def iri(term: str) -> str:
    """Return the IRI of an N-Triples IRI term.

    >>> iri("<https://example.org/a>")
    'https://example.org/a'
    """
    return term[1:-1]


def is_iri(term: str) -> bool:
    return term.startswith("<")


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def literal_text(term: str) -> tuple[str, str | None]:
    """The text and language of an N-Triples literal term.

    >>> literal_text('"Møte \\"1\\""@nb')
    ('Møte "1"', 'nb')
    """
    end = term.rindex('"')
    body, tail = term[1:end], term[end + 1 :]
    text = _ESCAPE.sub(
        lambda m: (
            chr(int(m.group(1) or m.group(2), 16))
            if m.group(3) is None
            else _SIMPLE.get(m.group(3), m.group(3))
        ),
        body,
    )
    return text, tail[1:] if tail.startswith("@") else None


def sort_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Sort triples by subject, then ``rdf:type`` first, then predicate and object."""
    type_term = f"<{RDF_TYPE}>"
    return sorted(triples, key=lambda t: (t[0], t[1] != type_term, t[1], t[2]))


def _sort_quads(quads: Iterable[Quad]) -> list[Quad]:
    type_term = f"<{RDF_TYPE}>"
    return sorted(set(quads), key=lambda q: (q[0], q[1], q[2] != type_term, q[2], q[3]))


# --------------------------------------------------------------------------------------- load


def load_project(root: Path) -> Iterator[ox.Quad]:
    """Yield the quads of a project's curated files (the files ``politiraad build`` loads).

    Only ``ontology/``, ``data/reference/`` and ``data/meetings/`` are read: the restricted
    folder is not a source of the public graph, and a named graph of that name is refused.
    """
    from politiraad_graph.build import InputError, load_sources
    from politiraad_graph.store.oxigraph import to_oxigraph

    try:
        result = load_sources(root)
    except InputError as error:
        raise DatasetError(str(error)) from error
    for path in (f.path for f in result.files):
        if "restricted" in path.relative_to(root).parts:
            raise DatasetError(f"{path}: restricted content is never published")
    for name, graph in sorted(result.graphs.items()):
        if name == RESTRICTED_GRAPH:
            raise DatasetError(f"the graph {name} is never published")
        context = ox.NamedNode(name)
        for s, p, o in graph:
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), context)  # type: ignore[arg-type]


def open_rdf(path: Path) -> gzip.GzipFile | BinaryIO:
    """Open a file for parsing, unzipping ``*.gz`` on the fly."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def rdf_format(path: Path) -> ox.RdfFormat:
    """Guess the format of a dataset file from its name (``.nq``, ``.trig``, maybe ``.gz``)."""
    name = path.name.removesuffix(".gz")
    for suffix, found in (
        (".nq", ox.RdfFormat.N_QUADS),
        (".trig", ox.RdfFormat.TRIG),
        (".nt", ox.RdfFormat.N_TRIPLES),
        (".ttl", ox.RdfFormat.TURTLE),
    ):
        if name.endswith(suffix):
            return found
    raise DatasetError(f"{path}: not an N-Quads, TriG, N-Triples or Turtle file")


def load_file(path: Path, skipped: list[int] | None = None) -> Iterator[ox.Quad]:
    """Yield the quads of an N-Quads or TriG file, dropping the restricted graph's quads."""
    restricted = ox.NamedNode(RESTRICTED_GRAPH)
    count = 0
    try:
        with open_rdf(path) as handle:
            for quad in ox.parse(cast(IO[bytes], handle), format=rdf_format(path)):
                if quad.graph_name == restricted:
                    count += 1
                    continue
                yield quad
    except (SyntaxError, ValueError, OSError, EOFError) as error:
        raise DatasetError(f"{path}: {error}") from error
    if skipped is not None:
        skipped.append(count)


# ----------------------------------------------------------------------------------- disclose


def _anonymous(term: str) -> bool:
    """A blank node, or one already skolemised (``politiraad build`` does that): a node with no
    name of its own, that belongs to whatever points to it."""
    return term.startswith(("_:", f"<{GENID}"))


def disclose(rows: list[Quad]) -> tuple[list[Quad], Disclosure]:
    """Withhold everything about exempt things but their type, title and exemption.

    Return the quads that stay, and what was withheld.
    """
    found = Disclosure()
    access, exempt_term = f"<{ACCESS_RIGHTS}>", f"<{EXEMPT}>"
    exempt = sorted({s for _, s, p, o in rows if p == access and o == exempt_term and is_iri(s)})
    found.exempt_things = [iri(s) for s in exempt]
    if not exempt:
        return rows, found
    things = set(exempt)
    kept = {f"<{p}>" for p in KEPT_FOR_EXEMPT}
    # Fragments of an exempt thing (``doc#part``) are parts of its content.
    fragments = tuple(s[:-1] + "#" for s in exempt)

    def withheld(row: Quad) -> bool:
        subject = row[1]
        return (subject in things and row[2] not in kept) or subject.startswith(fragments)

    removed = [row for row in rows if withheld(row)]
    rows = [row for row in rows if not withheld(row)]
    candidates = {row[3] for row in removed if _anonymous(row[3])}
    while candidates:
        orphans = candidates - {row[3] for row in rows if row[3] in candidates}
        if not orphans:
            break
        more = [row for row in rows if row[1] in orphans]
        rows = [row for row in rows if row[1] not in orphans]
        removed += more
        candidates = {row[3] for row in more if _anonymous(row[3])}
    found.withheld_statements = len(set(removed))
    return rows, found


# --------------------------------------------------------------------------------- skolemise


@dataclass(frozen=True)
class _Edge:
    """One statement seen from a blank node: out (it is the subject) or in (the object)."""

    direction: str
    graph: str
    predicate: str
    other: str | None
    """The term at the other end, or None if that is a blank node (``blank`` names it)."""
    blank: str | None


def _edges(rows: Iterable[Quad]) -> tuple[dict[str, list[_Edge]], list[str]]:
    edges: dict[str, list[_Edge]] = defaultdict(list)
    order: dict[str, None] = {}
    for g, s, p, o in rows:
        s_id = s[2:] if s.startswith("_:") else None
        o_id = o[2:] if o.startswith("_:") else None
        if s_id is not None:
            order.setdefault(s_id)
            edges[s_id].append(_Edge("out", g, p, None if o_id else o, o_id))
        if o_id is not None:
            order.setdefault(o_id)
            edges[o_id].append(_Edge("in", g, p, None if s_id else s, s_id))
    return edges, list(order)


def skolem_map(rows: Iterable[Quad]) -> dict[str, str]:
    """Map each blank node label of ``rows`` to a skolem IRI that depends on its neighbourhood.

    The label is refined round by round (as in the Weisfeiler-Lehman or RGDA1 hashes) from the
    predicates, IRIs, literals and graph around a blank node, until the partition of blank nodes
    stops getting finer. Blank nodes still alike after that are interchangeable in practice;
    they are numbered in input order.
    """
    edges, order = _edges(rows)
    if not order:
        return {}
    colour = dict.fromkeys(order, "")
    distinct = 1
    for _ in range(len(order) + 1):
        fresh = {}
        for node in order:
            parts = sorted(
                "\t".join(
                    (
                        e.direction,
                        e.graph,
                        e.predicate,
                        e.other if e.other is not None else "_:" + colour[str(e.blank)],
                    )
                )
                for e in edges[node]
            )
            digest = hashlib.sha256(colour[node].encode())
            digest.update("\n".join(parts).encode())
            fresh[node] = digest.hexdigest()
        count = len(set(fresh.values()))
        colour = fresh
        if count == distinct or count == len(order):
            break
        distinct = count
    seen: dict[str, int] = defaultdict(int)
    result = {}
    for node in order:
        label = colour[node][:32]
        seen[label] += 1
        result[node] = GENID + (label if seen[label] == 1 else f"{label}-{seen[label]}")
    return result


def skolem_iris(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """The skolem IRI of each blank node of some quads, by blank node label.

    >>> b = ox.BlankNode("x")
    >>> p = ox.NamedNode("http://example.org/p")
    >>> found = skolem_iris([ox.Quad(ox.NamedNode("http://example.org/s"), p, b)])
    >>> found["x"].startswith(GENID)
    True
    """
    return skolem_map(rows_of(quads))


def skolemise(rows: list[Quad]) -> list[Quad]:
    """Replace every blank node by its skolem IRI."""
    mapping = skolem_map(r for r in rows if r[1].startswith("_:") or r[3].startswith("_:"))
    if not mapping:
        return rows

    def swap(term: str) -> str:
        return f"<{mapping[term[2:]]}>" if term.startswith("_:") else term

    return [(g, swap(s), p, swap(o)) for g, s, p, o in rows]


# ------------------------------------------------------------------------------------- build


def rows_of(quads: Iterable[ox.Quad]) -> list[Quad]:
    """Quads as N-Triples term strings, with the lexical forms of the input.

    The strings are taken before the quads go into a store: Oxigraph keeps numbers and dates in
    canonical form (``40000000.0`` becomes ``40000000``), which would change the terms.
    """
    rows = []
    for quad in quads:
        graph = quad.graph_name
        rows.append(
            (
                "" if isinstance(graph, ox.DefaultGraph) else str(graph),
                str(quad.subject),
                str(quad.predicate),
                str(quad.object),
            )
        )
    return rows


def _public(rows: list[Quad], restricted_skipped: int) -> PublicDataset:
    rows, disclosure = disclose(rows)
    disclosure.restricted_quads_skipped = restricted_skipped
    quads = _sort_quads(skolemise(rows))
    # The store answers the queries of tables, coverage and docs; nothing published depends on
    # the order it answers in (every writer sorts), and the site is rendered from a store
    # loaded from the sorted N-Quads dump.
    store = ox.Store()
    store.bulk_extend(parse_terms(quads))
    return PublicDataset(quads, store, disclosure)


def public_dataset(quads: Iterable[ox.Quad]) -> PublicDataset:
    """Build the public dataset from raw quads: disclose, skolemise, sort."""
    return _public(rows_of(quads), 0)


def from_project(root: Path) -> PublicDataset:
    """The public dataset of a project folder."""
    return public_dataset(load_project(root))


def from_file(path: Path) -> PublicDataset:
    """The public dataset of an N-Quads or TriG file (``.gz`` allowed)."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    skipped: list[int] = []
    rows = rows_of(load_file(path, skipped))
    return _public(rows, sum(skipped))


def parse_terms(quads: Iterable[Quad], chunk: int = 50_000) -> Iterator[ox.Quad]:
    """Turn term strings back into pyoxigraph quads, in the same order."""
    batch: list[str] = []
    for g, s, p, o in quads:
        batch.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        if len(batch) >= chunk:
            yield from ox.parse("".join(batch).encode(), format=ox.RdfFormat.N_QUADS)
            batch.clear()
    if batch:
        yield from ox.parse("".join(batch).encode(), format=ox.RdfFormat.N_QUADS)

"""The embedded on-disk store (pyoxigraph), the default.

The store folder holds numbered generations and a ``current`` symlink. A full rebuild writes a
new generation and then swaps the symlink in one atomic rename, so a reader (the web server)
keeps a consistent store during a rebuild and a failed build leaves the previous one in place.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from politiraad_graph.binding import bind_values, term_to_sparql
from politiraad_graph.guard import has_dataset_clause, refuse_outside_access
from politiraad_graph.store.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    StoreError,
)
from politiraad_graph.store.killable import call_with_timeout

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
CURRENT = "current"
KEEP_GENERATIONS = 2


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def _string_literal(text: str, language: str | None) -> Literal:
    """A plain or language-tagged string literal, built without ``Literal()``'s normalisation.

    ``Literal()`` tries every Python-to-XSD cast rule on a string before it settles on "no
    datatype", which made converting result rows the main cost of a query with many rows. A
    string literal has nothing to normalise, and Oxigraph has already checked the language tag,
    so the four slots are set directly, to exactly what ``Literal(text, lang=language)`` sets.
    """
    literal = str.__new__(Literal, text)
    literal._language = language
    literal._datatype = None
    literal._value = text
    literal._ill_typed = None
    return literal


def _fast_path_matches_rdflib() -> bool:
    """Whether this rdflib's Literal still has the slots ``_string_literal`` sets."""
    try:
        for text, language in (("x", None), ("x", "nb")):
            fast, slow = _string_literal(text, language), Literal(text, lang=language)
            if (fast, fast.language, fast.datatype, fast.value, fast.ill_typed) != (
                slow,
                slow.language,
                slow.datatype,
                slow.value,
                slow.ill_typed,
            ):
                return False
    except AttributeError:
        return False
    return True


_FAST_STRINGS = _fast_path_matches_rdflib()


def to_rdflib(term: object) -> Node:
    """Convert a pyoxigraph term to rdflib, with xsd:string literals made plain."""
    if isinstance(term, ox.NamedNode):
        # The IRI was checked by Oxigraph; URIRef() would only check it again.
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.Literal):
        language = term.language
        datatype = term.datatype.value
        if language or datatype == _XSD_STRING:
            if _FAST_STRINGS:
                return _string_literal(term.value, language or None)
            return Literal(term.value, lang=language or None)
        return Literal(term.value, datatype=str.__new__(URIRef, datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unexpected term {term!r}")


class _Converter:
    """Converts the terms of one result, building each typed literal once.

    Typed literals (numbers, dates) go through rdflib's datatype parsing, the costly part, and
    repeat across rows (dates of meetings, counts); a result's memo is dropped with the result,
    so memory stays bounded by the result itself.
    """

    __slots__ = ("_typed",)

    def __init__(self) -> None:
        self._typed: dict[tuple[str, str], Node] = {}

    def __call__(self, term: object) -> Node:
        if isinstance(term, ox.Literal) and not term.language:
            key = (term.value, term.datatype.value)
            if key[1] != _XSD_STRING:
                found = self._typed.get(key)
                if found is None:
                    found = self._typed[key] = to_rdflib(term)
                return found
        return to_rdflib(term)


def _update_term(term: Node) -> str:
    """Write a term for INSERT DATA, where blank nodes are allowed (as fresh ones)."""
    if isinstance(term, BNode):
        return "_:b" + "".join(ch if ch.isalnum() else "_" for ch in str(term))
    return term_to_sparql(term)


def _quads(graphs: Mapping[str, Graph]) -> Iterator[ox.Quad]:
    for name, data in graphs.items():
        graph_name = ox.NamedNode(name)
        for s, p, o in data:
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name)  # type: ignore[arg-type]


def _generations(root: Path) -> list[Path]:
    folder = root / "generations"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def current_generation(root: Path) -> Path | None:
    """Return the folder the ``current`` link points at, if the store has been built."""
    link = root / CURRENT
    if not link.is_symlink():
        return None
    target = (root / os.readlink(link)).resolve()
    return target if target.is_dir() else None


@functools.lru_cache(maxsize=512)
def _reads_union(text: str) -> bool:
    """Refuse a query that reaches outside; tell whether it reads the union of all graphs.

    Both checks tokenise the whole text, which costs as much as running a small query: the web
    pages and the endpoint send the same texts again and again, so the answer is remembered
    (a refusal raises and is not remembered).
    """
    refuse_outside_access(text)
    # The union of all graphs, unless the query names its own dataset (FROM, FROM NAMED).
    return not has_dataset_clause(text)


class OxigraphStore:
    """Named graphs in a pyoxigraph store on disk; queries see the union of all graphs."""

    name = "oxigraph"

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = Path(root)
        self.read_only = read_only
        self._store: ox.Store | None = None

    def _open(self) -> ox.Store:
        if self._store is None:
            generation = current_generation(self.root)
            if generation is None:
                if self.read_only:
                    raise StoreError(
                        f"no store at {self.root}: run 'politiraad build' to create it"
                    )
                generation = self._new_generation()
                self._switch_to(generation)
            try:
                self._store = (
                    ox.Store.read_only(str(generation))
                    if self.read_only
                    else ox.Store(str(generation))
                )
            except (OSError, RuntimeError, ValueError) as error:
                raise StoreError(
                    f"the store at {generation} cannot be opened ({error}); "
                    "run 'politiraad build' to rebuild it"
                ) from error
        return self._store

    def _new_generation(self) -> Path:
        existing = _generations(self.root)
        number = int(existing[-1].name) + 1 if existing else 1
        path = self.root / "generations" / f"{number:06d}"
        path.mkdir(parents=True)
        return path

    def _switch_to(self, generation: Path) -> None:
        link = self.root / CURRENT
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(generation, self.root), tmp)
        os.replace(tmp, link)

    def _prune(self) -> None:
        keep = _generations(self.root)[-KEEP_GENERATIONS:]
        for path in _generations(self.root):
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)

    def replace_all(self, graphs: Mapping[str, Graph]) -> None:
        self.replace_all_quads(_quads(graphs))

    def replace_all_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Write a new generation from quads and switch to it only once it is complete."""
        self.root.mkdir(parents=True, exist_ok=True)
        generation = self._new_generation()
        try:
            fresh = ox.Store(str(generation))
            fresh.bulk_extend(quads)
            fresh.flush()
            del fresh
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self.close()
        self._switch_to(generation)
        self._prune()

    def replace_graph(self, graph_name: str, data: Graph) -> None:
        target = term_to_sparql(URIRef(graph_name))
        body = " .\n".join(" ".join(_update_term(term) for term in triple) for triple in data)
        # One update is one transaction: readers see the old graph or the new one, never both.
        self._open().update(
            f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{body} }} }}"
        )

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        _reads_union(text)
        for value in (bindings or {}).values():
            term_to_sparql(value)  # refuses what is not a valid term, as every backend does
        if timeout is not None:
            return call_with_timeout(
                lambda: self._query_now(text, bindings, max_rows, fresh=True), timeout
            )
        return self._query_now(text, bindings, max_rows)

    def _query_now(
        self,
        text: str,
        bindings: Mapping[str, Node] | None,
        max_rows: int | None,
        *,
        fresh: bool = False,
    ) -> QueryResult:
        if fresh:
            # In a forked child, open the files anew rather than share the parent's handles.
            self._store = None
            self.read_only = True
        store = self._open()
        union = _reads_union(text)
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()
        }
        try:
            result = store.query(
                text, use_default_graph_as_union=union, substitutions=substitutions or None
            )
        except RuntimeError as error:
            if not substitutions or "projection" not in str(error):
                raise
            # Oxigraph substitutes only projected variables; a VALUES join binds the rest.
            result = store.query(
                bind_values(text, bindings or {}), use_default_graph_as_union=union
            )
        if isinstance(result, ox.QueryBoolean):
            return AskResult(bool(result))
        convert = _Converter()
        if isinstance(result, ox.QueryTriples):
            # A result graph has no named graphs: the context-free store adds a triple at half
            # the cost of the default one, which is most of the time of an entity page.
            graph = Graph(store="SimpleMemory")
            if max_rows is None:
                for triple in result:
                    graph.add(
                        (convert(triple.subject), convert(triple.predicate), convert(triple.object))
                    )
                return GraphResult(graph)
            # Like SELECT rows: stop reading once there are more distinct triples than asked for.
            # Counted here: len() of this store walks every triple, which made a capped
            # CONSTRUCT quadratic.
            seen: set[tuple[Node, Node, Node]] = set()
            for triple in result:
                found = (convert(triple.subject), convert(triple.predicate), convert(triple.object))
                if found not in seen:
                    seen.add(found)
                    graph.add(found)
                    if len(seen) >= max_rows:
                        break
            return GraphResult(graph)
        variables = tuple(v.value for v in result.variables)
        rows = []
        # A solution iterates its values in the order of the variables, None where unbound:
        # cheaper than looking each one up by name.
        for solution in itertools.islice(result, max_rows):
            rows.append(
                {
                    name: convert(value)
                    for name, value in zip(variables, solution, strict=True)
                    if value is not None
                }
            )
        return SelectResult(variables, rows)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._open().named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph_name: str | None = None) -> int:
        store = self._open()
        if graph_name is None:
            return len(store)
        return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_name)))

    def dump_nquads(self) -> bytes:
        data = self._open().dump(format=ox.RdfFormat.N_QUADS)
        return data if isinstance(data, bytes) else b""

    def close(self) -> None:
        self._store = None

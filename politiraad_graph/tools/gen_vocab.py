"""Generate ``politiraad_graph/vocab.py`` from ``ontology/politiraad.ttl``.

Run ``python -m politiraad_graph.tools.gen_vocab`` after changing the ontology, and
``python -m politiraad_graph.tools.gen_vocab --check`` to learn whether the module is stale.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

NAMESPACE = "https://w3id.org/politiraad/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/politiraad/ontology")

_ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_PATH = _ROOT / "ontology" / "politiraad.ttl"
VOCAB_PATH = _ROOT / "politiraad_graph" / "vocab.py"

# The order of the sections in the generated class.
KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
)

EXIT_OK, EXIT_STALE, EXIT_USAGE = 0, 1, 2


class VocabularyError(ValueError):
    """An ontology term that cannot become an attribute of the namespace class."""


@dataclass(frozen=True)
class Term:
    """One term of our namespace: its local name, its kind and its English label."""

    name: str
    kind: URIRef
    label: str


def _english_label(graph: Graph, term: URIRef) -> str:
    labels = [
        label
        for label in graph.objects(term, RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
    ]
    if len(labels) != 1:
        raise VocabularyError(f"{term}: expected one rdfs:label @en, found {len(labels)}")
    return " ".join(str(labels[0]).split())


def collect_terms(graph: Graph, namespace: str = NAMESPACE) -> list[Term]:
    """Return every class and property of ``namespace`` in ``graph``, by kind, then by name."""
    kinds = {kind for kind, _ in KINDS}
    terms: list[Term] = []
    seen: dict[str, URIRef] = {}
    for kind, _ in KINDS:
        subjects = {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
        for subject in sorted(s for s in subjects if s.startswith(namespace)):
            name = subject[len(namespace) :]
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                raise VocabularyError(f"{subject}: local name is not usable as a Python attribute")
            if name in seen:
                raise VocabularyError(f"{subject}: declared both as {seen[name]} and as {kind}")
            seen[name] = kind
            terms.append(Term(name, kind, _english_label(graph, subject)))
    # A term typed only as, say, rdf:Property would silently vanish from the namespace class.
    for node, type_ in graph.subject_objects(RDF.type):
        if isinstance(node, URIRef) and node.startswith(namespace):
            local = node[len(namespace) :]
            if local and local not in seen and type_ not in kinds:
                raise VocabularyError(
                    f"{node}: typed {type_}; declare it as owl:Class, "
                    "owl:ObjectProperty or owl:DatatypeProperty"
                )
    return terms


def _version(graph: Graph) -> str:
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    return str(version) if version is not None else "unversioned"


def render(terms: Sequence[Term], version: str, namespace: str = NAMESPACE) -> str:
    """Return the source of the ``vocab`` module for ``terms``, formatted as ruff would."""
    lines = [
        '"""Our vocabulary, the ``pol:`` namespace, as a namespace class that fails on typos.',
        "",
        f"Generated from ontology/politiraad.ttl (version {version}) by",
        "``python -m politiraad_graph.tools.gen_vocab``. Do not edit: change the ontology and",
        "run the generator again.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class POL(DefinedNamespace):",
        '    """The ``pol:`` terms of the ontology; an unknown term raises ``AttributeError``."""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{namespace}")',
    ]
    for kind, heading in KINDS:
        section = [term for term in terms if term.kind == kind]
        if not section:
            continue
        lines += ["", f"    # {heading}"]
        lines += [f"    {term.name}: URIRef  # {term.label}" for term in section]
    return "\n".join(lines) + "\n"


def generate(ontology: Path = ONTOLOGY_PATH) -> str:
    """Parse ``ontology`` and return the source of the ``vocab`` module for it."""
    graph = Graph().parse(ontology, format="turtle")
    return render(collect_terms(graph), _version(graph))


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check``, compare) the ``vocab`` module; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m politiraad_graph.tools.gen_vocab",
        description="Generate politiraad_graph/vocab.py from the ontology.",
    )
    parser.add_argument("--ontology", type=Path, default=ONTOLOGY_PATH, help="ontology Turtle")
    parser.add_argument("--output", type=Path, default=VOCAB_PATH, help="module to write")
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the module is stale"
    )
    args = parser.parse_args(argv)
    try:
        source = generate(args.ontology)
    except (OSError, SyntaxError, VocabularyError) as error:
        # rdflib reports Turtle errors as BadSyntax, a SyntaxError.
        print(f"{args.ontology}: {error}", file=sys.stderr)
        return EXIT_USAGE
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != source:
            print(f"{args.output} is out of date; run the generator", file=sys.stderr)
            return EXIT_STALE
        return EXIT_OK
    if current != source:
        args.output.write_text(source, encoding="utf-8")
        print(f"wrote {args.output}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

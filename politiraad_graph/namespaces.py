"""Every namespace the project uses, in one place."""

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from politiraad_graph.vocab import POL

BASE = "https://w3id.org/politiraad/"

POLSH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
MANDAAT = Namespace("http://data.vlaanderen.be/ns/mandaat#")
OPARL = Namespace("https://schema.oparl.org/1.1/")
VANN = Namespace("http://purl.org/vocab/vann/")

PREFIXES: dict[str, Namespace] = {
    # Binding and prologues need a plain namespace; POL itself stays closed to typos.
    "pol": Namespace(str(POL)),
    "polsh": POLSH,
    "schema": SCHEMA,
    "org": Namespace(str(ORG)),
    "dcterms": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "time": Namespace(str(TIME)),
    "oa": OA,
    "foaf": Namespace(str(FOAF)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "sh": SH,
}

__all__ = [
    "BASE",
    "BESLUIT",
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ID",
    "MANDAAT",
    "OA",
    "OPARL",
    "ORG",
    "OWL",
    "POL",
    "POLSH",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "TIME",
    "VANN",
    "XSD",
    "bind_prefixes",
    "sparql_prologue",
]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on a graph, replacing rdflib's defaults."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """Return PREFIX declarations for every project prefix, for hand-written queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

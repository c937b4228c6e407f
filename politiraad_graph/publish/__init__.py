"""Publish open data: versioned, reproducible, static releases of the public graph.

``politiraad publish --out DIR`` makes a release (:func:`publish`): dumps in six RDF syntaxes,
CSV tables, a DCAT-AP-NO catalogue and VoID, the SHACL validation report, documentation pages,
a static site and a changelog against the previous release. Content exempt from public
disclosure keeps only its type, title and exemption; the restricted graph is never read.
``politiraad diff A B`` compares two releases (or TriG/N-Quads files) entity by entity.
"""

from typing import Any

__all__ = ["NotConforming", "PublishError", "PublishOptions", "Release", "publish"]


def __getattr__(name: str) -> Any:
    # Imported on first use: every ``politiraad`` command registers ``publish``, few run it.
    if name in __all__:
        from politiraad_graph.publish import release

        return getattr(release, name)
    raise AttributeError(name)

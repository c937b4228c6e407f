"""The SPARQL 1.1 endpoint for analysts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sparql", __name__)

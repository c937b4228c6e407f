"""The open knowledge graph of Politirådet i Oslo."""

__version__ = "0.1.0"

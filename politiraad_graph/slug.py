"""ASCII slugs for IRIs: readable, stable, and the same for every spelling of a name."""

import re
import unicodedata

_FOLD = {"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A", "ß": "ss"}


def fold(text: str) -> str:
    """Fold Norwegian letters and accents to ASCII, keeping case.

    >>> fold("Øystese Alstadsæter Bøe")
    'Oystese Alstadsaeter Boe'
    """
    text = "".join(_FOLD.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """Turn a name into an IRI slug: lower-case ASCII words joined by hyphens.

    >>> slugify("Rune Alstadsæter")
    'rune-alstadsaeter'
    >>> slugify("  Barne- og familieetaten (BFE) ")
    'barne-og-familieetaten-bfe'
    """
    ascii_text = fold(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

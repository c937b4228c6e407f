"""Norwegian (bokmål) helpers shared by the extractors: months, folding, light stemming."""

from __future__ import annotations

import re
import unicodedata

from politiraad_graph.slug import fold

MONTHS: dict[str, int] = {
    "januar": 1,
    "februar": 2,
    "mars": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "des": 12,
}
MONTH_NAMES = {number: name for name, number in MONTHS.items()}

# A month written out or abbreviated ("okt." / "des"), as a regex alternative (longest first).
MONTH_PATTERN = "|".join(
    sorted([*MONTHS, *(f"{a}\\.?" for a in MONTH_ABBREVIATIONS)], key=len, reverse=True)
)

UPPER = "A-ZÆØÅÉÜÖÄ"
LOWER = "a-zæøåéüöä"
LETTER = UPPER + LOWER
DASHES = r"\-–—‐‑"  # for a character class: hyphen-minus, en, em, hyphen, no-break hyphen

# Endings a noun or adjective takes in bokmål: definite, plural, genitive (politiets, bydelens).
_SUFFIXES = (
    "enes",
    "enes",
    "ene",
    "ens",
    "ets",
    "ers",
    "en",
    "et",
    "er",
    "es",
    "as",
    "e",
    "a",
    "s",
)


def month_number(word: str) -> int | None:
    """Return the month of a Norwegian month name or abbreviation.

    >>> month_number("Oktober"), month_number("des."), month_number("tirsdag")
    (10, 12, None)
    """
    key = word.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBREVIATIONS.get(key)


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (line breaks, narrow no-break spaces) to one space.

    >>> normalise_space(" a \\n\\n b\\u202fc ")
    'a b c'
    """
    return " ".join(text.split())


def normalise_dashes(text: str) -> str:
    """Write every dash as a hyphen and drop the spaces a PDF puts around it.

    >>> normalise_dashes("Kriminalitets – og trusselbilde 2026 – 2028")
    'Kriminalitets- og trusselbilde 2026-2028'
    """
    text = re.sub(f"[{DASHES}]", "-", text)
    text = re.sub(r"(?<=\d)\s*-\s*(?=\d)", "-", text)
    return re.sub(r"(?<=\w)\s+-\s+(?=og\b|eller\b)", "- ", text)


def key(text: str) -> str:
    """A comparison key: folded to ASCII, lower case, punctuation dropped, spaces collapsed.

    >>> key("Bente T. Fagerli"), key("Barne- og familieetaten")
    ('bente t fagerli', 'barne og familieetaten')
    """
    text = unicodedata.normalize("NFC", text)
    folded = fold(text).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def stem(word: str) -> str:
    """Strip one inflectional ending from a bokmål noun or adjective (not below four letters).

    >>> stem("politiets"), stem("bydelens"), stem("samarbeidet"), stem("rus")
    ('politi', 'bydel', 'samarbeid', 'rus')
    """
    lower = word.lower()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 4:
            return lower[: -len(suffix)]
    return lower


def strip_definite(word: str) -> str:
    """Strip a definite or genitive ending from a title: "politimesteren" → "politimester".

    >>> strip_definite("Politimesteren"), strip_definite("byrådslederens"), strip_definite("leder")
    ('Politimester', 'byrådsleder', 'leder')
    """
    for suffix in ("ens", "ets", "en", "et", "s"):
        if word.lower().endswith(suffix) and len(word) - len(suffix) >= 5:
            return word[: -len(suffix)]
    return word


def two_digit_year(value: int) -> int:
    """Read a two-digit year as 20xx (minutes of a council are all from this century).

    >>> two_digit_year(25), two_digit_year(2023)
    (2025, 2023)
    """
    return 2000 + value if value < 100 else value

"""Amounts of money: "75 millioner", "40 mill", "26 mill kr", "kr 1,5 mrd", "NOK 300 000".

A number counts as money when a currency ("kr", "kroner", "NOK") or a scale that minutes use
for money ("mill", "millioner", "mrd") goes with it. The year ("i 2026") or the first year
("fra 2026") is read from the words that follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

Span = tuple[int, int]

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_SCALES = {
    "milliarder": Decimal(10) ** 9,
    "milliard": Decimal(10) ** 9,
    "mrd": Decimal(10) ** 9,
    "millioner": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "mill": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "mnok": Decimal(10) ** 6,
    "tusen": Decimal(10) ** 3,
}
_SCALE = r"milliarder|milliard|mrd\.?|millioner|million|mill\.?|mln\.?|mnok|tusen"
_CURRENCY = r"kroner|kr\.?|nok|,-"
AMOUNT_RE = re.compile(
    rf"(?<![\w,.])(?:(?P<pre>kr\.?|nok)\s*)?(?P<number>{_NUMBER})"
    rf"(?:\s*(?P<scale>{_SCALE}))?(?:\s*(?P<post>{_CURRENCY}))?(?![\w])",
    re.IGNORECASE,
)
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:innbyggere|mennesker|personer|brukere|elever|barn|unge|saker|timer|besøk|kilometer|km)\b",
    re.I,
)
_YEAR_AFTER = re.compile(
    r"^[^.;]{0,80}?\b(?P<prep>i|for|fra|fom\.?|f\.o\.m\.)\s+(?:og\s+med\s+)?(?P<year>20\d\d)(?!\d)",
    re.I,
)
_BUDGET = re.compile(r"\b(?:stats)?budsjett\w*", re.I)


@dataclass
class AmountFound:
    """An amount of money in NOK, with the year it is for or from when the text says."""

    value: Decimal
    span: Span
    year: int | None
    from_year: int | None
    year_basis: str = ""
    confidence: float = 0.85


def parse_number(number: str) -> Decimal:
    """Read a Norwegian number: "1,5" → 1.5, "300 000" → 300000.

    >>> parse_number("1,5"), parse_number("300 000"), parse_number("1.250.000")
    (Decimal('1.5'), Decimal('300000'), Decimal('1250000'))
    """
    digits = re.sub(r"[ \u00a0\u202f.]", "", number).replace(",", ".")
    return Decimal(digits)


def find_amounts(text: str, sentences: list[Span], meeting_year: int | None) -> list[AmountFound]:
    """Find amounts of money in the given sentences.

    >>> text = "Det er avsatt 40 mill til ordningen fra 2026. I tillegg 26 mill kr i 2026."
    >>> [(int(a.value), a.year, a.from_year) for a in find_amounts(text, [(0, len(text))], 2026)]
    [(40000000, None, 2026), (26000000, 2026, None)]
    """
    found: list[AmountFound] = []
    for start, end in sentences:
        for match in AMOUNT_RE.finditer(text, start, end):
            pre, scale, post = match["pre"], match["scale"], match["post"]
            if not (pre or scale or post):
                continue
            if scale and not (pre or post) and _NOT_MONEY_AFTER.match(text, match.end()):
                continue
            if re.fullmatch(r"20\d\d", match["number"]) and not (pre or post):
                continue
            value = parse_number(match["number"])
            if scale:
                value *= _SCALES[scale.lower().rstrip(".")]
            following = text[match.end() : end]
            year = from_year = None
            basis = ""
            year_match = _YEAR_AFTER.match(following)
            if year_match:
                if year_match["prep"].lower().startswith(("fra", "fom", "f.o.m")):
                    from_year = int(year_match["year"])
                else:
                    year = int(year_match["year"])
            elif meeting_year is not None and _BUDGET.search(text, start, end):
                year = meeting_year
                basis = (
                    f"no year is written; the sentence speaks of a budget, read as the budget "
                    f"of the "
                    f"meeting's year {meeting_year}"
                )
            span = (match.start(), match.end())
            confidence = 0.9 if (pre or post) else 0.8
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))
            found.append(
                AmountFound(
                    value, span, year, from_year, basis, confidence - (0.15 if basis else 0)
                )
            )
    return found

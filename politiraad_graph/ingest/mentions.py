"""Where the minutes name a reference thing, by its labels, the Norwegian way.

Names (people, places, organisations, programmes, plans) match their label with any first-letter
case and a genitive "s" ("Velferdsetatens"); abbreviations match in capitals. Topic labels are
ordinary words, so each word of a topic label also matches its inflected forms ("tverrfaglig
samarbeid" finds "det tverrfaglige samarbeidet", "rekruttering" finds "rekrutterer"). An incident
is mentioned where a sentence names its place together with a word for an incident ("de
alvorlige hendelsene ... på Bislett"). A plan is mentioned where its name is followed by its
period ("SaLTo handlingsprogram for perioden 2026 – 2028").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from politiraad_graph.ingest.norsk import DASHES, LETTER, key, stem
from politiraad_graph.ingest.reference import Reference, Thing

Span = tuple[int, int]
NAMED_KINDS = ("council", "organisation", "person", "place", "programme", "plan", "incident")
_INCIDENT_CUE = re.compile(
    r"\b(?:hendelse\w*|drap\w*|angrep\w*|skyting\w*|knivstikk\w*|eksplosjon\w*|voldshendelse\w*|"
    r"skuddveksling\w*|brann\w*|ulykke\w*)\b",
    re.I,
)
_AFTER = rf"(?![{LETTER}0-9])"
# Not inside a word or after a compound's hyphen ("x-OPD"); a list dash before a name is fine.
_BEFORE = rf"(?<![{LETTER}0-9])(?<![{LETTER}0-9]-)"


@dataclass(frozen=True)
class MentionFound:
    """A passage naming a thing: the label's span, the passage to cite, and what it names."""

    thing: URIRef
    kind: str
    span: Span
    passage: Span
    how: str  # "label", "inflected label", "place and incident word", "name and period"
    confidence: float


def _token_pattern(token: str, inflect: bool) -> str:
    if re.fullmatch(r"[A-ZÆØÅ0-9]{2,8}", token):
        return re.escape(token) + "s?"
    first, rest = token[0], token[1:]
    head = f"[{first.upper()}{first.lower()}]" if first.isalpha() else re.escape(first)
    if inflect and len(token) >= 5 and (first.lower() + rest).islower():
        base = stem(token)
        return head + re.escape(base[1:]) + rf"[{LETTER}]{{0,5}}"
    return head + re.escape(rest)


def _compound_pattern(label: str) -> re.Pattern[str] | None:
    """A one-word compound written as a phrase: "informasjonsdeling" as "dele informasjon" or
    "deling av informasjon", "trusselbilde" as "bildet av trusselen"."""
    word = label.lower()
    if " " in word or len(word) < 10 or not word.isalpha():
        return None
    options = []
    for cut in range(4, len(word) - 3):
        first, second = word[:cut], word[cut:]
        heads = {first} | ({first[:-1]} if first[-1] in "se" and len(first) > 4 else set())
        tail = second[:-3] if second.endswith("ing") and len(second) >= 6 else stem(second)
        if len(tail) < 3:
            continue
        for head in heads:
            options.append(
                rf"{re.escape(tail)}[{LETTER}]{{0,6}}[\s\u202f]+(?:(?:av|om|for|med|til|i)[\s\u202f]+)?"
                rf"{re.escape(head)}[{LETTER}]{{0,5}}"
            )
    if not options:
        return None
    return re.compile(_BEFORE + "(?:" + "|".join(options) + ")" + _AFTER, re.IGNORECASE)


def _label_pattern(label: str, kind: str) -> re.Pattern[str] | None:
    tokens = label.split()
    if not tokens or len(label) < 3:
        return None
    inflect = kind == "topic"
    parts = [_token_pattern(t, inflect) for t in tokens]
    if not inflect and not re.fullmatch(r"[A-ZÆØÅ0-9]{2,8}", tokens[-1]):
        parts[-1] += "s?"  # genitive
    body = r"[\s\u202f]+".join(parts)
    return re.compile(_BEFORE + body + _AFTER)


class MentionFinder:
    """Compiled label patterns of the reference data; reusable across texts."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self._patterns: list[tuple[re.Pattern[str], set[URIRef], str, bool]] = []
        by_label: dict[tuple[str, str], set[URIRef]] = {}
        for thing in reference.of_kind(*NAMED_KINDS, "topic"):
            for label in [*thing.labels, *thing.abbreviations]:
                group = "topic" if thing.kind == "topic" else "named"
                by_label.setdefault((label, group), set()).add(thing.iri)
        for (label, group), things in by_label.items():
            pattern = _label_pattern(label, "topic" if group == "topic" else "named")
            if pattern is not None:
                self._patterns.append((pattern, things, group, label.isupper()))
            compound = _compound_pattern(label) if group == "topic" else None
            if compound is not None:
                self._patterns.append((compound, things, group, False))

    def find(self, text: str, sentences: list[Span]) -> list[MentionFound]:
        """Every mention in the text, longest label first where labels overlap."""
        results: list[MentionFound] = []
        for group in ("named", "topic"):
            candidates: list[tuple[int, int, URIRef]] = []
            for pattern, things, g, _ in self._patterns:
                if g != group:
                    continue
                for match in pattern.finditer(text):
                    for thing in things:
                        candidates.append((match.start(), match.end(), thing))
            candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], str(c[2])))
            taken: list[Span] = []
            for start, end, thing in candidates:
                if any(start < e and s < end for s, e in taken if (s, e) != (start, end)):
                    continue
                taken.append((start, end))
                item = self.reference.things[thing]
                passage = _sentence(sentences, start, end) if group == "topic" else (start, end)
                how = "inflected label" if group == "topic" else "label"
                results.append(
                    MentionFound(
                        thing,
                        item.kind,
                        (start, end),
                        passage,
                        how,
                        0.7 if group == "topic" else 0.9,
                    )
                )
        results.extend(self._incidents(text, sentences, results))
        results.extend(self._plans(text, sentences, results))
        return sorted(results, key=lambda m: (m.span[0], str(m.thing)))

    def _incidents(
        self, text: str, sentences: list[Span], found: list[MentionFound]
    ) -> list[MentionFound]:
        incidents = [t for t in self.reference.of_kind("incident") if t.parent is not None]
        extra: list[MentionFound] = []
        seen = {(m.thing, m.passage) for m in found}
        for mention in found:
            if mention.kind != "place":
                continue
            sentence = _sentence(sentences, *mention.span)
            if not _INCIDENT_CUE.search(text, *sentence):
                continue
            for incident in incidents:
                if incident.parent == mention.thing and (incident.iri, sentence) not in seen:
                    seen.add((incident.iri, sentence))
                    extra.append(
                        MentionFound(
                            incident.iri,
                            "incident",
                            mention.span,
                            sentence,
                            "place and incident word",
                            0.65,
                        )
                    )
        return extra

    def _plans(
        self, text: str, sentences: list[Span], found: list[MentionFound]
    ) -> list[MentionFound]:
        plans = [t for t in self.reference.of_kind("plan") if t.period is not None]
        already = {(m.thing, m.span[0]) for m in found}
        extra: list[MentionFound] = []
        for match in re.finditer(rf"(?<!\d)(\d{{4}})\s*[{DASHES}]\s*(\d{{4}})(?!\d)", text):
            period = (int(match.group(1)), int(match.group(2)))
            sentence = _sentence(sentences, match.start(), match.end())
            window_start = max(sentence[0], match.start() - 90)
            window = text[window_start : match.start()]
            for plan in plans:
                if plan.period != period:
                    continue
                for name in _plan_names(plan):
                    at = _find_words(window, name)
                    if at is None:
                        continue
                    start = window_start + at
                    if (plan.iri, start) not in already and not any(
                        m.thing == plan.iri and m.span[0] <= start < m.span[1] for m in found
                    ):
                        already.add((plan.iri, start))
                        extra.append(
                            MentionFound(
                                plan.iri,
                                "plan",
                                (start, match.end()),
                                (start, match.end()),
                                "name and period",
                                0.8,
                            )
                        )
                    break
        # "politirådsavtalen fra 2026": the version of a plan that starts that year
        for match in re.finditer(r"\bfra\s+(20\d\d)(?!\d)", text):
            year = int(match.group(1))
            window_start = max(0, match.start() - 40)
            window = text[window_start : match.start()]
            for plan in plans:
                if plan.period is None or plan.period[0] != year:
                    continue
                for name in _plan_names(plan):
                    at = _find_words(
                        window,
                        stem(name.split()[-1]) if len(name.split()) == 1 else name,
                        prefix=True,
                    )
                    if at is None:
                        continue
                    start = window_start + at
                    if (plan.iri, start) not in already:
                        already.add((plan.iri, start))
                        extra.append(
                            MentionFound(
                                plan.iri,
                                "plan",
                                (start, match.end()),
                                (start, match.end()),
                                "name and first year",
                                0.6,
                            )
                        )
                    break
        return extra


def _plan_names(plan: Thing) -> list[str]:
    """A plan's labels without their period: "SaLTo handlingsprogram 2023 - 2025" → "SaLTo
    handlingsprogram"."""
    names = []
    for label in plan.labels:
        name = re.sub(
            rf"\s*(?:for\s+perioden\s+)?\d{{4}}\s*[{DASHES}]\s*\d{{4}}\s*$", "", label
        ).strip(" –-")
        if name and name not in names and len(name) >= 5:
            names.append(name)
    return names


def _find_words(window: str, name: str, prefix: bool = False) -> int | None:
    """Where the words of ``name`` occur in ``window`` (any case, any spacing), the last time;
    with ``prefix``, the last word may go on (an inflected ending)."""
    words = [re.escape(w) for w in key(name).split()]
    if not words:
        return None
    folded = key_preserving(window)
    ending = r"[a-z]{0,4}(?![a-z0-9])" if prefix else r"(?![a-z0-9])"
    pattern = re.compile(r"(?<![a-z0-9])" + r"\W+".join(words) + ending)
    matches = list(pattern.finditer(folded))
    return matches[-1].start() if matches else None


def key_preserving(text: str) -> str:
    """Fold to ASCII lower case keeping every character's position (æ → a, not ae)."""
    table = str.maketrans("æøåÆØÅéÉüÜöÖäÄ", "aoaaoaeeuuooaa")
    return text.translate(table).lower()


def _sentence(sentences: list[Span], start: int, end: int) -> Span:
    for s, e in sentences:
        if s <= start < e:
            return (s, max(e, end))
    return (start, end)

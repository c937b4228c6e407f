"""Who took part: attendee lists in the header or a side box, and speakers introduced in items.

Layouts read: "Navn (rolle)", "Navn (rolle ORG)", "Navn, rolle, organisasjon" one per line,
comma-separated names, lists grouped under organisation headings ("Oslo politidistrikt:"),
role headings ("Politirådets medlemmer:", "Andre deltakere", "Til stede:", "Observatør:",
"Saksbehandler:", "Forfall:"), and in the running text a line such as "Direktør Barne- og
familieetaten, Kjetil Ostling" that introduces a speaker. Post holdings said in sentences
("X fungerer som visepolitimester", "Y er ny kommunikasjonsdirektør i OPD") are read here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from politiraad_graph.ingest.layout import Layout
from politiraad_graph.ingest.names import (
    NAME_RE,
    Match,
    OrgMatcher,
    PersonMatcher,
    PostMatcher,
    is_title_word,
    looks_like_name,
    looks_like_organisation,
    proposed_organisation_iri,
    proposed_post_iri,
)
from politiraad_graph.ingest.norsk import DASHES
from politiraad_graph.ingest.source import Region

Span = tuple[int, int]

# (pattern, role, scope): a "line" label applies to the rest of its line only.
_ROLE_LABELS: list[tuple[str, str | None, str]] = [
    (r"andre\s+(?:deltakere|deltagere|til\s+stede|møtende)\s*:?", "other-participant", "section"),
    (r"(?:fra\s+)?sekretariatet\s*:|sekretariat\s*:", "other-participant", "section"),
    (r"(?:[\w]+s\s+)?(?:faste\s+)?medlemmer\s*:?", "member", "section"),
    (r"til\s*stede\s*:|deltakere\s*:|deltagere\s*:|møtende\s*:", "member", "section"),
    (r"observatør(?:er)?\s*:", "observer", "line"),
    (r"(?:inviterte(?:\s+gjester)?|gjester|innledere)\s*:", "invited", "section"),
    (r"saksbehandler\s*:|referent\s*:|sekretær\s*:", "case-officer", "line"),
    (r"møteleder\s*:", "member", "line"),
    (r"(?:meldt\s+)?forfall\s*:|fraværende\s*:", "absent", "section"),
    (
        r"(?:tid|dato|møtedato|sted|møtested|møtetid|møtegruppe|kopi|neste\s+møte|arkivsak|"
        r"saksnr|vår\s+ref)\s*:",
        None,
        "line",
    ),
]
_ROLE_RE = re.compile(
    "|".join(f"(?P<r{i}>(?<![\\w]){p})" for i, (p, _, _) in enumerate(_ROLE_LABELS)),
    re.IGNORECASE,
)
_ORG_HEADING_RE = re.compile(r"(?m)^[ \t]*(?P<org>[^\n:()]{2,60}?)\s*:")
_TITLE_PREPOSITIONS = ("i", "for", "ved", "hos", "fra")


@dataclass
class Matchers:
    """The name matchers every extractor shares."""

    people: PersonMatcher
    organisations: OrgMatcher
    posts: PostMatcher
    home: set[URIRef] = field(default_factory=set)  # the council's members and their units


@dataclass
class Entry:
    """One attendee entry as written, taken apart."""

    start: int
    end: int
    name: str | None = None
    name_span: Span | None = None
    title: str | None = None  # e.g. "kommunaldirektør"
    title_full: str | None = None  # e.g. "leder for Enhet forebygging"
    organisation: str | None = None


@dataclass
class Participant:
    """A person who took part, in one or more roles, for an organisation, in a post."""

    written: str
    person: Match
    roles: list[str]
    organisation: URIRef | None
    organisation_written: str | None
    post: URIRef | None
    post_title: str | None
    post_organisation: URIRef | None
    spans: list[Span]
    entry: Span
    confidence: float
    notes: list[str] = field(default_factory=list)
    new_organisation: bool = False
    new_post: bool = False


@dataclass
class Absence:
    """A person listed under "Forfall:" — sent apologies; not a participation."""

    written: str
    person: Match
    span: Span


@dataclass
class PostHoldingFound:
    """That a sentence says a person holds (or acts in, or is new in) a post."""

    written: str
    person: Match
    post: URIRef
    post_title: str
    post_organisation: URIRef | None
    acting: bool
    new_in_post: bool | None
    span: Span
    confidence: float
    new_post: bool = False


def _markers(
    text: str, start: int, end: int, matchers: Matchers
) -> list[tuple[int, int, str, object]]:
    """Role labels and organisation headings in text[start:end], as (start, end, kind, value)."""
    chunk = text[start:end]
    found: list[tuple[int, int, str, object]] = []
    for match in _ROLE_RE.finditer(chunk):
        index = next(int(k[1:]) for k, v in match.groupdict().items() if v is not None)
        _, role, scope = _ROLE_LABELS[index]
        found.append((start + match.start(), start + match.end(), "role", (role, scope)))
    for match in _ORG_HEADING_RE.finditer(chunk):
        org_text = match["org"].strip()
        s, e = start + match.start("org"), start + match.end()
        if any(fs <= s < fe or s <= fs < e for fs, fe, _, _ in found):
            continue
        org = matchers.organisations.match(org_text)
        fra = re.match(r"(?i)fra\s+(.+)", org_text)
        if org.iri is None and fra:
            org = matchers.organisations.match(fra.group(1))
        if org.iri is not None or (
            looks_like_organisation(org_text) and len(org_text.split()) <= 5
        ):
            found.append((s, e, "org", (org_text, org)))
    return sorted(found)


def _split_entries(text: str, start: int, end: int) -> list[Span]:
    """Split a run of attendee text into entries (commas outside parentheses, or lines)."""
    chunk = text[start:end]
    if not chunk.strip():
        return []
    has_parens = "(" in chunk
    lines = [m for m in re.finditer(r"[^\n]+", chunk) if m.group().strip()]
    parts = _top_level_split(chunk)
    names_only = all(looks_like_name(chunk[s:e]) for s, e in parts) and len(parts) > 1
    if not has_parens and not names_only and len(lines) > 1:
        spans = [(m.start(), m.end()) for m in lines]
    else:
        spans = parts
    out: list[Span] = []
    for s, e in spans:
        piece = chunk[s:e]
        left = len(piece) - len(piece.lstrip(" \t\n\u202f,;"))
        right = len(piece.rstrip(" \t\n\u202f,;."))
        if right > left:
            out.append((start + s + left, start + s + right))
    return out


def _top_level_split(chunk: str) -> list[Span]:
    spans: list[Span] = []
    depth, begin = 0, 0
    index = 0
    while index < len(chunk):
        ch = chunk[index]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",;":
            spans.append((begin, index))
            begin = index + 1
        elif (
            depth == 0
            and chunk.startswith(" og ", index)
            and looks_like_name(" ".join(chunk[index + 4 :].split()[:2]))
        ):
            spans.append((begin, index))
            begin = index + 4
            index += 3
        index += 1
    spans.append((begin, len(chunk)))
    return [(s, e) for s, e in spans if chunk[s:e].strip()]


def interpret(text: str, start: int, end: int, organisations: OrgMatcher) -> Entry:
    """Take an entry apart into name, title and organisation, keeping the name's offsets."""
    entry = Entry(start, end)
    separators = re.compile(rf"\s*[,;]\s*|\s+[{DASHES}]\s+|\s*\(\s*|\s*\)\s*")
    parts: list[Span] = []
    position = start
    for match in separators.finditer(text, start, end):
        if match.start() > position:
            parts.append((position, match.start()))
        position = match.end()
    if position < end:
        parts.append((position, end))
    for s, e in parts:
        part = " ".join(text[s:e].split())
        if not part:
            continue
        if organisations.match(part).iri is not None:
            entry.organisation = entry.organisation or part
            continue
        if looks_like_name(part):
            if entry.name is None:
                entry.name, entry.name_span = part, (s, e)
            continue
        words = part.split()
        if is_title_word(words[0]) or words[0][:1].islower():
            rest_at = text.find(words[1], s) if len(words) > 1 else -1
            rest = " ".join(words[1:])
            if rest and looks_like_name(rest) and entry.name is None:
                entry.title = entry.title or words[0]
                entry.title_full = entry.title_full or words[0]
                entry.name, entry.name_span = rest, (rest_at, e)
                continue
            suffix = organisations.find_suffix(part)
            if suffix is None and len(words) > 1 and re.fullmatch(r"[A-ZÆØÅ]{2,6}", words[-1]):
                suffix = (part.rfind(words[-1]), organisations.match(words[-1]))
            if suffix is not None and suffix[0] > 0:
                title = part[: suffix[0]].strip()
                head = title.split()
                while len(head) > 1 and head[-1].lower() in _TITLE_PREPOSITIONS:
                    head = head[:-1]
                entry.title = entry.title or " ".join(head)
                entry.title_full = entry.title_full or part
                entry.organisation = entry.organisation or part[suffix[0] :]
                continue
            entry.title = entry.title or part
            entry.title_full = entry.title_full or part
            continue
        suffix = organisations.find_suffix(part)
        if suffix is not None and suffix[0] > 0 and is_title_word(part[: suffix[0]].split()[0]):
            entry.title = entry.title or part[: suffix[0]].strip()
            entry.organisation = entry.organisation or part[suffix[0] :]
            continue
        if looks_like_organisation(part):
            entry.organisation = entry.organisation or part
    return entry


def _organisation(written: str | None, matchers: Matchers) -> tuple[URIRef | None, bool]:
    """The IRI of an organisation as written, and whether it is new to the reference data."""
    if not written:
        return None, False
    found = matchers.organisations.match(written)
    if found.iri is not None:
        return found.iri, False
    if looks_like_organisation(written):
        return proposed_organisation_iri(written), True
    return None, False


def resolve_post(
    entry: Entry, explicit: URIRef | None, group: URIRef | None, matchers: Matchers
) -> tuple[URIRef | None, URIRef | None, bool]:
    """The post an entry's title names: (post IRI, its organisation, whether it is new)."""
    if not entry.title:
        return None, None, False
    orgs = [o for o in (explicit, group) if o is not None]
    for title in [t for t in (entry.title_full, entry.title) if t]:
        found = matchers.posts.match(title, orgs)
        post = matchers.posts.reference.get(found.iri)
        if found.iri is None or post is None:
            continue
        if found.score >= 0.85 and orgs:
            return found.iri, post.parent, False
        # A title without its organisation is a post of this council's members, if any.
        if not orgs and post.parent in matchers.home:
            return found.iri, post.parent, False
    owner = explicit or group
    if owner is None:
        return None, None, False
    return proposed_post_iri(owner, entry.title), owner, True


def find_participants(
    layout: Layout, regions: list[Region], matchers: Matchers
) -> tuple[list[Participant], list[Absence]]:
    """Read the attendee lists in the meta blocks of the text."""
    text = layout.text
    participants: dict[str, Participant] = {}
    absent: list[Absence] = []
    for region in regions:
        if region.kind not in {"side-box", "meeting-details"}:
            continue
        markers = _markers(text, region.start, region.end, matchers)
        section_role: str | None = "member"
        section_span: Span | None = None
        group_org: URIRef | None = None
        group_span: Span | None = None
        override: tuple[str | None, int, Span] | None = None
        line_ends = []
        for m_start, _, kind, value in markers:
            if kind == "role" and isinstance(value, tuple) and value[1] == "line":
                line = layout.line_at(m_start)
                if line is not None:
                    line_ends.append((line.end, line.end, "line-end", None))
        bounds = sorted([*markers, *line_ends, (region.end, region.end, "end", None)])
        position = region.start
        for m_start, m_end, kind, value in bounds:
            for entry_span in _split_entries(text, position, m_start):
                role = section_role
                spans = [s for s in (section_span, group_span) if s]
                if override is not None and entry_span[0] <= override[1]:
                    role, spans = override[0], [override[2]]
                if role is None:
                    continue
                entry = interpret(text, *entry_span, matchers.organisations)
                if entry.name is None or entry.name_span is None:
                    continue
                person = matchers.people.match(entry.name)
                if role == "absent":
                    absent.append(Absence(entry.name, person, entry_span))
                    continue
                _add(participants, entry, person, role, group_org, spans, matchers, text)
            if kind == "role":
                assert isinstance(value, tuple)
                role_value: str | None = value[0]
                scope: str = value[1]
                if scope == "line":
                    line = layout.line_at(m_start)
                    override = (role_value, line.end if line else m_end, (m_start, m_end))
                else:
                    section_role, section_span = role_value, (m_start, m_end)
                    group_org, group_span, override = None, None, None
            elif kind == "org":
                assert isinstance(value, tuple)
                org_text: str = value[0]
                org_match: Match = value[1]
                if org_match.iri is not None:
                    group_org = org_match.iri
                else:
                    group_org = proposed_organisation_iri(org_text)
                group_span = (m_start, m_end)
            elif kind == "line-end":
                override = None
            position = m_end
    return list(participants.values()), absent


def _add(
    participants: dict[str, Participant],
    entry: Entry,
    person: Match,
    role: str,
    group_org: URIRef | None,
    spans: list[Span],
    matchers: Matchers,
    text: str,
    confidence: float | None = None,
) -> Participant:
    explicit, new_org = _organisation(entry.organisation, matchers)
    post, post_org, new_post = resolve_post(entry, explicit, group_org, matchers)
    on_behalf = group_org or explicit or post_org
    key = str(person.iri) if person.iri is not None else f"?{entry.name}"
    evidence = [*spans, (entry.start, entry.end)]
    if key in participants:
        known = participants[key]
        if role not in known.roles:
            known.roles.append(role)
        known.spans.extend(s for s in evidence if s not in known.spans)
        if known.post is None and post is not None:
            known.post, known.post_title, known.post_organisation = post, entry.title, post_org
            known.new_post = new_post
        if known.organisation is None:
            known.organisation = on_behalf
        if entry.name and entry.name != known.written:
            known.notes.append(f"also written {entry.name!r} ({role})")
        return known
    score = confidence if confidence is not None else min(0.95, 0.6 + 0.35 * person.score)
    participant = Participant(
        written=entry.name or "",
        person=person,
        roles=[role],
        organisation=on_behalf,
        organisation_written=entry.organisation,
        post=post,
        post_title=entry.title,
        post_organisation=post_org,
        spans=evidence,
        entry=(entry.start, entry.end),
        confidence=round(score, 2),
        new_organisation=new_org and on_behalf == explicit,
        new_post=new_post,
    )
    if person.note:
        participant.notes.append(person.note)
    participants[key] = participant
    return participant


def find_speakers(
    layout: Layout,
    items: list[tuple[int, int]],
    matchers: Matchers,
    known: list[Participant],
) -> list[Participant]:
    """Lines in an agenda item that introduce a speaker, e.g. "Direktør Utdanningsetaten, Kari
    Nordmann", followed by a paragraph about that person: invited if the item says "invitert"."""
    text = layout.text
    found: dict[str, Participant] = {str(p.person.iri): p for p in known if p.person.iri}
    added: list[Participant] = []
    for item_start, item_end in items:
        for line in layout.body_lines(item_start, item_end):
            if line.kind not in {"short", "body"} or len(line.text.split()) > 9:
                continue
            if line.text.rstrip().endswith((".", ":", "?", "!")):
                continue
            entry = interpret(text, line.start, line.end, matchers.organisations)
            if entry.name is None or not (entry.title or entry.organisation):
                continue
            person = matchers.people.match(entry.name)
            family = entry.name.split()[-1]
            following = text[line.end : line.end + 400]
            introduces = re.search(rf"^\s*(?:\S+\s+)?{re.escape(family)}\b", following) is not None
            if not introduces and person.is_new:
                continue
            role = (
                "invited"
                if re.search(r"\binvitert", text[item_start : line.start], re.I)
                else "other-participant"
            )
            if str(person.iri) in found:
                continue
            before = len(found)
            participant = _add(found, entry, person, role, None, [], matchers, text)
            if len(found) > before:
                invited = re.search(
                    r"[^.\n]*\binvitert[^.]*\.", text[item_start : line.start], re.I
                )
                if invited:
                    participant.spans.insert(
                        0, (item_start + invited.start(), item_start + invited.end())
                    )
                    participant.spans[0] = _trim(text, participant.spans[0])
                added.append(participant)
    return added


def _trim(text: str, span: Span) -> Span:
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e)


_HOLDING_RE = re.compile(
    rf"(?P<name>{NAME_RE.pattern})\s+(?:"
    r"(?P<acting>fungerer|fungerte)\s+(?:nå\s+)?som\s+(?P<post1>[^.,;]+?)"
    r"|er\s+(?P<kind>ny|nytt|konstituert|fungerende|tilsatt\s+som(?:\s+ny)?|utnevnt\s+til(?:\s+ny)?)\s+"
    r"(?P<post2>[^.,;]+?)"
    r")(?=[.,;]|\s+(?:og|fra|etter)\s|\s*$)",
)


def find_post_holdings(layout: Layout, matchers: Matchers) -> list[PostHoldingFound]:
    """Sentences that say who holds or acts in a post: "Tore Soldal fungerer nå som
    visepolitimester", "Rune Alstadsæter er ny kommunikasjonsdirektør i OPD"."""
    text = layout.text
    found: list[PostHoldingFound] = []
    for s, e in layout.sentences():
        for match in _HOLDING_RE.finditer(text, s, e):
            name = " ".join(match["name"].split())
            if not looks_like_name(name):
                # "Stillingen ... Tore Soldal": keep the last words that still make a name.
                words = name.split()
                name = next(
                    (
                        " ".join(words[i:])
                        for i in range(1, len(words) - 1)
                        if looks_like_name(" ".join(words[i:]))
                    ),
                    "",
                )
                if not name:
                    continue
            phrase = " ".join((match["post1"] or match["post2"]).split())
            org_written = None
            in_org = re.match(r"(?P<title>.+?)\s+(?:i|ved|hos)\s+(?P<org>[A-ZÆØÅ].*)$", phrase)
            if in_org and matchers.organisations.match(in_org["org"]).iri is not None:
                phrase, org_written = in_org["title"], in_org["org"]
            explicit = matchers.organisations.match(org_written).iri if org_written else None
            entry = Entry(match.start(), match.end(), name, None, phrase, phrase, org_written)
            post, post_org, new_post = resolve_post(entry, explicit, None, matchers)
            if post is None:
                continue
            kind = (match["kind"] or "").split()[0] if match["kind"] else ""
            acting = bool(match["acting"]) or kind in {"konstituert", "fungerende"}
            new = True if kind in {"ny", "nytt", "tilsatt", "utnevnt"} else None
            person = matchers.people.match(name)
            start = match.start() + match.group(0).find(name)
            found.append(
                PostHoldingFound(
                    name,
                    person,
                    post,
                    phrase,
                    post_org,
                    acting,
                    new,
                    (start, match.end()),
                    0.8 if not new_post else 0.6,
                    new_post,
                )
            )
    return found

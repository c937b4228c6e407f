"""CSV files for spreadsheet users: one table per main class, one row per thing.

Each column is one property; a thing with several values has them joined by `` | `` in sorted
order, and a column ending in ``_label`` gives the name of the thing in the column before it.
Files are UTF-8 with a byte-order mark (so that spreadsheet programs read æ, ø and å right) and
CRLF line ends (RFC 4180).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from politiraad_graph.namespaces import DCTERMS, ORG, POL, PROV, SCHEMA, SKOS
from politiraad_graph.publish.dataset import RDF_TYPE

SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...]
    """Predicates followed from the row's thing; ``^p`` follows p backwards."""
    label: bool = False
    """Add a ``{name}_label`` column with the names of the things found."""
    languages: bool = False
    """Text in two columns: ``{name}`` in bokmål (or without language), ``{name}_en``."""


@dataclass(frozen=True)
class Table:
    file: str
    title_nb: str
    title_en: str
    classes: tuple[str, ...]
    columns: tuple[Column, ...]


def _c(name: str, *path: object, label: bool = False) -> Column:
    return Column(name, tuple(str(p) for p in path), label)


def _t(name: str, *path: object) -> Column:
    return Column(name, tuple(str(p) for p in path), languages=True)


_TITLE = _t("title", DCTERMS.title)
_LABEL = _t("label", SKOS.prefLabel)
_DESCRIPTION = _t("description", DCTERMS.description)

TABLES: tuple[Table, ...] = (
    Table(
        "meetings.csv",
        "Møter",
        "Meetings",
        (str(POL.Meeting),),
        (
            _TITLE,
            _c("date", SCHEMA.startDate),
            _c("end_date", SCHEMA.endDate),
            _c("approximate_date", POL.approximateDate),
            _c("start_time", SCHEMA.startTime),
            _c("end_time", SCHEMA.endTime),
            _c("meeting_type", POL.meetingType, label=True),
            _c("status", POL.meetingStatus, label=True),
            _c("council", POL.council, label=True),
            _c("location", SCHEMA.location, label=True),
            _c("minutes", POL.minutes),
            _DESCRIPTION,
        ),
    ),
    Table(
        "agenda-items.csv",
        "Saker på sakslisten",
        "Agenda items",
        (str(POL.AgendaItem),),
        (
            _c("meeting", POL.meeting),
            _c("position", POL.position),
            _c("item_number", POL.itemNumber),
            _TITLE,
            _t("summary", POL.summary),
            _c("presented_by", POL.presentedBy, label=True),
            _c("concerns_document", POL.concernsDocument, label=True),
            _c("attachment", POL.attachment, label=True),
            _c("access_rights", DCTERMS.accessRights, label=True),
        ),
    ),
    Table(
        "participations.csv",
        "Deltakelser",
        "Participations",
        (str(POL.Participation),),
        (
            _c("meeting", POL.meeting),
            _c("person", POL.participant, label=True),
            _c("role", POL.meetingRole, label=True),
            _c("on_behalf_of", POL.onBehalfOf, label=True),
            _c("post", POL.inPost, label=True),
        ),
    ),
    Table(
        "decisions.csv",
        "Vedtak",
        "Decisions",
        (str(POL.Decision),),
        (
            _c("meeting", POL.meeting),
            _c("agenda_item", POL.agendaItem),
            _c("decision_type", POL.decisionType, label=True),
            _DESCRIPTION,
            _c("decision_object", POL.decisionObject, label=True),
            _c("signatory", POL.signatory, label=True),
            _c("scheduled_for", POL.scheduledFor),
        ),
    ),
    Table(
        "followup-points.csv",
        "Oppfølgingspunkter",
        "Follow-up points",
        (str(POL.FollowUpPoint),),
        (
            _c("year", POL.followUpYear),
            _c("number", POL.number),
            _DESCRIPTION,
            _c("responsible", POL.responsible, label=True),
            _c("origin_meeting", POL.originMeeting),
            _c("listed_in", POL.listedIn, label=True),
        ),
    ),
    Table(
        "followup-status-updates.csv",
        "Statusoppdateringer for oppfølgingspunkter",
        "Status updates of follow-up points",
        (str(POL.StatusUpdate),),
        (
            _c("followup", POL.followUp),
            _c("date", DCTERMS.date),
            _c("status", POL.status, label=True),
            _t("status_text", POL.statusText),
            _c("reported_in", POL.reportedIn),
        ),
    ),
    Table(
        "people.csv",
        "Personer",
        "People",
        (str(SCHEMA.Person),),
        (
            _c("name", SKOS.prefLabel),
            _c("given_name", SCHEMA.givenName),
            _c("family_name", SCHEMA.familyName),
            _c("other_names", SKOS.altLabel),
        ),
    ),
    Table(
        "organisations.csv",
        "Organisasjoner og enheter",
        "Organisations and units",
        (str(ORG.Organization), str(ORG.OrganizationalUnit), str(POL.Council)),
        (
            _LABEL,
            _c("abbreviation", POL.abbreviation),
            _c("other_names", SKOS.altLabel),
            _c("part_of", ORG.subOrganizationOf, label=True),
            _c("unit_of", ORG.unitOf, label=True),
        ),
    ),
    Table(
        "places.csv",
        "Steder",
        "Places",
        (str(SCHEMA.Place),),
        (
            _LABEL,
            _c("other_names", SKOS.altLabel),
            _c("contained_in", SCHEMA.containedInPlace, label=True),
        ),
    ),
    Table(
        "programmes-and-plans.csv",
        "Programmer, planer og avtaler",
        "Programmes, plans and agreements",
        (str(POL.Programme), str(POL.PlanDocument), str(POL.Plan), str(POL.Agreement)),
        (
            _c("kind", RDF_TYPE),
            _LABEL,
            _TITLE,
            _c("programme", POL.programme, label=True),
            _c("period_start", POL.periodStart),
            _c("period_end", POL.periodEnd),
            _c("previous_version", PROV.wasRevisionOf),
            _c("lead", POL.lead, label=True),
            _DESCRIPTION,
        ),
    ),
    Table(
        "amounts.csv",
        "Beløp",
        "Amounts",
        (str(POL.MonetaryAmount),),
        (
            _c("meeting", POL.meeting),
            _c("value", SCHEMA.value),
            _c("currency", SCHEMA.currency),
            _c("year", POL.year),
            _c("from_year", POL.fromYear),
            _c("payer", POL.payer, label=True),
            _c("purpose", POL.purpose, label=True),
            _DESCRIPTION,
        ),
    ),
)

_LABEL_PREDICATES = (str(SKOS.prefLabel), str(DCTERMS.title))


class _Reader:
    """Look up values and names of things in the store, caching names."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._names: dict[str, str] = {}

    def values(self, subject: ox.NamedNode, predicate: str) -> list[object]:
        return [
            q.object
            for q in self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)
        ]

    def name(self, term: object) -> str:
        if not isinstance(term, ox.NamedNode):
            return _text(term)
        found = self._names.get(term.value)
        if found is None:
            found = ""
            for predicate in _LABEL_PREDICATES:
                literals = [v for v in self.values(term, predicate) if isinstance(v, ox.Literal)]
                if literals:
                    found = _pick(literals)
                    break
            self._names[term.value] = found
        return found


def _pick(literals: Sequence[ox.Literal]) -> str:
    """Bokmål first, then untagged, then English, then anything; the smallest if several."""
    for wanted in ("nb", None, "en"):
        chosen = sorted(lit.value for lit in literals if lit.language == wanted)
        if chosen:
            return chosen[0]
    return sorted(lit.value for lit in literals)[0]


def _text(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return str(term)


def rows(store: ox.Store, table: Table) -> tuple[list[str], list[list[str]]]:
    """Return the header and the rows of one table, rows sorted by IRI."""
    reader = _Reader(store)
    header = ["iri"]
    for column in table.columns:
        header.append(column.name)
        if column.label:
            header.append(column.name + "_label")
        if column.languages:
            header.append(column.name + "_en")
    things: set[str] = set()
    for cls in table.classes:
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), None):
            if isinstance(quad.subject, ox.NamedNode):
                things.add(quad.subject.value)
    body = []
    for thing in sorted(things):
        node = ox.NamedNode(thing)
        row = [thing]
        for column in table.columns:
            found = _follow(reader, node, column.path)
            if column.path == (RDF_TYPE,):
                found = [v for v in found if _text(v) in table.classes]
            if column.languages:
                english = [v for v in found if isinstance(v, ox.Literal) and v.language == "en"]
                other = [v for v in found if v not in english]
                row.append(_join(_text(v) for v in other))
                row.append(_join(_text(v) for v in english))
                continue
            row.append(_join(_text(v) for v in found))
            if column.label:
                row.append(_join(reader.name(v) for v in found))
        body.append(row)
    return header, body


def _follow(reader: _Reader, node: ox.NamedNode, path: tuple[str, ...]) -> list[object]:
    current: list[object] = [node]
    for predicate in path:
        current = [
            v for c in current if isinstance(c, ox.NamedNode) for v in reader.values(c, predicate)
        ]
    return current


def _join(values: object) -> str:
    assert not isinstance(values, str)
    return SEPARATOR.join(sorted(set(values)))  # type: ignore[call-overload]


def csv_text(header: list[str], body: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()


def write_tables(
    store: ox.Store, folder: Path, tick: Callable[[str], object] | None = None
) -> dict[str, int]:
    """Write every table into ``folder``; return the number of rows by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in TABLES:
        if tick:
            tick(table.file)
        header, body = rows(store, table)
        (folder / table.file).write_bytes(b"\xef\xbb\xbf" + csv_text(header, body).encode())
        counts[table.file] = len(body)
    return counts

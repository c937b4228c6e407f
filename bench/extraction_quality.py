"""Extraction quality: ingest the seed minutes and compare the drafts with the curated graphs.

    python -m bench.extraction_quality [--data-dir DIR] [--out bench/results]

For each source in data/sources/ with a curated meeting file, the draft that ``politiraad
ingest`` writes is compared with the curated graph *by meaning*, kind by kind:

- participants: (person, roles, organisation on whose behalf)
- agenda items: (number, or position if unnumbered; title, normalised, matching approximately)
- decisions: (decision types, agenda item, meeting it is scheduled for)
- follow-up points: (year, number); status updates: (year, number, status)
- dates: (start or approximate date, end) of every meeting the minutes hold or refer to
- amounts: (value, year, first year)
- mentions: (thing, the agenda item / follow-up point / status it is in); the curated side is
  the meeting file's hand-tagged mentions plus what ``politiraad mentions`` finds by label
- post holdings: (person, post, acting) and meetings: (date, type, status) are reported too.

Writes ``extraction_quality.json`` and ``extraction_quality.md`` (precision, recall, F1 per
kind; what was missed and what was extra) and the time ingest took per file (goal: < 2 s).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from politiraad_graph.build import parse_file
from politiraad_graph.config import PROJECT_ROOT
from politiraad_graph.ingest.drafts import ingest_file
from politiraad_graph.ingest.norsk import normalise_dashes
from politiraad_graph.ingest.reference import Reference
from politiraad_graph.mentions import mention_graph, reference_graph
from politiraad_graph.namespaces import ID, SCHEMA
from politiraad_graph.vocab import POL

KINDS = (
    "participants",
    "agenda items",
    "decisions",
    "follow-up points",
    "dates",
    "amounts",
    "mentions",
)
EXTRA_KINDS = ("status updates", "post holdings", "meetings")
GOAL_F1 = 0.90
GOAL_SECONDS = 2.0

Fact = tuple[str, ...]


def _local(node: Node | None) -> str:
    return str(node).removeprefix(str(ID)) if node is not None else "-"


def _slug(node: Node | None) -> str:
    return str(node).rsplit("/", 1)[-1] if node is not None else "-"


def _text(node: Node | None) -> str:
    return str(node) if node is not None else "-"


def _item_keys(graph: Graph) -> dict[Node, str]:
    keys: dict[Node, str] = {}
    for item in graph.subjects(RDF.type, POL.AgendaItem):
        number = graph.value(item, POL.itemNumber)
        keys[item] = _text(number if number is not None else graph.value(item, POL.position))
    return keys


def title_key(title: str) -> str:
    """A title for comparison: dashes and spacing normalised, lower case, no punctuation."""
    text = normalise_dashes(title).lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def participants(g: Graph) -> set[Fact]:
    return {
        (
            _slug(g.value(p, POL.participant)),
            "+".join(sorted(_slug(r) for r in g.objects(p, POL.meetingRole))),
            _slug(g.value(p, POL.onBehalfOf)),
        )
        for p in g.subjects(RDF.type, POL.Participation)
    }


def agenda_items(g: Graph) -> set[Fact]:
    keys = _item_keys(g)
    return {(keys[i], title_key(_text(g.value(i, DCTERMS.title)))) for i in keys}


def decisions(g: Graph) -> set[Fact]:
    keys = _item_keys(g)
    found: set[Fact] = set()
    for d in g.subjects(RDF.type, POL.Decision):
        item = g.value(d, POL.agendaItem)
        found.add(
            (
                "+".join(sorted(_slug(t) for t in g.objects(d, POL.decisionType))),
                keys.get(item, "-") if item is not None else "-",
                _local(g.value(d, POL.scheduledFor)),
            )
        )
    return found


def followups(g: Graph) -> set[Fact]:
    return {
        (_text(g.value(f, POL.followUpYear)), _text(g.value(f, POL.number)))
        for f in g.subjects(RDF.type, POL.FollowUpPoint)
    }


def status_updates(g: Graph) -> set[Fact]:
    found: set[Fact] = set()
    for s in g.subjects(RDF.type, POL.StatusUpdate):
        point = g.value(s, POL.followUp)
        year, number = g.value(point, POL.followUpYear), g.value(point, POL.number)
        found.add((_text(year), _text(number), _slug(g.value(s, POL.status))))
    return found


def dates(g: Graph) -> set[Fact]:
    found: set[Fact] = set()
    for m in g.subjects(RDF.type, POL.Meeting):
        start = g.value(m, SCHEMA.startDate) or g.value(m, POL.approximateDate)
        found.add((_text(start), _text(g.value(m, SCHEMA.endDate))))
    return found


def meetings(g: Graph) -> set[Fact]:
    found: set[Fact] = set()
    for m in g.subjects(RDF.type, POL.Meeting):
        start = g.value(m, SCHEMA.startDate) or g.value(m, POL.approximateDate)
        kind, status = g.value(m, POL.meetingType), g.value(m, POL.meetingStatus)
        found.add((_text(start), _slug(kind), _slug(status)))
    return found


def amounts(g: Graph) -> set[Fact]:
    found: set[Fact] = set()
    for a in g.subjects(RDF.type, POL.MonetaryAmount):
        value = Decimal(_text(g.value(a, SCHEMA.value)))
        found.add((str(int(value)), _text(g.value(a, POL.year)), _text(g.value(a, POL.fromYear))))
    return found


def post_holdings(g: Graph) -> set[Fact]:
    return {
        (
            _slug(g.value(h, POL.holder)),
            _slug(g.value(h, POL.heldPost)),
            _text(g.value(h, POL.acting)),
        )
        for h in g.subjects(RDF.type, POL.PostHolding)
    }


def _context_key(g: Graph, context: Node | None, items: dict[Node, str]) -> str:
    if context is None:
        return "-"
    if context in items:
        return f"item {items[context]}"
    if (context, RDF.type, POL.FollowUpPoint) in g:
        return f"follow-up {g.value(context, POL.followUpYear)}-{g.value(context, POL.number)}"
    if (context, RDF.type, POL.StatusUpdate) in g:
        point = g.value(context, POL.followUp)
        return f"status of {g.value(point, POL.followUpYear)}-{g.value(point, POL.number)}"
    if (context, RDF.type, POL.Decision) in g:
        item = g.value(context, POL.agendaItem)
        return f"item {items[item]}" if item in items else "decision"
    return _local(context)


def mentions(g: Graph) -> set[Fact]:
    items = _item_keys(g)
    return {
        (_local(g.value(m, POL.mentionOf)), _context_key(g, g.value(m, POL.context), items))
        for m in g.subjects(RDF.type, POL.Mention)
    }


EXTRACTORS: dict[str, Callable[[Graph], set[Fact]]] = {
    "participants": participants,
    "agenda items": agenda_items,
    "decisions": decisions,
    "follow-up points": followups,
    "dates": dates,
    "amounts": amounts,
    "mentions": mentions,
    "status updates": status_updates,
    "post holdings": post_holdings,
    "meetings": meetings,
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.missed += other.missed
        self.extra += other.extra

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def compare(kind: str, gold: set[Fact], found: set[Fact], where: str) -> Score:
    """Count matches; agenda items match on their key with approximately the same title."""
    if kind != "agenda items":
        score = Score(len(gold & found), len(found - gold), len(gold - found))
        score.missed = [f"{where}: {fact}" for fact in sorted(gold - found, key=str)]
        score.extra = [f"{where}: {fact}" for fact in sorted(found - gold, key=str)]
        return score
    score = Score()
    unmatched = set(found)
    for number, title in sorted(gold, key=str):
        best = None
        for candidate in unmatched:
            if candidate[0] != number:
                continue
            ratio = difflib.SequenceMatcher(None, title, candidate[1]).ratio()
            if ratio >= 0.8:
                best = candidate
                break
        if best is None:
            score.fn += 1
            score.missed.append(f"{where}: ({number!r}, {title!r})")
        else:
            score.tp += 1
            unmatched.discard(best)
    score.fp = len(unmatched)
    score.extra = [f"{where}: {fact}" for fact in sorted(unmatched, key=str)]
    return score


def gold_graph(meeting_file: Path, root: Path, reference: Graph) -> Graph:
    """The curated meeting with the label mentions ``politiraad mentions`` finds for it."""
    curated = parse_file(meeting_file)
    generated = meeting_file.with_name(meeting_file.stem + ".mentions.ttl")
    if generated.exists():
        curated += parse_file(generated)
    else:
        curated += mention_graph(curated, reference, root / "data" / "sources")
    return curated


@dataclass
class Results:
    """Scores per kind over all seeds, per file, and the time ingest took per file."""

    totals: dict[str, Score]
    per_file: dict[str, dict[str, Score]]
    seconds: dict[str, float]

    @property
    def meets_goal(self) -> bool:
        return all(self.totals[k].f1 >= GOAL_F1 for k in KINDS)

    def to_json(self) -> dict[str, object]:
        return {
            "goal_f1": GOAL_F1,
            "goal_seconds": GOAL_SECONDS,
            "all_kinds_meet_goal": self.meets_goal,
            "slowest_seconds": round(max(self.seconds.values(), default=0.0), 3),
            "kinds": {
                kind: {**_summary(s), "missed": s.missed, "extra": s.extra}
                for kind, s in self.totals.items()
            },
            "files": {
                name: {
                    "seconds": round(self.seconds[name], 3),
                    **{k: _summary(s) for k, s in kinds.items()},
                }
                for name, kinds in self.per_file.items()
            },
        }


def run(root: Path) -> Results:
    """Ingest every seed and score it."""
    sources = sorted((root / "data" / "sources").glob("*.txt"))
    reference = reference_graph(root)
    ref = Reference.from_graph(reference)
    results = Results({kind: Score() for kind in (*KINDS, *EXTRA_KINDS)}, {}, {})
    with tempfile.TemporaryDirectory() as out:
        for source in sources:
            date = source.name[:10]
            meeting_file = root / "data" / "meetings" / f"{date}.ttl"
            if not meeting_file.exists():
                continue
            started = time.perf_counter()
            target, _, _ = ingest_file(
                source, out_dir=Path(out), project_root=root, reference=ref, force=True
            )
            results.seconds[source.name] = time.perf_counter() - started
            draft = parse_file(target / "draft.ttl")
            gold = gold_graph(meeting_file, root, reference)
            scores: dict[str, Score] = {}
            for kind in (*KINDS, *EXTRA_KINDS):
                score = compare(kind, EXTRACTORS[kind](gold), EXTRACTORS[kind](draft), date)
                results.totals[kind].add(score)
                scores[kind] = score
            results.per_file[source.name] = scores
    return results


def _summary(score: Score) -> dict[str, object]:
    return {
        "tp": score.tp,
        "fp": score.fp,
        "fn": score.fn,
        "precision": round(score.precision, 3),
        "recall": round(score.recall, 3),
        "f1": round(score.f1, 3),
    }


def to_markdown(results: Results) -> str:
    out = [
        "# Extraction quality",
        "",
        "`python -m bench.extraction_quality`: the seed minutes ingested and compared with the "
        "curated graphs by meaning (see the module's docstring for what is compared per kind). "
        f"Goal: F1 ≥ {GOAL_F1} per kind; ingest < {GOAL_SECONDS} s per file.",
        "",
        "| kind | TP | FP | FN | precision | recall | F1 | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, s in results.totals.items():
        goal = ("met" if s.f1 >= GOAL_F1 else "**missed**") if kind in KINDS else "(info)"
        out.append(
            f"| {kind} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} "
            f"| {s.recall:.3f} | {s.f1:.3f} | {goal} |"
        )
    out += ["", "## Per file (F1)", ""]
    out.append("| file | seconds | " + " | ".join(KINDS) + " |")
    out.append("|---|---|" + "---|" * len(KINDS))
    for name, scores in results.per_file.items():
        cells = " | ".join(f"{scores[k].f1:.3f}" for k in KINDS)
        out.append(f"| {name} | {results.seconds[name]:.2f} | {cells} |")
    out += ["", "## Where it misses", ""]
    for kind, s in results.totals.items():
        if not s.missed and not s.extra:
            continue
        out += [f"### {kind}", ""]
        out += [f"- missed (in the curated graph, not in the draft): `{m}`" for m in s.missed]
        out += [f"- extra (in the draft, not in the curated graph): `{e}`" for e in s.extra]
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its results; return 0 (a benchmark reports, it does not fail)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", default=str(PROJECT_ROOT), help="project folder with data/")
    parser.add_argument(
        "--out", default=str(PROJECT_ROOT / "bench" / "results"), help="folder for the results"
    )
    args = parser.parse_args(argv)
    results = run(Path(args.data_dir))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "extraction_quality.json").write_text(
        json.dumps(results.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out / "extraction_quality.md").write_text(to_markdown(results), encoding="utf-8")
    for kind, s in results.totals.items():
        print(f"{kind:18s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")
    slowest = max(results.seconds.values(), default=0.0)
    print(f"slowest ingest: {slowest:.2f} s; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

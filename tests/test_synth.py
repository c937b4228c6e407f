"""The synthetic corpus (``politiraad synth``): deterministic, conformant, and of the right size."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from bench import synth
from politiraad_graph.cli import main as cli_main
from politiraad_graph.store.oxigraph import to_rdflib
from politiraad_graph.validate import validate

POL = synth.POL
# 25 meetings: three councils (names must be unique across them), about eight meetings each, so
# posts change holders and follow-up points are reported several times and some completed.
MEETINGS = 25
Loaded = tuple[Dataset, Graph, Graph]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _load(folder: Path) -> Loaded:
    """The corpus as a dataset of its data graphs, its ontology apart, and the data's union."""
    graphs: dict[str, Graph] = defaultdict(Graph)
    with gzip.open(folder / "corpus.nq.gz", "rb") as handle:
        for quad in ox.parse(cast(IO[bytes], handle), format=ox.RdfFormat.N_QUADS):
            triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
            graphs[str(quad.graph_name.value)].add(triple)
    data, union = Dataset(), Graph()
    for name, graph in graphs.items():
        if not name.endswith("/graph/ontology"):
            data.graph(URIRef(name)).__iadd__(graph)
            union += graph
    return data, graphs[synth.GRAPH + "ontology"], union


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("synth") / f"{MEETINGS}-1"
    return folder, synth.generate(MEETINGS, 1, folder)


@pytest.fixture(scope="module")
def loaded(corpus: tuple[Path, dict[str, int]]) -> Loaded:
    return _load(corpus[0])


def test_same_meetings_and_seed_give_the_same_bytes(tmp_path: Path) -> None:
    first = synth.generate(13, 7, tmp_path / "a")
    # Another process with another hash seed: no set or dict order may leak into the output.
    command = [sys.executable, "-m", "politiraad_graph.cli", "synth", "--meetings", "13"]
    done = subprocess.run(
        [*command, "--seed", "7", "--out", str(tmp_path / "b")],
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"wrote {first['quads']} quads (13 meetings, 2 councils)" in done.stdout
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert len(_digest(tmp_path / "a")) == 14  # the corpus and one text per meeting
    other = synth.generate(13, 8, tmp_path / "c")
    assert other["meetings"] == 13
    assert _digest(tmp_path / "c")["corpus.nq.gz"] != _digest(tmp_path / "a")["corpus.nq.gz"]


def test_the_corpus_conforms(loaded: Loaded) -> None:
    data, ontology, _ = loaded
    report = validate(data, ontology=ontology)
    assert report.results == (), report.to_text()[:3000]
    assert report.conforms


def test_size_is_about_a_thousand_quads_a_meeting(corpus: tuple[Path, dict[str, int]]) -> None:
    folder, counts = corpus
    assert counts["meetings"] == MEETINGS
    assert counts["councils"] == 3
    with gzip.open(folder / "corpus.nq.gz", "rt", encoding="utf-8") as handle:
        lines = sum(1 for _ in handle)
    assert lines == counts["quads"]
    # 10 meetings → ~10k, 100 → ~100k, 1000 → ~1M: the benchmarks name sizes by this ratio.
    assert 800 * MEETINGS <= counts["quads"] <= 1300 * MEETINGS


def test_ten_meetings_are_about_ten_thousand_quads(tmp_path: Path) -> None:
    counts = synth.generate(10, 1, tmp_path)
    assert 8_000 <= counts["quads"] <= 13_000
    assert counts["councils"] == 1


def test_every_passage_quotes_its_source_text(
    corpus: tuple[Path, dict[str, int]], loaded: Loaded
) -> None:
    folder, _ = corpus
    _, _, data = loaded
    oa = synth.OA
    passages = 0
    for passage in data.subjects(URIRef(oa + "exact"), None):
        source = str(data.value(passage, URIRef(oa + "hasSource")))
        date = source.rsplit("/", 1)[1]
        text = (folder / "sources" / f"{date}_synth.txt").read_text(encoding="utf-8")
        start = int(str(data.value(passage, URIRef(oa + "start"))))
        end = int(str(data.value(passage, URIRef(oa + "end"))))
        assert text[start:end] == str(data.value(passage, URIRef(oa + "exact")))
        passages += 1
    assert passages > 40 * MEETINGS


def test_a_mention_is_of_something_its_passage_names(loaded: Loaded) -> None:
    _, _, data = loaded
    label = URIRef(synth.SKOS + "prefLabel")
    words = {synth.ID + "topic/" + k: v for k, v in synth.TOPIC_WORDS.items()}
    mentions = 0
    for mention, target in data.subject_objects(URIRef(POL + "mentionOf")):
        passage = data.value(mention, URIRef(POL + "evidence"))
        quote = str(data.value(passage, URIRef(synth.OA + "exact")))
        names = {
            str(o) for o in data.objects(target, label) if getattr(o, "language", None) != "en"
        }
        if str(target) in words:
            names = {words[str(target)]}
        assert any(name in quote for name in names), (mention, names, quote)
        mentions += 1
    assert mentions > 10 * MEETINGS


def test_people_have_unique_names_and_one_post_at_a_time(
    loaded: Loaded,
) -> None:
    _, _, data = loaded
    people = list(data.subjects(URIRef(synth.RDF_TYPE), URIRef(synth.SCHEMA + "Person")))
    names = [str(data.value(p, URIRef(synth.SKOS + "prefLabel"))).lower() for p in people]
    assert len(set(names)) == len(names) > 3 * len(synth.POSTS)
    per_meeting: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
    for holding in data.subjects(URIRef(synth.RDF_TYPE), URIRef(POL + "PostHolding")):
        meeting = data.value(holding, URIRef(POL + "attestedIn"))
        holder = data.value(holding, URIRef(POL + "holder"))
        post = data.value(holding, URIRef(POL + "heldPost"))
        per_meeting[meeting].append((holder, post))  # type: ignore[index, arg-type]
    for meeting, pairs in per_meeting.items():
        holders = [h for h, _ in pairs]
        posts = [p for _, p in pairs]
        assert len(set(holders)) == len(holders), meeting
        assert len(set(posts)) == len(posts), meeting
    # Posts change hands over time, and the minutes say so ("ny", "fungerende").
    new = list(data.subjects(URIRef(POL + "newInPost"), Literal(True)))
    assert new, "no post changed holder in the corpus"


def test_follow_up_statuses_only_move_forward(loaded: Loaded) -> None:
    _, _, data = loaded
    history: dict[URIRef, list[tuple[str, str]]] = defaultdict(list)
    for update in data.subjects(URIRef(synth.RDF_TYPE), URIRef(POL + "StatusUpdate")):
        point = data.value(update, URIRef(POL + "followUp"))
        date = str(data.value(update, URIRef(synth.DCT + "date")))
        status = str(data.value(update, URIRef(POL + "status"))).rsplit("/", 1)[1]
        history[point].append((date, status))  # type: ignore[index]
    assert history
    completed = 0
    for point, updates in history.items():
        updates.sort()
        dates = [d for d, _ in updates]
        assert len(set(dates)) == len(dates), point
        previous = None
        for _, status in updates:
            assert previous != "completed", f"{point} reported after completion"
            allowed = synth.NEXT_STATUS[previous][0]
            assert status in allowed or status == "completed", (point, updates)
            previous = status
        completed += previous == "completed"
    assert completed, "no follow-up point was ever completed"
    assert any(len(updates) >= 2 for updates in history.values())


def test_a_council_closes_its_oldest_points_when_it_carries_too_many() -> None:
    council = synth._councils(1)[0]
    council.open_points = [
        synth.OpenPoint(f"{synth.ID}followup/2001-{n}", 2001, n, "continuous")
        for n in range(1, synth.OPEN_POINTS_MAX + 4)
    ]
    writer = synth.Writer()
    text = synth.Text(f"{synth.ID}source/2001-05-02")
    counters = {2001: synth.OPEN_POINTS_MAX + 3}
    synth._followups(
        writer,
        text,
        council,
        dt.date(2001, 5, 2),
        f"{synth.ID}meeting/2001-05-02",
        random.Random(3),
        counters,
        lambda passage, target, context: None,
    )
    numbers = [p.number for p in council.open_points]
    # The three oldest are closed; the rest stay open, and the new points come after them.
    assert all(n > 3 for n in numbers)
    assert len(numbers) <= synth.OPEN_POINTS_MAX + 3
    closed = [line for line in writer.lines if "followup-status/completed" in line]
    assert sum("followup/2001-1/status" in line for line in closed) == 1
    assert counters[2001] > synth.OPEN_POINTS_MAX + 3


def test_person_names_never_repeat_even_when_the_pool_is_drawn_hard() -> None:
    rng = random.Random(5)
    taken: set[str] = set()
    slugs = [synth._person_name(rng, taken)[2] for _ in range(3000)]
    assert len(set(slugs)) == 3000


def test_no_meetings_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["synth", "--meetings", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--meetings must be at least 1" in capsys.readouterr().err
    with pytest.raises(ValueError, match="at least 1"):
        synth.generate(0, 1, tmp_path / "y")
    assert not (tmp_path / "x").exists()

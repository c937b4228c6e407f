"""Benchmark the entity pages: median server time per page type.

The app runs in-process over a real Oxigraph store with its query workers (as in production);
each page is requested through Flask's test client, so the time is the server's own: routing,
the named queries through the workers, and rendering, without network. The first request of each
page type (which builds the per-generation catalogue and caches) is reported separately.

    python -m bench.pages                          # the bundled data
    python -m bench.pages --synthetic 350          # plus ~1M triples of synthetic data
    python -m bench.pages --repeat 50

Writes ``bench/results/pages.json`` and ``bench/results/pages.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from politiraad_graph.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
ID = "https://w3id.org/politiraad/id/"
GOAL_MS = 30.0
GOAL_1M_MS = 100.0
GOAL_BUSIEST_1M_MS = 300.0

BUNDLED_PAGES = {
    "meeting": "/page/meeting/2025-10-13",
    "source": "/page/source/2025-10-13",
    "person": "/page/person/rune-alstadsaeter",
    "organisation": "/page/organisation/opd",
    "programme": "/page/programme/salto",
    "plan": "/page/plan/salto-handlingsprogram-2023-2025",
    "topic (busiest)": "/page/topic/children-and-youth-in-crime",
    "follow-up point": "/page/followup/2025-4",
    "place": "/page/place/mortensrud",
    "agenda item": "/page/meeting/2023-01-13/item/9",
    "follow-up tracker": "/followups",
    "home": "/",
    "search": "/search?q=ungdom",
    "rdf (turtle)": "/data/meeting/2025-10-13.ttl",
}


def _time(get: Callable[[str], Any], url: str, repeat: int) -> dict[str, float]:
    started = time.perf_counter()
    response = get(url)
    first = 1000 * (time.perf_counter() - started)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(url)
        runs.append(1000 * (time.perf_counter() - started))
    runs.sort()
    return {
        "first_ms": round(first, 2),
        "median_ms": round(statistics.median(runs), 2),
        "p90_ms": round(runs[int(0.9 * (len(runs) - 1))], 2),
        "min_ms": round(runs[0], 2),
    }


def _build_bundled(folder: Path) -> tuple[Path, Path]:
    from politiraad_graph.build import load_sources
    from politiraad_graph.store.oxigraph import OxigraphStore

    store = folder / "store"
    OxigraphStore(store).replace_all(load_sources(PROJECT_ROOT).graphs)
    return store, PROJECT_ROOT


def _build_synthetic(folder: Path, meetings: int, seed: int) -> tuple[Path, Path, int]:
    import pyoxigraph as ox

    from bench.synth import generate
    from politiraad_graph.store.oxigraph import OxigraphStore

    corpus = PROJECT_ROOT / "var" / "synth" / f"{meetings}-{seed}"
    if not (corpus / "corpus.nq.gz").exists():
        generate(meetings, seed, corpus)
    data_dir = folder / "project"
    (data_dir / "data").mkdir(parents=True)
    (data_dir / "data" / "sources").symlink_to(corpus / "sources")
    store = folder / "store"
    import gzip

    with gzip.open(corpus / "corpus.nq.gz", "rb") as handle:
        quads = list(ox.parse(cast(IO[bytes], handle), format=ox.RdfFormat.N_QUADS))
    OxigraphStore(store).replace_all_quads(iter(quads))
    return store, data_dir, len(quads)


def _synthetic_pages(client: Any) -> dict[str, str]:
    """Pick real things of the synthetic corpus for each page type, busiest topic included."""
    from webapp import pages, search

    with client.application.test_request_context("/"):
        names = search.catalogue()
        ranked = pages.busiest_topics(names)
        busiest = ranked[0][0] if ranked else ID + "topic/children-and-youth-in-crime"

        def first(kind: str) -> str:
            return next(i for i in names.things_of(kind) if i.startswith(ID))

        meeting = first("meeting")
        things = {
            "meeting": meeting,
            "source": str(names.first(meeting, "minutes") or first("source")),
            "person": first("person"),
            "organisation": first("organisation"),
            "topic (busiest)": busiest,
            "follow-up point": first("followup"),
            "place": first("place"),
            "agenda item": first("item"),
        }
    chosen = {k: "/page/" + v[len(ID) :] for k, v in things.items()}
    chosen["rdf (turtle)"] = "/data/" + meeting[len(ID) :] + ".ttl"
    return chosen


def _build_indexes(client: Any) -> dict[str, float]:
    """Time the per-generation indexes, built once after each store rebuild.

    Then, for comparison in the same run, build them again the way other stores do (and the
    embedded one did before): every index query through the query workers.
    """
    from webapp import search

    with client.application.test_request_context("/"):
        started = time.perf_counter()
        search.catalogue()
        built = time.perf_counter()
        search.search_index()
        done = time.perf_counter()
        gen = search.generation()
        in_process = search._open_generation
        search._open_generation = lambda gen: None  # type: ignore[assignment]
        try:
            again = time.perf_counter()
            names = search._build_catalogue(gen)
            search._build_index(gen, names)
            workers = time.perf_counter() - again
        finally:
            search._open_generation = in_process  # type: ignore[assignment]
    return {
        "catalogue_ms": round(1000 * (built - started), 1),
        "search_index_ms": round(1000 * (done - built), 1),
        "both_through_workers_ms": round(1000 * workers, 1),
    }


def _run(
    store: Path, data_dir: Path, pages: dict[str, str] | None, repeat: int
) -> tuple[dict[str, float], dict[str, Any]]:
    from webapp import create_app, queries

    app = create_app({"store_path": str(store), "data_dir": str(data_dir), "store": "oxigraph"})
    client = app.test_client()
    try:
        indexes = _build_indexes(client)
        chosen = pages or _synthetic_pages(client)
        timed = {
            name: {"url": url, **_time(client.get, url, repeat)} for name, url in chosen.items()
        }
        return indexes, timed
    finally:
        queries.close(app)


def _markdown(report: dict[str, Any]) -> Iterator[str]:
    yield "# Entity page benchmark"
    yield ""
    yield f"Run {report['when']} on {report['machine']} (Python {report['python']}), "
    yield f"{report['repeat']} requests per page after one warm-up request; in-process Flask test "
    yield "client over an Oxigraph store with its query workers, so times are server-side."
    yield ""
    for corpus in report["corpora"]:
        yield f"## {corpus['name']} ({corpus['triples']:,} triples)"
        yield ""
        goal = f"Goal: median under {corpus['goal_ms']:g} ms for an entity page"
        if "busiest_goal_ms" in corpus:
            goal += f", under {corpus['busiest_goal_ms']:g} ms for the busiest topic"
        yield goal + "."
        yield ""
        indexes = corpus["indexes"]
        yield (
            f"Built once per store generation, before the pages were timed: the catalogue in "
            f"{indexes['catalogue_ms']:,.0f} ms, the search index in "
            f"{indexes['search_index_ms']:,.0f} ms, their queries run in-process on the store "
            f"(both through the query workers instead, as other stores do: "
            f"{indexes['both_through_workers_ms']:,.0f} ms)."
        )
        yield ""
        yield "| page | median ms | p90 ms | min ms | first request ms |"
        yield "| --- | ---: | ---: | ---: | ---: |"
        for name, row in corpus["pages"].items():
            yield (
                f"| {name} | {row['median_ms']:.1f} | {row['p90_ms']:.1f} | {row['min_ms']:.1f} "
                f"| {row['first_ms']:.1f} |"
            )
        yield ""
    yield "`first request` is the page's first request after the indexes were built: it fills the"
    yield "per-generation caches that page needs (a source text's passages and rendered section, a"
    yield "topic's thread counts); later requests reuse them until the store generation changes."
    yield "The machine was shared with other work while this ran; medians are noisy, minimums show"
    yield f"the uncontended cost. Load average (1, 5, 15 min) at the start: {report['load']}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--synthetic", type=int, default=0, help="meetings of synthetic data")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    corpora = []
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundled"
        store, data_dir = _build_bundled(folder)
        from politiraad_graph.build import load_sources

        triples = sum(len(g) for g in load_sources(PROJECT_ROOT).graphs.values())
        indexes, timed = _run(store, data_dir, BUNDLED_PAGES, args.repeat)
        corpora.append(
            {
                "name": "bundled data",
                "triples": triples,
                "goal_ms": GOAL_MS,
                "indexes": indexes,
                "pages": timed,
            }
        )
        if args.synthetic:
            folder = Path(tmp) / "synthetic"
            store, data_dir, quads = _build_synthetic(folder, args.synthetic, args.seed)
            indexes, timed = _run(store, data_dir, None, args.repeat)
            corpora.append(
                {
                    "name": f"synthetic, {args.synthetic} meetings",
                    "triples": quads,
                    "goal_ms": GOAL_1M_MS,
                    "busiest_goal_ms": GOAL_BUSIEST_1M_MS,
                    "indexes": indexes,
                    "pages": timed,
                }
            )
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()} {platform.system()}",
        "python": platform.python_version(),
        "repeat": args.repeat,
        "load": load,
        "corpora": corpora,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    text = "\n".join(line.rstrip() for line in _markdown(report)) + "\n"
    (RESULTS / "pages.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

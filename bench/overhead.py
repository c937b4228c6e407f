"""The store layer's own cost: our Oxigraph store against raw pyoxigraph on the same files.

``bench.stores`` runs each backend in its own process, one after the other, so that peak memory
is each one's own; on a shared machine the load changes between them and their ratio drifts
(0.55x at one size, 1.8x at the next in one run). This benchmark answers the narrower question
of issue 3 -- what does our layer add? -- in one process: one on-disk store, and every query run
alternately through ``OxigraphStore.query`` (rdflib terms out) and through the very same
``pyoxigraph.Store`` (every value of every row read), in ABBA order so that a drift in load
falls on both alike.

    python -m bench.overhead                         # 1,000 meetings (~1M quads)
    python -m bench.overhead --meetings 100 --repeat 9
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.stores import _query_texts, corpus

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_EACH = 1.3
GOAL_GEOMEAN = 1.15


def _raw_runner(store: Any) -> Callable[[str], int]:
    import pyoxigraph as ox

    def run(text: str) -> int:
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return 1
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = 0
            for solution in result:
                for name in names:
                    solution[name]
                rows += 1
            return rows
        return sum(1 for _ in result)

    return run


def _our_runner(store: Any) -> Callable[[str], int]:
    from politiraad_graph.store.base import AskResult, GraphResult

    def run(text: str) -> int:
        result = store.query(text)
        if isinstance(result, AskResult):
            return 1
        if isinstance(result, GraphResult):
            return len(result.graph)
        return len(result.rows)

    return run


def measure(meetings: int, repeat: int, budget: float) -> dict[str, Any]:
    import pyoxigraph as ox

    from politiraad_graph.store.oxigraph import OxigraphStore

    path = corpus(meetings)
    texts = _query_texts(path)
    work = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
    ours = OxigraphStore(work / "store")
    with gzip.open(path, "rb") as handle:
        ours.replace_all_quads(ox.parse(handle, ox.RdfFormat.N_QUADS))
    quads = ours.count()
    raw = ours._open()  # the same pyoxigraph.Store our layer queries
    runners = {"raw": _raw_runner(raw), "ours": _our_runner(ours)}
    out: dict[str, Any] = {}
    for name, text in texts.items():
        samples: dict[str, list[float]] = {"raw": [], "ours": []}
        rows = {"raw": 0, "ours": 0}
        for which in ("raw", "ours"):  # warm-up: first-use costs are not the layer's
            runners[which](text)
        spent = 0.0
        for i in range(repeat):
            order = ("raw", "ours") if i % 2 == 0 else ("ours", "raw")
            for which in order:
                t0 = time.perf_counter()
                rows[which] = runners[which](text)
                took = time.perf_counter() - t0
                samples[which].append(took)
                spent += took
            if spent > budget and i >= 1:
                break
        raw_ms = statistics.median(samples["raw"]) * 1000
        ours_ms = statistics.median(samples["ours"]) * 1000
        raw_min, ours_min = min(samples["raw"]) * 1000, min(samples["ours"]) * 1000
        out[name] = {
            "rows": rows["ours"],
            "rows_raw": rows["raw"],
            "raw_ms": raw_ms,
            "ours_ms": ours_ms,
            "raw_min_ms": raw_min,
            "ours_min_ms": ours_min,
            # Noise on a shared machine only ever adds time: the quickest runs show the cost.
            "ratio": ours_min / raw_min if raw_min else None,
            "ratio_median": ours_ms / raw_ms if raw_ms else None,
            "runs": len(samples["ours"]),
        }
    ours.close()
    shutil.rmtree(work, ignore_errors=True)
    ratios = [q["ratio"] for q in out.values() if q["ratio"]]
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None
    return {"meetings": meetings, "quads": quads, "queries": out, "geomean": geomean}


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Store layer overhead",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Run {report['when']} on {report['machine']}; load average {report['load_before']} "
        f"before, {report['load_after']} after. One process, one on-disk store; each query run "
        "alternately (ABBA) through `OxigraphStore.query` (rdflib terms) and through the same "
        "`pyoxigraph.Store` (every value of every row read). The ratio is of the quickest run "
        "of each (load on a shared machine only adds time); medians beside it.",
        "",
        f"Goals (issue 3): each query at most {GOAL_EACH}x, geometric mean at most "
        f"{GOAL_GEOMEAN}x.",
    ]
    for size in report["sizes"]:
        lines += [
            "",
            f"## {size['meetings']} meetings ({size['quads']:,} quads)",
            "",
            f"Geometric mean ours/raw: **{size['geomean']:.2f}x**; worst: "
            f"{max(q['ratio'] for q in size['queries'].values() if q['ratio']):.2f}x.",
            "",
            "| query | rows | raw min ms | ours min ms | ratio | raw median ms | ours median ms "
            "| median ratio | runs |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, q in sorted(size["queries"].items()):
            ratio = f"{q['ratio']:.2f}" if q["ratio"] else ""
            median = f"{q['ratio_median']:.2f}" if q["ratio_median"] else ""
            lines.append(
                f"| {name} | {q['rows']} | {q['raw_min_ms']:.2f} | {q['ours_min_ms']:.2f} "
                f"| {ratio} | {q['raw_ms']:.2f} | {q['ours_ms']:.2f} | {median} | {q['runs']} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", default="1000", help="corpus sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query at most")
    parser.add_argument("--out", default=str(RESULTS / "overhead"))
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "command": "python -m bench.overhead " + " ".join(argv or sys.argv[1:]),
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()} {platform.system()} (Python {platform.python_version()})",
        "load_before": round(os.getloadavg()[0], 1),
        "sizes": [],
    }
    for meetings in (int(m) for m in args.meetings.split(",")):
        print(f"{meetings} meetings ...", file=sys.stderr, flush=True)
        report["sizes"].append(measure(meetings, args.repeat, args.budget))
    report["load_after"] = round(os.getloadavg()[0], 1)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(_markdown(report), encoding="utf-8")
    print(_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the stores on the synthetic corpus: load, competency queries, an entity page, memory.

Every backend runs in its own process (so peak memory is its own) on the same corpus and the same
query texts. Ratios are computed within one run: each backend against raw pyoxigraph with the
same storage (on disk), and against the rdflib memory store.

    python -m bench.stores                       # 10k, 100k and 1M triples (default)
    python -m bench.stores --sizes 10000000      # 10M triples (about 10,000 meetings)
    python -m bench.stores --sizes 10000 --backends raw-disk,oxigraph --repeat 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from politiraad_graph.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
CACHE = PROJECT_ROOT / "var" / "synth"
QUADS_PER_MEETING = 1000  # measured: bench.synth writes ~1,000 quads a meeting
BACKENDS = ("raw-disk", "raw-memory", "oxigraph", "memory", "sparql")
ENTITY_PAGE = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?thing ?p ?o . ?s ?q ?thing . ?o skos:prefLabel ?label }
WHERE {
  { ?thing ?p ?o OPTIONAL { ?o skos:prefLabel ?label } }
  UNION { ?s ?q ?thing }
}
"""


def corpus(meetings: int, seed: int = 1) -> Path:
    """Return the cached corpus of that many meetings, generating it once."""
    from bench.synth import generate

    folder = CACHE / f"{meetings}-{seed}"
    path = folder / "corpus.nq.gz"
    if not path.exists():
        generate(meetings, seed, folder)
    return path


def _bindings_for(corpus_path: Path) -> dict[str, str]:
    """Pick existing things of the corpus for the queries' parameters."""
    wanted = {"meeting": None, "person": None}
    with gzip.open(corpus_path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if wanted["meeting"] is None and "ontology#Meeting>" in line and "/meeting/" in line:
                wanted["meeting"] = line.split(" ", 1)[0][1:-1]
            if wanted["person"] is None and "schema.org/Person>" in line:
                wanted["person"] = line.split(" ", 1)[0][1:-1]
            if all(wanted.values()):
                break
    base = "https://w3id.org/politiraad/id/"
    year = (wanted["meeting"] or "2000").rsplit("/", 1)[1][:4]
    return {
        "meeting": wanted["meeting"] or "",
        "person": wanted["person"] or "",
        "topic": base + "topic/children-and-youth-in-crime",
        "year": year,
        "date": f"{year}-12-31",
    }


def _query_texts(corpus_path: Path) -> dict[str, str]:
    """The library's queries with parameters bound to things of the corpus, as final text."""
    from politiraad_graph import queries
    from politiraad_graph.binding import bind_values

    values = _bindings_for(corpus_path)
    texts = {}
    for name, query in queries.library().items():
        given = {p.name: values[p.name] for p in query.parameters if p.name in values}
        texts[name] = bind_values(query.text, query.bindings(given))
    person = values["person"]
    texts["entity-page"] = ENTITY_PAGE.replace("?thing", f"<{person}>")
    return texts


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_backend(backend: str, corpus_path: Path, repeat: int, budget: float) -> dict[str, Any]:
    """Inside the child process: load the corpus, time every query, report."""
    import pyoxigraph as ox

    from politiraad_graph.store.base import StoreError

    texts = _query_texts(corpus_path)
    work = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-"))
    started = time.perf_counter()
    if backend in {"raw-disk", "raw-memory"}:
        store = ox.Store(str(work / "store")) if backend == "raw-disk" else ox.Store()
        with gzip.open(corpus_path, "rb") as handle:
            store.bulk_load(handle, ox.RdfFormat.N_QUADS)
        store.flush()
        count = len(store)

        def run(text: str) -> int:
            result = store.query(text, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryBoolean):
                return 1
            return sum(1 for _ in result)

    else:
        from politiraad_graph.config import load_config
        from politiraad_graph.store import open_store
        from politiraad_graph.store.base import AskResult, GraphResult

        if backend == "sparql":
            config = json.loads(os.environ["POLITIRAAD_BENCH_SPARQL"])
        else:
            config = load_config({"store": backend, "store_path": str(work / "store")})
        our = open_store(config)
        if backend == "oxigraph":
            with gzip.open(corpus_path, "rb") as handle:
                quads = ox.parse(handle, ox.RdfFormat.N_QUADS)
                our.replace_all_quads(quads)  # type: ignore[attr-defined]
        else:
            from rdflib import Dataset

            dataset = Dataset()
            with gzip.open(corpus_path, "rb") as handle:
                dataset.parse(handle, format="nquads")
            graphs = {str(g.identifier): g for g in dataset.graphs() if len(g)}
            our.replace_all(graphs)
        count = our.count()

        def run(text: str) -> int:
            result = our.query(text)
            if isinstance(result, AskResult):
                return 1
            if isinstance(result, GraphResult):
                return len(result.graph)
            return len(result.rows)

    load_seconds = time.perf_counter() - started
    timings: dict[str, Any] = {}
    for name, text in texts.items():
        samples: list[float] = []
        rows = 0
        try:
            for _ in range(repeat):
                t0 = time.perf_counter()
                rows = run(text)
                samples.append(time.perf_counter() - t0)
                if sum(samples) > budget:
                    break
        except StoreError as error:
            # A server's own time limit (Virtuoso: MaxQueryExecutionTime, 30 s on the test
            # server) ends a query: report that query, keep the others' figures.
            timings[name] = {
                "error": f"{type(error).__name__} after {time.perf_counter() - t0:.1f} s",
                "message": " ".join(str(error).split())[:400],
                "runs": len(samples),
            }
            continue
        timings[name] = {
            "median_ms": statistics.median(samples) * 1000,
            "rows": rows,
            "runs": len(samples),
        }
    # The store's files go with the run (a 10M store is gigabytes).
    shutil.rmtree(work, ignore_errors=True)
    return {
        "backend": backend,
        "quads": count,
        "load_seconds": load_seconds,
        "load_per_second": count / load_seconds if load_seconds else None,
        "peak_mib": _peak_mib(),
        "queries": timings,
    }


def _validation(corpus_path: Path) -> dict[str, float]:
    """Time SHACL validation of the corpus (in this process; call it in a child)."""
    from rdflib import Dataset, Graph

    from politiraad_graph.validate import validate

    dataset = Dataset()
    with gzip.open(corpus_path, "rb") as handle:
        dataset.parse(handle, format="nquads")
    ontology = Graph()
    data = Dataset()
    for graph in dataset.graphs():
        if str(graph.identifier).endswith("/graph/ontology"):
            ontology += graph
        elif len(graph):
            data.graph(graph.identifier).__iadd__(graph)
    started = time.perf_counter()
    report = validate(data, ontology=ontology)
    return {
        "seconds": time.perf_counter() - started,
        "violations": float(report.count("Violation")),
        "peak_mib": _peak_mib(),
    }


def _child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.stores", "--child", *args]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _with_virtuoso(child_args: list[str]) -> dict[str, Any]:
    """Measure the remote store against a fresh Virtuoso of our own on loopback."""
    from bench.virtuoso import VirtuosoUnavailable, start

    with tempfile.TemporaryDirectory(prefix="bench-virtuoso-") as folder:
        try:
            running = start(Path(folder))
        except VirtuosoUnavailable as error:
            return {"error": str(error)}
        try:
            config = json.dumps(running.server.config())
            result = _child(child_args, {"POLITIRAAD_BENCH_SPARQL": config})
            result["server_rss_mib"] = _rss_mib(running.process.pid)
            return result
        finally:
            running.stop()


def _rss_mib(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def _geomean(values: list[float]) -> float | None:
    values = [v for v in values if v > 0]
    if not values:
        return None
    return float(statistics.geometric_mean(values))


def _ratios(by_backend: dict[str, dict[str, Any]], baseline: str) -> dict[str, Any]:
    base = by_backend.get(baseline, {}).get("queries")
    out: dict[str, Any] = {}
    if not base:
        return out
    for backend, result in by_backend.items():
        queries = result.get("queries")
        if backend == baseline or not queries:
            continue
        per = {
            name: queries[name]["median_ms"] / base[name]["median_ms"]
            for name in queries
            if "median_ms" in queries[name] and base.get(name, {}).get("median_ms", 0) > 0
        }
        out[backend] = {"per_query": per, "geomean": _geomean(list(per.values()))}
    return out


def _cell(timing: dict[str, Any]) -> str:
    if "median_ms" in timing:
        return f"{timing['median_ms']:.2f}"
    return str(timing.get("error", "-"))


def _row(label: str, cells: list[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def _label(backend: str, result: dict[str, Any]) -> str:
    return f"{backend} (earlier run)" if "earlier_run" in result else backend


def _merge(report: dict[str, Any], earlier: dict[str, Any]) -> None:
    """Keep from an earlier report what this run did not measure, marked with its command.

    Another backend (a server not started this time), another size, or the validation stay as
    they were measured; nothing this run measured is replaced. Their ratios stay those of the
    earlier run: ratios are only ever computed within one run.
    """
    by_meetings = {size["meetings"]: size for size in report["sizes"]}
    for old in earlier.get("sizes", []):
        new = by_meetings.get(old["meetings"])
        if new is None:
            report["sizes"].append(old)
            continue
        for backend, result in old["backends"].items():
            if backend in new["backends"] or "queries" not in result:
                continue
            kept = {"earlier_run": earlier["command"], "quads": old.get("quads"), **result}
            new["backends"][backend] = kept
            for baseline, ratios in old.get("ratios", {}).items():
                if backend in ratios:
                    new["ratios"].setdefault(baseline, {})[backend] = ratios[backend]
        if old.get("validation") and not new.get("validation"):
            new["validation"] = {"earlier_run": earlier["command"], **old["validation"]}
    report["sizes"].sort(key=lambda size: size["meetings"])


def _markdown(report: dict[str, Any]) -> str:
    lines = ["# Store benchmark", "", f"Command: `{report['command']}`", ""]
    for size in report["sizes"]:
        lines += [f"## {size['meetings']} meetings ({size['quads']} quads)", ""]
        measured = {b: r for b, r in size["backends"].items() if "queries" in r}
        lines.append("| | " + " | ".join(_label(b, r) for b, r in measured.items()) + " |")
        lines.append("| --- |" + " --- |" * len(measured))
        lines.append(
            _row("load (quads/s)", [f"{r['load_per_second']:,.0f}" for r in measured.values()])
        )
        lines.append(
            _row("peak memory (MiB)", [f"{r['peak_mib']:,.0f}" for r in measured.values()])
        )
        names = sorted(next(iter(measured.values()))["queries"]) if measured else []
        for name in names:
            cells = [_cell(r["queries"].get(name, {})) for r in measured.values()]
            lines.append(_row(f"`{name}` median ms", cells))
        for baseline, ratios in size["ratios"].items():
            for backend, ratio in ratios.items():
                if ratio["geomean"] is not None:
                    label = _label(backend, size["backends"].get(backend, {}))
                    lines.append(f"| geomean {label} / {baseline} | {ratio['geomean']:.2f}× |")
        for backend, result in size["backends"].items():
            if "error" in result:
                lines.append(f"\n{backend}: not measured ({result['error']})")
            if "earlier_run" in result:
                lines.append(
                    f"\n{backend} (earlier run): kept from `{result['earlier_run']}`, on that "
                    f"run's corpus ({result.get('quads')} quads); its ratios are within that run."
                )
        if size.get("validation"):
            v = size["validation"]
            earlier = f" (earlier run: `{v['earlier_run']}`)" if "earlier_run" in v else ""
            lines.append(
                f"\nSHACL validation: {v['seconds']:.1f} s, peak {v['peak_mib']:,.0f} MiB, "
                f"{v['violations']:.0f} violations{earlier}"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes in quads")
    parser.add_argument("--backends", default="raw-disk,raw-memory,oxigraph,memory,sparql")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query at most")
    parser.add_argument("--memory-max", type=int, default=1_000_000, help="largest size for rdflib")
    parser.add_argument(
        "--validate-max", type=int, default=1_000_000, help="largest size validated"
    )
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep what the results in --out hold and this run does not measure\n"
        "(other backends, sizes, validation), marked with the earlier command",
    )
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        kind, *rest = args.child
        if kind == "validate":
            print(json.dumps(_validation(Path(rest[0]))))
        else:
            print(json.dumps(_run_backend(kind, Path(rest[0]), int(rest[1]), float(rest[2]))))
        return 0
    report: dict[str, Any] = {
        "command": "python -m bench.stores " + " ".join(argv or sys.argv[1:]),
        "sizes": [],
    }
    for size in (int(s) for s in args.sizes.split(",")):
        meetings = max(1, size // QUADS_PER_MEETING)
        path = corpus(meetings)
        entry: dict[str, Any] = {"meetings": meetings, "backends": {}}
        for backend in args.backends.split(","):
            if backend == "memory" and size > args.memory_max:
                continue
            print(f"{meetings} meetings: {backend} ...", file=sys.stderr, flush=True)
            child_args = [backend, str(path), str(args.repeat), str(args.budget)]
            if backend == "sparql":
                entry["backends"][backend] = _with_virtuoso(child_args)
            else:
                entry["backends"][backend] = _child(child_args)
        first = next((r for r in entry["backends"].values() if "quads" in r), {})
        entry["quads"] = first.get("quads")
        entry["ratios"] = {
            "raw-disk": _ratios(entry["backends"], "raw-disk"),
            "memory": _ratios(entry["backends"], "memory"),
        }
        if size <= args.validate_max:
            print(f"{meetings} meetings: validation ...", file=sys.stderr, flush=True)
            entry["validation"] = _child(["validate", str(path)])
        report["sizes"].append(entry)
    out = Path(args.out)
    if args.merge and (out / "stores.json").exists():
        _merge(report, json.loads((out / "stores.json").read_text(encoding="utf-8")))
    out.mkdir(parents=True, exist_ok=True)
    (out / "stores.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (out / "stores.md").write_text(_markdown(report), encoding="utf-8")
    print(_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

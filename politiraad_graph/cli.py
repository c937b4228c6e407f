"""The ``politiraad`` command: one entry point, one sub-command per job."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from politiraad_graph.namespaces import GRAPH

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _cmd_anchor(args: argparse.Namespace) -> int:
    from politiraad_graph.anchor import AnchorError, anchor_file

    status = EXIT_OK
    for path in args.files:
        try:
            count = anchor_file(Path(path), Path(args.sources) if args.sources else None)
        except AnchorError as error:
            print(f"{path}: {error}", file=sys.stderr)
            status = EXIT_USAGE
        except Exception as error:  # a parse error names the line itself
            print(f"{path}: {error}", file=sys.stderr)
            status = EXIT_USAGE
        else:
            print(f"{path}: anchored {count} passage(s)")
    return status


def _config(args: argparse.Namespace) -> dict[str, Any]:
    from politiraad_graph.config import load_config

    return load_config(
        {
            "store": getattr(args, "store", None),
            "store_path": getattr(args, "store_path", None),
            "data_dir": getattr(args, "data_dir", None),
        }
    )


def _load_and_validate(args: argparse.Namespace, root: Path) -> tuple[Any, Any] | int:
    """Parse and validate; return (build result, report) or an exit code after printing why."""
    from rdflib import Dataset

    from politiraad_graph.build import InputError, file_of, load_sources
    from politiraad_graph.validate import validate

    try:
        result = load_sources(root)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    ontology = result.graphs.get(str(GRAPH.ontology))
    # Named graphs let the checks tell reference data from meeting data.
    data = Dataset()
    for name, graph in result.graphs.items():
        if name != str(GRAPH.ontology):
            data.graph(URIRef(name)).__iadd__(graph)
    report = validate(data, ontology=ontology, project_root=root, source_files=file_of(result))
    result.seconds["validate"] = time.perf_counter() - started
    return result, report


def _print_report(report: Any, fmt: str) -> None:
    print(report.to_json() if fmt == "json" else report.to_text())


def _cmd_validate(args: argparse.Namespace) -> int:
    root = Path(_config(args)["data_dir"])
    loaded = _load_and_validate(args, root)
    if isinstance(loaded, int):
        return loaded
    _, report = loaded
    _print_report(report, args.format)
    return EXIT_OK if report.conforms else EXIT_FINDINGS


def _cmd_build(args: argparse.Namespace) -> int:
    from politiraad_graph.build import summary
    from politiraad_graph.store import StoreError, open_store

    config = _config(args)
    root = Path(config["data_dir"])
    loaded = _load_and_validate(args, root)
    if isinstance(loaded, int):
        return loaded
    result, report = loaded
    if not report.conforms:
        _print_report(report, "text")
        print("build stopped: the data does not conform; the store is unchanged", file=sys.stderr)
        return EXIT_FINDINGS
    started = time.perf_counter()
    try:
        store = open_store(config)
        store.replace_all(result.graphs)
        store.close()
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    result.seconds["load"] = time.perf_counter() - started
    facts = summary(result.graphs)
    where = config["store_path"] if config["store"] == "oxigraph" else config["store"]
    print(f"built {facts['triples']} triples in {len(result.graphs)} graphs into {where}")
    for label, count in facts["things"].items():
        print(f"  {count:5d} {label}")
    timing = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
    print(f"  ({timing})")
    return EXIT_OK


def _parse_params(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--param wants NAME=VALUE, got {pair!r}")
        values[name] = value
    return values


def _cmd_query(args: argparse.Namespace) -> int:
    from politiraad_graph import queries, results
    from politiraad_graph.store import (
        AskResult,
        GraphResult,
        StoreError,
        open_store,
    )

    config = _config(args)
    try:
        values = _parse_params(args.param)
        if args.query == "-":
            text, bindings = sys.stdin.read(), {}
            if values:
                raise ValueError("--param needs a named query from the library, not stdin")
        elif Path(args.query).is_file():
            named = queries.parse_query_file(Path(args.query))
            text, bindings = named.text, named.bindings(values)
        else:
            named = queries.get(args.query)
            text, bindings = named.text, named.bindings(values)
    except KeyError:
        print(f"error: no file or named query {args.query!r}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = open_store(config, read_only=True)
        if config["store"] == "memory":
            from politiraad_graph.build import load_sources

            store.replace_all(load_sources(Path(config["data_dir"])).graphs)
        result = store.query(text, bindings=bindings)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (SyntaxError, ValueError, RuntimeError) as error:
        print(f"error: the query failed: {error}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(result, GraphResult):
        fmt = {"table": "turtle", "csv": "nt", "json": "json-ld"}[args.format]
        print(result.graph.serialize(format=fmt))
    elif isinstance(result, AskResult):
        print(results.ask_json(result) if args.format == "json" else str(result.value).lower())
    elif args.format == "json":
        print(results.select_json(result))
    elif args.format == "csv":
        sys.stdout.write(results.select_csv(result))
    else:
        print(results.table(result))
    return EXIT_OK


def _cmd_mentions(args: argparse.Namespace) -> int:
    from rdflib.compare import isomorphic

    from politiraad_graph.anchor import write_turtle_atomically
    from politiraad_graph.build import InputError, parse_file
    from politiraad_graph.mentions import (
        meeting_files,
        mention_graph,
        mentions_path,
        reference_graph,
    )

    root = Path(_config(args)["data_dir"])
    stale = 0
    try:
        reference = reference_graph(root)
        for path in meeting_files(root):
            found = mention_graph(parse_file(path), reference, root / "data" / "sources")
            target = mentions_path(path)
            if args.check:
                current = parse_file(target) if target.exists() else Graph()
                if not isomorphic(current, found):
                    print(f"{target}: out of date; run 'politiraad mentions'")
                    stale += 1
                continue
            write_turtle_atomically(found, target)
            print(f"{target}: {len(set(found.subjects(None, None)))} nodes")
    except (InputError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FINDINGS if stale else EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from webapp import create_app, search

    overrides = {
        k: v for k, v in vars(args).items() if k in {"host", "port", "store", "store_path"}
    }
    config = _config(args)
    config.update({k: v for k, v in overrides.items() if v is not None})
    app = create_app(config)
    # The page indexes take many seconds at a million triples: start them now, not on the
    # first visitor's request.
    search.build_in_background(app)
    print(f"serving on http://{config['host']}:{config['port']}/ (SPARQL at /sparql)", flush=True)
    serve(app, host=config["host"], port=int(config["port"]), threads=8, ident="politiraad")
    return EXIT_OK


def _cmd_synth(args: argparse.Namespace) -> int:
    from bench.synth import generate

    if args.meetings < 1:
        print("error: --meetings must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    counts = generate(args.meetings, args.seed, Path(args.out))
    seconds = time.perf_counter() - started
    print(
        f"wrote {counts['quads']} quads ({counts['meetings']} meetings, {counts['councils']} "
        f"councils) to {args.out}/corpus.nq.gz in {seconds:.1f} s"
    )
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from bench.__main__ import main as bench_main

    return bench_main([args.name, *args.rest])


def _add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", choices=["oxigraph", "memory", "sparql"], help="store backend")
    parser.add_argument("--store-path", help="folder of the embedded store (default var/store)")
    parser.add_argument("--data-dir", help="project folder with ontology/, shapes/, data/")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="politiraad",
        description="Build, check, query and serve the knowledge graph of Politirådet i Oslo.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    anchor = sub.add_parser(
        "anchor", help="turn quoted passages in curated Turtle into passages with offsets"
    )
    anchor.add_argument("files", nargs="+", help="Turtle files to anchor in place")
    anchor.add_argument("--sources", help="folder of source texts (default: ../sources)")
    anchor.set_defaults(handler=_cmd_anchor)

    build = sub.add_parser(
        "build", help="parse, validate and load the curated data into the store (all or nothing)"
    )
    _add_store_options(build)
    build.set_defaults(handler=_cmd_build)

    validate = sub.add_parser("validate", help="check the curated data against the SHACL shapes")
    validate.add_argument("--format", choices=["text", "json"], default="text")
    validate.add_argument("--data-dir", help="project folder with ontology/, shapes/, data/")
    validate.set_defaults(handler=_cmd_validate)

    mentions = sub.add_parser(
        "mentions", help="find where the minutes name known things; write <date>.mentions.ttl"
    )
    mentions.add_argument("--check", action="store_true", help="only check they are up to date")
    mentions.add_argument("--data-dir", help="project folder with ontology/, shapes/, data/")
    mentions.set_defaults(handler=_cmd_mentions)

    serve = sub.add_parser("serve", help="serve the browser and the SPARQL endpoint")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 5000)")
    _add_store_options(serve)
    serve.set_defaults(handler=_cmd_serve)

    synth = sub.add_parser("synth", help="write a deterministic synthetic corpus for benchmarks")
    synth.add_argument("--meetings", type=int, required=True, help="number of meetings")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    synth.add_argument("--out", default="var/synth", help="output folder (default var/synth)")
    synth.set_defaults(handler=_cmd_synth)

    from politiraad_graph.ingest.cli import register as register_ingest
    from politiraad_graph.publish.cli import register as register_publish

    register_ingest(sub)
    register_publish(sub)

    bench = sub.add_parser("bench", help="run a benchmark (stores, build, endpoint, pages, ...)")
    bench.add_argument("name", help="stores, build, endpoint, pages, publish, extraction_quality")
    bench.add_argument("rest", nargs=argparse.REMAINDER, help="the benchmark's own options")
    bench.set_defaults(handler=_cmd_bench)

    query = sub.add_parser("query", help="run a SPARQL query file, stdin (-) or a named query")
    query.add_argument("query", help="a .rq file, - for stdin, or a library name such as cq02")
    query.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter"
    )
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_store_options(query)
    query.set_defaults(handler=_cmd_query)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

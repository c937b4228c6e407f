"""Benchmark ``politiraad publish``: a whole release, timed step by step.

Two releases are made, each complete (dumps, CSV, DCAT-AP-NO and VoID, the SHACL report,
documentation, the static site with every entity page, checksums):

1. the bundled data (goal: under 10 s);
2. a synthetic corpus (``politiraad synth``, about 1,000 quads per meeting, so 1,000 meetings is
   about 1M triples), published with ``--from-nquads`` (goal: under 5 minutes).

Wall time and CPU time (this process and its children: the site renderers and the validation
process) are both reported, with the load average: on a shared machine wall time grows with the
load while CPU time does not.

    python -m bench.publish                  # bundled data and 1,000 synthetic meetings
    python -m bench.publish --meetings 100   # a smaller synthetic corpus
    python -m bench.publish --skip-synthetic
    python -m bench.publish --without-site-too   # the synthetic corpus also without the site

Writes ``bench/results/publish.json`` and ``bench/results/publish.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from politiraad_graph.config import PROJECT_ROOT
from politiraad_graph.publish import PublishOptions, Release, publish
from politiraad_graph.publish.progress import Progress
from politiraad_graph.publish.settings import load_publish_settings

RESULTS = PROJECT_ROOT / "bench" / "results"
GOAL_BUNDLED_S = 10.0
GOAL_SYNTHETIC_S = 300.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _files(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def run_release(label: str, options: PublishOptions, goal: float) -> dict[str, Any]:
    """Make one release and return its figures."""
    print(f"\n{label}", file=sys.stderr)
    load_before = os.getloadavg()[0]
    cpu_before = _cpu()
    started = time.perf_counter()
    release: Release = publish(options, Progress())
    wall = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    count, size = _files(release.path)
    return {
        "label": label,
        "version": release.version,
        "triples": release.triples,
        "quads": release.quads,
        "files": count,
        "bytes": size,
        "entity_pages": release.site.entity_pages if release.site else 0,
        "pages_not_rendered": len(release.site.failed) if release.site else 0,
        "conforms": release.conforms,
        "violations": release.violations,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "goal_s": goal,
        "met": wall < goal,
        "steps_s": {k: round(v, 2) for k, v in release.timings.items()},
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Publish benchmark",
        "",
        f"Run {report['when']} on {report['machine']} ({report['cpus']} CPUs, Python "
        f"{report['python']}). A complete release each time: dumps, CSV, DCAT-AP-NO and VoID, "
        "the SHACL report (validated in a process of its own), documentation, the static site "
        "with every entity page (rendered by the web app's templates in parallel processes), "
        "checksums. CPU time includes the child processes; the load average shows how busy the "
        "machine was.",
        "",
        "| release | triples | files | size MB | entity pages | wall s | CPU s | load | goal s "
        "| met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in report["runs"]:
        lines.append(
            f"| {run['label']} | {run['triples']:,} | {run['files']:,} | "
            f"{run['bytes'] / 1e6:.1f} | {run['entity_pages']:,} | {run['wall_s']:.1f} | "
            f"{run['cpu_s']:.1f} | {run['load_before']:.1f}–{run['load_after']:.1f} | "
            f"{run['goal_s']:.0f} | {'yes' if run['met'] else 'no'} |"
        )
    for run in report["runs"]:
        lines += ["", f"## {run['label']}: steps (wall s)", "", "| step | s |", "| --- | ---: |"]
        lines += [f"| {step} | {seconds:.1f} |" for step, seconds in run["steps_s"].items()]
    if report.get("synth_s") is not None:
        lines += [
            "",
            f"Generating the synthetic corpus took {report['synth_s']:.1f} s (not counted).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1000, help="synthetic meetings (1000)")
    parser.add_argument("--skip-synthetic", action="store_true", help="the bundled data only")
    parser.add_argument(
        "--without-site-too",
        action="store_true",
        help="also publish the synthetic corpus without the static site (--no-site)",
    )
    parser.add_argument("--workers", type=int, help="site rendering processes (default: by cores)")
    parser.add_argument("--out", help="keep the releases here (default: a temporary folder)")
    args = parser.parse_args(argv)

    settings = load_publish_settings(environ={}, config_file=Path("/nonexistent"))
    with tempfile.TemporaryDirectory(prefix="politiraad-publish-") as tmp:
        work = Path(args.out) if args.out else Path(tmp)
        runs = [
            run_release(
                "bundled data",
                PublishOptions(
                    out=work / "bundled",
                    project_root=PROJECT_ROOT,
                    settings=settings,
                    workers=args.workers,
                ),
                GOAL_BUNDLED_S,
            )
        ]
        synth_s = None
        if not args.skip_synthetic:
            from bench.synth import generate

            started = time.perf_counter()
            generate(args.meetings, 1, work / "synth")
            synth_s = time.perf_counter() - started
            runs.append(
                run_release(
                    f"synthetic, {args.meetings} meetings",
                    PublishOptions(
                        out=work / "synthetic",
                        project_root=PROJECT_ROOT,
                        from_nquads=work / "synth" / "corpus.nq.gz",
                        settings=settings,
                        workers=args.workers,
                    ),
                    GOAL_SYNTHETIC_S,
                )
            )
            if args.without_site_too:
                runs.append(
                    run_release(
                        f"synthetic, {args.meetings} meetings, no static site",
                        PublishOptions(
                            out=work / "synthetic-no-site",
                            project_root=PROJECT_ROOT,
                            from_nquads=work / "synth" / "corpus.nq.gz",
                            settings=settings,
                            site=False,
                        ),
                        GOAL_SYNTHETIC_S,
                    )
                )
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()} {platform.system()}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "synth_s": round(synth_s, 2) if synth_s is not None else None,
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "publish.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "publish.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

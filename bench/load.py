"""A bounded load run on loopback: several clients, mixed entity pages and SPARQL queries.

    python -m bench.load [--seconds 20] [--clients 8]

Starts the real server (waitress, the same as ``politiraad serve``) on a free port over a store
built from the bundled data, then for a fixed time each client requests, in turn, entity pages,
RDF documents and the library's competency queries through /sparql. Reports errors, p50 and
p99 latency and the server's resident memory at the start and the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from politiraad_graph.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
PAGES = [
    "/",
    "/page/meeting/2025-10-13",
    "/page/meeting/2023-01-13",
    "/page/person/rune-alstadsaeter",
    "/page/organisation/opd",
    "/page/topic/children-and-youth-in-crime",
    "/page/place/mortensrud",
    "/page/programme/salto",
    "/followups",
    "/search?q=Mortensrud",
    "/data/person/ida-melbo-oystese.ttl",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the query workers), in MiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def requests_to_make() -> list[str]:
    from politiraad_graph import queries

    paths = list(PAGES)
    for named in queries.library().values():
        if named.name.startswith("cq"):
            paths.append("/sparql?" + urllib.parse.urlencode({"query": named.text}))
    return paths


def client(port: int, paths: list[str], until: float, out: list[tuple[float, int]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    index = 0
    while time.monotonic() < until:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "*/*"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        out.append((time.perf_counter() - started, status))
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "store")
        exe = [sys.executable, "-m", "politiraad_graph.cli"]
        subprocess.run([*exe, "build", "--store-path", store], check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [*exe, "serve", "--port", str(port), "--store-path", store],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            paths = requests_to_make()
            warm: list[tuple[float, int]] = []
            client(port, paths, time.monotonic() + 3, warm)  # caches and indexes, not measured
            memory_start = rss_mib(server.pid)
            results: list[list[tuple[float, int]]] = [[] for _ in range(args.clients)]
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=client, args=(port, paths, until, results[i]))
                for i in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            memory_end = rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    samples = [s for per in results for s in per]
    times = sorted(t for t, _ in samples)
    errors = sum(1 for _, status in samples if status == 0 or status >= 500)
    report = {
        "command": "python -m bench.load " + " ".join(argv or sys.argv[1:]),
        "clients": args.clients,
        "seconds": args.seconds,
        "requests": len(samples),
        "requests_per_second": len(samples) / args.seconds,
        "errors": errors,
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": times[int(len(times) * 0.99) - 1] * 1000 if times else None,
        "server_rss_mib_start": memory_start,
        "server_rss_mib_end": memory_end,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    lines = ["# Load run (loopback)", "", "| measure | value |", "| --- | --- |"]
    lines += [
        f"| {k} | {v:.1f} |" if isinstance(v, float) else f"| {k} | {v} |"
        for k, v in report.items()
    ]
    (out / "load.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

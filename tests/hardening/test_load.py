"""A short load run on loopback: zero errors, stable memory (figures: bench/results/load.md)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.load import main


def test_mixed_load_has_no_errors_and_stable_memory(tmp_path: Path) -> None:
    assert main(["--seconds", "8", "--clients", "4", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert report["errors"] == 0
    assert report["requests"] > 20
    assert report["server_rss_mib_end"] < report["server_rss_mib_start"] * 1.5 + 20

"""The ``publish`` and ``diff`` sub-commands: options, output and exit codes."""

from __future__ import annotations

import argparse
import gzip
import os
from pathlib import Path

import pytest

from politiraad_graph.publish.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, register


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="politiraad")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


@pytest.fixture(autouse=True)
def no_publish_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own publish settings out of the tests."""
    for name in list(os.environ):
        if name.startswith("POLITIRAAD_PUBLISH"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("POLITIRAAD_PUBLISH_CONFIG", str(tmp_path / "none.toml"))


def test_register_adds_publish_and_diff(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("publish", "diff"):
        with pytest.raises(SystemExit) as stop:
            run([command, "--help"])
        assert stop.value.code == 0
    text = capsys.readouterr().out
    assert "--from-nquads" in text and "--version" in text and "--date" in text


def test_publish_writes_a_release_and_says_what_it_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "publish",
            "--out",
            str(tmp_path),
            "--version",
            "v1",
            "--no-site",
            "--licence",
            "cc-by-4.0",
        ]
    )
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert "release v1 in" in out and "exempt thing" in out
    assert "write the dumps" in err  # the progress display
    release = tmp_path / "release" / "v1"
    assert (release / "SHA256SUMS").is_file()
    catalogue = (release / "metadata" / "catalog.ttl").read_text(encoding="utf-8")
    assert "licence/CC_BY_4_0" in catalogue and "NLOD" not in catalogue


def test_publish_takes_settings_from_a_file_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "publish.toml"
    config.write_text(
        'publish_base_url = "https://data.example.org/politiraad/"\n'
        'publish_contact_email = "postmottak@example.org"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("POLITIRAAD_PUBLISH_PUBLISHER_NAME", "Eksempel kommune")
    code = run(
        ["publish", "--out", str(tmp_path / "out"), "--config", str(config), "--no-site", "--quiet"]
    )
    assert code == EXIT_OK
    (release,) = (tmp_path / "out" / "release").iterdir()
    catalogue = (release / "metadata" / "catalog.ttl").read_text(encoding="utf-8")
    assert "https://data.example.org/politiraad/release/" in catalogue
    assert "mailto:postmottak@example.org" in catalogue
    assert '"Eksempel kommune"@nb' in catalogue


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--date", "2026-13-01"], "--date"),
        (["--version", "../up"], "--version"),
        (["--from-nquads", "/nonexistent/corpus.nq.gz"], "no such file"),
        (["--base-url", "ftp://example.org/"], "publish_base_url"),
        (["--config", "/nonexistent/publish.toml"], "no such file"),
    ],
)
def test_publish_refuses_bad_input_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code = run(["publish", "--out", str(tmp_path), "--no-site", "--quiet", *extra])
    assert code == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "release").exists() or not any((tmp_path / "release").iterdir())


def test_publish_strict_refuses_data_with_violations(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = project_copy / "data" / "meetings" / "2023-01-13.ttl"
    meeting.write_text(
        meeting.read_text(encoding="utf-8")
        + "\n<meeting/2023-01-13> <https://w3id.org/politiraad/ontology#meetingType>"
        ' "not a concept" .\n',
        encoding="utf-8",
    )
    argv = ["publish", "--out", str(tmp_path), "--data-dir", str(project_copy), "--no-site"]
    assert run([*argv, "--strict", "--quiet"]) == EXIT_FINDINGS
    assert "violation" in capsys.readouterr().err
    assert not (tmp_path / "release").exists() or not any((tmp_path / "release").iterdir())
    # Without --strict the release is made, and says it does not conform.
    assert run([*argv, "--quiet"]) == EXIT_OK
    assert "violation(s)" in capsys.readouterr().out


def test_publish_from_nquads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.nq.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as handle:
        handle.write(
            "<https://w3id.org/politiraad/id/meeting/2020-01-01> "
            '<http://purl.org/dc/terms/title> "Møte"@nb '
            "<https://w3id.org/politiraad/graph/meeting/2020-01-01> .\n"
        )
    code = run(["publish", "--out", str(tmp_path / "out"), "--from-nquads", str(corpus), "--quiet"])
    assert code == EXIT_OK
    (release,) = (tmp_path / "out" / "release").iterdir()
    assert release.name == "0"  # no held meeting with a date: the version says so
    assert (release / "page" / "meeting" / "2020-01-01.ttl").is_file()


def test_diff_exit_codes_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run(["publish", "--out", str(out), "--version", "1", "--no-site", "--quiet"]) == 0
    release = out / "release" / "1"
    trig = release / "dumps" / "politiraad.trig"
    capsys.readouterr()
    assert run(["diff", str(release), str(trig)]) == EXIT_OK
    assert "0 entities differ" in capsys.readouterr().out

    changed = tmp_path / "changed.trig"
    text = trig.read_text(encoding="utf-8")
    assert '"Møte i Politirådet i Oslo 13.01.2023"@nb' in text
    changed.write_text(
        text.replace('"Møte i Politirådet i Oslo 13.01.2023"@nb', '"Nytt navn"@nb', 1),
        encoding="utf-8",
    )
    assert run(["diff", str(release), str(changed)]) == EXIT_FINDINGS
    shown = capsys.readouterr().out
    assert "https://w3id.org/politiraad/id/meeting/2023-01-13>" in shown
    assert '~ dcterms:title "Møte i Politirådet i Oslo 13.01.2023"@nb → "Nytt navn"@nb' in shown
    assert run(["diff", "--format", "markdown", str(release), str(changed)]) == EXIT_FINDINGS
    assert "Nytt navn" in capsys.readouterr().out

    assert run(["diff", str(release), str(tmp_path / "missing.nq")]) == EXIT_USAGE
    assert run(["diff", str(tmp_path), str(trig)]) == EXIT_USAGE
    assert "not a release folder" in capsys.readouterr().err

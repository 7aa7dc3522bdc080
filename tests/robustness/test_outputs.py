"""No command destroys what it is pointed at: the project, a device, a FIFO, a link.

Each scenario runs the real command line in a subprocess, as a user would, and checks the
file system afterwards: the project still opens with every span, a device is still a
device, a symlink is still a link.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotator.store import Store

TEXT = "The delegation demanded guarantees, Reuters reported."


def annotator(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path, scheme_text: str) -> Path:
    db = tmp_path / "p.db"
    source = tmp_path / "in.jsonl"
    spans = [
        {"start": 15, "end": 34, "label": "demand", "annotator": "alice"},
        {"start": 36, "end": 52, "label": "attribution", "annotator": "bob"},
    ]
    source.write_text(json.dumps({"text": TEXT, "spans": spans}) + "\n", encoding="utf-8")
    Store.create(db, scheme_text, "builtin:negotiation-v2").close()
    assert annotator("import", source, "--db", db).returncode == 0
    return db


def spans_in(db: Path) -> int:
    with Store.open(db) as store:
        return int(store.stats()["spans"])


def assert_refused(result: subprocess.CompletedProcess[str], db: Path) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "project" in result.stderr
    assert "Traceback" not in result.stderr
    assert spans_in(db) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "brat"])
def test_export_onto_the_project_is_refused(project: Path, fmt: str) -> None:
    assert_refused(annotator("export", fmt, "--db", project, "-o", project), project)


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_export_onto_a_journal_file_is_refused(project: Path, suffix: str) -> None:
    companion = project.with_name(project.name + suffix)
    assert_refused(annotator("export", "jsonl", "--db", project, "-o", companion), project)


def test_the_project_under_another_name_is_refused(project: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.jsonl"
    link.symlink_to(project)
    hard = tmp_path / "hard.jsonl"
    os.link(project, hard)
    (tmp_path / "sub").mkdir()
    for target in (link, hard, tmp_path / "sub" / ".." / "p.db"):
        assert_refused(annotator("export", "jsonl", "--db", project, "-o", target), project)
    relative = annotator("export", "jsonl", "--db", "p.db", "-o", "./sub/../p.db", cwd=tmp_path)
    assert_refused(relative, project)


def test_html_report_onto_the_project_is_refused(project: Path) -> None:
    assert_refused(annotator("agreement", "--db", project, "--html", project), project)


def test_dash_writes_to_stdout(project: Path, tmp_path: Path) -> None:
    to_file = annotator("export", "jsonl", "--db", project, "-o", tmp_path / "x.jsonl")
    assert to_file.returncode == 0, to_file.stderr
    to_stdout = annotator("export", "jsonl", "--db", project, "-o", "-")
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert to_stdout.stdout == (tmp_path / "x.jsonl").read_text(encoding="utf-8")
    assert not (tmp_path / "-").exists()


def test_a_fifo_is_written_into_not_replaced(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as pipe:
            received.append(pipe.read())

    reader = threading.Thread(target=read)
    reader.start()
    result = annotator("export", "jsonl", "--db", project, "-o", fifo)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0].decode("utf-8"))["text"] == TEXT


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_written_into_not_replaced(project: Path, tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for args in (["export", "jsonl"], ["export", "csv"], ["agreement"]):
        flag = "--html" if args == ["agreement"] else "-o"
        result = annotator(*args, "--db", project, flag, null)
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(null.lstat().st_mode)


def test_a_symlink_is_followed_and_stays(project: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    result = annotator("export", "jsonl", "--db", project, "-o", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["text"] == TEXT


def test_outputs_get_the_usual_mode(project: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        html = tmp_path / "report.html"
        assert annotator("agreement", "--db", project, "--html", html).returncode == 0
        jsonl = tmp_path / "x.jsonl"
        assert annotator("export", "jsonl", "--db", project, "-o", jsonl).returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(html.stat().st_mode) == 0o644
    assert stat.S_IMODE(jsonl.stat().st_mode) == 0o644


def test_a_folder_holding_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / ".annotator-export").write_text("brat\n", encoding="utf-8")
    assert_refused(annotator("export", "brat", "--db", project, "-o", tmp_path), project)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_backup_onto_the_project_or_its_journal_is_refused(project: Path, suffix: str) -> None:
    companion = project.with_name(project.name + suffix)
    with Store.open(project) as store:  # an open project, as with a TUI running
        store.add_span(store.document_ids()[0], "carol", 0, 3, "quote")
        result = annotator("backup", "--db", project, "--force", companion)
        assert result.returncode != 0, result.stdout + result.stderr
        assert "project" in result.stderr
        assert "Traceback" not in result.stderr
    assert spans_in(project) == 3


def test_a_sharded_spacy_export_can_be_run_again(project: Path, tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"text": "Germany and Turkey would guarantee it."}) + "\n")
    assert annotator("import", more, "--db", project).returncode == 0
    target = tmp_path / "shards"
    for _ in range(2):
        args = ("export", "spacy", "--db", project, "--layer", "alice", "--shard-docs", "1")
        result = annotator(*args, "-o", target)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in target.iterdir() if p.suffix == ".spacy") == [
        "00000.spacy",
        "00001.spacy",
    ]

"""Faults get a message, never a traceback, and lose nothing.

Real faults on real files: a full disk (a small tmpfs as root; SQLite's own
`max_page_count` everywhere), a read-only medium (a read-only bind mount as root,
`chattr +i`), a damaged page (bytes overwritten in a copy of a project file), and the
reserved `gold` name. The CLI must exit 1 with one plain `error:` message; the library
raises StoreError and never a bare `sqlite3.Error`; the project keeps what it held.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from annotator.cli import app
from annotator.errors import StoreError
from annotator.models import Status
from annotator.store import NewDocument, Store

runner = CliRunner()
TEXTS = [
    "Germany and Turkey could guarantee the deal, Lavrov said on Monday.",
    "Kyiv must abandon ambitions of joining the alliance, Moscow insisted.",
]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def cli(*args: str) -> Result:
    return runner.invoke(app, list(args))


def assert_message(result: Result, *needles: str) -> None:
    """Exit 1, an `error:` line naming the fault, no traceback and no exception repr."""
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def make_project(path: Path, scheme_text: str) -> Path:
    with Store.create(path, scheme_text, "builtin:negotiation-v2") as store:
        store.import_documents([NewDocument(text=text) for text in TEXTS])
        doc = store.document_ids()[0]
        store.add_span(doc, "alice", 0, 7, "guarantor")
        store.add_span(doc, "bob", 0, 7, "guarantor")
    return path


# --------------------------------------------------------------------- reserved names


def test_assign_refuses_the_gold_layer_by_name(db_path: Path, scheme_text: str) -> None:
    make_project(db_path, scheme_text)
    result = cli("assign", "--annotators", "gold,bob", "--db", str(db_path))
    assert_message(result, "'gold' is reserved", "adjudicated layer")
    with Store.open(db_path) as store:
        assert store.assignment_counts() == {}  # bob was not assigned half of it either


def test_the_store_refuses_gold_as_a_person(store: Store) -> None:
    store.import_documents([NewDocument(text=TEXTS[0])])
    doc = store.document_ids()[0]
    with pytest.raises(StoreError, match="reserved"):
        store.assign(doc, "gold")
    with pytest.raises(StoreError, match="reserved"):
        store.set_status(doc, "gold", Status.DONE)
    assert store.assignment_counts() == {}


# ------------------------------------------------------------------------- full disk


def test_a_full_file_refuses_the_write_and_keeps_working(db_path: Path, scheme_text: str) -> None:
    """SQLITE_FULL for real: the connection may not grow the file past its pages."""
    make_project(db_path, scheme_text)
    with Store.open(db_path) as store:
        doc = store.document_ids()[1]
        before = [s.model_dump() for s in store.spans(doc)]
        pages = store._db.pragma("page_count")  # the file as it is: not one page more
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="the disk is full") as caught:
            store.import_documents([NewDocument(text="x" * 50_000)])
        assert "Traceback" not in str(caught.value)
        assert [s.model_dump() for s in store.spans(doc)] == before
        assert store.document_count() == 2
        store._db.execute(f"PRAGMA max_page_count = {pages * 100}")  # space freed
        assert store.import_documents([NewDocument(text="x" * 50_000)]).documents == 1
    with Store.open(db_path) as store:
        assert store.document_count() == 3
        assert store.check() == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs: a disk that really fills up (root only)."""
    if not IS_ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_import_on_a_full_disk_says_so_and_keeps_the_project(
    small_disk: Path, tmp_path: Path, scheme_text: str
) -> None:
    db = make_project(small_disk / "project.db", scheme_text)
    big = tmp_path / "big.txt"
    big.write_text("A long report on guarantees. " * 20_000, encoding="utf-8")
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as handle:  # take what is left of the disk
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    result = cli("import", str(big), "--db", str(db))
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    assert "full" in result.stderr.lower(), result.stderr
    filler.unlink()  # space freed: the project is as it was, and takes the import
    with Store.open(db) as store:
        assert store.document_count() == 2
        assert store.check() == []
    assert cli("import", str(big), "--db", str(db)).exit_code == 0


# ------------------------------------------------------------------- read-only media


READING = [
    ["stats"],
    ["stats", "--json"],
    ["export", "jsonl", "-o", "-"],
    ["agreement"],
    ["check"],
    ["schema", "show"],
]


def backup_copy(source: Path, target: Path) -> Path:
    """A project as `annotator backup` leaves it: one file, out of WAL mode."""
    with Store.open(source) as store:
        store.backup(target)
    return target


def assert_reads_but_refuses_writes(db: Path, corpus_file: Path) -> None:
    for command in READING:
        result = cli(*command, "--db", str(db))
        assert result.exit_code == 0, (command, result.stdout, result.stderr, result.exception)
    assert "Germany and Turkey" in cli("export", "jsonl", "-o", "-", "--db", str(db)).stdout
    result = cli("import", str(corpus_file), "--db", str(db))
    assert_message(result, "read-only")


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(a writable folder, the same folder mounted read-only): a read-only medium."""
    if not IS_ROOT:
        pytest.skip("a read-only bind mount needs root (and root ignores file modes)")
    source, mount = tmp_path / "source", tmp_path / "readonly"
    source.mkdir()
    mount.mkdir()
    steps = [
        ["mount", "--bind", str(source), str(mount)],
        ["mount", "-o", "remount,bind,ro", str(mount)],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True)
        if done.returncode != 0:
            subprocess.run(["umount", str(mount)], check=False, capture_output=True)
            pytest.skip(f"cannot make a read-only mount here: {done.stderr.decode().strip()}")
    try:
        yield source, mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("kind", ["project", "backup"])
def test_a_project_on_a_read_only_medium_opens_for_reading(
    read_only_mount: tuple[Path, Path], tmp_path: Path, scheme_text: str, kind: str
) -> None:
    source, mount = read_only_mount
    project = make_project(tmp_path / "project.db", scheme_text)
    if kind == "project":
        shutil.copy(project, source / "project.db")
    else:  # not in WAL mode: opening it must not try to switch it
        backup_copy(project, source / "project.db")
    corpus_file = tmp_path / "more.txt"
    corpus_file.write_text("A new text.", encoding="utf-8")
    assert_reads_but_refuses_writes(mount / "project.db", corpus_file)
    with Store.open(mount / "project.db") as store:
        assert store.read_only
        assert store.document_count() == 2
        with pytest.raises(StoreError, match="read-only"):
            store.add_span(store.document_ids()[0], "alice", 8, 14, "guarantor")


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths to mark `chattr +i` (root only); the marks are removed afterwards."""
    if not IS_ROOT or shutil.which("chattr") is None:
        pytest.skip("chattr +i needs root and e2fsprogs")
    marked: list[Path] = []
    yield marked
    for path in reversed(marked):
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_project_opens_for_reading(
    immutable: list[Path], tmp_path: Path, scheme_text: str
) -> None:
    folder = tmp_path / "frozen"
    folder.mkdir()
    db = backup_copy(make_project(tmp_path / "project.db", scheme_text), folder / "project.db")
    for path in (db, folder):
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"this file system has no immutable flag: {done.stderr.decode()}")
        immutable.append(path)
    corpus_file = tmp_path / "more.txt"
    corpus_file.write_text("A new text.", encoding="utf-8")
    assert_reads_but_refuses_writes(db, corpus_file)


# ------------------------------------------------------------------------ damaged file


def damage(project: Path, target: Path) -> Path:
    """A copy of `project` with the page of the documents' id index overwritten."""
    shutil.copy(project, target)
    conn = sqlite3.connect(target)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (page,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_documents_1'"
    ).fetchone()
    conn.close()
    with target.open("r+b") as handle:  # the cells sit at the end of the page
        handle.seek(page * page_size - page_size // 4)
        handle.write(b"\x17" * (page_size // 4))
    return target


def test_a_damaged_page_is_found_and_refused_by_backup_and_merge(
    tmp_path: Path, scheme_text: str
) -> None:
    project = make_project(tmp_path / "project.db", scheme_text)
    damaged = damage(project, tmp_path / "damaged.db")
    result = cli("check", "--db", str(damaged))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "malformed" in result.stderr
    assert_message(cli("backup", str(tmp_path / "copy.db"), "--db", str(damaged)), "damaged")
    assert not (tmp_path / "copy.db").exists()
    other = make_project(tmp_path / "other.db", scheme_text)
    before = cli("export", "jsonl", "-o", "-", "--db", str(other)).stdout
    assert_message(cli("merge", str(damaged), "--db", str(other)), "damaged", "nothing was merged")
    assert cli("export", "jsonl", "-o", "-", "--db", str(other)).stdout == before
    assert cli("check", "--db", str(project)).exit_code == 0


def test_reading_a_damaged_table_is_a_message(tmp_path: Path, scheme_text: str) -> None:
    """A read that meets a damaged page raises StoreError, in the CLI an `error:` line."""
    project = make_project(tmp_path / "project.db", scheme_text)
    target = tmp_path / "damaged.db"
    shutil.copy(project, target)
    conn = sqlite3.connect(target)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'spans' AND rootpage > 0"
    ).fetchall()
    conn.close()
    with target.open("r+b") as handle:
        for (page,) in pages:  # the table and its index: every read of spans fails
            handle.seek((page - 1) * page_size)
            handle.write(b"\x17" * 64)
    assert_message(cli("stats", "--db", str(target)), "damaged")
    with Store.open(target) as store, pytest.raises(StoreError, match="damaged"):
        list(store.iter_documents_with_spans())

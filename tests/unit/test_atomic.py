"""Atomic writes: a failure mid-write leaves the old file and no temp file behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.atomic import atomic_writer, exchange


def test_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "export.jsonl"
    with atomic_writer(target) as out:
        out.write("old\n")

    def half_write() -> None:
        with atomic_writer(target) as out:
            out.write("new, half written")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        half_write()
    assert target.read_text("utf-8") == "old\n"
    assert [p.name for p in target.parent.iterdir()] == ["export.jsonl"]


def test_writes_lf_utf8(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    with atomic_writer(target) as out:
        out.write("a\nb — 東\n")
    assert target.read_bytes() == "a\nb — 東\n".encode()


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.txt").write_text("old")
    (new / "b.txt").write_text("new")
    if not exchange(new, old):
        pytest.skip("this system has no atomic exchange (the two-rename fallback is used)")
    assert [p.name for p in old.iterdir()] == ["b.txt"]
    assert [p.name for p in new.iterdir()] == ["a.txt"]


def test_temp_files_of_dead_writers_are_swept(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(gone.stdout)
    stale_file = tmp_path / f".export.jsonl.{dead_pid}.abc.tmp"
    stale_file.write_text("half an export")
    stale_folder = tmp_path / f".export.jsonl.{dead_pid}.def.tmp"
    (stale_folder / "new").mkdir(parents=True)
    mine = tmp_path / f".export.jsonl.{os.getpid()}.ghi.tmp"  # a live writer's: kept
    mine.write_text("in progress")
    other = tmp_path / f".other.jsonl.{dead_pid}.abc.tmp"  # another target's: kept
    other.write_text("not ours")
    with atomic_writer(target) as out:
        out.write("complete\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["export.jsonl", mine.name, other.name]
    )

"""Atomic writes: a failure mid-write leaves the old file and no temp file behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.atomic import atomic_writer


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

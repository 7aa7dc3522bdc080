"""Killing an import or an export midway leaves no partial result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotator.store import Store

IMPORT_CHILD = Path(__file__).with_name("import_child.py")


def _write_jsonl(path: Path, first: int, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(first, first + count):
            text = f"Report {n}: the delegation demanded guarantees. " * 4
            spans = [{"start": 0, "end": 6, "label": "quote", "annotator": "alice"}]
            out.write(json.dumps({"text": text, "spans": spans}) + "\n")


def _counts(db: Path) -> tuple[int, int]:
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        figures = store.stats()
        return figures["documents"], figures["spans"]


def test_killed_import_keeps_whole_files_only(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "p.db"
    Store.create(db, scheme_text, "builtin:negotiation-v2").close()
    small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
    _write_jsonl(small, 0, 300)
    _write_jsonl(big, 300, 40_000)
    child = subprocess.Popen(
        [sys.executable, str(IMPORT_CHILD), str(db), str(small), str(big)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    half = big.stat().st_size // 2
    reading_big = False
    for line in child.stdout:
        if line.startswith("done big"):
            raise AssertionError("the import finished before it could be killed")
        reading_big = reading_big or line.startswith("done small")
        if reading_big and line.startswith("progress") and int(line.split()[1]) > half:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    # The first file is wholly in, the one being read when killed wholly out.
    assert _counts(db) == (300, 300)
    # Running the import again completes it (the first file is skipped as already there).
    again = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(small), str(big), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert _counts(db) == (40_300, 40_300)


def _export(db: Path, target: Path, fmt: str = "jsonl") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", "export", fmt, "--db", str(db), "-o", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_while_staging(process: subprocess.Popen, folder: Path, target: Path) -> None:
    """SIGKILL the export as soon as its temp output has data in it."""
    prefix = f".{target.name}."
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for entry in folder.glob(prefix + "*"):
            files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
            if sum(f.stat().st_size for f in files if f.exists()) > 0:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
                return
        if process.poll() is not None:
            raise AssertionError("the export finished before it could be killed")
        time.sleep(0.0005)
    raise AssertionError("the export never started writing")


def test_killed_export_leaves_the_old_file_or_the_new_one(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "p.db"
    Store.create(db, scheme_text, "builtin:negotiation-v2").close()
    first = tmp_path / "first.jsonl"
    _write_jsonl(first, 0, 100)
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(first), "--db", str(db)], check=True
    )
    out = tmp_path / "exports" / "all.jsonl"
    subprocess.run(
        [sys.executable, "-m", "annotator", "export", "jsonl", "--db", str(db), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    old = out.read_bytes()
    more = tmp_path / "more.jsonl"
    _write_jsonl(more, 100, 20_000)
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(more), "--db", str(db)], check=True
    )

    _kill_while_staging(_export(db, out), out.parent, out)
    assert out.read_bytes() == old

    # The next export completes, and clears what the killed one left behind.
    finished = _export(db, out)
    assert finished.wait(timeout=120) == 0
    assert [p.name for p in out.parent.iterdir()] == ["all.jsonl"]
    new = out.read_bytes()
    assert new.startswith(old) and new.count(b"\n") == 20_100


def test_killed_folder_export_leaves_the_old_folder(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "p.db"
    Store.create(db, scheme_text, "builtin:negotiation-v2").close()
    first = tmp_path / "first.jsonl"
    _write_jsonl(first, 0, 20)
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(first), "--db", str(db)], check=True
    )
    out = tmp_path / "exports" / "brat"
    exporting = _export(db, out, "brat")
    assert exporting.wait(timeout=60) == 0
    old = sorted(p.name for p in out.iterdir())
    more = tmp_path / "more.jsonl"
    _write_jsonl(more, 20, 3_000)
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(more), "--db", str(db)], check=True
    )
    _kill_while_staging(_export(db, out, "brat"), out.parent, out)
    assert sorted(p.name for p in out.iterdir()) == old
    assert _export(db, out, "brat").wait(timeout=120) == 0
    assert len(list(out.glob("*.ann"))) == 3_020
    assert [p.name for p in out.parent.iterdir()] == ["brat"]

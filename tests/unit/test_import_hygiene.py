"""Core never imports Textual: the CLI's help and headless commands stay light and fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("textual", "pydantic", "sqlite_utils")

PROBE = """
import sys
from annotator.cli import app
try:
    app(["--help"] if len(sys.argv) < 2 else sys.argv[1:])
except SystemExit:
    pass
print("LOADED", *sorted({m.split(".")[0] for m in sys.modules}))
"""


def loaded_after(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED"))
    return set(line.split()[1:])


def test_help_imports_nothing_heavy() -> None:
    assert not set(HEAVY) & loaded_after("--help")


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    modules = loaded_after("init", "--db", db)
    assert "pydantic" in modules  # it did real work...
    assert "textual" not in modules  # ...without the TUI
    assert "textual" not in loaded_after("stats", "--db", db)
    assert "textual" not in loaded_after("export", "jsonl", "--db", db, "-o", str(tmp_path / "x"))


def test_library_modules_import_headless() -> None:
    code = (
        "import sys, annotator.store, annotator.ingest.jsonl, annotator.exporters.jsonl, "
        "annotator.scheme, annotator.tokenize, annotator.offsets, annotator.cli\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

"""Modules stay small enough to read in one sitting: under 400 lines, or a reason written.

A module longer than `LIMIT` lines passes only if its docstring has a line starting with
`Size:` that says why it is better whole (for a reader, not for the writer). Every `.py`
file under `annotator/` is checked, so a new module is covered the day it is added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
LIMIT = 400

# Being split right now; remove an entry when its split lands (an xpass is a reminder).
BEING_SPLIT = {}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def size_reason(path: Path) -> str | None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for line in docstring.splitlines():
        if line.strip().startswith("Size:"):
            return line.strip().removeprefix("Size:").strip() or None
    return None


def params() -> list[object]:
    made: list[object] = []
    for path in modules():
        name = path.relative_to(PACKAGE).as_posix()
        marks = []
        if name in BEING_SPLIT:
            marks.append(pytest.mark.xfail(reason=f"being split: {BEING_SPLIT[name]}"))
        made.append(pytest.param(path, id=name, marks=marks))
    return made


@pytest.mark.parametrize("path", params())
def test_module_is_short_or_says_why(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT or size_reason(path), (
        f"{path.name}: {lines} lines; split it, or give the reason in a `Size:` docstring line"
    )


def test_the_walk_finds_the_package() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in modules()}
    assert {"__init__.py", "models.py", "cli/__init__.py"} <= names

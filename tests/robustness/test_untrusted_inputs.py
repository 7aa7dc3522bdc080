"""Inputs other tools write, taken as they come: zero-length units, absurdly deep schemes.

Each test here was written against a defect and failed before its fix: agreement refused
the zero-length units other tools export, and a deeply nested scheme file crashed with a
RecursionError instead of an error naming the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.agreement import (
    unitizing_alpha,
    unitizing_alpha_by_category,
    unitizing_alpha_grouped,
)
from annotator.errors import SchemeError
from annotator.scheme import load_scheme, parse_scheme

UNITS = [(0, "X", 0, 5), (0, "Y", 6, 2), (1, "X", 1, 5), (1, "Y", 6, 3)]


def test_zero_length_units_carry_no_mass() -> None:
    """As in DKPro Statistics: a unit of length 0 changes nothing, whatever its place."""
    empty = [(0, "X", 3, 0), (1, "X", 10, 0), (1, "Z", 0, 0), (0, "Y", 7, 0)]
    plain = unitizing_alpha(UNITS, begin=0, length=10, raters=2)
    assert unitizing_alpha(UNITS + empty, begin=0, length=10, raters=2) == plain
    assert unitizing_alpha(UNITS + empty, begin=0, length=10, raters=2, category="X") == (
        unitizing_alpha(UNITS, begin=0, length=10, raters=2, category="X")
    )
    overall, by_category = unitizing_alpha_by_category(UNITS + empty, begin=0, length=10, raters=2)
    assert (overall, by_category) == unitizing_alpha_by_category(
        UNITS, begin=0, length=10, raters=2
    )
    grouped = {"X": [[(0, 5)], [(1, 5)]], "Y": [[(6, 2)], [(6, 3)]]}
    with_empty = {"X": [[(0, 5), (5, 0)], [(1, 5)]], "Y": [[(6, 0), (6, 2)], [(6, 3), (10, 0)]]}
    assert unitizing_alpha_grouped(with_empty, begin=0, length=10, raters=2) == (
        unitizing_alpha_grouped(grouped, begin=0, length=10, raters=2)
    )


def test_negative_and_misplaced_units_are_still_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        unitizing_alpha([(0, "X", 3, -1)], begin=0, length=10, raters=2)
    with pytest.raises(ValueError, match="outside the continuum"):
        unitizing_alpha([(0, "X", 11, 0)], begin=0, length=10, raters=2)
    with pytest.raises(ValueError, match="negative"):
        unitizing_alpha_grouped({"X": [[(3, -1)], []]}, begin=0, length=10, raters=2)


@pytest.mark.parametrize("nesting", ["array", "table"])
def test_a_deeply_nested_scheme_is_a_one_line_error_naming_the_file(
    tmp_path: Path, nesting: str
) -> None:
    depth = 100_000
    if nesting == "array":
        text = "name = " + "[" * depth + "]" * depth + "\n"
    else:
        text = "x = " + "{a = " * depth + "1" + "}" * depth + "\n"
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "nested too deeply" in message
    assert "\n" not in message
    with pytest.raises(SchemeError, match=r"^project: .*nested too deeply"):
        parse_scheme(text, "project")

"""Explicit offset conversions between code points and the units other tools count in.

Inside annotator every offset is a Python code-point index. Some formats count otherwise:
UTF-16 code units (doccano, JavaScript tools, old Label Studio). Every conversion, for
importers and exporters alike, is a named function here, so that no call site converts
implicitly and both directions agree on what a unit is.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Any

OFFSET_UNITS = ("codepoint", "utf16")
"""The units a file may count offsets in: `codepoint` (Python, ours) or `utf16`."""


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=4)
def _astral(text: str) -> list[int]:
    """Code-point positions of the characters outside the BMP (two UTF-16 units each).

    Found once per text (a regex scan in C) and kept for the last few texts: importers
    and exporters convert every span of a document in turn, and without it each
    conversion walked the text again (quadratic on a long document with many spans).
    """
    return [match.start() for match in _ASTRAL.finditer(text)]


def utf16_length(text: str) -> int:
    """Length of `text` in UTF-16 code units (astral characters count two)."""
    return len(text) + len(_astral(text))


def codepoint_to_utf16(text: str, offset: int) -> int:
    """UTF-16 code units before code point `offset` (astral characters count two)."""
    return offset + bisect.bisect_left(_astral(text), offset)


def _unit_starts(text: str) -> list[int]:
    """Where each astral character starts, in UTF-16 units (see `_astral`)."""
    return [position + k for k, position in enumerate(_astral(text))]


_unit_starts_cached = lru_cache(maxsize=4)(_unit_starts)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Code point index of UTF-16 unit `offset`; ValueError inside a surrogate pair."""
    starts = _unit_starts_cached(text)
    length = len(text) + len(starts)
    if offset > length:
        raise ValueError(f"UTF-16 offset {offset} is past the end ({length})")
    before = bisect.bisect_left(starts, offset)  # astral characters wholly or half before
    if before and starts[before - 1] + 1 == offset:
        at = starts[before - 1] - (before - 1)
        raise ValueError(f"UTF-16 offset {offset} splits the character at {at}")
    return offset - before


def from_codepoints(text: str, offset: int, unit: str) -> int:
    """A code-point offset in the unit a format counts in (for exporters)."""
    return codepoint_to_utf16(text, offset) if unit == "utf16" else offset


def to_codepoints(text: str, start: Any, end: Any, unit: str, what: str) -> tuple[int, int]:
    """A span's offsets in the file's unit to code points (for importers).

    The values come straight from a parsed file, hence `Any`: they are checked to be
    integers inside the text before anything is converted.

    Args:
        text: the document's text.
        start: the span's start as the file gives it.
        end: the span's end as the file gives it.
        unit: one of `OFFSET_UNITS`.
        what: names the span in errors (e.g. `label[0]`).

    Returns:
        `(start, end)` in code points.

    Raises:
        ValueError: the offsets are not integers, out of range, or split a character;
            the message starts with `what`.
    """
    if type(start) is not int or type(end) is not int:
        raise ValueError(f"{what}: start and end must be integers, got {start!r}, {end!r}")
    if unit == "utf16" and utf16_length(text) != len(text):
        length = utf16_length(text)
        if not 0 <= start < end <= length:
            raise ValueError(
                f"{what}: offsets {start}-{end} out of range for a text of {length} UTF-16 units"
            )
        try:
            return utf16_to_codepoint(text, start), utf16_to_codepoint(text, end)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    if not 0 <= start < end <= len(text):
        raise ValueError(
            f"{what}: offsets {start}-{end} out of range for a text of {len(text)} characters"
        )
    return start, end

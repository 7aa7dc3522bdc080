"""Explicit offset conversions between code points and the units other tools count in.

Inside annotator every offset is a Python code-point index. Some formats count otherwise:
UTF-16 code units (doccano, JavaScript tools, old Label Studio). Every conversion, for
importers and exporters alike, is a named function here, so that no call site converts
implicitly and both directions agree on what a unit is.
"""

from __future__ import annotations

from typing import Any

OFFSET_UNITS = ("codepoint", "utf16")
"""The units a file may count offsets in: `codepoint` (Python, ours) or `utf16`."""


def utf16_length(text: str) -> int:
    """Length of `text` in UTF-16 code units (astral characters count two)."""
    return len(text.encode("utf-16-le")) // 2


def codepoint_to_utf16(text: str, offset: int) -> int:
    """UTF-16 code units before code point `offset` (astral characters count two)."""
    return offset + sum(1 for char in text[:offset] if ord(char) > 0xFFFF)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Code point index of UTF-16 unit `offset`; ValueError inside a surrogate pair."""
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > offset:
            raise ValueError(f"UTF-16 offset {offset} splits the character at {index}")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} is past the end ({units})")


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

"""Explicit offset conversions between code points and the units other tools count in.

Inside annotator every offset is a Python code-point index. Formats and displays count
otherwise: UTF-16 code units (doccano, JavaScript tools), UTF-8 bytes (brat's some tools,
byte-oriented readers), terminal cells (wide CJK and emoji take two). Each conversion is
a named function here so that no call site converts implicitly.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def utf16_length(text: str) -> int:
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


def codepoint_to_utf8(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-8"))


def utf8_to_codepoint(text: str, offset: int) -> int:
    """Code point index of UTF-8 byte `offset`; ValueError inside a multi-byte character."""
    data = text.encode("utf-8")
    if offset < 0 or offset > len(data):
        raise ValueError(f"UTF-8 offset {offset} is outside 0..{len(data)}")
    try:
        return len(data[:offset].decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"UTF-8 offset {offset} splits a character") from exc


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """Terminal cells one code point takes when shown literally.

    Wide and fullwidth characters take two; combining marks and zero-width characters
    none. Control characters are never sent to the terminal raw (the display replaces
    them with a visible one-cell symbol), so they count one.
    """
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 1
    if unicodedata.combining(char) or code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return 0
    if 0xFE00 <= code <= 0xFE0F:
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


def cell_width(text: str) -> int:
    return sum(char_cells(char) for char in text)

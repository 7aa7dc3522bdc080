"""Make document text safe to print on a terminal: shown literally, never interpreted.

Document text may carry ANSI/OSC escape sequences, other control characters and bidi
overrides. Printed raw, they would recolour, retitle or reorder the terminal. Here each
such character becomes a visible stand-in of the same length in code points (one
character for one), so offsets computed on the text still line up with what is shown.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

REPLACEMENT = "\ufffd"
ZWJ = "\u200d"
"""Kept: it joins emoji into one picture (👩‍👩‍👧) and acts on nothing else."""
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
"""The direction overrides and marks (all in category Cf): what reorders a line."""
_HIDDEN = frozenset({"Cf", "Cs", "Zl", "Zp"})
"""Format characters (bidi, zero-width, soft hyphen), lone surrogates, line separators."""


@lru_cache(maxsize=8192)
def stand_in(char: str) -> str | None:
    """The one table of stand-ins: what to show instead of `char`, None to show it as is.

    C0 controls become their control pictures (␀ .. ␟: ␉ tab, ␊ LF, ␍ CR, ␛ ESC), DEL is
    ␡, and C1 controls and the invisible or line-changing characters of `_HIDDEN` are
    "�". The CLI's `printable`, JSON output and the workbench's text layout all use it,
    so a character looks the same wherever it is shown.
    """
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if 0x80 <= code < 0xA0:
        return REPLACEMENT
    if char != ZWJ and unicodedata.category(char) in _HIDDEN:
        return REPLACEMENT
    return None


def visible_char(char: str) -> str:
    """`char`, or its stand-in when it could act on a terminal."""
    shown = stand_in(char)
    return char if shown is None else shown


def _json_escape(code: int) -> str:
    """`\\uXXXX`, as a UTF-16 surrogate pair beyond the BMP (JSON has no longer escape)."""
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


class _Table(dict[int, int | str]):
    """`str.translate` table filled from `stand_in` as code points are met.

    Lone surrogates and format characters are spread over the whole code space, so the
    table is built lazily rather than listed up front.
    """

    def __init__(self, keep: str = "", escape: bool = False) -> None:
        super().__init__()
        self.keep = keep
        self.escape = escape

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        shown = stand_in(char)
        if shown is None or char in self.keep or (self.escape and code < 0x20):
            value: int | str = code
        else:
            value = _json_escape(code) if self.escape else shown
        self[code] = value
        return value


_TABLES = {keep: _Table(keep) for keep in ("", "\n", "\t", "\n\t")}


def printable(text: str, *, keep_newlines: bool = False, keep_tabs: bool = False) -> str:
    """Replace every character that could act on a terminal by its visible stand-in."""
    if text.isascii() and text.isprintable():
        return text
    keep = ("\n" if keep_newlines else "") + ("\t" if keep_tabs else "")
    return text.translate(_TABLES[keep])


_JSON_ESCAPES = _Table(escape=True)
"""C0 controls are left out: JSON escapes them in strings, so raw ones are its layout."""


def json_printable(json_text: str) -> str:
    """JSON text with every active character as a `\\uXXXX` escape: the same data, inert.

    `json.dumps(..., ensure_ascii=False)` escapes C0 controls but writes DEL, C1 controls
    and bidi overrides raw. Those occur only inside strings, where an escape means the
    same character, so the output parses to the same value. The text must come from
    `json.dumps`: a raw C0 control in it is layout (indentation), and is kept.
    """
    return json_text.translate(_JSON_ESCAPES)

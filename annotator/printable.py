"""Make document text safe to print on a terminal: shown literally, never interpreted.

Document text may carry ANSI/OSC escape sequences, other control characters and bidi
overrides. Printed raw, they would recolour, retitle or reorder the terminal. Here each
such character becomes a visible stand-in of the same length in code points (one
character for one), so offsets computed on the text still line up with what is shown.
"""

from __future__ import annotations

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def visible_char(char: str) -> str:
    """The stand-in for one character: control pictures for C0, '·' style marks otherwise."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟ (␉ for tab, ␊ for LF, ␍ for CR, ␛ for ESC)
    if code == 0x7F:
        return "␡"
    if 0x80 <= code < 0xA0 or char in BIDI_CONTROLS:
        return "�"
    return char


_ACTIVE = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + sorted(BIDI_CONTROLS)
_TABLE = {ord(char): visible_char(char) for char in _ACTIVE}


def printable(text: str, *, keep_newlines: bool = False, keep_tabs: bool = False) -> str:
    """Replace every character that could act on a terminal by its visible stand-in."""
    table = _TABLE
    if keep_newlines or keep_tabs:
        table = dict(_TABLE)
        if keep_newlines:
            del table[ord("\n")]
        if keep_tabs:
            del table[ord("\t")]
    return text.translate(table)


_JSON_ESCAPES = {ord(char): f"\\u{ord(char):04x}" for char in _ACTIVE if ord(char) >= 0x20}
"""C0 controls are left out: JSON escapes them in strings, so raw ones are its layout."""


def json_printable(json_text: str) -> str:
    """JSON text with every active character as a `\\uXXXX` escape: the same data, inert.

    `json.dumps(..., ensure_ascii=False)` escapes C0 controls but writes DEL, C1 controls
    and bidi overrides raw. Those occur only inside strings, where an escape means the
    same character, so the output parses to the same value. The text must come from
    `json.dumps`: a raw C0 control in it is layout (indentation), and is kept.
    """
    return json_text.translate(_JSON_ESCAPES)

"""Text objects: the quotation, sentence or clause around a place, found in the text itself.

A span usually is one of these (a quote with its marks, the clause a demand takes), so one
key that selects it replaces a walk to each boundary. Each function takes the current
extent (a selection, or the token under the cursor) and returns the smallest object of its
kind that contains it and is larger, so pressing the key again grows the selection to the
next enclosing quotation, or the next clause. Pure functions over offsets (code points).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

Range = tuple[int, int]

OPENING = {"“": "”", "«": "»", "‘": "’", "„": "“", "‹": "›"}
STRAIGHT = '"'
SENTENCE_END = re.compile(r"""[.!?…]+["”’»)\]]*(?=\s|$)""")
CLAUSE_MARK = re.compile(r"\s*[,;:—–]\s*|\s+-\s+")
# A full stop after these is not the end of a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen col lt sgt rep sen gov pres jr sr vs etc no inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e".split()
)


def paragraph(text: str, offset: int) -> Range:
    """The paragraph around `offset`: text between blank lines (or single line breaks)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def quotations(text: str, start: int, end: int) -> Iterator[Range]:
    """Every quotation in `text[start:end]` as `(opening mark, closing mark + 1)`.

    Curly marks pair by kind and nesting; straight double quotes pair in turn; a closing
    single mark that is an apostrophe (a letter follows it) closes nothing.
    """
    open_marks: list[tuple[str, int]] = []
    straight: int | None = None
    for offset in range(start, end):
        char = text[offset]
        if char == STRAIGHT:
            if straight is None:
                straight = offset
            else:
                yield straight, offset + 1
                straight = None
            continue
        closes = [i for i, (mark, _) in enumerate(open_marks) if OPENING[mark] == char]
        if closes:
            if char == "’" and offset + 1 < end and text[offset + 1].isalpha():
                continue  # don’t: an apostrophe
            index = closes[-1]
            yield open_marks[index][1], offset + 1
            del open_marks[index:]
        elif char in OPENING:
            if char == "‘" and offset > start and text[offset - 1].isalpha():
                continue
            open_marks.append((char, offset))


def quotation(text: str, extent: Range, *, marks: bool = True) -> Range | None:
    """The smallest quotation larger than `extent` that contains it (marks kept or not)."""
    first, last = paragraph(text, extent[0])
    best: Range | None = None
    for opening, closing in quotations(text, first, last):
        found = (opening, closing) if marks else _inside(text, opening, closing)
        if found[0] > extent[0] or found[1] < extent[1] or found == extent:
            continue
        if found[1] - found[0] <= 0:
            continue
        if best is None or found[1] - found[0] < best[1] - best[0]:
            best = found
    return best


def _inside(text: str, opening: int, closing: int) -> Range:
    start, end = opening + 1, closing - 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_ends(text: str, start: int, end: int) -> list[int]:
    """Offsets just past each sentence end in `text[start:end]` (the paragraph end too)."""
    found: list[int] = []
    for match in SENTENCE_END.finditer(text, start, end):
        if match.group().startswith(".") and _abbreviation(text, match.start(), start):
            continue
        found.append(match.end())
    if not found or found[-1] < end:
        found.append(end)
    return found


def _abbreviation(text: str, dot: int, floor: int) -> bool:
    word_start = dot
    while word_start > floor and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lower().lstrip("(“\"'‘«")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence(text: str, extent: Range) -> Range | None:
    """The sentence holding `extent`; if that is the extent, it and the next one."""
    first, last = paragraph(text, extent[0])
    bounds = [first, *sentence_ends(text, first, last)]
    pieces = [_strip(text, a, b) for a, b in itertools.pairwise(bounds)]
    return _grow(pieces, extent)


def clause(text: str, extent: Range) -> Range | None:
    """The clause holding `extent` (up to , ; : — or the sentence's end); again: one more.

    Within a sentence, without the marks and the spaces around them: the extent a demand
    or an opinion usually takes ("cede the eastern Donbas region").
    """
    first, last = _sentence_of(text, extent[0])
    pieces: list[Range] = []
    cursor = first
    for match in CLAUSE_MARK.finditer(text, first, last):
        pieces.append(_strip(text, cursor, match.start()))
        cursor = match.end()
    pieces.append(_strip(text, cursor, _before_end_mark(text, cursor, last)))
    return _grow([piece for piece in pieces if piece[1] > piece[0]], extent)


def _sentence_of(text: str, offset: int) -> Range:
    first, last = paragraph(text, offset)
    bounds = [first, *sentence_ends(text, first, last)]
    for a, b in itertools.pairwise(bounds):
        if a <= offset < b:
            return a, b
    return first, last


def _before_end_mark(text: str, start: int, end: int) -> int:
    """`end` without the sentence's final marks (a clause stops before its full stop)."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".!?…"):
        end -= 1
    return end


def _strip(text: str, start: int, end: int) -> Range:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _grow(pieces: list[Range], extent: Range) -> Range | None:
    """The fewest consecutive pieces that hold `extent` and are more than it.

    When the pieces holding it are exactly the extent, the next piece joins them: the
    same key again grows the selection by one sentence or clause.
    """
    first = next((i for i, piece in enumerate(pieces) if piece[1] > extent[0]), None)
    if first is None:
        return None
    last = next((i for i in range(first, len(pieces)) if pieces[i][1] >= extent[1]), None)
    if last is None:
        return None
    found = (pieces[first][0], pieces[last][1])
    if found[0] >= extent[0] and found[1] <= extent[1]:
        if last + 1 == len(pieces):
            return None
        found = (min(found[0], extent[0]), pieces[last + 1][1])
    return found


def around(text: str, extent: Range, kind: str, count: int = 1) -> Range | None:
    """The text object `kind` (`quote`, `inner`, `sentence`, `clause`) grown `count` times
    from `extent`; None when there is none larger."""
    found: Range | None = extent
    for _ in range(count):
        if found is None:
            return None
        if kind in ("quote", "inner"):
            found = quotation(text, found, marks=kind == "quote")
        elif kind == "sentence":
            found = sentence(text, found)
        else:
            found = clause(text, found)
    return None if found == extent else found


def find_char(text: str, offset: int, char: str, count: int = 1) -> int | None:
    """The offset of the `count`-th `char` after `offset` (None: there are not so many)."""
    found = offset
    for _ in range(count):
        found = text.find(char, found + 1)
        if found < 0:
            return None
    return found

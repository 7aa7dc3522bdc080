"""Word-wrapped layout of a document: code-point offsets <-> visual rows and terminal cells.

The document view draws only the rows on screen, so the layout must answer "which row holds
offset o", "which cell of that row", and "which offset sits under cell x" without building
any text objects. Rows are kept as two integer lists; the cell map of a row is computed on
demand.

What is drawn is the stored text, literally. A few code points cannot be sent to a terminal
as they are, so they are *shown* as a visible stand-in of the same meaning, never removed,
from the one table the CLI uses too (`annotator.printable.stand_in`): C0 controls as their
Unicode control pictures (ESC is "␛", so an ANSI escape shows as "␛[31m"), C1 controls,
format characters (bidi overrides, zero-width spaces, soft hyphens), lone surrogates and
line/paragraph separators as "�"; a combining mark with nothing to sit on goes over a
dotted circle. Tabs advance to the next tab stop. The line break of a paragraph
("\\n", or "\\r\\n": the "\\r" belongs to the break) ends its row and is not drawn.

Cell widths are measured per grapheme cluster with the same function Textual uses to lay
out what we hand it (`rich.cells.cell_len`), so the cells we compute are the cells drawn:
emoji with a variation selector or zero-width joiners and wide CJK characters included.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import OrderedDict
from functools import lru_cache

from rich.cells import cell_len

from annotator.last_made import LastMade
from annotator.printable import ZWJ, stand_in

TAB_SIZE = 8
MIN_WIDTH = 8
ROW_MAP_CACHE = 2048
DOTTED_CIRCLE = "\u25cc"

# Code points that are one cell wide, printable and never join a neighbour: text made only
# of these wraps and maps with plain arithmetic. Everything else takes the careful path.
_COMPLEX = re.compile(
    "[^\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u20a0-\u20c0]"
)

ROW_TEXT = 0
ROW_SPACER = 1


@lru_cache(maxsize=8192)
def _joins_previous(char: str) -> bool:
    """True for code points drawn on the cell of the character before them."""
    if char == ZWJ:
        return True
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0xE0020 <= code <= 0xE007F:
        return True  # variation selectors, emoji tag characters
    if 0x1F3FB <= code <= 0x1F3FF:
        return True  # skin tone modifiers
    return unicodedata.category(char) in ("Mn", "Me", "Mc")


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def display_text(text: str) -> str:
    """`text` on one line with every code point visible: for status lines, lists, titles."""
    if not _COMPLEX.search(text):
        return text
    out = []
    for char in text:
        if char == "\n":
            out.append("\u23ce")
        elif char == "\t":
            out.append(" ")
        else:
            shown = stand_in(char)
            out.append(char if shown is None else shown)
    return "".join(out)


class Cluster:
    """One drawn unit: code points `[start, end)`, the text drawn for them and its width."""

    __slots__ = ("end", "start", "text", "width")

    def __init__(self, start: int, end: int, text: str, width: int) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.width = width


def clusters(text: str, start: int, end: int) -> list[Cluster]:
    """Split `text[start:end]` into drawn clusters; a tab gets width -1 (depends on x)."""
    out: list[Cluster] = []
    index = start
    while index < end:
        char = text[index]
        stop = index + 1
        if char == "\t":
            out.append(Cluster(index, stop, "\t", -1))
            index = stop
            continue
        shown = stand_in(char)
        if shown is not None:
            out.append(Cluster(index, stop, shown, 1))
            index = stop
            continue
        # Gather what joins this character: marks, selectors, ZWJ and its partner, and the
        # second regional indicator of a flag.
        if _is_regional(char) and stop < end and _is_regional(text[stop]):
            stop += 1
        while stop < end:
            follower = text[stop]
            if follower == ZWJ:
                stop += 2 if stop + 1 < end and stand_in(text[stop + 1]) is None else 1
            elif _joins_previous(follower) and stand_in(follower) is None:
                stop += 1
            else:
                break
        stop = min(stop, end)
        drawn = text[index:stop]
        width = cell_len(drawn)
        if width == 0:
            drawn = DOTTED_CIRCLE + drawn  # a mark with no base: show it on a dotted circle
            width = cell_len(drawn)
        out.append(Cluster(index, stop, drawn, width))
        index = stop
    return out


class RowMap:
    """Cells of one row with non-trivial characters: cluster starts, x positions, texts."""

    __slots__ = ("offsets", "texts", "width", "xs")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.offsets: list[int] = []
        self.xs: list[int] = []
        self.texts: list[str] = []
        x = 0
        for cluster in clusters(text, start, end):
            width = cluster.width
            drawn = cluster.text
            if width < 0:
                width = TAB_SIZE - x % TAB_SIZE
                drawn = " " * width
            self.offsets.append(cluster.start)
            self.xs.append(x)
            self.texts.append(drawn)
            x += width
        self.offsets.append(end)
        self.xs.append(x)
        self.width = x

    def x_of(self, offset: int) -> int:
        index = bisect.bisect_right(self.offsets, offset) - 1
        return self.xs[max(index, 0)]

    def offset_at(self, x: int) -> int:
        index = bisect.bisect_right(self.xs, x) - 1
        index = min(max(index, 0), len(self.offsets) - 1)
        return self.offsets[index]

    def drawn(self, start: int, end: int) -> str:
        first = bisect.bisect_right(self.offsets, start) - 1
        last = bisect.bisect_left(self.offsets, end)
        return "".join(self.texts[max(first, 0) : last])


class TextLayout:
    """The rows of one text at one width.

    Row `r` draws code points `[starts[r], ends[r])`. A space where a row breaks stays on
    that row (it hangs past the edge and is not drawn); a paragraph's line break belongs to
    its last row. A *spacer* row (empty, after a paragraph that wraps) separates paragraphs
    on screen and holds no text: the next paragraph's first row starts at the same offset,
    and lookups by offset always find that text row.

    Args:
        text: The document text.
        width: Cells available for text (at least `MIN_WIDTH`).
        spacing: Put a spacer row after each paragraph that wraps onto several rows.
    """

    def __init__(self, text: str, width: int, *, spacing: bool = True) -> None:
        self.text = text
        self.width = max(width, MIN_WIDTH)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.kinds = bytearray()
        self.complex_rows: set[int] = set()
        self._row_maps: OrderedDict[int, RowMap] = OrderedDict()
        self._wrap(spacing)

    @classmethod
    def of(cls, text: str, width: int) -> TextLayout:
        """The rows of `text` at `width`, shared with the layout made last for the same
        (`last_made`: the glance, then the workbench, lay a document out; 7 ms a MB)."""
        return _LAST_MADE.get((text, max(width, MIN_WIDTH)), lambda: cls(text, width))

    # ------------------------------------------------------------------ wrapping

    def _wrap(self, spacing: bool) -> None:
        text, width = self.text, self.width
        length = len(text)
        position = 0
        while True:
            newline = text.find("\n", position)
            stop = length if newline < 0 else newline
            content_end = (
                stop - 1 if newline >= 0 and stop > position and text[stop - 1] == "\r" else stop
            )
            first_row = len(self.starts)
            if _COMPLEX.search(text, position, content_end):
                self._wrap_complex(position, content_end)
            else:
                self._wrap_simple(position, content_end, width)
            if newline < 0:
                break
            position = newline + 1
            # A spacer after a wrapped paragraph, unless a blank line already follows.
            if (
                spacing
                and len(self.starts) - first_row > 1
                and position < length
                and text[position] not in "\r\n"
            ):
                self._add(position, position, ROW_SPACER)

    def _add(self, start: int, end: int, kind: int = ROW_TEXT) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.kinds.append(kind)

    def _wrap_simple(self, position: int, end: int, width: int) -> None:
        text = self.text
        while end - position > width:
            space = text.rfind(" ", position + 1, position + width + 1)
            if space < 0:
                self._add(position, position + width)
                position += width
            else:
                self._add(position, space + 1)
                position = space + 1
        self._add(position, end)

    def _wrap_complex(self, position: int, end: int) -> None:
        width = self.width
        parts = clusters(self.text, position, end)
        count = len(parts)
        index = 0
        if not parts:
            self._add(position, end)
            return
        while index < count:
            row_first = index
            x = 0
            brk: int | None = None  # cluster index at which the row may break
            while index < count:
                part = parts[index]
                cells = TAB_SIZE - x % TAB_SIZE if part.width < 0 else part.width
                is_space = part.text == " " or part.width < 0
                if x + cells > width and index > row_first and not is_space:
                    if brk is not None and brk > row_first:
                        index = brk
                    break
                x += cells
                index += 1
                if is_space or cells == 2:
                    brk = index  # after a space or a wide character
                if index < count and parts[index].width == 2:
                    brk = index  # before a wide character
            row_start = parts[row_first].start
            row_end = parts[index - 1].end if index < count else end
            self._add(row_start, row_end)
            self.complex_rows.add(len(self.starts) - 1)

    # ------------------------------------------------------------------- lookups

    @property
    def row_count(self) -> int:
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The text row that holds `offset` (the end of the text belongs to the last row)."""
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def is_spacer(self, row: int) -> bool:
        return self.kinds[row] == ROW_SPACER

    def row_range(self, row: int) -> tuple[int, int]:
        return self.starts[row], self.ends[row]

    def row_limit(self, row: int) -> int:
        """End of the offsets `row` owns: its text, plus the line break after a paragraph."""
        if row + 1 < len(self.starts):
            return max(self.starts[row + 1], self.ends[row])
        return len(self.text) + 1

    def row_map(self, row: int) -> RowMap | None:
        """The cell map of a row with wide, joined or substituted characters; None if plain."""
        if row not in self.complex_rows:
            return None
        found = self._row_maps.get(row)
        if found is None:
            found = RowMap(self.text, self.starts[row], self.ends[row])
            self._row_maps[row] = found
            if len(self._row_maps) > ROW_MAP_CACHE:
                self._row_maps.popitem(last=False)
        else:
            self._row_maps.move_to_end(row)
        return found

    def x_of(self, offset: int, row: int | None = None) -> int:
        """Cell of `offset` within its row (a hanging space or line break: after the text)."""
        if row is None:
            row = self.row_of(offset)
        start, end = self.starts[row], self.ends[row]
        offset = min(max(offset, start), end)
        row_map = self.row_map(row)
        if row_map is None:
            return offset - start
        return row_map.x_of(offset)

    def row_cells(self, row: int) -> int:
        row_map = self.row_map(row)
        return self.ends[row] - self.starts[row] if row_map is None else row_map.width

    def offset_at(self, row: int, x: int) -> int:
        """The offset drawn at cell `x` of `row` (past the text: the row's end)."""
        start, end = self.starts[row], self.ends[row]
        if x <= 0:
            return start
        row_map = self.row_map(row)
        if row_map is None:
            return min(start + x, end)
        return row_map.offset_at(x)

    def drawn(self, row: int, start: int, end: int) -> str:
        """What is drawn for the code points `[start, end)` of `row`."""
        row_map = self.row_map(row)
        if row_map is None:
            return self.text[start:end]
        return row_map.drawn(start, end)


_LAST_MADE: LastMade[tuple[str, int], TextLayout] = LastMade()

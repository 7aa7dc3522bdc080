"""Jump tags drawn over a painted row of the document.

Tags come and go with one key, so they are laid over the cached strip of a row rather
than painted into it: the row's cache stays valid, and only rows on screen pay.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from annotator.tui.text_layout import TextLayout
from annotator.tui.widgets.row_painter import GUTTER


def draw_hints(
    strip: Strip,
    row: int,
    layout: TextLayout,
    hints: dict[int, str],
    style: Style,
) -> Strip:
    """`strip` with the tag of each word starting on the row over its first cells."""
    start, end = layout.row_range(row)
    width = strip.cell_length
    for offset in sorted(offset for offset in hints if start <= offset < end):
        x = GUTTER + layout.x_of(offset, row)
        if x >= width:
            continue
        tag = hints[offset][: width - x]
        strip = Strip.join(
            [strip.crop(0, x), Strip([Segment(tag, style)]), strip.crop(x + len(tag), width)]
        )
    return strip

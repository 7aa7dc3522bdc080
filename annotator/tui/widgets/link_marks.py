"""Which spans the document view marks as linked: the focused span's relations' other ends.

Relations are shown without arcs: when a span is focused, the spans its relations link
it to are drawn in the view's `document-view--linked` style (a text style, so that it
reads in every colour system and under NO_COLOR), and while a link is being made its
head is marked the same way wherever the cursor goes. The screen hands the links down
(`set_links`, view ids); the view calls `update` after every move, which redraws the rows
of marks that came or went and nothing else, and `draw` lays the marks over a row's
cached strip, as the jump tags are (`hint_overlay`): the strip cache never depends on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.strip import Strip

from annotator.tui.widgets.overlay import overlay_style
from annotator.tui.widgets.row_painter import GUTTER, Range

if TYPE_CHECKING:
    from annotator.tui.widgets.document_canvas import DocumentCanvas

LINKED = "document-view--linked"


class LinkMarks:
    """The linked spans' ranges for one view, kept up to date with its focus."""

    def __init__(self, view: DocumentCanvas) -> None:
        self.view = view
        self.links: Mapping[int, tuple[int, ...]] = {}
        self.source: int | None = None
        """the head of a link being made (marked until the link is made or cancelled)"""
        self.ranges: tuple[Range, ...] = ()
        self._for: tuple[object, ...] | None = None

    def set_links(self, links: Mapping[int, tuple[int, ...]], source: int | None = None) -> None:
        """New links (span -> linked spans), and the head of a link in progress, if any."""
        self.links, self.source = links, source
        self._for = None
        self.update()

    def update(self) -> None:
        """After a move: the marks of the span now focused (nothing to do if the same)."""
        view = self.view
        focused = view.focused_id
        wanted = (focused, self.source, view.index)
        if wanted == self._for:
            return
        self._for = wanted
        ids = list(self.links.get(focused, ())) if focused is not None else []
        if self.source is not None:
            ids.append(self.source)
        ranges = set()
        for span_id in ids:
            span = view.index.by_id.get(span_id)
            if span is not None and span_id != focused:
                ranges.add((span.start, span.end))
        new = tuple(sorted(ranges))
        if new == self.ranges:
            return
        old, self.ranges = self.ranges, new
        for found in {*old, *new}:
            view._refresh_ranges(found, None)

    def draw(self, strip: Strip, row: int) -> Strip:
        """`strip`, the drawn row `row`, with the marks on it laid over its cells."""
        layout = self.view.text_layout
        if not self.ranges or layout is None or row >= layout.row_count:
            return strip
        start, limit = layout.starts[row], layout.row_limit(row)
        cuts = [
            (GUTTER + layout.x_of(max(first, start), row), GUTTER + layout.x_of(last, row))
            for first, last in self.ranges
            if first < limit and last > start and not layout.is_spacer(row)
        ]
        if not cuts:
            return strip
        style = overlay_style(self.view, LINKED)
        width = strip.cell_length
        for left, right in cuts:
            right = min(right, width)
            if right <= left:
                continue
            marked = Segment.apply_style(strip.crop(left, right), post_style=style)
            strip = Strip.join([strip.crop(0, left), Strip(marked), strip.crop(right, width)])
        return strip

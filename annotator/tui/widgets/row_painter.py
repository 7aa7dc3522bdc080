"""Painting one row of the document: text pieces, span colours, overlays, the gutter.

How spans look: a character takes the colour of the innermost span covering it (tinted,
in a colour the terminal can tell from the other labels': `label_tints`); where spans nest
or overlap the text is underlined; the focused span (under the cursor, or chosen with Tab
or the mouse) is drawn in its full colour and bold. The gutter, left of each row, prints
the key of every label on the row in reading order (outer spans first), in the label's
colour: that way labels stay apart where colours do not (NO_COLOR, a 16-colour terminal,
a colour-blind reader), and a span hidden under an inner one is still named. Label colours
are data from the scheme, which is why they are the only colours computed here; every
other style comes from the view's component classes in `app.tcss`.

Suggestions (`ghosts`: proposals not yet in the layer) are drawn apart from spans in every
colour system: no background, the text in its label's colour and in the view's ghost
style (italic), and a `?` in a free place of the gutter. Under NO_COLOR the italics and
the `?` remain, while spans keep their keys and greys.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from annotator.tui.label_tints import UNKNOWN, LabelTints
from annotator.tui.span_index import SpanIndex
from annotator.tui.widgets.overlay import overlay_style

if TYPE_CHECKING:
    from annotator.tui.widgets.document_canvas import DocumentCanvas

GUTTER = 3
MORE = "+"
"""In the gutter: more labels on the row than it has room for."""
GHOST = "?"
"""In the gutter: a suggestion on the row (where the span keys leave room)."""

Range = tuple[int, int]
# What overlays a row: selection, cursor token, focused span and its label, search matches.
RowKey = tuple[Range | None, Range | None, Range | None, str | None, tuple[Range | None, ...]]


class RowPainter:
    """Builds the strip of a row from the view's layout, spans and styles (cached)."""

    def __init__(self, view: DocumentCanvas) -> None:
        self.view = view
        self.styles: dict[object, Style] = {}
        self._tints: LabelTints | None = None
        self.ghosts = SpanIndex()
        """Suggestions to draw as ghosts (the view clears its strip cache when they change)."""

    def clear(self) -> None:
        """Forget the styles (the theme, the widget's style or the labels changed)."""
        self.styles.clear()
        self._tints = None

    @property
    def tints(self) -> LabelTints:
        """Span backgrounds for this view's background, in the terminal's colours."""
        if self._tints is None:
            self._tints = LabelTints(
                self.view.label_colors,
                self.view.background_colors[1],
                self.view.app.console.color_system,
            )
        return self._tints

    @property
    def base(self) -> Style:
        """The view's own style (computing `rich_style` walks the DOM: keep it)."""
        style = self.styles.get("base")
        if style is None:
            style = self.styles["base"] = self.view.rich_style
        return style

    def paint(self, row: int, key: RowKey, width: int) -> Strip:
        """The strip of `row`, with the overlays `key` describes."""
        layout = self.view.text_layout
        assert layout is not None
        base = self.base
        start, end = layout.row_range(row)
        if layout.is_spacer(row):
            return Strip([Segment(" " * GUTTER, base)]).adjust_cell_length(width, base)
        selection, caret, focus, focus_label, matches = key
        cuts: set[int] = set()
        for found in (selection, caret, focus, *matches):
            if found is not None:
                cuts.update(found)
        ghosts = self.ghosts
        ghostly: dict[str, None] = {}  # the labels of the suggestions on this row
        if ghosts.spans:
            for ghost_start, ghost_end, covering in ghosts.runs(start, end):
                if covering:
                    cuts.update((ghost_start, ghost_end))
                    ghostly.update(dict.fromkeys(span.label for span in covering))
        drawn_any = False
        segments: list[Segment] = []
        labels: dict[str, None] = {}  # the labels on this row, in order, outer spans first
        for run_start, run_end, covering in self.view.index.runs(start, end):
            for span in reversed(covering):
                labels[span.label] = None
            inner = covering[0].label if covering else None
            nested = len(covering) > 1
            points = [run_start, *sorted(c for c in cuts if run_start < c < run_end), run_end]
            for piece_start, piece_end in pairwise(points):
                drawn = layout.drawn(row, piece_start, piece_end)
                if not drawn:
                    continue
                drawn_any = True
                ghost = ghosts.at(piece_start) if ghostly else ()
                style = self._style(
                    inner,
                    nested,
                    focus_label if _inside(piece_start, focus) else None,
                    _inside(piece_start, selection),
                    _inside(piece_start, caret),
                    any(_inside(piece_start, found) for found in matches),
                    ghost[0].label if ghost else None,
                )
                segments.append(Segment(drawn, style))
        if caret is not None and (caret[0] >= end or not drawn_any):
            # The cursor is on something not drawn (a line break): show it after the text.
            segments.append(Segment(" ", self._style(None, False, None, False, True, False)))
        gutter = self._gutter(list(labels), next(iter(ghostly), None))
        return Strip([*gutter, *segments]).adjust_cell_length(width, base)

    def _gutter(self, labels: list[str], ghost: str | None = None) -> list[Segment]:
        """The keys of the row's labels; the last place says `+` when more do not fit.

        A place the keys leave free shows `?` when a suggestion (of label `ghost`) is on
        the row.
        """
        base = self.base
        room = GUTTER - 1
        marks: list[Segment] = []
        for label in labels[: room - 1] if len(labels) > room else labels:
            key = self.view.label_keys.get(label) or label[:1] or "?"
            marks.append(Segment(key, self._mark_style(label)))
        if len(labels) > room:
            marks.append(Segment(MORE, base))
        if ghost is not None and len(marks) < room:
            marks.append(Segment(GHOST, self._ghost_style(ghost)))
        marks.append(Segment(" " * (GUTTER - len(marks)), base))
        return marks

    def _label_color(self, label: str) -> Color:
        return Color.parse(self.view.label_colors.get(label, UNKNOWN))

    def _mark_style(self, label: str) -> Style:
        key = ("mark", label)
        style = self.styles.get(key)
        if style is None:
            color = self._label_color(label).rich_color
            style = self.styles[key] = self.base + Style(color=color, bold=True)
        return style

    def _ghost_style(self, label: str) -> Style:
        """A suggestion's text (and `?`): its label's colour, in the ghost style."""
        key = ("ghost", label)
        style = self.styles.get(key)
        if style is None:
            color = self._label_color(label).rich_color
            ghostly = overlay_style(self.view, "document-view--ghost")
            style = self.styles[key] = self.base + Style(color=color) + ghostly
        return style

    def _style(
        self,
        label: str | None,
        nested: bool,
        focus_label: str | None,
        selected: bool,
        caret: bool,
        match: bool,
        ghost: str | None = None,
    ) -> Style:
        key = (label, nested, focus_label, selected, caret, match, ghost)
        style = self.styles.get(key)
        if style is not None:
            return style
        style = self.base
        if ghost is not None:
            # On a span the span's colours stay (its tint chose a readable text colour).
            ghostly = self._ghost_style(ghost)
            style = ghostly if label is None else style + ghostly.without_color
        if label is not None:
            tint = self.tints.get(label)
            style += Style(
                bgcolor=tint.background.rich_color,
                color=tint.text.rich_color if tint.text is not None else None,
            )
        if nested:
            style += Style(underline=True)
        if focus_label is not None:
            color = self._label_color(focus_label)
            style += Style(
                bgcolor=color.rich_color, color=color.get_contrast_text(1.0).rich_color, bold=True
            )
        if match:
            style += overlay_style(self.view, "document-view--match")
        if selected:
            style += overlay_style(self.view, "document-view--selection")
        if caret:
            style += overlay_style(self.view, "document-view--cursor")
        self.styles[key] = style
        return style


def _inside(position: int, found: Range | None) -> bool:
    return found is not None and found[0] <= position < found[1]

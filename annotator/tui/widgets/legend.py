"""Label legends (the side panel's, with counts; a one-line one for narrow terminals) and
the focused label's guidelines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from textual import events
from textual.color import Color
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from annotator.models import Label
from annotator.tui.text_layout import display_text

NAME_WIDTH = 13


def swatch(label: Label) -> Style:
    """The label's colour, from the scheme (data, not styling)."""
    return Style(foreground=Color.parse(label.color))


class LabelLegend(Widget):
    """One line per label: number and shortcut keys, colour, name, count in this document.

    The line of the active label (the focused span's) is marked. Lines are drawn one by
    one and only the lines that change are redrawn. A click on a label applies it.
    """

    class LabelChosen(Message):
        def __init__(self, label: str) -> None:
            super().__init__()
            self.label = label

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: Sequence[Label] = ()
        self.counts: dict[str, int] = {}
        self.active: str | None = None
        self._strips: dict[tuple[int, bool, int, int], Strip] = {}

    def show(self, labels: Sequence[Label], counts: Mapping[str, int], active: str | None) -> None:
        if labels != self.labels:
            self.labels = labels
            self.refresh(layout=True)
        if counts != self.counts:
            self.counts = dict(counts)
            self.refresh()
        if active != self.active:
            for row, label in enumerate(self.labels):
                if label.name in (active, self.active):
                    self.refresh(Region(0, row, self.size.width, 1))
            self.active = active

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.labels)

    def line(self, number: int, label: Label, active: bool) -> Content:
        digit = str(number) if number <= 9 else " "
        return Content.assemble(
            ("▸" if active else " ", "bold"),
            (f"{digit} {label.key} ", "$text-muted" if not active else "bold"),
            ("■ ", swatch(label)),
            (f"{label.name:<{NAME_WIDTH}}", "bold" if active else ""),
            (f"{self.counts.get(label.name, 0):>4}", "$text-muted"),
        )

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self.labels):
            return Strip.blank(width, self.rich_style)
        label = self.labels[y]
        active = label.name == self.active
        key = (y, active, self.counts.get(label.name, 0), width)
        strip = self._strips.get(key)
        if strip is None:
            strips = Visual.to_strips(
                self, self.line(y + 1, label, active), width, 1, self.visual_style, pad=True
            )
            strip = self._strips[key] = strips[0] if strips else Strip.blank(width)
        return strip

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and 0 <= offset.y < len(self.labels):
            self.post_message(self.LabelChosen(self.labels[offset.y].name))


class LegendLine(Widget):
    """Every label's key and name on one line, for when the side panel is hidden.

    Below 96 columns the side panel does not fit, and with it went every label key. Here
    each label is its number and key (the key in the label's colour) and its name; when
    the line is too short the numbers go first, then the names are shortened, down to
    the keys alone. The active label's name is bold, the others muted. A click on a
    label applies it: the message is the side legend's, so a screen handles both alike.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: Sequence[Label] = ()
        self.active: str | None = None
        self._places: list[tuple[int, int, str]] = []
        """Where each label is drawn: cells `[from, to)` and its name."""

    def show(self, labels: Sequence[Label], active: str | None) -> None:
        if labels != self.labels or active != self.active:
            self.labels, self.active = labels, active
            self.refresh()

    def line(self, width: int) -> Content:
        """The longest form of the legend that fits in `width` cells."""
        longest = max((len(label.name) for label in self.labels), default=0)
        forms = [(True, longest), *((False, cut) for cut in range(longest, -1, -1))]
        for numbered, cut in forms:
            content = self._form(numbered, cut)
            if content.cell_length <= width:
                return content
        return content

    def _form(self, numbered: bool, cut: int) -> Content:
        """Numbers or not, names cut to `cut` characters (0: keys alone)."""
        gap = "  " if cut else " "
        parts: list[tuple[str, str | Style]] = []
        places: list[tuple[int, int, str]] = []
        x = 0
        for number, label in enumerate(self.labels, 1):
            if places:
                parts.append((gap, ""))
                x += len(gap)
            pieces: list[tuple[str, str | Style]] = []
            if numbered and number <= 9:
                pieces.append((f"{number} ", "$text-muted"))
            pieces.append((label.key, swatch(label) + Style(bold=True)))
            if cut:
                name = label.name if len(label.name) <= cut else label.name[: cut - 1] + "…"
                style = "bold" if label.name == self.active else "$text-muted"
                pieces.append((" " + display_text(name), style))
            width = sum(cell_len(text) for text, _ in pieces)
            places.append((x, x + width, label.name))
            parts += pieces
            x += width
        self._places = places
        return Content.assemble(*parts)

    def render(self) -> Content:
        return self.line(self.content_size.width)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for begin, end, name in self._places:
            if begin <= offset.x < end:
                self.post_message(LabelLegend.LabelChosen(name))
                return


class Guidelines(Widget):
    """The scheme's definition, examples and counter-examples of one label.

    It changes whenever the cursor crosses into a span of another label, so each label's
    text is wrapped once per width and kept; showing it again is a repaint of cached lines.
    Its height is fixed in `app.tcss`, so a change never lays the screen out again.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label: Label | None = None
        self._strips: dict[tuple[str, int], list[Strip]] = {}

    def show(self, label: Label | None) -> None:
        if label == self.label:
            return
        self.label = label
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    @staticmethod
    def content(label: Label) -> Content:
        parts: list[str | tuple[str, str | Style] | Content] = [
            (label.name, swatch(label) + Style(bold=True)),
            (f"  key {label.key}\n", "$text-muted"),
            # scheme text is data: TOML escapes can put controls in it
            display_text(" ".join(label.definition.split())),
        ]
        for example in label.examples:
            parts += [("\n✓ ", "$text-success"), display_text(example)]
        for example in label.counter_examples:
            parts += [("\n✗ ", "$text-error"), ("not ", "$text-muted"), display_text(example)]
        return Content.assemble(*parts)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        label = self.label
        if label is None:
            return Strip.blank(width, self.rich_style)
        key = (label.name, width)
        strips = self._strips.get(key)
        if strips is None:
            strips = self._strips[key] = Visual.to_strips(
                self, self.content(label), width, None, self.visual_style, pad=True
            )
        if y < len(strips):
            return strips[y].adjust_cell_length(width, self.rich_style)
        return Strip.blank(width, self.rich_style)

"""Small modal choosers: which of the overlapping spans, and which label."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Spacing
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.visual import Padding, RenderOptions, Visual
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotator.models import Label
from annotator.tui.excerpt import shortened
from annotator.tui.span_index import SpanLike
from annotator.tui.text_layout import display_text
from annotator.tui.widgets.legend import swatch

QUOTE_CHARS = 60
INDENT = 6
"""Where a definition starts under its label's line in the label chooser."""


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """⟨text⟩ on one line, shortened in the middle when long (brackets show the edges)."""
    return f"⟨{shortened(display_text(text), max(limit - 2, 8))}⟩"  # 2: the brackets


class Described(Visual):
    """A line, then a text wrapped under it with a hanging indent (a label and its definition).

    An option's prompt wraps at the list's width, but from the left edge; the definition
    would run back under the key and the name. Each part is wrapped on its own instead.
    """

    def __init__(self, head: Content, body: Content, indent: int = INDENT) -> None:
        self.head = head
        self.body = Padding(body, Spacing(0, 0, 0, indent))

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            self.head.get_optimal_width(rules, container_width),
            self.body.get_optimal_width(rules, container_width),
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.head.get_height(rules, width) + self.body.get_height(rules, width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        head = self.head.render_strips(width, None, style, options)
        return [*head, *self.body.render_strips(width, None, style, options)]


class SpanChooserModal(ModalScreen[int | None]):
    """Several spans are under the cursor: pick one (arrows and Enter, or its number)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel"),
        *(Binding(str(n), f"pick({n - 1})", f"Span {n}", show=False) for n in range(1, 10)),
    ]

    def __init__(
        self, title: str, spans: Sequence[SpanLike], text: str, labels: Sequence[Label]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.spans = list(spans)
        self.text = text
        self.labels = {label.name: label for label in labels}

    def compose(self) -> ComposeResult:
        options = []
        for number, span in enumerate(self.spans, 1):
            label = self.labels.get(span.label)
            options.append(
                Option(
                    Content.assemble(
                        (f"{number} ", "$text-muted"),
                        ("■ ", swatch(label) if label else ""),
                        (f"{span.label:<12}", "bold"),
                        quoted(self.text[span.start : span.end]),
                    ),
                    id=str(span.id),
                )
            )
        with Vertical(classes="chooser"):
            # literal: the title quotes document text, which may look like markup
            yield Static(Content(self.title_text), classes="chooser-title")
            yield OptionList(*options)
            yield Static("↑↓ and Enter, or the number · Esc cancels", classes="chooser-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id) if event.option.id else None)

    def action_pick(self, index: int) -> None:
        if index < len(self.spans):
            self.dismiss(self.spans[index].id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class LabelChooserModal(ModalScreen[str | None]):
    """Pick a label: its key, its number, or arrows and Enter; definitions shown alongside.

    Build it with `label_chooser` so that the scheme's keys are declared bindings: a key
    pressed right after the one that opened the chooser then still reaches it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, title: str, labels: Sequence[Label], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.labels = list(labels)
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for number, label in enumerate(self.labels, 1):
            digit = str(number) if number <= 9 else " "
            definition = display_text(" ".join(label.definition.split()))
            options.append(
                Option(
                    Described(
                        Content.assemble(
                            (f"{digit} {label.key} ", "$text-muted"),
                            ("■ ", swatch(label)),
                            (f"{label.name:<12}", "bold"),
                            (" (current)" if label.name == self.current else "", "$text-muted"),
                        ),
                        Content.styled(definition, "$text-muted"),
                    ),
                    id=label.name,
                )
            )
        with Vertical(classes="chooser"):
            # literal: the title quotes document text, which may look like markup
            yield Static(Content(self.title_text), classes="chooser-title")
            yield OptionList(*options)
            yield Static("the label's key or number, or ↑↓ and Enter · Esc", classes="chooser-hint")

    def action_pick(self, name: str) -> None:
        self.dismiss(name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


@lru_cache(maxsize=16)
def _chooser_class(keys: tuple[tuple[str, str], ...]) -> type[LabelChooserModal]:
    bindings: list[BindingType] = []
    for number, (name, key) in enumerate(keys, 1):
        shortcut = f"{key},{number}" if number <= 9 else key
        bindings.append(Binding(shortcut, f"pick({name!r})", f"Pick {name}", show=False))
    return type(
        "LabelChooserModal", (LabelChooserModal,), {"BINDINGS": bindings, "__module__": __name__}
    )


def label_chooser(title: str, labels: Sequence[Label], current: str | None) -> LabelChooserModal:
    """A label chooser whose bindings are the scheme's label keys and numbers."""
    return _chooser_class(tuple((label.name, label.key) for label in labels))(
        title, labels, current
    )

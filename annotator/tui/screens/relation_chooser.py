"""The link chooser: several relations fit two spans (or one span and several around the
cursor); pick one by its key, its number, or arrows and Enter.

Build it with `relation_chooser` so that the keys are declared bindings: a key typed
right behind the one that opened the chooser (bunched, as over SSH) still reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotator.models import RelationDef
from annotator.tui.relation_lines import relation_line
from annotator.tui.screens.choosers import Described
from annotator.tui.span_index import SpanLike
from annotator.tui.text_layout import display_text

Choice = tuple[RelationDef, SpanLike, SpanLike]
"""A relation and the head and child it would link."""
WIDTH = 78


class RelationChooserModal(ModalScreen[int | None]):
    """Pick one of the `choices`; dismissed with its index (None: Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice],
        text: str,
        colours: Mapping[str, str],
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.text = text
        self.colours = colours
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for number, (relation, head, child) in enumerate(self.choices, 1):
            digit = str(number) if number <= 9 else " "
            note = " (current)" if relation.name == self.current else ""
            line = relation_line(
                head,
                relation.name,
                child,
                self.text,
                self.colours,
                WIDTH,
                before=[(f"{digit} {relation.key} ", "$text-muted")],
                after=[(note, "$text-muted")],
            )
            definition = display_text(" ".join(relation.definition.split()))
            options.append(
                Option(Described(line, Content.styled(definition, "$text-muted")), id=str(number))
            )
        with Vertical(classes="chooser"):
            # literal: the title quotes document text, which may look like markup
            yield Static(Content(self.title_text), classes="chooser-title")
            yield OptionList(*options)
            yield Static(
                "the relation's key or number, or ↑↓ and Enter · Esc", classes="chooser-hint"
            )

    def action_pick(self, name: str) -> None:
        for index, (relation, _head, _child) in enumerate(self.choices):
            if relation.name == name:
                self.dismiss(index)
                return

    def action_pick_number(self, index: int) -> None:
        if index < len(self.choices):
            self.dismiss(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 1) - 1)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


@lru_cache(maxsize=16)
def _chooser_class(keys: tuple[tuple[str, str], ...], count: int) -> type[RelationChooserModal]:
    bindings: list[BindingType] = [
        Binding(key, f"pick({name!r})", f"Pick {name}", show=False) for name, key in keys
    ]
    bindings += [
        Binding(str(number), f"pick_number({number - 1})", f"Pick {number}", show=False)
        for number in range(1, min(count, 9) + 1)
    ]
    return type(
        "RelationChooserModal",
        (RelationChooserModal,),
        {"BINDINGS": bindings, "__module__": __name__},
    )


def relation_chooser(
    title: str,
    choices: Sequence[Choice],
    text: str,
    colours: Mapping[str, str],
    current: str | None = None,
) -> RelationChooserModal:
    """A chooser whose bindings are the offered relations' keys and the numbers."""
    keys = tuple(dict.fromkeys((relation.name, relation.key) for relation, _h, _c in choices))
    return _chooser_class(keys, len(choices))(title, choices, text, colours, current)

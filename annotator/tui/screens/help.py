"""The help screen: every key, read from the bindings themselves so it cannot drift."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_WIDTH = 26


def binding_rows(
    bindings: Iterable[Binding], key_display: Callable[[Binding], str]
) -> list[tuple[str, str, str]]:
    """`(keys, description, details)` per action, keys of one action joined."""
    by_action: dict[str, list[Binding]] = {}
    for binding in bindings:
        if binding.system:
            continue
        by_action.setdefault(binding.action, []).append(binding)
    rows = []
    for group in by_action.values():
        keys: list[str] = []
        for binding in group:
            shown = key_display(binding)
            if shown not in keys:
                keys.append(shown)
        details = next((b.tooltip for b in group if b.tooltip), "")
        rows.append((", ".join(keys), group[0].description, details))
    return rows


def bindings_of(node: type[DOMNode]) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits)."""
    return list(Binding.make_bindings(node.BINDINGS))


class HelpScreen(ModalScreen[None]):
    """Keys, grouped by where they work; Escape, q or ? closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]], notes: str = "") -> None:
        super().__init__()
        self.sections = sections
        self.notes = notes

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str] | Content] = []
        if self.notes:
            parts.append((self.notes, "$text-muted"))
        for title, bindings in self.sections:
            if parts:
                parts.append("\n\n")
            parts.append((title, "bold $accent"))
            for keys, description, details in binding_rows(bindings, self.app.get_key_display):
                parts.append("\n")
                parts.append((f"  {keys:<{KEY_WIDTH}}", "bold"))
                parts.append(description)
                if details:
                    parts.append((f"\n  {'':<{KEY_WIDTH}}{details}", "$text-muted"))
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Content.assemble(*parts), id="help-text")
            yield Static("Esc closes", id="help-hint")

"""The help screen: every key, read from the bindings themselves so it cannot drift."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
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


def workbench_help(
    current: Screen[Any], everywhere: type[DOMNode], labelling: type[DOMNode] | None
) -> HelpScreen:
    """The workbench's help, the keys of the `current` screen first: the annotator's, with
    the label keys of `labelling` (their annotate screen's class), or the review's (None)."""
    from annotator.tui.help_notes import HELP_NOTES, REVIEW_NOTES
    from annotator.tui.screens.agreement import AgreementScreen
    from annotator.tui.screens.annotate import AnnotateScreen
    from annotator.tui.screens.queue import QueueScreen
    from annotator.tui.screens.review import ReviewScreen
    from annotator.tui.screens.suggesting import SuggestingScreen
    from annotator.tui.widgets.document_view import DocumentView
    from annotator.tui.widgets.virtual_list import VirtualList

    agreement = ("The agreement screen", bindings_of(AgreementScreen))
    if labelling is None:
        sections = [
            ("Reviewing", bindings_of(ReviewScreen)),
            ("Moving and selecting in the text", bindings_of(DocumentView)),
            ("Lists", bindings_of(VirtualList)),
            agreement,
            ("Everywhere", bindings_of(everywhere)),
        ]
        if isinstance(current, AgreementScreen):
            sections.insert(0, sections.pop(3))
        return HelpScreen(sections, REVIEW_NOTES)
    sections = [
        ("Moving and selecting in the text", bindings_of(DocumentView)),
        ("Labelling (the scheme's keys)", bindings_of(labelling)),
        ("Spans and documents", bindings_of(AnnotateScreen)),
        ("Suggestions", bindings_of(SuggestingScreen)),
        agreement,
        ("Everywhere", bindings_of(everywhere)),
    ]
    queue = ("The queue", bindings_of(QueueScreen) + bindings_of(VirtualList))
    if isinstance(current, QueueScreen):
        sections.insert(0, queue)
    elif isinstance(current, AgreementScreen):
        sections.insert(0, sections.pop(4))
        sections.insert(5, queue)
    else:
        sections.insert(4, queue)
    return HelpScreen(sections, HELP_NOTES)

"""Every key is declared, described, listed in help, and out of reach of label shortcuts."""

from __future__ import annotations

from textual.binding import Binding
from textual.keys import key_to_character
from tui_helpers import SIZE, open_doc

from annotator.models import RESERVED_KEYS
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.help import HelpScreen, bindings_of
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.virtual_list import VirtualList

OWN = [DocumentView, AnnotateScreen, QueueScreen, VirtualList, AnnotatorApp]


def own_bindings() -> list[Binding]:
    return [binding for node in OWN for binding in bindings_of(node)]


def test_every_binding_has_a_description() -> None:
    assert all(binding.description for binding in own_bindings())


def test_label_shortcuts_can_never_shadow_a_key_of_ours() -> None:
    """Where labels are bound (the annotate screen), our printable keys are reserved."""
    annotating = [DocumentView, AnnotateScreen, AnnotatorApp]
    for binding in (b for node in annotating for b in bindings_of(node)):
        character = key_to_character(binding.key)
        if character is not None and character.isprintable() and binding.key != "space":
            assert character.lower() in RESERVED_KEYS, binding


async def test_help_lists_every_key_including_the_schemes(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for binding in own_bindings():
            assert binding.description in text, binding
        for label in project.scheme.labels:
            assert f"Label {label.name}" in text
        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press("question_mark", "q")  # q closes help, it does not quit
        assert isinstance(app.screen, AnnotateScreen)

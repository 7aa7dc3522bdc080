"""How relations look in the workbench: a snapshot at 120x36 (the focused span's relation
in the status line, its relations in the side panel, the linked spans reversed), and the
linked style in every colour system."""

from __future__ import annotations

from typing import Any

import pytest
from relation_helpers import add_spans, editing, panel, status
from terminals import set_terminal
from textual.pilot import Pilot
from tui_helpers import SIZE, open_doc, style_at

from annotator.store import Store
from annotator.tui import make_app

REPORTED, CEDE, STAY = "Reuters reported", "cede the eastern Donbas region", "stay out of NATO"


def linked(store: Store, doc_id: str) -> None:
    """alice's spans, and her attribution linked to both demands after it."""
    ids = add_spans(store, doc_id)
    store.add_relation(ids[REPORTED], ids[CEDE], "says", "alice")
    store.add_relation(ids[REPORTED], ids[STAY], "says", "alice")


def test_annotate_screen_with_a_relation(snap_compare: Any, project: Store, seed_id: str) -> None:
    linked(project, seed_id)

    async def on_the_attribution(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = editing(pilot).view
        view.move_to(view.text.index(REPORTED))
        await pilot.pause()
        assert status(pilot).startswith(f"attribution ⟨{REPORTED}⟩ says → demand ⟨cede")
        assert status(pilot).endswith("  +1 more (R)")
        first, second = panel(pilot)[:2]
        assert first.startswith("says → demand ⟨cede the ") and first.endswith(" region⟩")
        assert second == "says → demand ⟨stay out of NATO⟩"

    app = make_app(project, "alice", open_doc=seed_id)
    assert snap_compare(app, terminal_size=SIZE, run_before=on_the_attribution)


@pytest.mark.parametrize("terminal", ["truecolor", "256", "no-color"])
async def test_linked_spans_are_reversed_in_every_colour_system(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch, terminal: str
) -> None:
    set_terminal(monkeypatch, terminal)
    linked(project, seed_id)
    async with make_app(project, "alice").run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        text = view.text
        unlinked = style_at(view, text.index(CEDE))
        view.move_to(text.index(REPORTED))
        await pilot.pause()
        for covered in (CEDE, STAY):  # every character of both linked spans
            start = text.index(covered)
            assert all(style_at(view, at).reverse for at in range(start, start + len(covered)))
        # Only the mark is added: the span keeps its own colours under it.
        mark = style_at(view, text.index(CEDE))
        assert (mark.color, mark.bgcolor) == (unlinked.color, unlinked.bgcolor)
        assert not unlinked.reverse
        # The text around them, and an attribution not linked to anything, are not marked.
        assert not style_at(view, text.index(CEDE) - 2).reverse
        assert not style_at(view, text.index("According to him")).reverse

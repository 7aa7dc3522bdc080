"""Linking spans with the keyboard in the workbench: L, a motion to the other span, the
relation's key (or Enter, or the chooser), through the real app; rows asserted in the
store, keys sent bunched as a terminal over SSH sends them."""

from __future__ import annotations

from pathlib import Path

from relation_helpers import (
    ECHOES,
    add_spans,
    bunched,
    editing,
    focused_text,
    links,
    panel,
    status,
)
from textual.pilot import Pilot
from tui_helpers import SIZE, layer, open_doc, style_at

from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.relation_chooser import RelationChooserModal
from annotator.tui.widgets.document_view import DocumentView


async def on(pilot: Pilot[None], doc_id: str, covered: str) -> DocumentView:
    """Open the document with the cursor on `covered` (its span focused)."""
    view = await open_doc(pilot, doc_id)
    view.move_to(view.text.index(covered))
    await pilot.pause()
    assert focused_text(pilot) == covered
    return view


async def test_a_says_link_made_with_tab_shows_in_status_line_panel_and_text(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    add_spans(project, seed_id)
    async with app.run_test(size=SIZE) as pilot:
        view = await on(pilot, seed_id, "Reuters reported")
        await pilot.press("L")
        assert status(pilot).startswith("link from attribution ⟨Reuters reported⟩: ")
        await pilot.press("tab")
        assert focused_text(pilot) == "cede the eastern Donbas region"
        assert "a says" in status(pilot)
        await pilot.press("a")
        assert links(project, seed_id) == [
            ("Reuters reported", "says", "cede the eastern Donbas region")
        ]
        assert status(pilot).startswith("linked: attribution ⟨Reuters reported⟩ says → demand")
        # The child's side of it, then the head's, in the side panel.
        assert panel(pilot)[0] == "← says attribution ⟨Reuters reported⟩"
        await pilot.press("shift+tab")
        assert focused_text(pilot) == "Reuters reported"
        assert panel(pilot)[0].startswith("says → demand ⟨cede")
        # The linked span stands out (reversed), the others do not.
        cede, stay = view.text.index("cede the eastern"), view.text.index("stay out of")
        assert style_at(view, cede).reverse and not style_at(view, stay).reverse
        editing(pilot)._clear_flash()  # its timer, run now: the status line says the relation
        line = status(pilot)  # shortened in the middle: both edges of the text stay
        assert line.startswith("attribution ⟨Reuters reported⟩ says → demand ⟨cede the ")
        assert line.endswith(" Donbas region⟩")
        # Elsewhere nothing is marked as linked.
        await pilot.press("tab", "tab")
        assert focused_text(pilot) == "stay out of NATO"
        assert not style_at(view, cede).reverse and panel(pilot)[0].startswith("none")


async def test_a_link_made_with_a_jump_tag_in_one_burst(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    add_spans(project, seed_id)
    async with app.run_test(size=SIZE) as pilot:
        view = await on(pilot, seed_id, "Reuters reported")
        await pilot.press("space")
        tag = view.hints[view.text.index("stay out of NATO")]
        await pilot.press("escape")
        await bunched(pilot, "L", "space", *tag, "a", "shift+tab", "L", "shift+tab", "a")
        assert links(project, seed_id) == [
            ("Reuters reported", "says", "stay out of NATO"),
            # from the demand back to the attribution: `says` runs from the attribution
            ("Reuters reported", "says", "cede the eastern Donbas region"),
        ]
        # No label key went through while linking: the layer holds the five spans.
        assert len(layer(project, seed_id)) == 5


async def test_enter_makes_the_one_relation_that_fits_and_offers_a_chooser_when_two_do(
    tmp_path: Path, project: Store, seed_id: str
) -> None:
    add_spans(project, seed_id)
    async with make_app(project, "alice").run_test(size=SIZE) as pilot:
        await on(pilot, seed_id, "Reuters reported")
        await bunched(pilot, "L", "tab", "enter")
        assert links(project, seed_id) == [
            ("Reuters reported", "says", "cede the eastern Donbas region")
        ]
    text = project.document(seed_id).text
    store = Store.create(tmp_path / "echoes.db", load_scheme()[1] + ECHOES, "echoes")
    with store.transaction():
        store.import_documents([NewDocument(text=text)])
    add_spans(store, seed_id)
    async with make_app(store, "alice").run_test(size=SIZE) as pilot:
        await on(pilot, seed_id, "Reuters reported")
        await bunched(pilot, "L", "tab", "enter")
        chooser = pilot.app.screen
        assert isinstance(chooser, RelationChooserModal)
        assert [r.name for r, _head, _child in chooser.choices] == ["says", "echoes"]
        await pilot.press("2")
        # The chooser's own keys, sent right behind the key that opens it.
        await bunched(pilot, "tab", "L", "shift+tab", "enter", "e")
        assert links(store, seed_id) == [
            ("Reuters reported", "echoes", "cede the eastern Donbas region"),
            ("stay out of NATO", "echoes", "cede the eastern Donbas region"),
        ]
        # A key says which relation without asking.
        await bunched(pilot, "shift+tab", "L", "tab", "tab", "a")
        assert not isinstance(pilot.app.screen, RelationChooserModal)
        assert links(store, seed_id)[-1] == ("Reuters reported", "says", "stay out of NATO")
    store.close()


async def test_a_relation_the_scheme_does_not_allow_is_refused_and_says_why(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    add_spans(project, seed_id)
    async with app.run_test(size=SIZE) as pilot:
        view = await on(pilot, seed_id, "According to him")
        await pilot.press("L", "tab")
        assert focused_text(pilot) == "United Nations Security Council members"
        await pilot.press("a")
        assert status(pilot).startswith(
            "Not linked: a says relation ends on quote or demand or opinion, not on guarantor"
        )
        await pilot.press("g")
        assert status(pilot).startswith(
            "Not linked: a guarantees relation starts on guarantor, not on attribution"
        )
        await pilot.press("enter")
        assert "no relation of the scheme links attribution and guarantor" in status(pilot)
        # Still linking: a label key is held back, not applied.
        await pilot.press("d")
        assert status(pilot).startswith("Linking: move to the other span")
        await pilot.press("escape")
        assert status(pilot).startswith("Link cancelled")
        assert view.link_marks.source is None
        assert links(project, seed_id) == [] and len(layer(project, seed_id)) == 5
        # Not linking any more: the key labels again.
        await pilot.press("escape", "right", "d")
        assert len(layer(project, seed_id)) == 6


async def test_deleting_a_span_takes_its_relations_and_undo_brings_both_back(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    ids = add_spans(project, seed_id)
    reported = ids["Reuters reported"]
    made = project.add_relation(reported, ids["cede the eastern Donbas region"], "says", "alice")
    project.add_relation(reported, ids["stay out of NATO"], "says", "alice")
    async with app.run_test(size=SIZE) as pilot:
        await on(pilot, seed_id, "cede the eastern Donbas region")
        assert panel(pilot)[0] == "← says attribution ⟨Reuters reported⟩"
        await pilot.press("x")
        assert "cede the eastern Donbas region" not in [row[3] for row in layer(project, seed_id)]
        assert links(project, seed_id) == [("Reuters reported", "says", "stay out of NATO")]
        await pilot.press("u")
        assert links(project, seed_id) == [
            ("Reuters reported", "says", "cede the eastern Donbas region"),
            ("Reuters reported", "says", "stay out of NATO"),
        ]
        assert project.relations(seed_id, "alice")[0].id == made.id  # the same relation
        assert status(pilot).startswith("undone, back: demand ⟨cede the eastern Donbas region⟩")
        assert "⟩  (and 1 relation)  │" in status(pilot)
        assert panel(pilot)[0] == "← says attribution ⟨Reuters reported⟩"
        # A relation's own undo and redo say the relation.
        await bunched(pilot, "shift+tab", "L", "tab", "tab", "u")
        assert editing(pilot).linking.source is not None  # `u` is held back while linking
        await bunched(pilot, "escape", "u")
        line = status(pilot)
        assert line.startswith("undone, gone: attribution ⟨Reuter") and "⟩ says → demand ⟨" in line
        assert line.endswith(" NATO⟩")

"""The relation list (R): every relation of the document, to go to one of its spans, to
relabel, reverse and delete it; rows asserted on screen and in the store, undo after."""

from __future__ import annotations

from pathlib import Path

from relation_helpers import ECHOES, add_spans, bunched, focused_text, links, list_rows
from textual.pilot import Pilot
from tui_helpers import SIZE, open_doc

from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.relation_chooser import RelationChooserModal
from annotator.tui.screens.relation_list import RelationListScreen


def echoes_project(tmp_path: Path, text: str, doc_id: str) -> Store:
    """The seed article under a scheme with `echoes` (two fit; it runs both ways), with
    three relations of alice's."""
    store = Store.create(tmp_path / "echoes.db", load_scheme()[1] + ECHOES, "echoes")
    with store.transaction():
        store.import_documents([NewDocument(text=text)])
    ids = add_spans(store, doc_id)
    reported, cede, stay = (
        ids[key]
        for key in ("Reuters reported", "cede the eastern Donbas region", "stay out of NATO")
    )
    store.add_relation(reported, cede, "says", "alice")
    store.add_relation(reported, stay, "says", "alice")
    store.add_relation(stay, cede, "echoes", "alice")
    return store


def hint(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#relation-hint").render())


async def test_the_list_goes_to_either_end_of_a_relation(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    ids = add_spans(project, seed_id)
    project.add_relation(ids["Reuters reported"], ids["stay out of NATO"], "says", "alice")
    project.add_relation(
        ids["Reuters reported"], ids["cede the eastern Donbas region"], "says", "alice"
    )
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("R")
        assert isinstance(pilot.app.screen, RelationListScreen)
        # In the order the spans read, whatever the order they were made in.
        assert [" ".join(row.split()) for row in list_rows(pilot)] == [
            "attribution ⟨Reuters reported⟩ says → demand ⟨cede the eastern Donbas region⟩",
            "attribution ⟨Reuters reported⟩ says → demand ⟨stay out of NATO⟩",
        ]
        await pilot.press("down", "o")  # the second relation's child
        assert not isinstance(pilot.app.screen, RelationListScreen)
        assert focused_text(pilot) == "stay out of NATO"
        assert view.has_focus
        # It opens on the focused span's first relation; Enter goes to the head.
        await pilot.press("R")
        assert pilot.app.screen.query_one("#relation-list").highlighted == 1
        await pilot.press("up", "enter")
        assert focused_text(pilot) == "Reuters reported"
        cede = view.text.index("cede the eastern")
        assert (cede, cede + len("cede the eastern Donbas region")) in view.link_marks.ranges
        # Esc (or R again) closes it and leaves the cursor where it was.
        await bunched(pilot, "R", "escape")
        assert not isinstance(pilot.app.screen, RelationListScreen)
        assert focused_text(pilot) == "Reuters reported"


async def test_relabel_reverse_and_delete_from_the_list_then_undo(
    tmp_path: Path, project: Store, seed_id: str
) -> None:
    store = echoes_project(tmp_path, project.document(seed_id).text, seed_id)
    async with make_app(store, "alice").run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("R")
        assert [" ".join(row.split()) for row in list_rows(pilot)] == [
            "attribution ⟨Reuters reported⟩ says → demand ⟨cede the eastern Donbas region⟩",
            "attribution ⟨Reuters reported⟩ says → demand ⟨stay out of NATO⟩",
            "demand ⟨stay out of NATO⟩ echoes → demand ⟨cede the eastern Donbas region⟩",
        ]
        # A says relation cannot run from the demand: refused, with the reason.
        await pilot.press("r")
        assert hint(pilot).startswith("Cannot reverse it: a says relation starts on attribution")
        # Relabel: a chooser of the relations that fit (the current one marked).
        await pilot.press("c")
        chooser = pilot.app.screen
        assert isinstance(chooser, RelationChooserModal)
        assert [r.name for r, _h, _c in chooser.choices] == ["says", "echoes"]
        await pilot.press("e")
        assert links(store, seed_id)[0] == (
            "Reuters reported",
            "echoes",
            "cede the eastern Donbas region",
        )
        assert hint(pilot).startswith("relabelled says → echoes")
        # Reverse the last one (echoes runs both ways), then delete the second.
        await pilot.press("end", "r")
        assert links(store, seed_id)[2] == (
            "cede the eastern Donbas region",
            "echoes",
            "stay out of NATO",
        )
        rows = [" ".join(row.split()) for row in list_rows(pilot)]
        assert rows[2] == (
            "demand ⟨cede the eastern Donbas region⟩ echoes → demand ⟨stay out of NATO⟩"
        )
        await pilot.press("home", "down", "x")
        assert links(store, seed_id) == [
            ("Reuters reported", "echoes", "cede the eastern Donbas region"),
            ("cede the eastern Donbas region", "echoes", "stay out of NATO"),
        ]
        assert len(list_rows(pilot)) == 2
        # Each change is one step back with u, once the list is closed.
        await pilot.press("escape", "u")
        assert len(links(store, seed_id)) == 3
        await pilot.press("u")
        assert links(store, seed_id)[2] == (
            "stay out of NATO",
            "echoes",
            "cede the eastern Donbas region",
        )
        await pilot.press("u")
        assert links(store, seed_id)[0] == (
            "Reuters reported",
            "says",
            "cede the eastern Donbas region",
        )
    store.close()

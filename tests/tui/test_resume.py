"""Picking up where one left off: the document in progress, the cursor, what is finished."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from tui_helpers import SIZE, annotate_screen, open_doc

from annotator.models import GOLD, Status
from annotator.store import NewDocument, Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.widgets.queue_list import QueueList


def status_line(app: AnnotatorApp) -> str:
    return str(app.screen.query_one("#status").render())


def place(store: Store, doc_id: str, name: str = "alice") -> int | None:
    assignment = store.assignment(doc_id, name)
    return None if assignment is None else assignment.cursor


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_reopening_starts_on_the_document_in_progress_at_the_cursor(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    second = project.queue("alice")[1].doc_id
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("/", *"donbas", "enter", "escape")
        donbas = view.text.index("Donbas")
        assert view.cursor == donbas
        # Keys write nothing: the place is kept when the document is left.
        assert place(project, seed_id) is None
        await pilot.press("n")
        assert place(project, seed_id) == donbas
        await pilot.press("/", *"geneva", "enter", "escape")
        geneva = view.text.index("Geneva")
        # The periodic flush keeps it too (its timer runs every 30 s).
        annotate_screen(app).flush_time()
        assert place(project, second) == geneva
        await pilot.press("/", *"ceasefire", "enter", "escape")
        ceasefire = view.text.index("ceasefire")
        await pilot.press("q")  # and quitting
    assert place(project, second) == ceasefire
    again = make_app(project, "alice")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = annotate_screen(again)
        assert screen.doc_id == second and screen.view.cursor == ceasefire
        await pilot.press("p")  # the first document opens where it was left, too
        assert screen.doc_id == seed_id and screen.view.cursor == donbas
        await pilot.press("l")  # the queue is built when wanted
        assert isinstance(again.screen, QueueScreen)
    # Each annotator has a place of their own: bob has none yet, so his queue opens.
    bob = make_app(project, "bob")
    async with bob.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(bob.screen, QueueScreen)


async def test_the_queue_focuses_the_first_document_still_to_do(project: Store) -> None:
    with project.transaction():
        project.import_documents([NewDocument(text=f"Note {n}: talks go on.") for n in range(80)])
    for item in project.queue("alice", limit=70):
        project.set_status(item.doc_id, "alice", Status.DONE)
    app = make_app(project, "alice")  # nothing in progress: the queue opens
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(QueueList)
        assert queue.highlighted == 70
        top = queue.scroll_offset.y
        assert top <= 70 < top + queue.scrollable_content_region.height  # in sight
        await pilot.press("f", "F")  # todo, then all again: the same row
        assert queue.highlighted == 70


async def test_a_finished_document_says_so_while_it_is_edited(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    project.set_status(seed_id, "alice", Status.DONE)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        assert status_line(app).startswith("marked done · ")
        await pilot.press("shift+right", "d")
        assert status_line(app).startswith("marked done · labelled demand")
        await pilot.press("n")  # a document still to do: nothing to say
        assert not status_line(app).startswith("marked done")


async def test_a_document_without_spans_is_marked_done_on_the_second_s(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("s")
        assert annotate_screen(app).doc_id == seed_id
        assert "No spans in this document" in status_line(app)
        await pilot.press("s")
        assert project.assignment(seed_id, "alice").status is Status.DONE  # type: ignore[union-attr]
        # With a span, s marks it done at once.
        second = annotate_screen(app).doc_id
        await pilot.press("shift+right", "d", "s")
        assert project.assignment(second, "alice").status is Status.DONE  # type: ignore[union-attr]


async def test_an_adjudicated_document_says_so_in_the_review(project: Store) -> None:
    seed = project.queue("alice")[0].doc_id
    text = project.document(seed).text
    for name in ("ann1", "ann2"):
        project.add_span(seed, name, 0, 6, "attribution")
        project.set_status(seed, name, Status.DONE)
    project.mark_adjudicated(seed, "lead")
    app = make_app(project, "lead", review=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert status_line(app).startswith("adjudicated · ")
        await pilot.press("a")
        assert [s.start for s in project.spans(seed, GOLD)] == [0]
        assert status_line(app).startswith(f"adjudicated · accepted attribution ⟨{text[:6]}⟩")


async def test_the_command_palette_lists_the_screen_keys(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Skip", "Done+next", "Relabel", "Label demand", "Search", "Quit", "Theme"} <= set(
            commands
        )
        assert "Undo" not in commands  # nothing to undo yet: only keys that apply
        assert "(key: k)" in commands["Skip"].help
        assert list(commands).count("Quit") == 1  # Textual's and ours are one
        # Chosen in the palette, it does what its key does.
        await pilot.press("ctrl+p", *"skip")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert project.assignment(seed_id, "alice").status is Status.SKIPPED  # type: ignore[union-attr]
        assert annotate_screen(app).doc_id != seed_id

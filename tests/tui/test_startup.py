"""Starting the workbench: what is built before the first paint, and what waits.

`annotator annotate --doc ID` paints the document first: the queue screen is built only
when the annotator goes back to it, and going back shows it as if it had been there.
"""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.widgets._footer import FooterKey
from tui_helpers import SIZE, annotate_screen, modules_loaded_by

from annotator.models import Status
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets.queue_list import QueueList


async def test_a_document_named_at_start_is_opened_without_building_the_queue(
    project: Store, seed_id: str
) -> None:
    app = make_app(project, "alice", open_doc=seed_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert annotate_screen(app).doc_id == seed_id
        assert not [s for s in app.screen_stack if isinstance(s, QueueScreen)]
        # Going back builds the queue, in the document's place, as if it had been under it.
        await pilot.press("l")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert not [s for s in app.screen_stack if isinstance(s, AnnotateScreen)]
        assert queue.query_one(QueueList).count == 5
        assert queue.query_one(QueueList).has_focus
        assignment = project.assignment(seed_id, "alice")
        assert assignment is not None and assignment.status is Status.IN_PROGRESS
        # And from there, documents open on top of it as usual; back again is the same queue.
        await pilot.press("enter")
        await pilot.pause()
        assert annotate_screen(app).doc_id == seed_id
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is queue


async def test_the_last_document_done_leaves_for_a_queue_built_then(
    project: Store, seed_id: str
) -> None:
    for item in project.queue("alice"):
        if item.doc_id != seed_id:
            project.set_status(item.doc_id, "alice", Status.DONE)
    app = make_app(project, "alice", open_doc=seed_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", "s")  # no spans: the second s confirms
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        done = project.assignment(seed_id, "alice")
        assert done is not None and done.status is Status.DONE


async def test_an_unknown_document_at_start_shows_the_queue_and_says_why(
    project: Store,
) -> None:
    app = make_app(project, "alice", open_doc="no-such-document")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert [n.title for n in app._notifications] == ["Cannot open the document"]


def test_the_workbench_loads_neither_review_nor_agreement_code_to_start() -> None:
    loaded = modules_loaded_by("annotator.tui.app")
    unwanted = (
        "annotator.tui.screens.review",
        "annotator.tui.screens.agreement",
        "annotator.agreement",
        "annotator.adjudicate",
        "sqlite_utils",
    )
    assert sorted(m for m in loaded if m.startswith(unwanted)) == []


async def test_binding_changes_between_refreshes_rebuild_the_footer_once(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(project, "alice", open_doc=seed_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        keys = [key.description for key in footer.query(FooterKey)]
        assert "Done+next" in keys and "Queue" in keys and "Quit" in keys
        built: list[int] = []
        compose = KeyFooter.compose

        def counted(self: KeyFooter) -> ComposeResult:
            built.append(1)
            return compose(self)

        monkeypatch.setattr(KeyFooter, "compose", counted)
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert len(built) == 1
        assert [key.description for key in footer.query(FooterKey)] == keys

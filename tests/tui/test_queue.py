"""The queue screen: statuses, filters, search, paging, opening documents."""

from __future__ import annotations

from typing import Any

import pytest
from tui_helpers import SIZE

from annotator.models import Status
from annotator.store import NewDocument, Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.widgets.queue_list import QueueList


def queue_rows(app: AnnotatorApp) -> list[str]:
    queue = app.screen.query_one(QueueList)
    return [queue.render_line(y).text.rstrip() for y in range(min(queue.count, 10))]


async def test_rows_show_status_counts_and_literal_titles(
    app: AnnotatorApp, project: Store
) -> None:
    first = project.queue("alice")[0].doc_id
    project.set_status(first, "alice", Status.DONE)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = queue_rows(app)
        assert len(rows) == 5
        assert "● done" in rows[0] and "Lavrov rejects NATO path" in rows[0]
        assert "○ todo" in rows[1]
        assert rows[4].endswith("Parliament debates [bold]security guarantees[/bold]")
        filters = str(app.screen.query_one("#queue-filters").render())
        assert "all 5" in filters and "done 1" in filters and "todo 4" in filters


async def test_filter_and_search(app: AnnotatorApp, project: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        queue = app.screen.query_one(QueueList)
        await pilot.press("f")  # todo
        assert queue.count == 5
        await pilot.press("f", "f")  # done
        assert queue.count == 0
        await pilot.press("F", "F", "F")  # back to all
        assert queue.count == 5
        await pilot.press("/", *"geneva", "enter")  # titles and ids, case-insensitive
        assert queue.count == 1
        item = queue.item(0)
        assert item is not None and item.title.startswith("Negotiators meet again in Geneva")
        await pilot.press("enter")
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press("l")
        assert isinstance(app.screen, QueueScreen)
        assert "◐ in progress" in queue_rows(app)[0]  # the list is read again on return
        await pilot.press("escape")
        assert queue.count == 5


@pytest.fixture
def big_project(store: Store) -> Store:
    with store.transaction():
        store.import_documents(
            [NewDocument(text=f"Report {n}: talks resume in round {n}.") for n in range(2500)]
        )
    return store


async def test_the_queue_is_paged_never_loaded_whole(
    big_project: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages: list[tuple[int, int]] = []
    original = big_project.queue

    def spy(annotator: str, **kwargs: Any) -> Any:
        pages.append((kwargs.get("offset", 0), kwargs.get("limit", 100)))
        return original(annotator, **kwargs)

    monkeypatch.setattr(big_project, "queue", spy)
    app = make_app(big_project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        queue = app.screen.query_one(QueueList)
        assert queue.count == 2500
        assert pages == [(0, 100)]
        await pilot.press("end")
        assert queue.highlighted == 2499
        assert "Report 2499:" in queue_rows_at(queue, 2499)
        assert all(limit <= 100 for _, limit in pages)
        assert len(pages) <= 3
        await pilot.press("enter")
        assert isinstance(app.screen, AnnotateScreen)
        assert app.screen.doc_id == big_project.queue("alice", offset=2499, limit=1)[0].doc_id


def queue_rows_at(queue: QueueList, index: int) -> str:
    return queue.render_line(index - queue.scroll_offset.y).text

"""Faults in the workbench: a message in the status line, the screen kept, work resumed.

A real SQLITE_FULL: the app's own connection may not grow the file past its current
pages (`max_page_count`, the same error a full disk gives). A label key then must not
crash the app or lose what is on screen; once space is back the next key stores the span.
A project on a read-only medium still opens its documents for reading.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from scheme_texts import rename_label
from tui_helpers import SIZE, annotate_screen, drawn_rows, layer, open_doc

from annotator.errors import StoreError
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp


def status_text(app: AnnotatorApp) -> str:
    return str(annotate_screen(app).query_one("#status").render())


def cap_pages(store: Store, extra: int) -> None:
    """Let the file grow by `extra` pages at most (0: not at all): a full disk, for SQLite."""
    pages = int(store._db.pragma("page_count"))
    store._db.execute(f"PRAGMA max_page_count = {pages + extra}")


def fill(store: Store, doc_id: str) -> None:
    """Write spans of bob's until the capped file takes no more."""
    refusal = ""
    for start in range(1000):
        try:
            store.add_span(doc_id, "bob", start, start + 1, "quote")
        except StoreError as exc:
            refusal = str(exc)
            break
    assert "full" in refusal, "the file never filled up"


async def test_a_full_disk_is_a_status_message_and_the_next_key_works(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("right", "right", "right")  # the cursor on "path"
        await pilot.press("o", "shift+tab")  # labelled; back onto the span
        assert layer(project, seed_id) == [(20, 24, "opinion", "path")]
        cap_pages(project, 0)
        fill(project, seed_id)
        shown = drawn_rows(view)
        await pilot.press("d")  # a second label on "path": the file has no room for it
        assert app.is_running, "the app must keep running"
        assert app.return_code is None
        assert "full" in status_text(app), status_text(app)
        assert drawn_rows(view) == shown  # what was on screen stays
        assert layer(project, seed_id) == [(20, 24, "opinion", "path")]
        cap_pages(project, 1000)  # space freed
        await pilot.press("d")
        assert layer(project, seed_id) == [
            (20, 24, "demand", "path"),
            (20, 24, "opinion", "path"),
        ]
        assert "full" not in status_text(app)
    assert project.check() == []


@pytest.fixture
def read_only_copy(project: Store, tmp_path: Path) -> Iterator[Path]:
    """The sample project on a read-only bind mount (root only)."""
    if (
        shutil.which("mount") is None
        or subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() != "0"
    ):
        pytest.skip("a read-only bind mount needs root")
    source, mount = tmp_path / "source", tmp_path / "readonly"
    source.mkdir()
    mount.mkdir()
    project.backup(source / "project.db")
    for step in (
        ["mount", "--bind", str(source), str(mount)],
        ["mount", "-o", "remount,bind,ro", str(mount)],
    ):
        done = subprocess.run(step, capture_output=True)
        if done.returncode != 0:
            subprocess.run(["umount", str(mount)], check=False, capture_output=True)
            pytest.skip(f"cannot make a read-only mount: {done.stderr.decode().strip()}")
    try:
        yield mount / "project.db"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_a_read_only_project_opens_its_documents_and_refuses_writes_plainly(
    read_only_copy: Path, seed_id: str
) -> None:
    with Store.open(read_only_copy) as store:
        app = make_app(store, "alice")
        async with app.run_test(size=SIZE) as pilot:
            view = await open_doc(pilot, seed_id)
            assert view.text.startswith("Lavrov rejects NATO path")
            await pilot.press("right", "right", "right", "o")
            assert app.is_running
            assert "read-only" in status_text(app), status_text(app)
            assert store.spans(seed_id) == []


async def test_a_migration_in_another_process_moves_the_keys_with_it(
    app: AnnotatorApp, project: Store, seed_id: str, scheme_text: str
) -> None:
    """`schema migrate --rename demand=claim` while the workbench is open: the open screen
    takes up the new scheme before the next key, so the keys label what they now name."""
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("right", "right", "right")  # the cursor on "path"
        with Store.open(project.path) as other:
            renamed = rename_label(scheme_text, "demand", "claim").replace('key = "d"', 'key = "m"')
            assert renamed.count('key = "m"') == 1
            other.update_scheme(renamed, "v2.toml", {"demand": "claim"})
        await pilot.press("d")  # the old key of demand: no label has it now
        await pilot.press("m")  # the new key of claim
        await pilot.press("right", "1")  # claim is still the first label
        assert app.is_running
        # "path" by m, where the cursor was when the scheme changed; then the word after
        # the next one ("for") by its number.
        assert layer(project, seed_id) == [(20, 24, "claim", "path"), (32, 35, "claim", "for")]
        assert "claim" in annotate_screen(app).scheme.label_names
        # The next document opens with the new keys too.
        await pilot.press("n")
        await pilot.pause()
        other_doc = annotate_screen(app).doc_id
        assert other_doc != seed_id
        await pilot.press("m")
        assert [row[2] for row in layer(project, other_doc)] == ["claim"]

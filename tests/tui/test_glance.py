"""The first frame: `annotator annotate` paints the document from a glance, then loads.

The glance is read with the standard library before pydantic and the store load; the
workbench takes its place after the first frame. What it shows must be what the workbench
shows (the same text, spans and cursor, at the same width), keys typed over it must reach
the workbench in order, and whenever a glance cannot be had the workbench opens as before.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widgets import Static
from tui_helpers import SIZE, annotate_screen, document_view, modules_loaded_by

from annotator.models import Status
from annotator.store import Store
from annotator.store.glance import glance
from annotator.tui import workbench_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.glance import GlanceScreen, Opening
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.widgets.document_canvas import DocumentCanvas


def left_in_progress(project: Store, doc_id: str, cursor: int) -> None:
    """alice labelled one span on `doc_id`, and left it in progress at `cursor`."""
    project.set_status(doc_id, "alice", Status.IN_PROGRESS)
    project.add_span(doc_id, "alice", 0, 6, "attribution")
    project.add_time(doc_id, "alice", 1.0, cursor=cursor)


def close(app: AnnotatorApp) -> None:
    assert app.opened_store is not None
    app.opened_store.close()


def view_lines(view: DocumentCanvas) -> list[list[Segment]]:
    """Every row as drawn: its text and styles (label colours, cursor), segment by segment."""
    return [list(view.render_line(y)) for y in range(view.size.height)]


@pytest.mark.parametrize("size", [SIZE, (80, 24), (97, 30), (160, 40), (240, 60)])
async def test_the_glance_shows_what_the_workbench_then_shows(
    project: Store, seed_id: str, size: tuple[int, int]
) -> None:
    """At every width: narrow (no side panel), wide (the text at its measure), between."""
    left_in_progress(project, seed_id, cursor=2000)
    app = workbench_app(project.path, "alice")
    try:
        async with app.run_test(size=size) as pilot:
            glanced = app.screen
            assert isinstance(glanced, GlanceScreen) and app.loading
            first = glanced.query_one(DocumentCanvas)
            first_lines, first_cursor, first_width = view_lines(first), first.cursor, first.size
            first_tokens, first_layout, first_index = first.tokens, first.text_layout, first.index
            title = glanced.query_one(".glance-top", Static).content
            assert first.index.spans and first.label_colors["attribution"] == "#539bf5"
            await pilot.pause()
            assert not app.loading
            screen = annotate_screen(app)
            assert screen.doc_id == seed_id
            # The glance is the base screen: under the workbench, and emptied.
            base = app.screen_stack[0]
            assert app.screen is screen and isinstance(base, GlanceScreen)
            assert not base.children
            view = document_view(app)
            # The same place, the same width, the same rows: nothing moves when it loads.
            assert view.cursor == first_cursor >= 2000
            assert view.size == first_width
            assert view_lines(view) == first_lines
            # Indexed and laid out once, for both.
            assert view.tokens is first_tokens
            assert view.text_layout is first_layout and view.index is first_index
            # The title too: the project bar only adds where we are and the progress.
            assert screen.query_one("#project-info", Static).content == title
            assert "negotiation-v2" in str(title)
    finally:
        close(app)


async def test_the_glance_is_drawn_at_the_cursor_from_its_first_frame(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document left near its end opens there: no frame shows its top first."""
    left_in_progress(project, seed_id, cursor=2300)
    drawn: list[int] = []  # the scroll offset of every row the glance draws, in order
    render_line = DocumentCanvas.render_line

    def spying(canvas: DocumentCanvas, y: int) -> Strip:
        strip = render_line(canvas, y)
        if type(canvas) is DocumentCanvas:  # the glance's (the workbench's is a subclass)
            drawn.append(canvas.scroll_offset.y)
        return strip

    monkeypatch.setattr(DocumentCanvas, "render_line", spying)
    app = workbench_app(project.path, "alice")
    try:
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            assert not app.loading
            top = document_view(app).scroll_offset.y
            assert top > 0  # the cursor is below the first screenful
            assert drawn and set(drawn) == {top}
    finally:
        close(app)


async def test_keys_typed_over_the_glance_reach_the_workbench_in_order(
    project: Store, seed_id: str
) -> None:
    app = workbench_app(project.path, "alice", seed_id)
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert app.loading
            # As a terminal delivers keys typed before the workbench is there: a word
            # selected with shift+right, labelled (a: attribution), then the next one (d).
            for key, character in [
                ("shift+right", None),
                ("a", "a"),
                ("d", "d"),
            ]:
                app.post_message(events.Key(key, character))
            await pilot.pause()
            await pilot.pause()
            assert not app.loading
            spans = [(s.start, s.end, s.label) for s in project.spans(seed_id, "alice")]
            assert spans == [(0, 6, "attribution"), (7, 14, "demand")]
    finally:
        close(app)


async def test_without_a_document_to_show_the_workbench_opens_as_before(
    project: Store,
) -> None:
    """Nothing in progress and no --doc: no glance, the queue as before."""
    assert glance(project.path, "alice", None) is None
    app = workbench_app(project.path, "alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert not app.loading
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)
    finally:
        close(app)


async def test_a_project_gone_after_the_glance_is_a_failure_not_a_traceback(
    project: Store, seed_id: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    project.backup(copy)
    app = workbench_app(copy, "alice", seed_id)
    assert isinstance(app, AnnotatorApp) and app.opened_store is None
    copy.unlink()  # between the glance and the opening
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert app.failure is not None and "no project here" in app.failure
    assert app.opened_store is None


def test_a_glance_is_only_had_from_a_sound_current_project(
    project: Store, seed_id: str, tmp_path: Path
) -> None:
    assert glance(project.path, "alice", seed_id) is not None
    assert glance(project.path, "alice", "no-such-document") is None
    assert glance(tmp_path / "missing.db", "alice", seed_id) is None
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert glance(garbage, "alice", seed_id) is None
    older = tmp_path / "older.db"
    project.backup(older)
    with sqlite3.connect(older) as connection:
        connection.execute("PRAGMA user_version = 1")
    assert glance(older, "alice", seed_id) is None  # the store migrates it first
    unreadable = tmp_path / "scheme.db"
    project.backup(unreadable)
    with sqlite3.connect(unreadable) as connection:
        connection.execute("UPDATE project SET value = 'labels = 3' WHERE key = 'scheme'")
    assert glance(unreadable, "alice", seed_id) is None


def copy_with_scheme(project: Store, path: Path, change: tuple[str, str]) -> Path:
    """A copy of the project whose stored scheme text another writer changed (`change`:
    old, new), as an annotator that keeps no digest would: the digest left as it was."""
    project.backup(path)
    with sqlite3.connect(path) as connection:
        (text,) = connection.execute("SELECT value FROM project WHERE key = 'scheme'").fetchone()
        changed = text.replace(*change, 1)
        assert changed != text
        connection.execute("UPDATE project SET value = ? WHERE key = 'scheme'", (changed,))
    return path


def test_the_glance_reads_the_scheme_from_its_digest_while_that_is_current(
    project: Store, seed_id: str, tmp_path: Path
) -> None:
    """The digest (read by SQLite, no TOML parsed) says what the TOML text says, and a
    digest of another text than the one stored is not used."""
    digested = glance(project.path, "alice", seed_id)
    assert digested is not None
    scheme = project.scheme
    assert digested.scheme == scheme.qualified_name == "negotiation-v2"
    assert digested.label_colors == {label.name: label.color for label in scheme.labels}
    assert digested.label_keys == {label.name: label.key for label in scheme.labels}
    assert list(digested.label_colors) == scheme.label_names  # the scheme's order
    # No digest (a project stored before they were kept): the TOML, to the same glance.
    undigested = tmp_path / "undigested.db"
    project.backup(undigested)
    with sqlite3.connect(undigested) as connection:
        connection.execute("DELETE FROM project WHERE key = 'scheme_digest'")
    assert glance(undigested, "alice", seed_id) == digested
    # The text changed behind the digest's back: the text wins.
    stale = copy_with_scheme(
        project, tmp_path / "stale.db", ('color = "#e5534b"', 'color = "#123456"')
    )
    recoloured = glance(stale, "alice", seed_id)
    assert recoloured is not None and "#123456" in recoloured.label_colors.values()
    assert "#e5534b" in digested.label_colors.values()


def test_a_scheme_update_keeps_the_digest_current(project: Store, seed_id: str) -> None:
    text = project.scheme_text.replace('color = "#e5534b"', 'color = "#123456"', 1)
    project.update_scheme(text, "recoloured.toml")
    seen = glance(project.path, "alice", seed_id)
    assert seen is not None and "#123456" in seen.label_colors.values()
    with sqlite3.connect(project.path) as connection:
        (digest,) = connection.execute(
            "SELECT value FROM project WHERE key = 'scheme_digest'"
        ).fetchone()
    assert json.loads(digest)["text"] == text


def test_a_glance_at_a_digested_scheme_parses_no_toml(project: Store, seed_id: str) -> None:
    """tomllib (1.5 ms to import, 0.7 ms to parse the scheme) stays out of the first frame."""
    code = (
        "import sys; from pathlib import Path; from annotator.store.glance import glance; "
        f"seen = glance(Path({str(project.path)!r}), 'alice', {seed_id!r}); "
        "print(seen is not None and seen.label_colors['demand'], 'tomllib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [project.scheme.label("demand").color, "False"]


def test_the_glance_loads_neither_pydantic_nor_the_store_nor_typer() -> None:
    """What the first frame waits for: the glance, its screen and the app's module."""
    loaded = modules_loaded_by(
        "annotator.cli",
        "annotator.cli.plain",
        "annotator.tui",
        "annotator.store.glance",
        "annotator.tui.app",
        "annotator.tui.screens.glance",
    )
    assert "annotator.tui.screens.glance" in loaded
    unwanted = {"annotator.models", "annotator.store.facade"}
    heavy = {m for m in loaded if m.split(".")[0] in ("pydantic", "typer", "sqlite_utils")}
    assert sorted(heavy | (loaded & unwanted)) == []


def unreadable_scheme(project: Store, path: Path) -> Path:
    """A copy of the project whose stored scheme no longer validates (a colour `red`)."""
    return copy_with_scheme(project, path, ('color = "#e5534b"', 'color = "red"'))


@pytest.mark.parametrize("with_glance", [True, False])
async def test_a_stored_scheme_this_version_cannot_read_is_a_failure_not_a_crash(
    project: Store, seed_id: str, tmp_path: Path, with_glance: bool
) -> None:
    path = unreadable_scheme(project, tmp_path / "copy.db")
    app = workbench_app(path, "alice", seed_id if with_glance else None)
    assert app.loading is with_glance
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert app.failure is not None and "colour 'red' is not of the form" in app.failure
    close(app)


def test_the_cli_says_so_in_one_line(project: Store, seed_id: str, tmp_path: Path) -> None:
    path = unreadable_scheme(project, tmp_path / "copy.db")
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "annotate", "--db", str(path), "--as", "alice"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    # Without a terminal Textual still draws (to stderr); the error is the line after.
    shown = re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]|\x1b\][^\x07]*\x07", "", done.stderr)
    assert done.returncode == 1 and "Traceback" not in shown
    last = shown.strip().splitlines()[-1]
    assert last.startswith("error: ") and last.endswith(
        "labels[0].color: colour 'red' is not of the form '#rrggbb'"
    )


def test_the_collector_is_paused_from_the_start_to_the_first_frame(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run_workbench` pauses the cyclic collector; after the first frame it resumes with
    what the start made frozen (none of it is garbage), which is thawed once the
    workbench is there (the glance's widgets are garbage then); and it is on again
    whatever happens."""
    from annotator import tui

    seen: dict[str, tuple[bool, bool]] = {}  # (collecting, something frozen)

    def state() -> tuple[bool, bool]:
        return gc.isenabled(), gc.get_freeze_count() > 0

    open_project = AnnotatorApp._open_project

    def opening(app: AnnotatorApp, opening: Opening) -> None:  # after the first frame
        seen["loading"] = state()
        open_project(app, opening)

    def run_here(app: AnnotatorApp) -> None:  # the app run as run_test runs it, not in a tty
        seen["started"] = state()

        async def run() -> None:
            async with app.run_test(size=SIZE) as pilot:
                seen["first frame"] = state()
                await pilot.pause()
                assert not app.loading
                seen["ready"] = state()

        asyncio.run(run())

    monkeypatch.setattr(AnnotatorApp, "_open_project", opening)
    monkeypatch.setattr(tui, "run_app", run_here)
    tui.run_workbench(project.path, "alice", seed_id)
    assert seen == {
        "started": (False, False),
        "first frame": (False, False),
        "loading": (True, True),
        "ready": (True, False),
    }
    assert gc.isenabled()

    # No glance (nothing in progress: the queue): resumed after the first frame, nothing
    # frozen, since nothing loads behind it (a screen left later must be collectable).
    seen.clear()
    tui.run_workbench(project.path, "bob")
    assert seen == {
        "started": (False, False),
        "first frame": (False, False),
        "ready": (True, False),
    }

    def failing(app: AnnotatorApp) -> None:
        raise RuntimeError("the terminal went away")

    monkeypatch.setattr(tui, "run_app", failing)
    gc.disable()
    try:
        with pytest.raises(RuntimeError):
            tui.run_workbench(project.path, "alice", seed_id)
    finally:
        resumed = gc.isenabled()
        gc.enable()
    assert resumed

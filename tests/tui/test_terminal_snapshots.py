"""The workbench at 80x24, 120x36 and 250x50, in truecolor, 256 colours and NO_COLOR.

Each snapshot shows what that terminal shows: colours rounded to its palette (256), or
Textual's monochrome (NO_COLOR). Look at them for: five labels apart (tints in colour,
keys in the left margin everywhere), the label keys and `q Quit  ? Help` at 80x24, a
reading measure of about 100 columns at 250x50.
"""

from __future__ import annotations

from typing import Any

import pytest
from terminals import annotate, in_terminal, set_terminal
from textual.pilot import Pilot

from annotator.store import Store
from annotator.tui import make_app

SIZES = [(80, 24), (120, 36), (250, 50)]


@pytest.mark.parametrize("terminal", ["truecolor", "256", "no-color"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{width}x{height}" for width, height in SIZES])
def test_workbench_in_every_terminal(
    snap_compare: Any,
    project: Store,
    seed_id: str,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    terminal: str,
) -> None:
    set_terminal(monkeypatch, terminal)
    text = annotate(project, seed_id)

    async def on_the_nested_demand(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = pilot.app.screen.query_one("DocumentView")
        view.move_to(text.index("non-aligned"))  # type: ignore[attr-defined]
        await pilot.pause()

    app = in_terminal(make_app(project, "alice", open_doc=seed_id), terminal)
    assert snap_compare(app, terminal_size=size, run_before=on_the_nested_demand)

"""Labels stay apart in every colour system: tints from the terminal's palette (256 and
16 colours), and each label's key in the left margin of its rows (any terminal, NO_COLOR)."""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from terminals import SPANS, TERMINALS, annotate, set_terminal
from textual.color import Color
from tui_helpers import drawn_rows, open_doc, style_at

from annotator.models import Label
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.label_tints import LabelTints
from annotator.tui.widgets.row_painter import GUTTER

DARK = Color.parse("#1e1e1e")  # the dark theme's surface


def labels(store: Store) -> list[Label]:
    return list(store.scheme.labels)


@pytest.mark.parametrize("terminal", ["truecolor", "256", "16"])
async def test_each_label_has_a_background_of_its_own_in_every_colour_system(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch, terminal: str
) -> None:
    set_terminal(monkeypatch, terminal)
    text = annotate(project, seed_id)
    system = TERMINALS[terminal][1] or ColorSystem.TRUECOLOR
    app = make_app(project, "alice")
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.console.color_system == {"16": "standard"}.get(terminal, terminal)
        view = await open_doc(pilot, seed_id)
        view.move_to(len(text) - 1)  # the cursor away from the spans: tints, not focus
        await pilot.pause()
        shown: dict[str, object] = {}
        for covered, label in SPANS[:5]:
            background = style_at(view, text.index(covered) + 1).bgcolor
            assert background is not None
            # what the terminal shows: the colour rounded to its palette
            shown[label] = background.downgrade(system).get_truecolor()
        assert len(set(shown.values())) == 5, shown
        for red, green, blue in shown.values():  # type: ignore[misc]
            assert not red == green == blue  # a grey would say "a span" but not which


def test_rounding_the_plain_tints_would_merge_labels(store: Store) -> None:
    """Why tints are chosen from the palette: Rich's rounding of the truecolor tints."""
    colors = {label.name: label.color for label in labels(store)}
    plain = LabelTints(colors, DARK, "truecolor")
    rounded = {
        name: plain.get(name).background.rich_color.downgrade(ColorSystem.EIGHT_BIT).number
        for name in colors
    }
    assert rounded["demand"] == rounded["guarantor"]  # both grey
    assert rounded["attribution"] == rounded["opinion"]
    chosen = LabelTints(colors, DARK, "256")
    assert len({chosen.get(name).background for name in colors}) == len(colors)


def test_more_labels_than_palette_colours_still_get_a_tint() -> None:
    colors = {f"label{number}": "#e5534b" for number in range(20)}
    tints = LabelTints(colors, DARK, "standard")
    assert len({tints.get(name).background for name in colors}) == 9  # all it has
    assert all(tints.get(name).text is not None for name in colors)  # readable on them
    assert tints.get("not in the scheme").background is not None


@pytest.mark.parametrize("terminal", ["truecolor", "no-color"])
async def test_the_gutter_names_the_labels_on_each_row(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch, terminal: str
) -> None:
    set_terminal(monkeypatch, terminal)
    annotate(project, seed_id)
    app = make_app(project, "alice")
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.no_color == (terminal == "no-color")
        view = await open_doc(pilot, seed_id)
        rows = drawn_rows(view)
        gutters = {row[GUTTER:].split()[0]: row[:GUTTER] for row in rows if row.strip()}
        assert gutters["insisting"] == "d  "
        assert gutters["According"] == "ag "  # attribution, then guarantor, in reading order
        assert gutters["Council"] == "g  "
        assert gutters["work."] == "t  "
        assert gutters["which"] == "td "  # the outer quote first, then the demand inside
        assert gutters["Lavrov"] == "   "  # no span on the first row
        # The keys are the scheme's, not the names' first letters.
        project_keys = {label.name: label.key for label in labels(project)}
        assert project_keys["quote"] == "t"


async def test_more_labels_on_a_row_than_the_gutter_holds_say_so(
    project: Store, seed_id: str
) -> None:
    text = project.document(seed_id).text
    start = text.index("According to him")
    for offset, label in enumerate(["attribution", "opinion", "demand"]):
        project.add_span(seed_id, "alice", start + offset * 4, start + offset * 4 + 3, label)
    async with make_app(project, "alice").run_test(size=(120, 36)) as pilot:
        view = await open_doc(pilot, seed_id)
        row = next(row for row in drawn_rows(view) if "According" in row)
        assert row[:GUTTER] == "a+ "

"""The layout under the document view: wrapping, offsets <-> cells, literal display."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from annotator.tui.text_layout import TextLayout, display_text


def rows(layout: TextLayout) -> list[str]:
    return [
        "" if layout.is_spacer(row) else layout.drawn(row, *layout.row_range(row))
        for row in range(layout.row_count)
    ]


def test_words_wrap_at_spaces_and_long_words_are_cut() -> None:
    layout = TextLayout("aaa bbb ccc dddddddddddddddddddd e", 10, spacing=False)
    # A space where a row breaks hangs past the edge (it is not drawn).
    assert rows(layout) == ["aaa bbb ", "ccc ", "dddddddddd", "dddddddddd ", "e"]
    assert all(cell_len(row.rstrip()) <= 10 for row in rows(layout))


def test_spacer_rows_separate_wrapped_paragraphs_but_hold_no_text() -> None:
    text = "one two three four five six\nshort\nlast line"
    layout = TextLayout(text, 10)
    assert rows(layout) == ["one two ", "three four ", "five six", "", "short", "last line"]
    spacer = 3
    assert layout.is_spacer(spacer)
    # Offsets never land on a spacer: the next paragraph's first row owns its start.
    assert layout.row_of(text.index("short")) == spacer + 1
    # The line break belongs to the row before it.
    assert layout.row_of(text.index("\n")) == spacer - 1


def test_every_offset_maps_to_a_cell_and_back() -> None:
    text = "Talks 東京会談 on\ttabs 🕊️ and e\u0301 «quotes» " * 5
    layout = TextLayout(text, 23)
    for offset in range(len(text)):
        row = layout.row_of(offset)
        x = layout.x_of(offset, row)
        back = layout.offset_at(row, x)
        # Back to the first code point of the cluster drawn there.
        assert back <= offset
        assert layout.x_of(back, row) == x


def test_wide_characters_take_two_cells_and_rows_never_overflow() -> None:
    text = "安保保证仍是焦点" * 4
    layout = TextLayout(text, 9)
    for row in range(layout.row_count):
        assert layout.row_cells(row) <= 9
    assert layout.x_of(1) == 2
    assert layout.offset_at(0, 3) == 1  # the right half of the second character


def test_emoji_sequences_are_one_cluster_as_wide_as_textual_draws_them() -> None:
    text = "a👩\u200d👩\u200d👧b🕊️c🇺🇦d"
    layout = TextLayout(text, 40)
    drawn = layout.drawn(0, 0, len(text))
    assert drawn == text
    assert layout.row_cells(0) == cell_len(text)
    assert layout.x_of(text.index("b")) == 1 + cell_len("👩\u200d👩\u200d👧")


def test_tabs_advance_to_the_next_stop() -> None:
    layout = TextLayout("\tItem\tCost", 40)
    assert layout.drawn(0, 0, 10) == "        Item    Cost"
    assert layout.x_of(1) == 8


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("bell\x07", "bell␇"),
        ("[bold]x[/bold]", "[bold]x[/bold]"),
        ("right\u202eto left", "right\ufffdto left"),
        ("zero\u200bwidth", "zero\ufffdwidth"),
        ("c1\x85", "c1\ufffd"),
        ("\u0301mark", "◌\u0301mark"),
    ],
)
def test_unprintable_code_points_are_shown_by_a_visible_stand_in(text: str, drawn: str) -> None:
    layout = TextLayout(text, 60)
    assert layout.drawn(0, 0, len(text)) == drawn
    assert display_text(text) == drawn.replace("◌", "")  # one-line form, for lists


def test_crlf_line_breaks_are_not_drawn() -> None:
    text = "first\r\nsecond\r\n"
    layout = TextLayout(text, 20)
    assert rows(layout) == ["first", "second", ""]
    assert layout.x_of(text.index("\r")) == 5  # the break sits after the text

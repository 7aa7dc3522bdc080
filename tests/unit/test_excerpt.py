"""Excerpts for one-line lists: the covered text, and the text beyond a disputed edge."""

from __future__ import annotations

from annotator.tui.excerpt import excerpt

TEXT = "a group of guarantors including United Nations Security Council members should act"
UNITED = TEXT.index("United")
SECURITY = TEXT.index("Security")
END = TEXT.index(" should")


def test_nothing_disputed_is_shortened_in_the_middle() -> None:
    assert excerpt(TEXT, UNITED, END, 60) == "⟨United Nations Security Council members⟩"
    assert excerpt(TEXT, UNITED, END, 18) == "⟨United … members⟩"


def test_a_disputed_start_keeps_the_start_and_cuts_towards_the_shared_end() -> None:
    assert excerpt(TEXT, SECURITY, END, 18, (True, False)) == "⟨Security Counci…⟩"
    assert excerpt(TEXT, UNITED, END, 18, (True, False)) == "⟨United Nations …⟩"
    # With room to spare, the text before the start, from a word start.
    wide = excerpt(TEXT, SECURITY, END, 40, (True, False))
    assert wide == "…Nations ⟨Security Council members⟩"
    assert len(wide) <= 40


def test_a_disputed_end_gets_the_text_after_it() -> None:
    assert excerpt(TEXT, UNITED, SECURITY - 1, 40, (False, True)) == ("⟨United Nations⟩ Security…")
    assert excerpt(TEXT, UNITED, END, 16, (False, True)) == "⟨…uncil members⟩"


def test_both_edges_and_the_text_edges() -> None:
    both = excerpt(TEXT, SECURITY, TEXT.index(" members"), 50, (True, True))
    assert both == "…Nations ⟨Security Council⟩ members…"
    # At the start and the end of the text there is nothing beyond the edge.
    assert excerpt(TEXT, 0, 7, 40, (True, True)) == "⟨a group⟩ of…"  # to a word end
    assert excerpt(TEXT, END + 1, len(TEXT), 40, (True, True)) == "…members ⟨should act⟩"


def test_text_is_shown_literally() -> None:
    text = "line one\nline [b]two[/b]\x1b"
    shown = excerpt(text, 9, len(text), 40, (True, False))
    assert "\n" not in shown and "\x1b" not in shown and "[b]two[/b]" in shown

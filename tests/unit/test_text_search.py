"""The search keys' pure part: matches of a query, and which one F3 / shift+F3 go to."""

from __future__ import annotations

from annotator.tui.cursor import Selection
from annotator.tui.text_search import find_matches, match_from, search_origin

TEXT = "NATO, nato and Nato: [NATO]."


def test_matches_are_literal_and_case_insensitive() -> None:
    assert [TEXT[s:e] for s, e in find_matches(TEXT, "nato")] == ["NATO", "nato", "Nato", "NATO"]
    assert find_matches(TEXT, "[NATO]") == [(21, 27)]  # brackets are text, not a pattern
    assert find_matches(TEXT, "") == []
    assert len(find_matches("a" * 50, "a", limit=10)) == 10


def test_next_and_previous_match_wrap_around() -> None:
    matches = find_matches(TEXT, "nato")
    assert match_from(matches, 0, 1) == 0
    assert match_from(matches, 1, 1) == 1
    assert match_from(matches, len(TEXT), 1) == 0  # past the last: back to the first
    assert match_from(matches, 0, -1) == 3  # before the first: the last
    assert match_from(matches, matches[2][0], -1) == 1


def test_search_goes_on_from_the_selected_match() -> None:
    assert search_origin(None, 7, 1) == 7
    selected = Selection.of(6, 10)
    assert search_origin(selected, 0, 1) == 7  # past it going on
    assert search_origin(selected, 0, -1) == 6  # at it going back

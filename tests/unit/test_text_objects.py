"""Text objects and jump tags: the pure part of the workbench's motions."""

from __future__ import annotations

from hypothesis import given, strategies as st

from annotator.tokenize import TokenIndex
from annotator.tui.hints import HINT_LETTERS, assign_hints, hint_tags, hint_targets
from annotator.tui.text_objects import clause, find_char, quotation, sentence

TEXT = (
    "Lavrov said on Friday: “We want guarantees, and «firm ones», now.” "
    'Mr. Smith disagreed. He said "no deal" and left; the talks ended.\n'
    "A new paragraph — with a dash, and don’t forget it."
)


def cut(found: tuple[int, int] | None) -> str | None:
    return None if found is None else TEXT[found[0] : found[1]]


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def test_quotation_with_and_without_marks_and_growing_outwards() -> None:
    inner = quotation(TEXT, at("firm"))
    assert cut(inner) == "«firm ones»"
    assert cut(quotation(TEXT, at("firm"), marks=False)) == "firm ones"
    assert cut(quotation(TEXT, inner)) == "“We want guarantees, and «firm ones», now.”"
    assert cut(quotation(TEXT, at("want"), marks=False)) == (
        "We want guarantees, and «firm ones», now."
    )
    assert cut(quotation(TEXT, at("deal"))) == '"no deal"'
    assert quotation(TEXT, at("Lavrov")) is None
    # An apostrophe is not a closing mark; the paragraph bounds the search.
    assert quotation(TEXT, at("forget")) is None


def test_sentence_ignores_abbreviations_and_grows_by_a_sentence() -> None:
    first = sentence(TEXT, at("Smith"))
    assert cut(first) == "Mr. Smith disagreed."
    assert cut(sentence(TEXT, first)) == (
        'Mr. Smith disagreed. He said "no deal" and left; the talks ended.'
    )
    assert cut(sentence(TEXT, at("said"))) == (
        "Lavrov said on Friday: “We want guarantees, and «firm ones», now.”"
    )


def test_clause_stops_at_marks_and_dashes_and_grows_by_a_clause() -> None:
    found = clause(TEXT, at("left"))
    assert cut(found) == 'He said "no deal" and left'
    assert cut(clause(TEXT, found)) == 'He said "no deal" and left; the talks ended'
    assert cut(clause(TEXT, at("talks"))) == "the talks ended"
    assert cut(clause(TEXT, at("dash"))) == "with a dash"
    assert cut(clause(TEXT, at("paragraph"))) == "A new paragraph"


def test_find_char_counts_occurrences() -> None:
    assert find_char(TEXT, 0, ",") == TEXT.index(",")
    assert find_char(TEXT, 0, ",", 2) == TEXT.index(",", TEXT.index(",") + 1)
    assert find_char(TEXT, 0, "%") is None


@given(st.integers(min_value=0, max_value=2000))
def test_tags_are_distinct_and_none_is_the_prefix_of_another(count: int) -> None:
    tags = hint_tags(count)
    assert len(tags) == min(count, len(HINT_LETTERS) ** 2)
    assert len(set(tags)) == len(tags)
    assert all(len(tag) <= 2 for tag in tags)
    singles = {tag for tag in tags if len(tag) == 1}
    assert not any(tag[0] in singles for tag in tags if len(tag) == 2)
    assert [len(tag) for tag in tags] == sorted(len(tag) for tag in tags)


def test_nearest_words_get_the_shortest_tags() -> None:
    tokens = TokenIndex(TEXT)
    cursor = TEXT.index("Smith")
    targets = hint_targets(TEXT, tokens, 0, len(TEXT), cursor)
    assert targets[0] == cursor
    assert TEXT.index("“") in targets  # a quote starts there
    assert TEXT.index(":") not in targets  # punctuation is no word start
    tags = assign_hints(targets)
    assert tags["a"] == cursor
    assert set(tags.values()) == set(targets)

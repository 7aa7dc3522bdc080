"""`step_edge`: one edge of a span moved a token at a time, never past the other edge."""

from __future__ import annotations

import pytest

from annotator.models import SpanKey
from annotator.tokenize import TokenIndex
from annotator.tui.cursor import step_edge

TEXT = "Kyiv must abandon its ambitions."
TOKENS = TokenIndex(TEXT)


def extent(words: str) -> SpanKey:
    start = TEXT.index(words)
    return SpanKey(start, start + len(words), "CLAIM")


def text_of(moved: tuple[int, int] | None) -> str:
    assert moved is not None
    return TEXT[moved[0] : moved[1]]


@pytest.mark.parametrize(
    ("edge", "step", "expected"),
    [
        ("start", -1, "must abandon its"),
        ("start", 1, "its"),
        ("end", 1, "abandon its ambitions"),
        ("end", -1, "abandon"),
    ],
)
def test_each_step_moves_one_edge_by_one_token(edge: str, step: int, expected: str) -> None:
    assert text_of(step_edge(TOKENS, extent("abandon its"), edge, step)) == expected


def test_the_other_edge_stays_where_it_was() -> None:
    span = extent("abandon its")
    assert step_edge(TOKENS, span, "start", -1) == (TEXT.index("must"), span.end)
    assert step_edge(TOKENS, span, "end", 1) == (span.start, TEXT.index("."))


def test_edges_stop_at_the_ends_of_the_text() -> None:
    assert step_edge(TOKENS, extent("Kyiv must"), "start", -1) is None
    assert step_edge(TOKENS, extent("ambitions."), "end", 1) is None


def test_an_edge_cannot_reach_or_cross_the_other() -> None:
    one = extent("abandon")
    assert step_edge(TOKENS, one, "start", 1) is None
    assert step_edge(TOKENS, one, "end", -1) is None


def test_an_edge_off_token_boundaries_moves_to_the_next_one() -> None:
    start = TEXT.index("ust")  # a start inside "must"
    span = SpanKey(start, TEXT.index(" its"), "CLAIM")
    assert text_of(step_edge(TOKENS, span, "start", 1)) == "abandon"
    assert text_of(step_edge(TOKENS, span, "start", -1)) == "must abandon"


def test_empty_text_has_nowhere_to_go() -> None:
    assert step_edge(TokenIndex(""), SpanKey(0, 0, "CLAIM"), "end", 1) is None

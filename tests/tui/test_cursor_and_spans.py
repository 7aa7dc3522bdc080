"""Token moves of the selection, and the span index the view draws from."""

from __future__ import annotations

from annotator.models import Span
from annotator.tokenize import TokenIndex
from annotator.tui.cursor import Selection, extend, nudge, trim
from annotator.tui.span_index import SpanIndex

TEXT = "Kyiv must abandon its ambitions."
TOKENS = TokenIndex(TEXT)


def selected(selection: Selection | None) -> str:
    assert selection is not None
    return TEXT[selection.start : selection.end]


def test_each_press_adds_or_removes_exactly_one_token() -> None:
    cursor = TEXT.index("abandon")
    grown = [extend(TOKENS, None, cursor, 1)]
    for _ in range(3):
        grown.append(extend(TOKENS, grown[-1], cursor, 1))
    assert [selected(s) for s in grown] == [
        "abandon",
        "abandon its",
        "abandon its ambitions",
        "abandon its ambitions.",
    ]
    back = grown[-1]
    seen = []
    for _ in range(5):
        back = extend(TOKENS, back, cursor, -1)
        seen.append(selected(back))
    assert seen == [
        "abandon its ambitions",
        "abandon its",
        "abandon",
        "must abandon",  # past the anchor in one press: it flips sides
        "Kyiv must abandon",
    ]


def test_nudge_moves_the_head_by_one_character() -> None:
    selection = extend(TOKENS, None, TEXT.index("ambitions"), 1)
    assert selected(nudge(selection, 0, -1, len(TEXT))) == "ambition"
    assert selected(nudge(selection, 0, 1, len(TEXT))) == "ambitions."
    one = nudge(None, TEXT.index("its"), 1, len(TEXT))
    assert selected(one) == "i"
    assert nudge(one, 0, -1, len(TEXT)) is None  # emptied


def test_edges_snap_to_tokens_and_trim_whitespace() -> None:
    assert TOKENS.snap_edge(TEXT.index("ust"), right=False) == TEXT.index("must")
    assert TOKENS.snap_edge(TEXT.index("ust"), right=True) == TEXT.index(" abandon")
    assert TOKENS.snap_edge(TEXT.index(" abandon") + 1, right=True) == TEXT.index(" abandon")
    assert trim("  two words  ", 0, 13) == (2, 11)


def span(span_id: int, start: int, end: int, label: str) -> Span:
    return Span(id=span_id, doc_id="d", layer="a", start=start, end=end, label=label)


def test_runs_give_the_innermost_span_first_and_tile_the_range() -> None:
    outer, inner, other = span(1, 0, 20, "quote"), span(2, 5, 9, "demand"), span(3, 25, 30, "x")
    index = SpanIndex([other, inner, outer])
    assert [s.id for s in index.spans] == [1, 2, 3]
    assert index.at(6) == (inner, outer)
    assert index.at(22) == ()
    pieces = list(index.runs(0, 32))
    assert [(a, b) for a, b, _ in pieces] == [(0, 5), (5, 9), (9, 20), (20, 25), (25, 30), (30, 32)]
    assert index.hidden_in(0, 10) == [outer]
    assert index.following(2, 0, 1) is other
    assert index.following(None, 21, -1) is inner  # the last span starting before 21
    assert index.label_counts() == {"quote": 1, "demand": 1, "x": 1}

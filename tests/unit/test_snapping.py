"""One snapping rule: the workbench, the BIO exporters and the store ask the same index."""

from __future__ import annotations

from annotator.exporters.bio import align
from annotator.models import SpanRow
from annotator.tokenize import TokenIndex

TEXT = "Kyiv must abandon its ambitions."
INDEX = TokenIndex(TEXT)


def row(start: int, end: int) -> SpanRow:
    return SpanRow(id=1, layer="a", start=start, end=end, label="CLAIM")


def test_covering_is_every_token_touched_and_inside_those_wholly_within() -> None:
    start, end = TEXT.index("ust"), TEXT.index("bandon") + 3  # "ust aba"
    assert INDEX.covering(start, end) == (1, 3)  # must, abandon
    assert INDEX.covering(start, end, inside=True) == (2, 2)  # none wholly inside
    assert INDEX.covering(0, TEXT.index(" abandon"), inside=True) == (0, 2)


def test_snap_and_edges_follow_covering() -> None:
    start, end = TEXT.index("ust"), TEXT.index("bandon") + 3
    first, last = INDEX.covering(start, end)
    assert INDEX.snap(start, end) == (INDEX.starts[first], INDEX.ends[last - 1])
    assert INDEX.snap_edge(start, right=False) == INDEX.starts[first]
    assert INDEX.snap_edge(end, right=True) == INDEX.ends[last - 1]


def test_bio_align_uses_the_same_rule() -> None:
    start, end = TEXT.index("ust"), TEXT.index("bandon") + 3
    expanded = align(INDEX, row(start, end), "expand")
    assert expanded is not None
    assert (expanded.first, expanded.last) == INDEX.covering(start, end)
    assert not expanded.exact
    assert align(INDEX, row(start, end), "contract") is None
    assert align(INDEX, row(start, end), "strict") is None
    whole = align(INDEX, row(0, TEXT.index(" abandon")), "strict")
    assert whole is not None
    assert (whole.first, whole.last, whole.exact) == (0, 2, True)

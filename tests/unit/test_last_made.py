"""What the workbench builds twice in a row as it opens a document is built once.

The glance (the first frame) and the annotate screen that replaces it lay out and index
the same document: the second asks `of` and gets the first's, for equal inputs only.
"""

from __future__ import annotations

from annotator.last_made import LastMade
from annotator.tui.span_index import SpanIndex, SpanRef
from annotator.tui.text_layout import TextLayout

TEXT = "Kyiv must abandon its ambitions of joining the Western alliance. " * 40


def test_one_value_is_kept_and_given_again_for_an_equal_key_only() -> None:
    made: list[str] = []
    last: LastMade[tuple[int, ...], list[str]] = LastMade()

    def make(name: str) -> list[str]:
        made.append(name)
        return [name]

    first = last.get((1, 2), lambda: make("a"))
    assert last.get((1, 2), lambda: make("b")) is first  # equal key, another tuple
    assert made == ["a"]
    other = last.get((1, 3), lambda: make("c"))
    assert other == ["c"] and made == ["a", "c"]
    assert last.get((1, 2), lambda: make("d")) == ["d"]  # one kept: the last one made


def test_a_layout_is_shared_for_the_same_text_at_the_same_width() -> None:
    first = TextLayout.of(TEXT, 60)
    assert TextLayout.of("".join(list(TEXT)), 60) is first
    assert (first.starts, first.ends) == (TextLayout(TEXT, 60).starts, TextLayout(TEXT, 60).ends)
    wider = TextLayout.of(TEXT, 80)
    assert wider is not first and wider.width == 80 and wider.row_count < first.row_count
    # Widths below the minimum lay out alike: they are one key.
    assert TextLayout.of(TEXT, 3) is TextLayout.of(TEXT, 5)


def test_a_span_index_is_shared_for_equal_spans_in_any_order() -> None:
    spans = [
        SpanRef(3, 10, 20, "demand"),
        SpanRef(1, 0, 4, "attribution"),
        SpanRef(2, 5, 9, "quote"),
    ]
    first = SpanIndex.of(spans)
    assert [span.id for span in first.spans] == [1, 2, 3]  # in reading order
    copies = [SpanRef(span.id, span.start, span.end, span.label) for span in reversed(spans)]
    again = SpanIndex.of(copies)
    assert again is first
    relabelled = SpanIndex.of([*spans[1:], SpanRef(3, 10, 20, "opinion")])
    assert relabelled is not first and relabelled.at(12)[0].label == "opinion"
    assert first.at(12)[0].label == "demand"  # the one given out before is not changed

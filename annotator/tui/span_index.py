"""The spans of one layer of one document, ordered and swept into coverage runs.

Drawing a row asks "which spans cover each character here, innermost first"; moving the
cursor asks "which spans are under it" and "which span comes next". Both are answered by
bisecting precomputed lists, so neither depends on how many spans the document has. The
index is rebuilt (one sweep) when the spans change, never when the cursor moves.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple, Protocol

from annotator.last_made import LastMade
from annotator.shapes import Extent, SpanKey, reading_order


class SpanLike(Extent, Protocol):
    """An `Extent` with the stored id it has when it has one."""

    @property
    def id(self) -> int | None: ...


class SpanRef(NamedTuple):
    """What the workbench keeps of a stored span: a tenth of the memory of the model.

    A handle (with the stored id), not another span type: across layers it compares as
    its `key` (`models.SpanKey`) and sorts by `models.reading_order`, like every other
    span. A named tuple, as `Selection` is: a frozen dataclass costs several times as much
    to define, and this one is defined on the way to the first frame.
    """

    id: int
    start: int
    end: int
    label: str

    @classmethod
    def of(cls, span: SpanLike) -> SpanRef:
        return cls(span.id or 0, span.start, span.end, span.label)

    @property
    def key(self) -> SpanKey:
        """What makes it the same span as one in another layer (its id does not)."""
        return SpanKey(self.start, self.end, self.label)


def _inner_first(span: SpanLike) -> tuple[int, int, str, int]:
    return (span.end - span.start, -span.start, span.label, span.id or 0)


class SpanIndex:
    """Spans in reading order, with the runs of text that the same set of spans covers.

    `run_starts[i]` is where run `i` begins; it lasts until the next run. `run_spans[i]` is
    the tuple of spans covering it, innermost (shortest) first; empty between spans.
    """

    def __init__(self, spans: Iterable[SpanLike] = ()) -> None:
        self.spans: list[SpanLike] = sorted(spans, key=reading_order)
        self.starts = [span.start for span in self.spans]
        self.by_id = {span.id: span for span in self.spans}
        self._order = {span.id: index for index, span in enumerate(self.spans)}
        self.run_starts: list[int] = [0]
        self.run_spans: list[tuple[SpanLike, ...]] = [()]
        self._counts: Counter[str] | None = None
        self._sweep()

    @classmethod
    def of(cls, spans: Iterable[SpanLike]) -> SpanIndex:
        """The index of `spans`, shared with the one made last for equal spans
        (`last_made`: the glance, then the workbench, index a document's; 20 ms for 9k)."""
        ordered = sorted(spans, key=reading_order)
        return _LAST_MADE.get(ordered, lambda: cls(ordered))

    def _sweep(self) -> None:
        opening: dict[int, list[SpanLike]] = {}
        closing: dict[int, list[SpanLike]] = {}
        for span in self.spans:
            opening.setdefault(span.start, []).append(span)
            closing.setdefault(span.end, []).append(span)
        active: dict[int, SpanLike] = {}
        for boundary in sorted(opening.keys() | closing.keys()):
            for span in closing.get(boundary, ()):
                del active[id(span)]
            for span in opening.get(boundary, ()):
                active[id(span)] = span
            covering = tuple(sorted(active.values(), key=_inner_first))
            if boundary == self.run_starts[-1]:
                self.run_spans[-1] = covering
            else:
                self.run_starts.append(boundary)
                self.run_spans.append(covering)

    def __len__(self) -> int:
        return len(self.spans)

    def at(self, offset: int) -> tuple[SpanLike, ...]:
        """Spans covering the character at `offset`, innermost first."""
        return self.run_spans[bisect.bisect_right(self.run_starts, offset) - 1]

    def runs(self, start: int, end: int) -> Iterator[tuple[int, int, tuple[SpanLike, ...]]]:
        """`(from, to, spans)` pieces that tile `[start, end)` exactly."""
        index = bisect.bisect_right(self.run_starts, start) - 1
        position = start
        count = len(self.run_starts)
        while position < end:
            stop = self.run_starts[index + 1] if index + 1 < count else end
            stop = min(stop, end)
            if stop > position:
                yield position, stop, self.run_spans[index]
            position = stop
            index += 1

    def overlapping(self, start: int, end: int) -> list[SpanLike]:
        """Spans overlapping `[start, end)`, in reading order."""
        seen: dict[int | None, SpanLike] = {}
        for _from, _to, covering in self.runs(start, end):
            for span in covering:
                seen.setdefault(span.id, span)
        return sorted(seen.values(), key=reading_order)

    def position(self, span_id: int | None) -> int | None:
        """Index of a span in reading order."""
        return self._order.get(span_id)

    def following(self, span_id: int | None, offset: int, step: int) -> SpanLike | None:
        """The span after (`step` 1) or before (-1) a span, or else the first from `offset`."""
        if not self.spans:
            return None
        index = self._order.get(span_id)
        if index is None:
            index = bisect.bisect_left(self.starts, offset)
            index = index if step > 0 else index - 1
        else:
            index += step
        if 0 <= index < len(self.spans):
            return self.spans[index]
        return None

    def label_counts(self) -> Counter[str]:
        if self._counts is None:
            self._counts = Counter(span.label for span in self.spans)
        return self._counts

    def hidden_in(self, start: int, end: int) -> list[SpanLike]:
        """Spans that cover part of `[start, end)` under an inner span: outermost first."""
        hidden: dict[int | None, SpanLike] = {}
        for _from, _to, covering in self.runs(start, end):
            for span in covering[1:]:
                hidden.setdefault(span.id, span)
        return sorted(hidden.values(), key=lambda span: span.start - span.end)


_LAST_MADE: LastMade[list[SpanLike], SpanIndex] = LastMade()

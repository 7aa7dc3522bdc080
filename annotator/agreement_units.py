"""The report's units: how documents become the rows the coefficients count.

`annotator.agreement_report` reads each document once; this module turns what it read
into the shapes the coefficients of `annotator.agreement` take:

- token (or character) columns, one value per annotator, for Cohen's and Fleiss' kappa
  and Krippendorff's alpha; a unit's value is the set of labels covering it;
- documents laid end to end (one continuum, as INCEpTION does) for alpha_u, with each
  rater's overlapping spans of one label merged first, as alpha_u requires;
- the label confusion counts over overlapping spans of different annotators.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from annotator import agreement
from annotator.tokenize import TokenIndex

NONE_LABEL = "∅"
"""Confusion-matrix row/column for a span the other annotator did not mark at all."""

Level = Literal["token", "char"]


@dataclass
class ReadDocument:
    """What a read document leaves behind: enough to lay it out again for alpha_u."""

    id: str
    length: int
    annotators: list[str]
    merged: dict[str, dict[str, list[tuple[int, int]]]]
    """annotator -> label -> the label's spans merged: alpha_u's `(start, length)` units"""


def unit_columns(
    text: str, level: Level, spans: list[list[tuple[str, int, int]]], bits: dict[str, int]
) -> tuple[int, Counter[tuple[int, ...]]]:
    """Units of one document, and how many units carry each combination of annotators' values.

    A unit's value for one annotator is the bit mask of the labels covering it, so overlapping
    labels stay one categorical value. Values only change where a span starts or ends, so the
    units are cut into runs at those points and each run is counted once, whatever its length:
    a handful of runs per span instead of one step per token.
    """
    if level == "token":
        index = TokenIndex(text)
        starts, ends = index.starts, index.ends
        count = len(starts)
    else:
        count = len(text)
    cuts = {0, count}
    marks: list[tuple[int, int, int, int]] = []  # (annotator, bit, first unit, last unit + 1)
    for who, found in enumerate(spans):
        for label, start, end in found:
            if level == "token":
                # Tokens that overlap [start, end): those ending after start, starting before end.
                first, last = bisect_right(ends, start), bisect_left(starts, end)
            else:
                first, last = min(max(start, 0), count), min(max(end, 0), count)
            if first < last:
                marks.append((who, bits[label], first, last))
                cuts.add(first)
                cuts.add(last)
    bounds = sorted(cuts)
    run = {cut: position for position, cut in enumerate(bounds)}
    values = [[0] * (len(bounds) - 1) for _ in spans]
    for who, bit, first, last in marks:
        row = values[who]
        for position in range(run[first], run[last]):
            row[position] |= bit
    columns: Counter[tuple[int, ...]] = Counter()
    for column, (begin, end) in zip(
        zip(*values, strict=True), itertools.pairwise(bounds), strict=True
    ):
        columns[column] += end - begin
    return count, columns


def merged_units(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of `(start, end)` intervals as sorted `(start, length)` units.

    alpha_u needs one rater's units of a label not to overlap; touching ones are joined too.
    """
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end - start) for start, end in merged]


class Layout:
    """Documents laid end to end, as alpha_u sees them: each annotator's units per label.

    Several alpha_u figures usually rest on the same documents (every pair and all
    annotators, when everybody finished everything), so a layout is built once per set of
    documents and shared.
    """

    def __init__(self, docs: list[ReadDocument]) -> None:
        self.length = 0
        self.units: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for doc in docs:
            offset = self.length
            for name, by_label in doc.merged.items():
                mine = self.units.setdefault(name, {})
                for label, found in by_label.items():
                    mine.setdefault(label, []).extend(
                        [(offset + start, size) for start, size in found]
                    )
            self.length += doc.length


def layout(cache: dict[tuple[str, ...], Layout], docs: list[ReadDocument]) -> Layout:
    key = tuple(doc.id for doc in docs)
    if key not in cache:
        cache[key] = Layout(docs)
    return cache[key]


def alpha_u(layout: Layout, raters: list[str], labels: list[str]) -> tuple[float, dict[str, float]]:
    """alpha_u over a layout's documents, for `raters` who all finished every one of them."""
    if layout.length == 0 or len(raters) < 2:
        return math.nan, dict.fromkeys(labels, math.nan)
    used = {label for name in raters for label in layout.units.get(name, {})}
    units = {
        label: [layout.units.get(name, {}).get(label, []) for name in raters] for label in used
    }
    overall, found = agreement.unitizing_alpha_grouped(
        units, begin=0, length=layout.length, raters=len(raters)
    )
    # A label nobody used has no expected disagreement: undefined, as unitizing_alpha says.
    return overall, {label: found.get(label, math.nan) for label in labels}


def fleiss(
    docs: list[ReadDocument], groups: dict[tuple[str, ...], Counter[tuple[int, ...]]]
) -> tuple[float, int, int]:
    """Fleiss' kappa needs the same raters per unit: the most common rater count is used."""
    if not docs:
        return math.nan, 0, 0
    raters = Counter(len(doc.annotators) for doc in docs).most_common(1)[0][0]
    # Raters are interchangeable here: a unit is the multiset of its values.
    rows: Counter[tuple[int, ...]] = Counter()
    for group, counts in groups.items():
        if len(group) == raters:
            for column, count in counts.items():
                rows[tuple(sorted(column))] += count
    categories = sorted({value for row in rows for value in row})
    index = {value: i for i, value in enumerate(categories)}
    matrix: list[list[int]] = []
    for row in rows:
        cells = [0] * len(categories)
        for value in row:
            cells[index[value]] += 1
        matrix.append(cells)
    units = sum(rows.values())
    kappa = agreement.fleiss_kappa(matrix, weights=list(rows.values())) if units else math.nan
    return kappa, units, raters


def krippendorff(
    units: int, groups: dict[tuple[str, ...], Counter[tuple[int, ...]]], everyone: list[str]
) -> tuple[float, int]:
    """Alpha over every annotator; a document's unit is missing for whoever did not finish it."""
    if not units or len(everyone) < 2:
        return math.nan, 0
    columns: Counter[tuple[int | None, ...]] = Counter()
    for group, counts in groups.items():
        where = [group.index(name) if name in group else None for name in everyone]
        for column, count in counts.items():
            columns[tuple(None if i is None else column[i] for i in where)] += count
    return agreement.krippendorff_alpha_from_counts(columns, level="nominal"), units


def confuse(
    matrix: list[list[int]], names: list[str], spans: dict[str, list[tuple[str, int, int]]]
) -> None:
    """Add one document's counts of (label of a, label of b) over overlapping spans.

    Each span of every annotator is paired with each other annotator's most-overlapping span
    (any label; the same label wins a tie); a span with no overlapping partner counts against
    the empty column. Both directions of every pair are counted, so the matrix is symmetric.
    """
    index = {label: i for i, label in enumerate(names)}
    none = index[NONE_LABEL]
    # Per annotator, sorted by start, with the start offsets and the longest span: only spans
    # starting within `longest` before a span can reach into it.
    ordered = {}
    for name, found in spans.items():
        by_start = sorted(found, key=lambda s: s[1])
        ordered[name] = (
            by_start,
            [start for _, start, _ in by_start],
            max((end - start for _, start, end in found), default=0),
        )
    for a, b in itertools.permutations(spans, 2):
        others, starts, longest = ordered[b]
        for label, start, end in spans[a]:
            best, best_overlap = none, 0
            for position in range(bisect_right(starts, start - longest), bisect_left(starts, end)):
                other, o_start, o_end = others[position]
                shared = (end if end < o_end else o_end) - (start if start > o_start else o_start)
                if shared > best_overlap or (shared == best_overlap > 0 and other == label):
                    best, best_overlap = index[other], shared
            row = index[label]
            matrix[row][best] += 1
            if best == none:
                matrix[none][row] += 1

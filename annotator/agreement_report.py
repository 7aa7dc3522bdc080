"""The agreement report: store data in, plain result models out, for CLI, HTML, JSON and TUI.

Only documents that at least two of the selected annotators marked done count, and every
pairwise figure rests on the documents both annotators of that pair finished. The numbers
come from `annotator.agreement` (pure functions); this module only gathers units:

- span F1, exact and overlap, per pair and per label;
- Krippendorff's alpha_u on characters, documents laid end to end as one continuum (as
  INCEpTION does), per pair and over every annotator on the documents all of them finished;
  a rater's overlapping spans of one label are merged first, as alpha_u requires;
- token- (or character-) level Cohen's kappa per pair, Fleiss' kappa and Krippendorff's
  alpha; a unit's value is the set of labels covering it ("O" for none), so overlapping
  labels stay one categorical value;
- a label confusion matrix over overlapping spans of different annotators;
- per-document agreement (mean overlap F1 over pairs), worst first.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from annotator import agreement
from annotator.store import Store
from annotator.tokenize import TokenIndex

NONE_LABEL = "∅"
"""Confusion-matrix row/column for a span the other annotator did not mark at all."""

Level = Literal["token", "char"]


@dataclass
class PairFigures:
    a: str
    b: str
    documents: int
    f1_exact: float
    f1_overlap: float
    precision_overlap: float
    recall_overlap: float
    alpha_u: float
    kappa: float
    kappa_units: int
    per_label_f1_exact: dict[str, float] = field(default_factory=dict)
    per_label_f1_overlap: dict[str, float] = field(default_factory=dict)
    per_label_alpha_u: dict[str, float] = field(default_factory=dict)


@dataclass
class DocumentFigures:
    id: str
    title: str
    annotators: list[str]
    f1_overlap: float
    f1_exact: float
    spans: int


@dataclass
class AgreementReport:
    level: Level
    annotators: list[str]
    labels: list[str]
    documents: int
    characters: int
    pairs: list[PairFigures]
    f1_exact: float
    f1_overlap: float
    per_label_f1_exact: dict[str, float]
    per_label_f1_overlap: dict[str, float]
    alpha_u: float
    alpha_u_documents: int
    per_label_alpha_u: dict[str, float]
    fleiss_kappa: float
    fleiss_units: int
    fleiss_raters: int
    krippendorff_alpha: float
    krippendorff_units: int
    confusion_labels: list[str]
    confusion: list[list[int]]
    per_document: list[DocumentFigures]


@dataclass
class _Doc:
    """What a read document leaves behind: enough to lay it out again for alpha_u."""

    id: str
    length: int
    annotators: list[str]
    merged: dict[str, dict[str, list[tuple[int, int]]]]
    """annotator -> label -> the label's spans merged: alpha_u's `(start, length)` units"""


class _Gathered:
    """Running sums over the documents, each document read, tokenized and matched once.

    Every figure of the report is a sum over documents (micro-averaged F1, unit counts,
    confusion counts) or needs only a document's merged units (alpha_u), so nothing else is
    kept once a document has been added: the report stays fast and small on tens of
    thousands of documents (issue 4).
    """

    def __init__(self, labels: list[str], level: Level) -> None:
        self.labels = labels
        self.level = level
        self.bits = {label: 1 << index for index, label in enumerate(labels)}
        self.docs: list[_Doc] = []
        self.pair_documents: Counter[tuple[str, str]] = Counter()
        self.pair_sums: dict[tuple[str, str], dict[str, list[int]]] = {}
        """(a, b) -> label -> [exact matches, overlap matches, spans of a, spans of b]"""
        self.groups: dict[tuple[str, ...], Counter[tuple[int, ...]]] = {}
        """annotators of a document -> their values per unit -> how many units have them"""
        self.units = 0
        self.confusion_labels = [*labels, NONE_LABEL]
        self.confusion = [[0] * len(self.confusion_labels) for _ in self.confusion_labels]
        self.per_document: list[DocumentFigures] = []

    def add(self, doc_id: str, text: str, spans: dict[str, list[tuple[str, int, int]]]) -> None:
        """One document and every finished annotator's spans, `annotator -> [(label, s, e)]`."""
        names = list(spans)
        by_label = {name: _by_label(spans[name]) for name in names}
        tallies = _tallies(names, by_label)
        exact_f1, overlap_f1 = [], []
        for pair, per_label in tallies.items():
            self.pair_documents[pair] += 1
            sums = self.pair_sums.setdefault(pair, {label: [0, 0, 0, 0] for label in self.labels})
            for label, found in per_label.items():
                total = sums[label]
                for position, count in enumerate(found):
                    total[position] += count
            exact, overlap, n_a, n_b = _totals(per_label.values())
            exact_f1.append(_score(exact, n_a, n_b)[2])
            overlap_f1.append(_score(overlap, n_a, n_b)[2])
        self.per_document.append(
            DocumentFigures(
                id=doc_id,
                title=_title(text),
                annotators=names,
                f1_overlap=_nanmean(overlap_f1),
                f1_exact=_nanmean(exact_f1),
                spans=sum(len(found) for found in spans.values()),
            )
        )
        units, columns = _unit_columns(text, self.level, list(spans.values()), self.bits)
        self.units += units
        self.groups.setdefault(tuple(names), Counter()).update(columns)
        _confuse(self.confusion, self.confusion_labels, spans)
        merged = {
            name: {label: _merged(found) for label, found in grouped.items()}
            for name, grouped in by_label.items()
        }
        self.docs.append(_Doc(doc_id, len(text), names, merged))


def build_report(
    store: Store,
    *,
    annotators: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    level: Level = "token",
) -> AgreementReport:
    """Gather the documents and compute every figure of the report."""
    wanted_labels = list(labels) if labels is not None else store.scheme.label_names
    label_set = set(wanted_labels)
    finished = store.finished_by(annotators)
    gathered = _Gathered(wanted_labels, level)
    for document, rows in store.iter_selected_documents(finished):
        spans: dict[str, list[tuple[str, int, int]]] = {name: [] for name in finished[document.id]}
        for _, layer, start, end, label in rows:
            kept = spans.get(layer)
            if kept is not None and label in label_set:
                kept.append((label, start, end))
        gathered.add(document.id, document.text, spans)
    docs = gathered.docs
    everyone = sorted({name for doc in docs for name in doc.annotators})
    layouts: dict[tuple[str, ...], _Layout] = {}
    pairs = [
        _pair_figures(a, b, gathered, layouts)
        for a, b in itertools.combinations(everyone, 2)
        if gathered.pair_documents[a, b]
    ]
    complete = [doc for doc in docs if len(doc.annotators) == len(everyone)]
    alpha_u, alpha_per_label = _alpha_u(_layout(layouts, complete), everyone, wanted_labels)
    fleiss, fleiss_units, fleiss_raters = _fleiss(docs, gathered.groups)
    k_alpha, k_units = _krippendorff(gathered, everyone)
    per_document = gathered.per_document
    per_document.sort(key=lambda d: (math.inf if math.isnan(d.f1_overlap) else d.f1_overlap, d.id))
    return AgreementReport(
        level=level,
        annotators=everyone,
        labels=wanted_labels,
        documents=len(docs),
        characters=sum(doc.length for doc in docs),
        pairs=pairs,
        f1_exact=_nanmean(pair.f1_exact for pair in pairs),
        f1_overlap=_nanmean(pair.f1_overlap for pair in pairs),
        per_label_f1_exact={
            label: _nanmean(pair.per_label_f1_exact[label] for pair in pairs)
            for label in wanted_labels
        },
        per_label_f1_overlap={
            label: _nanmean(pair.per_label_f1_overlap[label] for pair in pairs)
            for label in wanted_labels
        },
        alpha_u=alpha_u,
        alpha_u_documents=len(complete),
        per_label_alpha_u=alpha_per_label,
        fleiss_kappa=fleiss,
        fleiss_units=fleiss_units,
        fleiss_raters=fleiss_raters,
        krippendorff_alpha=k_alpha,
        krippendorff_units=k_units,
        confusion_labels=gathered.confusion_labels,
        confusion=gathered.confusion,
        per_document=per_document,
    )


def scale_colour(value: float) -> str:
    """Red at 0 (or below), yellow at 0.5, green at 1: the colour scale of every figure."""
    if math.isnan(value):
        return "#808080"
    x = min(1.0, max(0.0, value))
    if x < 0.5:
        red, green = 220, int(60 + 2 * x * 160)
    else:
        red, green = int(220 - (x - 0.5) * 2 * 170), 200
    return f"#{red:02x}{green:02x}50"


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def _nanmean(values: Iterable[float]) -> float:
    kept = [value for value in values if not math.isnan(value)]
    return sum(kept) / len(kept) if kept else math.nan


def _by_label(spans: list[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for label, start, end in spans:
        grouped.setdefault(label, []).append((start, end))
    return grouped


def _tallies(
    names: list[str], by_label: dict[str, dict[str, list[tuple[int, int]]]]
) -> dict[tuple[str, str], dict[str, tuple[int, int, int, int]]]:
    """Span matches of every pair in one document, per label used by either side.

    Matching never crosses documents or labels, so the micro-averaged F1 of a pair, of a
    label or of a document are all sums of these tallies. A pair where one side marked
    nothing is complete disagreement: its labels are tallied with no match.
    """
    tallies = {}
    for a, b in itertools.combinations(names, 2):
        first, second = by_label[a], by_label[b]
        per_label = {}
        for label in first.keys() | second.keys():
            spans_a, spans_b = first.get(label), second.get(label)
            if spans_a is None or spans_b is None:  # one side never used the label
                per_label[label] = (0, 0, len(spans_a or ()), len(spans_b or ()))
                continue
            exact, overlap = agreement.span_matches(spans_a, spans_b)
            per_label[label] = (exact, overlap, len(spans_a), len(spans_b))
        tallies[a, b] = per_label
    return tallies


def _totals(tallies: Iterable[Sequence[int]]) -> tuple[int, int, int, int]:
    """Tallies of several labels added up: (exact, overlap, n_a, n_b) of the pair overall."""
    exact = overlap = n_a = n_b = 0
    for e, o, x, y in tallies:
        exact, overlap, n_a, n_b = exact + e, overlap + o, n_a + x, n_b + y
    return exact, overlap, n_a, n_b


def _score(matched: int, n_a: int, n_b: int) -> tuple[float, float, float]:
    """(precision, recall, f1) with b as prediction; NaN where a denominator is zero."""
    precision = matched / n_b if n_b else math.nan
    recall = matched / n_a if n_a else math.nan
    f1 = 2 * matched / (n_a + n_b) if n_a + n_b else math.nan
    return precision, recall, f1


def _pair_figures(
    a: str, b: str, gathered: _Gathered, layouts: dict[tuple[str, ...], _Layout]
) -> PairFigures:
    sums = gathered.pair_sums[a, b]
    exact, overlap, n_a, n_b = _totals(sums.values())
    precision, recall, f1_overlap = _score(overlap, n_a, n_b)
    table: Counter[tuple[int, int]] = Counter()
    for group, counts in gathered.groups.items():
        if a in group and b in group:
            i, j = group.index(a), group.index(b)
            for column, count in counts.items():
                table[column[i], column[j]] += count
    units = table.total()
    shared = [doc for doc in gathered.docs if a in doc.annotators and b in doc.annotators]
    alpha, per_label_alpha = _alpha_u(_layout(layouts, shared), [a, b], gathered.labels)
    return PairFigures(
        a=a,
        b=b,
        documents=len(shared),
        f1_exact=_score(exact, n_a, n_b)[2],
        f1_overlap=f1_overlap,
        precision_overlap=precision,
        recall_overlap=recall,
        alpha_u=alpha,
        kappa=agreement.cohen_kappa_from_counts(table) if units else math.nan,
        kappa_units=units,
        per_label_f1_exact={label: _score(e, x, y)[2] for label, (e, _, x, y) in sums.items()},
        per_label_f1_overlap={label: _score(o, x, y)[2] for label, (_, o, x, y) in sums.items()},
        per_label_alpha_u=per_label_alpha,
    )


def _unit_columns(
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


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
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


class _Layout:
    """Documents laid end to end, as alpha_u sees them: each annotator's units per label.

    Several alpha_u figures usually rest on the same documents (every pair and all
    annotators, when everybody finished everything), so a layout is built once per set of
    documents and shared.
    """

    def __init__(self, docs: list[_Doc]) -> None:
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


def _layout(cache: dict[tuple[str, ...], _Layout], docs: list[_Doc]) -> _Layout:
    key = tuple(doc.id for doc in docs)
    if key not in cache:
        cache[key] = _Layout(docs)
    return cache[key]


def _alpha_u(
    layout: _Layout, raters: list[str], labels: list[str]
) -> tuple[float, dict[str, float]]:
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


def _fleiss(
    docs: list[_Doc], groups: dict[tuple[str, ...], Counter[tuple[int, ...]]]
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


def _krippendorff(gathered: _Gathered, everyone: list[str]) -> tuple[float, int]:
    """Alpha over every annotator; a document's unit is missing for whoever did not finish it."""
    units = gathered.units
    if not units or len(everyone) < 2:
        return math.nan, 0
    columns: Counter[tuple[int | None, ...]] = Counter()
    for group, counts in gathered.groups.items():
        where = [group.index(name) if name in group else None for name in everyone]
        for column, count in counts.items():
            columns[tuple(None if i is None else column[i] for i in where)] += count
    return agreement.krippendorff_alpha_from_counts(columns, level="nominal"), units


def _confuse(
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

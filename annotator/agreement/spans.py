"""Span-level precision, recall and F1 between annotator pairs, exact or overlapping matches."""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypeVar

from annotator.agreement.common import NAN, MatchMode

# --------------------------------------------------------------------------------------------
# Span-level precision, recall and F1 between annotator pairs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairScore:
    """Agreement of annotator ``b`` with annotator ``a`` taken as the reference.

    Attributes:
        precision: ``matched / n_b``; NaN when ``b`` has no spans.
        recall: ``matched / n_a``; NaN when ``a`` has no spans.
        f1: ``2 matched / (n_a + n_b)`` (the harmonic mean of precision and recall where both
            are defined; 0.0 when exactly one side has spans); NaN when neither has any.
            Symmetric in ``a`` and ``b``.
        matched: Number of one-to-one matched span pairs.
        n_a: Number of spans of ``a``.
        n_b: Number of spans of ``b``.
    """

    precision: float
    recall: float
    f1: float
    matched: int
    n_a: int
    n_b: int


@dataclass(frozen=True, slots=True)
class SpanF1:
    """Result of :func:`span_f1`.

    Attributes:
        f1: Mean of the defined (non-NaN) pair F1 values; NaN when no pair is defined.
        per_pair: ``(a, b) -> PairScore`` for every unordered annotator pair, ``a < b``.
        per_label: ``label -> SpanF1`` restricted to that label (every pair present, NaN where
            neither annotator used the label); empty inside a per-label entry.
    """

    f1: float
    per_pair: dict[tuple[str, str], PairScore]
    per_label: dict[str, SpanF1] = field(default_factory=dict)


def nanmean(values: Iterable[float]) -> float:
    """Mean of the defined values; NaN when none is (an undefined figure stays undefined)."""
    defined = [value for value in values if not math.isnan(value)]
    return math.fsum(defined) / len(defined) if defined else NAN


def pair_score(matched: int, n_a: int, n_b: int) -> PairScore:
    """Precision, recall and F1 of `matched` spans out of `n_a` and `n_b`, b as prediction."""
    return PairScore(
        precision=matched / n_b if n_b else NAN,
        recall=matched / n_a if n_a else NAN,
        f1=2 * matched / (n_a + n_b) if n_a + n_b else NAN,
        matched=matched,
        n_a=n_a,
        n_b=n_b,
    )


def _exact_matches(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> int:
    """One-to-one matches of identical offsets (duplicates match at most once each)."""
    distinct_a, distinct_b = set(first), set(second)
    if len(distinct_a) == len(first) and len(distinct_b) == len(second):
        return len(distinct_a & distinct_b)  # no duplicates (the usual case): a set meet
    counts = Counter(second)
    return sum(min(count, counts[span]) for span, count in Counter(first).items())


def _overlap_neighbours(
    first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> list[list[int]]:
    """For each span of ``first``, the indices of the spans of ``second`` it overlaps.

    ``second`` must be sorted by start. Scanning back from the last span that starts before
    ``end`` stops as soon as no earlier span can reach ``start`` (a running maximum of ends),
    so the cost follows the number of overlaps rather than ``len(first) * len(second)``.
    A few spans of one label in one document, the usual call, are simply compared pairwise:
    setting up the scan costs more than that.
    """
    if len(first) * len(second) <= 64:
        return [
            [j for j, (begin, finish) in enumerate(second) if begin < end and start < finish]
            for start, end in first
        ]
    starts = [start for start, _ in second]
    reach: list[int] = []  # reach[j]: the largest end among second[0..j]
    for _, end in second:
        reach.append(max(end, reach[-1]) if reach else end)
    result = []
    for start, end in first:
        found = []
        j = bisect_left(starts, end) - 1
        while j >= 0 and reach[j] > start:
            if second[j][1] > start:
                found.append(j)
            j -= 1
        found.reverse()
        result.append(found)
    return result


def _overlap_matches(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> int:
    """Maximum one-to-one matching of overlapping half-open intervals.

    A maximum bipartite matching: a greedy start (spans of ``first`` by end, each taking the
    free overlapping span of ``second`` that ends first), then Kuhn's augmenting paths from
    every span the greedy pass left unmatched, which makes the result maximum whatever the
    start. The search is iterative so that long paths cannot hit the recursion limit.
    """
    if not first or not second:
        return 0
    first, second = sorted(first, key=lambda span: (span[1], span[0])), sorted(second)
    neighbours = _overlap_neighbours(first, second)
    owner = [-1] * len(second)  # index into `first` matched to each span of `second`
    ends = [end for _, end in second]
    unmatched = []
    for node, candidates in enumerate(neighbours):
        free = [j for j in candidates if owner[j] == -1]
        if free:
            owner[min(free, key=ends.__getitem__)] = node
        else:
            unmatched.append(node)
    return len(first) - len(unmatched) + augment(neighbours, owner, unmatched)


def augment(neighbours: list[list[int]], owner: list[int], unmatched: list[int]) -> int:
    """Grow a one-to-one matching to a maximum one: Kuhn's augmenting paths.

    `neighbours[i]` lists the nodes of the other side node `i` may match; `owner[j]` is the
    node matched to `j` (-1: free), updated in place; `unmatched` are the nodes a first
    (greedy) pass left without a partner. Returns how many of them found one. The search is
    iterative so that long paths cannot hit the recursion limit.
    """
    matched = 0
    # Nodes visited by a failed search stay dead ends until the matching changes, so `seen`
    # is only cleared after a successful augmentation.
    seen = [False] * len(owner)
    for root in unmatched:
        stack = [(root, 0)]  # (span of first, next neighbour to try)
        path: list[int] = []  # path[k]: span of second reached from stack[k]
        while stack:
            node, tried = stack[-1]
            if tried == len(neighbours[node]):
                stack.pop()
                if path:
                    path.pop()
                continue
            stack[-1] = (node, tried + 1)
            other = neighbours[node][tried]
            if seen[other]:
                continue
            seen[other] = True
            if owner[other] == -1:
                for (left, _), right in zip(stack, [*path, other], strict=True):
                    owner[right] = left
                matched += 1
                seen = [False] * len(owner)
                break
            stack.append((owner[other], 0))
            path.append(other)
    return matched


def _checked_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans as a list, checked to be non-empty integer ranges from 0 on."""
    found = list(spans)
    # Plain ints pass in one cheap loop; anything else (numpy integers, ...) is converted.
    for start, end in found:
        if type(start) is not int or type(end) is not int or start < 0 or end <= start:
            break
    else:
        return found
    found = [(operator.index(start), operator.index(end)) for start, end in found]
    for start, end in found:
        if start < 0 or end <= start:
            raise ValueError(f"span [{start}, {end}) is empty")
    return found


def span_matches(
    first: Iterable[tuple[int, int]], second: Iterable[tuple[int, int]]
) -> tuple[int, int]:
    """One-to-one matches between two annotators' spans of one document and one label.

    The counts behind :func:`span_f1` (which matches with the same code), for callers that
    tally many documents themselves and need both modes: a report that wants per-document,
    per-pair and per-label figures would otherwise regroup every span once per mode.

    Args:
        first: ``(start, end)`` spans of one annotator, ``0 <= start < end``, any order.
        second: The same for the other annotator.

    Returns:
        ``(exact, overlap)``: the number of matched pairs under ``"exact"`` and ``"overlap"``
        matching as defined for :func:`span_f1`. ``exact <= overlap <= min(len(first),
        len(second))``.

    Raises:
        ValueError: For a span with ``start < 0`` or ``end <= start``.
    """
    spans_a, spans_b = _checked_spans(first), _checked_spans(second)
    if not spans_a or not spans_b:
        return 0, 0
    exact = _exact_matches(spans_a, spans_b)
    # Identical spans overlap, so an exact matching is an overlap matching: once it pairs off
    # every span of the smaller side, no overlap matching can do better and the search is
    # skipped (annotators mostly agree, so this is the common case).
    if exact == min(len(spans_a), len(spans_b)):
        return exact, exact
    return exact, _overlap_matches(spans_a, spans_b)


def span_f1(
    spans: Iterable[tuple[str, str, str, int, int]], *, match: MatchMode = "exact"
) -> SpanF1:
    """Pairwise span-level precision, recall and F1 between annotators.

    For every unordered pair of annotators ``(a, b)``, ``a < b`` in sorted order, ``a`` is the
    reference and ``b`` the prediction; counts are micro-averaged over all documents and labels
    in the input (every span of ``a`` and ``b`` counts, so the caller restricts the input to the
    documents both finished). Spans match only within the same document and label:

    * ``"exact"``: identical ``start`` and ``end``.
    * ``"overlap"``: the half-open intervals ``[start, end)`` share at least one character.
      Matching is one-to-one and maximal (a maximum bipartite matching, not a greedy pass):
      two spans of ``b`` inside one span of ``a`` count as one match.

    F1 is symmetric in ``a`` and ``b``; precision and recall swap.

    Args:
        spans: ``(annotator, document, label, start, end)`` tuples with ``0 <= start < end``
            (code-point offsets, end exclusive).
        match: ``"exact"`` or ``"overlap"``.

    Returns:
        A :class:`SpanF1`: the mean pair F1, the per-pair scores, and the same per label.
        ``f1`` is NaN with fewer than two annotators or when no pair has any span.

    Raises:
        ValueError: For an unknown match mode or a span with ``start < 0`` or ``end <= start``.
    """
    if match not in ("exact", "overlap"):
        raise ValueError(f"unknown match mode {match!r}; expected 'exact' or 'overlap'")
    matcher = _exact_matches if match == "exact" else _overlap_matches

    # annotator -> (document, label) -> [(start, end)]
    grouped: defaultdict[str, defaultdict[tuple[str, str], list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for annotator, document, label, start, end in spans:
        start, end = operator.index(start), operator.index(end)
        if start < 0 or end <= start:
            raise ValueError(f"span [{start}, {end}) of {annotator!r} in {document!r} is empty")
        grouped[annotator][document, label].append((start, end))
    return pairwise_f1(grouped, matcher)


Item = TypeVar("Item")


def pairwise_f1(
    grouped: Mapping[str, Mapping[tuple[str, str], list[Item]]],
    matcher: Callable[[list[Item], list[Item]], int],
) -> SpanF1:
    """Micro-averaged F1 of every annotator pair, overall and per label, from each
    annotator's items grouped by `(document, label)`; `matcher` counts the one-to-one
    matches of two annotators' items of one document and label. What `span_f1` and
    `relation_f1` share once they have grouped their items."""
    labels = {label for by_key in grouped.values() for _, label in by_key}
    pairs = list(combinations(sorted(grouped), 2))
    label_order = sorted(labels)
    # (pair, label) -> (matched, n_a, n_b)
    tallies: dict[tuple[tuple[str, str], str], tuple[int, int, int]] = {}
    for pair in pairs:
        first, second = grouped[pair[0]], grouped[pair[1]]
        for key in sorted(first.keys() | second.keys()):
            spans_a, spans_b = first.get(key, []), second.get(key, [])
            found = matcher(spans_a, spans_b)
            old = tallies.get((pair, key[1]), (0, 0, 0))
            tallies[pair, key[1]] = (
                old[0] + found,
                old[1] + len(spans_a),
                old[2] + len(spans_b),
            )

    per_label: dict[str, SpanF1] = {}
    for label in label_order:
        scores = {pair: pair_score(*tallies.get((pair, label), (0, 0, 0))) for pair in pairs}
        per_label[label] = SpanF1(f1=nanmean(s.f1 for s in scores.values()), per_pair=scores)

    per_pair: dict[tuple[str, str], PairScore] = {}
    for pair in pairs:
        rows = [tallies.get((pair, label), (0, 0, 0)) for label in label_order]
        per_pair[pair] = pair_score(*(sum(column) for column in zip(*rows, strict=True)))
    return SpanF1(
        f1=nanmean(score.f1 for score in per_pair.values()), per_pair=per_pair, per_label=per_label
    )

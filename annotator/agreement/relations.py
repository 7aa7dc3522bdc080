"""Relation-level precision, recall and F1 between annotator pairs, exact or lenient.

A relation is compared by what it links, never by ids (ids are per layer): its head and
child spans as `(start, end, label)` and its own label. Two annotators' relations match
only within one document and one relation label:

* **exact**: both spans are the same (offsets and span labels: `SpanKey`), and so is the
  direction (head to head, child to child).
* **lenient** (`"overlap"`, as in `span_f1`): the heads overlap and the children overlap
  (half-open intervals sharing a character); span labels are not compared, since the
  relation's declaration already constrains them and the span disagreement is what span F1
  measures. Matching is one-to-one and maximum (a bipartite matching), so two relations of
  one annotator cannot both take one relation of the other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from annotator.agreement.common import MatchMode
from annotator.agreement.spans import SpanF1, _overlap_neighbours, augment, pairwise_f1

End = tuple[int, int, str]
"""A relation's span: `(start, end, label)`, code points, end exclusive."""
Link = tuple[End, End]
"""A relation of one document and label, as compared: `(head, child)`."""


def _checked(links: Iterable[Link]) -> list[Link]:
    """The links as a list of plain tuples, each end checked to be a span."""
    found: list[Link] = []
    for head, child in links:
        ends: list[End] = []
        for start, end, label in (head, child):
            if type(start) is not int or type(end) is not int or start < 0 or end <= start:
                raise ValueError(f"relation end [{start}, {end}) is not a span")
            ends.append((start, end, label))
        found.append((ends[0], ends[1]))
    return found


def _exact_matches(first: list[Link], second: list[Link]) -> int:
    """One-to-one matches of identical links (a repeated link matches at most once each)."""
    counts = Counter(second)
    return sum(min(count, counts[link]) for link, count in Counter(first).items())


def _lenient_matches(first: list[Link], second: list[Link]) -> int:
    """Maximum one-to-one matching of links whose heads overlap and children overlap."""
    if not first or not second:
        return 0
    second = sorted(second, key=lambda link: (link[0][0], link[0][1]))
    by_head = _overlap_neighbours(
        [(head[0], head[1]) for head, _ in first], [(head[0], head[1]) for head, _ in second]
    )
    neighbours = [
        [j for j in found if second[j][1][0] < child[1] and child[0] < second[j][1][1]]
        for (_, child), found in zip(first, by_head, strict=True)
    ]
    owner = [-1] * len(second)
    unmatched = []
    for node, found in enumerate(neighbours):
        free = next((j for j in found if owner[j] == -1), None)
        if free is None:
            unmatched.append(node)
        else:
            owner[free] = node
    return len(first) - len(unmatched) + augment(neighbours, owner, unmatched)


def relation_matches(first: Iterable[Link], second: Iterable[Link]) -> tuple[int, int]:
    """One-to-one matches between two annotators' relations of one document and label.

    The counts behind :func:`relation_f1`, for callers that tally many documents
    themselves (the agreement report needs both modes per pair and per label).

    Args:
        first: ``(head, child)`` links of one annotator, each end ``(start, end, label)``.
        second: The same for the other annotator.

    Returns:
        ``(exact, lenient)`` matched pairs; ``exact <= lenient <= min(len(first),
        len(second))``.

    Raises:
        ValueError: For an end with ``start < 0`` or ``end <= start``.
    """
    links_a, links_b = _checked(first), _checked(second)
    if not links_a or not links_b:
        return 0, 0
    exact = _exact_matches(links_a, links_b)
    if exact == min(len(links_a), len(links_b)):
        return exact, exact  # identical links overlap: no lenient matching can do better
    return exact, _lenient_matches(links_a, links_b)


def relation_f1(
    relations: Iterable[tuple[str, str, str, End, End]], *, match: MatchMode = "exact"
) -> SpanF1:
    """Pairwise relation-level precision, recall and F1 between annotators.

    For every unordered pair of annotators ``(a, b)``, ``a < b`` in sorted order, ``a`` is
    the reference and ``b`` the prediction; counts are micro-averaged over all documents
    and relation labels in the input (the caller restricts it to the documents both
    finished). Relations match within one document and relation label, ``"exact"`` or
    ``"overlap"`` (lenient) as the module docstring defines.

    Args:
        relations: ``(annotator, document, label, head, child)`` with ``head`` and
            ``child`` as ``(start, end, span label)``.
        match: ``"exact"`` or ``"overlap"`` (lenient).

    Returns:
        A :class:`SpanF1` over relations: the mean pair F1, the per-pair scores, and the
        same per relation label. ``f1`` is NaN with fewer than two annotators or when no
        pair has any relation.

    Raises:
        ValueError: For an unknown match mode or an end that is not a span.
    """
    if match not in ("exact", "overlap"):
        raise ValueError(f"unknown match mode {match!r}; expected 'exact' or 'overlap'")
    matcher = _exact_matches if match == "exact" else _lenient_matches
    grouped: defaultdict[str, defaultdict[tuple[str, str], list[Link]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for annotator, document, label, head, child in relations:
        grouped[annotator][document, label].extend(_checked([(head, child)]))
    return pairwise_f1(grouped, matcher)

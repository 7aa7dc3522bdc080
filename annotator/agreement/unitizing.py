"""Krippendorff's alpha_u for unitizing a continuum: raters mark units (begin, length) of
categories; per category, grouped, and the disagreement terms alone.

Size: one algorithm (Krippendorff 2013) in one place; the segment distance, observed
sums and continuum helpers are only read together with the coefficients built on them.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, combinations, pairwise
from operator import add, itemgetter, sub

from annotator.agreement.common import NAN, Label

# --------------------------------------------------------------------------------------------
# Krippendorff's alpha_u for unitizing a continuum
# --------------------------------------------------------------------------------------------

# A segment of one rater's continuum for one category: (begin, length, is_unit).
_Segment = tuple[int, int, bool]


def _segment_distance(first: _Segment, second: _Segment) -> int:
    """Krippendorff's (2004) squared distance between two segments of two raters.

    Two units that overlap: squared difference of begins plus squared difference of ends.
    A unit lying entirely inside the other rater's gap: the unit's squared length (the other
    rater missed it entirely). Anything else, including gap against gap, a unit that only
    partly overlaps a gap, and non-overlapping segments: 0.
    """
    begin1, length1, unit1 = first
    begin2, length2, unit2 = second
    end1, end2 = begin1 + length1, begin2 + length2
    if unit1 and unit2:
        if begin1 < end2 and begin2 < end1:
            return (begin1 - begin2) ** 2 + (end1 - end2) ** 2
        return 0
    if unit1 and not unit2:
        return length1 * length1 if begin2 <= begin1 and end1 <= end2 else 0
    if unit2 and not unit1:
        return length2 * length2 if begin1 <= begin2 and end2 <= end1 else 0
    return 0


def _observed_sum(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]) -> int:
    """Sum of :func:`_segment_distance` over all segment pairs of two raters' partitions.

    Takes each rater's sorted, disjoint units ``(begin, length)`` rather than the partitions:
    gap against gap is always 0, and a unit scores against a gap only when it lies inside it,
    which for a partition means it overlaps none of the other rater's units. So the sum is
    the boundary distance of every overlapping unit pair plus the squared length of every unit
    the other rater left entirely uncovered. One two-pointer sweep over the units finds both:
    walking the gaps too would more than double the steps, and this runs per rater pair and
    category over every document of a report.
    """
    total = 0
    i = j = 0
    count1, count2 = len(first), len(second)
    hit1 = hit2 = False  # whether first[i] / second[j] has overlapped a unit of the other side
    while i < count1 and j < count2:
        begin1, length1 = first[i]
        begin2, length2 = second[j]
        end1, end2 = begin1 + length1, begin2 + length2
        if begin1 < end2 and begin2 < end1:
            total += (begin1 - begin2) ** 2 + (end1 - end2) ** 2
            hit1 = hit2 = True
        # The unit that ends first cannot overlap anything later on the other side.
        if end1 <= end2:
            if not hit1:
                total += length1 * length1
            i += 1
            hit1 = False
        if end2 <= end1:
            if not hit2:
                total += length2 * length2
            j += 1
            hit2 = False
    for rest, start, hit in ((first, i, hit1), (second, j, hit2)):
        for index in range(start + 1 if hit else start, len(rest)):
            length = rest[index][1]
            total += length * length
    return total


def _boundary_gaps(units: Sequence[tuple[int, int]], begin: int, end: int) -> list[int]:
    """Distances from each unit's end (and ``begin``) to the next unit's begin (and ``end``).

    For sorted units inside ``[begin, end)`` that do not overlap these are the rater's gap
    lengths, 0 where units touch. A negative distance is what makes units invalid: first or
    last, a unit outside the continuum; in between, two units overlapping (or out of order).
    One C-level pass serves as both the check and the gap lengths, because every unit of a
    pooled report goes through here.
    """
    starts = [*map(itemgetter(0), units), end]
    ends = [begin, *map(add, starts, map(itemgetter(1), units))]
    return list(map(sub, starts, ends))


@dataclass(frozen=True, slots=True)
class _Continuum:
    """Validated unitizing data: units grouped by category, then rater, sorted by begin."""

    begin: int
    length: int
    raters: int
    units: dict[Hashable, list[list[tuple[int, int]]]]
    gaps: dict[Hashable, list[int]]
    """category -> the lengths of the gaps between its units, every rater's together"""


def _continuum(
    units: Iterable[tuple[int, Hashable, int, int]], begin: int, length: int, raters: int
) -> _Continuum:
    begin, length, raters = operator.index(begin), operator.index(length), operator.index(raters)
    if length < 1:
        raise ValueError(f"the continuum must have a positive length, got {length}")
    if raters < 0:
        raise ValueError(f"raters must not be negative, got {raters}")
    end = begin + length
    index = operator.index
    grouped: dict[Hashable, list[list[tuple[int, int]]]] = {}
    # This loop sees every unit of a report (hundreds of thousands), hence the local names
    # and the skipped conversion for plain ints; the checks are the same for every unit.
    for rater, category, start, size in units:
        if type(rater) is not int or type(start) is not int or type(size) is not int:
            rater, start, size = index(rater), index(start), index(size)
        if not 0 <= rater < raters:
            raise ValueError(f"rater {rater} outside 0..{raters - 1}")
        if category is None:
            raise ValueError("a unit's category must not be None")
        if size < 1:
            if size < 0:
                raise ValueError(f"unit at {start} has a negative length {size}")
            if start < begin or start > end:
                raise ValueError(f"unit [{start}, {start}) outside the continuum [{begin}, {end})")
            continue  # zero-length: no mass, as in DKPro Statistics (other tools export them)
        if start < begin or start + size > end:
            raise ValueError(
                f"unit [{start}, {start + size}) outside the continuum [{begin}, {end})"
            )
        per_rater = grouped.get(category)
        if per_rater is None:
            per_rater = grouped[category] = [[] for _ in range(raters)]
        per_rater[rater].append((start, size))
    gaps: dict[Hashable, list[int]] = {}
    for category, per_rater in grouped.items():
        found = gaps[category] = []
        for rater, spans in enumerate(per_rater):
            spans.sort()
            distances = _boundary_gaps(spans, begin, end)
            if spans and min(distances) < 0:  # units are inside: only an overlap is negative
                (start1, _), (start2, _) = next(
                    (a, b) for a, b in pairwise(spans) if b[0] < a[0] + a[1]
                )
                raise ValueError(
                    f"rater {rater} has overlapping units of category {category!r} at "
                    f"{start1} and {start2}; merge them first"
                )
            found.extend(filter(None, distances))
    return _Continuum(begin, length, raters, grouped, gaps)


def _category_disagreement(data: _Continuum, category: Hashable) -> tuple[Fraction, Fraction]:
    """Exact ``(D_o, D_e)`` of one category; ``(0, 0)`` when nobody used it."""
    per_rater = data.units.get(category)
    if per_rater is None:
        return Fraction(0), Fraction(0)
    raters, length = data.raters, data.length

    observed = sum(
        _observed_sum(per_rater[r1], per_rater[r2]) for r1, r2 in combinations(range(raters), 2)
    )
    d_o = Fraction(2 * observed, raters * (raters - 1) * length * length)

    # Expected disagreement in Krippendorff's 2004 form, as in DKPro Statistics: every unit g
    # of the category (any rater) against every other unit of it and against every gap h (any
    # rater) at least as long as g, over all placements of g. The terms depend on lengths
    # only, and a report has far fewer distinct lengths than units: each is done once,
    # weighted by how often it occurs (all integers, so the sum is the same).
    unit_lengths = Counter(map(itemgetter(1), chain.from_iterable(per_rater)))
    gap_counts = Counter(data.gaps[category])
    gaps = sorted(gap_counts)
    # From index k on: how many gaps, and their total length.
    suffix_count = [0] * (len(gaps) + 1)
    suffix_total = [0] * (len(gaps) + 1)
    for k in range(len(gaps) - 1, -1, -1):
        count = gap_counts[gaps[k]]
        suffix_count[k] = suffix_count[k + 1] + count
        suffix_total[k] = suffix_total[k + 1] + count * gaps[k]
    others = unit_lengths.total() - 1
    expected = 0
    within = 0
    for size, count in unit_lengths.items():
        # (N_c - 1) (2l^3 - 3l^2 + l) / 3, where l(l-1)(2l-1) is always divisible by 6.
        term = others * size * (size - 1) * (2 * size - 1) // 3
        first = bisect_left(gaps, size)
        # sum over gaps with l_h >= l of (l_h - l + 1): the placements of g inside h.
        term += size * size * (suffix_total[first] - suffix_count[first] * (size - 1))
        expected += count * term
        within += count * size * (size - 1)
    pairs = raters * length * (raters * length - 1) - within
    d_e = Fraction(2 * expected, length * pairs) if pairs else Fraction(0)
    return d_o, d_e


def unitizing_alpha_by_category(
    units: Iterable[tuple[int, Hashable, int, int]],
    *,
    begin: int,
    length: int,
    raters: int,
) -> tuple[float, dict[Hashable, float]]:
    """The overall alpha_u and every category's, from one pass over the data.

    Same numbers as calling :func:`unitizing_alpha` once without and once per category,
    but the continuum is validated and each category's disagreements computed only once:
    a report over thousands of documents needs them all.

    Returns:
        ``(overall, {category: alpha_u})`` for the categories present in ``units``; NaN
        where :func:`unitizing_alpha` would return NaN.

    Raises:
        ValueError: As :func:`unitizing_alpha`.
    """
    return _alpha_by_category(_continuum(units, begin, length, raters))


def unitizing_alpha_grouped(
    units: Mapping[Label, Sequence[Sequence[tuple[int, int]]]],
    *,
    begin: int,
    length: int,
    raters: int,
) -> tuple[float, dict[Label, float]]:
    """:func:`unitizing_alpha_by_category` for units already grouped by category and rater.

    A caller that keeps its units grouped anyway (a report pooling thousands of documents
    keeps every annotator's spans per label) would otherwise flatten them into one tuple per
    unit only for them to be regrouped here; this takes the groups as they are.

    Args:
        units: ``category -> [units of rater 0, units of rater 1, ...]``, exactly ``raters``
            lists, each of ``(begin, length)`` units sorted by begin and not overlapping.
        begin: First position of the continuum.
        length: Length of the continuum, at least 1.
        raters: Number of raters, counting raters who marked nothing.

    Returns:
        ``(overall, {category: alpha_u})`` for the categories in ``units``, the same numbers
        as :func:`unitizing_alpha_by_category` on the same units.

    Raises:
        ValueError: As :func:`unitizing_alpha`, and for a category without exactly
            ``raters`` lists or a rater's units out of order.
    """
    data = _grouped_continuum(units, begin, length, raters)
    return _alpha_by_category(data)  # type: ignore[return-value]  # keys are the caller's


def _grouped_continuum(
    units: Mapping[Label, Sequence[Sequence[tuple[int, int]]]],
    begin: int,
    length: int,
    raters: int,
) -> _Continuum:
    begin, length, raters = operator.index(begin), operator.index(length), operator.index(raters)
    if length < 1:
        raise ValueError(f"the continuum must have a positive length, got {length}")
    if raters < 0:
        raise ValueError(f"raters must not be negative, got {raters}")
    end = begin + length
    grouped: dict[Hashable, list[list[tuple[int, int]]]] = {}
    gaps: dict[Hashable, list[int]] = {}
    for category, per_rater in units.items():
        if category is None:
            raise ValueError("a unit's category must not be None")
        if len(per_rater) != raters:
            raise ValueError(
                f"category {category!r} has units for {len(per_rater)} raters, expected {raters}"
            )
        checked = []
        found_gaps: list[int] = []
        for rater, spans in enumerate(per_rater):
            # Every unit of a pooled report passes here, once per figure that pools it, so
            # the checks run as C-level maps rather than as a Python loop per unit.
            found = spans if isinstance(spans, list) else list(spans)
            if not set(map(type, chain.from_iterable(found))) <= {int}:
                found = [(operator.index(start), operator.index(size)) for start, size in found]
            if found and min(map(itemgetter(1), found)) < 1:
                if min(map(itemgetter(1), found)) < 0:
                    raise ValueError(
                        f"rater {rater} has a unit of negative length of category {category!r}"
                    )
                # zero-length units carry no mass (as in DKPro Statistics): left out
                found = [unit for unit in found if unit[1]]
            distances = _boundary_gaps(found, begin, end)
            if found and min(distances) < 0:
                if distances[0] < 0 or distances[-1] < 0:
                    raise ValueError(
                        f"rater {rater} has a unit of category {category!r} outside the "
                        f"continuum [{begin}, {end})"
                    )
                raise ValueError(
                    f"rater {rater}'s units of category {category!r} overlap or are not sorted "
                    "by begin"
                )
            checked.append(found)
            found_gaps.extend(filter(None, distances))
        grouped[category] = checked
        gaps[category] = found_gaps
    return _Continuum(begin, length, raters, grouped, gaps)


def _alpha_by_category(data: _Continuum) -> tuple[float, dict[Hashable, float]]:
    if data.raters < 2:
        return NAN, dict.fromkeys(data.units, NAN)
    per_category: dict[Hashable, float] = {}
    observed = Fraction(0)
    expected = Fraction(0)
    for name in data.units:
        d_o, d_e = _category_disagreement(data, name)
        observed += d_o
        expected += d_e
        per_category[name] = float(1 - d_o / d_e) if d_e else NAN
    overall = float(1 - observed / expected) if expected else NAN
    return overall, per_category


def unitizing_disagreement(
    units: Iterable[tuple[int, Hashable, int, int]],
    *,
    begin: int,
    length: int,
    raters: int,
    category: Hashable,
) -> tuple[float, float]:
    """Observed and expected disagreement ``(D_o, D_e)`` of alpha_u for one category.

    The two terms behind :func:`unitizing_alpha`, exposed because a report that says *why*
    alpha is low (the raters disagree, or the category is so rare/long that little
    disagreement is expected by chance) is more useful than alpha alone. Formulas and
    validation are those of :func:`unitizing_alpha`.

    Args:
        units: ``(rater, category, begin, length)`` tuples, as for :func:`unitizing_alpha`.
        begin: First position of the continuum.
        length: Length of the continuum, at least 1.
        raters: Number of raters, including raters who marked nothing.
        category: The category whose disagreements to return.

    Returns:
        ``(D_o, D_e)``; ``(nan, nan)`` with fewer than two raters, ``(0.0, 0.0)`` when nobody
        used the category.

    Raises:
        ValueError: As :func:`unitizing_alpha`.
    """
    data = _continuum(units, begin, length, raters)
    if data.raters < 2:
        return NAN, NAN
    d_o, d_e = _category_disagreement(data, category)
    return float(d_o), float(d_e)


def unitizing_alpha(
    units: Iterable[tuple[int, Hashable, int, int]],
    *,
    begin: int,
    length: int,
    raters: int,
    category: Hashable | None = None,
) -> float:
    """Krippendorff's alpha_u for raters who each cut one continuum into categorised units.

    Follows Krippendorff (1995) "On the reliability of unitizing continuous data" and his
    2004 presentation ("Measuring the reliability of qualitative text analysis data";
    Content Analysis, 2nd ed.), whose expected-disagreement term corrects a small error in
    the 1995 one, exactly as DKPro Statistics' ``KrippendorffAlphaUnitizingAgreement`` (used
    by INCEpTION) computes it. For category ``c`` each
    rater's continuum ``[begin, begin + length)`` is partitioned into that rater's units of
    ``c`` and the gaps between them (units of other categories are gaps here). With ``m``
    raters and continuum length ``L``:

    * ``D_o(c) = sum over rater pairs i != j, over segments g of i and h of j, of
      delta2(g, h) / (m (m - 1) L**2)`` where ``delta2`` of two overlapping units is
      ``(b_g - b_h)**2 + (e_g - e_h)**2`` (begins and ends), of a unit lying inside the other
      rater's gap is the unit's squared length, and is 0 otherwise (gap vs gap, a unit only
      partly covered by a gap, disjoint segments).
    * ``D_e(c) = (2 / L) sum_g [(N_c - 1)(2 l_g**3 - 3 l_g**2 + l_g) / 3
      + l_g**2 sum_{gaps h, l_h >= l_g} (l_h - l_g + 1)] / (m L (m L - 1) - sum_g l_g (l_g - 1))``
      over the ``N_c`` units ``g`` of ``c`` of all raters and the gaps ``h`` of all raters.
    * ``alpha_u(c) = 1 - D_o(c) / D_e(c)``; the coefficient over all categories is
      ``1 - sum_c D_o(c) / sum_c D_e(c)`` (not the mean of the per-category values).

    Everything is computed with exact integers and fractions. To pool several documents,
    lay them end to end on one continuum.

    Args:
        units: ``(rater, category, begin, length)`` tuples with integer positions; raters are
            ``0 .. raters - 1``. A rater's units of one category must not overlap one another
            (units of different categories may). Units of length 0, which other tools
            export, carry no mass and are ignored, as in DKPro Statistics.
        begin: First position of the continuum.
        length: Length of the continuum, at least 1.
        raters: Number of raters, counting raters who marked nothing (their whole continuum is
            one gap, which is real disagreement with anyone who marked something).
        category: Restrict to this category; ``None`` for the coefficient over all categories
            that occur in ``units``.

    Returns:
        alpha_u (at most 1). NaN with fewer than two raters, and whenever the expected
        disagreement is zero: no unit of the category (or no unit at all), or units so
        constrained that no other placement exists (e.g. a continuum of length 1 fully covered
        by every rater). If observed and expected disagreement are equal the result is exactly
        0.0.

    Raises:
        ValueError: For a non-positive continuum length, a rater outside ``0 .. raters - 1``,
            a unit of negative length, a unit outside the continuum, overlapping units of one
            rater and category, or a unit whose category is ``None``.
    """
    data = _continuum(units, begin, length, raters)
    if data.raters < 2:
        return NAN
    categories = list(data.units) if category is None else [category]
    observed = Fraction(0)
    expected = Fraction(0)
    for name in categories:
        d_o, d_e = _category_disagreement(data, name)
        observed += d_o
        expected += d_e
    if expected == 0:
        return NAN
    return float(1 - observed / expected)

"""Inter-annotator agreement: chance-corrected coefficients and span-level F1, in plain Python.

Everything here is a pure function over plain Python values: no I/O, no database, and only the
standard library, so that importing the package stays light (no numpy).

Conventions shared by every function:

* **Undefined is NaN.** Where a coefficient is undefined (no data, no pairable values, zero
  expected disagreement because everybody used one single category, ...) the result is
  ``float("nan")``. A silent 1.0 would report perfect agreement on no evidence and a silent
  0.0 would report chance agreement on no evidence; NaN cannot be mistaken for either and
  propagates through averages unless the caller decides otherwise. Each docstring says which
  situations are undefined.
* **Invalid input raises.** Malformed input (sequences of different lengths, ragged matrices,
  spans outside the continuum, ...) raises ``ValueError`` rather than being guessed at.
* **Exact where cheap.** Counting coefficients (Cohen, Fleiss, unitizing alpha) are computed
  with integers and :class:`fractions.Fraction` and rounded to ``float`` once at the end, so
  that degenerate cases are detected exactly and perfect agreement is exactly 1.0. Krippendorff's
  alpha over arbitrary numbers is computed in floating point.

References for the formulas are given in each function's docstring.
"""

from __future__ import annotations

import math
import numbers
import operator
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from itertools import chain, combinations, pairwise
from operator import add, itemgetter, sub
from typing import Literal, TypeVar

__all__ = [
    "PairScore",
    "SpanF1",
    "cohen_kappa",
    "cohen_kappa_from_counts",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_from_counts",
    "observed_agreement",
    "span_f1",
    "span_matches",
    "unitizing_alpha",
    "unitizing_alpha_by_category",
    "unitizing_alpha_grouped",
    "unitizing_disagreement",
]

NAN = float("nan")

Level = Literal["nominal", "ordinal", "interval", "ratio"]
MatchMode = Literal["exact", "overlap"]
# A caller's own label or category type (str, int, ...): mappings are invariant in their keys.
Label = TypeVar("Label", bound=Hashable)

_LEVELS: frozenset[str] = frozenset({"nominal", "ordinal", "interval", "ratio"})


# --------------------------------------------------------------------------------------------
# Two coders, one label per item
# --------------------------------------------------------------------------------------------


def _paired(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[list[Hashable], list[Hashable]]:
    """Materialise two label sequences and insist that they describe the same items."""
    first, second = list(a), list(b)
    if len(first) != len(second):
        raise ValueError(
            f"the two label sequences differ in length ({len(first)} and {len(second)}); "
            "they must label the same items in the same order"
        )
    return first, second


def observed_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Proportion of items on which two coders chose the same label (raw percent agreement).

    Not chance-corrected: reported next to kappa because it is what people read first, and
    because a high observed agreement with a low kappa points at a skewed label distribution.

    Args:
        a: Labels of the first coder, one per item.
        b: Labels of the second coder, for the same items in the same order.

    Returns:
        The share of positions where ``a[i] == b[i]``; NaN when there are no items.

    Raises:
        ValueError: If the sequences differ in length.
    """
    first, second = _paired(a, b)
    if not first:
        return NAN
    agreed = sum(1 for x, y in zip(first, second, strict=True) if x == y)
    return float(Fraction(agreed, len(first)))


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's (1960) kappa for two coders who each labelled the same items.

    ``kappa = (p_o - p_e) / (1 - p_e)`` where ``p_o`` is the observed agreement and ``p_e`` the
    agreement expected if each coder drew labels independently from *their own* marginal
    distribution (this per-coder chance model is what distinguishes Cohen's kappa from Scott's
    pi). Computed exactly as ``(n * agreed - sum_c a_c * b_c) / (n**2 - sum_c a_c * b_c)`` with
    integer counts, which is the same as scikit-learn's unweighted ``cohen_kappa_score``.

    Every distinct value is a category, ``None`` included: filter missing items out before
    calling.

    Args:
        a: Labels of the first coder, one hashable label per item.
        b: Labels of the second coder, for the same items in the same order.

    Returns:
        Kappa in ``[-1, 1]``. NaN when there are no items, or when ``p_e == 1`` (both coders
        used one and the same single label throughout, so chance explains everything and the
        coefficient is 0/0).

    Raises:
        ValueError: If the sequences differ in length.
    """
    first, second = _paired(a, b)
    return cohen_kappa_from_counts(Counter(zip(first, second, strict=True)))


def cohen_kappa_from_counts(table: Mapping[tuple[Label, Label], int]) -> float:
    """Cohen's kappa from a contingency table instead of two label sequences.

    The same number as :func:`cohen_kappa` over items of which ``table[x, y]`` were labelled
    ``x`` by the first coder and ``y`` by the second (``cohen_kappa`` is computed through this
    function). Token-level agreement over a corpus has millions of items but a few dozen
    distinct label pairs, so the caller can count them as it goes instead of materialising
    both sequences.

    Args:
        table: ``(label of a, label of b) -> number of items``; non-negative integers.

    Returns:
        Kappa in ``[-1, 1]``; NaN as for :func:`cohen_kappa` (no items, or ``p_e == 1``).

    Raises:
        ValueError: If a count is negative.
        TypeError: If a count is not an integer.
    """
    n = agreed = 0
    counts_a: Counter[Hashable] = Counter()
    counts_b: Counter[Hashable] = Counter()
    for (x, y), count in table.items():
        count = operator.index(count)
        if count < 0:
            raise ValueError(f"negative count {count} for the label pair ({x!r}, {y!r})")
        n += count
        if x == y:
            agreed += count
        counts_a[x] += count
        counts_b[y] += count
    if n == 0:
        return NAN
    chance = sum(count * counts_b[label] for label, count in counts_a.items())
    denominator = n * n - chance
    if denominator == 0:
        return NAN
    return float(Fraction(n * agreed - chance, denominator))


# --------------------------------------------------------------------------------------------
# Many raters: Fleiss' kappa
# --------------------------------------------------------------------------------------------


def fleiss_kappa(counts: Sequence[Sequence[int]], weights: Sequence[int] | None = None) -> float:
    """Fleiss' (1971) kappa for a fixed number of raters per subject.

    ``counts[i][j]`` is how many raters put subject ``i`` into category ``j``. Raters need not
    be the same people from subject to subject, but every subject must have been rated by the
    same number ``n`` of raters: that is what the chance model assumes. Follows Fleiss (1971)
    exactly (the same as ``statsmodels.stats.inter_rater.fleiss_kappa(method="fleiss")``):
    ``P_i = sum_j n_ij (n_ij - 1) / (n (n - 1))``, ``P_bar`` their mean,
    ``p_j = sum_i n_ij / (N n)``, ``P_e = sum_j p_j**2`` and
    ``kappa = (P_bar - P_e) / (1 - P_e)``, computed with exact fractions.

    Args:
        counts: A subjects x categories matrix of non-negative integer rater counts.
        weights: How many subjects each row stands for (default 1 each). Token-level data
            repeats a handful of distinct rows millions of times; weighting them gives the
            same kappa without building the repeated matrix.

    Returns:
        Kappa (at most 1). NaN when there are no subjects, fewer than two raters per subject
        (no rater pairs to agree), or ``P_e == 1`` (all ratings fall into one category, so the
        coefficient is 0/0).

    Raises:
        ValueError: If rows differ in length or in their total (raters per subject), or a count
            is negative.
        TypeError: If a count is not an integer.
    """
    rows = [[operator.index(value) for value in row] for row in counts]
    repeat = [1] * len(rows) if weights is None else [operator.index(w) for w in weights]
    if len(repeat) != len(rows):
        raise ValueError(f"{len(repeat)} weights for {len(rows)} subjects")
    if any(w < 0 for w in repeat):
        raise ValueError("weights must not be negative")
    if not rows or sum(repeat) == 0:
        return NAN
    width = len(rows[0])
    raters = sum(rows[0])
    for number, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"subject {number} has {len(row)} categories, expected {width}")
        if any(value < 0 for value in row):
            raise ValueError(f"subject {number} has a negative count")
        if sum(row) != raters:
            raise ValueError(
                f"subject {number} has {sum(row)} raters, subject 0 has {raters}; "
                "Fleiss' kappa needs the same number of raters for every subject"
            )
    if raters < 2:
        return NAN
    subjects = sum(repeat)
    agreeing_pairs = sum(
        w * sum(v * (v - 1) for v in row) for row, w in zip(rows, repeat, strict=True)
    )
    p_bar = Fraction(agreeing_pairs, subjects * raters * (raters - 1))
    totals = [0] * width
    for row, w in zip(rows, repeat, strict=True):
        for j, value in enumerate(row):
            totals[j] += w * value
    p_e = Fraction(sum(total * total for total in totals), (subjects * raters) ** 2)
    if p_e == 1:
        return NAN
    return float((p_bar - p_e) / (1 - p_e))


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha for coding (coders x units, missing values allowed)
# --------------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    """``None`` and float NaN both mean "this coder did not code this unit"."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _spread(counts: Mapping[float, float]) -> float:
    """``sum_c sum_k n_c n_k (x_c - x_k)**2`` over ordered pairs, in linear time.

    Equals ``2 n sum_c n_c (x_c - mean)**2``; centring first keeps it numerically stable.
    """
    total = sum(counts.values())
    if total == 0:
        return 0.0
    mean = sum(count * value for value, count in counts.items()) / total
    return 2.0 * total * sum(count * (value - mean) ** 2 for value, count in counts.items())


def _nominal_pairs(counts: Mapping[Hashable, int]) -> float:
    """``sum_c sum_k n_c n_k [c != k]`` over ordered pairs: ``n**2 - sum_c n_c**2``."""
    total = sum(counts.values())
    return float(total * total - sum(count * count for count in counts.values()))


def _ratio_pairs(counts: Mapping[Hashable, int]) -> float:
    """``sum_c sum_k n_c n_k ((c - k) / (c + k))**2``; a pair summing to zero counts 0."""
    items = [(float(value), count) for value, count in counts.items()]  # type: ignore[arg-type]
    result = 0.0
    for (c, n_c), (k, n_k) in combinations(items, 2):
        if c + k != 0:
            result += 2.0 * n_c * n_k * ((c - k) / (c + k)) ** 2
    return result


def _midranks(marginals: Mapping[Hashable, int]) -> dict[Hashable, float]:
    """Ordinal positions: values below plus half of the value's own count (``n_g / 2``).

    ``(midrank_k - midrank_c)**2`` is Krippendorff's ordinal ``delta2(c, k)``.
    """
    position: dict[Hashable, float] = {}
    below = 0
    for value in sorted(marginals):  # type: ignore[type-var]
        position[value] = below + marginals[value] / 2
        below += marginals[value]
    return position


def _positional_pairs(position: Mapping[Hashable, float], counts: Mapping[Hashable, int]) -> float:
    """``sum_c sum_k n_c n_k (x_c - x_k)**2`` with ``x`` the given position of each value."""
    return _spread({position[value]: count for value, count in counts.items()})


def krippendorff_alpha(
    data: Sequence[Sequence[Hashable | None]], level: Level = "nominal"
) -> float:
    """Krippendorff's alpha for coders x units reliability data with missing values.

    Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": values of one
    unit are paired across coders, each unit with ``m_u >= 2`` values contributing its
    ``m_u (m_u - 1)`` ordered pairs with weight ``1 / (m_u - 1)`` to the coincidence matrix
    ``o_ck``; units with fewer than two values are not pairable and are dropped. With
    ``n_c = sum_k o_ck`` and ``n = sum_c n_c``::

        alpha = 1 - (n - 1) * sum_ck o_ck delta2(c, k) / sum_ck n_c n_k delta2(c, k)

    Difference functions ``delta2``: nominal ``[c != k]``; interval ``(c - k)**2``; ratio
    ``((c - k) / (c + k))**2`` (0 when ``c + k == 0``); ordinal
    ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)**2`` over the ranks of the sorted distinct
    pairable values, ``n_g`` being their coincidence marginals (the "n_g / 2" convention of the
    paper). The ordinal distance is the squared difference of mid-ranks
    ``cumsum(n)_g - n_g / 2``, which is how it is computed here. Matches the ``krippendorff``
    package (value domain = the observed values) to rounding.

    Args:
        data: One row per coder, one column per unit. ``None`` (or float NaN) marks a missing
            value. Values are hashable labels for ``"nominal"`` and real numbers otherwise.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.

    Returns:
        Alpha (at most 1). NaN when no unit has two values (nothing pairable), or when the
        expected disagreement is zero, e.g. all pairable values are equal, so that the
        coefficient is 0/0.

    Raises:
        ValueError: For an unknown level, ragged rows, or non-numeric values at a level other
            than nominal.
    """
    if level not in _LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {sorted(_LEVELS)}")
    rows = [list(row) for row in data]
    if not rows:
        return NAN
    width = len(rows[0])
    for number, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"coder {number} has {len(row)} units, coder 0 has {width}")

    # Identical columns contribute identically: count each distinct column once, weighted.
    # Coding data repeats few distinct columns many times, so this is where the time goes.
    return krippendorff_alpha_from_counts(Counter(zip(*rows, strict=True)), level)


def krippendorff_alpha_from_counts(
    columns: Mapping[tuple[Label | None, ...], int], level: Level = "nominal"
) -> float:
    """Krippendorff's alpha from distinct units and how often each occurs.

    The same number as :func:`krippendorff_alpha` over data in which the column (the values
    of every coder for one unit, ``None`` or NaN where missing) ``c`` occurs ``columns[c]``
    times, in any order (``krippendorff_alpha`` is computed through this function). A corpus
    of token units repeats a few dozen distinct columns millions of times; counting them as
    they are produced avoids building the coders x units matrix at all.

    Args:
        columns: ``column -> number of units``; non-negative integers.
        level: As for :func:`krippendorff_alpha`.

    Returns:
        Alpha (at most 1), or NaN as for :func:`krippendorff_alpha`.

    Raises:
        ValueError: For an unknown level, a negative count, or non-numeric values at a level
            other than nominal.
        TypeError: If a count is not an integer.
    """
    if level not in _LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {sorted(_LEVELS)}")
    units: list[Counter[Hashable]] = []
    unit_weights: list[int] = []
    for column, count in columns.items():
        weight = operator.index(count)
        if weight < 0:
            raise ValueError(f"negative count {weight} for the unit {column!r}")
        if weight == 0:
            continue
        values = [value for value in column if not _is_missing(value)]
        if len(values) >= 2:
            units.append(Counter(values))
            unit_weights.append(weight)
    if level != "nominal":
        for unit in units:
            for value in unit:
                if not isinstance(value, numbers.Real) or isinstance(value, bool):
                    raise ValueError(f"{level} alpha needs numbers, got {value!r}")

    marginals: Counter[Hashable] = Counter()
    for unit, weight in zip(units, unit_weights, strict=True):
        for value, count in unit.items():
            marginals[value] += count * weight
    if len(marginals) < 2:
        return NAN

    pairs: Callable[[Mapping[Hashable, int]], float]
    if level == "nominal":
        pairs = _nominal_pairs
    elif level == "ratio":
        pairs = _ratio_pairs
    else:
        position = (
            _midranks(marginals)
            if level == "ordinal"
            else {value: float(value) for value in marginals}  # type: ignore[arg-type]
        )
        pairs = partial(_positional_pairs, position)

    n = sum(marginals.values())
    observed = sum(
        weight * pairs(unit) / (sum(unit.values()) - 1)
        for unit, weight in zip(units, unit_weights, strict=True)
    )
    expected = pairs(marginals)
    if expected == 0:
        return NAN
    return 1.0 - (n - 1) * observed / expected


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
    matched = len(first) - len(unmatched)
    # Spans visited by a failed search stay dead ends until the matching changes, so `seen` is
    # only cleared after a successful augmentation.
    seen = [False] * len(second)
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
                seen = [False] * len(second)
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
    labels: set[str] = set()
    for annotator, document, label, start, end in spans:
        start, end = operator.index(start), operator.index(end)
        if start < 0 or end <= start:
            raise ValueError(f"span [{start}, {end}) of {annotator!r} in {document!r} is empty")
        grouped[annotator][document, label].append((start, end))
        labels.add(label)

    pairs = list(combinations(sorted(grouped), 2))
    label_order = sorted(labels)
    # (pair, label) -> (matched, n_a, n_b)
    tallies: dict[tuple[tuple[str, str], str], tuple[int, int, int]] = {}
    for pair in pairs:
        first, second = grouped[pair[0]], grouped[pair[1]]
        for key in first.keys() | second.keys():
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

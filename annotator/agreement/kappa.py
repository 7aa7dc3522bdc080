"""Cohen's kappa for two coders and Fleiss' kappa for many raters, one label per item.

Exact: counts are integers and fractions, rounded to float once at the end.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction

from annotator.agreement.common import NAN, Label

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

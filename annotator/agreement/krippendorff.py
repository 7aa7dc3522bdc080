"""Krippendorff's alpha for coding: coders x units, missing values allowed, every level."""

from __future__ import annotations

import math
import numbers
import operator
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from itertools import combinations

from annotator.agreement.common import NAN, Label, Level

_LEVELS: frozenset[str] = frozenset({"nominal", "ordinal", "interval", "ratio"})


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

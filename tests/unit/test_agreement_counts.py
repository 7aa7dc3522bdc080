"""The count-based and grouped entry points of `annotator.agreement` equal the plain ones.

A report over a large corpus hands the coefficients counts (contingency tables, distinct
units with their frequency) and pre-grouped units instead of per-item sequences. These are
different doors to the same numbers, so each is checked against the function that the
published examples in test_agreement.py pin, on random data.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest

from annotator.agreement import (
    Level,
    _observed_sum,
    _segment_distance,
    cohen_kappa,
    cohen_kappa_from_counts,
    krippendorff_alpha,
    krippendorff_alpha_from_counts,
    span_f1,
    span_matches,
    unitizing_alpha_by_category,
    unitizing_alpha_grouped,
)

# --------------------------------------------------------------------------------------------
# Cohen's kappa from a contingency table
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_cohen_kappa_from_counts_equals_sequences(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 80)
    a = [rng.choice("abcd"[: rng.randint(1, 4)]) for _ in range(n)]
    b = [x if rng.random() < 0.6 else rng.choice("abcde") for x in a]
    table = Counter(zip(a, b, strict=True))
    expected = cohen_kappa(a, b)
    got = cohen_kappa_from_counts(table)
    assert got == expected or (math.isnan(got) and math.isnan(expected))
    # Zero cells change nothing.
    padded = {**table, ("zz", "a"): 0}
    assert cohen_kappa_from_counts(padded) == got or math.isnan(got)


def test_cohen_kappa_from_counts_edge_cases() -> None:
    assert math.isnan(cohen_kappa_from_counts({}))
    assert math.isnan(cohen_kappa_from_counts({("x", "x"): 5}))  # p_e == 1
    # Wikipedia's proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4.
    table = {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    assert cohen_kappa_from_counts(table) == pytest.approx(0.4)
    numpy_counts = {(1, 1): np.int64(3), (1, 2): 1, (2, 2): 2}  # integers, just not int
    assert cohen_kappa_from_counts(numpy_counts) == cohen_kappa(  # type: ignore[arg-type]
        [1, 1, 1, 1, 2, 2], [1, 1, 1, 2, 2, 2]
    )
    with pytest.raises(ValueError, match="negative"):
        cohen_kappa_from_counts({("a", "a"): 3, ("a", "b"): -1})
    with pytest.raises(TypeError):
        cohen_kappa_from_counts({("a", "a"): 1.5})  # type: ignore[dict-item]


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha from distinct columns
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(8))
def test_krippendorff_from_counts_equals_matrix(level: Level, seed: int) -> None:
    rng = random.Random(seed)
    coders, units = rng.randint(2, 5), rng.randint(2, 60)
    data = [
        [None if rng.random() < 0.2 else rng.randint(1, 5) for _ in range(units)]
        for _ in range(coders)
    ]
    columns = list(Counter(zip(*data, strict=True)).items())
    rng.shuffle(columns)  # any order
    got = krippendorff_alpha_from_counts(dict(columns), level)
    expected = krippendorff_alpha(data, level)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_krippendorff_from_counts_edge_cases() -> None:
    columns: dict[tuple[str | None, ...], int] = {
        ("a", "a", None): 4,
        ("a", "b", "b"): 2,
        ("b", "b", "b"): 3,
    }
    base = krippendorff_alpha_from_counts(columns)
    # A column that occurs zero times is absent, whatever it holds.
    assert krippendorff_alpha_from_counts({**columns, ("c", "d", "e"): 0}) == base
    assert math.isnan(krippendorff_alpha_from_counts({}))
    assert math.isnan(krippendorff_alpha_from_counts({("a", None): 7}))  # nothing pairable
    with pytest.raises(ValueError, match="negative"):
        krippendorff_alpha_from_counts({("a", "b"): -1})
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha_from_counts(columns, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs numbers"):
        krippendorff_alpha_from_counts(columns, "interval")


# --------------------------------------------------------------------------------------------
# Span matches of one document and label
# --------------------------------------------------------------------------------------------


def random_spans(rng: random.Random, count: int) -> list[tuple[int, int]]:
    spans = []
    for _ in range(count):
        start = rng.randrange(40)
        spans.append((start, start + rng.randint(1, 12)))
    return spans


@pytest.mark.parametrize("seed", range(60))
def test_span_matches_equals_span_f1(seed: int) -> None:
    rng = random.Random(seed)
    # Small lists take the pairwise path, long ones the scan: both are exercised.
    first = random_spans(rng, rng.choice([0, 1, 3, 6, 20]))
    second = random_spans(rng, rng.choice([0, 1, 3, 6, 20]))
    if rng.random() < 0.3:
        second = [*first, *second[:2]]  # mostly agreeing, the shortcut's case
    exact, overlap = span_matches(first, second)
    spans = [("a", "d", "L", *s) for s in first] + [("b", "d", "L", *s) for s in second]
    for mode, got in (("exact", exact), ("overlap", overlap)):
        score = span_f1(spans, match=mode).per_pair.get(("a", "b"))  # type: ignore[arg-type]
        assert got == (score.matched if score is not None else 0)
    assert exact <= overlap <= min(len(first), len(second))
    assert span_matches(second, first) == (exact, overlap)


def test_span_matches_checks_its_input() -> None:
    assert span_matches([], [(0, 1)]) == (0, 0)
    numpy_spans = [(np.int64(0), np.int64(3))]  # integers, just not int
    assert span_matches(numpy_spans, [(1, 2)]) == (0, 1)  # type: ignore[arg-type]
    assert span_matches([(0, 3), (0, 3)], [(0, 3)]) == (1, 1)  # duplicates match once each
    with pytest.raises(ValueError, match="empty"):
        span_matches([(3, 3)], [(0, 1)])
    with pytest.raises(ValueError, match="empty"):
        span_matches([(0, 1)], [(-1, 2)])
    with pytest.raises(TypeError):
        span_matches([(0.5, 2)], [(0, 1)])  # type: ignore[list-item]


# --------------------------------------------------------------------------------------------
# alpha_u: grouped units, and the unit-only sweep for the observed disagreement
# --------------------------------------------------------------------------------------------


def random_grouped(
    rng: random.Random,
) -> tuple[dict[str, list[list[tuple[int, int]]]], int, int, int]:
    raters, begin, length = rng.randint(2, 4), rng.randint(0, 50), rng.randint(5, 80)
    grouped: dict[str, list[list[tuple[int, int]]]] = {}
    for category in "XYZ"[: rng.randint(1, 3)]:
        per_rater = []
        for _ in range(raters):
            units, position = [], begin + rng.randint(0, 4)
            while rng.random() < 0.85:
                size = rng.randint(1, 9)
                if position + size > begin + length:
                    break
                units.append((position, size))
                position += size + rng.choice([0, 0, 1, 2, 6])  # touching units happen
            per_rater.append(units)
        grouped[category] = per_rater
    return grouped, begin, length, raters


@pytest.mark.parametrize("seed", range(40))
def test_unitizing_grouped_equals_tuples(seed: int) -> None:
    grouped, begin, length, raters = random_grouped(random.Random(seed))
    flat = [
        (rater, category, start, size)
        for category, per_rater in grouped.items()
        for rater, units in enumerate(per_rater)
        for start, size in units
    ]
    overall, per_category = unitizing_alpha_grouped(
        grouped, begin=begin, length=length, raters=raters
    )
    expected, expected_per = unitizing_alpha_by_category(
        flat, begin=begin, length=length, raters=raters
    )
    assert overall == expected or (math.isnan(overall) and math.isnan(expected))
    for category, value in expected_per.items():
        assert isinstance(category, str)
        assert per_category[category] == value or (
            math.isnan(per_category[category]) and math.isnan(value)
        )
    # Categories nobody used are undefined, and add nothing to the overall figure.
    empty: dict[str, list[list[tuple[int, int]]]] = {
        **grouped,
        "unused": [[] for _ in range(raters)],
    }
    again, per_again = unitizing_alpha_grouped(empty, begin=begin, length=length, raters=raters)
    assert math.isnan(per_again["unused"])
    assert again == overall or (math.isnan(again) and math.isnan(overall))


def test_unitizing_grouped_rejects_bad_input() -> None:
    def alpha(units: dict, raters: int = 2) -> tuple:
        return unitizing_alpha_grouped(units, begin=0, length=10, raters=raters)

    with pytest.raises(ValueError, match="for 1 raters, expected 2"):
        alpha({"X": [[(0, 2)]]})
    with pytest.raises(ValueError, match="overlap or are not sorted"):
        alpha({"X": [[(0, 5), (4, 2)], []]})
    with pytest.raises(ValueError, match="overlap or are not sorted"):
        alpha({"X": [[(5, 1), (0, 2)], []]})
    with pytest.raises(ValueError, match="outside the continuum"):
        alpha({"X": [[(8, 5)], []]})
    with pytest.raises(ValueError, match="outside the continuum"):
        unitizing_alpha_grouped({"X": [[(2, 1)], []]}, begin=5, length=10, raters=2)
    with pytest.raises(ValueError, match="negative length"):  # zero-length units are ignored
        alpha({"X": [[(3, -1)], []]})
    with pytest.raises(ValueError, match="None"):
        alpha({None: [[(0, 1)], []]})
    with pytest.raises(ValueError, match="positive length"):
        unitizing_alpha_grouped({}, begin=0, length=0, raters=2)
    # numpy integers and tuples of units are fine.
    assert alpha({"X": ([(np.int64(0), np.int64(3))], ((0, 3),))}) == alpha(
        {"X": [[(0, 3)], [(0, 3)]]}
    )
    overall, per_category = alpha({"X": [[(0, 3)]]}, raters=1)
    assert math.isnan(overall) and math.isnan(per_category["X"])


def partition(units: list[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """A rater's continuum as units and the gaps between them: the definition's segments."""
    segments, position = [], begin
    for start, size in units:
        if start > position:
            segments.append((position, start - position, False))
        segments.append((start, size, True))
        position = start + size
    if position < end:
        segments.append((position, end - position, False))
    return segments


@pytest.mark.parametrize("seed", range(60))
def test_observed_sweep_equals_sum_over_all_segment_pairs(seed: int) -> None:
    grouped, begin, length, _ = random_grouped(random.Random(seed))
    for per_rater in grouped.values():
        for first, second in itertools.combinations(per_rater, 2):
            by_definition = sum(
                _segment_distance(g, h)
                for g in partition(first, begin, begin + length)
                for h in partition(second, begin, begin + length)
            )
            assert _observed_sum(first, second) == by_definition

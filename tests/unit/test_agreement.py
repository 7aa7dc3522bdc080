"""Agreement coefficients: published worked examples, NaN conventions, random cross-checks.

The cross-checks compare against independent implementations (scikit-learn, statsmodels, the
`krippendorff` package) that are test-only dependencies; the core package never imports them.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from annotator.agreement import (
    Level,
    PairScore,
    SpanF1,
    _segment_distance,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    observed_agreement,
    span_f1,
    unitizing_alpha,
    unitizing_alpha_by_category,
    unitizing_disagreement,
)

# --------------------------------------------------------------------------------------------
# Cohen's kappa and observed agreement
# --------------------------------------------------------------------------------------------


def wikipedia_proposals() -> tuple[list[str], list[str]]:
    """Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by A and B.

    Both yes 20, A yes / B no 5, A no / B yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa 0.4.
    """
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    pairs += [("no", "no")] * 15
    return [a for a, _ in pairs], [b for _, b in pairs]


def test_cohen_kappa_wikipedia_example() -> None:
    a, b = wikipedia_proposals()
    assert observed_agreement(a, b) == pytest.approx(0.7)
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)


def test_cohen_kappa_perfect_and_chance_level() -> None:
    assert cohen_kappa(["x", "y", "x"], ["x", "y", "x"]) == 1.0
    # p_o = 2/3 equals p_e = (3 * 2) / 9: exactly chance.
    assert cohen_kappa(["x", "x", "x"], ["x", "y", "x"]) == 0.0


def test_cohen_kappa_nan_cases() -> None:
    assert math.isnan(cohen_kappa([], []))
    assert math.isnan(observed_agreement([], []))
    # Both coders used one and the same label: p_e = 1, kappa is 0/0.
    assert math.isnan(cohen_kappa(["x"] * 5, ["x"] * 5))


def test_cohen_kappa_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        cohen_kappa(["x"], ["x", "y"])
    with pytest.raises(ValueError, match="differ in length"):
        observed_agreement(["x"], [])


@pytest.mark.parametrize("seed", range(20))
def test_cohen_kappa_matches_scikit_learn(seed: int) -> None:
    rng = random.Random(seed)
    labels = ["a", "b", "c", "d"][: rng.randint(2, 4)]
    n = rng.randint(5, 80)
    a = [rng.choice(labels) for _ in range(n)]
    b = [x if rng.random() < 0.6 else rng.choice(labels) for x in a]
    expected = cohen_kappa_score(a, b)
    assert cohen_kappa(a, b) == pytest.approx(expected, abs=1e-9)
    assert observed_agreement(a, b) == pytest.approx(
        sum(x == y for x, y in zip(a, b, strict=True)) / n
    )


# --------------------------------------------------------------------------------------------
# Fleiss' kappa
# --------------------------------------------------------------------------------------------

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; kappa 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_example() -> None:
    kappa = fleiss_kappa(WIKIPEDIA_FLEISS)
    assert round(kappa, 3) == 0.210
    assert kappa == pytest.approx(statsmodels_fleiss_kappa(np.array(WIKIPEDIA_FLEISS)), abs=1e-9)


def test_fleiss_kappa_perfect_agreement() -> None:
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]) == 1.0


def test_fleiss_kappa_nan_cases() -> None:
    assert math.isnan(fleiss_kappa([]))
    assert math.isnan(fleiss_kappa([[1, 0], [0, 1]]))  # one rater per subject: no pairs
    assert math.isnan(fleiss_kappa([[0, 0], [0, 0]]))  # no raters at all
    assert math.isnan(fleiss_kappa([[4, 0], [4, 0]]))  # one category only: P_e = 1


def test_fleiss_kappa_rejects_malformed_tables() -> None:
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([[2, 1], [1, 1]])
    with pytest.raises(ValueError, match="categories"):
        fleiss_kappa([[2, 1], [3]])
    with pytest.raises(ValueError, match="negative"):
        fleiss_kappa([[4, -1], [2, 1]])
    with pytest.raises(TypeError):
        fleiss_kappa([[1.5, 1.5]])  # type: ignore[list-item]


@pytest.mark.parametrize("seed", range(20))
def test_fleiss_kappa_matches_statsmodels(seed: int) -> None:
    rng = random.Random(seed)
    raters, categories, subjects = rng.randint(2, 8), rng.randint(2, 5), rng.randint(3, 40)
    weights = [rng.random() for _ in range(categories)]
    table = []
    for _ in range(subjects):
        row = [0] * categories
        for choice in rng.choices(range(categories), weights=weights, k=raters):
            row[choice] += 1
        table.append(row)
    expected = statsmodels_fleiss_kappa(np.array(table), method="fleiss")
    assert fleiss_kappa(table) == pytest.approx(expected, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x
# 12 units with missing values. Published: nominal .743, ordinal .815, interval .849, ratio .797.
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def to_array(data: Sequence[Sequence[object]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level: Level, published: float) -> None:
    alpha = krippendorff_alpha(K2011, level)
    assert round(alpha, 3) == published
    reference = krippendorff.alpha(reliability_data=to_array(K2011), level_of_measurement=level)
    assert alpha == pytest.approx(reference, abs=1e-9)


def test_krippendorff_nominal_labels_and_nan_as_missing() -> None:
    letters = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e", None: None}
    as_letters = [[letters[v] for v in row] for row in K2011]
    with_nan = [[math.nan if v is None else v for v in row] for row in K2011]
    assert krippendorff_alpha(as_letters) == pytest.approx(krippendorff_alpha(K2011), abs=1e-15)
    assert krippendorff_alpha(with_nan) == krippendorff_alpha(K2011)


def test_krippendorff_drops_units_with_fewer_than_two_values() -> None:
    padded = [[*row, value] for row, value in zip(K2011, [7, None, None, None], strict=True)]
    for level in LEVELS:
        assert krippendorff_alpha(padded, level) == pytest.approx(
            krippendorff_alpha(K2011, level),
            abs=1e-12,
        )


def test_krippendorff_perfect_agreement() -> None:
    assert krippendorff_alpha([[1, 2, 3, None], [1, 2, 3, 4]]) == 1.0


def test_krippendorff_nan_cases() -> None:
    assert math.isnan(krippendorff_alpha([]))
    assert math.isnan(krippendorff_alpha([[], []]))
    # No unit has two values: nothing pairable.
    assert math.isnan(krippendorff_alpha([[1, None, 3], [None, 2, None]]))
    # Only one value among the pairable ones: zero expected disagreement, at every level.
    for level in LEVELS:
        assert math.isnan(krippendorff_alpha([[2, 2, 5], [2, 2, None]], level))


def test_krippendorff_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha(K2011, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="units"):
        krippendorff_alpha([[1, 2], [1]])
    with pytest.raises(ValueError, match="needs numbers"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(12))
def test_krippendorff_matches_reference_package(level: Level, seed: int) -> None:
    rng = random.Random(seed)
    coders, units = rng.randint(2, 6), rng.randint(5, 40)
    scale = [1, 2, 3, 4, 5, 7, 10][: rng.randint(2, 7)]
    truth = [rng.choice(scale) for _ in range(units)]
    data: list[list[object]] = [
        [
            None if rng.random() < 0.25 else (truth[u] if rng.random() < 0.6 else rng.choice(scale))
            for u in range(units)
        ]
        for _ in range(coders)
    ]
    reference = krippendorff.alpha(reliability_data=to_array(data), level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_krippendorff_interval_matches_on_real_values(seed: int) -> None:
    rng = random.Random(seed)
    data: list[list[object]] = [
        [None if rng.random() < 0.2 else round(rng.gauss(10, 3), 3) for _ in range(30)]
        for _ in range(4)
    ]
    for level in LEVELS[1:]:
        reference = krippendorff.alpha(reliability_data=to_array(data), level_of_measurement=level)
        assert krippendorff_alpha(data, level) == pytest.approx(reference, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha_u (unitizing)
# --------------------------------------------------------------------------------------------

# Krippendorff (2004), Content Analysis, 2nd ed., p. 254 example, as encoded in DKPro
# Statistics' Krippendorff2004Test.createExample: continuum [150, 450), 2 observers.
K2004 = [
    (0, "c", 225, 70),
    (0, "c", 370, 30),
    (1, "c", 220, 80),
    (1, "c", 355, 20),
    (1, "c", 400, 20),
    (0, "k", 180, 60),
    (0, "k", 300, 50),
    (1, "k", 180, 60),
    (1, "k", 300, 50),
]
K2004_CONTINUUM = {"begin": 150, "length": 300, "raters": 2}


def test_unitizing_krippendorff_2004_per_category() -> None:
    # DKPro Krippendorff2004Test.testCategoryAgreement.
    d_o, d_e = unitizing_disagreement(K2004, **K2004_CONTINUUM, category="c")
    assert d_o == pytest.approx(0.0144, abs=1e-4)
    assert d_e == pytest.approx(0.0532, abs=1e-4)
    assert unitizing_alpha(K2004, **K2004_CONTINUUM, category="c") == pytest.approx(
        0.7286, abs=1e-4
    )
    d_o, d_e = unitizing_disagreement(K2004, **K2004_CONTINUUM, category="k")
    assert d_o == 0.0
    assert d_e == pytest.approx(0.0490, abs=1e-4)
    assert unitizing_alpha(K2004, **K2004_CONTINUUM, category="k") == 1.0


def test_unitizing_krippendorff_2004_overall_pools_disagreements() -> None:
    # DKPro Krippendorff2004Test.testAgreement pins 0.8591 with tolerance 0.0005; the exact
    # value from the same D_o and D_e is 0.85867 (0.8591 comes from rounded intermediates).
    overall = unitizing_alpha(K2004, **K2004_CONTINUUM)
    assert overall == pytest.approx(0.8591, abs=5e-4)
    assert overall == pytest.approx(0.85867, abs=1e-5)  # regression pin, not published
    terms = [unitizing_disagreement(K2004, **K2004_CONTINUUM, category=c) for c in "ck"]
    pooled = 1 - sum(d_o for d_o, _ in terms) / sum(d_e for _, d_e in terms)
    assert overall == pytest.approx(pooled, abs=1e-12)
    per_category = [unitizing_alpha(K2004, **K2004_CONTINUUM, category=c) for c in "ck"]
    assert abs(overall - sum(per_category) / 2) > 0.004  # not the mean of per-category alphas


def test_unitizing_distance_examples() -> None:
    # Krippendorff (2004) distance illustrations, as in DKPro Krippendorff2004Test
    # testDistanceMetric1/2 and UnitizingAgreementTest.testDistanceMetric.
    # Segments are (begin, length, is_unit).
    assert _segment_distance((2, 3, False), (2, 2, True)) == 4
    assert _segment_distance((5, 6, True), (4, 7, False)) == 36
    assert _segment_distance((5, 6, True), (4, 2, True)) == 26
    assert _segment_distance((5, 6, True), (5, 2, True)) == 16
    assert _segment_distance((5, 6, True), (6, 2, True)) == 10
    assert _segment_distance((5, 6, True), (7, 2, True)) == 8
    assert _segment_distance((5, 6, True), (6, 4, True)) == 2
    assert _segment_distance((5, 6, True), (5, 6, True)) == 0
    assert _segment_distance((225, 70, True), (220, 80, True)) == 50
    assert _segment_distance((370, 30, True), (355, 20, True)) == 850
    assert _segment_distance((400, 50, False), (400, 20, True)) == 400
    assert _segment_distance((1, 8, True), (0, 2, False)) == 0  # gap covers the unit only partly
    assert _segment_distance((1, 8, True), (2, 1, True)) == 37
    assert _segment_distance((0, 1, False), (0, 2, False)) == 0


def krippendorff_1995(stretch: float, categories: str = "ABCD") -> tuple[list, int]:
    """Krippendorff (1995: 57) four two-coder examples, as in DKPro Krippendorff1995Test.

    Rows are (begin, length, rater, category) on a continuum of 24, scaled by `stretch` (the
    paper's expected disagreements assume a long continuum; DKPro approximates it by scaling).
    """
    rows = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
        (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"),
        (0, 2, 1, "C"), (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]  # fmt: skip
    units = [
        (rater, category, int(begin * stretch), int(length * stretch))
        for begin, length, rater, category in rows
        if category in categories
    ]
    return units, int(24 * stretch)


@pytest.mark.parametrize(
    ("category", "observed"), [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)]
)
def test_unitizing_krippendorff_1995_observed(category: str, observed: float) -> None:
    # DKPro Krippendorff1995Test.testAgreement (observed disagreement at the paper's scale).
    units, length = krippendorff_1995(1)
    d_o, _ = unitizing_disagreement(units, begin=0, length=length, raters=2, category=category)
    assert d_o == pytest.approx(observed, abs=1e-5)


@pytest.mark.parametrize(
    ("category", "expected", "alpha"),
    [("A", 0.06990, 0.553), ("B", 1.17731, -0.926), ("C", 0.08642, 0.679), ("D", 0.41445, 0.066)],
)
def test_unitizing_krippendorff_1995_published_alphas(
    category: str, expected: float, alpha: float
) -> None:
    # Krippendorff (1995) published values, with DKPro Krippendorff1995Test.testAgreement's
    # tolerances: the paper's D_e has a small error (see DKPro's testVaryingLengths comment);
    # we get D_e(C) = 0.0905 (inside that tolerance) and meet its 1e-5 pins on the short continuum.
    units, length = krippendorff_1995(1_200_000 / 24)
    continuum = {"begin": 0, "length": length, "raters": 2}
    _, d_e = unitizing_disagreement(units, **continuum, category=category)
    assert d_e == pytest.approx(expected, abs=0.005)
    assert unitizing_alpha(units, **continuum, category=category) == pytest.approx(alpha, abs=0.02)


def test_unitizing_krippendorff_1995_short_continuum() -> None:
    # DKPro Krippendorff1995Test.testVaryingLengths, stretch 12/24 (pinned there to 1e-5).
    units, length = krippendorff_1995(12 / 24, categories="C")
    d_o, d_e = unitizing_disagreement(units, begin=0, length=length, raters=2, category="C")
    assert d_o == pytest.approx(0.02777, abs=1e-5)
    assert d_e == pytest.approx(0.05494, abs=1e-5)
    assert unitizing_alpha(units, begin=0, length=length, raters=2) == pytest.approx(
        0.494, abs=0.02
    )


def test_unitizing_dkpro_example() -> None:
    # DKPro UnitizingAgreementTest.testAgreement: r0 -11111111-, r1 --1-1-1---.
    units = [(0, "A", 1, 8), (1, "A", 2, 1), (1, "A", 4, 1), (1, "A", 6, 1)]
    d_o, d_e = unitizing_disagreement(units, begin=0, length=10, raters=2, category="A")
    assert d_o == pytest.approx(0.9100, abs=1e-4)
    assert d_e == pytest.approx(0.5351, abs=1e-4)
    assert unitizing_alpha(units, begin=0, length=10, raters=2) == pytest.approx(-0.7003, abs=1e-4)


def test_unitizing_degenerate_cases() -> None:
    # DKPro UnitizingAgreementTest: one unit by one of three raters is exactly chance (0.0);
    # no units at all is undefined (NaN).
    assert unitizing_alpha([(0, "X", 0, 1)], begin=0, length=20, raters=3) == 0.0
    assert math.isnan(unitizing_alpha([], begin=0, length=20, raters=3))
    # A category nobody used, and fewer than two raters: NaN.
    assert math.isnan(unitizing_alpha(K2004, **K2004_CONTINUUM, category="absent"))
    assert math.isnan(unitizing_alpha([(0, "X", 0, 3)], begin=0, length=10, raters=1))
    assert unitizing_disagreement(K2004, **K2004_CONTINUUM, category="absent") == (0.0, 0.0)
    d_o, d_e = unitizing_disagreement([(0, "X", 0, 3)], begin=0, length=10, raters=1, category="X")
    assert math.isnan(d_o) and math.isnan(d_e)
    # Every rater covers a one-position continuum: no other placement, zero D_e.
    assert math.isnan(
        unitizing_alpha([(0, "X", 0, 1), (1, "X", 0, 1)], begin=0, length=1, raters=2)
    )


def test_unitizing_perfect_agreement_and_silent_rater() -> None:
    units = [(r, "X", 3, 4) for r in range(3)] + [(r, "Y", 10, 2) for r in range(3)]
    assert unitizing_alpha(units, begin=0, length=20, raters=3) == 1.0
    # A fourth rater who marked nothing disagrees with everybody.
    assert 0.0 < unitizing_alpha(units, begin=0, length=20, raters=4) < 1.0


def test_unitizing_units_of_different_categories_may_overlap() -> None:
    units = [(0, "X", 0, 5), (0, "Y", 2, 5), (1, "X", 0, 5), (1, "Y", 2, 5)]
    assert unitizing_alpha(units, begin=0, length=10, raters=2) == 1.0


def test_unitizing_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        unitizing_alpha([(0, "X", 0, 5), (0, "X", 4, 2)], begin=0, length=10, raters=2)
    with pytest.raises(ValueError, match="outside the continuum"):
        unitizing_alpha([(0, "X", 8, 5)], begin=0, length=10, raters=2)
    with pytest.raises(ValueError, match="outside the continuum"):
        unitizing_alpha([(0, "X", 2, 1)], begin=5, length=10, raters=2)
    with pytest.raises(ValueError, match="rater 2"):
        unitizing_alpha([(2, "X", 0, 1)], begin=0, length=10, raters=2)
    with pytest.raises(ValueError, match="negative length"):  # zero-length units are ignored
        unitizing_alpha([(0, "X", 3, -1)], begin=0, length=10, raters=2)
    with pytest.raises(ValueError, match="positive length"):
        unitizing_alpha([], begin=0, length=0, raters=2)
    with pytest.raises(ValueError, match="None"):
        unitizing_alpha([(0, None, 0, 1)], begin=0, length=10, raters=2)


def random_unitizing(rng: random.Random) -> tuple[list[tuple[int, str, int, int]], int, int]:
    raters, length = rng.randint(2, 4), rng.randint(5, 60)
    units = []
    for rater in range(raters):
        for category in "XY"[: rng.randint(1, 2)]:
            position = rng.randint(0, 4)
            while True:
                size = rng.randint(1, 8)
                if position + size > length:
                    break
                units.append((rater, category, position, size))
                position += size + rng.choice([0, 0, 1, 2, 5])  # adjacent units happen
    return units, length, raters


def literal_disagreement(
    units: list[tuple[int, str, int, int]], length: int, raters: int, category: str
) -> tuple[float, float]:
    """Krippendorff (2004) D_o and D_e written as literally as possible (continuum at 0).

    Gaps come from a per-position coverage mask, every segment pair of every ordered pair of
    raters is compared, and D_e loops over all unit/gap pairs.
    """

    def delta(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
        (bg, lg, ug), (bh, lh, uh) = g, h
        if ug and uh and -lg < bg - bh < lh:
            return (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
        if ug and not uh and lh - lg >= bg - bh >= 0:
            return lg**2
        if uh and not ug and lg - lh >= bh - bg >= 0:
            return lh**2
        return 0

    segments: list[list[tuple[int, int, bool]]] = []
    for rater in range(raters):
        mine = [(b, n, True) for r, c, b, n in units if r == rater and c == category]
        covered = [False] * length
        for b, n, _ in mine:
            covered[b : b + n] = [True] * n
        gaps = []
        for is_covered, run in itertools.groupby(enumerate(covered), key=lambda x: x[1]):
            if not is_covered:
                run_list = list(run)
                gaps.append((run_list[0][0], len(run_list), False))
        segments.append(mine + gaps)
    observed = sum(
        delta(g, h)
        for i, j in itertools.permutations(range(raters), 2)
        for g in segments[i]
        for h in segments[j]
    )
    d_o = observed / (raters * (raters - 1) * length**2)
    all_units = [n for rater in segments for _, n, u in rater if u]
    all_gaps = [n for rater in segments for _, n, u in rater if not u]
    n_c = len(all_units)
    total = 0.0
    for lg in all_units:
        total += (n_c - 1) * (2 * lg**3 - 3 * lg**2 + lg) / 3
        total += lg**2 * sum(lh - lg + 1 for lh in all_gaps if lh >= lg)
    d_e = (
        2
        / length
        * total
        / (raters * length * (raters * length - 1) - sum(n * (n - 1) for n in all_units))
    )
    return d_o, d_e


@pytest.mark.parametrize("seed", range(40))
def test_unitizing_matches_literal_formula(seed: int) -> None:
    rng = random.Random(seed)
    units, length, raters = random_unitizing(rng)
    terms = {}
    for category in ("X", "Y"):
        ours = unitizing_disagreement(
            units, begin=0, length=length, raters=raters, category=category
        )
        literal = literal_disagreement(units, length, raters, category)
        assert ours == pytest.approx(literal, abs=1e-12)
        terms[category] = literal
    total_e = sum(d_e for _, d_e in terms.values())
    overall = unitizing_alpha(units, begin=0, length=length, raters=raters)
    if total_e == 0:
        assert math.isnan(overall)
    else:
        expected = 1 - sum(d_o for d_o, _ in terms.values()) / total_e
        assert overall == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_unitizing_invariant_under_shift_and_rater_order(seed: int) -> None:
    rng = random.Random(seed)
    units, length, raters = random_unitizing(rng)
    base = unitizing_alpha(units, begin=0, length=length, raters=raters)
    shifted = [(r, c, b + 1000, n) for r, c, b, n in units]
    assert unitizing_alpha(shifted, begin=1000, length=length, raters=raters) == base
    order = list(range(raters))
    rng.shuffle(order)
    permuted = [(order[r], c, b, n) for r, c, b, n in reversed(units)]
    assert unitizing_alpha(permuted, begin=0, length=length, raters=raters) == base


# --------------------------------------------------------------------------------------------
# Span F1
# --------------------------------------------------------------------------------------------


def test_span_f1_exact_hand_computed() -> None:
    spans = [
        ("ann", "d1", "PER", 0, 5),
        ("ann", "d1", "ORG", 10, 15),
        ("ann", "d2", "PER", 0, 5),
        ("bob", "d1", "PER", 0, 5),  # match
        ("bob", "d1", "ORG", 10, 14),  # offsets differ
        ("bob", "d2", "ORG", 0, 5),  # label differs
        ("bob", "d3", "PER", 0, 5),  # document only bob has
    ]
    result = span_f1(spans)
    score = result.per_pair["ann", "bob"]
    assert score == PairScore(precision=0.25, recall=1 / 3, f1=2 / 7, matched=1, n_a=3, n_b=4)
    assert result.f1 == pytest.approx(2 / 7)
    assert result.per_label["PER"].per_pair["ann", "bob"] == PairScore(
        precision=0.5, recall=0.5, f1=0.5, matched=1, n_a=2, n_b=2
    )
    assert result.per_label["ORG"].per_pair["ann", "bob"] == PairScore(
        precision=0.0, recall=0.0, f1=0.0, matched=0, n_a=1, n_b=2
    )
    assert result.per_label["ORG"].per_label == {}


def test_span_f1_overlap_mode() -> None:
    spans = [("a", "d", "X", 0, 5), ("b", "d", "X", 4, 9), ("a", "d", "X", 20, 25)]
    spans += [("b", "d", "X", 25, 30)]  # touches [20, 25) but shares no character
    exact = span_f1(spans).per_pair["a", "b"]
    overlap = span_f1(spans, match="overlap").per_pair["a", "b"]
    assert exact.matched == 0
    assert overlap == PairScore(precision=0.5, recall=0.5, f1=0.5, matched=1, n_a=2, n_b=2)


def test_span_f1_overlap_is_one_to_one() -> None:
    # Two spans of b inside one span of a count once.
    spans = [("a", "d", "X", 0, 10), ("b", "d", "X", 0, 3), ("b", "d", "X", 5, 8)]
    score = span_f1(spans, match="overlap").per_pair["a", "b"]
    assert score == PairScore(precision=0.5, recall=1.0, f1=2 / 3, matched=1, n_a=1, n_b=2)
    # Identical duplicates match once too in exact mode.
    spans = [("a", "d", "X", 0, 10), ("a", "d", "X", 0, 10), ("b", "d", "X", 0, 10)]
    assert span_f1(spans).per_pair["a", "b"].matched == 1


def test_span_f1_overlap_matching_is_maximum_not_greedy() -> None:
    # Greedy by overlap size would pair a:[0,10) with b:[5,10) (5 characters) and stop at one
    # match; the maximum matching pairs a:[0,10)-b:[0,3) and a:[8,10)-b:[5,10).
    spans = [
        ("a", "d", "X", 0, 10),
        ("a", "d", "X", 8, 10),
        ("b", "d", "X", 5, 10),
        ("b", "d", "X", 0, 3),
    ]
    assert span_f1(spans, match="overlap").per_pair["a", "b"].matched == 2


def brute_force_matching(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    for size in range(min(len(a), len(b)), 0, -1):
        for chosen in itertools.combinations(range(len(a)), size):
            for partners in itertools.permutations(range(len(b)), size):
                if all(
                    a[i][0] < b[j][1] and b[j][0] < a[i][1]
                    for i, j in zip(chosen, partners, strict=True)
                ):
                    return size
    return 0


@pytest.mark.parametrize("seed", range(40))
def test_span_f1_overlap_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)

    def draw() -> list[tuple[int, int]]:
        result = []
        for _ in range(rng.randint(0, 5)):
            start = rng.randint(0, 20)
            result.append((start, start + rng.randint(1, 8)))
        return result

    a, b = draw(), draw()
    spans = [("a", "d", "X", s, e) for s, e in a] + [("b", "d", "X", s, e) for s, e in b]
    result = span_f1(spans, match="overlap")
    if a and b:
        assert result.per_pair["a", "b"].matched == brute_force_matching(a, b)


def test_span_f1_three_annotators_and_nan_aware_mean() -> None:
    spans = [
        ("c", "d", "X", 0, 4),
        ("a", "d", "X", 0, 4),
        ("b", "d", "Y", 0, 4),
    ]
    result = span_f1(spans)
    assert list(result.per_pair) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert [s.f1 for s in result.per_pair.values()] == [0.0, 1.0, 0.0]
    assert result.f1 == pytest.approx(1 / 3)
    # Per label: the pair (a, b) has no X spans on b's side (F1 0); nobody pairs on Y except
    # with b; pairs where neither used the label are NaN and skipped by the mean.
    y = result.per_label["Y"]
    assert math.isnan(y.per_pair["a", "c"].f1)
    one_sided = y.per_pair["a", "b"]
    assert (one_sided.matched, one_sided.n_a, one_sided.n_b) == (0, 0, 1)
    assert one_sided.precision == 0.0
    assert math.isnan(one_sided.recall)
    assert one_sided.f1 == 0.0
    assert y.f1 == 0.0
    assert result.per_label["X"].f1 == pytest.approx(1 / 3)


def test_span_f1_nan_cases() -> None:
    empty = span_f1([])
    assert math.isnan(empty.f1)
    assert empty.per_pair == {}
    assert empty.per_label == {}
    alone = span_f1([("a", "d", "X", 0, 3)])
    assert math.isnan(alone.f1)
    assert alone.per_pair == {}
    assert isinstance(alone.per_label["X"], SpanF1)
    one_sided = span_f1([("a", "d", "X", 0, 3), ("b", "d", "Y", 0, 3)]).per_label["X"]
    score = one_sided.per_pair["a", "b"]
    assert score.recall == 0.0
    assert math.isnan(score.precision)
    assert score.f1 == 0.0


def test_span_f1_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="match mode"):
        span_f1([], match="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        span_f1([("a", "d", "X", 3, 3)])
    with pytest.raises(ValueError, match="empty"):
        span_f1([("a", "d", "X", -1, 3)])


def test_fleiss_weights_equal_repeated_rows() -> None:
    rows = [[3, 0, 0], [1, 2, 0], [0, 1, 2], [1, 1, 1]]
    weights = [5, 2, 7, 1]
    expanded = [row for row, weight in zip(rows, weights, strict=True) for _ in range(weight)]
    assert fleiss_kappa(rows, weights=weights) == fleiss_kappa(expanded)
    with pytest.raises(ValueError, match="3 weights for 4 subjects"):
        fleiss_kappa(rows, weights=[1, 2, 3])
    assert math.isnan(fleiss_kappa(rows, weights=[0, 0, 0, 0]))


def test_unitizing_alpha_by_category_equals_separate_calls() -> None:
    rng = random.Random(11)
    units = []
    for rater in range(3):
        for category in ("a", "b", "c"):
            position = rng.randrange(5)
            while position < 180:
                size = rng.randint(1, 12)
                units.append((rater, category, position, size))
                position += size + rng.randint(1, 20)
    overall, per_category = unitizing_alpha_by_category(units, begin=0, length=200, raters=3)
    assert overall == unitizing_alpha(units, begin=0, length=200, raters=3)
    for category in ("a", "b", "c"):
        assert per_category[category] == unitizing_alpha(
            units, begin=0, length=200, raters=3, category=category
        )

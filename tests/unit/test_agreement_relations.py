"""Relation F1, exact and lenient, against pairs counted by hand and a brute-force matcher."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings, strategies as st

from annotator.agreement import relation_f1, relation_matches

ATTRIBUTION = (0, 16, "attribution")
DEMAND = (45, 75, "demand")
GUARANTOR = (77, 95, "guarantor")

# Three relations of a, four of b, one document:
#   A1 says  attribution -> demand          B1 the same                     exact
#   A2 says  attribution -> opinion 100-120 B2 says 2-16 -> 98-118 opinion   lenient only
#                                           B3 says attribution -> quote     no partner
#   A3 guarantees guarantor -> demand       B4 guarantees -> 50-75 demand    lenient only
A = [
    ("a", "d", "says", ATTRIBUTION, DEMAND),
    ("a", "d", "says", ATTRIBUTION, (100, 120, "opinion")),
    ("a", "d", "guarantees", GUARANTOR, DEMAND),
]
B = [
    ("b", "d", "says", ATTRIBUTION, DEMAND),
    ("b", "d", "says", (2, 16, "attribution"), (98, 118, "opinion")),
    ("b", "d", "says", ATTRIBUTION, (200, 210, "quote")),
    ("b", "d", "guarantees", GUARANTOR, (50, 75, "demand")),
]


def test_exact_counts_one_match_of_three_and_four() -> None:
    found = relation_f1([*A, *B], match="exact")
    pair = found.per_pair["a", "b"]
    assert (pair.matched, pair.n_a, pair.n_b) == (1, 3, 4)
    assert pair.f1 == pytest.approx(2 / 7)
    assert (pair.precision, pair.recall) == (pytest.approx(1 / 4), pytest.approx(1 / 3))
    assert found.f1 == pytest.approx(2 / 7)
    says, guarantees = found.per_label["says"], found.per_label["guarantees"]
    assert says.per_pair["a", "b"].f1 == pytest.approx(2 * 1 / (2 + 3))
    assert guarantees.per_pair["a", "b"].f1 == 0.0


def test_lenient_matches_overlapping_heads_and_children() -> None:
    found = relation_f1([*A, *B], match="overlap")
    pair = found.per_pair["a", "b"]
    assert (pair.matched, pair.n_a, pair.n_b) == (3, 3, 4)
    assert pair.f1 == pytest.approx(6 / 7)
    assert (pair.precision, pair.recall) == (pytest.approx(3 / 4), 1.0)
    assert found.per_label["says"].per_pair["a", "b"].f1 == pytest.approx(2 * 2 / 5)
    assert found.per_label["guarantees"].per_pair["a", "b"].f1 == 1.0


def test_the_direction_and_the_span_labels_count_exactly_but_not_leniently() -> None:
    a = [("a", "d", "says", ATTRIBUTION, DEMAND)]
    reversed_ = [("b", "d", "says", DEMAND, ATTRIBUTION)]
    relabelled = [("b", "d", "says", ATTRIBUTION, (45, 75, "opinion"))]
    assert relation_f1([*a, *reversed_], match="overlap").f1 == 0.0  # heads do not overlap
    assert relation_f1([*a, *relabelled], match="exact").f1 == 0.0
    assert relation_f1([*a, *relabelled], match="overlap").f1 == 1.0
    other_label = [("b", "d", "guarantees", ATTRIBUTION, DEMAND)]
    assert relation_f1([*a, *other_label], match="overlap").f1 == 0.0
    other_doc = [("b", "e", "says", ATTRIBUTION, DEMAND)]
    assert relation_f1([*a, *other_doc], match="overlap").f1 == 0.0


def test_lenient_matching_is_maximum_not_greedy() -> None:
    """X1 overlaps Y1 and Y2, X2 only Y1: a greedy pass giving Y1 to X1 finds one match."""
    head = (0, 10, "attribution")
    first = [(head, (20, 40, "demand")), (head, (20, 22, "demand"))]
    second = [(head, (20, 25, "demand")), ((1, 10, "attribution"), (30, 35, "demand"))]
    assert relation_matches(first, second) == (0, 2)
    assert relation_matches(first, []) == (0, 0)
    assert relation_matches(first, first) == (2, 2)


def test_pairs_labels_and_undefined_figures() -> None:
    c = [("c", "d", "says", ATTRIBUTION, DEMAND)]
    found = relation_f1([*A, *B, *c], match="exact")
    assert set(found.per_pair) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert found.per_pair["a", "c"].f1 == pytest.approx(2 * 1 / (3 + 1))
    assert found.per_pair["b", "c"].f1 == pytest.approx(2 * 1 / (4 + 1))
    assert found.f1 == pytest.approx((2 / 7 + 2 / 4 + 2 / 5) / 3)
    # c made no guarantees relation where a and b made one each: complete disagreement.
    assert found.per_label["guarantees"].per_pair["a", "c"].f1 == 0.0
    # A label neither of a pair used is undefined for that pair, not a perfect score.
    d = [("d", "d", "says", ATTRIBUTION, DEMAND)]
    assert math.isnan(relation_f1([*c, *d]).per_label["says"].per_pair["c", "d"].f1) is False
    assert math.isnan(relation_f1([*A, *c, *d]).per_label["guarantees"].per_pair["c", "d"].f1)
    assert math.isnan(relation_f1(A).f1)  # one annotator: no pair
    with pytest.raises(ValueError, match="unknown match mode"):
        relation_f1(A, match="loose")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not a span"):
        relation_f1([("a", "d", "says", (5, 5, "attribution"), DEMAND)])


def brute_force(first: list, second: list) -> int:
    """The largest number of pairs, one to one, whose heads and children both overlap."""

    def fits(x: tuple, y: tuple) -> bool:
        return all(p[0] < q[1] and q[0] < p[1] for p, q in zip(x, y, strict=True))

    best = 0
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    for chosen in itertools.permutations(range(len(large)), len(small)):
        best = max(best, sum(fits(small[i], large[j]) for i, j in enumerate(chosen)))
    return best


END = st.tuples(st.integers(0, 12), st.integers(1, 6)).map(lambda p: (p[0], p[0] + p[1], "x"))
LINKS = st.lists(st.tuples(END, END), max_size=5)


@settings(max_examples=200, deadline=None)
@given(first=LINKS, second=LINKS)
def test_lenient_matches_agree_with_a_brute_force_search(first: list, second: list) -> None:
    exact, lenient = relation_matches(first, second)
    assert lenient == brute_force(first, second)
    assert exact <= lenient

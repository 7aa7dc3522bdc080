"""Assignment with overlap: coverage, even pairs, balance, determinism, incremental re-runs."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from annotator.assign import plan_assignments
from annotator.store import NewDocument, Store

NAMES = ["ann1", "ann2", "ann3", "ann4"]


def add_docs(store: Store, first: int, count: int) -> None:
    with store.transaction():
        store.import_documents([NewDocument(text=f"doc {i}") for i in range(first, first + count)])


def per_doc(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for doc, name in pairs:
        owners.setdefault(doc, set()).add(name)
    return owners


@pytest.mark.parametrize(("docs", "overlap", "k"), [(100, 0.2, 2), (61, 0.5, 3), (7, 1.0, 2)])
def test_plan_properties(docs: int, overlap: float, k: int) -> None:
    ids = [f"d{i}" for i in range(docs)]
    plan = plan_assignments(ids, NAMES, overlap=overlap, per_doc=k, seed=1)
    owners = per_doc(plan.pairs)
    assert set(owners) == set(ids)  # every document goes to someone
    sizes = Counter(len(v) for v in owners.values())
    assert sizes[k] == round(overlap * docs) == plan.overlapping
    assert sizes[1] == docs - plan.overlapping == plan.single
    load = Counter(name for _, name in plan.pairs)
    assert max(load.values()) - min(load.values()) <= 1  # balanced within one document
    shared = Counter(
        pair for group in owners.values() for pair in itertools.combinations(sorted(group), 2)
    )
    all_pairs = list(itertools.combinations(NAMES, 2))
    if plan.overlapping * len(list(itertools.combinations(range(k), 2))) >= len(all_pairs):
        assert set(shared) == set(all_pairs)  # every pair of annotators shares documents
        assert max(shared.values()) - min(shared.values()) <= k


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    ids = [f"d{i}" for i in range(50)]
    first = plan_assignments(ids, NAMES, overlap=0.3, seed=5)
    assert first.pairs == plan_assignments(ids, list(reversed(NAMES)), overlap=0.3, seed=5).pairs
    assert first.pairs != plan_assignments(ids, NAMES, overlap=0.3, seed=6).pairs


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        plan_assignments(["d"], NAMES, overlap=1.5)
    with pytest.raises(ValueError, match="per-doc 5 needs between 2 and 4"):
        plan_assignments(["d"], NAMES, overlap=0.5, per_doc=5)
    with pytest.raises(ValueError, match="no annotators"):
        plan_assignments(["d"], [], overlap=0.5)


def test_rerun_assigns_only_new_documents(store: Store) -> None:
    add_docs(store, 0, 40)
    first = plan_assignments(store.unassigned_documents(), NAMES[:3], overlap=0.25, seed=2)
    assert store.assign_many(first.pairs) == len(first.pairs)
    before = {(a.doc_id, a.annotator) for a in _assignments(store)}
    assert store.unassigned_documents() == []
    add_docs(store, 40, 11)
    new = store.unassigned_documents()
    assert len(new) == 11
    second = plan_assignments(
        new, NAMES[:3], overlap=0.25, seed=2, current_load=store.assignment_counts()
    )
    assert {doc for doc, _ in second.pairs} == set(new)
    store.assign_many(second.pairs)
    after = {(a.doc_id, a.annotator) for a in _assignments(store)}
    assert before <= after
    counts = store.assignment_counts()
    assert max(counts.values()) - min(counts.values()) <= 1
    assert set(store.shared_documents()) == {("ann1", "ann2"), ("ann1", "ann3"), ("ann2", "ann3")}
    assert store.assign_many(second.pairs) == 0  # idempotent


def _assignments(store: Store) -> list:
    return [
        item_assignment
        for name in NAMES[:3]
        for item in store.queue(name, limit=1000)
        if (item_assignment := store.assignment(item.doc_id, name)) is not None
    ]

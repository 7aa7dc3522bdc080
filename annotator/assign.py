"""Split documents among annotators with a controlled overlap, for agreement.

A fraction of the new documents (`overlap`) goes to `per_doc` annotators each; the rest to
one annotator each. Overlapping documents cycle through the groups of annotators so that
every pair shares documents evenly, and every choice prefers the least-loaded annotators,
so workloads end within one document of each other. Pure planning here; the store writes.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Plan:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    """`(doc_id, annotator)` to assign."""
    overlapping: int = 0
    single: int = 0


def plan_assignments(
    doc_ids: Sequence[str],
    annotators: Sequence[str],
    *,
    overlap: float,
    per_doc: int = 2,
    seed: int = 0,
    current_load: dict[str, int] | None = None,
) -> Plan:
    """Decide who labels which of `doc_ids` (documents nobody has yet).

    Args:
        doc_ids: the unassigned documents, in a stable order.
        annotators: names; order does not matter (they are sorted for determinism).
        overlap: fraction in [0, 1] of documents labelled by `per_doc` annotators.
        per_doc: annotators per overlapping document (2 or more).
        seed: the same seed and inputs give the same plan.
        current_load: documents each annotator already has, so re-runs stay balanced.

    Returns:
        The plan: assignment pairs plus counts of overlapping and single documents.
    """
    names = sorted(set(annotators))
    if not names:
        raise ValueError("no annotators given")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"overlap {overlap} must be between 0 and 1")
    if overlap > 0 and not 2 <= per_doc <= len(names):
        raise ValueError(f"--per-doc {per_doc} needs between 2 and {len(names)} annotators")
    load = {name: (current_load or {}).get(name, 0) for name in names}
    order = list(doc_ids)
    random.Random(seed).shuffle(order)
    shared_count = round(overlap * len(order)) if len(names) > 1 else 0
    groups = list(itertools.combinations(names, per_doc)) if shared_count else []
    group_uses = dict.fromkeys(groups, 0)
    plan = Plan()
    for position, doc_id in enumerate(order):
        if position < shared_count:
            # The least-used group first (spreads pairs evenly), then the lightest load.
            group = min(groups, key=lambda g: (group_uses[g], sum(load[n] for n in g), g))
            group_uses[group] += 1
            chosen: tuple[str, ...] = group
            plan.overlapping += 1
        else:
            chosen = (min(names, key=lambda n: (load[n], n)),)
            plan.single += 1
        for name in chosen:
            load[name] += 1
            plan.pairs.append((doc_id, name))
    return plan

"""Deterministic document-level train/dev/test splits.

A document goes to exactly one split. The order is a keyed hash of the document id, so the
same ids and seed always give the same splits, whatever the import order, and documents
added later do not move the others between splits more than the new counts require.
Split sizes follow the ratios exactly (largest remainder rounding).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

from annotator.errors import AnnotatorError

SPLIT_NAMES = {2: ("train", "test"), 3: ("train", "dev", "test")}


def parse_ratios(text: str) -> tuple[float, ...]:
    """`"0.8,0.1,0.1"` (or `"80,10,10"`) to ratios summing to 1; two or three parts."""
    try:
        parts = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise AnnotatorError(
            f"--split {text!r}: expected two or three numbers such as 0.8,0.1,0.1"
        ) from None
    if len(parts) not in SPLIT_NAMES:
        raise AnnotatorError(f"--split {text!r}: give two (train,test) or three (train,dev,test)")
    if any(not math.isfinite(part) or part < 0 for part in parts):
        raise AnnotatorError(f"--split {text!r}: ratios must be non-negative numbers")
    total = sum(parts)
    if math.isclose(total, 100.0):
        return tuple(part / 100 for part in parts)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise AnnotatorError(f"--split {text!r}: ratios must add up to 1 (or 100), not {total:g}")
    return parts


def split_names(ratios: tuple[float, ...]) -> tuple[str, ...]:
    return SPLIT_NAMES[len(ratios)]


def split_sizes(count: int, ratios: tuple[float, ...]) -> list[int]:
    """Documents per split: floors first, the rest to the largest remainders (ties: first)."""
    exact = [count * ratio for ratio in ratios]
    sizes = [math.floor(value) for value in exact]
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - sizes[i]), i))
    for index in order[: count - sum(sizes)]:
        sizes[index] += 1
    return sizes


def _key(seed: int, doc_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{doc_id}".encode("utf-8", "surrogatepass")).digest()


def assign_splits(doc_ids: Iterable[str], ratios: tuple[float, ...], seed: int) -> dict[str, str]:
    """Map every document id to its split name."""
    order = sorted(doc_ids, key=lambda doc_id: _key(seed, doc_id))
    names = split_names(ratios)
    assignment: dict[str, str] = {}
    position = 0
    for name, size in zip(names, split_sizes(len(order), ratios), strict=True):
        for doc_id in order[position : position + size]:
            assignment[doc_id] = name
        position += size
    return assignment

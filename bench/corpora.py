"""What the benchmarks share: deterministic news-like corpora and peak memory.

Every benchmark imports this module (run as `python bench/NAME.py`, the bench folder is
first on `sys.path`), so that two benchmarks measuring the same kind of input measure the
same input, and a change to a generator is made once.
"""

from __future__ import annotations

import json
import random
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "corpus" / "01-lavrov-neutral-ukraine.txt"
"""The seed article of the sample corpus (~5 kB): the document a first session opens."""

# A sentence reads better than a list of fifty strings.
LABELS = ["demand", "guarantor", "quote", "attribution", "opinion"]
WORDS = (
    "the minister said talks would resume next week while negotiators from both sides "
    "insisted that any agreement must include guarantees of neutrality and security for "
    "the region according to officials familiar with the draft Moscow Kyiv Washington "
    "Brussels ceasefire monitors troops border sanctions envoy delegation proposal treaty"
).split()
TYPOGRAPHIC = WORDS + "Ukraine’s neighbour’s “firm” “unacceptable” non-aligned non-nuclear".split()
"""WORDS with curly quotes and apostrophes: text whose cells and code points differ."""


def peak_mb() -> float:
    """Peak resident memory of this process (max RSS), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def paragraph(rng: random.Random, low: int, high: int, words: list[str] = TYPOGRAPHIC) -> str:
    """One sentence-cased paragraph of `low` to `high` words."""
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high))).capitalize() + "."


def news_text(size: int, seed: int = 5) -> str:
    """About `size` characters of paragraphs, with a headline; deterministic."""
    rng = random.Random(seed)
    parts = ["Talks resume in Geneva as envoys weigh guarantees"]
    length = len(parts[0])
    while length < size:
        parts.append(paragraph(rng, 40, 140))
        length += len(parts[-1]) + 1
    return "\n".join(parts)[:size]


def word_spans(
    text: str, count: int, rng: random.Random, longest: int = 90
) -> list[tuple[int, int, str]]:
    """`count` distinct labelled spans that start and end on word boundaries, sorted."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == " "]
    found: set[tuple[int, int, str]] = set()
    while len(found) < count:
        start = rng.choice(starts)
        end = text.find(" ", start + rng.randint(3, longest))
        end = len(text) if end < 0 else end
        if end > start:
            found.add((start, end, rng.choice(LABELS)))
    return sorted(found)


def big_document(size: int, spans: int, seed: int = 11) -> tuple[str, list[tuple[int, int, str]]]:
    """A news-like text of `size` characters and `spans` spans on word boundaries (the
    1 MB / ~9-10k spans document of the workbench benchmarks)."""
    text = news_text(size, seed)
    return text, word_spans(text, spans, random.Random(seed))


# Which labels each relation of the default scheme links, head -> children.
RELATION_ENDS = {
    "says": ("attribution", {"quote", "demand", "opinion"}),
    "guarantees": ("guarantor", {"demand"}),
}


def span_relations(
    spans: list[tuple[int, int, str]], count: int, rng: random.Random, reach: int = 12
) -> list[tuple[int, int, str]]:
    """Up to `count` distinct relations of the default scheme between `spans` (sorted),
    as `(head, child, label)` indexes into them: each head links to a span at most `reach`
    spans away, as an attribution sits near what it attributes."""
    heads = [
        (index, name)
        for index, (_s, _e, label) in enumerate(spans)
        for name, (head, _children) in RELATION_ENDS.items()
        if label == head
    ]
    found: set[tuple[int, int, str]] = set()
    for _ in range(count * 20):
        if len(found) >= count or not heads:
            break
        index, name = rng.choice(heads)
        other = index + rng.choice([step for step in range(-reach, reach + 1) if step])
        if 0 <= other < len(spans) and spans[other][2] in RELATION_ENDS[name][1]:
            found.add((index, other, name))
    return sorted(found)


def news_corpus(
    path: Path,
    docs: int,
    spans_per_doc: int,
    seed: int = 7,
    annotators: tuple[str, ...] = (),
) -> int:
    """News-length documents (~2.5 KB, a few paragraphs) as JSONL, with spans on word
    boundaries, each in a random layer of `annotators` (the gold layer when empty).

    Returns the number of spans written.
    """
    rng = random.Random(seed)
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(docs):
            body = "\n".join(paragraph(rng, 50, 90, WORDS) for _ in range(rng.randint(3, 6)))
            text = f"Report {number}: {body}"
            spans: list[dict[str, object]] = []
            for start, end, label in word_spans(text, spans_per_doc, rng, longest=60):
                span: dict[str, object] = {"start": start, "end": end, "label": label}
                if annotators:
                    span["annotator"] = rng.choice(annotators)
                spans.append(span)
            total += len(spans)
            out.write(json.dumps({"id": f"doc-{number}", "text": text, "spans": spans}) + "\n")
    return total


def short_news_corpus(path: Path, docs: int, seed: int = 9) -> None:
    """Short news items (a headline and one or two paragraphs, ~0.6 KB) with a span each."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(docs):
            title = f"Report {number}: " + paragraph(rng, 5, 9)
            text = (
                title + "\n" + "\n".join(paragraph(rng, 25, 60) for _ in range(rng.randint(1, 2)))
            )
            span = {"start": 0, "end": len(title), "label": rng.choice(LABELS)}
            out.write(json.dumps({"id": f"doc-{number}", "text": text, "spans": [span]}) + "\n")

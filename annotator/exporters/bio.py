"""Spans on tokens: alignment, tag columns (IOB2), sentence breaks. Used by conll, hf, prodigy.

Tokens come from `annotator.tokenize`, the project's one tokenizer, so BIO exports agree
with selection snapping and token-level agreement. Three alignment policies, as spaCy
names them: `expand` widens a span to the tokens it touches, `contract` narrows it to the
tokens wholly inside, `strict` keeps only spans already on token boundaries. A span that
ends up with no token is dropped; either case is reported by the caller. Whitespace at a
span's edges is no token: callers align the span without it (`trim`) and note that.

One BIO column holds non-overlapping spans of one label. Spans of a label that overlap
(nesting, crossing, or two spans on the same tokens) go to the label's next *level*, a
further column; `levels` assigns them greedily by start, which needs exactly as many
levels as the most spans of the label covering one token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.models import SpanRow
from annotator.tokenize import TokenIndex

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
SENTENCE_END = frozenset({".", "!", "?", "…", "。", "！", "？", "‼", "⁇", "⁈", "⁉"})
CLOSERS = frozenset({'"', "'", "”", "’", "»", "›", ")", "]", "}", "」", "』", "）"})
OPENERS = frozenset({'"', "'", "“", "‘", "«", "‹", "(", "[", "{", "「", "『", "（", "—", "-"})


@dataclass(slots=True)
class Aligned:
    """A span placed on tokens `[first, last)`; `exact` when no offset had to move."""

    first: int
    last: int
    span: SpanRow
    exact: bool


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without whitespace at its edges; empty (start == end) if it is all space.

    Whitespace is never a token, so a span's edge whitespace has no tag to hold it: BIO
    exports tag the trimmed span (and note it), and spaCy's NER cannot train on it at all.
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def align(
    index: TokenIndex, span: SpanRow, policy: str, bounds: tuple[int, int] | None = None
) -> Aligned | None:
    """The span (or its `bounds`, e.g. trimmed) on tokens under `policy`; None if no token."""
    start, end = bounds or (span.start, span.end)
    first, last = index.covering(start, end, inside=policy == "contract")
    if first >= last:
        return None
    exact = index.starts[first] == start and index.ends[last - 1] == end
    if policy == "strict" and not exact:
        return None
    return Aligned(first, last, span, exact)


def levels(aligned: Sequence[Aligned]) -> list[tuple[Aligned, int]]:
    """Each aligned span with its level (1, 2, ...) among spans of the same label."""
    ends: dict[str, list[int]] = {}
    placed = []
    for item in sorted(aligned, key=lambda a: (a.span.label, a.first, -a.last, a.span.start)):
        level_ends = ends.setdefault(item.span.label, [])
        for level, end in enumerate(level_ends):
            if end <= item.first:
                level_ends[level] = item.last
                placed.append((item, level + 1))
                break
        else:
            level_ends.append(item.last)
            placed.append((item, len(level_ends)))
    return placed


def bio_tags(length: int, items: Sequence[Aligned], label: str) -> list[str]:
    """IOB2 tags of one column: `B-` opens every span, `I-` continues it, `O` elsewhere."""
    tags = ["O"] * length
    inside = f"I-{label}"
    for item in items:
        tags[item.first] = f"B-{label}"
        for position in range(item.first + 1, item.last):
            tags[position] = inside
    return tags


def non_overlapping(aligned: Sequence[Aligned]) -> tuple[list[Aligned], list[Aligned]]:
    """Longest spans first (then earliest): the kept, non-overlapping set and the rest."""
    taken = bytearray(max((a.last for a in aligned), default=0))
    kept, rest = [], []
    for item in sorted(aligned, key=lambda a: (a.first - a.last, a.first, a.span.label)):
        if any(taken[item.first : item.last]):
            rest.append(item)
            continue
        taken[item.first : item.last] = b"\x01" * (item.last - item.first)
        kept.append(item)
    kept.sort(key=lambda a: a.first)
    return kept, rest


def sentence_starts(
    text: str,
    index: TokenIndex,
    aligned: Sequence[Aligned],
    tokens: Sequence[str] | None = None,
) -> list[int]:
    """Token indices that begin a sentence (always 0 when there are tokens).

    A sentence ends at a line break, or after ., !, ? (and closing quotes) before a token
    that starts with a capital, a digit or an opening quote, unless the full stop follows
    a single letter (an initial: "U.S."). Apart from line breaks the rule reads only token
    texts, so text rebuilt from the tokens splits the same way. A break never falls
    inside a span: BIO tags cannot cross a sentence. `tokens` are the token texts, when
    the caller has them already.
    """
    starts, ends = index.starts, index.ends
    count = len(starts)
    if not count:
        return []
    if tokens is None:
        tokens = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    open_spans = [0] * (count + 1)
    for item in aligned:
        if item.last - item.first > 1:
            open_spans[item.first + 1] += 1
            open_spans[item.last] -= 1
    breaks = [0]
    inside = 0
    for position in range(1, count):
        inside += open_spans[position]
        if inside:
            continue
        gap_start, gap_end = ends[position - 1], starts[position]
        if (gap_end - gap_start > 1 or (gap_end > gap_start and text[gap_start] != " ")) and (
            not LINE_BREAKS.isdisjoint(text[gap_start:gap_end])
        ):
            breaks.append(position)
            continue
        previous = tokens[position - 1]
        if (previous in SENTENCE_END or previous in CLOSERS) and _ends_sentence(tokens, position):
            breaks.append(position)
    return breaks


def _ends_sentence(tokens: Sequence[str], position: int) -> bool:
    """Whether the tokens before `position` end a sentence (line breaks aside)."""
    back = position - 1
    while tokens[back] in CLOSERS and back > 0:
        back -= 1
    previous = tokens[back]
    if previous not in SENTENCE_END:
        return False
    before = tokens[back - 1] if back > 0 else ""
    if previous == "." and len(before) == 1 and before.isalpha():
        return False
    if previous in ("。", "！", "？"):
        return True
    token = tokens[position]
    first = token[0]
    return first.isupper() or first.isdigit() or token in OPENERS

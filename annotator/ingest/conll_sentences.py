"""One sentence of a CoNLL-style file: its tokens and tags, its text, its relations.

Relations come from CoNLL-U Plus files as flair writes and reads them (its
`CoNLLUDataset`): a sentence comment

    # relations = 7;7;1;2;founded_by|7;7;4;5;founded_by

lists `head_start;head_end;child_start;child_end;label` per relation, token ids counted
from 1 within the sentence, ends inclusive. Each end must be a span that a tag column
marks on exactly those tokens: a relation is between spans here, so one whose tokens no
tag column marks is not imported (counted in the notes by the reader).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from annotator.errors import InputError

Fail = Callable[[int | None, str], InputError]

TokenRelation = tuple[int, int, int, int, str]
"""`(head first, head last, child first, child last, label)`: token indexes from 0,
`last` exclusive, within the sentence."""


@dataclass
class Sentence:
    line: int
    tokens: list[str] = field(default_factory=list)
    no_space: list[bool] = field(default_factory=list)
    columns: list[list[str]] = field(default_factory=list)
    text: str | None = None
    relations: list[TokenRelation] = field(default_factory=list)


def parse_relations(value: str, line: int, fail: Fail) -> list[TokenRelation]:
    """A `# relations =` comment's value; a malformed item stops the import at its line."""
    found = []
    for item in value.strip().split("|"):
        parts = item.strip().split(";")
        numbers = parts[:4]
        if len(parts) != 5 or not all(n.strip().isdigit() for n in numbers) or not parts[4]:
            raise fail(
                line,
                f"relations: expected head_start;head_end;child_start;child_end;label "
                f"(token ids from 1), got {item!r}",
            )
        head_first, head_last, child_first, child_last = (int(n) for n in numbers)
        if not (1 <= head_first <= head_last and 1 <= child_first <= child_last):
            raise fail(line, f"relations: {item!r}: token ids start at 1, first <= last")
        found.append((head_first - 1, head_last, child_first - 1, child_last, parts[4].strip()))
    return found


def check_relations(sentence: Sentence, fail: Fail) -> None:
    """Every relation's tokens are tokens of the sentence."""
    for relation in sentence.relations:
        if max(relation[1], relation[3]) > len(sentence.tokens):
            raise fail(
                sentence.line,
                f"relations: {relation[4]} names token {max(relation[1], relation[3])}, but "
                f"the sentence has {len(sentence.tokens)}",
            )


def link(
    sentence: Sentence,
    starts: list[int],
    offset: int,
    spans: list[tuple[int, int, int, str]],
    first_span: int,
) -> tuple[list[tuple[int, int, str]], int]:
    """The sentence's relations as `(head, child, label)` indexing the document's spans,
    and how many could not be placed.

    `starts` are the sentence's token starts in its text, which begins at `offset` in the
    document; `spans` are the document's spans so far as `(tag column, start, end,
    label)`, this sentence's from `first_span` on. Both ends are taken from one tag column
    (one layer), the first that marks both.
    """

    def bounds(first: int, last: int) -> tuple[int, int]:
        return offset + starts[first], offset + starts[last - 1] + len(sentence.tokens[last - 1])

    placed, lost = [], 0
    for head_first, head_last, child_first, child_last, label in sentence.relations:
        head_at, child_at = bounds(head_first, head_last), bounds(child_first, child_last)
        heads: dict[int, int] = {}
        children: dict[int, int] = {}
        for index in range(first_span, len(spans)):
            column, start, end, _ = spans[index]
            if (start, end) == head_at:
                heads.setdefault(column, index)
            if (start, end) == child_at:
                children.setdefault(column, index)
        both = [c for c in heads if c in children and heads[c] != children[c]]
        if not both:
            lost += 1
            continue
        placed.append((heads[both[0]], children[both[0]], label))
    return placed, lost


def sentence_text(sentence: Sentence) -> tuple[str, list[int]]:
    """The sentence's text and each token's start in it (its `# text` when tokens fit)."""
    if sentence.text is not None:
        starts = []
        position = 0
        text = sentence.text
        for token in sentence.tokens:
            found = text.find(token, position)
            if found < 0 or text[position:found].strip():
                break
            starts.append(found)
            position = found + len(token)
        else:
            if not text[position:].strip():
                return text, starts
    pieces: list[str] = []
    starts = []
    position = 0
    for token, no_space in zip(sentence.tokens, sentence.no_space, strict=True):
        starts.append(position)
        pieces.append(token)
        position += len(token)
        if not no_space:
            pieces.append(" ")
            position += 1
    text = "".join(pieces)
    if text.endswith(" "):
        text = text[:-1]
    return text, starts

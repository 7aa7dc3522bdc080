"""The lexicon source (INCEpTION's string matcher): what people labelled, wherever it recurs.

Every span text that anyone labelled (an annotator or gold) is proposed with its label
wherever the same text occurs again at token boundaries, in other documents and
elsewhere in the same one. Nothing is trained: the lexicon is read from the spans table
when a suggest run starts (`Store.suggestions.labelled_texts`), so it grows as people
label. A text labelled with several labels is proposed with each; the score of a label
is the share of that text's spans that carry it ("Geneva": 3 times a place, once a
guarantor -> 0.75 and 0.25). The places where a text is labelled in a document are not
proposed back there: what one annotator marked is not suggested to another at the very
same spot (agreement would measure the lexicon).

Boundaries are the project's tokens (`annotator.tokenize`, as snapping and token-level
agreement use): a match starts where a token starts and ends where one ends, so
"Turkey" is not found inside "Turkeys". Matching is exact (case and all), one pass over
each text's tokens with a dictionary keyed by a phrase's first token: cheap next to
tokenizing with spaCy, and no spaCy needed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from annotator.models import SpanKey
from annotator.suggest import Proposal, Source
from annotator.tokenize import TOKEN_PATTERN

_WORDLIKE = re.compile(r"\w")


@dataclass(frozen=True)
class Entry:
    """One labelled text: where its last token starts, and its labels with their shares."""

    phrase: str
    last: int
    labels: tuple[tuple[str, float], ...]


class Lexicon:
    """Labelled texts, indexed by their first token, ready to be found in other texts."""

    def __init__(self, labelled: Iterable[tuple[str, str, int]]) -> None:
        """`labelled`: `(span text, label, how many spans)`, as the store counts them."""
        counts: dict[str, dict[str, int]] = {}
        for phrase, label, count in labelled:
            per_label = counts.setdefault(phrase, {})
            per_label[label] = per_label.get(label, 0) + count
        self._first: dict[str, list[Entry]] = {}
        self.size = 0
        for phrase, labels in counts.items():
            tokens = [m.span() for m in TOKEN_PATTERN.finditer(phrase)]
            # Only a text that is whole tokens itself can recur at token boundaries.
            if not tokens or tokens[0][0] != 0 or tokens[-1][1] != len(phrase):
                continue
            if not _WORDLIKE.search(phrase):
                continue  # lone punctuation or symbols would be proposed everywhere
            total = sum(labels.values())
            entry = Entry(
                phrase,
                tokens[-1][0],
                tuple((label, n / total) for label, n in sorted(labels.items())),
            )
            self._first.setdefault(phrase[: tokens[0][1]], []).append(entry)
            self.size += 1
        for entries in self._first.values():
            entries.sort(key=lambda e: -len(e.phrase))

    def __len__(self) -> int:
        return self.size

    def propose(self, text: str, labelled: Collection[SpanKey] = ()) -> list[Proposal]:
        """Every place in `text` where a labelled text recurs, with each of its labels.

        Args:
            text: the document's text.
            labelled: the document's own spans (any layer), not proposed back.
        """
        if not self._first:
            return []
        first = self._first
        match_token = TOKEN_PATTERN.match
        found: list[Proposal] = []
        for token in TOKEN_PATTERN.finditer(text):
            entries = first.get(token.group())
            if entries is None:
                continue
            start = token.start()
            for entry in entries:
                if not text.startswith(entry.phrase, start):
                    continue
                end = start + len(entry.phrase)
                if end < len(text):
                    last = match_token(text, start + entry.last)
                    if last is None or last.end() != end:
                        continue  # the phrase ends inside a longer token here
                for label, score in entry.labels:
                    if (start, end, label) not in labelled:
                        found.append(Proposal(start, end, label, Source.LEXICON, score))
        return found

    def pipe(
        self, documents: Iterable[tuple[str, Collection[SpanKey]]]
    ) -> Iterator[list[Proposal]]:
        """`propose` for each `(text, its spans)`, in order, streamed."""
        for text, labelled in documents:
            yield self.propose(text, labelled)

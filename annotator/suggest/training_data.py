"""What a model learns from: the spans people kept, one layer per document, as DocBins.

The layer kept for a document:

- `gold`, where the document has gold spans or was marked adjudicated (a lead went
  through it, so an empty gold says "nothing here");
- else the layer of a person who marked the document done; when several did, the layer
  that agrees most with the others (most spans, by `SpanKey`, found in the other done
  layers; a tie goes to the name first in alphabetical order). That is the medoid: one
  careless annotator does not decide, and no merged layer is made up that nobody wrote.
- With `layer` given, only that layer, on the documents it is finished on (gold: as
  above; a person: the documents they marked done).

Documents kept with no span stay in: they teach the model where nothing is to be found.

Tokens come from spaCy's blank pipeline, the tokenizer the model predicts with. A span
whose ends fall inside a token is widened to whole tokens (spaCy's `expand` alignment) and
counted as moved: unlike the spaCy export's exact `split` policy, which rebuilds tokens,
a model can never propose part of a token, so it is taught the spans it can give back.
The split into train and held-out documents is `annotator.split`'s, by document id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.models import GOLD, SpanKey, SpanRow
from annotator.split import assign_splits
from annotator.store import Store

SPANS_KEY = "sc"
"""The `doc.spans` key spancat reads and writes (spaCy's default)."""

HELD_OUT = 0.2
"""Share of the kept documents held out for the scores; never trained on."""

MIN_DOCUMENTS = 5
"""Fewer kept documents than this leave nothing meaningful to hold out."""

TRAIN, HELD_OUT_NAME = "train", "held-out"


@dataclass
class TrainingSet:
    """The DocBins written for one training, and what went into them."""

    train_path: Path
    held_out_path: Path
    documents: Counter[str] = field(default_factory=Counter)
    """Documents per split (`train`, `held-out`)."""
    spans: dict[str, Counter[str]] = field(default_factory=dict)
    """Spans per label, per split."""
    layers: Counter[str] = field(default_factory=Counter)
    """Documents per layer kept."""
    longest: int = 0
    """Tokens in the longest span: the largest n-gram the suggester must propose."""
    moved: int = 0
    """Spans widened to token boundaries."""
    dropped: int = 0
    """Spans of whitespace only, or duplicates once widened."""
    done: int = 0
    """Documents marked done (all annotators together) when the data was read."""

    def span_total(self, split: str) -> int:
        return sum(self.spans.get(split, Counter()).values())


def done_marks(store: Store) -> int:
    """How many (document, annotator) pairs are marked done: what retraining counts."""
    return sum(int(entry.get("done", 0)) for entry in store.progress().values())


def kept_candidates(store: Store, layer: str | None = None) -> dict[str, list[str]]:
    """Document id -> the layers it may be trained from (one, or several to choose from).

    Args:
        store: the project.
        layer: only this layer (see the module docstring); None: gold, else done layers.
    """
    gold_docs = set(store.documents_with_spans(GOLD)) | set(store.adjudicated_documents())
    if layer == GOLD:
        return {doc_id: [GOLD] for doc_id in sorted(gold_docs)}
    done = store.finished_by(None if layer is None else [layer], at_least=1)
    if layer is not None:
        return {doc_id: [layer] for doc_id in done}
    candidates = {doc_id: sorted(names) for doc_id, names in done.items()}
    candidates.update({doc_id: [GOLD] for doc_id in gold_docs})
    return candidates


def choose_layer(candidates: list[str], spans: list[SpanRow]) -> str:
    """The layer whose spans the other candidate layers share most (ties: first name)."""
    if len(candidates) == 1:
        return candidates[0]
    keys: dict[str, set[SpanKey]] = {name: set() for name in candidates}
    for row in spans:
        if row.layer in keys:
            keys[row.layer].add(SpanKey(row.start, row.end, row.label))

    def shared(name: str) -> int:
        return sum(len(keys[name] & keys[other]) for other in candidates if other != name)

    return min(sorted(candidates), key=lambda name: -shared(name))


def build_training_set(
    store: Store, folder: Path, nlp: Any, *, layer: str | None = None, seed: int = 0
) -> TrainingSet:
    """Write `train.spacy` and `held-out.spacy` into `folder` from what people kept.

    Args:
        store: the project (read only).
        folder: an empty staging folder.
        nlp: a blank spaCy pipeline; its tokenizer makes the Docs.
        layer: train on this layer only (None: gold, else the done layers).
        seed: the split's seed (`annotator.split.assign_splits`).

    Raises:
        AnnotatorError: nothing kept, no spans, or too few documents to hold some out.
    """
    from spacy.tokens import DocBin

    done = done_marks(store)
    candidates = kept_candidates(store, layer)
    where = f"in layer {layer!r}" if layer is not None else "in gold or done layers"
    if not candidates:
        raise AnnotatorError(
            f"nothing to train on: no document is finished {where} "
            "(gold spans, adjudicated, or marked done)"
        )
    if len(candidates) < MIN_DOCUMENTS:
        raise AnnotatorError(
            f"too few documents for a held-out split: {len(candidates)} finished {where}, "
            f"at least {MIN_DOCUMENTS} needed"
        )
    splits = assign_splits(candidates, (1 - HELD_OUT, HELD_OUT), seed)
    bins = {TRAIN: DocBin(store_user_data=True), HELD_OUT_NAME: DocBin(store_user_data=True)}
    found = TrainingSet(folder / "train.spacy", folder / "held-out.spacy", done=done)
    found.spans = {TRAIN: Counter(), HELD_OUT_NAME: Counter()}
    layers = sorted({name for names in candidates.values() for name in names})
    for document, rows in store.iter_selected_documents(list(candidates), layers):
        chosen = choose_layer(candidates[document.id], rows)
        split = TRAIN if splits[document.id] == "train" else HELD_OUT_NAME
        doc = nlp.make_doc(document.text)
        doc.spans[SPANS_KEY] = _spans(doc, [row for row in rows if row.layer == chosen], found)
        doc.user_data["id"] = document.id
        doc.user_data["layer"] = chosen
        for span in doc.spans[SPANS_KEY]:
            found.spans[split][span.label_] += 1
            found.longest = max(found.longest, len(span))
        found.documents[split] += 1
        found.layers[chosen] += 1
        bins[split].add(doc)
    if not found.span_total(TRAIN) + found.span_total(HELD_OUT_NAME):
        raise AnnotatorError(
            f"nothing to train on: the {len(candidates)} documents finished {where} hold no spans"
        )
    if not found.span_total(TRAIN):
        raise AnnotatorError(
            "nothing to train on: every kept span is in a held-out document "
            "(label more documents, or try another --seed)"
        )
    bins[TRAIN].to_disk(found.train_path)
    bins[HELD_OUT_NAME].to_disk(found.held_out_path)
    return found


def _spans(doc: Any, rows: list[SpanRow], found: TrainingSet) -> list[Any]:
    """The rows as spaCy spans on whole tokens (widened where needed), without repeats.

    Whitespace tokens at a span's edges are left out (a blank line after a quote is
    nothing a model should learn to include); a span of whitespace only is dropped.
    """
    from spacy.tokens import Span

    made: dict[tuple[int, int, str], Any] = {}
    for row in rows:
        aligned = doc.char_span(row.start, row.end, alignment_mode="expand")
        first, last = (0, 0) if aligned is None else (aligned.start, aligned.end)
        while first < last and doc[first].is_space:
            first += 1
        while last > first and doc[last - 1].is_space:
            last -= 1
        key = (first, last, row.label)
        if first == last or key in made:
            found.dropped += 1
            continue
        span = Span(doc, first, last, label=row.label)
        if (span.start_char, span.end_char) != (row.start, row.end):
            found.moved += 1
        made[key] = span
    return [made[key] for key in sorted(made)]

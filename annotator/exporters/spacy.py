"""spaCy DocBin (`.spacy`): every span in `doc.spans[KEY]`, `doc.ents` where they do not overlap.

Tokens come from `spacy.blank(LANG)`, as `spacy train` expects. A span whose ends are not
token boundaries is aligned by an explicit policy (`--align`):

- `split` (default, lossless): the tokens it cuts are split there, so the Doc keeps the
  exact span and the exact text (`Doc(words, spaces)` rebuilt from the tokenizer's output);
  the number of documents with split tokens is reported as a note;
- `expand`, `contract`: spaCy's alignment modes; moved spans are reported as changed;
- `strict`: spans off token boundaries are dropped, and reported.

`doc.ents` takes the spans when none overlap on tokens; in a document where some do, it
takes the longest non-overlapping ones and marks the tokens of the others as missing
(neither entity nor `O`), so an NER model is never taught that a labelled span is outside.
Whitespace at the edges of a span (an imported `"\tObservers said"`) is left out of its
entity, since spaCy's NER cannot train on it (E024), and a span of only whitespace is no
entity at all; each is listed in the notes, and `doc.spans` keeps them as stored.
Document id, source and layer are kept in `doc.user_data`.

Relations go in `doc.user_data` twice. `doc.user_data["relations"]` keeps each exactly:
`{"head", "child", "label"}`, head and child indexing `doc.spans[KEY]`. And `doc._.rel`
(the user_data key `("._.", "rel", None, None)`) holds them as spaCy's relation extraction
example (projects: tutorials/rel_component) reads them once it has registered the `rel`
extension: `{(head_start_token, child_start_token): {label: 1.0}}`. Pairs without a
relation are left out there (the example's training reads them as 0.0); two spans that
start on one token share a key, and that example pairs only spans of `doc.ents`.

A DocBin is built in memory; to keep memory flat, an export of more documents than
`--shard-docs` becomes a folder of numbered `.spacy` files, which `spacy train` reads
like one file (`--paths.train FOLDER`).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter, describe, extra_needed
from annotator.exporters.relations import between
from annotator.models import Document, RelationRow, SpanRow
from annotator.store import Store

ATTRS = ["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"]
"""What a blank pipeline's Doc holds: the text (words and spaces) and the entities."""
REL_KEY = ("._.", "rel", None, None)
"""Where spaCy keeps the `doc._.rel` extension's value in `doc.user_data`."""


class SpacyState:
    def __init__(self, options: ExportOptions, sizes: dict[str | None, int]) -> None:
        try:
            import spacy
            from spacy.tokens import Doc, DocBin, Span
            from spacy.util import filter_spans
        except ImportError:
            raise extra_needed("spacy", "spacy") from None
        try:
            self.nlp = spacy.blank(options.lang)
        except (ImportError, OSError, ValueError) as exc:
            raise AnnotatorError(f"--lang {options.lang!r}: spaCy has no such language") from exc
        self.Doc = Doc
        self.DocBin = DocBin
        self.Span = Span
        self.filter_spans = filter_spans
        self.key = options.spans_key
        self.policy = options.align or "split"
        self.shard_docs = options.shard_docs
        self.sizes = sizes
        self.split_documents = 0
        self.ents_left_out = 0
        self.layer: str | None = None


class SpacyPart:
    def __init__(self, path: Path, expected: int, state: SpacyState, report: ExportReport):
        self.path = path
        self.state = state
        self.report = report
        self.sharded = expected > state.shard_docs
        self.shard = 0
        self.bin = self.new_bin()
        if self.sharded:
            path.mkdir(parents=True)

    def new_bin(self) -> Any:
        return self.state.DocBin(attrs=ATTRS, store_user_data=True)

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        state = self.state
        doc = state.nlp.make_doc(document.text)
        made, doc = self.make_spans(document, doc, spans)
        doc.spans[state.key] = [span for span, _ in made]
        if made:
            self.set_ents(doc, self.entities(document, doc, made))
        doc.user_data["id"] = document.id
        doc.user_data["source"] = document.source
        doc.user_data["layer"] = state.layer
        if relations:
            position = {row.id: i for i, (_, row) in enumerate(made)}
            linked = between(document, spans, relations, position, self.report, "spacy")
            doc.user_data["relations"] = [
                {"head": head, "child": child, "label": label} for head, child, label in linked
            ]
            rel: dict[tuple[int, int], dict[str, float]] = {}
            for head, child, label in linked:
                key = (made[head][0].start, made[child][0].start)
                rel.setdefault(key, {})[label] = 1.0
            doc.user_data[REL_KEY] = rel
        self.bin.add(doc)
        if len(self.bin) >= state.shard_docs and self.sharded:
            self.flush()
        return len(made)

    def make_spans(
        self, document: Document, doc: Any, spans: list[SpanRow]
    ) -> tuple[list[Any], Any]:
        policy = self.state.policy
        text = document.text
        made = []
        missed: list[SpanRow] = []
        for row in spans:
            span = doc.char_span(row.start, row.end, label=row.label, alignment_mode="strict")
            if span is None:
                missed.append(row)
            else:
                made.append((span, row))
        if not missed:
            return made, doc
        if policy == "split":
            doc = self.split_tokens(doc, missed)
            self.state.split_documents += 1
            return self.make_spans_exact(document, doc, spans), doc
        mode = "expand" if policy == "expand" else "contract"
        for row in missed:
            span = None
            if policy != "strict":
                span = doc.char_span(row.start, row.end, label=row.label, alignment_mode=mode)
            if span is None or not len(span):
                reason = (
                    "not on token boundaries (--align strict)"
                    if policy == "strict"
                    else "covers no whole token"
                )
                self.report.dropped.append(describe(document.id, row, text, reason))
                continue
            self.report.changed.append(
                describe(
                    document.id,
                    row,
                    text,
                    f"written as {span.start_char}-{span.end_char} {span.text!r} "
                    f"(--align {policy})",
                )
            )
            made.append((span, row))
        made.sort(key=lambda pair: (pair[1].layer, pair[1].start, pair[1].end, pair[1].label))
        return made, doc

    def make_spans_exact(self, document: Document, doc: Any, spans: list[SpanRow]) -> list[Any]:
        made = []
        for row in spans:
            span = doc.char_span(row.start, row.end, label=row.label, alignment_mode="strict")
            if span is None:  # cannot happen: every boundary is a token boundary now
                self.report.dropped.append(
                    describe(document.id, row, document.text, "could not split tokens")
                )
                continue
            made.append((span, row))
        return made

    def split_tokens(self, doc: Any, missed: list[SpanRow]) -> Any:
        """The same text with tokens split at every boundary of `missed` spans.

        A boundary inside a token's text splits the token; a span that starts on, or
        ends after, a token's trailing space makes that space a token of its own.
        """
        cuts = {row.start for row in missed} | {row.end for row in missed}
        starts_needed = {row.start for row in missed}
        ends_needed = {row.end for row in missed}
        words: list[str] = []
        spaces: list[bool] = []
        for token in doc:
            begin = token.idx
            finish = begin + len(token.text)
            inner = sorted(cut for cut in cuts if begin < cut < finish)
            edges = [begin, *inner, finish]
            for left, right in itertools.pairwise(edges):
                words.append(token.text[left - begin : right - begin])
                spaces.append(False)
            if token.whitespace_:
                if finish in starts_needed or finish + 1 in ends_needed:
                    words.append(token.whitespace_)
                    spaces.append(False)
                else:
                    spaces[-1] = True
        rebuilt = self.state.Doc(doc.vocab, words=words, spaces=spaces)
        assert rebuilt.text == doc.text
        return rebuilt

    def entities(self, document: Document, doc: Any, made: list[tuple[Any, SpanRow]]) -> list[Any]:
        """The spans as `doc.ents` takes them: without whitespace tokens at their edges.

        spaCy's NER cannot begin or end an entity on whitespace: its oracle fails with
        E024 during training. Each trimmed span, and each span of only whitespace (left
        out), is listed in the notes; `doc.spans` keeps them exactly as stored.
        """
        text = document.text
        ents = []
        for span, row in made:
            start, end = span.start_char, span.end_char
            if start >= end or not (text[start].isspace() or text[end - 1].isspace()):
                ents.append(span)
                continue
            first, last = span.start, span.end
            while first < last and doc[first].is_space:
                first += 1
            while last > first and doc[last - 1].is_space:
                last -= 1
            if first == last:
                self.report.notes.append(
                    describe(
                        document.id,
                        row,
                        text,
                        "only whitespace: not in doc.ents (exact in doc.spans)",
                    )
                )
                continue
            trimmed = self.state.Span(doc, first, last, label=span.label)
            ents.append(trimmed)
            self.report.notes.append(
                describe(
                    document.id,
                    row,
                    text,
                    f"trimmed to {trimmed.start_char}-{trimmed.end_char} {trimmed.text!r} in "
                    "doc.ents (whitespace at its edges; exact in doc.spans)",
                )
            )
        return ents

    def set_ents(self, doc: Any, spans: list[Any]) -> None:
        ordered = sorted(spans, key=lambda span: (span.start, span.end))
        if all(a.end <= b.start for a, b in itertools.pairwise(ordered)):
            doc.ents = ordered
            return
        kept = self.state.filter_spans(ordered)
        taken = {i for span in kept for i in range(span.start, span.end)}
        unknown = sorted({i for span in ordered for i in range(span.start, span.end)} - taken)
        missing: list[list[int]] = []
        for i in unknown:
            if missing and missing[-1][1] == i:
                missing[-1][1] = i + 1
            else:
                missing.append([i, i + 1])
        doc.set_ents(kept, missing=[doc[a:b] for a, b in missing], default="outside")
        self.state.ents_left_out += len(spans) - len(kept)

    def flush(self) -> None:
        target = self.path / f"{self.shard:05d}.spacy" if self.sharded else self.path
        target.write_bytes(self.bin.to_bytes())
        self.shard += 1
        self.bin = self.new_bin()

    def close(self) -> None:
        if len(self.bin) or not self.sharded:
            self.flush()


class SpacyExporter(StreamingExporter):
    name = "spacy"
    suffix = ".spacy"
    single_layer = True
    default_align = "split"
    align_policies = ("split", "expand", "contract", "strict")
    represents_relations = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        if options.split is not None:
            from annotator.split import split_names, split_sizes

            names = split_names(options.split)
            counts = split_sizes(store.document_count(), options.split)
            sizes: dict[str | None, int] = dict(zip(names, counts, strict=True))
        else:
            sizes = {None: store.document_count()}
        state = SpacyState(options, sizes)
        state.layer = layers[0] if layers else None
        return state

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return SpacyPart(path, state.sizes[split], state, report)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        if state.split_documents:
            report.notes.append(
                f"{state.split_documents} documents have tokens split at span boundaries "
                "(--align split), so every span is exact"
            )
        if state.ents_left_out:
            report.notes.append(
                f"{state.ents_left_out} overlapping spans are in doc.spans[{state.key!r}] but "
                "not in doc.ents (tokens no kept entity covers are marked missing there)"
            )

"""A suggest run: which documents, which sources, their proposals streamed into the store.

`annotator suggest` and the workbench's refresh after a retrain both come here, so a
source means the same thing wherever it runs. Each source reads the chosen documents
once, as a stream (texts in chunks from SQLite, through the source, into the store in
chunks of `WRITE_CHUNK` documents, each chunk one transaction): memory stays flat
however large the project. A dry run streams the same proposals to a callback and
stores nothing.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.errors import AnnotatorError
from annotator.models import Status
from annotator.suggest import Proposal, Source

if TYPE_CHECKING:
    from annotator.store import Store

WRITE_CHUNK = 200
"""Documents per write transaction: short enough that the workbench never waits long."""

Found = Iterator[tuple[str, list[Proposal]]]
"""`(document id, its proposals)`, document by document."""


@dataclass
class RunCounts:
    """What a run proposed: per (source, label), and the notes worth telling the user."""

    documents: int = 0
    proposals: Counter[tuple[str, str]] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def chosen_documents(store: Store, which: str, annotator: str | None = None) -> list[str]:
    """The documents a run covers: `all`, or `queue` (still to be labelled).

    With `annotator`, `queue` is that annotator's queue (todo and in progress, the
    workbench's own rule for what their queue holds); without, every document someone
    still has to label (an open assignment, or nobody has it yet).
    """
    if which == "all":
        return store.document_ids()
    if which != "queue":
        raise AnnotatorError(f"--documents {which!r}: use queue or all")
    if annotator is None:
        return store.suggestions.pending()
    found: list[str] = []
    for status in (Status.TODO, Status.IN_PROGRESS):
        offset = 0
        while page := store.queue(annotator, status=status, offset=offset, limit=1000):
            found += [item.doc_id for item in page]
            offset += len(page)
    order = {doc_id: index for index, doc_id in enumerate(store.document_ids())}
    return sorted(found, key=order.__getitem__)


def proposals(
    store: Store,
    source: Source,
    doc_ids: Sequence[str],
    *,
    patterns: Path | None = None,
    model_dir: Path | None = None,
    counts: RunCounts | None = None,
) -> Found:
    """One source's proposals for each document, in order, streamed.

    Raises:
        AnnotatorError: spaCy is missing (naming the extra), the pattern file is bad, or
            there is no trained model.
    """
    counts = counts if counts is not None else RunCounts()
    if source is Source.PATTERNS:
        return _patterns(store, doc_ids, patterns, counts)
    if source is Source.LEXICON:
        return _lexicon(store, doc_ids, counts)
    return _model(store, doc_ids, model_dir, counts)


def _texts(store: Store, doc_ids: Sequence[str], pending: deque[tuple[str, str]]) -> Iterator[str]:
    """The texts, each kept with its id until its result comes back (`nlp.pipe` reads
    ahead)."""
    for doc_id, text in store.suggestions.texts(doc_ids):
        pending.append((doc_id, text))
        yield text


_JOINERS = "-'’"
"""Inside a word, these keep the project's tokens whole ("non-nuclear", "Ukraine’s")."""


def _inside_word(text: str, at: int) -> bool:
    """Whether offset `at` may cut one of the project's tokens (a cheap test first)."""
    if not 0 < at < len(text):
        return False
    before, after = text[at - 1], text[at]
    return (before.isalnum() and (after.isalnum() or after in _JOINERS)) or (
        before in _JOINERS and after.isalnum()
    )


def snapped(text: str, found: list[Proposal]) -> list[Proposal]:
    """Proposals from spaCy's tokens widened to the project's tokens where they differ.

    Under a scheme that snaps to tokens a person cannot select half of one of our tokens
    ("Ukraine" of "Ukraine’s", which spaCy splits): a suggestion should not offer it
    either, nor be measured at boundaries nobody could draw.
    """
    if not any(_inside_word(text, p.start) or _inside_word(text, p.end) for p in found):
        return found
    from annotator.tokenize import TokenIndex

    index = TokenIndex(text)
    widened = []
    for p in found:
        start, end = index.snap(p.start, p.end)
        widened.append(p._replace(start=start, end=end))
    return widened


def _patterns(store: Store, doc_ids: Sequence[str], path: Path | None, counts: RunCounts) -> Found:
    """Loads and checks the patterns now; the returned stream matches them."""
    from annotator.suggest.patterns import (
        PatternMatcher,
        check_labels,
        default_patterns_path,
        load_patterns,
    )

    scheme = store.scheme
    given = path is not None
    path = path or default_patterns_path(store.meta("scheme_source"), scheme.qualified_name)
    if path is None:
        raise AnnotatorError(
            f"the scheme {scheme.qualified_name} comes with no patterns: pass --patterns FILE "
            "(JSON lines in spaCy's pattern format)"
        )
    loaded = load_patterns(path)
    if given:
        check_labels(loaded, scheme.label_names, path)
    else:  # the default patterns of an earlier version: keep what this scheme still has
        kept = [p for p in loaded if p.label in scheme.label_names]
        if len(kept) < len(loaded):
            counts.notes.append(
                f"{path.name}: {len(loaded) - len(kept)} patterns for labels this scheme "
                "does not have were left out"
            )
        loaded = kept
        if not loaded:
            raise AnnotatorError(f"{path}: no pattern has a label of {scheme.qualified_name}")
    matcher = PatternMatcher(loaded)

    snap = scheme.snap_to_tokens

    def stream() -> Found:
        pending: deque[tuple[str, str]] = deque()
        for found in matcher.pipe(_texts(store, doc_ids, pending)):
            doc_id, text = pending.popleft()
            yield doc_id, snapped(text, found) if snap and found else found

    return stream()


def _lexicon(store: Store, doc_ids: Sequence[str], counts: RunCounts) -> Found:
    """Reads what is labelled now; the returned stream finds it in the documents."""
    from annotator.suggest.lexicon import Lexicon

    lexicon = Lexicon(store.suggestions.labelled_texts())
    if not len(lexicon):
        counts.notes.append("lexicon: nothing is labelled yet, so it proposes nothing")

    def stream() -> Found:
        for doc_id, text in store.suggestions.texts(doc_ids):
            places = store.suggestions.labelled_places(doc_id) if len(lexicon) else set()
            yield doc_id, lexicon.propose(text, places)

    return stream()


def _model(
    store: Store, doc_ids: Sequence[str], model_dir: Path | None, counts: RunCounts
) -> Found:
    """Finds the model now (the latest `annotator train` made, unless given)."""
    try:
        from annotator.suggest import model
    except ImportError:
        raise AnnotatorError("no model is trained: model suggestions are not available") from None
    found_dir = model_dir or model.latest_model(store.path)
    if found_dir is None:
        raise AnnotatorError("no model is trained yet: run `annotator train` first")
    from annotator.suggest import spacy_needed

    spacy_needed("model suggestions")
    labels = set(store.scheme.label_names)
    snap = store.scheme.snap_to_tokens

    def stream() -> Found:
        dropped: Counter[str] = Counter()
        pending: deque[tuple[str, str]] = deque()
        for found in model.predict(found_dir, _texts(store, doc_ids, pending)):
            kept = [p for p in found if p.label in labels]
            dropped.update(p.label for p in found if p.label not in labels)
            doc_id, text = pending.popleft()
            yield doc_id, snapped(text, kept) if snap and kept else kept
        if dropped:
            counts.notes.append(
                "model: labels the scheme no longer has were left out: "
                + ", ".join(sorted(dropped))
            )

    return stream()


def run(
    store: Store,
    sources: Iterable[Source],
    doc_ids: Sequence[str],
    *,
    patterns: Path | None = None,
    model_dir: Path | None = None,
    dry_run: bool = False,
    emit: Callable[[str, Proposal], None] | None = None,
    advance: Callable[[int], None] | None = None,
) -> RunCounts:
    """Run each source over the documents; store their proposals unless `dry_run`.

    Args:
        emit: called with every proposal (the CLI's `--json`), stored or not.
        advance: called with the number of documents each source has just finished.
    """
    counts = RunCounts(documents=len(doc_ids))
    # Every source is set up (files read, model found) before any writes: a bad pattern
    # file or a missing model stops the run with nothing half done.
    streams = [
        (
            source,
            proposals(
                store, source, doc_ids, patterns=patterns, model_dir=model_dir, counts=counts
            ),
        )
        for source in dict.fromkeys(sources)
    ]
    for source, stream in streams:
        chunk: list[tuple[str, Source, Sequence[Proposal]]] = []
        for doc_id, found in stream:
            counts.proposals.update((source.value, p.label) for p in found)
            if emit is not None:
                for proposal in found:
                    emit(doc_id, proposal)
            if not dry_run:
                chunk.append((doc_id, source, found))
                if len(chunk) >= WRITE_CHUNK:
                    store.suggestions.replace_many(chunk)
                    chunk = []
            if advance is not None:
                advance(1)
        if chunk:
            store.suggestions.replace_many(chunk)
    return counts

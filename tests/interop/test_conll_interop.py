"""seqeval and conllu read our CoNLL: strict IOB2 equals lenient chunking on every column."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import export, import_whitespace_edged

from annotator.ingest import import_file
from annotator.scheme import load_scheme
from annotator.store import Store
from annotator.tokenize import TokenIndex

seqeval_scheme = pytest.importorskip("seqeval.scheme")
from seqeval.metrics.sequence_labeling import get_entities  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "formats"


def read_columns(path: Path) -> list[list[list[str]]]:
    """Sentences as lists of rows (token, tag, tag, ...), -DOCSTART- blocks left out."""
    sentences: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in path.read_text("utf-8").split("\n"):
        if not line:
            if current:
                sentences.append(current)
            current = []
        elif not line.startswith("-DOCSTART-"):
            current.append(line.split(" "))
    return sentences


def test_every_column_is_strict_iob2(corpus: Store) -> None:
    report = export(corpus, "conll", Path("out.conll"))
    assert not report.dropped and not report.changed
    sentences = read_columns(Path("out.conll"))
    width = len(sentences[0][0])
    assert width - 1 == len(corpus.scheme.label_names) + 1  # guarantor needs a second column
    for column in range(1, width):
        tags = [[row[column] for row in sentence] for sentence in sentences]
        strict = seqeval_scheme.Entities(tags, seqeval_scheme.IOB2)
        strict_chunks = sorted(
            (sent, entity.start, entity.end, entity.tag)
            for sent, entities in enumerate(strict.entities)
            for entity in entities
        )
        lenient = sorted(
            (sent, start, end + 1, label)
            for sent, sequence in enumerate(tags)
            for label, start, end in get_entities(sequence)
        )
        assert strict_chunks == lenient


def test_spans_come_back_as_the_same_tokens(corpus: Store, tmp_path: Path) -> None:
    export(corpus, "conll", Path("out.conll"))
    _, scheme_text = load_scheme()
    with Store.create(tmp_path / "back.db", scheme_text, "test") as back:
        import_file(back, Path("out.conll"))
        original = _token_spans(corpus)
        assert sorted(_token_spans(back).values()) == sorted(original.values())


def _token_spans(store: Store) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    found = {}
    for document, spans in store.iter_documents_with_spans(["gold"]):
        text = document.text
        index = TokenIndex(text)
        tokens = []
        for span in spans:
            first, last = index.covering(span.start, span.end)
            words = tuple(text[index.starts[i] : index.ends[i]] for i in range(first, last))
            tokens.append((span.label, words))
        found[document.id] = sorted(tokens)
    return found


def test_conllu_files_import_as_the_conllu_library_reads_them(store: Store) -> None:
    conllu = pytest.importorskip("conllu")
    path = FIXTURE / "news.conllup"
    sentences = conllu.parse(path.read_text("utf-8"), fields=["id", "form", "upos", "ner", "misc"])
    result = import_file(store, path, add_labels=True)
    assert result.counts.documents == 2  # `# newdoc` starts each document
    documents = [doc for doc, _ in store.iter_documents_with_spans()]
    texts = "\n".join(doc.text for doc in documents)
    for sentence in sentences:
        assert sentence.metadata["text"] in texts  # the `# text` comment is the text
        for token in sentence:
            assert token["form"] in sentence.metadata["text"]
    spans = [
        (d.text[s.start : s.end], s.label)
        for d, ss in store.iter_documents_with_spans()
        for s in ss
    ]
    expected = []
    for sentence in sentences:
        forms = [t["form"] for t in sentence]
        for label, first, last in get_entities([t["ner"] for t in sentence]):
            expected.append((forms[first : last + 1], label))
    assert len(spans) == len(expected)
    for (text, label), (forms, want) in zip(
        sorted(spans, key=lambda x: x[0]),
        sorted(expected, key=lambda x: " ".join(x[0])),
        strict=True,
    ):
        assert label == want
        assert text.replace(" ", "") == "".join(forms)


TRIMMED = {
    "tab gold 0-15 quote '\\tObservers said'": (1, 15),
    "trailing gold 0-25 demand 'Kyiv demands guarantees \\n'": (0, 23),
    "trailing gold 24-30 guarantor '\\n from'": (26, 30),
}


@pytest.mark.parametrize("policy", ["expand", "contract", "strict"])
def test_whitespace_at_span_edges_is_trimmed_and_noted(
    store: Store, tmp_path: Path, policy: str
) -> None:
    """A span "\\tObservers said" is the tokens "Observers said": exact, not moved or lost."""
    texts = import_whitespace_edged(store)
    report = export(store, "conll", Path("ws.conll"), align=policy)
    assert not report.changed
    assert report.dropped == [
        "blank gold 11-14 quote '   ': covers no whole token (only whitespace)"
    ]
    assert [note for note in report.notes if "trimmed" in note] == [
        f"{span}: trimmed to {start}-{end} {texts[span.split()[0]][start:end]!r} "
        "(whitespace at its edges)"
        for span, (start, end) in TRIMMED.items()
    ]
    sentences = read_columns(Path("ws.conll"))
    labels = store.scheme.label_names
    found = set()
    for sentence in sentences:
        for column, label in enumerate(labels, start=1):
            tags = [row[column] for row in sentence]
            strict = seqeval_scheme.Entities([tags], seqeval_scheme.IOB2).entities[0]
            assert sorted((e.start, e.end, e.tag) for e in strict) == sorted(
                (start, end + 1, tag) for tag, start, end in get_entities(tags)
            )
            for entity in strict:
                words = " ".join(row[0] for row in sentence[entity.start : entity.end])
                found.add((label, words))
    assert found == {
        ("quote", "Observers said"),
        ("demand", "Kyiv demands guarantees"),
        ("guarantor", "from"),
        ("attribution", "Lavrov said"),
    }
    _, scheme_text = load_scheme()
    with Store.create(tmp_path / "back.db", scheme_text, "test") as back:
        import_file(back, Path("ws.conll"))
        assert sorted(
            (span.label, document.text[span.start : span.end])
            for document, spans in back.iter_documents_with_spans(["gold"])
            for span in spans
        ) == sorted(found, key=lambda pair: pair)

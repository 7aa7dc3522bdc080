"""label-studio-sdk validates our tasks against our config; brat's T text is the .txt slice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import export, import_whitespace_edged, stored_spans

from annotator.ingest import import_file
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store


def test_label_interface_validates_the_config_and_every_annotation(corpus: Store) -> None:
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    report = export(corpus, "label-studio", Path("ls"))
    assert not report.dropped
    interface = interface_module.LabelInterface(Path("ls/config.xml").read_text("utf-8"))
    interface.validate()  # raises on an invalid config
    tasks = json.loads(Path("ls/tasks.json").read_text("utf-8"))
    assert [task["data"]["doc_id"] for task in tasks] == list(stored_spans(corpus))
    layers = set()
    for task in tasks:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            layers.add(annotation["created_username"])
            assert interface.validate_annotation(annotation), annotation
            for region in annotation["result"]:
                value = region["value"]
                assert text[value["start"] : value["end"]] == value["text"]
    assert layers == {"gold", "alice", "bob"}


def test_label_interface_rejects_a_label_the_config_lacks(corpus: Store) -> None:
    """The check above has teeth: a label outside the config fails validation."""
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    export(corpus, "label-studio", Path("ls"))
    interface = interface_module.LabelInterface(Path("ls/config.xml").read_text("utf-8"))
    annotation = json.loads(Path("ls/tasks.json").read_text("utf-8"))[0]["annotations"][0]
    annotation["result"][0]["value"]["labels"] = ["not-a-label"]
    assert not interface.validate_annotation(annotation)


T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")


def test_brat_text_of_every_t_line_is_the_slice_of_its_txt(corpus: Store) -> None:
    report = export(corpus, "brat", Path("brat"))
    assert not report.dropped and not report.changed
    assert any("LF" in note for note in report.notes)  # the CRLF document
    expected = stored_spans(corpus)
    for doc_id in expected:
        text = Path(f"brat/{doc_id}.txt").read_bytes().decode("utf-8")
        assert "\r" not in text and not text.startswith("\ufeff")
        lines = Path(f"brat/{doc_id}.ann").read_text("utf-8").splitlines()
        assert len(lines) == len(expected[doc_id])
        for line in lines:
            match = T_LINE.match(line)
            assert match is not None, line
            _ident, _label, offsets, shown = match.groups()
            pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
            assert " ".join(text[a:b] for a, b in pieces) == shown
    conf = Path("brat/annotation.conf").read_text("utf-8")
    assert all(label in conf.split("\n") for label in corpus.scheme.label_names)


def test_brat_file_names_are_safe_and_stay_in_the_folder(store: Store) -> None:
    ids = ["../escape", "a/b", "A_B", "a_b", "CON", ".hidden", "x" * 300]
    with store.transaction():
        store.import_documents(
            [NewDocument(text=f"Document number {n}.", id=i) for n, i in enumerate(ids)]
        )
    export(store, "brat", Path("out"))
    names = sorted(p.name for p in Path("out").iterdir() if p.suffix == ".txt")
    assert len(names) == len(ids)
    assert len({n.lower() for n in names}) == len(ids)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.txt", name) and len(name) <= 104
    assert not Path("escape.txt").exists()


@pytest.mark.parametrize(("fmt", "target"), [("jsonl", "ws.jsonl"), ("brat", "ws-brat")])
def test_faithful_formats_keep_whitespace_at_span_edges(
    store: Store, tmp_path: Path, fmt: str, target: str
) -> None:
    """Only token-level views trim span edges; jsonl and brat give back what was stored."""
    # brat leaves line breaks at span edges out (reported, see the README): spaces and tabs
    import_whitespace_edged(
        store, keys=("tab", "blank") if fmt == "brat" else ("tab", "trailing", "blank")
    )
    report = export(store, fmt, Path(target))
    assert not report.lossy
    assert not [note for note in report.notes if "trimmed" in note or "whitespace" in note]
    _, scheme_text = load_scheme()
    with Store.create(tmp_path / "back.db", scheme_text, "test") as back:
        import_file(back, Path(target))
        assert _texts(back) == _texts(store)


def _texts(store: Store) -> list[tuple[str, str]]:
    return sorted(
        (span.label, document.text[span.start : span.end])
        for document, spans in store.iter_documents_with_spans(["gold"])
        for span in spans
    )

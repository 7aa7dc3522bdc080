"""Import from .txt and .jsonl: what goes in, and every error path leaving the DB as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.ingest import expand_paths, import_file
from annotator.store import Store, text_hash

Dump = Callable[[Path], list[str]]


def jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_txt_keeps_crlf_and_drops_the_bom(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbfLine one\r\n\tTabbed \xe2\x80\x94 line\r\n")
    result = import_file(store, path)
    assert result.counts.documents == 1
    document = store.document(text_hash("Line one\r\n\tTabbed — line\r\n"))
    assert document.text == "Line one\r\n\tTabbed — line\r\n"
    assert document.source == "crlf.txt"


def test_folders_are_searched_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for name in ("in/b.txt", "in/a.txt", "in/sub/c.jsonl", "in/skip.md"):
        (tmp_path / name).write_text("x", "utf-8")
    assert [p.name for p in expand_paths([tmp_path / "in"])] == ["a.txt", "b.txt", "c.jsonl"]
    with pytest.raises(InputError, match="no such file"):
        expand_paths([tmp_path / "nope"])
    with pytest.raises(InputError, match="unsupported file type"):
        expand_paths([tmp_path / "in" / "skip.md"])


def test_jsonl_with_ids_meta_and_spans(store: Store, tmp_path: Path) -> None:
    text = "Lavrov said Kyiv must abandon its NATO bid 🕊️."
    path = jsonl(
        tmp_path / "docs.jsonl",
        {
            "id": "doc-1",
            "text": text,
            "meta": {"outlet": "wire"},
            "spans": [
                {"start": 0, "end": 11, "label": "attribution", "annotator": "alice"},
                {"start": 12, "end": 42, "label": "demand", "text": text[12:42]},
            ],
        },
        {"text": "second document"},
    )
    counts = import_file(store, path, default_layer="gold").counts
    assert (counts.documents, counts.spans, counts.skipped) == (2, 2, 0)
    assert store.document("doc-1").meta == {"outlet": "wire"}
    layers = {(s.layer, s.label) for s in store.spans("doc-1")}
    assert layers == {("alice", "attribution"), ("gold", "demand")}
    again = import_file(store, path).counts
    assert (again.documents, again.skipped, again.spans) == (0, 2, 0)
    assert store.events()[-1].action == "import"


BAD_JSONL = [
    ('{"text": "ok"}\n{"text": "broken"\n', 2, "invalid JSON"),
    ('{"text": "ok"}\n{"id": "x"}\n', 2, "missing required field 'text'"),
    ('{"text": 5}\n', 1, "'text' must be a string"),
    ("[1, 2]\n", 1, "expected a JSON object"),
    ('{"text": "ok", "title": "t"}\n', 1, "unknown field 'title'"),
    (
        '{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "demand"}]}\n',
        1,
        "spans[0]: offsets 1-9 out of range for a text of 3 characters",
    ),
    ('{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "demand"}]}\n', 1, "out of range"),
    (
        '{"text": "abc", "spans": [{"start": "0", "end": 1, "label": "demand"}]}\n',
        1,
        "'start' must be an integer",
    ),
    (
        '{"text": "a😀bc", "spans": [{"start": 3, "end": 4, "label": "demand", "text": "b"}]}\n',
        1,
        "spans[0]: text 'b' does not match 'c' at 3-4",
    ),
    (
        '{"text": "ok"}\n\n{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "threat"}]}\n',
        3,
        "unknown label 'threat'",
    ),
    (
        '{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "demand", '
        '"annotator": "../x"}]}\n',
        1,
        "annotator '../x' must be",
    ),
    (
        '{"id": "same", "text": "one"}\n{"id": "same", "text": "two"}\n',
        2,
        "document id 'same' is already used for another text",
    ),
    ('{"text": "\\ud800 lone surrogate"}\n', 1, "unpaired surrogate"),
]


@pytest.mark.parametrize(("content", "line", "reason"), BAD_JSONL)
def test_bad_jsonl_names_file_and_line_and_changes_nothing(
    store: Store, tmp_path: Path, dump_db: Dump, content: str, line: int, reason: str
) -> None:
    import_file(store, jsonl(tmp_path / "before.jsonl", {"text": "already here"}))
    before = dump_db(store.path)
    path = tmp_path / "bad.jsonl"
    path.write_text(content, "utf-8")
    with pytest.raises(InputError) as caught:
        import_file(store, path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert reason in str(caught.value)
    assert dump_db(store.path) == before


def test_invalid_utf8_is_reported_with_its_line(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    before = dump_db(store.path)
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_bytes(b'{"text": "fine"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:2: invalid UTF-8 at column 14"):
        import_file(store, bad_jsonl)
    bad_txt = tmp_path / "bad.txt"
    bad_txt.write_bytes(b"line one\nline two \xff\xfe\n")
    with pytest.raises(InputError, match=r"bad\.txt:2: invalid UTF-8 at byte offset 18"):
        import_file(store, bad_txt)
    assert dump_db(store.path) == before


def test_a_late_error_rolls_back_earlier_batches(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    before = dump_db(store.path)
    records = [{"text": f"document number {i}"} for i in range(2500)]
    records.append({"text": "bad", "spans": [{"start": 0, "end": 2, "label": "nope"}]})
    with pytest.raises(InputError, match=":2501: unknown label 'nope'"):
        import_file(store, jsonl(tmp_path / "big.jsonl", *records))
    assert dump_db(store.path) == before
    assert store.document_count() == 0


def test_a_file_past_the_memory_budget_waits_on_disk_and_arrives_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.ingest.spool import Spool

    monkeypatch.setattr(Spool, "MEMORY_BYTES", 200)  # spill after a few documents
    records = [
        {
            "text": f"Report {n}: Kyiv 🕊 demanded guarantees.",
            "id": f"r{n}",
            "meta": {"n": n, "tags": ["a", None, 1.5]},
            "spans": [{"start": 0, "end": 6, "label": "quote", "annotator": "alice"}],
        }
        for n in range(2_500)  # more than two insert batches
    ]
    result = import_file(store, jsonl(tmp_path / "many.jsonl", *records))
    assert result.counts.documents == 2_500
    assert result.counts.spans == 2_500
    stored = {doc.id: doc for doc in store.iter_documents()}
    assert list(stored) == [f"r{n}" for n in range(2_500)]
    for n in (0, 1_234, 2_499):
        assert stored[f"r{n}"].text == records[n]["text"]
        assert stored[f"r{n}"].meta == records[n]["meta"]
        assert [(s.start, s.end, s.label) for s in store.spans(f"r{n}", "alice")] == [
            (0, 6, "quote")
        ]

"""Relations in the native JSONL format: written as indexes into the record's spans, read
back under the store's rules, every error naming file, line and reason, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import InputError
from annotator.exporters import get_exporter
from annotator.ingest import import_file
from annotator.store import NewDocument, Store

Dump = Callable[[Path], list[str]]
TEXT = "Reuters reported that Putin wants Ukraine to cede the eastern Donbas region."
runner = CliRunner()


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def span(layer: str, words: str, label: str) -> dict[str, object]:
    start, end = at(words)
    return {"annotator": layer, "label": label, "start": start, "end": end, "text": words}


SPANS = [
    span("alice", "Reuters reported", "attribution"),
    span("alice", "cede the eastern Donbas region", "demand"),
    span("bob", "Reuters reported", "attribution"),
    span("bob", "Putin wants Ukraine to cede the eastern Donbas region", "opinion"),
    span("bob", "cede the eastern Donbas region", "demand"),
]
RECORD = {
    "id": "d1",
    "text": TEXT,
    "source": "wire.txt",
    "meta": {},
    "spans": SPANS,
    "relations": [
        {"head": 0, "child": 1, "label": "says"},
        {"head": 2, "child": 3, "label": "says"},
        {"head": 2, "child": 4, "label": "says"},
    ],
}


def jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def linked(
    store: Store, doc_id: str
) -> set[tuple[str, tuple[int, int, str], tuple[int, int, str], str]]:
    spans = {s.id: (s.start, s.end, s.label) for s in store.spans(doc_id)}
    return {(r.layer, spans[r.head], spans[r.child], r.label) for r in store.relations(doc_id)}


def test_import_then_export_is_byte_identical_with_relations(
    store: Store, tmp_path: Path, db_path: Path
) -> None:
    plain = {"id": "d2", "text": "No relation here.", "source": "x", "meta": {}, "spans": []}
    source = tmp_path / "in.jsonl"
    # What the exporter writes: its separators, spans in store order (layer, start, end).
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    source.write_text(encode(RECORD) + "\n" + encode(plain) + "\n", "utf-8", newline="\n")
    result = import_file(store, source)
    assert (result.counts.spans, result.counts.relations) == (5, 3)
    assert linked(store, "d1") == {
        ("alice", (0, 16, "attribution"), (45, 75, "demand"), "says"),
        ("bob", (0, 16, "attribution"), (22, 75, "opinion"), "says"),
        ("bob", (0, 16, "attribution"), (45, 75, "demand"), "says"),
    }
    assert store.check() == []
    out = tmp_path / "out.jsonl"
    report = get_exporter("jsonl").export(store, out, None)
    assert (report.spans, report.relations, report.lossy) == (5, 3, False)
    assert out.read_bytes() == source.read_bytes()
    # The record without relations has no `relations` key, exactly as before.
    assert out.read_text("utf-8").splitlines()[1] == encode(plain)
    # A second import of the same file changes nothing; a new project reads it whole.
    again = import_file(store, source).counts
    assert (again.documents, again.spans, again.relations) == (0, 0, 0)
    with Store.create(tmp_path / "two.db", store.scheme_text, "x") as two:
        import_file(two, out)
        get_exporter("jsonl").export(two, tmp_path / "two.jsonl", None)
    assert (tmp_path / "two.jsonl").read_bytes() == source.read_bytes()


def test_made_in_the_store_exported_as_indexes_into_spans(store: Store, tmp_path: Path) -> None:
    store.import_documents([NewDocument(text=TEXT, id="d1")])
    demand = store.add_span("d1", "gold", *at("cede the eastern Donbas region"), "demand")
    source = store.add_span("d1", "gold", *at("Reuters reported"), "attribution")
    store.add_relation(source.id or 0, demand.id or 0, "says")
    store.add_span("d1", "alice", *at("Putin"), "guarantor")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", "jsonl", "--db", str(store.path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 1 documents, 3 spans, 1 relations" in result.stderr
    record = json.loads(out.read_text("utf-8"))
    labels = [(s["annotator"], s["label"]) for s in record["spans"]]
    assert labels == [("alice", "guarantor"), ("gold", "attribution"), ("gold", "demand")]
    assert record["relations"] == [{"head": 1, "child": 2, "label": "says"}]
    # Only the layers asked for, with their relations: indexes into what was written.
    out_gold = tmp_path / "gold.jsonl"
    runner.invoke(
        app, ["export", "jsonl", "--db", str(store.path), "--layer", "gold", "-o", str(out_gold)]
    )
    record = json.loads(out_gold.read_text("utf-8"))
    assert [s["label"] for s in record["spans"]] == ["attribution", "demand"]
    assert record["relations"] == [{"head": 0, "child": 1, "label": "says"}]
    out_alice = tmp_path / "alice.jsonl"
    runner.invoke(
        app, ["export", "jsonl", "--db", str(store.path), "--layer", "alice", "-o", str(out_alice)]
    )
    assert "relations" not in json.loads(out_alice.read_text("utf-8"))


def test_a_format_without_relations_reports_each_as_dropped(store: Store, tmp_path: Path) -> None:
    store.import_documents([NewDocument(text=TEXT, id="d1")])
    demand = store.add_span("d1", "gold", *at("cede the eastern Donbas region"), "demand")
    source = store.add_span("d1", "gold", *at("Reuters reported"), "attribution")
    store.add_relation(source.id or 0, demand.id or 0, "says")
    out = tmp_path / "out.conll"
    result = runner.invoke(app, ["export", "conll", "--db", str(store.path), "-o", str(out)])
    assert result.exit_code == 1
    assert "1 relations could not be represented in conll:" in result.stderr
    assert (
        "d1 gold relation says: 0-16 attribution 'Reuters reported' -> 45-75 demand "
        "'cede the eastern Donbas region': relations are not representable in conll"
    ) in result.stderr
    assert "the export is lossy" in result.stderr
    result = runner.invoke(
        app, ["export", "conll", "--db", str(store.path), "-o", str(out), "--allow-lossy"]
    )
    assert result.exit_code == 0


BAD = [
    ({"relations": {}}, "'relations' must be a list"),
    ({"relations": [[0, 1]]}, "relations[0]: expected an object"),
    ({"relations": [{"head": 0, "child": 1}]}, "relations[0]: missing required field 'label'"),
    (
        {"relations": [{"head": 0, "child": 1, "label": "says", "type": "x"}]},
        "relations[0]: unknown field 'type'",
    ),
    (
        {"relations": [{"head": 0, "child": 5, "label": "says"}]},
        "relations[0]: 'child' is 5, but the record has 5 spans (indexes 0-4)",
    ),
    ({"relations": [{"head": "0", "child": 1, "label": "says"}]}, "'head' must be an index"),
    ({"relations": [{"head": True, "child": 1, "label": "says"}]}, "'head' must be an index"),
    ({"relations": [{"head": 0, "child": 1, "label": 7}]}, "'label' must be a string"),
    ({"relations": [{"head": 1, "child": 1, "label": "says"}]}, "are both spans[1]"),
    (
        {"relations": [{"head": 0, "child": 4, "label": "says"}]},
        "spans[0] is in layer 'alice' and spans[4] in 'bob'; a relation links two spans of one",
    ),
    (
        {"relations": [{"head": 0, "child": 1, "label": "denies"}]},
        "relations[0]: unknown relation 'denies' (scheme negotiation-v2 has says, guarantees)",
    ),
    (
        {"relations": [{"head": 1, "child": 0, "label": "says"}]},
        "relations[0]: spans[1] -> spans[0]: a says relation starts on attribution, not on demand",
    ),
    (
        {
            "spans": [*SPANS, SPANS[0]],
            "relations": [{"head": 0, "child": 5, "label": "says"}],
        },
        "spans[0] and spans[5] are the same span",
    ),
]


@pytest.mark.parametrize(("change", "reason"), BAD)
def test_bad_relations_name_file_line_and_reason_and_import_nothing(
    store: Store, tmp_path: Path, dump_db: Dump, change: dict[str, object], reason: str
) -> None:
    before = dump_db(store.path)
    path = jsonl(tmp_path / "bad.jsonl", {"text": "a document before"}, RECORD | change)
    with pytest.raises(InputError) as caught:
        import_file(store, path)
    assert str(caught.value).startswith(f"{path}:2: ")
    assert reason in str(caught.value)
    assert dump_db(store.path) == before


def test_the_cli_counts_imported_relations(store: Store, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "in.jsonl", RECORD)
    result = runner.invoke(app, ["import", "--db", str(store.path), str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "imported 1 documents (0 skipped as already present), 5 spans, 3 relations"
    )


def test_relations_wait_on_disk_with_their_document(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.ingest.spool import Spool

    monkeypatch.setattr(Spool, "MEMORY_BYTES", 200)  # spill after a few documents
    records = [RECORD | {"id": f"d{n}", "text": TEXT + " " * n} for n in range(20)]
    result = import_file(store, jsonl(tmp_path / "many.jsonl", *records))
    assert (result.counts.documents, result.counts.relations) == (20, 60)
    assert linked(store, "d19") == linked(store, "d0") and len(linked(store, "d0")) == 3

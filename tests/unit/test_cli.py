"""The CLI through typer's runner on real project files: data on stdout, problems on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from scheme_texts import rename_label
from typer.testing import CliRunner

from annotator import __version__
from annotator.cli import app
from annotator.models import Status
from annotator.store import Store

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result.stdout, result.stderr


def test_version_and_help() -> None:
    out, _ = run("--version")
    assert out.strip() == f"annotator {__version__}"
    for command in ("init", "import", "export", "stats", "annotate", "demo", "schema"):
        out, _ = run(command, "--help")
        assert "--db" in out or command == "schema"
    out, _ = run("schema", "--help")
    assert "migrate" in out and "validate" in out and "show" in out


def test_stats_count_relations() -> None:
    run("init", "--db", "p.db")
    run("import", "--db", "p.db", REPO / "corpus" / "01-lavrov-neutral-ukraine.txt")
    out, _ = run("stats", "--db", "p.db")
    assert "relations 0" in out and "relation " not in out  # no empty tables
    with Store.open("p.db") as store:
        doc = store.queue("alice")[0].doc_id
        text = store.document(doc).text
        spans = []
        for phrase, label in [
            ("Russian Foreign Minister Sergei Lavrov stressed", "attribution"),
            ("only neutrality with international security guarantees would ensure peace", "quote"),
        ]:
            start = text.index(phrase)
            spans.append(store.add_span(doc, "alice", start, start + len(phrase), label))
        store.add_relation(spans[0].id, spans[1].id, "says")
    out, _ = run("stats", "--db", "p.db")
    assert "relations 1" in out
    assert ["says", "1"] in [line.split() for line in out.splitlines()]
    assert ["alice", "1"] in [line.split() for line in out.splitlines()]
    figures = json.loads(run("stats", "--db", "p.db", "--json")[0])
    assert figures["relations"] == 1
    assert figures["relations_per_name"] == {"says": 1}
    assert figures["relations_per_layer"] == {"alice": 1}


def test_init_import_stats_export(tmp_path: Path) -> None:
    _, err = run("init", "--db", "p.db")
    assert "created p.db with scheme negotiation-v2" in err
    run("init", "--db", "p.db", code=1)
    out, err = run("import", "--db", "p.db", REPO / "corpus")
    assert out.strip() == "imported 5 documents (0 skipped as already present), 0 spans"
    assert "02-geneva-emoji.txt: 1 documents" in err
    out, _ = run("import", "--db", "p.db", REPO / "corpus")
    assert out.strip() == "imported 0 documents (5 skipped as already present), 0 spans"
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        json.dumps(
            {
                "text": "Germany and Turkey could join.",
                "spans": [
                    {"start": 0, "end": 18, "label": "guarantor", "annotator": "alice"},
                    {"start": 0, "end": 7, "label": "guarantor"},
                ],
            }
        )
        + "\n",
        "utf-8",
    )
    run("import", "--db", "p.db", labelled)
    with Store.open("p.db") as store:
        store.set_status(store.queue("alice")[0].doc_id, "alice", Status.DONE)
    out, _ = run("stats", "--db", "p.db", "--json")
    figures = json.loads(out)
    assert figures["documents"] == 6
    assert figures["spans_per_label"] == {"guarantor": 2}
    assert figures["spans_per_layer"] == {"alice": 1, "gold": 1}
    assert figures["progress"]["alice"]["done"] == 1
    out, _ = run("stats", "--db", "p.db")
    assert "documents 6" in out and "guarantor" in out and "alice" in out
    _, err = run("export", "jsonl", "--db", "p.db")
    assert "wrote 6 documents, 2 spans to exports/p.jsonl" in err
    assert len(Path("exports/p.jsonl").read_text("utf-8").splitlines()) == 6
    run("export", "jsonl", "--db", "p.db", "-o", "only-gold.jsonl", "--layer", "gold")
    spans = [
        s
        for line in Path("only-gold.jsonl").read_text("utf-8").splitlines()
        for s in json.loads(line)["spans"]
    ]
    assert [s["annotator"] for s in spans] == ["gold"]


def test_db_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_DB", "env.db")
    run("init")
    assert Path("env.db").exists() and not Path("annotations.db").exists()


def test_import_failure_exits_1_and_keeps_good_files(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A good document.", "utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n{"text": \n', "utf-8")
    out, err = run("import", "--db", "p.db", bad, good, code=1)
    assert f"error: {bad}:2: invalid JSON" in err
    assert "1 file(s) failed" in err
    assert out.strip().startswith("imported 1 documents")
    with Store.open("p.db") as store:
        assert store.document_count() == 1


def test_errors_are_messages_not_tracebacks() -> None:
    _, err = run("stats", "--db", "missing.db", code=1)
    assert err.startswith("error: missing.db: no project here")
    run("init", "--db", "p.db")
    _, err = run("export", "nonsense", "--db", "p.db", code=1)
    assert "unknown export format 'nonsense' (available: jsonl" in err
    _, err = run("import", "--db", "p.db", "nope.txt", code=1)
    assert "error: nope.txt: no such file or folder" in err


def test_schema_show_validate_migrate(tmp_path: Path, scheme_text: str) -> None:
    run("init", "--db", "p.db")
    out, _ = run("schema", "show", "--db", "p.db")
    assert "negotiation-v2" in out and "attribution" in out and "#539bf5" in out
    out, _ = run("schema", "show", "--db", "p.db", "--toml")
    assert out == scheme_text
    doc = tmp_path / "d.jsonl"
    doc.write_text(
        json.dumps(
            {
                "text": "Reuters reported it.",
                "spans": [{"start": 0, "end": 16, "label": "attribution", "annotator": "alice"}],
            }
        )
        + "\n",
        "utf-8",
    )
    run("import", "--db", "p.db", doc)
    renamed = tmp_path / "v2.toml"
    renamed.write_text(
        rename_label(scheme_text, "attribution", "source").replace("version = 2", "version = 3"),
        "utf-8",
    )
    out, err = run("schema", "validate", renamed, "--db", "p.db", code=1)
    assert "v2.toml: ok (negotiation-v3, 5 labels, 2 relations)" in out
    assert "uses labels this scheme drops: attribution" in err
    _, err = run("schema", "migrate", renamed, "--db", "p.db", code=1)
    assert "drops labels still in use: attribution (1 spans)" in err
    assert "alice 0-16 attribution" in err
    out, err = run("schema", "migrate", renamed, "--db", "p.db", "--rename", "attribution=source")
    assert "renamed attribution -> source on 1 spans" in err
    assert "now uses negotiation-v3" in out
    broken = tmp_path / "broken.toml"
    broken.write_text(scheme_text.replace('color = "#539bf5"', 'color = "blue"'), "utf-8")
    _, err = run("schema", "validate", broken, code=1)
    assert "broken.toml: labels[3].color: colour 'blue' is not of the form '#rrggbb'" in err


def test_jsonl_round_trip_is_byte_identical(tmp_path: Path, dump_db: Callable) -> None:
    """Import -> export -> import into an empty project -> export: the same bytes."""
    source = tmp_path / "mixed.jsonl"
    text = "“Guarantors must act,” he said 🕊️ 東京\r\n\ttabbed [bold]x[/bold] \x1b[31mred"
    source.write_text(
        json.dumps(
            {
                "id": "a",
                "text": text,
                "meta": {"z": 1, "a": [1, "é"]},
                "spans": [
                    {"start": 1, "end": 21, "label": "demand", "annotator": "bob"},
                    {"start": 0, "end": 22, "label": "quote", "annotator": "bob"},
                    {"start": 1, "end": 11, "label": "guarantor", "annotator": "alice"},
                    {"start": 23, "end": 30, "label": "attribution"},
                ],
            },
            ensure_ascii=False,
        )
        + "\n"
        + json.dumps({"text": "plain", "source": None})
        + "\n",
        "utf-8",
    )
    run("import", "--db", "one.db", source, REPO / "corpus")
    run("export", "jsonl", "--db", "one.db", "-o", "first.jsonl")
    run("import", "--db", "two.db", "first.jsonl")
    run("export", "jsonl", "--db", "two.db", "-o", "second.jsonl")
    first, second = Path("first.jsonl").read_bytes(), Path("second.jsonl").read_bytes()
    assert first == second
    records = [json.loads(line) for line in first.decode("utf-8").splitlines()]
    assert len(records) == 7
    assert records[0]["text"] == text
    assert [(s["annotator"], s["label"], s["text"]) for s in records[0]["spans"]] == [
        ("alice", "guarantor", "Guarantors"),
        ("bob", "quote", "“Guarantors must act,”"),
        ("bob", "demand", "Guarantors must act,"),
        ("gold", "attribution", "he said"),
    ]
    crlf = next(r for r in records if r["source"] == "04-monitors-tabs-crlf.txt")
    assert "\r\n\t" in crlf["text"]

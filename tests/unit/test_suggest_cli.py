"""`annotator suggest`, `suggestions report` and `assign --blind-overlap`, on real projects.

The texts are written here and every expected suggestion is counted by hand; the default
patterns of the default scheme are the ones matched, through spaCy's SpanRuler.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.models import NewDocument, Status
from annotator.store import Store, text_hash
from annotator.suggest import Source

runner = CliRunner()

TALKS = "“We will not sign,” the envoy said on Monday. Germany and Turkey could help."
GENEVA = "According to officials, Germany and Turkey met in Geneva."
QUIET = "Talks resumed in Geneva."


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    run("init", "--db", path)
    with Store.open(path) as store:
        store.import_documents([NewDocument(text=t) for t in (TALKS, GENEVA, QUIET)])
    return path


def lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_the_hand_counted_offsets() -> None:
    assert TALKS[0:19] == "“We will not sign,”"
    assert TALKS[20:44] == "the envoy said on Monday"
    assert GENEVA[0:22] == "According to officials"
    assert GENEVA[24:42] == "Germany and Turkey" and GENEVA[50:56] == "Geneva"
    assert TALKS[46:64] == "Germany and Turkey" and QUIET[17:23] == "Geneva"


def test_dry_run_json_prints_every_suggestion_and_stores_nothing(project: Path) -> None:
    out, err = run("suggest", "--db", project, "--dry-run", "--json", "--documents", "all")
    talks, geneva = text_hash(TALKS), text_hash(GENEVA)
    assert lines(out) == [
        {
            "document": talks,
            "start": 0,
            "end": 19,
            "label": "quote",
            "source": "patterns",
            "score": 1.0,
        },
        {
            "document": talks,
            "start": 20,
            "end": 44,
            "label": "attribution",
            "source": "patterns",
            "score": 1.0,
        },
        {
            "document": geneva,
            "start": 0,
            "end": 22,
            "label": "attribution",
            "source": "patterns",
            "score": 1.0,
        },
    ]
    assert "patterns: 3 suggestions on 3 documents (attribution 2, quote 1)" in err
    assert "lexicon: 0 suggestions" in err and "dry run: nothing was stored" in err
    with Store.open(project) as store:
        assert all(store.suggestions.stored(doc) == [] for doc in store.document_ids())


def test_suggest_stores_and_the_lexicon_learns_from_labels(project: Path) -> None:
    talks, geneva, quiet = text_hash(TALKS), text_hash(GENEVA), text_hash(QUIET)
    run("suggest", "--db", project)
    with Store.open(project) as store:
        assert [
            (s.start, s.end, s.label) for s in store.suggestions.for_annotator(talks, "ann")
        ] == [
            (0, 19, "quote"),
            (20, 44, "attribution"),
        ]
        store.add_span(talks, "ann", 46, 64, "guarantor")  # Germany and Turkey
        store.add_span(geneva, "ann", 50, 56, "opinion")  # Geneva
    _, err = run("suggest", "--db", project, "--source", "lexicon")
    assert "lexicon: 2 suggestions on 3 documents (guarantor 1, opinion 1)" in err
    with Store.open(project) as store:
        assert [(s.start, s.end, s.label, s.source) for s in store.suggestions.stored(geneva)] == [
            (0, 22, "attribution", Source.PATTERNS),  # the patterns' rows are still there
            (24, 42, "guarantor", Source.LEXICON),
        ]
        assert [(s.start, s.end, s.label) for s in store.suggestions.stored(quiet)] == [
            (17, 23, "opinion")
        ]
        assert (
            store.suggestions.stored(talks)[-1].source == Source.PATTERNS
        )  # not back at its place


def test_queue_of_one_annotator(project: Path) -> None:
    talks, geneva = text_hash(TALKS), text_hash(GENEVA)
    with Store.open(project) as store:
        store.assign_many([(talks, "ann"), (geneva, "ann"), (text_hash(QUIET), "bob")])
        store.set_status(geneva, "ann", Status.DONE)
    out, _ = run("suggest", "--db", project, "--as", "ann", "--dry-run", "--json")
    assert {line["document"] for line in lines(out)} == {talks}
    out, _ = run("suggest", "--db", project, "--dry-run", "--json")  # everyone's queue
    assert {line["document"] for line in lines(out)} == {talks}
    out, _ = run("suggest", "--db", project, "--dry-run", "--json", "--documents", "all")
    assert {line["document"] for line in lines(out)} == {talks, geneva}


def test_a_pattern_file_of_ones_own(project: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(
        json.dumps({"label": "guarantor", "pattern": "Germany and Turkey"}) + "\n", encoding="utf-8"
    )
    out, _ = run(
        "suggest",
        "--db",
        project,
        "--patterns",
        mine,
        "--source",
        "patterns",
        "--dry-run",
        "--json",
    )
    assert [(line["start"], line["end"]) for line in lines(out)] == [(46, 64), (24, 42)]
    mine.write_text(
        mine.read_text(encoding="utf-8") + '{"label": "PERSON", "pattern": "Lavrov"}\n',
        encoding="utf-8",
    )
    _, err = run("suggest", "--db", project, "--patterns", mine, code=1)
    assert (
        err == f"error: {mine}:2: unknown label 'PERSON' (the scheme has demand, guarantor, quote, "
        "attribution, opinion)\n"
    )


def test_without_a_model_the_model_source_says_so(project: Path) -> None:
    _, err = run("suggest", "--db", project, "--source", "model", code=1)
    assert err.startswith("error: no model is trained") and err.count("\n") == 1


def test_an_unknown_source_or_document_choice_is_refused(project: Path) -> None:
    _, err = run("suggest", "--db", project, "--source", "oracle", code=1)
    assert "--source 'oracle': use patterns, lexicon, model" in err
    _, err = run("suggest", "--db", project, "--documents", "some", code=1)
    assert "--documents 'some': use queue or all" in err


def test_without_spacy_one_line_names_the_extra(project: Path) -> None:
    probe = (
        "import sys; sys.modules['spacy'] = None\n"
        "from annotator.cli import main\n"
        f"sys.argv = ['annotator', 'suggest', '--db', {str(project)!r}, '--source', 'patterns']\n"
        "main()"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == (
        "error: pattern suggestions needs spaCy, an optional dependency: "
        "pip install 'annotator[suggest]'\n"
    )


def test_help_and_the_report_never_import_spacy(project: Path) -> None:
    probe = (
        "import sys\nfrom annotator.cli import app\n"
        "for args in (['--help'], ['suggest', '--help'],\n"
        "             ['suggestions', 'report', '--db', sys.argv[1]]):\n"
        "    try:\n        app(args)\n    except SystemExit:\n        pass\n"
        "print('spacy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(project)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


# ------------------------------------------------------------------ the report


def test_the_report_counts_decisions_and_what_people_kept(project: Path) -> None:
    talks, geneva, quiet = text_hash(TALKS), text_hash(GENEVA), text_hash(QUIET)
    run("suggest", "--db", project, "--source", "patterns", "--documents", "all")
    with Store.open(project) as store:
        quote, said = store.suggestions.for_annotator(talks, "ann")
        store.suggestions.accept(talks, "ann", quote)
        store.suggestions.accept(talks, "ann", said, start=24)  # "envoy said on Monday"
        store.add_span(talks, "ann", 46, 64, "guarantor")  # by hand
        (according,) = store.suggestions.for_annotator(geneva, "ann")
        store.suggestions.reject(geneva, "ann", according)
        for doc, seconds in ((talks, 40.0), (geneva, 20.0), (quiet, 9.0)):
            store.set_status(doc, "ann", Status.DONE, seconds=seconds)
    out, _ = run("suggestions", "report", "--db", project, "--json")
    found = json.loads(out)
    assert found["sources"] == [
        {
            "source": "patterns",
            "label": "quote",
            "shown": 1,
            "accepted": 1,
            "accepted_after_edit": 0,
            "rejected": 0,
            "kept": 1,
            "precision": 1.0,
            "recall": 1.0,
        },
        {
            "source": "patterns",
            "label": "attribution",
            "shown": 2,
            "accepted": 0,
            "accepted_after_edit": 1,
            "rejected": 1,
            "kept": 0,
            "precision": 0.0,
            "recall": 0.0,
        },
    ]
    # kept: quote, attribution (edited), guarantor (by hand) on the two documents shown
    assert found["finished"] == {
        "demand": 0,
        "guarantor": 1,
        "quote": 1,
        "attribution": 1,
        "opinion": 0,
    }
    assert found["unproposed"] == {
        "demand": 0,
        "guarantor": 1,
        "quote": 0,
        "attribution": 1,
        "opinion": 0,
    }
    assert found["time"] == {
        "with_suggestions": {"documents": 2, "mean_seconds": 30.0},
        "without_suggestions": {"documents": 1, "mean_seconds": 9.0},
    }
    out, _ = run("suggestions", "report", "--db", project)
    assert "patterns  attribution  2      0         1           1         0.00  0.00" in out
    assert "time per finished document with suggestions: 30 s (2 documents)" in out


# ------------------------------------------------------------------ blind overlap, agreement


def test_blind_overlap_hides_shared_documents_and_agreement_says_so(project: Path) -> None:
    talks = text_hash(TALKS)
    run("suggest", "--db", project, "--source", "patterns", "--documents", "all")
    _, err = run(
        "assign", "--db", project, "--annotators", "ann,bob", "--overlap", "1", "--blind-overlap"
    )
    assert "suggestions are hidden on documents several annotators share" in err
    with Store.open(project) as store:
        assert store.suggestions.blind_overlap
        assert store.suggestions.for_annotator(talks, "ann") == []
        for name in ("ann", "bob"):
            store.add_span(talks, name, 0, 19, "quote")
            store.set_status(talks, name, Status.DONE)
    out, _ = run("agreement", "--db", project, "--json")
    assert json.loads(out)["suggestions"] == 0
    out, _ = run("agreement", "--db", project)
    assert "no suggestions were shown on them" in " ".join(out.split())
    run("assign", "--db", project, "--annotators", "ann,bob", "--no-blind-overlap")
    out, _ = run("agreement", "--db", project, "--json")
    assert json.loads(out)["suggestions"] == 1
    out, _ = run("agreement", "--db", project)
    assert "suggestions were shown on 1 of them" in " ".join(out.split())


def test_the_model_source_proposes_what_a_trained_model_finds(tmp_path: Path) -> None:
    from annotator.scheme import load_scheme
    from annotator.suggest.training import train
    from tests.unit.training_corpus import corpus

    db = tmp_path / "news.db"
    fresh = "Guarantees could come from Norway and Egypt, officials said."
    with Store.create(db, load_scheme()[1], "builtin:negotiation-v1") as store:
        store.import_documents([*corpus(40), NewDocument(text=fresh)])
    result = train(db, max_steps=150)
    out, err = run(
        "suggest", "--db", db, "--source", "model", "--documents", "all", "--dry-run", "--json"
    )
    found = lines(out)
    assert found and {line["source"] for line in found} == {"model"}
    assert all(0.0 <= float(line["score"]) <= 1.0 for line in found)
    assert "model: " in err and "dry run: nothing was stored" in err
    mine = [
        (line["start"], line["end"], line["label"])
        for line in found
        if line["document"] == text_hash(fresh)
    ]
    assert fresh[27:43] == "Norway and Egypt"
    assert (27, 43, "guarantor") in mine, mine  # in a text it never saw
    run("suggest", "--db", db, "--source", "model", "--documents", "all")
    with Store.open(db) as store:
        stored = store.suggestions.stored(text_hash(fresh))
        assert {(s.source, s.model) for s in stored} == {(Source.MODEL, result.version)}


@pytest.mark.parametrize(("snap", "expected"), [(True, "Ukraine’s"), (False, "Ukraine")])
def test_pattern_suggestions_keep_to_the_schemes_tokens(
    tmp_path: Path, snap: bool, expected: str
) -> None:
    from annotator.scheme import load_scheme

    text = "Talks on Ukraine’s security and a non-nuclear status."
    scheme = load_scheme()[1]
    if not snap:
        scheme = scheme.replace("snap_to_tokens = true", "snap_to_tokens = false")
    db = tmp_path / "p.db"
    with Store.create(db, scheme, "mine.toml") as store:
        store.import_documents([NewDocument(text=text)])
    mine = tmp_path / "mine.jsonl"
    mine.write_text(
        json.dumps({"label": "guarantor", "pattern": "Ukraine"})
        + "\n"
        + json.dumps({"label": "demand", "pattern": [{"LOWER": "nuclear"}]})
        + "\n",
        encoding="utf-8",
    )
    out, _ = run(
        "suggest", "--db", db, "--patterns", mine, "--source", "patterns", "--dry-run", "--json"
    )
    # spaCy splits "Ukraine’s" and "non-nuclear"; the project's tokens keep them whole
    assert [text[line["start"] : line["end"]] for line in lines(out)] == [
        expected,
        "non-nuclear" if snap else "nuclear",
    ]

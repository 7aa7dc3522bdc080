"""The agreement report and adjudication on real project files, against hand-worked numbers."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from annotator.adjudicate import Agreement, candidates, majority
from annotator.agreement_report import build_report
from annotator.cli import app
from annotator.models import GOLD, Status
from annotator.store import NewDocument, Store, text_hash

TEXT = "aaa bbb ccc"  # three tokens: [0,3) [4,7) [8,11)


def labelled(store: Store, text: str, spans: dict[str, list[tuple[int, int, str]]]) -> str:
    with store.transaction():
        store.import_documents([NewDocument(text=text)])
    doc_id = text_hash(text)
    for name, items in spans.items():
        for start, end, label in items:
            store.add_span(doc_id, name, start, end, label)
        store.set_status(doc_id, name, Status.DONE)
    return doc_id


def test_hand_worked_pair(store: Store) -> None:
    labelled(store, TEXT, {"ann1": [(0, 3, "demand")], "ann2": [(0, 3, "demand"), (4, 7, "quote")]})
    report = build_report(store)
    assert report.documents == 1 and report.annotators == ["ann1", "ann2"]
    (pair,) = report.pairs
    assert pair.f1_exact == pytest.approx(2 / 3)  # 1 match, 1 + 2 spans
    assert pair.precision_overlap == pytest.approx(1 / 2)
    assert pair.recall_overlap == pytest.approx(1.0)
    # Tokens: ann1 [demand, O, O], ann2 [demand, quote, O]: po 2/3, pe 1/3, kappa 0.5.
    assert pair.kappa == pytest.approx(0.5)
    assert pair.kappa == pytest.approx(cohen_kappa_score(["d", "O", "O"], ["d", "q", "O"]))
    assert pair.kappa_units == 3
    assert report.per_label_f1_exact["demand"] == pytest.approx(1.0)
    assert report.per_label_f1_exact["quote"] == pytest.approx(0.0)
    assert math.isnan(report.per_label_f1_exact["opinion"])
    # Character level: 11 units, ann2's quote covers 3 more.
    chars = build_report(store, level="char")
    assert chars.pairs[0].kappa_units == 11
    assert chars.pairs[0].kappa == pytest.approx(
        cohen_kappa_score(list("dddOOOOOOOO"), list("dddOqqqOOOO"))
    )


def test_one_side_empty_is_disagreement_not_undefined(store: Store) -> None:
    labelled(store, TEXT, {"ann1": [(0, 3, "demand")], "ann2": []})
    (pair,) = build_report(store).pairs
    assert pair.f1_exact == 0.0 and pair.f1_overlap == 0.0
    assert pair.recall_overlap == 0.0 and math.isnan(pair.precision_overlap)


def test_only_documents_two_annotators_finished(store: Store) -> None:
    doc = labelled(store, TEXT, {"ann1": [(0, 3, "demand")]})
    store.add_span(doc, "ann2", 0, 3, "demand")  # labelled but not marked done
    assert build_report(store).documents == 0
    store.set_status(doc, "ann2", Status.DONE)
    report = build_report(store)
    assert report.documents == 1 and report.f1_exact == 1.0
    assert build_report(store, annotators=["ann1", "ann3"]).documents == 0


def test_overlapping_labels_and_confusion(store: Store) -> None:
    labelled(
        store,
        "Germany and Turkey could guarantee it",
        {
            "ann1": [(0, 18, "guarantor"), (0, 18, "opinion")],
            "ann2": [(0, 7, "guarantor"), (12, 18, "demand")],
            "ann3": [(0, 18, "guarantor")],
        },
    )
    report = build_report(store)
    assert len(report.pairs) == 3
    ann1_ann3 = next(p for p in report.pairs if (p.a, p.b) == ("ann1", "ann3"))
    assert ann1_ann3.f1_exact == pytest.approx(2 / 3)
    index = {label: i for i, label in enumerate(report.confusion_labels)}
    assert report.confusion[index["guarantor"]][index["guarantor"]] >= 4
    # ann2's demand overlaps ann1's and ann3's guarantor spans: once for each partner.
    assert report.confusion[index["demand"]][index["guarantor"]] == 2
    assert report.alpha_u_documents == 1
    assert -1.0 <= report.alpha_u <= 1.0
    assert report.fleiss_raters == 3 and report.fleiss_units == 6
    assert report.per_document[0].annotators == ["ann1", "ann2", "ann3"]


def test_per_document_worst_first(store: Store) -> None:
    labelled(store, "first good document", {"a": [(0, 5, "demand")], "b": [(0, 5, "demand")]})
    labelled(store, "second bad document", {"a": [(0, 6, "demand")], "b": [(7, 10, "quote")]})
    report = build_report(store)
    assert [d.title for d in report.per_document] == ["second bad document", "first good document"]
    assert report.per_document[0].f1_overlap == 0.0


def test_cli_terminal_json_and_html_agree(store: Store, tmp_path: Path) -> None:
    labelled(store, TEXT, {"ann1": [(0, 3, "demand")], "ann2": [(0, 3, "demand"), (4, 7, "quote")]})
    labelled(
        store,
        "x \x1b[31m<script>alert(1)</script> [bold]y[/bold]",
        {"ann1": [(0, 1, "opinion")], "ann2": [(0, 1, "opinion")]},
    )
    store.close()
    runner = CliRunner()
    db = str(store.path)
    as_json = runner.invoke(app, ["agreement", "--db", db, "--json"])
    assert as_json.exit_code == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    html_path = tmp_path / "report.html"
    terminal = runner.invoke(
        app, ["agreement", "--db", db, "--html", str(html_path)], env={"COLUMNS": "200"}
    )
    assert terminal.exit_code == 0, terminal.stderr
    out = terminal.stdout
    row = re.search(r"span F1 exact \(mean over pairs\)\s*│\s*([0-9.]+)", out)
    assert row and float(row.group(1)) == pytest.approx(data["f1_exact"], abs=5e-4)
    pair = re.search(r"ann1 / ann2\s*│\s*2\s*│\s*([0-9.]+)\s*│\s*([0-9.]+)", out)
    assert pair
    assert float(pair.group(1)) == pytest.approx(data["pairs"][0]["f1_exact"], abs=5e-4)
    assert float(pair.group(2)) == pytest.approx(data["pairs"][0]["f1_overlap"], abs=5e-4)
    assert "\x1b[31m" not in out  # escapes in document text are shown, not obeyed
    assert "␛[31m<script>" in out
    page = html_path.read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http" not in page  # nothing loaded from elsewhere
    assert f"{data['f1_exact']:.3f}" in page


def test_majority_and_candidates() -> None:
    spans = {
        "a": [(0, 5, "demand"), (6, 9, "quote")],
        "b": [(0, 5, "demand"), (6, 10, "quote")],
        "c": [(0, 5, "opinion")],
    }
    assert majority(spans, ["a", "b", "c"]) == [(0, 5, "demand")]
    assert majority(spans, ["a", "b"]) == [(0, 5, "demand")]
    kinds = {(c.start, c.end, c.label): c.kind for c in candidates(spans, ["a", "b", "c"])}
    assert kinds[(0, 5, "demand")] is Agreement.LABEL
    assert kinds[(6, 9, "quote")] is Agreement.BOUNDARY
    assert kinds[(0, 5, "opinion")] is Agreement.LABEL
    assert candidates({"a": [(1, 2, "x")]}, ["a"])[0].kind is Agreement.ALL


def test_adjudicate_majority_writes_gold(store: Store) -> None:
    doc = labelled(
        store,
        TEXT,
        {
            "ann1": [(0, 3, "demand"), (4, 7, "quote")],
            "ann2": [(0, 3, "demand")],
            "ann3": [(0, 3, "demand"), (4, 7, "quote"), (8, 11, "opinion")],
        },
    )
    store.close()
    runner = CliRunner()
    result = runner.invoke(app, ["adjudicate", "--db", str(store.path), "--auto", "majority"])
    assert result.exit_code == 0, result.stderr
    assert "gold: 2 spans written for 1 documents" in result.stdout
    with Store.open(store.path) as reopened:
        gold = [(s.start, s.end, s.label) for s in reopened.spans(doc, GOLD)]
        assert gold == [(0, 3, "demand"), (4, 7, "quote")]
        assert {e.actor for e in reopened.events(doc, GOLD)} == {"adjudicate:majority"}
    again = runner.invoke(app, ["adjudicate", "--db", str(store.path), "--auto", "majority"])
    assert "left alone" in again.stderr

"""Relation agreement in the report (model, terminal, JSON, HTML) on a real project file,
against pairs counted by hand; absent when the project holds no relation."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator import agreement_table as tables
from annotator.agreement_report import build_report
from annotator.cli import app
from annotator.models import Status
from annotator.store import NewDocument, Store

TEXT = "Reuters reported that Putin wants Ukraine to cede the eastern Donbas region, " * 2
runner = CliRunner()


def at(words: str, nth: int = 0) -> tuple[int, int]:
    start = TEXT.index(words)
    if nth:
        start = TEXT.index(words, start + 1)
    return start, start + len(words)


def made(
    store: Store, layer: str, links: list[tuple[tuple[int, int, str], tuple[int, int, str]]]
) -> None:
    for (hs, he, hl), (cs, ce, cl) in links:
        head = store.add_span("d", layer, hs, he, hl).id or 0
        child = store.add_span("d", layer, cs, ce, cl).id or 0
        store.add_relation(head, child, "says")
    store.set_status("d", layer, Status.DONE)


@pytest.fixture
def project(store: Store) -> Store:
    """alice and bob, one document; relations `says` (attribution -> demand):

    alice: R1 -> C1, R2 -> C2
    bob:   R1 -> C1 (exact), R2' -> C2' (both ends overlap alice's R2 -> C2),
           R1 -> W (W: "Putin wants", an opinion nobody else linked)
    exact 1 of 2 and 3: F1 2/5; lenient 2: F1 4/5, P 2/3, R 1.
    """
    store.import_documents([NewDocument(text=TEXT, id="d")])
    r1, c1 = at("Reuters reported"), at("cede the eastern Donbas region")
    r2, c2 = at("Reuters reported", 1), at("cede the eastern Donbas region", 1)
    made(store, "alice", [((*r1, "attribution"), (*c1, "demand")),
                          ((*r2, "attribution"), (*c2, "demand"))])  # fmt: skip
    made(store, "bob", [((*r1, "attribution"), (*c1, "demand")),
                        ((r2[0], r2[1] - 4, "attribution"), (c2[0] + 5, c2[1], "demand")),
                        ((*r1, "attribution"), (*at("Putin wants"), "opinion"))])  # fmt: skip
    return store


def test_the_model_holds_relation_f1_per_pair_and_relation(project: Store) -> None:
    found = build_report(project).relations
    assert found is not None
    assert found.labels == ["says", "guarantees"]
    (pair,) = found.pairs
    assert (pair.a, pair.b, pair.documents) == ("alice", "bob", 1)
    assert (pair.relations_a, pair.relations_b) == (2, 3)
    assert pair.f1_exact == pytest.approx(2 / 5)
    assert pair.f1_lenient == pytest.approx(4 / 5)
    assert (pair.precision_lenient, pair.recall_lenient) == (pytest.approx(2 / 3), 1.0)
    assert found.f1_exact == pytest.approx(2 / 5) and found.f1_lenient == pytest.approx(4 / 5)
    assert found.per_label_f1_exact["says"] == pytest.approx(2 / 5)
    assert math.isnan(found.per_label_f1_lenient["guarantees"])  # nobody used it


def test_terminal_json_and_html_show_the_relation_tables(project: Store, tmp_path: Path) -> None:
    project.close()
    db = str(project.path)
    data = json.loads(runner.invoke(app, ["agreement", "--db", db, "--json"]).stdout)
    assert data["relations"]["pairs"][0]["f1_exact"] == pytest.approx(0.4)
    assert data["relations"]["per_label_f1_lenient"] == {"says": pytest.approx(0.8),
                                                         "guarantees": None}  # fmt: skip
    html = tmp_path / "report.html"
    terminal = runner.invoke(
        app, ["agreement", "--db", db, "--html", str(html)], env={"COLUMNS": "200"}
    )
    assert terminal.exit_code == 0, terminal.stderr
    out = terminal.stdout
    row = re.search(r"relation F1 lenient \(mean over pairs\)\s*│\s*([0-9.]+)", out)
    assert row and row.group(1) == "0.800"
    assert re.search(r"alice / bob\s*│\s*1\s*│\s*2 / 3\s*│\s*0\.400\s*│\s*0\.800\s*│\s*0\.667", out)
    assert re.search(r"says\s*│\s*0\.400\s*│\s*0\.800", out)
    page = html.read_text("utf-8")
    assert "<caption>Relations, annotator pairs (lenient: both spans overlap)</caption>" in page
    assert "<caption>Relations, per relation</caption>" in page
    with Store.open(project.path) as store:
        report = build_report(store)
    keys = list(tables.report_tables(report))
    assert keys[-3:] == [tables.RELATION_PAIRS, tables.RELATION_LABELS, tables.DOCUMENTS]


def test_without_relations_the_report_has_no_relation_section(store: Store) -> None:
    store.import_documents([NewDocument(text=TEXT, id="d")])
    for layer in ("alice", "bob"):
        store.add_span("d", layer, *at("Reuters reported"), "attribution")
        store.set_status("d", layer, Status.DONE)
    report = build_report(store)
    assert report.relations is None
    assert tables.RELATION_PAIRS not in tables.report_tables(report)
    assert not any("relation" in row for row in tables.overall(report).row_keys)
    store.close()
    data = json.loads(runner.invoke(app, ["agreement", "--db", str(store.path), "--json"]).stdout)
    assert data["relations"] is None

"""The agreement screen shows `build_report`'s numbers, and opens a worst document in review."""

from __future__ import annotations

import math

from review_helpers import add_spans, dispute, finish, review_screen, settle
from rich.text import Text
from textual.widgets import DataTable
from tui_helpers import HOSTILE, SIZE, add_doc

from annotator.agreement_report import AgreementReport, build_report
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.agreement import AgreementScreen
from annotator.tui.screens.help import HelpScreen, bindings_of
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.screens.review import ReviewScreen


def shown(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def cells(screen: AgreementScreen, table_id: str) -> list[list[str]]:
    table: DataTable[Text] = screen.query_one(f"#{table_id}", DataTable)
    return [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]


def agreement_screen(app: AnnotatorApp) -> AgreementScreen:
    screen = app.screen
    assert isinstance(screen, AgreementScreen), screen
    return screen


def expected_tables(report: AgreementReport) -> dict[str, list[list[str]]]:
    pairs = f"{len(report.pairs)} pairs"
    level = report.level
    return {
        "agreement-overall": [
            ["span F1 exact (mean over pairs)", shown(report.f1_exact), pairs],
            ["span F1 overlap (mean over pairs)", shown(report.f1_overlap), pairs],
            [
                "alpha_u, all annotators (chars)",
                shown(report.alpha_u),
                f"{report.alpha_u_documents} documents",
            ],
            [
                f"Fleiss' kappa ({level}s)",
                shown(report.fleiss_kappa),
                f"{report.fleiss_units} units x {report.fleiss_raters} raters",
            ],
            [
                f"Krippendorff's alpha ({level}s)",
                shown(report.krippendorff_alpha),
                f"{report.krippendorff_units} units",
            ],
        ],
        "agreement-labels": [
            [
                label,
                shown(report.per_label_f1_exact[label]),
                shown(report.per_label_f1_overlap[label]),
                shown(report.per_label_alpha_u[label]),
            ]
            for label in report.labels
        ],
        "agreement-pairs": [
            [
                f"{p.a} / {p.b}",
                str(p.documents),
                shown(p.f1_exact),
                shown(p.f1_overlap),
                shown(p.precision_overlap),
                shown(p.recall_overlap),
                shown(p.alpha_u),
                f"{shown(p.kappa)} ({p.kappa_units})",
            ]
            for p in report.pairs
        ],
        "agreement-confusion": [
            [label, *map(str, row)]
            for label, row in zip(report.confusion_labels, report.confusion, strict=True)
        ],
    }


async def test_the_numbers_are_build_reports(app: AnnotatorApp, project: Store) -> None:
    dispute(project)
    report = build_report(project)
    assert report.documents == 2 and len(report.pairs) == 3  # the figures are not trivial
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("y")  # from the workbench
        await settle(pilot)
        screen = agreement_screen(app)
        assert not screen.query_one("#agreement-body").loading
        for table_id, rows in expected_tables(report).items():
            assert cells(screen, table_id) == rows, table_id
        matrix = cells(screen, "agreement-matrix")
        assert [row[0] for row in matrix] == report.annotators == ["ann1", "ann2", "ann3"]
        for pair in report.pairs:
            a, b = report.annotators.index(pair.a), report.annotators.index(pair.b)
            assert matrix[a][b + 1] == matrix[b][a + 1] == shown(pair.f1_overlap)
        assert matrix[0][1] == "—"
        documents = cells(screen, "agreement-documents")
        assert [row[4] for row in documents] == [shown(d.f1_overlap) for d in report.per_document]
        assert documents[0][1].startswith("Lavrov rejects NATO path")
        summary = str(screen.query_one("#agreement-summary").render())
        assert summary.startswith("2 documents finished by 2+ annotators")
        # Enter on a document only explains where it opens; Escape goes back.
        await pilot.press("enter")
        assert isinstance(app.screen, AgreementScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_choosing_a_worst_document_opens_it_in_the_review(project: Store) -> None:
    seed, geneva = dispute(project)
    app = make_app(project, "lead", review=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert review_screen(app).doc_id == seed
        await pilot.press("y")
        await settle(pilot)
        screen = agreement_screen(app)
        assert screen.pick and screen.query_one("#agreement-documents").has_focus
        await pilot.press("down", "enter")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.doc_id == geneva
        await pilot.press("y", "y")  # y closes it again
        assert isinstance(app.screen, ReviewScreen)


async def test_titles_are_shown_literally_and_nothing_yet_says_so(
    app: AnnotatorApp, project: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await settle(pilot)
        summary = str(agreement_screen(app).query_one("#agreement-summary").render())
        assert "No document has been marked done by two or more annotators" in summary
        await pilot.press("escape")
        doc = add_doc(project, HOSTILE)
        add_spans(project, doc, [("ann1", "not bold", "quote"), ("ann2", "not bold", "quote")])
        finish(project, doc, "ann1", "ann2")
        await pilot.press("y")
        await settle(pilot)
        (row,) = cells(agreement_screen(app), "agreement-documents")
        assert row[1] == "Markup [bold]not bold[/bold] and [link=…"
        assert row[4:] == ["1.000", "1.000"]


async def test_help_on_the_agreement_screen_lists_its_keys_first(
    app: AnnotatorApp, project: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        assert text.index("The agreement screen") < text.index("The queue")
        for binding in bindings_of(AgreementScreen):
            assert binding.description in text

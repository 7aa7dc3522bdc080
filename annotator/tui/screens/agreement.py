"""The agreement screen: the numbers of `annotator agreement`, inside the TUI.

The report reads every finished document, so a thread worker builds it on its own
connection (`build_report`, the function the CLI uses: the same numbers by construction)
while a loading indicator covers the screen. Figures are coloured on the report's own
red-to-green scale (`scale_colour`, as in the CLI and the HTML report): the colour is data,
like a label's. Titles and ids are shown literally: cells are `Text`, never markup.

In the review, choosing one of the worst documents dismisses the screen with its id, and
the review opens it.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from annotator.agreement_report import AgreementReport, build_report, scale_colour
from annotator.errors import StoreError
from annotator.store import Store
from annotator.tui.text_layout import display_text

WORST = 50
TITLE_CELLS = 40
PAIR_COLUMNS = ["pair", "docs", "F1 exact", "F1 overlap", "P", "R", "alpha_u"]


def figure(value: float) -> Text:
    """A figure as the CLI prints it: three decimals, or `n/a` when undefined."""
    if math.isnan(value):
        return Text("n/a", style="dim", justify="right")
    return Text(f"{value:.3f}", style=f"bold {scale_colour(value)}", justify="right")


class AgreementScreen(Screen[str | None]):
    """Overall and per-label span F1, alpha_u, kappas, pairs, confusion, worst documents."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,y", "close", "Close", key_display="esc"),
        Binding("g", "recompute", "Recompute", tooltip="Build the report again from the project."),
    ]

    def __init__(self, path: Path, *, pick: bool = False) -> None:
        """`path`: the project (opened again in the worker); `pick`: documents can be chosen."""
        super().__init__()
        self.path = path
        self.pick = pick
        self.report: AgreementReport | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="agreement-title")
        with VerticalScroll(id="agreement-body"):
            yield Static(id="agreement-summary")
            yield Static("Overall", classes="panel-title")
            yield self._table("agreement-overall")
            # The one table with a cursor comes early, where it is seen without scrolling.
            yield Static(id="agreement-worst-title", classes="panel-title")
            yield DataTable(id="agreement-documents", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="agreement-row"):
                with Vertical(classes="agreement-cell"):
                    yield Static("Per label", classes="panel-title")
                    yield self._table("agreement-labels")
                with Vertical(classes="agreement-cell"):
                    yield Static("Pair F1 (overlap)", classes="panel-title")
                    yield self._table("agreement-matrix")
            yield Static("Annotator pairs", classes="panel-title")
            yield self._table("agreement-pairs")
            yield Static(
                "Label confusion (overlapping spans, rows: one annotator)", classes="panel-title"
            )
            yield self._table("agreement-confusion")
        yield Footer()

    @staticmethod
    def _table(id: str) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id=id, cursor_type="none", show_cursor=False)
        table.can_focus = False  # only the documents take the cursor
        return table

    def on_mount(self) -> None:
        self.query_one("#agreement-title", Static).update(
            Text.assemble(("Agreement", "bold"), "  ", self.path.name)
        )
        self.action_recompute()

    def action_recompute(self) -> None:
        self.query_one("#agreement-body").loading = True
        self._compute(self.path)

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False)
    def _compute(self, path: Path) -> None:
        # Its own connection: the app's belongs to the UI thread.
        try:
            with Store.open(path) as store:
                report = build_report(store)
        except (StoreError, sqlite3.Error) as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_report, report)

    def _failed(self, message: str) -> None:
        self.query_one("#agreement-body").loading = False
        self.query_one("#agreement-summary", Static).update(Text(message))
        self.notify(message, title="No agreement report", severity="error")

    # ------------------------------------------------------------------ showing

    def show_report(self, report: AgreementReport) -> None:
        """Fill every table from the report (called on the UI thread by the worker)."""
        self.report = report
        self.query_one("#agreement-body").loading = False
        summary = self.query_one("#agreement-summary", Static)
        if report.documents == 0:
            summary.update("No document has been marked done by two or more annotators yet.")
            self.query("DataTable").set(display=False)
            self.query(".panel-title").set(display=False)
            return
        self.query("DataTable").set(display=True)
        self.query(".panel-title").set(display=True)
        summary.update(
            Text(
                f"{report.documents} documents finished by 2+ annotators, "
                f"{report.characters} characters; annotators: {', '.join(report.annotators)}"
            )
        )
        self._overall(report)
        self._per_label(report)
        self._pairs(report)
        self._matrix(report)
        self._confusion(report)
        self._documents(report)

    def _fill(self, id: str, columns: list[str], rows: list[list[Text]]) -> DataTable[Text]:
        table: DataTable[Text] = self.query_one(f"#{id}", DataTable)
        table.clear(columns=True)
        for column in columns:
            table.add_column(Text(column), key=column)
        for row in rows:
            table.add_row(*row)
        return table

    def _overall(self, report: AgreementReport) -> None:
        pairs = f"{len(report.pairs)} pairs"
        self._fill(
            "agreement-overall",
            ["measure", "value", "rests on"],
            [
                [Text("span F1 exact (mean over pairs)"), figure(report.f1_exact), Text(pairs)],
                [Text("span F1 overlap (mean over pairs)"), figure(report.f1_overlap), Text(pairs)],
                [
                    Text("alpha_u, all annotators (chars)"),
                    figure(report.alpha_u),
                    Text(f"{report.alpha_u_documents} documents"),
                ],
                [
                    Text(f"Fleiss' kappa ({report.level}s)"),
                    figure(report.fleiss_kappa),
                    Text(f"{report.fleiss_units} units x {report.fleiss_raters} raters"),
                ],
                [
                    Text(f"Krippendorff's alpha ({report.level}s)"),
                    figure(report.krippendorff_alpha),
                    Text(f"{report.krippendorff_units} units"),
                ],
            ],
        )

    def _per_label(self, report: AgreementReport) -> None:
        self._fill(
            "agreement-labels",
            ["label", "F1 exact", "F1 overlap", "alpha_u (all)"],
            [
                [
                    Text(label),
                    figure(report.per_label_f1_exact[label]),
                    figure(report.per_label_f1_overlap[label]),
                    figure(report.per_label_alpha_u[label]),
                ]
                for label in report.labels
            ],
        )

    def _pairs(self, report: AgreementReport) -> None:
        self._fill(
            "agreement-pairs",
            [*PAIR_COLUMNS, f"kappa ({report.level}s)"],
            [
                [
                    Text(f"{pair.a} / {pair.b}"),
                    Text(str(pair.documents), justify="right"),
                    figure(pair.f1_exact),
                    figure(pair.f1_overlap),
                    figure(pair.precision_overlap),
                    figure(pair.recall_overlap),
                    figure(pair.alpha_u),
                    Text.assemble(
                        figure(pair.kappa), (f" ({pair.kappa_units})", "dim"), justify="right"
                    ),
                ]
                for pair in report.pairs
            ],
        )

    def _matrix(self, report: AgreementReport) -> None:
        scores = {(p.a, p.b): p.f1_overlap for p in report.pairs}
        scores |= {(b, a): value for (a, b), value in scores.items()}
        rows = []
        for a in report.annotators:
            cells = [Text(a)]
            for b in report.annotators:
                found = scores.get((a, b))
                cells.append(
                    Text("—", style="dim", justify="right") if found is None else figure(found)
                )
            rows.append(cells)
        self._fill("agreement-matrix", ["", *report.annotators], rows)

    def _confusion(self, report: AgreementReport) -> None:
        rows = []
        for label, counts in zip(report.confusion_labels, report.confusion, strict=True):
            total = sum(counts) or 1
            cells = [Text(label)]
            for other, count in zip(report.confusion_labels, counts, strict=True):
                share = count / total
                good = (label == other) == (label != "∅")
                style = scale_colour(share if good else 1 - share) if count else "dim"
                cells.append(Text(str(count), style=style, justify="right"))
            rows.append(cells)
        self._fill("agreement-confusion", ["", *report.confusion_labels], rows)

    def _documents(self, report: AgreementReport) -> None:
        shown = report.per_document[:WORST]
        hint = "Enter opens it" if self.pick else "open them in `annotator review`"
        self.query_one("#agreement-worst-title", Static).update(
            f"Documents, worst first ({len(shown)} of {len(report.per_document)}; {hint})"
        )
        table = self._fill(
            "agreement-documents",
            ["document", "title", "annotators", "spans", "F1 overlap", "F1 exact"],
            [],
        )
        for doc in shown:
            title = display_text(doc.title)
            if cell_len(title) > TITLE_CELLS:
                title = set_cell_size(title, TITLE_CELLS - 1) + "…"
            table.add_row(
                Text(display_text(doc.id)[:16]),
                Text(title),
                Text(", ".join(doc.annotators)),
                Text(str(doc.spans), justify="right"),
                figure(doc.f1_overlap),
                figure(doc.f1_exact),
                key=doc.id,
            )
        self.set_focus(table)

    # ------------------------------------------------------------------ actions

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.pick:
            self.notify("Documents open from here in the review: annotator review --as LEAD")
            return
        self.dismiss(event.row_key.value)

    def action_close(self) -> None:
        self.dismiss(None)

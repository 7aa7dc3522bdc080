"""The agreement screen: the numbers of `annotator agreement`, inside the TUI.

The report reads every finished document, so a thread worker builds it on its own
connection (`build_report`, the function the CLI uses) while a loading indicator covers
the screen. The tables are `annotator.agreement_table`'s, the ones the CLI and the HTML
report draw: the same headers and formatted numbers by construction. Figures are coloured
on the report's red-to-green scale (`scale_colour`): the colour is data, like a label's.
Titles and ids are shown literally: cells are `Text`, never markup.

In the review, choosing one of the worst documents dismisses the screen with its id, and
the review opens it.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from annotator import agreement_table as tables
from annotator.agreement_report import AgreementReport, build_report
from annotator.agreement_table import Cell, scale_colour
from annotator.tui.reads import read_in_worker
from annotator.tui.text_layout import display_text
from annotator.tui.widgets.key_footer import KeyFooter

WORST = 50
TITLE_CELLS = 40


def cell_text(cell: Cell, numeric: bool) -> Text:
    """A cell of the report's tables as `Text`, coloured on the report's scale."""
    if cell.dim:
        style = "dim"
    elif cell.heat is not None:
        style = f"bold {scale_colour(cell.heat)}" if cell.bold else scale_colour(cell.heat)
    else:
        style = ""
    shown = Text(cell.text, style=style, justify="right" if numeric else "left")
    if cell.note:
        shown.append(f" {cell.note}", style="dim")
    return shown


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
        yield KeyFooter()

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
        read_in_worker(
            self, self.path, build_report, self.show_report, self._failed, group="agreement"
        )

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
        summary.update(Text(tables.summary(report)))
        for table in (
            tables.overall(report),
            tables.per_label(report),
            tables.pairs(report),
            tables.pair_matrix(report),
            tables.confusion(report),
        ):
            self._show(table)
        self._documents(report)

    def _show(self, table: tables.Table) -> DataTable[Text]:
        """Fill the DataTable `agreement-KEY` with one table of the report."""
        shown: DataTable[Text] = self.query_one(f"#agreement-{table.key}", DataTable)
        shown.clear(columns=True)
        for column in table.columns:
            shown.add_column(Text(column.name), key=column.name)
        for row in table.rows:
            cells = zip(row, table.columns, strict=True)
            shown.add_row(*(cell_text(cell, column.numeric) for cell, column in cells))
        return shown

    def _documents(self, report: AgreementReport) -> None:
        model = tables.documents(report, WORST)
        hint = "Enter opens it" if self.pick else "open them in `annotator review`"
        self.query_one("#agreement-worst-title", Static).update(
            f"Documents, worst first ({len(model.rows)} of {len(report.per_document)}; {hint})"
        )
        table = self._show(tables.documents(report, 0))  # the columns only
        for key, (doc_id, title_cell, *rest) in zip(model.row_keys, model.rows, strict=True):
            # Ids and titles are cut to the screen: literal, and on a cell budget.
            title = display_text(title_cell.text)
            if cell_len(title) > TITLE_CELLS:
                title = set_cell_size(title, TITLE_CELLS - 1) + "…"
            numeric = [column.numeric for column in model.columns[2:]]
            table.add_row(
                Text(display_text(doc_id.text)[:16]),
                Text(title),
                *(cell_text(cell, flag) for cell, flag in zip(rest, numeric, strict=True)),
                key=key,
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

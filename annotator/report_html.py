"""The agreement report as one self-contained HTML file: no CDN, no script, works offline.

The tables are `annotator.agreement_table`'s, the ones the terminal and the TUI draw: the
same headers, cells and numbers. Every string from the data is HTML-escaped; heat-map
colours come from the same scale as the terminal tables.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from annotator.agreement_table import Cell, Table, report_tables, scale_colour, summary
from annotator.printable import printable

if TYPE_CHECKING:
    from annotator.agreement_report import AgreementReport

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 2rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.na { color: #999; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
.note { color: #555; font-size: 0.9rem; }
"""


def _cell(cell: Cell) -> str:
    note = f' <span class="note">{_text(cell.note)}</span>' if cell.note else ""
    if cell.dim:
        return f'<td class="na">{_text(cell.text)}{note}</td>'
    if cell.heat is None:
        return f"<td>{_text(cell.text)}{note}</td>"
    return f'<td style="background:{scale_colour(cell.heat)}40">{_text(cell.text)}{note}</td>'


def _text(value: str) -> str:
    return escape(printable(value))


def _table(table: Table) -> str:
    """One table of the report; the model decides headers, cells and their colours."""
    head = "".join(f"<th>{_text(column.name)}</th>" for column in table.columns)
    rows = [f"<table><caption>{_text(table.title)}</caption><tr>{head}</tr>"]
    rows += [f"<tr>{''.join(_cell(cell) for cell in row)}</tr>" for row in table.rows]
    rows.append("</table>")
    return "\n".join(rows)


def render_html(report: AgreementReport, title: str) -> str:
    """The whole report page; `title` and every name in it are escaped."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_text(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_text(title)}</h1>",
        f'<p class="note">{_text(summary(report))}. Kappa and alpha units: {report.level}s. '
        "n/a marks an undefined coefficient.</p>",
    ]
    parts += [_table(table) for table in report_tables(report).values()]
    parts.append("</body></html>\n")
    return "\n".join(parts)

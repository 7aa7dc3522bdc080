"""The agreement report as one self-contained HTML file: no CDN, no script, works offline.

Every string from the data is HTML-escaped; heat-map colours come from the same scale as
the terminal tables.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from annotator.agreement_report import scale_colour
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


def _cell(value: float) -> str:
    if math.isnan(value):
        return '<td class="na">n/a</td>'
    return f'<td style="background:{scale_colour(value)}40">{value:.3f}</td>'


def _text(value: str) -> str:
    return escape(printable(value))


def render_html(report: AgreementReport, title: str) -> str:
    """The whole report page; `title` and every name in it are escaped."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_text(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_text(title)}</h1>",
        f'<p class="note">{report.documents} documents finished by two or more annotators, '
        f"{report.characters} characters. Annotators: {_text(', '.join(report.annotators))}. "
        f"Kappa and alpha units: {report.level}s. n/a marks an undefined coefficient.</p>",
        "<table><caption>Overall</caption><tr><th>measure</th><th>value</th><th>rests on</th></tr>",
        f"<tr><td>span F1 exact</td>{_cell(report.f1_exact)}"
        f"<td>{len(report.pairs)} pairs</td></tr>",
        f"<tr><td>span F1 overlap</td>{_cell(report.f1_overlap)}"
        f"<td>{len(report.pairs)} pairs</td></tr>",
        f"<tr><td>alpha_u (characters)</td>{_cell(report.alpha_u)}"
        f"<td>{report.alpha_u_documents} documents</td></tr>",
        f"<tr><td>Fleiss' kappa</td>{_cell(report.fleiss_kappa)}"
        f"<td>{report.fleiss_units} units x {report.fleiss_raters} raters</td></tr>",
        f"<tr><td>Krippendorff's alpha</td>{_cell(report.krippendorff_alpha)}"
        f"<td>{report.krippendorff_units} units</td></tr></table>",
    ]
    parts.append(_pair_matrix(report))
    parts.append(
        "<table><caption>Annotator pairs</caption><tr><th>pair</th><th>documents</th>"
        "<th>F1 exact</th><th>F1 overlap</th><th>precision</th><th>recall</th>"
        "<th>alpha_u</th><th>kappa</th><th>kappa units</th></tr>"
    )
    for pair in report.pairs:
        parts.append(
            f"<tr><td>{_text(pair.a)} / {_text(pair.b)}</td><td>{pair.documents}</td>"
            f"{_cell(pair.f1_exact)}{_cell(pair.f1_overlap)}{_cell(pair.precision_overlap)}"
            f"{_cell(pair.recall_overlap)}{_cell(pair.alpha_u)}{_cell(pair.kappa)}"
            f"<td>{pair.kappa_units}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        "<table><caption>Per label</caption><tr><th>label</th><th>F1 exact</th>"
        "<th>F1 overlap</th><th>alpha_u</th></tr>"
    )
    for label in report.labels:
        parts.append(
            f"<tr><td>{_text(label)}</td>{_cell(report.per_label_f1_exact[label])}"
            f"{_cell(report.per_label_f1_overlap[label])}{_cell(report.per_label_alpha_u[label])}"
            "</tr>"
        )
    parts.append("</table>")
    parts.append(_confusion(report))
    parts.append(
        "<table><caption>Documents, worst first</caption><tr><th>document</th><th>title</th>"
        "<th>annotators</th><th>spans</th><th>F1 overlap</th><th>F1 exact</th></tr>"
    )
    for doc in report.per_document:
        parts.append(
            f"<tr><td>{_text(doc.id)}</td><td>{_text(doc.title)}</td>"
            f"<td>{_text(', '.join(doc.annotators))}</td><td>{doc.spans}</td>"
            f"{_cell(doc.f1_overlap)}{_cell(doc.f1_exact)}</tr>"
        )
    parts.append("</table></body></html>\n")
    return "\n".join(parts)


def _pair_matrix(report: AgreementReport) -> str:
    """Heat map: overlap F1 for every pair of annotators (symmetric)."""
    scores = {(p.a, p.b): p.f1_overlap for p in report.pairs}
    names = report.annotators
    rows = [
        "<table><caption>Pair matrix: span F1 (overlap)</caption><tr><th></th>"
        + "".join(f"<th>{_text(n)}</th>" for n in names)
        + "</tr>"
    ]
    for a in names:
        cells = []
        for b in names:
            if a == b:
                cells.append('<td class="na">-</td>')
            else:
                cells.append(_cell(scores.get((min(a, b), max(a, b)), math.nan)))
        rows.append(f"<tr><th>{_text(a)}</th>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _confusion(report: AgreementReport) -> str:
    labels = report.confusion_labels
    largest = max((max(row) for row in report.confusion if row), default=0) or 1
    rows = [
        "<table><caption>Label confusion over overlapping spans</caption><tr><th></th>"
        + "".join(f"<th>{_text(label)}</th>" for label in labels)
        + "</tr>"
    ]
    for label, row in zip(labels, report.confusion, strict=True):
        cells = []
        for other, count in zip(labels, row, strict=True):
            strength = count / largest
            colour = scale_colour(strength if label == other else 1 - strength)
            alpha = f"{int(30 + 200 * strength):02x}"
            cells.append(f'<td style="background:{colour}{alpha}">{count}</td>')
        rows.append(f"<tr><th>{_text(label)}</th>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "\n".join(rows)

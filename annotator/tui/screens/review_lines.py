"""The review screen's one-line texts: the document's figures, the layer tabs, the status.

Plain functions from data to `Content`, assembled from strings and styles (never markup:
document text reaches them), so the screen only decides where they go.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content

from annotator.adjudicate import ReviewItem
from annotator.tui.excerpt import excerpt
from annotator.tui.widgets.candidate_list import KINDS
from annotator.tui.widgets.review_queue import score

if TYPE_CHECKING:
    from annotator.agreement_report import DocumentFigures

Part = str | tuple[str, str] | Content


def document_line(figures: DocumentFigures, names: Sequence[str], by: str | None) -> Content:
    """`F1 overlap 0.571 · exact 0.286 · ann1, ann2 · adjudicated by lead`."""
    return Content.assemble(
        ("F1 overlap ", "$text-muted"),
        (score(figures.f1_overlap).strip(), "bold"),
        (" · exact ", "$text-muted"),
        (score(figures.f1_exact).strip(), "bold"),
        (" · ", "$text-muted"),
        ", ".join(names),
        (" · adjudicated by " if by else " · to adjudicate", "$text-muted"),
        (by or "", "bold $text-success"),
    )


def layer_tabs(layers: Sequence[str | None], shown: str | None) -> Content:
    """`layers  all  ann1  ann2  gold`, the shown one reversed (None is all of them)."""
    parts: list[Part] = [("layers ", "$text-muted")]
    for layer in layers:
        name = "all" if layer is None else layer
        parts.append((f" {name} ", "reverse bold" if layer == shown else ""))
    parts.append(("  v switches", "$text-muted"))
    return Content.assemble(*parts)


def describe_item(
    item: ReviewItem,
    text: str,
    flash: Content | None,
    width: int,
    edges: tuple[bool, bool] = (False, False),
) -> Content:
    """Gold state, kind, label and text of the focused item, then who proposed it.

    The covered text gets the room the rest leaves, as an `excerpt`: both of its edges
    stay in sight, and an edge in dispute (`edges`: start, end) shows the text beyond it;
    on a narrow screen the names (also in the candidate list) are what is cut.
    """
    who = ", ".join(item.annotators) if item.annotators else "the lead"
    state = "✓ in gold  " if item.gold_id else "✗ rejected  " if item.rejected else "not in gold  "
    parts: list[Part] = [
        (state, "bold"),
        (KINDS[item.kind][0], "bold"),
        "  ",
        (item.label, "bold"),
        " ",
    ]
    if flash is not None:
        parts[:0] = [flash, ("  │  ", "$text-muted")]
    tail: list[Part] = [("  by ", "$text-muted"), who]
    used = sum(len(_plain(part)) for part in (*parts, *tail))
    parts.append(excerpt(text, item.start, item.end, max(width - used - 2, 12), edges))
    return Content.assemble(*parts, *tail)


def _plain(part: Part) -> str:
    if isinstance(part, Content):
        return part.plain
    return part if isinstance(part, str) else part[0]

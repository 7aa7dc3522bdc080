"""The project bar's title: `annotator  project.db · scheme · name`.

Drawn by the project bar and, before it is there, by the glance (the first frame), so
that the title does not move when the workbench takes the glance's place. Kept apart
from the bar, whose widgets (a progress bar) the glance does not load.
"""

from __future__ import annotations

from textual.content import Content

from annotator.tui.text_layout import display_text


def project_title(project: str, scheme: str, annotator: str) -> Content:
    """`project` is a file name: it may hold anything, and is shown as text."""
    return Content.assemble(
        ("annotator", "bold"),
        ("  ", ""),
        display_text(project),
        (" · ", "$text-muted"),
        scheme,
        (" · ", "$text-muted"),
        (annotator, "bold"),
    )

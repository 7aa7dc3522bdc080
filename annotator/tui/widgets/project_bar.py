"""The top bar: project, scheme, annotator, where we are, and progress over the queue."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from annotator.tui.text_layout import display_text


class ProjectBar(Horizontal):
    """`annotator  project.db · scheme · name   doc 3 of 40   12/40 done ━━━━━━━━━━`."""

    def compose(self) -> ComposeResult:
        yield Static(id="project-info")
        yield Static(id="project-where")
        yield Static(id="project-done")
        yield ProgressBar(id="project-progress", show_eta=False, show_percentage=False)

    def show(
        self, project: str, scheme: str, annotator: str, where: str, done: int, total: int
    ) -> None:
        self.query_one("#project-info", Static).update(
            Content.assemble(
                ("annotator", "bold"),
                ("  ", ""),
                display_text(project),  # a file name: it may hold anything
                (" · ", "$text-muted"),
                scheme,
                (" · ", "$text-muted"),
                (annotator, "bold"),
            )
        )
        self.query_one("#project-where", Static).update(where)
        self.query_one("#project-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#project-done", Static).update(f"{done}/{total} done")

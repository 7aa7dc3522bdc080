"""The top bar: project, scheme, annotator, where we are, and progress over the queue."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from annotator.tui.widgets.project_title import project_title


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
        self.query_one("#project-info", Static).update(project_title(project, scheme, annotator))
        self.query_one("#project-where", Static).update(where)
        self.query_one("#project-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#project-done", Static).update(f"{done}/{total} done")

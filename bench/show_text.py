"""The startup benchmark's baseline: the least a Textual app can do to show a text.

    python bench/show_text.py FILE

A read-only, soft-wrapped `TextArea` holding the file. Kept apart from bench/startup.py,
whose own imports (argparse, statistics, the corpus generator: ~20 ms) would otherwise
count against the baseline.
"""

import sys

from textual.app import App, ComposeResult
from textual.widgets import TextArea


class Show(App[None]):
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 (Textual's own idiom)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(self.text, read_only=True, soft_wrap=True)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        Show(file.read()).run()

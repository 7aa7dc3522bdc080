"""The startup benchmark's baseline: the least a Textual app can do to show a text.

    python bench/show_text.py FILE [--paused]

A read-only, soft-wrapped `TextArea` holding the file. Kept apart from bench/startup.py,
whose own imports (argparse, statistics, the corpus generator: ~20 ms) would otherwise
count against the baseline. `--paused` pauses the cyclic garbage collector until the
first frame, as `annotator annotate` does: measured so, the baseline tells what the
workbench's own work costs beyond Textual's with the pause out of the comparison.
"""

import gc
import sys

PAUSED = "--paused" in sys.argv[2:]
if PAUSED:
    gc.disable()

from textual.app import App, ComposeResult  # noqa: E402 (after the pause, as ours)
from textual.widgets import TextArea  # noqa: E402


class Show(App[None]):
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 (Textual's own idiom)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(self.text, read_only=True, soft_wrap=True)

    def on_mount(self) -> None:
        self.call_after_refresh(gc.enable)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        Show(file.read()).run()

"""The annotation workbench (Textual). Only `annotator annotate`/`demo` and tests import it.

`make_app` is the one way to build the app, so the CLI, the tests and the benchmark all run
the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp


def make_app(store: Store, annotator: str, open_doc: str | None = None) -> AnnotatorApp:
    """The workbench on an open project, as `annotator`; `open_doc` opens that document.

    Args:
        store: The project (the caller closes it after the app exits).
        annotator: The annotator's name; their spans are the layer of that name.
        open_doc: A document id to open at once, on top of the queue.

    Returns:
        The app, ready for `run()` or `run_test()`.
    """
    from annotator.tui.app import AnnotatorApp

    return AnnotatorApp(store, annotator, open_doc=open_doc)


__all__ = ["make_app"]

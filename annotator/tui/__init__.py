"""The annotation workbench and the review (Textual). Only the TUI commands and tests import it.

`make_app` is the one way to build the app, so the CLI, the tests and the benchmark all run
the same thing; `workbench_app` builds it from a project's path the way `annotator
annotate` does (`run_workbench`), painting the document before the rest loads.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp


def make_app(
    store: Store,
    annotator: str,
    open_doc: str | None = None,
    *,
    review: bool = False,
    suggest: bool = False,
) -> AnnotatorApp:
    """The workbench on an open project, as `annotator`; `open_doc` opens that document.

    Args:
        store: The project (the caller closes it after the app exits).
        annotator: The annotator's name; their spans are the layer of that name. In the
            review, the lead's name: the actor of every gold decision.
        open_doc: A document id to open at once; the queue is built when the annotator
            goes back to it (in the review: the document of the queue to start with).
        review: Adjudicate into the gold layer (`annotator review`) instead of labelling.
        suggest: Work for the suggestions in the background: compute the quick sources
            (patterns, lexicon) for a document opened without any, and retrain the model
            after documents are marked done. Stored suggestions are shown either way.

    Returns:
        The app, ready for `run()` or `run_test()`.
    """
    from annotator.tui.app import AnnotatorApp

    return AnnotatorApp(store, annotator, open_doc=open_doc, review=review, suggest=suggest)


def workbench_app(
    path: Path, annotator: str, open_doc: str | None = None, *, suggest: bool = False
) -> AnnotatorApp:
    """The workbench on the project at `path`, as `annotator annotate` opens it.

    When a glance can show the document (`open_doc`, else the one in progress), the app
    paints it before pydantic, the store and the screens are loaded, and opens the store
    after that first frame (`app.opened_store`, the caller's to close after the run).
    Otherwise the store is opened here, as for `make_app`, and a project that cannot be
    opened raises `StoreError`.
    """
    from annotator.store.glance import glance

    seen = glance(path, annotator, open_doc)
    if seen is None:
        from annotator.store import Store

        store = Store.open(path)
        app = make_app(store, annotator, open_doc=open_doc, suggest=suggest)
        app.opened_store = store
        return app
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.glance import Opening

    return AnnotatorApp(Opening(path, seen), annotator, open_doc=seen.doc_id, suggest=suggest)


def run_app(app: AnnotatorApp) -> None:
    """Run `app` to its end; if it could not open the project (a file gone, a stored
    scheme this version cannot read), raise why once it has left the terminal, for the
    CLI to print in one line like any other error."""
    from annotator.errors import AnnotatorError

    app.run()
    if app.failure is not None:
        raise AnnotatorError(app.failure)


def run_workbench(path: Path, annotator: str, open_doc: str | None = None) -> None:
    """`annotator annotate`: the workbench (`workbench_app`, suggesting) run to its end.

    The cyclic garbage collector is paused from here to the first frame: loading Textual
    and the glance makes tens of thousands of objects that all live on, and ninety-odd
    passes over them (11-14 ms of CPU, 5-6% of the time to the first frame) freed next
    to nothing. The app then resumes it with those objects frozen until the workbench is
    there. Resumed with them in its young generations instead, it went over them all
    again while the workbench loaded: 72 ms of collecting to the workbench being ready
    (the seed article, headless), against 50 ms never pausing and 18 ms frozen.
    """
    gc.disable()
    try:
        app = workbench_app(path, annotator, open_doc, suggest=True)
        try:
            run_app(app)
        finally:
            if app.opened_store is not None:
                app.opened_store.close()
    finally:
        gc.unfreeze()
        gc.enable()


__all__ = ["make_app", "run_app", "run_workbench", "workbench_app"]

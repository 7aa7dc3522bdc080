"""The annotation workbench and the review (Textual). Only the TUI commands and tests import it.

`make_app` is the one way to build the app, so the CLI, the tests and the benchmark all run
the same thing.
"""

from __future__ import annotations

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


__all__ = ["make_app"]

"""Reads that grow with the corpus run in a thread worker on their own connection.

The store's connection belongs to the UI thread, so a worker opens the project again,
reads, and hands the result (or why it failed) back to the UI thread. Every screen that
reads in the background goes through `read_in_worker`, so they all cancel, fail and
report the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from annotator.errors import StoreError
from annotator.store import Store

R = TypeVar("R")


def read_in_worker(
    node: DOMNode,
    path: Path,
    read: Callable[[Store], R],
    done: Callable[[R], object],
    failed: Callable[[str], object] | None = None,
    *,
    group: str,
) -> Worker[None]:
    """Run `read` on the project at `path` in a thread; `done(result)` on the UI thread.

    A newer read of the same `group` cancels this one (its result is dropped). A store error
    (the store wraps SQLite's) calls `failed(message)` on the UI thread, or is dropped
    without one.
    """

    def work() -> None:
        try:
            with Store.open(path) as store:
                result = read(store)
        except StoreError as exc:  # the store wraps every SQLite error
            if failed is not None and not get_current_worker().is_cancelled:
                node.app.call_from_thread(failed, str(exc))
            return
        if not get_current_worker().is_cancelled:
            node.app.call_from_thread(done, result)

    return node.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=False)

"""`annotator train`: a suggestion model trained on what people kept (see annotator.suggest)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, out, reports_errors, table

if TYPE_CHECKING:
    from rich.progress import Progress


def register(app: typer.Typer) -> None:
    app.command("train")(train)


@reports_errors
def train(
    db: DbOption = Path(DEFAULT_DB),
    layer: Annotated[
        str | None,
        typer.Option(
            help="Train on this layer only (gold, or an annotator's documents marked done). "
            "Default: gold where a document has it, else the layers of whoever marked it done."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Models folder (default: <project>.models beside it)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the held-out split and the training.")] = 0,
    max_steps: Annotated[
        int | None, typer.Option("--max-steps", help="Training steps (default 400).")
    ] = None,
    nice: Annotated[
        int, typer.Option(help="Lower this process's priority by N (background training).")
    ] = 0,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Then replace the model suggestions of documents nobody has opened yet.",
        ),
    ] = False,
) -> None:
    """Train a spaCy spancat model for suggestions; prints held-out P/R/F per label."""
    from annotator.errors import AnnotatorError
    from annotator.suggest.training import DEFAULT_STEPS, train as train_model

    if not db.is_file():
        raise AnnotatorError(f"{db}: no project here (create one with `annotator init`)")
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)
    steps = DEFAULT_STEPS if max_steps is None else max_steps
    with _StepBar(steps) as on_step:
        result = train_model(
            db,
            layer=layer,
            out=out_dir,
            seed=seed,
            max_steps=steps,
            say=info,
            on_step=on_step,
            refresh=refresh,
        )
    rows = [
        [
            score.label,
            f"{score.precision:.2f}",
            f"{score.recall:.2f}",
            f"{score.f:.2f}",
            str(score.support),
        ]
        for score in result.scores
    ]
    out(table(rows, ["label", "P", "R", "F", "held-out spans"]))
    out(f"model {result.version} written to {result.path} ({result.seconds:.0f} s)")
    if result.refreshed is not None:
        out(f"model suggestions refreshed on {result.refreshed} unopened documents")


class _StepBar:
    """A progress bar of training steps on stderr; nothing when stderr is no terminal
    (the phase lines and held-out scores are printed either way)."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(stderr=True), transient=True)
        task = bar.add_task("training", total=self.steps)
        bar.start()
        self.bar = bar
        return lambda step, _total: bar.update(task, completed=step)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

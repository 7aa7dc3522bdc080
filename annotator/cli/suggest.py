"""`annotator suggest` and `annotator suggestions report`: machine proposals, and how good.

spaCy (the `suggest` extra) is imported only by the sources that need it, when they run;
without it, the command says which extra to install, in one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, open_store, out, reports_errors, table

if TYPE_CHECKING:
    from rich.progress import Progress

SOURCES = ("patterns", "lexicon", "model")
DEFAULT_SOURCES = ("patterns", "lexicon")

suggestions_app = typer.Typer(
    help="What the suggestions proposed, and what people made of them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.command("suggest")(suggest)
    app.add_typer(suggestions_app, name="suggestions")


@reports_errors
def suggest(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="patterns, lexicon or model; repeatable. Default: patterns and lexicon.",
        ),
    ] = None,
    patterns: Annotated[
        Path | None,
        typer.Option(help="A pattern file (spaCy/Prodigy JSONL). Default: the scheme's own."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="A model folder made by `annotator train`. Default: the latest."),
    ] = None,
    documents: Annotated[
        str, typer.Option(help="queue (documents still to label) or all.")
    ] = "queue",
    as_: Annotated[
        str | None,
        typer.Option("--as", help="With --documents queue: this annotator's queue only."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Compute the suggestions, store nothing.")
    ] = False,
    json_lines: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print every suggestion as a JSON line (document, start, end, label, "
            "source, score).",
        ),
    ] = False,
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Precompute suggestions for the workbench (a progress bar on long runs)."""
    from annotator.errors import AnnotatorError
    from annotator.suggest import Proposal, Source
    from annotator.suggest.run import chosen_documents, run

    chosen = list(dict.fromkeys(source or DEFAULT_SOURCES))
    for name in chosen:
        if name not in SOURCES:
            raise AnnotatorError(f"--source {name!r}: use {', '.join(SOURCES)}")
    emit: Callable[[str, Proposal], None] | None = _print_json if json_lines else None
    with open_store(db) as store:
        doc_ids = chosen_documents(store, documents, as_)
        try:
            with _Bar(len(doc_ids) * len(chosen)) as advance:
                counts = run(
                    store,
                    [Source(name) for name in chosen],
                    doc_ids,
                    patterns=patterns,
                    model_dir=model,
                    dry_run=dry_run,
                    emit=emit,
                    advance=advance,
                )
        except BrokenPipeError:
            # The reader of --json (`| head`) has what it wanted: stop there, quietly
            # (what was stored so far stays: each chunk is a whole transaction).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
    for note in counts.notes:
        info(f"note: {note}")
    for name in chosen:
        per_label = {label: n for (s, label), n in sorted(counts.proposals.items()) if s == name}
        detail = ", ".join(f"{label} {n}" for label, n in per_label.items())
        info(
            f"{name}: {sum(per_label.values())} suggestions on {counts.documents} documents"
            + (f" ({detail})" if detail else "")
        )
    info("dry run: nothing was stored" if dry_run else "stored; the workbench shows them")


def _print_json(doc_id: str, proposal: Any) -> None:
    import json

    from annotator.printable import json_printable

    record = {
        "document": doc_id,
        "start": proposal.start,
        "end": proposal.end,
        "label": proposal.label,
        "source": proposal.source.value,
        "score": round(proposal.score, 4),
    }
    typer.echo(json_printable(json.dumps(record, ensure_ascii=False)))


class _Bar:
    """A progress bar on stderr for runs over many documents; silent when not a terminal."""

    SHOWN_FROM = 50

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[int], None]:
        if self.total >= self.SHOWN_FROM and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            task = self.bar.add_task("suggesting", total=self.total)
            bar = self.bar
            return lambda done: bar.advance(task, done)
        return lambda done: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@suggestions_app.command("report")
@reports_errors
def report(
    json_output: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Per source and label: shown, accepted as is, after an edit, rejected, precision and
    recall against what people kept; spans no source proposed; time per document."""
    from annotator.cli.common import out_json
    from annotator.suggest import Source
    from annotator.suggest.report import build

    with open_store(db) as store:
        found = build(
            store.suggestions.finished_work(),
            store.suggestions.decisions(),
            [source.value for source in Source],
            store.scheme.label_names,
        )
    if json_output:
        out_json(found.as_dict())
        return
    rows = [
        [
            f.source,
            f.label,
            str(f.shown),
            str(f.accepted),
            str(f.accepted_edited),
            str(f.rejected),
            _share(f.precision),
            _share(f.recall),
        ]
        for f in found.sources
    ]
    header = ["source", "label", "shown", "accepted", "after edit", "rejected", "P", "R"]
    out(table(rows, header) if rows else "no suggestion was shown on a finished document yet")
    out()
    out(
        table(
            [[label, str(found.finished[label]), str(n)] for label, n in found.unproposed.items()],
            ["label", "kept spans", "no source proposed"],
        )
    )
    out()
    for name, timing in (
        ("with suggestions", found.with_suggestions),
        ("without suggestions", found.without_suggestions),
    ):
        mean = "-" if timing.documents == 0 else f"{timing.mean:.0f} s"
        out(f"time per finished document {name}: {mean} ({timing.documents} documents)")


def _share(value: float) -> str:
    return "-" if value != value else f"{value:.2f}"  # NaN: nothing to divide by

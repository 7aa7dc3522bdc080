"""The patterns source: spaCy/Prodigy pattern files, matched by spaCy's own SpanRuler.

A pattern file is JSON lines, one pattern each: `{"label": ..., "pattern": "a phrase"}`
(matched on the exact token texts) or `{"label": ..., "pattern": [{token attributes},
...]}` (spaCy's Matcher syntax, `"OP"` quantifiers included), with an optional `"id"`:
the files teams already have for Prodigy or spaCy work unchanged. Errors name the file,
the line and the reason, as for every input.

Matching is spaCy's: a blank pipeline of the scheme's language (no model, no download)
with a `span_ruler` writing into a span group, so overlapping matches are all kept,
streamed through `nlp.pipe`. spaCy's character offsets are Python string indices, that
is code points, as ours are. One rule is ours: a quantifier makes the Matcher report
every length it can match (`"+"` after "according to" matches "according to a", "...a
statement", ...), so of the matches of one pattern line only those not inside another
match of the same line are proposed, its longest readings; matches of different lines
(a quote nested in a quote) are all kept.

spaCy is imported only when matching starts (`annotator[suggest]`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError, InputError
from annotator.suggest import Proposal, Source, spacy_needed

SPANS_KEY = "annotator_patterns"
"""The span group the ruler writes; not spancat's `sc`, so a pipeline may hold both."""
PATTERNS_SUFFIX = ".patterns.jsonl"
"""A scheme's default patterns sit next to it: `negotiation-v1.toml` ->
`negotiation-v1.patterns.jsonl`."""
PATTERN_FIELDS = frozenset({"label", "pattern", "id"})
BATCH_SIZE = 256
MAX_LENGTH = 50_000_000
"""Longest text given to the pipeline; a blank pipeline only tokenizes and matches, so
spaCy's default limit (meant for parsers) need not apply."""


@dataclass(frozen=True)
class Pattern:
    """One line of a pattern file."""

    line: int
    label: str
    pattern: str | list[dict[str, Any]]
    id: str = ""


def load_patterns(path: Path) -> list[Pattern]:
    """Read and check a pattern file; InputError names the line of the first problem.

    Token patterns are checked against spaCy's own schema when spaCy is installed (it is
    whenever they are matched), so a misspelt attribute is reported with its line, not
    as a traceback from the ruler.
    """
    from annotator.ingest.common import read_json_lines

    name = str(path)
    found: list[Pattern] = []
    for number, record in read_json_lines(path, None):
        found.append(_pattern(record, name, number))
    if not found:
        raise InputError(name, None, "no patterns in the file")
    try:
        from spacy.schemas import validate_token_pattern
    except ImportError:
        return found
    for pattern in found:
        if isinstance(pattern.pattern, list):
            problems = validate_token_pattern(pattern.pattern)
            if problems:
                raise InputError(name, pattern.line, f"'pattern': {problems[0]}")
    return found


def _pattern(record: Any, name: str, number: int) -> Pattern:
    def fail(reason: str) -> InputError:
        return InputError(name, number, reason)

    if not isinstance(record, dict):
        raise fail(f"expected a JSON object, got {type(record).__name__}")
    if not record.keys() <= PATTERN_FIELDS:
        unknown = sorted(set(record) - PATTERN_FIELDS)[0]
        raise fail(f"unknown field {unknown!r} (allowed: {', '.join(sorted(PATTERN_FIELDS))})")
    label, pattern, given = record.get("label"), record.get("pattern"), record.get("id", "")
    if not isinstance(label, str) or not label:
        raise fail("'label' must be a non-empty string")
    if not isinstance(given, str):
        raise fail("'id' must be a string")
    if isinstance(pattern, str):
        if not pattern.strip():
            raise fail("'pattern' is an empty phrase")
        return Pattern(number, label, pattern, given)
    if not isinstance(pattern, list) or not pattern:
        raise fail("'pattern' must be a phrase (a string) or a non-empty list of token dicts")
    for index, token in enumerate(pattern):
        if not isinstance(token, dict):
            raise fail(f"'pattern'[{index}] must be an object of token attributes")
    return Pattern(number, label, pattern, given)


def check_labels(patterns: Sequence[Pattern], labels: Iterable[str], path: Path) -> None:
    """Refuse a pattern whose label the scheme lacks (InputError with its line)."""
    known = list(labels)
    for pattern in patterns:
        if pattern.label not in known:
            raise InputError(
                str(path),
                pattern.line,
                f"unknown label {pattern.label!r} (the scheme has {', '.join(known)})",
            )


def default_patterns_path(scheme_source: str | None, qualified_name: str) -> Path | None:
    """The patterns shipped with the project's scheme, if there are any.

    A scheme read from a file looks next to that file (`x.toml` -> `x.patterns.jsonl`);
    the bundled scheme (`builtin:NAME`) inside the install, else the repository's
    `schema/`. Failing that, the patterns of the highest earlier version of the same
    scheme, whose labels mostly carry over (the caller drops the ones that do not).
    """
    package = Path(__file__).resolve().parent.parent
    folders = [package / "_data", package.parent / "schema"]
    if scheme_source and not scheme_source.startswith("builtin:"):
        source = Path(scheme_source)
        mine = source.with_name(source.stem + PATTERNS_SUFFIX)
        if mine.is_file():
            return mine
        folders.insert(0, source.parent)
    name, _, version = qualified_name.rpartition("-v")
    for folder in folders:
        exact = folder / f"{qualified_name}{PATTERNS_SUFFIX}"
        if exact.is_file():
            return exact
        earlier = [
            (int(number), candidate)
            for candidate in folder.glob(f"{name}-v*{PATTERNS_SUFFIX}")
            if (number := candidate.name[len(name) + 2 : -len(PATTERNS_SUFFIX)]).isdigit()
            and version.isdigit()
            and int(number) < int(version)
        ]
        if earlier:
            return max(earlier)[1]
    return None


class PatternMatcher:
    """A blank spaCy pipeline with one SpanRuler holding the patterns; `pipe` streams."""

    def __init__(self, patterns: Sequence[Pattern], *, lang: str = "en") -> None:
        spacy = spacy_needed("pattern suggestions")
        try:
            self.nlp = spacy.blank(lang)
        except (ImportError, OSError, ValueError) as exc:
            raise AnnotatorError(f"no spaCy language {lang!r}: {exc}") from None
        self.nlp.max_length = MAX_LENGTH
        ruler = self.nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "validate": True})
        # Each line gets an id of its own (its line number before any given id), so
        # the longest-reading rule works per line; the given id is kept after it.
        ruler.add_patterns(
            [{"label": p.label, "pattern": p.pattern, "id": f"{p.line}:{p.id}"} for p in patterns]
        )

    def pipe(self, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> Iterator[list[Proposal]]:
        """The proposals for each text, in order and one list per text, streamed."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield proposals(doc.spans[SPANS_KEY])

    def __call__(self, text: str) -> list[Proposal]:
        doc = self.nlp(text)  # kept alive: a span group dies with its Doc
        return proposals(doc.spans[SPANS_KEY])


def proposals(spans: Iterable[Any]) -> list[Proposal]:
    """A span group as proposals: the longest readings (see the module docstring)."""
    by_line: dict[str, list[tuple[int, int, str]]] = {}
    for span in spans:
        by_line.setdefault(span.id_, []).append((span.start_char, span.end_char, span.label_))
    found: set[tuple[int, int, str]] = set()
    for matches in by_line.values():
        found.update(_outermost(matches) if len(matches) > 1 else matches)
    if len(found) > 1:
        found = _without_shorter_readings(found)
    return [Proposal(start, end, label, Source.PATTERNS) for start, end, label in sorted(found)]


def _outermost(matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The matches inside no other one (all of one pattern line, so of one label)."""
    matches.sort(key=lambda m: (m[0], -m[1]))
    kept, outer_end = [], -1
    for match in matches:
        if match[1] > outer_end:  # starts are sorted, the longest first: not inside
            kept.append(match)
            outer_end = match[1]
    return kept


def _without_shorter_readings(found: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """Drop a match that another of its label contains and shares an edge with.

    Two lines reading one stretch ("he said" and "he said, according to ...") agree on
    where it starts or ends; a quotation nested in another shares neither edge and stays.
    """
    starts: dict[tuple[int, str], int] = {}
    ends: dict[tuple[int, str], int] = {}
    for start, end, label in found:
        starts[start, label] = max(starts.get((start, label), end), end)
        ends[end, label] = min(ends.get((end, label), start), start)
    return {
        (start, end, label)
        for start, end, label in found
        if starts[start, label] == end and ends[end, label] == start
    }

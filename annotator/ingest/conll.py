"""CoNLL-style column files: CoNLL-2003 IOB, IOB2/BIOES columns, CoNLL-U (Plus).

The layout is read from the file itself: the separator (tabs if the first token line has
one, else runs of spaces), an index column (integers, as in CoNLL-U and GermEval), the
token column, and every column whose values are all tags (`O`, `B-X`, `I-X`, `E-X`,
`S-X`, BILOU too) in the first sentence; other columns (POS, chunk heads...) are named
in the import notes and ignored. `# global.columns` of CoNLL-U Plus names the columns.

Documents: `-DOCSTART-` lines (or CoNLL-U `# newdoc`) separate them; in a file with
neither, each sentence is a document. The text is rebuilt from the tokens: a sentence's
`# text =` comment is used when the tokens can be found in it in order, else tokens are
joined by a space (none after `SpaceAfter=No`), sentences by a line break. Tags are read
leniently, as conlleval does (an `I-` after `O` opens a chunk), so strict IOB2 files and
IOB1 files read alike. Lines may end in LF, CRLF or CR alone.

Several tag columns: when each holds one label (a column per label or nesting level, as
our export writes them) they are one annotation, read into one layer (identical spans
stored once). When two or more hold several labels each (conlleval's gold, predicted), the
first goes to the import's layer and each further one to a layer named after its column
(`column-3`, or its CoNLL-U Plus name), with a note. `--tag-columns 2,3=predicted`
chooses the columns and their layers. The layout is decided on the whole file, so files
with several tag columns are read whole before their documents are handed on.

A CoNLL-U Plus `# relations =` comment (flair's relation extraction format) links spans
of the sentence: see `conll_sentences`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import InputError
from annotator.ingest import Progress, ReadOptions
from annotator.ingest.common import bad_utf8, split_lines
from annotator.ingest.conll_sentences import (
    Sentence,
    check_relations,
    link,
    parse_relations,
    sentence_text,
)
from annotator.ingest.tag_columns import (
    TAG,
    check_chosen,
    chunks,
    column_layers,
    competing,
    parse_tag_columns,
)
from annotator.models import NewDocument

DOCSTART = "-DOCSTART-"
INDEX = re.compile(r"^\d+$")
SKIPPED_INDEX = re.compile(r"^\d+[-.]\d+$")  # CoNLL-U multiword ranges and empty nodes


@dataclass
class Layout:
    tabs: bool
    width: int
    index: int | None
    token: int
    tags: list[int]
    misc: int | None
    layers: list[str] | None = None
    """The layer of each tag column; None until the whole file is read (see `finish`)."""


@dataclass
class DocumentBuffer:
    line: int
    doc_id: str | None = None
    comments: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


def read_conll(
    path: Path, options: ReadOptions, progress: Progress | None = None
) -> Iterator[NewDocument]:
    reader = _Reader(path, options)
    yield from reader.read(progress)


class _Reader:
    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.name = str(path)
        self.options = options
        self.layout: Layout | None = None
        self.column_names: list[str] | None = None
        self.by_document = False
        self.current: DocumentBuffer | None = None
        self.chosen = (
            parse_tag_columns(options.tag_columns, self.name) if options.tag_columns else None
        )
        self.labels: list[set[str]] = []
        """Labels seen per tag column (two at most: enough to tell the layouts apart)."""
        self.pending: list[tuple[NewDocument, list[tuple[int, int, int, str]]]] = []
        """Documents held back until `finish` knows the layer of every tag column."""
        self.unplaced = 0
        """Relations whose tokens no tag column marks as a span (not imported)."""

    def fail(self, line: int | None, reason: str) -> InputError:
        return InputError(self.name, line, reason)

    # ------------------------------------------------------------------ reading

    def read(self, progress: Progress | None) -> Iterator[NewDocument]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise self.fail(None, f"cannot read: {exc.strerror or exc}") from exc
        block: list[tuple[int, str]] = []
        done = 0
        with handle:
            for number, (raw, done) in enumerate(split_lines(handle), start=1):
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise self.fail(number, bad_utf8(raw, f"column {exc.start + 1}")) from exc
                if line.strip():
                    block.append((number, line))
                    continue
                if block:
                    yield from self.block(block)
                    block = []
                if progress is not None and number % 1024 == 0:
                    progress(done)
            if block:
                yield from self.block(block)
        if self.current is not None and self.current.sentences:
            yield from self.emit(self.current)
        yield from self.finish()
        if self.unplaced:
            self.options.notes.append(
                f"{self.name}: {self.unplaced} relations not imported: no tag column marks "
                "a span on the tokens of both their ends (in one column)"
            )
        if progress is not None:
            progress(done)

    def block(self, lines: list[tuple[int, str]]) -> Iterator[NewDocument]:
        """One run of non-blank lines: comments, then tokens; `-DOCSTART-` may split it."""
        position = 0
        while position < len(lines):
            number, line = lines[position]
            if self.split(line)[0] == DOCSTART:
                yield from self.start_document(number, None)
                position += 1
                continue
            comments: list[tuple[int, str]] = []
            while position < len(lines) and lines[position][1].startswith("#"):
                if self.layout is not None and self.is_token_line(lines[position][1]):
                    break
                comments.append(lines[position])
                position += 1
            body_start = position
            while position < len(lines) and self.split(lines[position][1])[0] != DOCSTART:
                position += 1
            body = lines[body_start:position]
            if self.layout is None and body:
                self.layout = self.detect(body, comments)
                # leading '#' lines are tokens after all when they fit the layout
                while comments and self.is_token_line(comments[-1][1]):
                    body.insert(0, comments.pop())
            yield from self.sentence(comments, body)

    def start_document(self, line: int, doc_id: str | None) -> Iterator[NewDocument]:
        if self.current is not None and self.current.sentences:
            yield from self.emit(self.current)
        self.by_document = True
        self.current = DocumentBuffer(line, doc_id)

    def sentence(
        self, comments: list[tuple[int, str]], body: list[tuple[int, str]]
    ) -> Iterator[NewDocument]:
        text_comment = None
        relations = []
        kept_comments = []
        for number, comment in comments:
            content = comment[1:].strip()
            key, _, value = content.partition("=")
            key = key.strip()
            if key == "newdoc" or key.startswith("newdoc "):
                doc_id = value.strip() if key == "newdoc id" else None
                yield from self.start_document(number, doc_id or None)
            elif key == "text" and value:
                text_comment = value[1:] if value.startswith(" ") else value
            elif key == "global.columns":
                self.column_names = value.split()
            elif key == "relations" and value.strip():
                relations = parse_relations(value, number, self.fail)
            elif content:
                kept_comments.append(content)
        if not body:
            if kept_comments and self.current is not None:
                self.current.comments.extend(kept_comments)
            return
        sentence = self.parse(body)
        sentence.text = text_comment
        sentence.relations = relations
        check_relations(sentence, self.fail)
        if self.by_document:
            assert self.current is not None
            self.current.comments.extend(kept_comments)
            self.current.sentences.append(sentence)
            return
        single = DocumentBuffer(comments[0][0] if comments else body[0][0])
        single.comments = kept_comments
        single.sentences.append(sentence)
        yield from self.emit(single)

    # ------------------------------------------------------------------ layout

    def split(self, line: str) -> list[str]:
        tabs = self.layout.tabs if self.layout is not None else "\t" in line
        fields = line.split("\t") if tabs else line.split()
        return fields or [""]

    def is_token_line(self, line: str) -> bool:
        layout = self.layout
        assert layout is not None
        fields = self.split(line)
        return len(fields) == layout.width and all(TAG.match(fields[i]) for i in layout.tags)

    def detect(self, body: list[tuple[int, str]], comments: list[tuple[int, str]]) -> Layout:
        for _, comment in comments:
            key, _, value = comment[1:].strip().partition("=")
            if key.strip() == "global.columns":
                self.column_names = value.split()
        tabs = "\t" in body[0][1]
        rows = [(number, line.split("\t") if tabs else line.split()) for number, line in body]
        width = len(rows[0][1])
        for number, fields in rows:
            if len(fields) != width:
                raise self.fail(number, f"{len(fields)} columns where the first line has {width}")
        values = [[fields[i] for _, fields in rows] for i in range(width)]
        names = [name.lower() for name in self.column_names or []]
        misc = None
        if len(names) == width:
            index = names.index("id") if "id" in names else None
            token = names.index("form") if "form" in names else (1 if index == 0 else 0)
            misc = names.index("misc") if "misc" in names else None
        else:
            index = 0 if width > 1 and all(_is_index(v) for v in values[0]) else None
            token = 1 if index == 0 else 0
            if index == 0 and width == 10:  # plain CoNLL-U
                misc = 9
        tags = [
            i
            for i in range(width)
            if i not in (index, token, misc) and all(TAG.match(v) for v in values[i])
        ]
        layers = None
        if self.chosen is not None:
            check_chosen(self.chosen, width, index, token, self.name, body[0][0])
            chosen = {i for i, _ in self.chosen}
            unread = [i + 1 for i in tags if i not in chosen]
            if unread:
                self.options.notes.append(
                    f"{self.name}: tag column(s) {', '.join(map(str, unread))} not imported "
                    "(not in --tag-columns)"
                )
            tags = [i for i, _ in self.chosen]
            layers = [layer or self.options.default_layer for _, layer in self.chosen]
        elif len(tags) < 2:
            layers = [self.options.default_layer] * len(tags)
        self.labels = [set() for _ in tags]
        used = {index, token, misc, *tags}  # a set: a line may have 100,000 columns
        ignored = [i + 1 for i in range(width) if i not in used]
        if ignored:
            self.options.notes.append(
                f"{self.name}: column(s) {', '.join(map(str, ignored))} hold no tags; ignored"
            )
        return Layout(tabs, width, index, token, tags, misc, layers)

    def parse(self, body: list[tuple[int, str]]) -> Sentence:
        layout = self.layout
        assert layout is not None
        sentence = Sentence(body[0][0], columns=[[] for _ in layout.tags])
        for number, line in body:
            fields = self.split(line)
            if len(fields) != layout.width:
                raise self.fail(
                    number, f"{len(fields)} columns where the file's layout has {layout.width}"
                )
            if layout.index is not None and SKIPPED_INDEX.match(fields[layout.index]):
                continue
            for column, i in zip(sentence.columns, layout.tags, strict=True):
                tag = fields[i]
                if not TAG.match(tag):
                    raise self.fail(number, f"column {i + 1}: {tag!r} is not a tag (O, B-X, I-X)")
                column.append(tag)
            if not fields[layout.token]:
                raise self.fail(number, f"column {layout.token + 1}: empty token")
            sentence.tokens.append(fields[layout.token])
            misc = fields[layout.misc] if layout.misc is not None else ""
            sentence.no_space.append("SpaceAfter=No" in misc.split("|"))
        if not sentence.tokens:
            raise self.fail(body[0][0], "a sentence without tokens (only multiword ranges)")
        return sentence

    # ---------------------------------------------------------------- documents

    def emit(self, buffer: DocumentBuffer) -> Iterator[NewDocument]:
        """The buffer's document, or nothing yet while the tag columns' layers are open."""
        document, spans = self.document(buffer)
        layout = self.layout
        if layout is None or layout.layers is None:
            self.pending.append((document, spans))
            return
        document.spans = [(layout.layers[k], start, end, label) for k, start, end, label in spans]
        yield document

    def finish(self) -> Iterator[NewDocument]:
        """Decide where several tag columns go (see `tag_columns`), then release documents."""
        layout = self.layout
        if layout is None or not self.pending:
            return
        default = self.options.default_layer
        if layout.layers is None:
            if not competing(self.labels):
                layout.layers = [default] * len(layout.tags)
            else:
                names = self.column_names
                layout.layers, note = column_layers(
                    layout.tags,
                    names if names and len(names) == layout.width else None,
                    default,
                    self.name,
                )
                self.options.notes.append(f"{self.name}: {note}")
        for document, spans in self.pending:
            document.spans = [(layout.layers[k], s, e, label) for k, s, e, label in spans]
            yield document
        self.pending = []

    def document(
        self, buffer: DocumentBuffer
    ) -> tuple[NewDocument, list[tuple[int, int, int, str]]]:
        """The document, and its spans as `(tag column ordinal, start, end, label)`."""
        parts: list[str] = []
        spans: list[tuple[int, int, int, str]] = []
        relations: list[tuple[int, int, str]] = []
        offset = 0
        for sentence in buffer.sentences:
            if parts:
                parts.append("\n")
                offset += 1
            text, starts = sentence_text(sentence)
            parts.append(text)
            first_span = len(spans)
            for k, column in enumerate(sentence.columns):
                seen = self.labels[k]
                for first, last, label in chunks(column):
                    end = starts[last - 1] + len(sentence.tokens[last - 1])
                    spans.append((k, offset + starts[first], offset + end, label))
                    if len(seen) < 2:
                        seen.add(label)
            if sentence.relations:
                placed, lost = link(sentence, starts, offset, spans, first_span)
                relations += placed
                self.unplaced += lost
            offset += len(text)
        meta = {"comments": buffer.comments} if buffer.comments else {}
        document = NewDocument(
            text="".join(parts),
            id=buffer.doc_id,
            source=self.path.name,
            meta=meta,
            line=buffer.line,
            relations=relations,
        )
        return document, spans


def _is_index(value: str) -> bool:
    return bool(INDEX.match(value) or SKIPPED_INDEX.match(value))

"""Project settings: the key/value rows (scheme, creation time) and scheme changes."""

from __future__ import annotations

from pathlib import Path

from annotator.errors import SchemeConflictError
from annotator.models import MOTION_KEYS, EventAction, Scheme
from annotator.scheme import kept_motion_keys, parse_scheme
from annotator.store.connection import Connection, now
from annotator.store.glance import SCHEME_DIGEST, scheme_digest
from annotator.store.history import log


class Project:
    """The `project` table and the parsed scheme, cached until it changes."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self._scheme: Scheme | None = None
        self._text = ""
        self._seen: object = None

    def initialise(self, scheme_text: str, scheme_source: str, scheme: Scheme) -> None:
        """A new project's settings and its first event."""
        self._keep_scheme(scheme_text, scheme_source, scheme)
        self.set_meta("created", now())
        log(
            self.db,
            "system",
            EventAction.PROJECT_CREATE,
            after={"scheme": scheme.qualified_name},
        )

    def _keep_scheme(self, scheme_text: str, scheme_source: str, scheme: Scheme) -> None:
        """The scheme's text (what the store reads), where it came from, and the digest of
        it that the workbench's first frame reads (`glance.scheme_digest`)."""
        self.set_meta("scheme", scheme_text)
        self.set_meta("scheme_source", scheme_source)
        self.set_meta(SCHEME_DIGEST, scheme_digest(scheme_text, scheme))

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO project (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def meta(self, key: str) -> str | None:
        value = self.db.one("SELECT value FROM project WHERE key = ?", (key,))
        return None if value is None else str(value)

    @property
    def scheme(self) -> Scheme:
        """The project's scheme as stored now, also when another process just changed it.

        `schema migrate` may run while a workbench is open: a cached scheme would let
        that workbench keep writing a renamed label. SQLite's `data_version` changes
        whenever another connection commits (a cheap in-memory read), and only then is
        the stored text compared (and parsed again if it changed).
        """
        version = self.db.pragma("data_version")
        if self._scheme is None or version != self._seen:
            text = self.meta("scheme") or ""
            if self._scheme is None or text != self._text:
                self._scheme = parse_scheme(
                    text, f"{self.db.path} (stored scheme)", kept_keys=MOTION_KEYS
                )
                self._text = text
            self._seen = version
        return self._scheme

    def forget_scheme(self) -> None:
        self._scheme = None

    def label_usage(self) -> dict[str, int]:
        """Spans per label, over every layer (labels in alphabetical order)."""
        rows = self.db.execute("SELECT label, count(*) FROM spans GROUP BY label ORDER BY label")
        return dict(rows.fetchall())

    def update_scheme(
        self, scheme_text: str, scheme_source: str, renames: dict[str, str], actor: str
    ) -> dict[str, int]:
        """See `Store.update_scheme`; runs in the caller's (the facade's) transaction."""
        new = parse_scheme(scheme_text, scheme_source, kept_keys=kept_motion_keys(self.scheme))
        for old, target in renames.items():
            if target not in new.label_names:
                raise SchemeConflictError(
                    f"rename {old}={target}: {target!r} is not in the new scheme"
                )
        usage = self.label_usage()
        lost = [label for label in usage if label not in new.label_names and label not in renames]
        if lost:
            raise SchemeConflictError(self._conflict_message(lost, usage))
        conflicts = self.relation_conflicts(new, renames)
        if conflicts:
            raise SchemeConflictError(
                f"{self.db.path}: the new scheme does not fit relations in use:\n  "
                + "\n  ".join(conflicts)
            )
        touched: dict[str, int] = {}
        for old, target in renames.items():
            if old == target or old not in usage:
                continue
            cursor = self.db.execute(
                "UPDATE OR IGNORE spans SET label = ?, updated = ? WHERE label = ?",
                (target, now(), old),
            )
            touched[old] = cursor.rowcount
            # Spans that already existed under the new name: the rename merges them.
            self._refuse_merging_linked(old, target)
            self.db.execute("DELETE FROM spans WHERE label = ?", (old,))
        self._keep_scheme(scheme_text, scheme_source, new)
        log(
            self.db,
            actor,
            EventAction.SCHEME_UPDATE,
            before={"scheme": self.scheme.qualified_name},
            after={"scheme": new.qualified_name, "renames": renames},
        )
        self._scheme, self._text = new, scheme_text
        return touched

    def relation_conflicts(self, new: Scheme, renames: dict[str, str]) -> list[str]:
        """Relations in use that `new` drops or that no longer fit their spans' labels
        (after `renames`), one line each; empty when the scheme fits them all."""
        found = self.db.execute(
            "SELECT r.label, h.label, c.label, count(*) FROM relations r "
            "JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.child "
            "GROUP BY r.label, h.label, c.label ORDER BY r.label, h.label, c.label"
        ).fetchall()
        lines = []
        for name, head, child, count in found:
            head, child = renames.get(head, head), renames.get(child, child)
            if name not in new.relation_names:
                lines.append(f"relation {name!r} ({count} in use) is not in the new scheme")
                continue
            problem = new.relation(name).misfit(head, child)
            if problem is not None:
                lines.append(f"{count} {name} relations from {head} to {child}: {problem}")
        return lines

    def _refuse_merging_linked(self, old: str, target: str) -> None:
        """A rename that merges two spans would lose the relations of the one that goes."""
        linked = self.db.one(
            "SELECT count(*) FROM relations WHERE head IN (SELECT id FROM spans WHERE label = ?)"
            " OR child IN (SELECT id FROM spans WHERE label = ?)",
            (old, old),
        )
        if linked:
            raise SchemeConflictError(
                f"{self.db.path}: renaming {old} to {target} merges spans that are already "
                f"{target} in their layer, and {linked} relations hang on the {old} ones; "
                "delete those relations (or spans) first"
            )

    def check_scheme(self, scheme_text: str, scheme_source: str) -> list[str]:
        new = parse_scheme(scheme_text, scheme_source, kept_keys=kept_motion_keys(self.scheme))
        return [label for label in self.label_usage() if label not in new.label_names]

    def _conflict_message(self, lost: list[str], usage: dict[str, int], limit: int = 20) -> str:
        path: Path = self.db.path
        lines = [
            f"{path}: the new scheme drops labels still in use: "
            + ", ".join(f"{label} ({usage[label]} spans)" for label in lost),
            "affected spans (document, layer, start-end, label):",
        ]
        marks = ",".join("?" for _ in lost)
        rows = self.db.execute(
            f'SELECT d.id, s.layer, s.start, s."end", s.label FROM spans s '
            f"JOIN documents d ON d.seq = s.doc WHERE s.label IN ({marks}) "
            f"ORDER BY s.doc, s.layer, s.start LIMIT ?",
            (*lost, limit),
        ).fetchall()
        lines += [
            f"  {doc} {layer} {start}-{end} {label}" for doc, layer, start, end, label in rows
        ]
        total = sum(usage[label] for label in lost)
        if total > limit:
            lines.append(f"  ... and {total - limit} more")
        lines.append("rename them with `annotator schema migrate NEW.toml --rename OLD=NEW`")
        return "\n".join(lines)

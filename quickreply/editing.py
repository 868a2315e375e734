"""Editing phrasebooks: drafts a team lead changes, validation per field, undo, and saving
through store.py. No UI here; the editor screen is a thin layer over EditSession.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema, store
from .books import read_book
from .merge import Choice, Merge, Resolution, three_way
from .model import Book, Phrase, Severity, Shop, Stage
from .rules import Rule, check_cutoffs, check_phrase, shop_cutoffs
from .sanitize import clean_line, clean_text


@dataclass
class PhraseDraft:
    id: str = ""
    title: str = ""
    text: str = ""
    """The reply; a sequence's parts separated by lines holding only ``---`` (as the form
    shows them: :func:`schema.parts_text`)."""
    stage: Stage | None = None
    """None: the book's stage."""
    keys: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    note: str = ""
    expires: dt.date | None = None
    starts: dt.date | None = None
    """First day shown (presale replies); None: from the start."""
    loaded_id: str | None = field(default=None, compare=False)
    """The id in the file, so a renamed reply keeps its comments and unknown fields."""

    @classmethod
    def from_phrase(cls, phrase: Phrase, book_stage: Stage) -> PhraseDraft:
        return cls(
            phrase.id,
            phrase.title,
            schema.parts_text(phrase.parts) if phrase.parts else phrase.text,
            None if phrase.stage is book_stage else phrase.stage,
            list(phrase.keys),
            list(phrase.tags),
            list(phrase.variants),
            phrase.note,
            phrase.expires,
            phrase.starts,
            loaded_id=phrase.id,
        )

    def to_table(self) -> dict[str, Any]:
        """The draft as a phrase table, for the schema's checks."""
        pieces = schema.split_parts(self.text)
        table: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            **({"parts": pieces} if len(pieces) > 1 else {"text": self.text}),
            "keys": list(self.keys),
            "tags": list(self.tags),
            "variants": list(self.variants),
            "note": self.note,
        }
        if self.stage is not None:
            table["stage"] = self.stage.value
        if self.starts is not None:
            table["starts"] = self.starts
        if self.expires is not None:
            table["expires"] = self.expires
        return table

    def to_phrase(self, book: BookDraft) -> Phrase:
        pieces = schema.split_parts(clean_text(self.text).text)
        parts = tuple(pieces) if len(pieces) > 1 else ()
        return Phrase(
            id=self.id,
            title=clean_line(self.title).text,
            text=schema.join_parts(parts) if parts else pieces[0],
            parts=parts,
            stage=self.stage or book.stage,
            book=book.name,
            keys=tuple(key.lower() for key in self.keys),
            tags=tuple(self.tags),
            variants=tuple(clean_text(v).text for v in self.variants if v.strip()),
            note=clean_text(self.note).text,
            expires=self.expires,
            starts=self.starts,
            source=book.path,
        )


@dataclass
class BookDraft:
    path: Path
    name: str
    stage: Stage
    description: str = ""
    phrases: list[PhraseDraft] = field(default_factory=list)
    sha256: str | None = None
    """Digest of the file as last read or written; None for a book not yet on disk."""
    has_comments: bool = False
    dirty: bool = False
    base: list[PhraseDraft] | None = None
    """The replies as last read or saved: the common ancestor when merging a colleague's save."""
    base_sha256: str | None = None
    """The digest ``base`` belongs to; a base for another digest is no base at all."""

    @classmethod
    def from_book(cls, book: Book) -> BookDraft:
        drafts = [PhraseDraft.from_phrase(phrase, book.stage) for phrase in book.phrases]
        loaded = cls(
            book.path, book.name, book.stage, book.description, drafts, book.sha256, book.has_comments
        )
        loaded.base, loaded.base_sha256 = copy.deepcopy(drafts), book.sha256
        return loaded

    def to_book(self) -> Book:
        return Book(
            self.name,
            self.stage,
            self.path,
            self.description,
            tuple(draft.to_phrase(self) for draft in self.phrases),
        )


class InvalidPhrasesError(ValueError):
    """Saving was refused: some phrases in the book have errors."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__("有错误的回复不能保存：" + "、".join(ids or ["（无 id）"]))


Findings = dict[str, list[tuple[Severity, str]]]
"""Per field name: (severity, message)."""


@dataclass
class Owners:
    """Drafts by id and by lower-cased shortcut code (see :meth:`EditSession.owners`)."""

    ids: dict[str, list[PhraseDraft]] = field(default_factory=dict)
    keys: dict[str, list[PhraseDraft]] = field(default_factory=dict)


class EditSession:
    """Every book of a library as editable drafts, with undo for structural changes."""

    def __init__(self, books: list[Book], shops: list[Shop], rules: list[Rule]) -> None:
        self.books = [BookDraft.from_book(book) for book in books]
        self.shops = shops
        self.rules = rules
        self._undo: list[tuple[str, list[BookDraft]]] = []

    # --- state -----------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return any(book.dirty for book in self.books)

    def _remember(self, what: str) -> None:
        self._undo.append((what, copy.deepcopy(self.books)))
        del self._undo[:-50]

    def undo(self) -> str | None:
        """Take back the last structural change; returns what it was, or None."""
        if not self._undo:
            return None
        what, books = self._undo.pop()
        self.books = books
        return what

    # --- validation ------------------------------------------------------------------------------

    def validate(self, book: BookDraft, draft: PhraseDraft) -> Findings:
        """Everything to show beside the fields: input errors, then content-rule findings."""
        findings = self.input_errors(draft)
        if not findings.get("id"):
            by_id = {rule.id: rule for rule in self.rules}
            phrase = draft.to_phrase(book)
            for finding in check_phrase(phrase, self.rules):
                rule = by_id.get(finding.code)
                on_title = rule is not None and any(True for _ in rule.matches(draft.title))
                findings.setdefault("title" if on_title else "text", []).append(
                    (finding.severity, f"[{finding.code}] {finding.message}")
                )
            # 16点前付款当天发 in a reply for a 14:00 shop: said while it is being written.
            for finding in check_cutoffs([phrase], shop_cutoffs(self.shops)):
                shown = (finding.severity, f"[{finding.code}] {finding.message}")
                findings.setdefault("text", []).append(shown)
        return findings

    def owners(self) -> Owners:
        """Who holds each id and shortcut code, across every book: built once for a whole save
        (checking each reply against all others made saving a 10k-reply book take minutes)."""
        owners = Owners()
        for other in self.all_drafts():
            owners.ids.setdefault(other.id, []).append(other)
            for key in other.keys:
                owners.keys.setdefault(key.lower(), []).append(other)
        return owners

    def input_errors(self, draft: PhraseDraft, owners: Owners | None = None) -> Findings:
        """What makes a phrase unsaveable (and its warnings): bad or taken id, empty title or
        text, malformed placeholders, shortcut codes that are invalid or taken.
        Content-rule findings are shown but do not block saving; `check` reports them.
        ``owners``: :meth:`owners`, when many drafts are checked at once."""
        owners = owners or self.owners()
        findings: Findings = {}

        def add(name: str, message: str, severity: Severity = Severity.ERROR) -> None:
            findings.setdefault(name, []).append((severity, message))

        # The book's stage is always valid in the editor; any stage stands in for it here.
        _fields, found = schema.check_phrase(draft.to_table(), book_stage=Stage.PRE_SALE)
        for finding in found:
            # The form has one box for the reply, whether it is one text or parts.
            field = "text" if finding.field == "parts" else finding.field
            add(field or "id", finding.message, finding.severity)
        if schema.PHRASE_ID.match(draft.id):
            same_id = (other for other in owners.ids.get(draft.id, ()) if other is not draft)
            if (owner := next(same_id, None)) is not None:
                add("id", schema.id_taken(draft.id, self._where(owner)))
        for key in draft.keys:
            holders = [other for other in owners.keys.get(key.lower(), ()) if other is not draft]
            if schema.SHORTCUT_CODE.match(key) and holders:
                add("keys", schema.key_taken(key, holders[-1].id))
        return findings

    def _where(self, draft: PhraseDraft) -> str:
        book = next(book for book in self.books if any(d is draft for d in book.phrases))
        return f"{book.name} · {draft.title}"

    def all_drafts(self) -> list[PhraseDraft]:
        return [draft for book in self.books for draft in book.phrases]

    def errors_in(self, book: BookDraft) -> list[str]:
        """Ids of the phrases in ``book`` that may not be saved."""
        owners = self.owners()
        return [
            draft.id
            for draft in book.phrases
            if any(
                severity is Severity.ERROR
                for found in self.input_errors(draft, owners).values()
                for severity, _ in found
            )
        ]

    # --- changes ---------------------------------------------------------------------------------

    def update(self, book: BookDraft, index: int, draft: PhraseDraft) -> None:
        book.phrases[index] = draft
        book.dirty = True

    def add(self, book: BookDraft, after: int | None = None) -> int:
        self._remember("新建回复")
        draft = PhraseDraft(id=self._free_id("new-reply"), title="新回复", text="亲，")
        position = len(book.phrases) if after is None else after + 1
        book.phrases.insert(position, draft)
        book.dirty = True
        return position

    def duplicate(self, book: BookDraft, index: int) -> int:
        self._remember("复制回复")
        draft = copy.deepcopy(book.phrases[index])
        draft.id = self._free_id(draft.id)
        draft.keys = []  # codes must stay unique
        book.phrases.insert(index + 1, draft)
        book.dirty = True
        return index + 1

    def delete(self, book: BookDraft, index: int) -> PhraseDraft:
        self._remember(f"删除 {book.phrases[index].id}")
        book.dirty = True
        return book.phrases.pop(index)

    def move(self, book: BookDraft, index: int, target: BookDraft) -> int:
        self._remember(f"移动 {book.phrases[index].id}")
        draft = book.phrases.pop(index)
        target.phrases.append(draft)
        book.dirty = target.dirty = True
        return len(target.phrases) - 1

    def reorder(self, book: BookDraft, index: int, step: int) -> int:
        target = index + step
        if not 0 <= target < len(book.phrases):
            return index
        self._remember("调整顺序")
        book.phrases[index], book.phrases[target] = book.phrases[target], book.phrases[index]
        book.dirty = True
        return target

    def new_book(self, directory: Path, name: str, stage: Stage) -> BookDraft:
        self._remember(f"新建短语书 {name}")
        stem = re.sub(r"[^\w\-]+", "-", name).strip("-") or "book"
        path = directory / f"{stem}.toml"
        number = 2
        while path.exists() or any(book.path == path for book in self.books):
            path = directory / f"{stem}-{number}.toml"
            number += 1
        book = BookDraft(path, name, stage, dirty=True)
        self.books.append(book)
        return book

    def _free_id(self, base: str) -> str:
        taken = {draft.id for draft in self.all_drafts()}
        stem = re.sub(r"-\d+$", "", base) or "reply"
        number = 2
        candidate = base if base not in taken else f"{stem}-{number}"
        while candidate in taken:
            number += 1
            candidate = f"{stem}-{number}"
        return candidate

    # --- saving ----------------------------------------------------------------------------------

    def save(self, book: BookDraft, *, path: Path | None = None) -> store.Saved:
        """Write one book (only if it changed). Refuses phrases with errors; raises
        store.ConflictError if the file changed on disk since it was read."""
        invalid = self.errors_in(book)
        if invalid:
            raise InvalidPhrasesError(invalid)
        target = path or book.path
        expected = book.sha256 if path is None else store.file_digest(target)
        if path is not None and expected is not None:
            raise store.ConflictError(target)  # never overwrite another file when saving as
        renamed = {
            draft.id: draft.loaded_id
            for draft in book.phrases
            if draft.loaded_id is not None and draft.loaded_id != draft.id
        }
        saved = store.save_book(book.to_book(), expected_sha256=expected, path=target, renamed=renamed)
        book.path, book.sha256, book.dirty, book.has_comments = target, saved.sha256, False, False
        for draft in book.phrases:
            draft.loaded_id = draft.id
        return saved

    def reload(self, book: BookDraft) -> BookDraft:
        """Throw away this book's edits and read it again from disk."""
        loaded, _ = read_book(book.path)
        if loaded is None:
            raise ValueError(f"{book.path} 无法读取")
        fresh = BookDraft.from_book(loaded)
        self.books[self.books.index(book)] = fresh
        return fresh

    # --- merging a colleague's save --------------------------------------------------------------

    def base_of(self, book: BookDraft) -> list[PhraseDraft] | None:
        """The replies as they were when this book was read or last saved, or None if unknown."""
        if book.sha256 is None:
            return []  # not on disk when opened: nothing was there
        if book.base is not None and book.base_sha256 == book.sha256:
            return book.base
        return None

    def mark_saved(self, book: BookDraft) -> None:
        """After a save: what was written is the base of the next merge."""
        book.base, book.base_sha256 = copy.deepcopy(book.phrases), book.sha256

    def merge_with_disk(self, book: BookDraft) -> DiskMerge:
        """Compare the draft, reply by reply, with the file as it is on disk now.
        Raises BookGoneError or UnreadableBookError when there is nothing sound to merge with."""
        if not book.path.exists():
            raise BookGoneError(book.path)
        loaded, problems = read_book(book.path)
        if loaded is None:
            # Replies the loader skips inside a readable book are fine: the writer keeps their
            # tables as they are. A book that does not load at all cannot be merged with.
            errors = [problem for problem in problems if problem.severity is Severity.ERROR]
            first = errors[0] if errors else None
            reason = f"第 {first.line} 行：{first.message}" if first else "无法读取"
            raise UnreadableBookError(book.path, reason)
        seen: set[str] = set()
        for phrase in loaded.phrases:
            if phrase.id in seen:
                raise UnreadableBookError(book.path, f"第 {phrase.line} 行：id {phrase.id} 重复出现")
            seen.add(phrase.id)
        theirs = [PhraseDraft.from_phrase(phrase, loaded.stage) for phrase in loaded.phrases]
        return DiskMerge(loaded, theirs, three_way(self.base_of(book), book.phrases, theirs))

    def apply_merge(
        self, book: BookDraft, disk: DiskMerge, choices: dict[str, Choice]
    ) -> Resolution[PhraseDraft]:
        """Put the merged replies in the draft and take the disk version as the new base, so
        the next save goes against the file as it is now (and can be undone before saving)."""
        others = [draft for other in self.books if other is not book for draft in other.phrases]
        resolution = disk.merge.resolve(
            choices,
            taken_ids=[draft.id for draft in others],
            taken_keys=[key for draft in others for key in draft.keys],
        )
        self._remember("合并同事的修改")
        book.phrases = resolution.replies
        book.name, book.stage, book.description = disk.book.name, disk.book.stage, disk.book.description
        book.sha256 = book.base_sha256 = disk.book.sha256
        book.base = copy.deepcopy(disk.theirs)
        book.has_comments = disk.book.has_comments
        book.dirty = True
        return resolution

    def recreate(self, book: BookDraft) -> None:
        """The file was deleted on disk: the next save writes the draft as a new file."""
        book.sha256, book.base, book.base_sha256 = None, None, None
        book.dirty = True


@dataclass
class DiskMerge:
    """The file as it is on disk now, and how the draft merges with it."""

    book: Book
    theirs: list[PhraseDraft]
    merge: Merge[PhraseDraft]


class UnreadableBookError(ValueError):
    """The file on disk cannot be read soundly now (broken TOML, bad replies): no merge."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path.name} 现在无法读取：{reason}")


class BookGoneError(FileNotFoundError):
    """The file was deleted on disk since it was read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path.name} 已在磁盘上被删除")

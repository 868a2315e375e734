"""Write a phrasebook as TOML text, keeping what we did not change — and what we cannot read.

A book is edited in place (tomlkit): a field whose value did not change keeps its bytes;
comments, unknown fields and ``[[phrase]]`` tables the loader could not read (a wrong type, a
missing title …) stay where they were. Only replies that were read and then deleted leave the
file. A file written for the first time gets the same layout: ``[book]`` first, one
``[[phrase]]`` table per reply in :data:`schema.PHRASE_FIELDS` order, short lists on one line,
multi-line text as ``\"\"\"`` blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Array, Comment, Item, Table, Whitespace

from . import schema
from .model import Book, Phrase, Stage


class UnwritableBookError(ValueError):
    """The file is laid out in a way we cannot edit without losing something; nothing written."""


def phrase_fields(phrase: Phrase, book_stage: Stage) -> schema.PhraseFields:
    """What a phrase says, as the writer stores it (a stage only where it differs from the book's)."""
    return schema.PhraseFields(
        id=phrase.id,
        title=phrase.title,
        text=phrase.text,
        stage=None if phrase.stage is book_stage else phrase.stage,
        keys=phrase.keys,
        tags=phrase.tags,
        variants=phrase.variants,
        note=phrase.note,
        expires=phrase.expires,
        parts=phrase.parts,
        starts=phrase.starts,
    )


def phrase_table(phrase: Phrase, book_stage: Stage) -> dict[str, Any]:
    """A phrase as a plain table (for bundles), in the fixed key order."""
    return schema.phrase_table(phrase_fields(phrase, book_stage))


def book_text(book: Book, original: str | None = None, *, renamed: Mapping[str, str] | None = None) -> str:
    """The TOML text of ``book``: ``original`` (the file as it is now) edited in place, or a new
    file when there is none. ``renamed`` maps new ids to the ids they had in ``original``.
    Raises UnwritableBookError when the original cannot be edited safely."""
    if original is None:
        document = tomlkit.document()
        document.add("book", _header_table(book))
        document.add(tomlkit.nl())
        tables = tomlkit.aot()
        for phrase in book.phrases:
            tables.append(_new_table(phrase_fields(phrase, book.stage)))
        if book.phrases:
            document.add("phrase", tables)
        return tomlkit.dumps(document)
    try:
        document = tomlkit.parse(original)
    except (tomlkit.exceptions.TOMLKitError, RecursionError) as error:
        raise UnwritableBookError(f"文件无法解析，未保存：{error}") from None
    _update_header(document, book)
    _update_phrases(document, book, renamed or {})
    return tomlkit.dumps(document)


# --- header --------------------------------------------------------------------------------------


def _header_table(book: Book) -> Table:
    header = tomlkit.table()
    header.add("name", book.name)
    header.add("stage", book.stage.value)
    if book.description:
        header.add("description", book.description)
    return header


def _update_header(document: tomlkit.TOMLDocument, book: Book) -> None:
    header = document.get("book")
    if not isinstance(header, Table):
        raise UnwritableBookError("[book] 不是普通的表，未保存")
    old, _ = schema.check_book_header(header.unwrap(), fallback_name=book.name)
    if old is None or old.name != book.name:
        header["name"] = book.name
    if old is None or old.stage is not book.stage:
        header["stage"] = book.stage.value
    if old is None or old.description != book.description:
        if book.description:
            header["description"] = book.description
        elif "description" in header:
            del header["description"]


# --- phrases -------------------------------------------------------------------------------------


def _update_phrases(document: tomlkit.TOMLDocument, book: Book, renamed: Mapping[str, str]) -> None:
    existing = document.get("phrase")
    if existing is not None and not isinstance(existing, AoT):
        raise UnwritableBookError("phrase 不是 [[phrase]] 表数组的写法，无法保留原文，未保存")
    old_tables: list[Table] = list(existing) if existing is not None else []
    # A team's file written with no blank line between replies stays that way: re-spacing it
    # would turn a one-reply change into a diff of every reply.
    compact = len(old_tables) >= 2 and not any(_ends_blank(table) for table in old_tables[:-1])
    old_header, _ = schema.check_book_header(_plain(document.get("book")), fallback_name=book.name)
    old_stage = old_header.stage if old_header else book.stage

    # Which old tables were read as replies (by id, in order) and which could not be read.
    readable: dict[str, list[tuple[Table, schema.PhraseFields]]] = {}
    order: list[tuple[Table, schema.PhraseFields | None]] = []
    for table in old_tables:
        fields, _ = schema.check_phrase(table.unwrap(), book_stage=old_stage)
        order.append((table, fields))
        if fields is not None:
            readable.setdefault(fields.id, []).append((table, fields))

    wanted_ids = {renamed.get(phrase.id, phrase.id) for phrase in book.phrases}
    # An unreadable table stays after the nearest readable reply before it that is still kept.
    after: dict[str | None, list[Table]] = {}
    anchor: str | None = None
    for table, fields in order:
        if fields is None:
            after.setdefault(anchor, []).append(table)
        elif fields.id in wanted_ids:
            anchor = fields.id

    # A deleted reply takes its own fields along, not the comments below it (they usually
    # introduce the next reply): those move to the nearest kept table above, or the header.
    kept_above: Table | None = None
    for table, fields in order:
        if fields is not None and fields.id not in wanted_ids:
            for comment in _trailing_comments(table):
                target = kept_above if kept_above is not None else document.get("book")
                if isinstance(target, Table):
                    target.value.body.append((None, comment))
        else:
            kept_above = table

    result = tomlkit.aot()
    for table in after.get(None, []):
        result.append(table)
    for phrase in book.phrases:
        old_id = renamed.get(phrase.id, phrase.id)
        candidates = readable.get(old_id, [])
        wanted = phrase_fields(phrase, book.stage)
        if candidates:
            table, old_fields = candidates.pop(0)
            _update_table(table, old_fields, wanted, book.stage)
        else:
            table = _new_table(wanted)
        result.append(table)
        for kept in after.pop(old_id, []):
            result.append(kept)
    _space_evenly(result, blank=not compact)
    if existing is not None:
        # Replaced as a whole: tomlkit keeps each table's own comments and layout.
        existing.clear()
        for table in result:
            existing.append(table)
    elif len(result):
        document.add(tomlkit.nl())
        document.add("phrase", result)


def _trailing_comments(table: Table) -> list[Comment]:
    """The comment lines after a table's last field."""
    comments: list[Comment] = []
    for key, item in reversed(table.value.body):
        if key is not None:
            break
        if isinstance(item, Comment):
            comments.insert(0, item)
    return comments


def _ends_blank(table: Table) -> bool:
    body = table.value.body
    return bool(body) and body[-1][0] is None and isinstance(body[-1][1], Whitespace)


def _space_evenly(tables: AoT, *, blank: bool = True) -> None:
    """One blank line between replies (none when ``blank`` is False), whatever order they came
    in: a table read from a file carries the blank line after it, one made here carries it
    before. Comments stay put."""
    previous: Table | None = None
    for table in tables:
        body = table.value.body
        while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
            body.pop()
        # A comment right above a header belongs to that reply: no blank line between them.
        introduced = previous is not None and bool(_trailing_comments(previous))
        table.trivia.indent = "\n" if blank and previous is not None and not introduced else ""
        previous = table


def _update_table(
    table: Table, old: schema.PhraseFields, new: schema.PhraseFields, book_stage: Stage
) -> None:
    """Set only the fields whose meaning changed; the others keep their bytes."""
    wanted = schema.phrase_table(new)
    for name in schema.PHRASE_FIELDS:
        if name == "stage":
            same = (old.stage or book_stage) is (new.stage or book_stage)
        elif name == "text":
            # A text split into parts (or parts joined back) is the same words, another field.
            same = old.text == new.text and bool(old.parts) == bool(new.parts)
        else:
            same = getattr(old, name) == getattr(new, name)
        if same:
            continue
        if name in wanted:
            _set_in_order(table, name, _item(wanted[name], multiline=name == "parts"))
        elif name in table:
            del table[name]


def _set_in_order(table: Table, name: str, item: Item) -> None:
    """Replace a field where it is, or add it after the known field that comes before it (an
    added ``keys`` goes below ``title``, not under the text)."""
    if name in table:
        table[name] = item
        return
    order = schema.PHRASE_FIELDS
    before = [field for field in order[: order.index(name)] if field in table]
    if before:
        table.value._insert_after(before[-1], name, item)  # tomlkit has no public insert-after
    else:
        table[name] = item


def _new_table(fields: schema.PhraseFields) -> Table:
    table = tomlkit.table()
    for name, value in schema.phrase_table(fields).items():
        table.add(name, _item(value, multiline=name == "parts"))
    return table


def _item(value: Any, *, multiline: bool = False) -> Item:
    """Short lists on one line; text with line breaks as a \"\"\" block (so are lists holding such).
    ``multiline``: one item per line whatever their length (the parts of a sequence read best
    one message under the other)."""
    if isinstance(value, str):
        return tomlkit.string(value, multiline="\n" in value)
    if isinstance(value, list):
        array: Array = tomlkit.array()
        array.extend([_item(item) for item in value])
        if multiline or any("\n" in item for item in value):
            array.multiline(True)
        return array
    return tomlkit.item(value)


def _plain(item: Any) -> Any:
    return item.unwrap() if isinstance(item, Item | tomlkit.TOMLDocument) else item

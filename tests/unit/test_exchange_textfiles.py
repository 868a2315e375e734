"""Sheets as sellers' tools save them: encodings, delimiters, header names, formula cells,
group names that say their stage, and file names made from group names."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quickreply.exchange.importing import _KNOWN_HEADERS, file_stem, stage_for_group
from quickreply.exchange.textfiles import (
    UndecodableError,
    decode,
    neutralise,
    normalise_header,
    restore,
    sniff_delimiter,
)
from quickreply.model import Stage

SAMPLE = "分组名称,快捷短语内容,快捷编码\n售后,亲，请拍照给我们~,sh\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gbk"), "gb18030"),  # Excel/WPS "CSV" on Chinese Windows
        (SAMPLE.encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le"),  # Excel "Unicode text"
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        ("id,text\nabc,def\n".encode("utf-16-le"), "utf-16-le"),  # no BOM: the NULs tell
    ],
)
def test_decode_guesses_what_sellers_tools_write(data: bytes, encoding: str) -> None:
    text, found = decode(data)
    assert found == encoding
    assert text in (SAMPLE, "id,text\nabc,def\n")


def test_decode_names_what_it_tried_when_nothing_fits() -> None:
    with pytest.raises(UndecodableError, match="GB18030"):
        decode(bytes(range(128, 256)) * 4)


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("分组名称,快捷短语内容,快捷编码", ","),
        ("分组名称\t快捷短语内容\t快捷编码", "\t"),
        ("分组;快捷短语;编码", ";"),
        ("快捷短语", ","),  # one column: nothing to split
        ("短语内容\t备注, 可选", "\t"),  # a comma inside a header does not fool it
    ],
)
def test_sniff_delimiter_picks_the_one_that_finds_known_headers(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header, _KNOWN_HEADERS) == delimiter


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        (" 快捷短语内容 ", "快捷短语内容"),
        ("Content", "content"),
        ("编码（选填）", "编码"),
        ("*分组名称", "分组名称"),
    ],
)
def test_normalise_header(cell: str, name: str) -> None:
    assert normalise_header(cell) == name


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-5元", "'-5元"),
        ("@所有人", "'@所有人"),
        ("\t缩进", "'\t缩进"),
        ("'=已带撇号", "''=已带撇号"),
        ("'撇号", "''撇号"),
        ("亲=1", "亲=1"),
        ("", ""),
    ],
)
def test_neutralise_is_owasp_and_reversible(cell: str, written: str) -> None:
    assert neutralise(cell) == written
    assert restore(written) == cell


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
    assert not neutralise(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("group", "stage"),
    [
        ("售后", Stage.AFTER_SALE),
        ("售前接待", Stage.PRE_SALE),
        ("售中跟进", Stage.IN_SALE),
        ("物流查询", Stage.IN_SALE),
        ("催付话术", Stage.IN_SALE),
        ("退换货", Stage.AFTER_SALE),
        ("物流破损", Stage.AFTER_SALE),  # 破损 is after-sale even when 物流 is in the name
        ("产品咨询", Stage.PRE_SALE),
        ("常用", None),
        ("", None),
    ],
)
def test_stage_for_group(group: str, stage: Stage | None) -> None:
    assert stage_for_group(group) is stage


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("售后", "售后"),
        ("a/../../etc", "a-etc"),
        ("长" * 300, "长" * 40),
        ("shops", "book-shops"),
        ("CON", "book-CON"),
        ("...", "imported"),
        ("満100 减20[/活动]", "満100-减20-活动"),
    ],
)
def test_file_stem_is_safe_and_bounded(name: str, stem: str) -> None:
    assert file_stem(name) == stem

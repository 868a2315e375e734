"""Reading text sheets as sellers' tools save them: the encoding guessed from the bytes, the
delimiter sniffed from the header, and the apostrophe that keeps a cell from being a formula.

Excel and WPS on Chinese Windows save "CSV" in GBK (a subset of GB18030), "CSV UTF-8" with a
BOM, and "Unicode text" as tab-separated UTF-16LE with a BOM. None of these says what it is,
so the bytes decide.
"""

from __future__ import annotations

import codecs

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（带 BOM）",
    "gb18030": "GB18030/GBK",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
}


class UndecodableError(ValueError):
    """None of the encodings sellers' tools use fits these bytes."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for the bytes of a sheet. A BOM decides; otherwise UTF-16 without BOM
    (NUL bytes in every other place), then UTF-8, then GB18030 (which covers GBK)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError:
                raise UndecodableError(
                    f"文件以 {ENCODING_NAMES[encoding]} 的 BOM 开头，内容却不是该编码"
                ) from None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    # Text has no NULs, except UTF-16 without BOM: there ASCII's high byte is NUL, after the
    # character (LE) or before it (BE); delimiters and line ends alone are one in ten, and a
    # line end is a NUL pair. Checked before UTF-8, which those bytes also are; a stray NUL is
    # left to the caller to refuse.
    encoding = "utf-16-le" if odd else "utf-16-be"
    line_end = b"\n\x00" if odd else b"\x00\n"
    if (
        len(data) % 2 == 0
        and min(odd, even) == 0
        and max(odd, even) * 10 >= len(data) // 2
        and any(data[i : i + 2] == line_end for i in range(0, len(data) - 1, 2))
    ):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UndecodableError(
            f"第 {line} 行无法识别文件编码（试过 UTF-8、UTF-16、GB18030/GBK）；"
            "请在 Excel/WPS 里另存为“CSV UTF-8”再导入"
        ) from None


def sniff_delimiter(first_line: str, known_headers: frozenset[str]) -> str:
    """The delimiter that splits the header into the most known column names; ties go to the
    one that occurs most (a one-column sheet has none: comma)."""
    candidates = [",", "\t", ";", "，"]

    def score(delimiter: str) -> tuple[int, int]:
        cells = [normalise_header(cell) for cell in first_line.split(delimiter)]
        return sum(cell in known_headers for cell in cells), first_line.count(delimiter)

    best = max(candidates, key=score)
    return best if score(best) != (0, 0) else ","


def normalise_header(cell: str) -> str:
    """``" 快捷短语内容 "`` / ``"Content"`` / ``"编码(选填)"`` → the name looked up in the aliases."""
    text = cell.strip().strip('"').strip().lower().replace("\ufeff", "")
    for mark in ("（", "("):
        if mark in text:
            text = text.split(mark, 1)[0].strip()
    return text.replace(" ", "").replace("*", "")


# --- formulas in CSV ---------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to Excel/WPS (OWASP CSV injection)."""


def neutralise(cell: str) -> str:
    """OWASP's defence, made reversible: a cell that starts like a formula, or with the
    apostrophe itself, gets one more ``'`` in front. :func:`restore` takes exactly one off."""
    return "'" + cell if cell.startswith((*FORMULA_STARTS, "'")) else cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise`: one ``'`` comes off only where neutralise put one (before a
    formula start or another ``'``). A seller's own ``'单引号开头`` is text and stays as it is."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")) else cell

"""Policy documents: reading them whatever their encoding, their title, reference number and date.

>>> doc = Document.from_text("常发〔2020〕18号\\n关于印发《示例计划》的通知\\n正文。\\n二〇二〇年八月二十四日", "a.txt")
>>> doc.reference, doc.title, doc.as_of
('常发〔2020〕18号', '关于印发《示例计划》的通知', '2020-08-24')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem
from ingest.inputs import input_file_problem
from ingest.extract.normalize import CN_DIGITS

__all__ = ["Document", "read_document", "document_date", "MAX_DOCUMENT_BYTES"]

#: the largest text file ``extract`` reads (a policy document is rarely above 1 MB; a larger file is most
#: likely not one, and its text would only be read in pieces at great length)
MAX_DOCUMENT_BYTES = 16 << 20

_REFERENCE = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号")
_DATE = re.compile(r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                   r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")


def _number(text: str, *, year: bool = False) -> int:
    """A date part in digits or Chinese numerals: a year digit by digit (二〇二〇), a month or day as 十二 or 二十四.

    Raises ``KeyError`` for numerals it cannot read. (Not :func:`ingest.extract.rules.chinese_number`:
    that reads no year such as 二〇二〇, and reads 一二 as 2.)
    """
    if text.isdigit():
        return int(text)
    if year:
        return int("".join(str(CN_DIGITS[c]) for c in text))
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS[text[1]]
    if text.endswith("十"):
        return CN_DIGITS[text[0]] * 10
    if "十" in text:
        return CN_DIGITS[text[0]] * 10 + CN_DIGITS[text[-1]]
    return CN_DIGITS[text]


def document_date(text: str) -> str | None:
    """The latest full date written in ``text`` (年月日, Arabic or Chinese numerals), as YYYY-MM-DD.

    Official documents end with their date of issue; replies and notices quote
    earlier dates in their body, so the latest one is the document's.

    >>> document_date("2020年8月，……\\n2021年5月20日"), document_date("无日期")
    ('2021-05-20', None)
    """
    import datetime

    found = []
    for match in _DATE.finditer(text):
        try:
            found.append(datetime.date(_number(match["y"], year=True), _number(match["m"]), _number(match["d"])))
        except (ValueError, KeyError):
            continue
    return max(found).isoformat() if found else None


@dataclass(frozen=True)
class Document:
    """A policy text: its file name (the ``source`` of its facts), the decoded text, title, reference, date."""

    name: str
    text: str
    path: str | None = None
    title: str | None = None
    reference: str | None = None
    as_of: str | None = None
    region: str | None = None  # the region code the document is about (given, or detected from the text)

    @classmethod
    def from_text(cls, text: str, name: str, path: str | None = None) -> Document:
        head = [line.strip().lstrip("#").strip() for line in text.splitlines()[:40] if line.strip()]
        head = [line for line in head if not set(line) <= set("-—*_ ")]
        reference = next((m.group(0) for line in head for m in [_REFERENCE.search(line)] if m), None)
        title = next((line for line in head[:12] if line.startswith("关于") or "《" in line and "》" in line
                      and len(line) <= 80 and "。" not in line), None)
        if title is None:
            title = next((line for line in head if line != reference and len(line) <= 80), None)
        return cls(name, text, path, title, reference, document_date(text))


def read_document(path: str | Path) -> Document:
    """Read a text file (UTF-8, UTF-8 with BOM, GBK or GB18030; line ends kept as they are).

    ``-`` reads standard input. Offsets of extracted facts count characters of
    the decoded text (a BOM is not counted).
    """
    import sys

    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)  # standard input may never end (a pipe from yes)
        name, shown = "stdin", "-"
        if len(data) > MAX_DOCUMENT_BYTES:
            raise BadInputError([InputProblem(shown, None, None, f"more than {MAX_DOCUMENT_BYTES:,} bytes of text",
                                              "split the text into documents and extract each")])
    else:
        path = Path(path)
        shown, name = str(path), path.name
        problem = input_file_problem(path, max_bytes=MAX_DOCUMENT_BYTES, what="document")
        if problem is not None:  # a folder, /dev/zero, a FIFO, a file too large: refused before it is opened
            if problem.reason == "a folder, not a file":
                problem = InputProblem(shown, None, None, "a folder, not a text file",
                                       "name the .txt files (a shell glob works: folder/*.txt)")
            raise BadInputError([problem])
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)  # the file may grow while it is read
        except OSError as error:
            raise BadInputError([InputProblem(shown, None, None, f"cannot be read ({error.strerror or error})",
                                              "check the path and its permissions")]) from None
        if len(data) > MAX_DOCUMENT_BYTES:
            raise BadInputError([InputProblem(shown, None, None, f"more than {MAX_DOCUMENT_BYTES:,} bytes",
                                              "split the text into documents and extract each")])
    if b"\x00" in data:
        raise BadInputError([InputProblem(shown, None, None, "not a text file (binary or UTF-16)",
                                          "save the document as UTF-8 text (.txt)")])
    from ingest.readers import detect_encoding  # here: the readers module loads pandas

    try:
        text = data.decode(detect_encoding(data))  # "utf-8-sig" drops a BOM
    except UnicodeDecodeError:
        raise BadInputError([InputProblem(shown, None, None, "not UTF-8, GBK or GB18030 text",
                                          "save the document as UTF-8 text (.txt)")]) from None
    return Document.from_text(text, name, shown)


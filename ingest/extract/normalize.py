"""Clean OCR'd policy text for extraction, keeping a map back to the original characters.

Policy documents arrive as OCR output or Markdown exports: lines break inside
words and sentences (often with blank lines in between, where a page ended),
punctuation comes full-width or ASCII, headings carry ``#`` marks. The
extractor works on a cleaned text; every cleaned character remembers where it
came from, so each fact can point a reader at the original file.

What the cleaning does:

* joins a line to the next one when the line does not end a sentence and the
  next one does not start a heading or a list item (the OCR break is dropped,
  blank lines included; two ASCII words keep one space between them);
* keeps real paragraph ends as one ``\\n``; drops Markdown heading marks and
  rules, and page-number lines such as ``- 3 -``;
* maps punctuation one character to one character: ASCII ``, ; : ( ) ! ?`` to
  their full-width forms (not inside numbers such as ``1,000`` or ``10:30``), a
  full stop after a Chinese character to ``。``, ``､`` and ``﹑`` to ``、``,
  full-width letters and digits to ASCII; zero-width characters are dropped.

>>> raw = "依托常州\\n\\n柳工、恒立液压等重点企业,在智能\\n控制方面有突破."
>>> clean = normalize(raw)
>>> clean.text
'依托常州柳工、恒立液压等重点企业，在智能控制方面有突破。'
>>> start, end = clean.to_original(2, 6)
>>> raw[start:end]
'常州\\n\\n柳工'
>>> [clean.text[s:e] for s, e in clean.sentences]
['依托常州柳工、恒立液压等重点企业，在智能控制方面有突破。']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NormalizedText", "normalize", "clean_name", "is_cjk", "FINAL_PUNCT", "CN_DIGITS"]

#: characters that end a sentence
FINAL_PUNCT = "。！？"
#: the value of each Chinese digit
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
#: a line ending in one of these ends its paragraph (possibly before a closing quote or bracket)
_LINE_FINAL = "。！？；：!?;:"
_CLOSERS = "”’」』）)】》\"'"

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}
_SPACES = {"\u3000": " ", "\u00a0": " ", "\t": " "}
_SIMPLE = {"､": "、", "﹑": "、", "(": "（", ")": "）", "!": "！", "?": "？", ";": "；", "．": "."}

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?)\s*$")
_CN_NUM = "一二三四五六七八九十百零〇两"
#: the start of a heading or list item: 一、 （一） (1) 1、 1. ① 第一章 —— - •
_MARKER = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+、|[（(][{_CN_NUM}\d]{{1,3}}[）)]|\d{{1,2}}[、.．](?!\d)|[①-⑳]|第[{_CN_NUM}\d]+[章节条部分篇]"
    r"|——|—|[-*•·●○■□◆▲►]\s)"
)


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph.

    >>> is_cjk("链"), is_cjk("a"), is_cjk("、")
    (True, False, False)
    """
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class NormalizedText:
    """The cleaned text, where each of its characters came from, its headings and its sentences.

    ``origin[i]`` is the offset in the original text of cleaned character ``i``;
    ``headings`` and ``sentences`` are ``(start, end)`` spans of the cleaned text.
    """

    original: str
    text: str
    origin: tuple[int, ...]
    headings: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original ``(start, end)`` of the cleaned span ``text[start:end]``."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def line_col(self, original_offset: int) -> tuple[int, int]:
        """1-based line and column of an offset into the original text.

        >>> normalize("a\\nbc").line_col(3)
        (2, 2)
        """
        before = self.original[:original_offset]
        line = len(_LINE_BREAK.findall(before)) + 1
        last = max(before.rfind("\n"), before.rfind("\r"))
        return line, original_offset - last

    def sentence_of(self, position: int) -> tuple[int, int]:
        """The sentence span that holds cleaned position ``position``."""
        for start, end in self.sentences:
            if start <= position < end:
                return start, end
        return position, position


def _translate(text: str, i: int) -> str | None:
    """The cleaned form of ``text[i]`` ('' drops it), or None to keep it."""
    ch = text[i]
    if ch in _ZERO_WIDTH:
        return ""
    if ch in _SPACES:
        return _SPACES[ch]
    if "\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a":
        return chr(ord(ch) - 0xFEE0)
    if ch in _SIMPLE:
        return _SIMPLE[ch]
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch in ",:":
        if prev.isdigit() and nxt.isdigit():
            return None
        return "，" if ch == "," else "："
    if ch == "." and is_cjk(prev) and (not nxt or nxt.isspace() or is_cjk(nxt) or nxt in _CLOSERS):
        return "。"
    return None


@dataclass
class _Line:
    start: int  # offset of the first kept character in the original
    chars: list[tuple[str, int]]
    heading: bool
    hard_break: bool
    eol: int  # offset of the line break after the line (or len(text))


def _lines(text: str) -> list[_Line | None]:
    """Content lines (None for blank, rule and page-number lines)."""
    out: list[_Line | None] = []
    pos = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        raw = text[pos:end]
        line = _line(text, pos, raw, end)
        out.append(line)
        if match is None:
            break
        pos = match.end()
    return out


def _line(text: str, pos: int, raw: str, eol: int) -> _Line | None:
    if not raw.strip() or _RULE.match(raw) or _PAGE_NUMBER.match(raw):
        return None
    skip = 0
    heading = False
    md = _MD_HEADING.match(raw)
    if md:
        skip, heading = md.end(), True
    hard_break = raw.endswith("  ") or raw.endswith("\\")
    body = raw.rstrip()
    if body.endswith("\\"):
        body = body[:-1].rstrip()
    chars: list[tuple[str, int]] = []
    for i in range(skip, len(body)):
        mapped = _translate(text, pos + i)
        ch = body[i] if mapped is None else mapped
        for piece in ch:
            chars.append((piece, pos + i))
    while chars and chars[0][0].isspace():
        chars.pop(0)
    while chars and chars[-1][0].isspace():
        chars.pop()
    if not chars:
        return None
    content = "".join(c for c, _ in chars)
    if not heading:
        heading = _looks_like_heading(content)
    return _Line(chars[0][1], chars, heading, hard_break, eol)


def _looks_like_heading(content: str) -> bool:
    """A numbered line with no sentence punctuation, short enough to be a title."""
    if not _MARKER.match(content) or content.lstrip().startswith(("—", "-", "*", "•", "·")):
        return False
    return len(content) <= 40 and not any(p in content for p in "。！？；")


def _ends_paragraph(line: _Line) -> bool:
    content = "".join(c for c, _ in line.chars).rstrip(_CLOSERS)
    return not content or content[-1] in _LINE_FINAL


def _bracketed(line: _Line) -> bool:
    """A line that is one bracketed note, such as ``(2020—2022年)`` or ``(此页无正文)``."""
    return line.chars[0][0] in "（【[" and line.chars[-1][0] in "）】]"


#: how the title lines of an official document end (文件, 〔2020〕18号, …的通知, …的答复, 人民政府办公室 …)
_TITLE_END = re.compile(r"(?:文件|号|通知|意见|方案|答复|规划|计划|办法|要点|决定|报告|公告|通报|批复|情况|函|纪要|"
                        r"委员会|政府|办公室|办公厅|局|委|厅|部|摘要|细则|措施|指南|目录|清单)$")


def _title_line(line: _Line) -> bool:
    """A title line of the preamble: no punctuation, and ends like a document title or issuer."""
    content = "".join(c for c, _ in line.chars)
    plain = not any(not (c.isalnum() or c.isspace() or c in "〔〕《》“”") for c in content)
    return plain and bool(_TITLE_END.search(content))


def _starts_block(line: _Line) -> bool:
    return bool(_MARKER.match("".join(c for c, _ in line.chars[:12])))


def normalize(text: str) -> NormalizedText:
    """Clean ``text`` (see the module notes); offsets map back with :meth:`NormalizedText.to_original`."""
    out: list[str] = []
    origin: list[int] = []
    headings: list[tuple[int, int]] = []
    previous: _Line | None = None
    preamble = True  # before the first sentence: title lines stand alone
    for line in _lines(text):
        if line is None:
            continue
        if previous is not None:
            join = not (previous.heading or line.heading or previous.hard_break
                        or _ends_paragraph(previous) or _starts_block(line) or _bracketed(previous)
                        or (preamble and _title_line(previous)))
            if not join:
                out.append("\n")
                origin.append(previous.eol)
            elif previous.chars[-1][0].isascii() and previous.chars[-1][0].isalnum() \
                    and line.chars[0][0].isascii() and line.chars[0][0].isalnum():
                out.append(" ")
                origin.append(previous.eol)
        begin = len(out)
        for ch, at in line.chars:
            out.append(ch)
            origin.append(at)
        if line.heading:
            headings.append((begin, len(out)))
        if any(c in FINAL_PUNCT for c, _ in line.chars):
            preamble = False
        previous = line
    clean = "".join(out)
    origin.append(len(text))
    return NormalizedText(text, clean, tuple(origin), tuple(headings), tuple(_sentences(clean)))


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a sentence ends after 。！？ (and any closing quotes) or at a paragraph end."""
    spans = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            if i > start:
                spans.append((start, i))
            start = i + 1
        elif ch in FINAL_PUNCT:
            end = i + 1
            while end < n and text[end] in _CLOSERS:
                end += 1
            spans.append((start, end))
            start = end
            i = end - 1
        i += 1
    if start < n:
        spans.append((start, n))
    return [(s, e) for s, e in spans if text[s:e].strip()]


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+(?=[\x00-\x7f])|(?<=[\x00-\x7f])\s+(?=[^\x00-\x7f])")


def clean_name(text: str) -> str:
    """A name as the graph should hold it: cleaned punctuation, no spaces next to Chinese characters.

    >>> clean_name(" 汽车及核心零部件(含新能源 汽车) ")
    '汽车及核心零部件（含新能源汽车）'
    >>> clean_name("5G 基站建设"), clean_name("Smart  Grid")
    ('5G基站建设', 'Smart Grid')
    """
    chars = []
    for i in range(len(text)):
        mapped = _translate(text, i)
        chars.append(text[i] if mapped is None else mapped)
    name = "".join(chars)
    name = re.sub(r"\s+", " ", name).strip()
    return _CJK_GAP.sub("", name)

"""Split the lists of policy texts into items: 、 and commas, 以及, 等 + category, a final 和 / 及.

Policy texts name enterprises and technologies in lists: ``A、B、C等重点企业``,
``在A、B以及C等方面``, ``A、B和C``, ``A,B,C`` (ASCII commas after cleaning
become ``，``). The splitter works on the cleaned text between two cue words
and returns :class:`Item` spans with offsets into that text.

Rules:

* ``、`` ``，`` and ``以及`` separate items; nothing inside brackets, quotes,
  book-title marks, ``以…为代表的`` phrases or known names ever splits;
* ``等X`` closes the items before it, ``X`` being their category (等关键共性技术);
  a ``和`` / ``及`` / ``以及`` after the category starts a new item
  (车体、转向架等关键零部件制造及整车制造 → 车体, 转向架, 整车制造);
* a ``和`` or ``及`` that jieba cut as a word of its own splits the *last* item
  when both sides keep at least two characters (…、智能配用电设备和智能调度通信系统);
  earlier items keep theirs (汽车及核心零部件、…), and so do names that end
  in one (万帮德和);
* an item ``以A、B为代表的Y`` is ``Y`` with representative fields A and B.

>>> text = "车体、转向架等关键零部件制造及整车制造"
>>> [(i.name, i.category) for i in split_items(text, 0, len(text))]
[('车体', '关键零部件制造'), ('转向架', '关键零部件制造'), ('整车制造', None)]
>>> text = "以石墨烯和碳纤维材料为代表的新材料、新能源"
>>> [(i.name, i.fields) for i in split_items(text, 0, len(text))]
[('新材料', ('石墨烯', '碳纤维材料')), ('新能源', ())]
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ingest.extract.normalize import clean_name

__all__ = ["Item", "split_items", "protected_spans", "REPRESENTATIVE", "strip_lead"]

_OPEN = {"（": "）", "“": "”", "《": "》", "「": "」", "『": "』", "【": "】", "‘": "’", "〔": "〕", "[": "]"}
REPRESENTATIVE = re.compile(r"以(?P<fields>[^，。；：以]{1,80}?)为(?:代表|主导|重点|特色)的")
_SEPARATORS = ("以及", "、", "，")
_CONJ = ("和", "及")

#: words that lead into a list without being part of its first item (一是 … 全市确定 特钢材料、…)
LEAD_WORDS = sorted({
    "一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是", "其一", "其二", "即", "主要是",
    "全市", "全区", "全县", "全省", "我市", "我区", "我县", "本市", "市里", "确定", "明确", "培育", "发展", "打造",
    "建设", "形成", "壮大", "聚焦", "围绕", "包括", "重点", "加快", "做强", "做大", "做优", "推动", "推进", "布局",
    "建立", "构建", "提出", "实施", "支持", "大力", "着力", "积极", "全力", "主要", "继续", "进一步", "以", "有",
    "为", "和", "及", "是", "等", "了", "将", "要", "已", "其中", "力争", "加快发展", "重点发展", "优先发展", "集中",
    "瞄准", "立足", "突出", "依托", "围绕着", "培育壮大", "做大做强", "做强做优", "做优做强", "巩固", "提升",
}, key=len, reverse=True)


@dataclass(frozen=True)
class Item:
    """One list item: its span in the text, its cleaned name, category and representative fields."""

    start: int
    end: int
    name: str
    category: str | None = None
    fields: tuple[str, ...] = ()
    split_on_conj: bool = False
    notes: tuple[str, ...] = field(default=())


def protected_spans(text: str, start: int, end: int, extra: Collection[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` that never split: brackets and quotes, 以…为代表的, ``extra`` (known names)."""
    spans = [(s, e) for s, e in extra if start <= s and e <= end]
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        ch = text[i]
        if stack and ch == stack[-1][0]:
            _, opened = stack.pop()
            if not stack:
                spans.append((opened, i + 1))
        elif ch in _OPEN:
            stack.append((_OPEN[ch], i))
    for match in REPRESENTATIVE.finditer(text, start, end):
        spans.append((match.start(), match.end()))
    return sorted(spans)


def strip_lead(text: str, start: int, end: int) -> int:
    """The start of ``text[start:end]`` after words that lead into a list (一是, 全市, 确定, 培育, 以 …).

    >>> t = "一是全市确定特钢材料"
    >>> t[strip_lead(t, 0, len(t)):]
    '特钢材料'
    """
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in " ：:，、":
            start += 1
        for word in LEAD_WORDS:
            if text.startswith(word, start) and end - start - len(word) >= 2:
                start += len(word)
                changed = True
                break
    return start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "“‘「『"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "”’」』"):
        end -= 1
    return start, end


def split_items(text: str, start: int, end: int, *, protect: Collection[tuple[int, int]] = (),
                token_bounds: Collection[int] | None = None, split_last_conj: bool = True,
                lead: bool = False) -> list[Item]:
    """The items of the list ``text[start:end]`` (see the module notes).

    ``protect`` adds spans that never split (known names); ``token_bounds`` are
    the offsets where tokens start or end (a 和 / 及 splits only as a token of
    its own; ``None`` accepts every position); ``lead`` strips words such as
    一是 / 确定 / 培育 from the first item.
    """
    spans = protected_spans(text, start, end, protect)

    blocked = bytearray(end - start + 1)
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            blocked[i - start] = 1

    def free(i: int) -> bool:
        return not (start <= i <= end and blocked[i - start])

    def standalone(i: int, length: int) -> bool:
        if token_bounds is None:
            return True
        return i in token_bounds and i + length in token_bounds

    # 1. cut at separators and at 等 (category markers)
    pieces: list[tuple[int, int, str]] = []  # (start, end, kind) kind: "item" or "category"
    i = piece_start = start
    kind = "item"
    while i < end:
        if not free(i):
            i += 1
            continue
        sep = next((s for s in _SEPARATORS if text.startswith(s, i) and (s != "以及" or standalone(i, 2))), None)
        if sep:
            pieces.append((piece_start, i, kind))
            kind = "item"
            i += len(sep)
            piece_start = i
            continue
        if text[i] == "等" and standalone(i, 1) and i > piece_start:
            pieces.append((piece_start, i, kind))
            kind = "category"
            i += 1
            piece_start = i
            continue
        i += 1
    pieces.append((piece_start, end, kind))

    # 2. a category may run into a new item after 和 / 及
    expanded: list[tuple[int, int, str]] = []
    for s, e, kind in pieces:
        if kind == "category":
            cut = _conj_cut(text, s, e, free, standalone)
            if cut:
                expanded += [(s, cut[0], "category"), (cut[1], e, "item")]
                continue
        expanded.append((s, e, kind))

    # 3. items, with their categories
    items: list[Item] = []
    pending: list[int] = []
    for s, e, kind in expanded:
        s, e = _trim(text, s, e)
        if kind == "category":
            category = clean_name(text[s:e]) or None
            for index in pending:
                items[index] = _with(items[index], category=category)
            pending = []
            continue
        if e <= s:
            continue
        if lead and not items:
            stripped = strip_lead(text, s, e)
            s = next((ps for ps, pe in spans if ps < stripped < pe), stripped)  # never strip into 以…为代表的
        items.append(Item(s, e, clean_name(text[s:e])))
        pending.append(len(items) - 1)

    # 4. a final 和 / 及 splits the last item
    if split_last_conj and items:
        last = items[-1]
        cut = _conj_cut(text, last.start, last.end, free, standalone)
        if cut:
            first = Item(last.start, cut[0], clean_name(text[last.start:cut[0]]), last.category, split_on_conj=True)
            second = Item(cut[1], last.end, clean_name(text[cut[1]:last.end]), last.category, split_on_conj=True)
            items[-1:] = [first, second]

    # 5. 以…为代表的Y → Y with its fields
    out = []
    for item in items:
        match = REPRESENTATIVE.search(text, item.start, item.end)
        if match and match.start() == item.start and match.end() < item.end:
            fields = tuple(f.name for f in split_items(text, match.start("fields"), match.end("fields"),
                                                         token_bounds=token_bounds))
            s, e = _trim(text, match.end(), item.end)
            out.append(Item(s, e, clean_name(text[s:e]), item.category, fields, item.split_on_conj))
        else:
            out.append(item)
    return out


def _with(item: Item, **changes) -> Item:
    return Item(**{**item.__dict__, **changes})


def _conj_cut(text: str, start: int, end: int, free, standalone) -> tuple[int, int] | None:
    """Where a standalone 和 / 及 (or 以及) splits ``text[start:end]`` into two parts of two characters or more."""
    for i in range(end - 1, start, -1):
        for conj in ("以及", *_CONJ):
            j = i - len(conj) + 1
            if j <= start or not text.startswith(conj, j) or not free(j) or not standalone(j, len(conj)):
                continue
            left = text[start:j].strip()
            right = text[j + len(conj):end].strip()
            if len(left) >= 2 and len(right) >= 2:
                return j, j + len(conj)
    return None

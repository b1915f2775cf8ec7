"""Platforms (服务（创新）平台), parks (载体) and key projects (重点项目) in policy texts.

The words come from ``carriers.yaml`` (a data file with its source and date);
this module reads names and facts with them, on the cleaned text of one
sentence. Offsets are cleaned-text offsets, as in :mod:`ingest.extract.rules`.

**Names.** A platform or park name ends with one of the endings (研究院,
实验室, 制造业创新中心, 公共服务平台 …; 高新区, 经开区, 产业园 …) and starts
after what governs it: the clause start, a ``、``, a governing word (推进X建设,
依托X, 与X召开, 以X为载体) or the name before it. A name goes on to the next
ending unless 及/和/的/等 or ``、`` come between (机械总院江苏分院,
东川高新区集成电路产业园). It is dropped when

* it is made only of words for a kind, a level or a number
  (一批省级工业设计中心, 重点园区, 跨行业跨领域综合性工业互联网平台);
* a 的 stands between its governing word and it (…较大的工业互联网平台,
  健全统一开放的全市科研仪器、检验检测设备网络共享平台: descriptions);
* it is the category after 等 (A、B等国家检验检测高技术服务业集聚区).

A leading level word goes into ``level`` (省级动力电池制造业创新中心 →
动力电池制造业创新中心, 省级); 国家 inside a name gives 国家级 (常州国家高新区).
In ``A、B等C`` with ``C`` named like a platform or a park, each item without
an ending of its own is a name ``A+C`` (苏文电能、天正工业等平台 → 苏文电能平台,
天正工业平台).

**Projects.** A name ends with 项目; what stands right before 项目 tells a
category (重点项目, 技改项目, 产业项目 …) from a name. The investor is a known
enterprise (the graph's, or one the document lists) the name starts with, else
the part before 年产/新建/a number, else the first part that ends like a
company (瑞科生物疫苗产业化基地 → 瑞科生物); never a part that starts with the
document's city. The investment (总投资 N 亿元), the stage (the latest of
签约 → 开工 → 在建 → 竣工 → 投产 its clause reports, not one planned: 力争…投产)
and the year (of the clause, else of its numbered section heading) are read
from the project's clause; a park named there is where it is built.

>>> vocab = vocabulary()
>>> text = "加快推进新能源汽车能源与信息、石墨烯及装备关键件等制造业创新中心进军国家级。"
>>> [(n.name, n.kind, n.composed) for n in find_names(text, 0, len(text), vocab)]
[('新能源汽车能源与信息制造业创新中心', '制造业创新中心', True), ('石墨烯及装备关键件制造业创新中心', '制造业创新中心', True)]
>>> text = "充分发挥星宇车灯国家级工业设计中心及一批省级工业设计中心的引领带动作用。"
>>> [(n.name, n.level) for n in find_names(text, 0, len(text), vocab)]
[('星宇车灯国家级工业设计中心', '国家级')]
>>> text = "投资60亿元的甲丙科技东港市基地项目落户东港经开区，总投资8亿元的乙丁材料年产3万吨薄膜项目在港区产业园开工建设。"
>>> [(p.name, p.investor, p.investment_yi, p.stage, p.park) for p in find_projects(text, 0, len(text), vocab, city="东港")]
[('甲丙科技东港市基地项目', '甲丙科技', 60.0, '签约', '东港经开区'), ('乙丁材料年产3万吨薄膜项目', '乙丁材料', 8.0, '开工', '港区产业园')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.schema import read_yaml

__all__ = ["Vocabulary", "vocabulary", "CarrierName", "ProjectName", "find_names", "find_projects", "label_kind",
           "carrier_kind", "VOCABULARY_PATH"]

VOCABULARY_PATH = Path(__file__).with_name("carriers.yaml")
_CLAUSE_END = "，。；：！？\n"
_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]是|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d)|[①-⑳]|——|—)")
_YEAR = re.compile(r"(20\d\d)\s*年")
_AMOUNT = re.compile(r"(?:总投资|计划投资|投资总额|投资)(?:约|达|超过|超|近)?\s*(\d+(?:\.\d+)?)\s*(亿元|亿美元|万元)")


@dataclass(frozen=True)
class Vocabulary:
    """The words of ``carriers.yaml``."""

    endings: tuple[tuple[str, str, str], ...]  # (ending, label, kind), longest first
    not_endings: tuple[str, ...]
    generic: tuple[str, ...]
    levels: dict[str, str]
    level_in_name: dict[str, str]
    governing: tuple[str, ...]
    name_words: tuple[str, ...]
    prepositions: tuple[str, ...]
    labels: dict[str, re.Pattern]  # Platform / Park / Project → a label that heads a list of them
    focus_words: tuple[str, ...]
    carrier_role: re.Pattern
    location_cues: tuple[str, ...]
    qualifiers: tuple[str, ...]
    scope_words: tuple[str, ...]
    tail_words: tuple[str, ...]
    company_endings: tuple[str, ...]
    stages: tuple[tuple[str, tuple[str, ...]], ...]
    planned: tuple[str, ...]
    source: str
    as_of: str


@lru_cache(maxsize=2)
def vocabulary(path: str | Path = VOCABULARY_PATH) -> Vocabulary:
    """The vocabulary of ``carriers.yaml``."""
    raw = read_yaml(path)
    endings = [(e, "Platform", k) for e, k in raw["platform_endings"].items()]
    endings += [(e, "Park", k) for e, k in raw["park_endings"].items()]
    by_length = sorted(endings, key=lambda item: -len(item[0]))
    labels = {label: re.compile(rf"^(?:{'|'.join(raw[key])})$")
              for label, key in (("Platform", "platform_labels"), ("Park", "park_labels"), ("Project", "project_labels"))}
    longest = lambda words: tuple(sorted(words, key=len, reverse=True))  # noqa: E731
    return Vocabulary(
        endings=tuple(by_length), not_endings=tuple(raw["not_endings"]), generic=longest(raw["generic_words"]),
        levels=dict(raw["levels"]), level_in_name=dict(raw["level_in_name"]), governing=longest(raw["governing_words"]),
        name_words=tuple(raw["name_words"]),
        prepositions=longest(raw["prepositions"]), labels=labels, focus_words=longest(raw["focus_words"]),
        carrier_role=re.compile(raw["carrier_role"]), location_cues=longest(raw["location_cues"]), qualifiers=longest(raw["project_qualifiers"]),
        scope_words=longest(raw["project_scope_words"]), tail_words=longest(raw["project_tail_words"]),
        company_endings=longest(raw["company_endings"]),
        stages=tuple((stage, tuple(words)) for stage, words in raw["stages"].items()),
        planned=longest(raw["planned_words"]), source=str(raw["source"]), as_of=str(raw["as_of"]))


def label_kind(label: str, vocab: Vocabulary) -> str | None:
    """Which kind of thing a list label heads: ``Platform``, ``Park``, ``Project`` or None.

    >>> v = vocabulary()
    >>> label_kind("服务（创新）平台", v), label_kind("主要载体", v), label_kind("重点项目", v), label_kind("链主企业", v)
    ('Platform', 'Park', 'Project', None)
    """
    label = label.strip()
    for kind, pattern in vocab.labels.items():
        if pattern.match(label):
            return kind
    return None


def carrier_kind(label: str, name: str, vocab: Vocabulary | None = None) -> str:
    """The kind a platform's or park's name says by its ending (其他 when none does).

    >>> carrier_kind("Platform", "江南石墨烯研究院"), carrier_kind("Park", "金坛经开区"), carrier_kind("Park", "科教城")
    ('研究院', '经开区', '其他')
    """
    vocab = vocab or vocabulary()
    for ending, ending_label, kind in vocab.endings:
        if ending_label == label and name.endswith(ending):
            return kind
    return "其他"


@dataclass(frozen=True)
class CarrierName:
    """A platform or park named in the text (cleaned-text offsets of the name as it stands)."""

    label: str
    start: int
    end: int
    name: str
    kind: str
    level: str | None
    composed: bool = False
    confidence: float = 0.85


@dataclass(frozen=True)
class ProjectName:
    """A key project named in the text, with what its clause says of it."""

    start: int
    end: int
    name: str
    investor: str | None
    investor_span: tuple[int, int] | None
    investment_yi: float | None
    stage: str | None
    year: int | None
    park: str | None
    park_span: tuple[int, int] | None
    confidence: float = 0.85
    notes: tuple[str, ...] = ()


def _ending_at(text: str, end: int, vocab: Vocabulary) -> tuple[str, str, str] | None:
    """The ending (ending, label, kind) that ends at ``end``, unless a not-ending covers it."""
    for ending, label, kind in vocab.endings:
        start = end - len(ending)
        if start < 0 or text[start:end] != ending:
            continue
        for word in vocab.not_endings:
            for j in range(max(0, end - len(word)), min(len(text), start + len(word))):
                if text.startswith(word, j) and j < end and j + len(word) > start:
                    return None
        return ending, label, kind
    return None


def _endings(text: str, start: int, end: int, vocab: Vocabulary) -> list[tuple[int, tuple[str, str, str]]]:
    """(end offset, ending) of each ending in ``text[start:end]``, the longest at each end."""
    out = []
    for i in range(start + 1, end + 1):
        hit = _ending_at(text, i, vocab)
        if hit is None:
            continue
        if i < end and _ending_at(text, i + 1, vocab) is not None and text[i] in "区园":  # 园 → 园区, 合作园 → 合作园区
            continue
        out.append((i, hit))
    return out


def _generic(name: str, ending: str, vocab: Vocabulary) -> bool:
    rest = name[: len(name) - len(ending)] if name.endswith(ending) else name
    for word in vocab.generic:
        rest = rest.replace(word, "")
    rest = re.sub(r"[\d\s.,，、（）()“”\"]+|[个家批类]", "", rest)
    return len(rest) < 2


def _after_governing(segment: str, vocab: Vocabulary, *, keep: int = 0,
                     bounds: Callable[[int], bool] | None = None) -> tuple[int, bool]:
    """Where a name starts in ``segment`` (the text before and with its ending) and whether a 的 describes it.

    A governing word cuts when two characters stay after it (提升平台 → 平台, a bare kind, then dropped); one that
    is also a word of names (发展, 建设) only when two besides the last ``keep`` (the ending) stay
    (常州产业发展研究院 keeps its 发展); a one-character word (以, 在, 将 …) only at the start and, with
    ``bounds`` (token boundaries, as offsets into ``segment``), only as a word of its own (以色列 is a name).
    """
    cut = 0
    for word in vocab.governing:
        if len(word) < 2:
            continue
        at = segment.rfind(word)
        inner = word in vocab.name_words  # 发展, 建设: also words of names (常州产业发展研究院)
        if at >= 0 and at + len(word) > cut and len(segment) - (at + len(word)) - (keep if inner else 0) >= 2:
            cut = at + len(word)
    described = "的" in segment[cut:]
    if described:
        cut = segment.rfind("的") + 1
    marker = _MARKER.match(segment, cut)
    if marker:
        cut = marker.end()
    changed = True
    while changed:
        changed = False
        for word in (*vocab.prepositions, *(w for w in vocab.governing if len(w) == 1)):
            if segment.startswith(word, cut) and len(segment) - cut - len(word) - keep >= 2 \
                    and (bounds is None or bounds(cut + len(word))):
                cut += len(word)
                changed = True
                break
    return cut, described


def _split_level(name: str, vocab: Vocabulary) -> tuple[str, str | None, int]:
    """(name without a leading level word, the level, characters cut)."""
    for word, level in vocab.levels.items():
        if name.startswith(word) and len(name) - len(word) >= 3 and not name.startswith("以上", len(word)):
            return name[len(word):], level, len(word)
    for word, level in vocab.level_in_name.items():
        if word in name:
            return name, level, 0
    for word, level in vocab.levels.items():
        if word in name:
            return name, level, 0
    return name, None, 0


def _clauses(text: str, start: int, end: int, blocked: Collection[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at clause punctuation outside brackets."""
    out, begin, depth = [], start, 0
    for i in range(start, end):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif ch in _CLAUSE_END and depth == 0:
            out.append((begin, i))
            begin = i + 1
    out.append((begin, end))
    return [(s, e) for s, e in out if e > s]


_CATEGORY = re.compile(r"等([^，。；、的向在为是对把将]{0,16}?)$")


def find_names(text: str, start: int, end: int, vocab: Vocabulary, *, blocked: Collection[tuple[int, int]] = (),
               bounds: Collection[int] | None = None) -> list[CarrierName]:
    """Platform and park names in ``text[start:end]`` (see the module notes).

    ``blocked``: spans that hold no platform or park (technology lists, project names); book titles
    (《…》) never do. ``bounds``: token boundaries (offsets into ``text``) from the segmenter.
    """
    blocked = [*blocked, *((m.start(), m.end()) for m in re.finditer(r"《[^》]*》", text[:end]) if m.end() > start)]
    found: list[CarrierName] = []
    for c_start, c_end in _clauses(text, start, end):
        ends = [(i, hit) for i, hit in _endings(text, c_start, c_end, vocab)
                if not any(s < i <= e for s, e in blocked)]
        begin = c_start
        clause_names: list[CarrierName] = []
        for k, (i, (ending, label, kind)) in enumerate(ends):
            following = text[i:c_end]
            between = text[i:ends[k + 1][0]] if k + 1 < len(ends) else ""
            if k + 1 < len(ends) and not following.startswith(("及", "和", "的", "等", "、", "与", "以及", "（")) \
                    and "、" not in between and not any(w in between for w in vocab.governing if len(w) >= 2):
                continue  # 机械总院江苏分院: the name goes on to the next ending (not across a verb: 研究院建设…中心)
            piece_start = max(begin, text.rfind("、", c_start, i) + 1, *(e for s, e in blocked if e <= i - len(ending)))
            segment = text[piece_start:i]
            begin = i
            if "等" in segment[-len(ending) - 16:-len(ending)] and _CATEGORY.search(segment[: len(segment) - len(ending)]):
                category_names = _category_items(text, c_start, piece_start, i, ending, label, kind, vocab, bounds)
                found += category_names
                _, level, _ = _split_level(text[text.rfind("等", piece_start, i) + 1:i], vocab)
                if level:  # 天宁经开区、钟楼经开区等省级经开区: the items are of the category's level
                    clause_names = [n if n.level else CarrierName(n.label, n.start, n.end, n.name, n.kind, level,
                                                                  n.composed, n.confidence) for n in clause_names]
                found += clause_names
                clause_names = []
                continue
            if piece_start > c_start and _described_list(text, c_start, piece_start, vocab):
                continue  # 健全…的A、B平台: the list describes one thing
            offset, described = _after_governing(segment, vocab, keep=len(ending),
                                                 bounds=None if bounds is None else (lambda j: piece_start + j in bounds))
            if described:
                continue
            name_start = piece_start + offset
            if text.startswith("以", name_start) and text.startswith("为", i) and i - name_start >= 4:
                name_start += 1  # 以P为主要载体 (the segmenter may glue 以 to P's first character: 以东)
            raw = text[name_start:i]
            conj = raw.rfind("和", 0, len(raw) - len(ending))
            if conj >= 2 and len(raw) - conj - 1 - len(ending) >= 2:  # …链接和绿色服务平台: the name is the last part
                raw, name_start = raw[conj + 1:], name_start + conj + 1
            if _generic(raw, ending, vocab):
                continue
            name, level, cut = _split_level(raw, vocab)
            if len(name) < 3 or _generic(name, ending, vocab) or "等" in name:
                continue
            level = _bracket_level(text, i, c_end, vocab) or level
            clause_names.append(CarrierName(label, name_start + cut, i, name, kind, level))
        found += clause_names
    return found


def _described_list(text: str, clause_start: int, item_start: int, vocab: Vocabulary) -> bool:
    """Whether the list an item sits in is the object of a 的-phrase (健全统一开放的全市科研仪器、…)."""
    before = text[clause_start:item_start]
    cut = 0
    for word in vocab.governing:
        if len(word) >= 2:
            at = before.rfind(word)
            if at >= 0:
                cut = max(cut, at + len(word))
    return cut > 0 and "的" in before[cut:]


def _bracket_level(text: str, end: int, limit: int, vocab: Vocabulary) -> str | None:
    """A level in a bracket right after a name: 东川集成电路创新中心（省级制造业创新中心）."""
    if end < len(text) and text[end] in "（(":
        close = text.find("）", end, min(len(text), end + 20))
        note = text[end + 1:close] if close > 0 else ""
        for word, level in vocab.levels.items():
            if note.startswith(word):
                return level
    return None


def _category_items(text: str, clause_start: int, item_start: int, end: int, ending: str, label: str, kind: str,
                    vocab: Vocabulary, bounds: Collection[int] | None = None) -> list[CarrierName]:
    """``A、B等C``: the items without an ending of their own become names ``A+C``.

    A last item ``X及Y`` of two short words (中欧及苏澳) is two items; a longer one (石墨烯及装备关键件) is one.
    """
    deng = text.rfind("等", item_start, end)
    category = text[deng + 1:end]
    _, level, _ = _split_level(category, vocab)
    first = text[clause_start:deng].split("、")[0]
    offset, described = _after_governing(first, vocab,
                                         bounds=None if bounds is None else (lambda j: clause_start + j in bounds))
    if described:
        return []
    parts: list[tuple[int, str]] = []
    position = clause_start + offset
    for part in text[position:deng].split("、"):
        parts.append((position, part))
        position += len(part) + 1
    if parts:
        last_start, last = parts[-1]
        split = re.fullmatch(r"(.{2,3}?)(?:及|和|以及)(.{2,3})", last)
        if split:
            parts[-1:] = [(last_start, split.group(1)), (last_start + split.start(2), split.group(2))]
    out = []
    for part_start, part in parts:
        stripped = part.strip()
        if len(stripped) < 2 or _endings(stripped, 0, len(stripped), vocab) or any(p in stripped for p in "，。；：的"):
            continue
        part_start += part.index(stripped)
        out.append(CarrierName(label, part_start, part_start + len(stripped), stripped + category.lstrip(), kind,
                               level if level and category.startswith(next(iter(k for k in vocab.levels
                                                                                  if category.startswith(k)), "\0"))
                               else None, composed=True, confidence=0.8))
    return out


# -- projects ---------------------------------------------------------------------------------------------------------

def _stage(clause: str, vocab: Vocabulary) -> str | None:
    """The latest stage the clause reports (a stage word after 力争/计划 … is a plan: not taken)."""
    planned: list[tuple[int, int]] = []  # 力争…建成投产: no word inside it reports a stage either
    for stage, words in vocab.stages:  # latest stage first
        for word in words:
            for match in re.finditer(re.escape(word), clause):
                if any(s <= match.start() < e for s, e in planned):
                    continue
                before = clause[max(0, match.start() - 10):match.start()]
                before = re.sub(r"\d{4}\s*年(?:底|内|前)?$|年内$|年底$", "", before)
                if before.endswith(vocab.planned):
                    planned.append((match.start(), match.end()))
                    continue
                return stage
    return None


def _investor(name: str, *, city: str | None, known: Callable[[str], bool], vocab: Vocabulary) -> str | None:
    """The investor a project's name starts with (see the module notes), or None."""
    for k in range(len(name) - 1, 1, -1):
        if known(name[:k]):
            return name[:k]
    if (city and name.startswith(city)) or name.startswith(("国家", "省", "市", *vocab.levels)):
        return None  # a city's or a state programme's own project (国家健康大数据东部中心项目)
    scope = re.search("|".join(map(re.escape, vocab.scope_words)) + r"|\d", name)
    if scope and scope.start() >= 2:
        head = name[:scope.start()]
        if city and city in head[2:]:
            head = head[:head.index(city, 2)]
        if head.endswith(vocab.company_endings) or len(head) >= 4:
            return head
    if city and city in name[2:]:
        head = name[:name.index(city, 2)]
        return head if len(head) >= 2 else None
    rest = name
    changed = True
    while changed:
        changed = False
        for tail in vocab.tail_words:
            if rest.endswith(tail) and len(rest) - len(tail) >= 2:
                rest, changed = rest[: -len(tail)], True
    if rest != name and rest.endswith(vocab.company_endings) and len(rest) >= 4:
        return rest
    for k in range(4, len(rest)):
        if rest[:k].endswith(vocab.company_endings) and len(rest) - k >= 2:
            return rest[:k]
    return None


def find_projects(text: str, start: int, end: int, vocab: Vocabulary, *, city: str | None = None,
                  known_enterprise: Callable[[str], bool] = lambda name: False,
                  section_year: int | None = None) -> list[ProjectName]:
    """Key projects named in ``text[start:end]`` (see the module notes)."""
    spots = [m.start() for m in re.finditer("项目", text[start:end])]
    raw: list[tuple[int, int, str]] = []
    for spot in spots:
        i = start + spot
        before = text[start:i]
        boundary = max(before.rfind(p) for p in "，。；：、\n")
        seg_start = start + boundary + 1
        segment = text[seg_start:i]
        if raw and raw[-1][1] > seg_start:
            seg_start = raw[-1][1]
            segment = text[seg_start:i]
        offset, _ = _after_governing(segment, vocab)
        if "的" in segment[offset:]:
            offset = segment.rfind("的") + 1
        name = segment[offset:].strip()
        for word in vocab.levels:
            if name.startswith(word):
                name, offset = name[len(word):], offset + len(word)
        if len(name) < 2 or name.endswith(vocab.qualifiers) or re.search(r"\d+\s*(?:个|家|项)$", name) \
                or name[-1] in "和及与等的或并" or name.endswith(tuple(w for w in vocab.governing if len(w) >= 2)):
            continue  # a category (重点项目), a count, or a verb's object (强化项目招引)
        if re.fullmatch(r"[\d.\s]*(?:亿元|万元|亿美元)?(?:以上)?", name):
            continue
        raw.append((seg_start + offset, i + 2, name + "项目"))
    # between two projects, the last separator before the second one's name is where their clauses meet
    cuts = []
    for k in range(1, len(raw)):
        between_start, between_end = raw[k - 1][1], raw[k][0]
        sep = max(text.rfind(p, between_start, between_end) for p in "，、；。\n")
        cuts.append(sep + 1 if sep >= 0 else between_end)
    out = []
    for k, (n_start, n_end, name) in enumerate(raw):
        core = name[:-2]
        investor = _investor(core, city=city, known=known_enterprise, vocab=vocab)
        if investor is None and _endings(core, 0, len(core), vocab) and _ending_at(core, len(core), vocab):
            continue  # 国家健康大数据东部中心项目: the platform's construction, not a company's project
        rest = core[len(investor):] if investor else core
        if investor is None and _generic(rest + "项目", "项目", vocab):
            continue
        if len(re.sub(r"[\d\s]", "", core)) < 4:
            continue
        # the project's clause: within its ；/。 part, from where it meets the previous project to the next
        clause_start = max(max(text.rfind(p, start, n_start) for p in "；。\n") + 1, cuts[k - 1] if k else start)
        clause_end = min([e for e in (text.find(p, n_end, end) for p in "；。\n") if e >= 0] or [end])
        if k + 1 < len(raw):
            clause_end = min(clause_end, cuts[k])
        clause = text[clause_start:clause_end]
        amount = _AMOUNT.search(clause)
        investment = float(amount.group(1)) if amount and amount.group(2) == "亿元" else None
        notes = ("the investment is given in 亿美元: not converted",) if amount and amount.group(2) == "亿美元" else ()
        year_match = _YEAR.search(clause)
        year = int(year_match.group(1)) if year_match else section_year
        parks = [c for c in find_names(text, clause_start, clause_end, vocab, blocked=[(n_start, n_end)])
                 if c.label == "Park" and not (n_start <= c.start < n_end)
                 and text[max(clause_start, c.start - 4):c.start].endswith(vocab.location_cues)]
        park = parks[0] if parks else None
        investor_span = (n_start, n_start + len(investor)) if investor else None
        out.append(ProjectName(n_start, n_end, name, investor, investor_span, investment, _stage(clause, vocab), year,
                               park.name if park else None, (park.start, park.end) if park else None,
                               0.85 if investor or investment else 0.8, notes))
    return out

"""The genre's patterns: from cue words and list structure to raw candidate facts.

Each rule pairs cue spans found by the matcher (``doc.spans["chainkg_cues"]``)
inside one sentence and reads the list between them with
:func:`~ingest.extract.lists.split_items`. Offsets here are offsets into the
cleaned text; :mod:`ingest.extract.facts` maps them back to the original.

========  ==========================================================  ==================
rule      pattern                                                     gives
========  ==========================================================  ==================
anchors   [X集群] 依托 A、B … 等 重点企业 / 龙头企业 / 链主(企业)            ANCHORS (LEADS for
                                                                      a chain's 链主/龙头)
break-in  [X集群 …] 在 T1、T2 … (等C) 方面 / 领域 / 上 有 / 取得 / 实现 突破   BREAKTHROUGH_FOR
break-vo  突破 / 攻克 T1、T2 等 关键技术                                   BREAKTHROUGH_FOR
leader    以 A(、B) 为 链主 / 龙头 (企业)的 Y 产业链 / 集群                    LEADS / ANCHORS
build     依托 A 打造 / 建设 / 培育 … Y 产业集群                            ANCHORS
groups    A、B … 等 N 个 / 条 / 大 … 集群 / 产业链                          CLUSTER / CHAIN
========  ==========================================================  ==================

The cluster or chain a list belongs to (its *subject*) is found, in order: at
the start of the clause or sentence (``——X集群依托…``, ``X产业链：…``), after a
build verb later in the sentence (``依托…企业，打造Y产业集群``), or in the last
heading (or one-phrase sentence) that names a cluster or chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.extract.gazetteer import Gazetteer
from ingest.extract.lists import Item, split_items, strip_lead
from ingest.extract.nlp import CUE_KEY
from ingest.extract.normalize import CN_DIGITS, NormalizedText, clean_name

__all__ = ["RawFact", "GroupRef", "find_facts", "item_problem", "looks_like_place"]

_CN = "一二三四五六七八九十两百千〇零"
_MARKERS = rf"(?:——|—|[-*•·●○■□◆▲►]\s*|[（(][{_CN}\d]{{1,3}}[）)]|[{_CN}]+、|\d{{1,2}}[、.．](?!\d)|[①-⑳]|第[{_CN}\d]+[章节条部分篇])"
_HEAD = r"产业集群|集群|产业链"
_FOLLOW = ("依托", "依靠", "要", "将", "应", "需", "重点", "主要", "着力", "积极", "加快", "以", "在", "围绕", "聚焦",
           "瞄准", "立足", "坚持", "推动", "突出", "打造", "形成", "充分", "全力", "继续", "力争", "：", ":", "，", "。")
_SUBJECT_START = re.compile(rf"\s*(?:{_MARKERS}\s*)*(?P<name>[^，。；：:、\s“”《》—\-]{{2,30}}?)(?P<head>{_HEAD})")
_SUBJECT_ONLY = re.compile(
    rf"\s*(?:{_MARKERS}\s*)*(?P<name>[^，。；：:、\s“”《》—\-]{{2,30}}?)(?P<head>{_HEAD}|产业)?\s*[。：:]?\s*$")
_AFTER_BUILD = re.compile(
    rf"(?:打造|建设|培育|壮大|做强|做大|做优|形成|建成|构建|发展)(?P<name>[^，。；、]{{2,30}}?)(?P<head>{_HEAD})")
_SCALE = re.compile(rf"^(?:[{_CN}\d]+(?:个|条|大)|[{_CN}\d]*[千百万]?亿(?:元)?级?|\d+\s*亿元?级?|世界级|国家级|省级|市级|"
                    r"全国一流|国际一流|国内一流|一流|一批|若干|全球|国际|全国)+")
_GENERIC = re.compile(r"^(?:关键|核心|共性|前沿|重点|主要|相关|其他|有关|重大|卡脖子|薄弱|基础)*"
                      r"(?:技术|领域|方面|环节|问题|难题|瓶颈|产品|企业|项目)+(?:环节|领域|方面|问题)?$")
_VERB_START = re.compile(r"^(?:培育|引进|带动|支持|鼓励|推动|加快|发挥|建立|打造|引导|组织|促进|提升|实施|开展|围绕)")
_PLACE_END = re.compile(r"(?:区|园|园区|基地|港|城|市|县|镇|乡|街道|开发区|高新区|平台|中心|联盟|协会|大学|学院|"
                        r"优势|资源|基础|政策|机制|项目|载体|环境|生态|能力|体系)$")
_COMPANY_END = re.compile(r"(?:公司|集团|股份|控股|科技|实业|电子|光电|光能|电气|电力|电缆|机械|重工|药业|医药|医疗|"
                          r"材料|新材|能源|汽车|智能|制造|精密|装备|化工|钢铁|特钢|纺机|通信|半导体|微电子|生物|"
                          r"技术|研究院|电器|电机|车辆|锂电|动力|环保|物流|软件|信息|网络|数据|机器人|传感)$")
_MECHANISM = re.compile(r"“(?P<name>[^”]{1,12})”\s*(?:工作|推进|运行|服务)?机制|(?P<plain>链长制|链主制)")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*亿元")


@dataclass(frozen=True)
class GroupRef:
    """A cluster or chain named in the text (cleaned-text offsets)."""

    kind: str  # "cluster" or "chain"
    start: int
    end: int
    name: str
    how: str  # "clause", "after", "heading", "list", "leader"
    confidence: float


@dataclass
class RawFact:
    """A candidate before linking: cleaned-text offsets, names as written."""

    relation: str
    group: GroupRef
    member: Item | None
    member_kind: str | None
    rule: str
    confidence: float
    sentence: tuple[int, int]
    role: str | None = None
    properties: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def chinese_number(text: str) -> int | None:
    """23 → 23, 十大 → 10, 二十三 → 23, 两 → 2.

    >>> chinese_number("23条"), chinese_number("十大"), chinese_number("二十三个"), chinese_number("两")
    (23, 10, 23, 2)
    """
    text = text.rstrip("个条大家项")
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    total += current
    return total or None


def item_problem(name: str, kind: str) -> str | None:
    """Why ``name`` cannot be an enterprise / technology / cluster / chain name, or None.

    >>> item_problem("关键技术环节", "technology"), item_problem("高精密减速器", "technology")
    ('a generic term', None)
    >>> item_problem("培育一批龙头企业", "enterprise")
    'starts with a verb'
    """
    if len(name) < 2:
        return "shorter than two characters"
    if len(name) > 32:
        return "longer than 32 characters"
    if any(p in name for p in "，。；：！？\n"):
        return "holds clause punctuation"
    if re.fullmatch(r"[\d\s.%％,]+", name):
        return "a number"
    if name.endswith(("的", "等")):
        return "ends with a particle"
    if kind in ("technology", "enterprise") and _GENERIC.match(name):
        return "a generic term"
    if kind == "enterprise" and _VERB_START.match(name):
        return "starts with a verb"
    return None


def looks_like_place(name: str) -> bool:
    """True for names of parks, districts, platforms and the like (依托常州高新区打造…).

    >>> looks_like_place("常州高新区"), looks_like_place("天合光能")
    (True, False)
    """
    return bool(_PLACE_END.search(name)) and not _COMPANY_END.search(name)


def looks_like_company(name: str) -> bool:
    return bool(_COMPANY_END.search(name))


def clean_group_name(name: str) -> str:
    """A cluster / chain name without scale words, leading verbs or 具有…的 phrases.

    >>> clean_group_name("具有国际竞争力的千亿级光伏"), clean_group_name("培育壮大新能源汽车")
    ('光伏', '新能源汽车')
    """
    name = clean_name(name)
    if "的" in name:
        name = name.rsplit("的", 1)[1]
    name = name[strip_lead(name, 0, len(name)):]
    stripped = _SCALE.sub("", name)
    if len(stripped) >= 2:
        name = stripped
    return name.strip()


class _Context:
    """One document: its cleaned text, the spaCy doc, cues per sentence, known-name spans, token bounds."""

    def __init__(self, clean: NormalizedText, doc, gazetteer: Gazetteer):
        self.clean = clean
        self.text = clean.text
        self.doc = doc
        self.gazetteer = gazetteer
        self.cues = [(span.label_, span.start_char, span.end_char, span.text) for span in doc.spans[CUE_KEY]]
        self.ents = [(ent.start_char, ent.end_char) for ent in doc.ents]
        self.known_carriers = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents
                               if ent.label_ in ("PLATFORM", "PARK")]
        bounds: set[int] = set()
        for token in doc:
            bounds.add(token.idx)
            bounds.add(token.idx + len(token.text))
        self.bounds = bounds
        self.headings = set(clean.headings)

    def cues_in(self, start: int, end: int, label: str | None = None):
        return [c for c in self.cues if start <= c[1] < end and (label is None or c[0] == label)]

    def items(self, start: int, end: int, *, lead: bool = False, split_last_conj: bool = True) -> list[Item]:
        return split_items(self.text, start, end, protect=self.ents, token_bounds=self.bounds, lead=lead,
                           split_last_conj=split_last_conj)

    def group_kind(self, head: str | None, name: str) -> str | None:
        if head and head.endswith("产业链"):
            return "chain"
        if head and head.endswith("集群"):
            return "cluster"
        if self.gazetteer.link("Cluster", name).key:
            return "cluster"
        if self.gazetteer.link("Chain", name).key:
            return "chain"
        return None


_LEADER_SUBJECT = re.compile(
    rf"\s*(?:{_MARKERS}\s*)*以[^，。；：]{{1,80}}?为(?:链主|龙头)(?:企业)?的(?P<name>[^，。；、]{{2,30}}?)(?P<head>{_HEAD})")


def _subject_at(ctx: _Context, start: int, end: int, how: str) -> GroupRef | None:
    """A subject phrase at the start of ``text[start:end]`` (``——X集群依托…``, ``以A为链主的Y产业链，…``)."""
    leader = _LEADER_SUBJECT.match(ctx.text, start, end)
    if leader:
        name = clean_group_name(leader.group("name"))
        kind = ctx.group_kind(leader.group("head"), name)
        if kind and not item_problem(name, "cluster"):
            name_start = leader.start("name") + max(leader.group("name").rfind(name), 0)
            return GroupRef(kind, name_start, name_start + len(name), name, "leader", 0.92)
    match = _SUBJECT_START.match(ctx.text, start, end)
    if not match:
        return None
    after = ctx.text[match.end():end].lstrip()
    if after and not after.startswith(_FOLLOW):
        return None
    name_start = strip_lead(ctx.text, match.start("name"), match.end("name"))
    name = _plain_group_name(ctx.text[name_start:match.end("name")])
    if name is None:
        return None
    kind = ctx.group_kind(match.group("head"), name)
    return GroupRef(kind, name_start, match.end("name"), name, how, 0.95) if kind else None


def _subject_after(ctx: _Context, start: int, end: int) -> GroupRef | None:
    """``…打造Y产业集群`` later in the sentence."""
    match = _AFTER_BUILD.search(ctx.text, start, end)
    if not match:
        return None
    name = clean_group_name(match.group("name"))
    if item_problem(name, "cluster"):
        return None
    offset = match.group("name").rfind(name)
    name_start = match.start("name") + max(offset, 0)
    kind = ctx.group_kind(match.group("head"), name)
    return GroupRef(kind, name_start, name_start + len(name), name, "after", 0.9) if kind else None


def _standalone_subject(ctx: _Context, start: int, end: int) -> GroupRef | None:
    """A heading or one-phrase sentence that only names a cluster or chain (（三）新能源汽车产业集群)."""
    match = _SUBJECT_ONLY.match(ctx.text, start, end)
    if not match:
        return None
    name_start = strip_lead(ctx.text, match.start("name"), match.end("name"))  # （二）做强高端装备产业集群
    name = _plain_group_name(ctx.text[name_start:match.end("name")])
    if name is None:
        return None
    kind = ctx.group_kind(match.group("head"), name)
    if not kind:
        return None
    return GroupRef(kind, name_start, match.end("name"), name, "heading", 0.85)


_VERB_INSIDE = re.compile(r"依托|依靠|打造|建设|培育|壮大|形成|推动|推进|加快|实施|围绕|聚焦|建立|构建|支持|做强|做大|"
                          r"亿|突破|提升|促进")


_PARK_INSIDE = re.compile(r"高新区|经开区|开发区|保税区|产业园|工业园|科技园|创新园|园区")
_TITLE_SUBJECT = re.compile(
    rf"\s*(?P<name>[^，。；：:、\s“”《》—\-]{{2,30}}?)(?P<head>{_HEAD})(?:“[^”]{{1,8}}”)?"
    r"(?:发展|建设|培育|推进|提升|高质量发展|强链补链)?(?:三年)?(?:行动|工作|实施|专项)?(?:推进|开展|落实|进展)?"
    r"(?:方案|计划|规划|意见|要点|措施|办法|名单|清单|指南|情况|报告|总结|台账)(?:（[^）]*）)?\s*$")
_CITY = re.compile(r"^[\u4e00-\u9fff]{1,4}?[省市县区](?=[\u4e00-\u9fff]{2})")
#: names of kinds of clusters and chains, not of one
_GENERIC_GROUPS = {"先进制造业", "制造业", "产业", "重点产业", "优势产业", "主导产业", "支柱产业", "特色产业", "新兴产业",
                   "战略性新兴产业", "现代产业", "重点", "优势", "特色", "新兴", "现代化"}


def _title_subject(ctx: _Context) -> GroupRef | None:
    """The cluster or chain a document is about, from a title such as 东湖市生物医药产业链推进方案."""
    for start, end in ctx.clean.sentences[:6]:
        if "。" in ctx.text[start:end]:
            break
        match = _TITLE_SUBJECT.fullmatch(ctx.text, start, end)
        if not match:
            continue
        raw_start = match.start("name")
        city = _CITY.match(match.group("name"))
        if city:
            raw_start += city.end()
        name = _plain_group_name(ctx.text[raw_start:match.end("name")])
        if name is None or name in _GENERIC_GROUPS or name.endswith(("重点", "优势", "主导", "特色", "新兴")):
            continue
        kind = ctx.group_kind(match.group("head"), name)
        if kind:
            return GroupRef(kind, raw_start, match.end("name"), name, "title", 0.8)
    return None


def _plain_group_name(raw: str) -> str | None:
    """A subject phrase's name, or None when it is a description (holds 的, a count, a verb, a scale word or a
    park's name: 北湾经开区重点发展新能源电池产业链 is about a park)."""
    name = clean_name(raw)
    if "的" in name or _SCALE.match(name) or re.search(rf"[\d{_CN}]+(?:个|条|大|家)", name) \
            or _VERB_INSIDE.search(name) or len(name) > 20 or _PARK_INSIDE.search(name):
        return None
    return None if item_problem(name, "cluster") else name


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma- and semicolon-separated parts of a sentence."""
    out, begin = [], start
    for i in range(start, end):
        if text[i] in "，；":
            out.append((begin, i))
            begin = i + 1
    out.append((begin, end))
    return out


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, begin = [], start
    for i in range(start, end):
        if text[i] == "；":
            out.append((begin, i + 1))
            begin = i + 1
    out.append((begin, end))
    return out


class _Subjects:
    """Finds the subject of a position in a sentence (see the module notes).

    A subject opens a clause: at the sentence start, after ；, or after a comma
    (``其中，电子信息产业集群依托…``); a position takes the last one before it.
    """

    def __init__(self, ctx: _Context, sentence: tuple[int, int], context: GroupRef | None):
        self.ctx = ctx
        self.sentence = sentence
        self.context = context
        self.clauses = _clauses(ctx.text, *sentence)
        self.clause_subjects = [_subject_at(ctx, s, e, "clause") for s, e in _segments(ctx.text, *sentence)]

    def at(self, position: int, *, look_after: bool = True) -> GroupRef | None:
        for subject in reversed(self.clause_subjects):
            if subject is not None and subject.start < position:
                return subject
        if look_after:
            after = _subject_after(self.ctx, position, self.sentence[1])
            if after is not None:
                return after
        return self.context


def _role(cue_text: str) -> str:
    if "链主" in cue_text or "链" in cue_text and "主" in cue_text:
        return "链主"
    if "骨干" in cue_text:
        return "龙头骨干企业" if "龙头" in cue_text else "骨干企业"
    if any(w in cue_text for w in ("龙头", "领军", "头部", "标杆")):
        return "龙头企业"
    return "重点企业"


#: a cluster's key enterprise (ANCHORS) takes one of the schema's three roles
_ANCHOR_ROLE = {"龙头骨干企业": "龙头企业", "骨干企业": "龙头企业"}


def _member_relation(group: GroupRef, role: str) -> str:
    """LEADS for a chain's 链主 / 龙头企业, KEY_ENTERPRISE_OF for its 龙头骨干 / 骨干 / 重点企业, ANCHORS for a cluster's."""
    if group.kind == "chain":
        return "LEADS" if role in ("链主", "龙头企业") else "KEY_ENTERPRISE_OF"
    return "ANCHORS"


def _relation_role(group: GroupRef, role: str) -> tuple[str, str]:
    relation = _member_relation(group, role)
    return relation, (_ANCHOR_ROLE.get(role, role) if relation == "ANCHORS" else role)


def find_facts(clean: NormalizedText, doc, gazetteer: Gazetteer) -> list[RawFact]:
    """Every raw candidate fact of a document (cleaned text and its spaCy doc)."""
    from ingest.extract.carrier_rules import CarrierState, carrier_facts, document_city, heading_year, section_label

    ctx = _Context(clean, doc, gazetteer)
    facts: list[RawFact] = []
    context: GroupRef | None = None
    title = _title_subject(ctx)  # 东湖市生物医药产业链推进方案: the document's subject when nothing closer is
    state = CarrierState(city=document_city(clean))
    listed: set[str] = set()  # enterprises the document lists so far (investors of its projects)
    for sentence in clean.sentences:
        standalone = _standalone_subject(ctx, *sentence)
        if sentence in ctx.headings or standalone is not None:
            context = standalone  # a heading that names no cluster or chain ends the previous one's section
            state.section = None
            state.section_year = heading_year(ctx.text[sentence[0]:sentence[1]])
            continue
        label = section_label(ctx.text[sentence[0]:sentence[1]])
        if label is not None:  # （三）服务（创新）平台。 — the sentences below list platforms
            state.section = label
            continue
        subjects = _Subjects(ctx, sentence, context or title)
        used_rely: set[int] = set()
        found = _anchors(ctx, sentence, subjects, used_rely)
        found += _breakthroughs(ctx, sentence, subjects)
        found += _leaders(ctx, sentence, subjects)
        found += _builds(ctx, sentence, subjects, used_rely)
        found += _groups(ctx, sentence)
        found += _colon_lists(ctx, sentence, subjects)
        claimed = [(f.member.start, f.member.end) for f in found
                   if f.member is not None and f.member_kind in ("technology", "enterprise")]
        listed |= {f.member.name for f in found if f.member is not None and f.member_kind == "enterprise"}
        found += carrier_facts(ctx, sentence, subjects, state, claimed, listed)
        groups: list[GroupRef] = []
        for fact in found:
            if fact.member is not None and fact.group not in groups:
                groups.append(fact.group)
        for group in groups:  # the cluster or chain a member fact names is a fact too, cited where it is named
            where = sentence if sentence[0] <= group.start < sentence[1] else clean.sentence_of(group.start)
            found.append(RawFact(_node_relation(group), group, None, None, "subject", group.confidence, where))
        facts += found
    return facts


def _node_relation(group: GroupRef) -> str:
    return {"chain": "CHAIN", "platform": "PLATFORM", "park": "PARK", "project": "PROJECT"}.get(group.kind, "CLUSTER")


_HOW = {"heading": "the cluster/chain is named in a heading above", "after": "the cluster/chain is named later in the "
        "sentence", "title": "the cluster/chain is the one the document's title names"}


def _member_facts(relation: str, group: GroupRef, items: list[Item], kind: str, rule: str, base: float,
                  sentence: tuple[int, int], role: str | None = None, notes: tuple[str, ...] = ()) -> list[RawFact]:
    out = []
    factor = {"clause": 1.0, "after": 0.95, "leader": 1.0, "list": 1.0, "heading": 0.9, "title": 0.85}.get(
        group.how, 0.9)
    for item in items:
        problem = item_problem(item.name, kind)
        if problem:
            continue
        confidence = base * factor
        item_notes = list(notes)
        if item.split_on_conj:
            confidence *= 0.97
            item_notes.append("split at a final 和/及")
        if len(item.name) > 20:
            confidence *= 0.7
            item_notes.append("long name")
        if group.how in _HOW:
            item_notes.append(_HOW[group.how])
        props = {"category": item.category} if item.category else {}
        out.append(RawFact(relation, group, item, kind, rule, round(min(confidence, 0.99), 3), sentence, role,
                           props, item_notes))
    return out


def _closing_role(ctx: _Context, rely: tuple, sentence: tuple[int, int]):
    """The ROLE cue that closes the list opened by ``rely`` (same sentence, no other 依托 or ；/。 between)."""
    for cue in ctx.cues_in(rely[2], sentence[1]):
        if cue[0] == "RELY":
            return None
        if cue[0] == "ROLE":
            between = ctx.text[rely[2]:cue[1]]
            if "；" in between or "。" in between:
                return None
            text = cue[3]
            counted = text.startswith("等") or re.match(rf"^[\d{_CN}]+(?:家|个)", text)
            return cue if counted else None
    return None


def _anchors(ctx: _Context, sentence, subjects: _Subjects, used_rely: set[int]) -> list[RawFact]:
    facts = []
    for rely in ctx.cues_in(*sentence, label="RELY"):
        role_cue = _closing_role(ctx, rely, sentence)
        if role_cue is None:
            continue
        used_rely.add(rely[1])
        body_start, body_end = rely[2], role_cue[1]
        if body_end - body_start > _LONGEST_LIST:
            continue
        items = ctx.items(body_start, body_end)
        notes: tuple[str, ...] = ()
        base = 0.95
        if "，" in ctx.text[body_start:body_end]:
            if any(item_problem(i.name, "enterprise") for i in items):
                continue
            notes, base = ("comma-separated list",), 0.88
        subject = subjects.at(rely[1])
        if subject is None or not items:
            continue
        relation, role = _relation_role(subject, _role(role_cue[3]))
        platforms = [i for i in items if _is_platform(ctx, i.name)]
        companies = [i for i in items if i not in platforms]
        facts += _member_facts(relation, subject, companies, "enterprise", "anchors", base, sentence, role, notes)
        facts += _member_facts(_platform_relation(subject), subject, platforms, "platform", "anchors", base * 0.95,
                               sentence, role, (*notes, "named among the key units, but named like a platform"))
    return facts


def _is_platform(ctx: _Context, name: str) -> bool:
    """A list item that is a platform: the graph knows it as one, or it is named like one and not as a company."""
    from ingest.extract.carriers import _ending_at, vocabulary

    if ctx.gazetteer.link("Enterprise", name).key:
        return False
    if ctx.gazetteer.link("Platform", name).key:
        return True
    hit = _ending_at(name, len(name), vocabulary())
    return hit is not None and hit[1] == "Platform"


def _platform_relation(group: GroupRef) -> str:
    return "SERVES" if group.kind == "chain" else "SUPPORTS"


def _breakthroughs(ctx: _Context, sentence, subjects: _Subjects) -> list[RawFact]:
    facts = []
    limit = sentence[0]
    for brk in ctx.cues_in(*sentence, label="BREAK"):
        tail = ctx.text[brk[2]:sentence[1]]
        clause_tail = re.split(r"[，。；]", tail, maxsplit=1)[0]
        if clause_tail.strip():
            facts += _verb_object(ctx, sentence, subjects, brk, clause_tail)
            limit = brk[2]
            continue
        ats = [c for c in ctx.cues_in(limit, brk[1], label="AT")]
        limit = brk[2]
        if not ats:
            continue
        at = ats[-1]
        area = None
        for cue in ctx.cues_in(at[2], brk[1], label="AREA"):
            gap = ctx.text[cue[2]:brk[1]]
            if len(gap) <= 12 and "在" not in gap and "。" not in gap:
                area = cue
                break
        body_end = area[1] if area else brk[1]
        gap = ctx.text[area[2]:brk[1]] if area else ""
        if body_end - at[2] > 240 or body_end <= at[2]:
            continue
        base, notes = (0.92, ()) if area else (0.86, ())
        if "，" in gap:
            base, notes = 0.75, ("the verb is a clause away (…领域，…争取突破)",)
        subject = subjects.at(at[1], look_after=False)
        if subject is None:
            continue
        items = ctx.items(at[2], body_end)
        facts += _member_facts("BREAKTHROUGH_FOR", subject, items, "technology", "break-in", base, sentence,
                               notes=notes)
    return facts


_VO = re.compile(r"^(?P<body>[^，。；]{2,160}?)等(?P<cat>[^，。；、]{0,10}?(?:技术|工艺|产品|装备|材料|器件|设备|部件|难题))")


def _verb_object(ctx: _Context, sentence, subjects: _Subjects, brk, clause_tail: str) -> list[RawFact]:
    match = _VO.match(clause_tail)
    if not match:
        return []
    start = brk[2]
    body_end = start + match.end("body")
    subject = subjects.at(brk[1], look_after=False)
    if subject is None:
        return []
    items = ctx.items(start, body_end)
    category = clean_name(match.group("cat"))
    items = [i if i.category else Item(i.start, i.end, i.name, category, i.fields, i.split_on_conj) for i in items]
    return _member_facts("BREAKTHROUGH_FOR", subject, items, "technology", "break-vo", 0.82, sentence)


_LEADER_TARGET = re.compile(rf"(?P<name>[^，。；、]{{2,30}}?)(?P<head>{_HEAD})")


def _leaders(ctx: _Context, sentence, subjects: _Subjects) -> list[RawFact]:
    facts = []
    for leader in ctx.cues_in(*sentence, label="LEADER"):
        bys = [c for c in ctx.cues_in(sentence[0], leader[1], label="BY")
               if not re.search(r"[，。；：]", ctx.text[c[2]:leader[1]])]
        if not bys:
            continue
        by = bys[-1]
        items = ctx.items(by[2], leader[1])
        role = _role(leader[3])
        group = None
        if leader[3].endswith("的"):
            match = _LEADER_TARGET.match(ctx.text, leader[2], sentence[1])
            if match:
                name = clean_group_name(match.group("name"))
                kind = ctx.group_kind(match.group("head"), name)
                if kind and not item_problem(name, "cluster"):
                    offset = max(match.group("name").rfind(name), 0)
                    start = match.start("name") + offset
                    group = GroupRef(kind, start, start + len(name), name, "leader", 0.92)
        if group is None:
            group = subjects.at(by[1], look_after=False)
        if group is None:
            continue
        relation, role = _relation_role(group, role)
        facts += _member_facts(relation, group, items, "enterprise", "leader", 0.9, sentence, role)
    return facts


def _builds(ctx: _Context, sentence, subjects: _Subjects, used_rely: set[int]) -> list[RawFact]:
    facts = []
    for rely in ctx.cues_in(*sentence, label="RELY"):
        if rely[1] in used_rely:
            continue
        build = None
        for cue in ctx.cues_in(rely[2], sentence[1]):
            if cue[0] == "RELY":
                break
            if cue[0] == "BUILD":
                build = cue
                break
        if build is None:
            continue
        body_end = build[1]
        while body_end > rely[2] and ctx.text[body_end - 1] in "，, ":
            body_end -= 1
        body = ctx.text[rely[2]:body_end]
        if re.search(r"[，。；：]", body) or not body.strip():
            continue
        match = _AFTER_BUILD.match(ctx.text, build[1], sentence[1])
        if not match:
            continue
        name = clean_group_name(match.group("name"))
        kind = ctx.group_kind(match.group("head"), name)
        if not kind or item_problem(name, "cluster"):
            continue
        start = match.start("name") + max(match.group("name").rfind(name), 0)
        group = GroupRef(kind, start, start + len(name), name, "after", 0.92)
        facts.append(RawFact(_node_relation(group), group, None, None, "build", 0.85, sentence))
        for item in ctx.items(rely[2], body_end):
            linked = ctx.gazetteer.link("Enterprise", item.name).key is not None
            if linked:
                base, note = 0.88, ()
            elif looks_like_place(item.name):
                continue
            elif looks_like_company(item.name):
                base, note = 0.78, ("the name reads like a company",)
            else:
                base, note = 0.55, ("not known and not obviously a company",)
            facts += _member_facts("ANCHORS", group, [item], "enterprise", "build", base, sentence, "龙头企业",
                                   note)
    return facts


def _clause_start(text: str, start: int, end: int) -> int:
    """The start of the clause that ends at ``end`` (after ，；：。 or 即)."""
    i = end
    while i > start:
        ch = text[i - 1]
        if ch in "，；：:。\n" or text.startswith("即", i - 1) and i - 1 > start and text[i - 2] in "，；：":
            break
        i -= 1
    return i


#: lists longer than this (characters) are not read: real ones are shorter, and a run-on text would be slow
_LONGEST_LIST = 2000
_COUNTED = re.compile(rf"^(?:等[\d{_CN}]+(?:个|条|大)?|[\d{_CN}]+(?:个|条|大))$")


def _groups(ctx: _Context, sentence) -> list[RawFact]:
    """``A、B等N个…集群`` and ``A、B等23条优势产业链``: the clusters and chains a document names."""
    facts = []
    heads = ctx.cues_in(*sentence, label="HEAD")
    counts = [c for c in ctx.cues_in(*sentence, label="COUNT") if _COUNTED.match(c[3].replace(" ", ""))]
    done: set[int] = set()
    for head in heads:
        after_colon = _list_after_colon(ctx, sentence, head, counts)
        if after_colon is not None:
            facts += after_colon
            continue
        # the count (or 等) before the head, within the same clause
        window_start = max(sentence[0], head[1] - 16)
        window = ctx.text[window_start:head[1]]
        if re.search(r"[，。；：、]", window):
            window_start += max(window.rfind(p) for p in "，。；：、") + 1
        count = next((c for c in reversed(counts) if window_start <= c[1] < head[1]), None)
        if count is not None:
            list_end = count[1]
            number = chinese_number(count[3].lstrip("等"))
            has_deng = count[3].startswith("等")
            between = ctx.text[count[2]:head[1]]
        else:
            deng = ctx.text.rfind("等", window_start, head[1])
            if deng < 0:
                continue
            list_end, number, has_deng = deng, None, True
            between = ctx.text[deng + 1:head[1]]
            if re.search(r"[^\u4e00-\u9fff\d\s]|企业", between):  # 等重点企业——X集群 is no list of groups
                continue
        if list_end in done or "的" in between:
            continue
        done.add(list_end)
        if has_deng and ctx.text[list_end] != "等":
            list_end = ctx.text.rfind("等", sentence[0], list_end + 1)
        start = _clause_start(ctx.text, sentence[0], list_end)
        if list_end - start > _LONGEST_LIST:
            continue
        items = ctx.items(start, list_end, lead=True, split_last_conj=False)
        if number and not has_deng and len(items) + 1 == number:  # A、B和C三大产业链: the count asks for the split
            items = ctx.items(start, list_end, lead=True)
        items = _from_list_start(ctx.text, items)
        kind = "chain" if head[3].endswith("产业链") else "cluster"
        label = "Chain" if kind == "chain" else "Cluster"
        known = [i for i in items if ctx.gazetteer.link(label, i.name).key]
        if not items or len(items) == 1 and not has_deng and not known:
            continue
        base = 0.9 if number else 0.78
        notes: list[str] = []
        if number and len(items) > number:
            base *= 0.5
            notes.append(f"{len(items)} items for {number} announced")
        props: dict = {}
        if number:
            props["announced_count"] = number
        amount = _AMOUNT.search(between)
        if amount and kind == "cluster":
            value = float(amount.group(1))
            props["target_scale_yi"] = value
            props["tier"] = f"{amount.group(1)}亿元级"
        if kind == "chain":
            if "优势" in between:
                props["advantage_chain"] = True
            mechanism = _mechanism(ctx, sentence)
            if mechanism:
                props["mechanism"] = mechanism
        facts += _group_facts(ctx, sentence, items, kind, base, props, notes)
    return facts


_ROLE_NOTE = re.compile(r"[（(](?P<role>链主(?:企业)?|龙头(?:企业)?|牵头企业)[：:](?P<list>[^（）()]+)[）)]")


def _group_facts(ctx: _Context, sentence, items: list[Item], kind: str, base: float, props: dict,
                 notes: list[str]) -> list[RawFact]:
    """CLUSTER / CHAIN facts of listed groups, and the leaders a bracket names (动力电池（链主：津能电池）)."""
    facts = []
    for item in items:
        end = item.end
        note = _ROLE_NOTE.search(ctx.text, item.start, item.end)
        if note:
            end = note.start()
        name = clean_group_name(ctx.text[item.start:end]) if note else clean_group_name(item.name)
        if item_problem(name, kind) or name in _GENERIC_GROUPS:
            continue
        offset = max(ctx.text.find(name, item.start, end) - item.start, 0)
        group = GroupRef(kind, item.start + offset, item.start + offset + len(name), name, "list", base)
        item_props = dict(props)
        if item.fields:
            item_props["representative_fields"] = list(item.fields)
        facts.append(RawFact(_node_relation(group), group, None, None, "groups", round(base, 3), sentence,
                             properties=item_props, notes=list(notes)))
        if note:
            relation, role = _relation_role(group, _role(note.group("role")))
            leaders = ctx.items(note.start("list"), note.end("list"))
            facts += _member_facts(relation, group, leaders, "enterprise", "groups", base * 0.95, sentence, role)
    return facts


def _list_after_colon(ctx: _Context, sentence, head, counts) -> list[RawFact] | None:
    """``以下6条重点产业链：A、B（链主：X）、C和D。`` — a counted head followed by its list."""
    rest = ctx.text[head[2]:sentence[1]]
    stripped = rest.lstrip()
    if not stripped.startswith(("：", ":")):
        return None
    count = next((c for c in reversed(counts) if max(sentence[0], head[1] - 16) <= c[1] < head[1]), None)
    if count is None:
        return None
    number = chinese_number(count[3].replace(" ", "").lstrip("等"))
    start = head[2] + len(rest) - len(stripped) + 1
    end = start
    while end < sentence[1] and ctx.text[end] not in "。；\n":
        end += 1
    if end - start > _LONGEST_LIST:
        return []
    items = ctx.items(start, end, split_last_conj=False)
    if number and len(items) + 1 == number:
        items = ctx.items(start, end)
    kind = "chain" if head[3].endswith("产业链") else "cluster"
    between = ctx.text[count[2]:head[1]]
    props: dict = {"announced_count": number} if number else {}
    if kind == "chain" and "优势" in between:
        props["advantage_chain"] = True
    base, notes = 0.88, []
    if number and len(items) > number:
        base *= 0.5
        notes.append(f"{len(items)} items for {number} announced")
    return _group_facts(ctx, sentence, items, kind, base, props, notes)


_LIST_OPENER = re.compile(r"(?:决定对|对|把|将|决定|确定|明确|培育|聚焦|围绕|包括|实行|推进|重点发展|加快发展|打造|"
                          r"培育壮大|做强|壮大|形成|即)")


def _from_list_start(text: str, items: list[Item]) -> list[Item]:
    """Drop what precedes the list proper: 市委、市政府决定对A、B等 → A, B (the last item holding a verb opens it)."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        cuts = [m.end() for m in _LIST_OPENER.finditer(text, item.start, item.end) if m.end() < item.end]
        if cuts and item.end - cuts[-1] >= 2:
            start = cuts[-1]
            return [Item(start, item.end, clean_name(text[start:item.end]), item.category, item.fields,
                         item.split_on_conj), *items[index + 1:]]
    return items


def _mechanism(ctx: _Context, sentence: tuple[int, int]) -> str | None:
    """A named mechanism (“七个一”工作机制, 链长制) in the paragraph of ``sentence``."""
    start = ctx.text.rfind("\n", 0, sentence[0]) + 1
    end = ctx.text.find("\n", sentence[1])
    end = len(ctx.text) if end < 0 else end
    match = _MECHANISM.search(ctx.text, start, end)
    if not match:
        return None
    return match.group("name") or match.group("plain")


_COLON = re.compile(rf"\s*(?:{_MARKERS}\s*)*(?P<label>[^：:，。；、]{{2,12}}?)\s*[：:]\s*(?P<list>[^：:。；]+?)[。；]?\s*$")
_ENTERPRISE_LABEL = re.compile(r"^(?:(?:链主|龙头|重点|骨干|领军|头部|核心|标杆)+企业|链主)(?:名单)?$")
_TECH_LABEL = re.compile(r"^(?:重点|主攻|攻关|突破|关键|核心|关键核心|卡脖子)*(?:技术|突破|攻关)(?:方向|重点|清单|领域)?$")


def _colon_lists(ctx: _Context, sentence, subjects: _Subjects) -> list[RawFact]:
    """``链主企业：A、B。`` and ``重点突破：T1、T2。`` lines under a cluster or chain heading."""
    match = _COLON.match(ctx.text, *sentence)
    if not match:
        return []
    label = match.group("label").strip()
    subject = subjects.at(match.start("label"), look_after=False)
    if subject is None:
        return []
    end = match.end("list")
    while end > match.start("list") and ctx.text[end - 1] in "等 ":
        end -= 1
    items = ctx.items(match.start("list"), end)
    if _ENTERPRISE_LABEL.match(label):
        relation, role = _relation_role(subject, _role(label))
        return _member_facts(relation, subject, items, "enterprise", "colon", 0.85, sentence, role)
    if _TECH_LABEL.match(label):
        return _member_facts("BREAKTHROUGH_FOR", subject, items, "technology", "colon", 0.82, sentence)
    return []

"""The facts about platforms, parks and key projects of one sentence (called by :func:`rules.find_facts`).

Names come from :mod:`ingest.extract.carriers`; this module turns them into
raw facts and ties them to the cluster or chain the sentence is about:

=================  ======================================================  ==================================
fact               when                                                    confidence
=================  ======================================================  ==================================
PLATFORM / PARK    a name (kind and level as properties)                   0.85; 0.8 for ``A、B等C`` names
PROJECT            a key project (investor, investment_yi, stage, year)    0.85; 0.8 with neither investor nor
                                                                           investment
SERVES / SUPPORTS  a platform under a chain / cluster: in a list it heads   0.85 labelled, 0.8 under a heading
                   (服务（创新）平台：…, （三）创新平台。…), or in a sentence     or clause subject
                   whose subject is named in the sentence or a heading
                   above (not only in the title)
FOCUSES_ON         a park under a chain, in a list it heads (主要载体：…),   0.85 labelled / named, 0.8 under a
                   以P为主要载体, or P 重点发展/聚焦 X (X a chain, else the     heading or clause subject
                   chain the sentence is about)
IN_CHAIN           a project under a chain, as for platforms               as for platforms
INVESTED_BY        the investor a project's name starts with               the project's
AT_PARK            a park named in the project's clause (落户P, 在P开工)     the project's
=================  ======================================================  ==================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.extract.carriers import CarrierName, Vocabulary, find_names, find_projects, label_kind, vocabulary
from ingest.extract.lists import Item
from ingest.extract.normalize import NormalizedText
from ingest.extract.rules import GroupRef, RawFact

__all__ = ["CarrierState", "carrier_facts", "section_label", "document_city"]

_MARKERS = r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d)|[①-⑳])"
_LABEL_SENTENCE = re.compile(rf"^\s*{_MARKERS}?\s*(?P<label>[^，。；：:、]{{2,14}}?)\s*[。：:]?\s*$")
_COLON = re.compile(rf"\s*{_MARKERS}?\s*(?P<label>[^，。；：:、]{{2,14}}?)\s*[：:]")  # used with match(text, pos)
_ENTERPRISE = re.compile(r"^(?:(?:链主|龙头|重点|骨干|领军|头部|核心|标杆)+企业|链主)(?:名单)?$")
_CITY = re.compile(r"\s*(?P<city>[\u4e00-\u9fff]{2,3}?)市(?!委)")
_SUBJECT_HOW = ("clause", "heading", "leader", "after")  # subjects named in the sentence or a heading above


@dataclass
class CarrierState:
    """What carries over from sentence to sentence: the document's city, the list section, the section's year."""

    city: str | None = None
    section: str | None = None  # "Platform", "Park", "Project" or "Enterprise" under a label sentence
    section_year: int | None = None
    enterprises: set[str] = field(default_factory=set)  # enterprise names the document lists (for investors)


def document_city(clean: NormalizedText) -> str | None:
    """The city a document's title names (青川市… → 青川), for telling a city's own projects from a company's.

    >>> from ingest.extract.normalize import normalize
    >>> document_city(normalize("北湾市2022年政府工作报告\\n\\n正文。"))
    '北湾'
    """
    for start, end in clean.sentences[:3]:
        match = _CITY.match(clean.text, start, end)
        if match:
            return match.group("city")
    return None


def section_label(text: str, vocab: Vocabulary | None = None) -> str | None:
    """The kind of list a label sentence opens: （三）服务（创新）平台。 → Platform; （一）龙头骨干企业。 → Enterprise.

    >>> section_label("（二）重点项目。"), section_label("四、承载园区"), section_label("（一）龙头骨干企业。")
    ('Project', 'Park', 'Enterprise')
    >>> section_label("加快建设一批重点项目。") is None
    True
    """
    match = _LABEL_SENTENCE.match(text)
    if not match:
        return None
    label = match.group("label").strip()
    if _ENTERPRISE.match(label):
        return "Enterprise"
    return label_kind(label, vocab or vocabulary())


def heading_year(text: str) -> int | None:
    """The year a numbered section heading names (一、2023年工作回顾 → 2023), else None."""
    if not re.match(rf"^\s*{_MARKERS}", text):
        return None
    years = set(re.findall(r"(20\d\d)\s*年", text))
    return int(years.pop()) if len(years) == 1 else None


def _group(kind: str, start: int, end: int, name: str, confidence: float) -> GroupRef:
    return GroupRef(kind, start, end, name, "list", confidence)


def _item(start: int, end: int, name: str) -> Item:
    return Item(start, end, name)


def carrier_facts(ctx, sentence: tuple[int, int], subjects, state: CarrierState, claimed: list[tuple[int, int]],
                  enterprise_names: set[str]) -> list[RawFact]:
    """Platforms, parks and projects of ``sentence`` and their ties (see the module notes).

    ``claimed``: spans other rules read as technologies or enterprises (no platform or park there);
    ``enterprise_names``: enterprises the document has listed so far.
    """
    vocab = vocabulary()
    text = ctx.text
    start, end = sentence
    colon = _COLON.match(text, start, end)
    explicit = None
    if colon:
        explicit = label_kind(colon.group("label"), vocab)
    explicit = explicit or state.section

    def known_enterprise(name: str) -> bool:
        return name in enterprise_names or ctx.gazetteer.link("Enterprise", name).key is not None

    projects = find_projects(text, start, end, vocab, city=state.city, known_enterprise=known_enterprise,
                             section_year=state.section_year)
    blocked = [*claimed, *((p.start, p.end) for p in projects)]
    names = find_names(text, start, end, vocab, blocked=blocked, bounds=ctx.bounds)
    for s, e, label in ctx.known_carriers:  # names (not short forms) the graph knows need no ending (科教城)
        if start <= s and e <= end and not any(n.start < e and s < n.end for n in names) \
                and not any(b_s < e and s < b_e for b_s, b_e in blocked) \
                and ctx.gazetteer.link(label.title(), text[s:e]).match == "name":
            names.append(CarrierName(label.title(), s, e, text[s:e], None, None))
    names.sort(key=lambda n: n.start)
    facts: list[RawFact] = []
    for name in names:
        kind = "platform" if name.label == "Platform" else "park"
        properties = {k: v for k, v in (("kind", name.kind), ("level", name.level)) if v}
        notes = ["named as an item of the list closed by its kind (A、B等C)"] if name.composed else []
        facts.append(RawFact(name.label.upper(), _group(kind, name.start, name.end, name.name, name.confidence), None,
                             None, "carrier", name.confidence, sentence, properties=properties, notes=notes))
        facts += _tie(ctx, name, subjects.at(name.start, look_after=False), explicit, sentence, vocab)
    for project in projects:
        properties = {k: v for k, v in (("investment_yi", project.investment_yi), ("stage", project.stage),
                                        ("year", project.year), ("investor", project.investor)) if v is not None}
        group = _group("project", project.start, project.end, project.name, project.confidence)
        facts.append(RawFact("PROJECT", group, None, None, "project", project.confidence, sentence,
                             properties=properties, notes=list(project.notes)))
        if project.investor_span:
            s, e = project.investor_span
            facts.append(RawFact("INVESTED_BY", group, _item(s, e, project.investor), "enterprise", "project",
                                 project.confidence, sentence))
        if project.park_span:
            s, e = project.park_span
            facts.append(RawFact("AT_PARK", group, _item(s, e, project.park), "park", "project",
                                 project.confidence, sentence))
        subject = subjects.at(project.start, look_after=False)
        if subject is not None and subject.kind == "chain" and (explicit == "Project" or subject.how in _SUBJECT_HOW):
            confidence = 0.85 if explicit == "Project" else 0.8
            facts.append(RawFact("IN_CHAIN", subject, _item(project.start, project.end, project.name), "project",
                                 "project", confidence, sentence))
    return facts


def _tie(ctx, name: CarrierName, subject: GroupRef | None, explicit: str | None, sentence,
         vocab: Vocabulary) -> list[RawFact]:
    text = ctx.text
    member = _item(name.start, name.end, name.name)
    if name.label == "Platform":
        if subject is None:
            return []
        if explicit == "Platform" or (explicit is None and subject.how in _SUBJECT_HOW):
            relation = "SERVES" if subject.kind == "chain" else "SUPPORTS"
            confidence = 0.85 if explicit == "Platform" else 0.8
            return [RawFact(relation, subject, member, "platform", "carrier", confidence, sentence)]
        return []
    # a park: labelled, 以P为主要载体, or P 重点发展 X
    after = text[name.end:sentence[1]]
    focus = next((w for w in vocab.focus_words if after.startswith(w)), None)
    role = vocab.carrier_role.search(text, max(sentence[0], name.start - 1), sentence[1])
    if focus:
        target = re.match(r"(?P<name>[^，。；、和及]{2,20}?)(?P<head>产业链|产业集群|集群)", after[len(focus):])
        if target:
            chain = target.group("name")
            offset = name.end + len(focus)
            kind = "chain" if target.group("head") == "产业链" else "cluster"
            if kind == "chain":
                group = GroupRef("chain", offset, offset + len(chain), chain, "clause", 0.85)
                return [RawFact("FOCUSES_ON", group, member, "park", "carrier", 0.85, sentence)]
            return []
    if subject is None or subject.kind != "chain":
        return []
    if explicit == "Park" or (role and role.start("park") <= name.start < role.end("park")):
        return [RawFact("FOCUSES_ON", subject, member, "park", "carrier", 0.85, sentence)]
    if focus and subject.how in _SUBJECT_HOW:
        return [RawFact("FOCUSES_ON", subject, member, "park", "carrier", 0.8, sentence)]
    return []

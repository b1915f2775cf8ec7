"""The chain dossier (产业链档案): the 七个一 of one chain, as the documents say them and as the graph knows them.

Each advantage chain runs a "七个一" mechanism: one work plan, one service
team, a pool of leading enterprises, a set of key projects, a set of service
(innovation) platforms, an investment-promotion guidance catalogue and a
dynamic table of core-technology weak and strong points. :func:`chain_dossier`
gathers, for one chain and one region, the seven items and the parks (载体):

====  ========================  =====================================================================
 n    item                      what fills it
====  ========================  =====================================================================
 1    推进工作方案               what the documents say (MechanismItem ITEM_OF the chain), quoted
 2    服务团队                   what the documents say; the chain's 挂钩市领导 / 牵头部门 when named
 3    龙头骨干企业               the graph: LEADS (链主) and KEY_ENTERPRISE_OF (龙头骨干企业)
 4    重点项目                   the graph: Project IN_CHAIN the chain or FOR_SEGMENT one of its segments
 5    服务（创新）平台            the graph: :func:`queries.carriers.carriers` (SERVES, SUPPORTS, WORKS_ON, RUNS)
 6    招商指导目录               the analysis :func:`queries.catalog.chain_catalog` (summary)
 7    核心技术短板长板动态表      the analysis :func:`queries.shortboard.shortboard_table` (summary)
 附   载体园区                   the graph: parks that FOCUS_ON the chain or host its projects
====  ========================  =====================================================================

An item the graph holds nothing for is **empty**, with the reason, and is
never filled from elsewhere: the enterprises a cluster relies on are shown
beside an empty item 3 as ``related`` (labelled as not the chain's own list),
not in it. Items 6 and 7 are chainkg's analyses of the graph, not the city's
own documents; the dossier says so.

>>> from queries._fixture import fixture_store_with_carriers
>>> dossier = chain_dossier(fixture_store_with_carriers(), chain="示例链", region="常州市")
>>> [(i.number, i.title, i.state) for i in dossier.items]  # doctest: +NORMALIZE_WHITESPACE
[(1, '推进工作方案', '文件所述'), (2, '服务团队', '空'), (3, '龙头骨干企业', '空'), (4, '重点项目', '图谱所知'),
 (5, '服务（创新）平台', '图谱所知'), (6, '招商指导目录', '图谱分析'), (7, '核心技术短板长板动态表', '图谱分析'),
 (None, '载体园区', '图谱所知')]
>>> dossier.item("work_plan").statements[0].quote
'示例链已制定推进工作方案。'
>>> dossier.item("service_team").empty_reason
'图中没有文件对示例链服务团队的表述，也没有写明挂钩市领导或牵头部门'
>>> project = dossier.item("key_projects").entries[0]
>>> project.name, project.details["投资额（亿元）"], project.details["阶段"], project.details["园区"]
('乙整机二期项目', 12.5, '开工', '示例高新区')
>>> [e.name for e in dossier.item("leading_enterprises").related]
['乙示例整机有限公司']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.store import GraphStore
from queries._arrow import plain_value
from queries._reader import GraphReader
from queries.carriers import Carrier, Fact, carriers

__all__ = ["ITEMS", "STATES", "Statement", "Entry", "DossierItem", "ChainDossier", "chain_dossier", "DOSSIER_TOP"]

#: the seven items (key, title), in the order of the 七个一, then the parks (not one of the seven)
ITEMS = (("work_plan", "推进工作方案"), ("service_team", "服务团队"), ("leading_enterprises", "龙头骨干企业"),
         ("key_projects", "重点项目"), ("platforms", "服务（创新）平台"), ("catalog", "招商指导目录"),
         ("shortboard", "核心技术短板长板动态表"))
PARKS = ("parks", "载体园区")
#: what fills an item: the documents' words, the graph's facts, chainkg's analysis, or nothing
STATES = ("文件所述", "图谱所知", "图谱分析", "空")
DOCUMENTS, GRAPH, ANALYSIS, EMPTY = STATES
#: MechanismItem.item values quoted under each dossier item
_STATEMENT_ITEMS = {"work_plan": ("推进工作方案",), "service_team": ("服务团队", "挂钩市领导", "牵头部门"),
                    "leading_enterprises": ("龙头骨干企业",), "key_projects": ("重点项目",),
                    "platforms": ("服务（创新）平台",), "catalog": ("招商指导目录",),
                    "shortboard": ("核心技术短板长板动态表",)}
#: targets named in the catalogue summary
DOSSIER_TOP = 5


@dataclass(frozen=True)
class Statement:
    """What a document says about an item of the chain's mechanism, in its own words."""

    item: str
    quote: str
    status: str | None
    scope: str | None
    source: str
    as_of: str | None
    verified: bool | None


@dataclass(frozen=True)
class Entry:
    """One thing the graph knows for an item: a name, what it is, and the facts behind it."""

    name: str
    key: str | None
    label: str | None
    details: dict[str, Any]
    facts: tuple[Fact, ...] = ()


@dataclass
class DossierItem:
    """One item of the dossier: its state, the documents' statements, the graph's entries, or why it is empty."""

    number: int | None
    key: str
    title: str
    state: str
    statements: list[Statement] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    empty_reason: str | None = None
    #: things the graph ties to the chain otherwise, shown beside an item, never counted as its content
    related: list[Entry] = field(default_factory=list)
    related_note: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.state == EMPTY


@dataclass
class ChainDossier:
    """The seven items and the parks of one chain in one region."""

    chain: str
    chain_name: str
    region: str
    region_name: str
    clusters: list[dict[str, Any]]
    advantage_chain: bool | None
    mechanism: str | None
    items: list[DossierItem]
    as_of: str | None
    graph_as_of: str
    graph_digest: str
    sources: list[dict[str, Any]]
    caveats: list[str]

    def item(self, key: str) -> DossierItem:
        for item in self.items:
            if key in (item.key, item.title):
                return item
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return asdict(self)


def _text(value) -> str | None:
    value = plain_value(value)
    return None if value is None or value == "" else str(value)


def _date(value) -> str | None:
    value = plain_value(value)
    return None if value is None else str(value)[:10]


def _fact(row: dict, text: str, quote_column: str | None = "evidence") -> Fact:
    return Fact(text, _text(row.get(quote_column)) if quote_column else None, str(row.get("source")),
                _date(row.get("as_of")), plain_value(row.get("verified")))


class _Context:
    """The chain, its segments and clusters, the region's subtree, and every fact the dossier cites."""

    def __init__(self, store: GraphStore, chain: str, region: str, reader: GraphReader):
        self.store = store
        self.reader = reader
        self.chain = store.resolve("Chain", chain)
        found = store.resolve("Region", region)
        self.region, self.region_name = found.key, found.name
        self.local = reader.subtree(self.region)
        self.node = reader.nodes("Chain", [self.chain.key]).get(self.chain.key, {})
        self.segments = {r["from"] for r in reader.edges("SEGMENT_OF", "to", [self.chain.key])}
        self.cluster_edges = reader.edges("IN_CLUSTER", "from", [self.chain.key])
        self.clusters = reader.nodes("Cluster", [r["to"] for r in self.cluster_edges])
        self.cited: list[str] = []  # the source of every fact shown
        self.dates: list[str] = []  # and its as_of

    def cite(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            self.note(fact.source, fact.as_of)

    def note(self, source: str | None, as_of: str | None) -> None:
        if source:
            self.cited.append(source)
        if as_of:
            self.dates.append(as_of)

    def region_names(self, codes: Iterable[str]) -> dict[str, str]:
        codes = [c for c in codes if c]
        return self.reader.names("Region", codes) if codes else {}


def _statements(ctx: _Context) -> dict[str, list[Statement]]:
    """The MechanismItem statements about the chain, by item."""
    links = ctx.reader.edges("ITEM_OF", "to", [ctx.chain.key])
    out: dict[str, list[Statement]] = {}
    for key, row in sorted(ctx.reader.nodes("MechanismItem", [r["from"] for r in links]).items()):
        statement = Statement(str(row["item"]), str(row["quote"]), _text(row.get("status")), _text(row.get("scope")),
                              str(row["source"]), _date(row.get("as_of")), plain_value(row.get("verified")))
        out.setdefault(statement.item, []).append(statement)
        ctx.note(statement.source, statement.as_of)
    return out


def _elsewhere(ctx: _Context, item_values: tuple[str, ...]) -> str:
    """Which other chains the graph holds such statements for (so an empty item says where to look)."""
    keys = [k for k, row in ctx.reader.all_nodes("MechanismItem").items() if row["item"] in item_values]
    chains = sorted({r["to"] for r in ctx.reader.edges("ITEM_OF", "from", keys)} - {ctx.chain.key})
    if not chains:
        return ""
    names = ctx.reader.names("Chain", chains)
    return f"（图中只有{'、'.join(names[c] or c for c in chains)}的此类表述）"


def _document_item(ctx: _Context, number: int, key: str, title: str,
                   statements: dict[str, list[Statement]]) -> DossierItem:
    said = [s for value in _STATEMENT_ITEMS[key] for s in statements.get(value, [])]
    item = DossierItem(number, key, title, DOCUMENTS if said else EMPTY, statements=said)
    if key == "service_team":
        for column, label in (("city_leader", "挂钩市领导"), ("lead_department", "牵头部门")):
            value = _text(ctx.node.get(column))
            if value:
                fact = _fact(ctx.node, f"{ctx.chain.name}.{column} = {value}", None)
                item.entries.append(Entry(value, None, None, {"角色": label}, (fact,)))
                ctx.cite([fact])
        if item.entries:
            item.state = DOCUMENTS
    if item.state == EMPTY:
        extra = "，也没有写明挂钩市领导或牵头部门" if key == "service_team" else ""
        item.empty_reason = f"图中没有文件对{ctx.chain.name}{title}的表述{extra}{_elsewhere(ctx, _STATEMENT_ITEMS[key])}"
    return item


def _place(ctx: _Context, code: str | None) -> tuple[str | None, bool | None]:
    if not code:
        return None, None
    return ctx.region_names([code]).get(code, code), code in ctx.local


def _leading_enterprises(ctx: _Context, statements: dict[str, list[Statement]]) -> DossierItem:
    chain = ctx.chain
    item = DossierItem(3, "leading_enterprises", "龙头骨干企业", EMPTY,
                       statements=list(statements.get("龙头骨干企业", [])))
    edges = [("LEADS", r) for r in ctx.reader.edges("LEADS", "to", [chain.key])]
    edges += [("KEY_ENTERPRISE_OF", r) for r in ctx.reader.edges("KEY_ENTERPRISE_OF", "to", [chain.key])]
    keys = [r["from"] for _, r in edges]
    names = ctx.reader.names("Enterprise", keys)
    located = {r["from"]: r["to"] for r in reversed(ctx.reader.edges("LOCATED_IN", "from", keys))}
    for rel, row in edges:
        who = names.get(row["from"]) or row["from"]
        role = "链主" if rel == "LEADS" else (_text(row.get("role")) or "龙头骨干企业")
        place, local = _place(ctx, located.get(row["from"]))
        fact = _fact(row, f"{who} —{rel}→ {chain.name}")
        item.entries.append(Entry(who, row["from"], "Enterprise",
                                  {"角色": role, "原文写法": _text(row.get("as_written")), "所在地": place,
                                   "本地": local}, (fact,)))
        ctx.cite([fact])
    if item.entries:
        item.state = GRAPH
    else:
        said = "；文件只给出总数或要求，未列名单" if item.statements else ""
        item.empty_reason = f"图中没有{chain.name}的链主或龙头骨干企业{said}"
    # beside it: the enterprises a cluster of the chain relies on that make the chain's products locally
    anchors = ctx.reader.edges("ANCHORS", "to", list(ctx.clusters))
    operates = {}
    for r in ctx.reader.edges("OPERATES_IN", "from", [a["from"] for a in anchors]):
        if r["to"] in ctx.segments:
            operates.setdefault(r["from"], []).append(r)
    if operates:
        seg_names = ctx.reader.names("Segment", ctx.segments)
        ent_names = ctx.reader.names("Enterprise", operates)
        located = {r["from"]: r["to"] for r in reversed(ctx.reader.edges("LOCATED_IN", "from", operates))}
        seen = set()
        for a in anchors:
            key = a["from"]
            if key not in operates or key in seen:
                continue
            place, local = _place(ctx, located.get(key))
            if local is False:
                continue
            seen.add(key)
            cluster = ctx.clusters[a["to"]]["name"]
            facts = (_fact(a, f"{ent_names[key] or key} —ANCHORS→ {cluster}（原文：{_text(a.get('as_written')) or ''}）",
                           None),
                     *(_fact(r, f"{ent_names[key] or key} —OPERATES_IN→ {seg_names[r['to']]}", None)
                       for r in operates[key]))
            item.related.append(Entry(ent_names[key] or key, key, "Enterprise",
                                      {"集群": cluster, "环节": "、".join(seg_names[r["to"]] for r in operates[key]),
                                       "所在地": place}, facts))
            ctx.cite(facts)
        if item.related:
            item.related_note = (f"所属集群依托的重点企业中经营{chain.name}环节的本地企业；"
                                 "文件没有把它们列为本链的龙头骨干企业，仅供参考")
    return item


def _projects(ctx: _Context, statements: dict[str, list[Statement]]) -> DossierItem:
    chain = ctx.chain
    item = DossierItem(4, "key_projects", "重点项目", EMPTY, statements=list(statements.get("重点项目", [])))
    members = {r["from"]: r for r in ctx.reader.edges("IN_CHAIN", "to", [chain.key])}
    for r in ctx.reader.edges("FOR_SEGMENT", "to", ctx.segments):
        members.setdefault(r["from"], r)
    projects = ctx.reader.nodes("Project", members)
    investors = {}
    for r in ctx.reader.edges("INVESTED_BY", "from", projects):
        investors.setdefault(r["from"], []).append(r)
    parks = {}
    for r in ctx.reader.edges("AT_PARK", "from", projects):
        parks.setdefault(r["from"], r)
    park_nodes = ctx.reader.nodes("Park", [r["to"] for r in parks.values()])
    park_places = {r["from"]: r["to"] for r in ctx.reader.edges("PARK_LOCATED_IN", "from", park_nodes)}
    places = {r["from"]: r["to"] for r in ctx.reader.edges("PROJECT_LOCATED_IN", "from", projects)}
    ent_names = ctx.reader.names("Enterprise", [r["to"] for rows in investors.values() for r in rows])
    seg_names = ctx.reader.names("Segment", ctx.segments)
    dropped = 0
    for key in sorted(projects, key=lambda k: (str(projects[k]["name"]), k)):
        row = projects[key]
        park_edge = parks.get(key)
        code = places.get(key) or (park_places.get(park_edge["to"]) if park_edge else None)
        place, local = _place(ctx, code)
        if local is False:
            dropped += 1
            continue
        member = members[key]
        if member["to"] == chain.key:
            membership = f"{row['name']} —IN_CHAIN→ {chain.name}"
        else:
            membership = f"{row['name']} —FOR_SEGMENT→ {seg_names.get(member['to']) or member['to']}"
        facts = [_fact(row, f"重点项目 {row['name']}"), _fact(member, membership)]
        who = [ent_names.get(r["to"]) or r["to"] for r in investors.get(key, [])]
        facts += [_fact(r, f"{row['name']} —INVESTED_BY→ {name}") for r, name in zip(investors.get(key, []), who)]
        park_name = None
        if park_edge:
            park_name = str(park_nodes.get(park_edge["to"], {}).get("name", park_edge["to"]))
            facts.append(_fact(park_edge, f"{row['name']} —AT_PARK→ {park_name}"))
        details = {"投资方": "、".join(who) or _text(row.get("investor")),
                   "投资额（亿元）": plain_value(row.get("investment_yi")), "阶段": _text(row.get("stage")),
                   "年份": plain_value(row.get("year")), "园区": park_name, "所在地": place or "图中未知"}
        item.entries.append(Entry(str(row["name"]), key, "Project", details, tuple(facts)))
        ctx.cite(facts)
    if item.entries:
        item.state = GRAPH
    else:
        elsewhere = f"；另有 {dropped} 个位于{ctx.region_name}以外" if dropped else ""
        said = "；文件只给出总数或要求，未列名单" if item.statements else ""
        item.empty_reason = f"图中没有{chain.name}在{ctx.region_name}的重点项目{elsewhere}{said}"
    return item


def _carrier_entry(carrier: Carrier) -> Entry:
    facts = tuple(f for link in carrier.links for f in link.facts)
    details = {"类别": carrier.kind, "级别": carrier.level, "状态": carrier.status, "所在地": carrier.region_name,
               "关联": "；".join(link.via for link in carrier.links)}
    node_fact = Fact(f"{carrier.label} {carrier.name}", carrier.evidence, carrier.source, carrier.as_of, carrier.verified)
    return Entry(carrier.name, carrier.key, carrier.label, details, (node_fact, *facts))


def _carrier_items(ctx: _Context, statements: dict[str, list[Statement]]) -> tuple[DossierItem, DossierItem]:
    found = carriers(ctx.store, chain=ctx.chain.key, region=ctx.region, reader=ctx.reader)
    platforms = DossierItem(5, "platforms", "服务（创新）平台", EMPTY, statements=list(statements.get("服务（创新）平台", [])))
    platforms.entries = [_carrier_entry(c) for c in found.platforms]
    unlocated = [c for c in found.unlocated if c.label == "Platform"]
    if unlocated:
        platforms.related = [_carrier_entry(c) for c in unlocated]
        platforms.related_note = "图中不知道这些平台位于何处，未计为本地平台"
    parks = DossierItem(None, *PARKS, EMPTY)
    parks.entries = [_carrier_entry(c) for c in found.parks]
    for item in (platforms, parks):
        ctx.cite(f for e in [*item.entries, *item.related] for f in e.facts)
        if item.entries:
            item.state = GRAPH
    elsewhere = f"；另有 {found.elsewhere} 个位于{ctx.region_name}以外" if found.elsewhere else ""
    if platforms.empty:
        platforms.empty_reason = (f"图中没有平台服务{ctx.chain.name}、支撑其所属集群、研发其关键技术或由其环节企业运营"
                                  f"{elsewhere}")
    if parks.empty:
        parks.empty_reason = f"图中没有园区重点发展{ctx.chain.name}或其环节，也没有本链项目落户的园区{elsewhere}"
        parks_everywhere = ctx.reader.all_nodes("Park")
        located = ctx.reader.edges("PARK_LOCATED_IN", "from", parks_everywhere)
        local_keys = [r["from"] for r in located if r["to"] in ctx.local]
        if local_keys:
            nodes = sorted(ctx.reader.nodes("Park", local_keys).items(), key=lambda kv: str(kv[1]["name"]))
            for key, row in nodes:
                details = {"类别": _text(row.get("kind")), "级别": _text(row.get("level"))}
                parks.related.append(Entry(str(row["name"]), key, "Park", details, (_fact(row, f"Park {row['name']}"),)))
            parks.related_note = f"{ctx.region_name}图中的园区（未与{ctx.chain.name}关联），供选址参考"
            ctx.cite(f for e in parks.related for f in e.facts)
    return platforms, parks


def _catalog_item(ctx: _Context, catalog, statements: dict[str, list[Statement]]) -> DossierItem:
    from queries.catalog import pct

    item = DossierItem(6, "catalog", "招商指导目录", ANALYSIS, statements=list(statements.get("招商指导目录", [])))
    directions: dict[str, int] = {}
    for line in catalog.directions:
        directions[line.direction] = directions.get(line.direction, 0) + 1
    o = catalog.overview
    item.summary = {"环节数": o.segment_count, "产业链完整度": pct(o.completeness) or None,
                    "缺链": o.status_counts.get("缺链", 0), "弱链": o.status_counts.get("弱链", 0),
                    "强链": o.status_counts.get("强链", 0), "招商方向": directions, "候选目标企业": catalog.candidates,
                    "列出": len(catalog.targets), "数据截至": catalog.as_of}
    for row in catalog.targets:
        item.entries.append(Entry(row.name, row.key, "Enterprise",
                                  {"名次": row.rank, "得分": row.score, "环节": row.segments, "招商方向": row.directions,
                                   "所在地": row.place}))
    for line in catalog.directions:
        item.related.append(Entry(line.name, line.key, line.label,
                                  {"现状": line.status, "招商方向": line.direction, "依据": line.why,
                                   "目标企业数": line.targets}))
    item.related_note = "招商方向（每个缺链、弱链环节和需引进的关键技术）"
    item.notes = ["chainkg 对图谱数据的分析，不是城市正式发布的招商指导目录",
                  *catalog.caveats]
    for source in catalog.sources:
        ctx.note(source["id"], None)
    ctx.note(None, catalog.as_of)
    return item


@dataclass(frozen=True)
class _BoardRows:
    """The 短板长板 rows the dossier shows, from a :class:`~queries.shortboard.ShortboardTable` or a catalogue."""

    rows: list[tuple[str, str, str, str, str, str]]  # segment key, name, mark, status, technologies, reasons
    counts: dict[str, int]
    as_of: str | None
    caveats: list[str]


def _shortboard_rows(table) -> _BoardRows:
    rows = [(r.segment, r.segment_name, r.mark, r.status,
             "、".join(f"{t.name}（{t.dependence}）" for t in r.technologies), "；".join(r.mark_reasons))
            for r in table.rows]
    return _BoardRows(rows, dict(table.counts), table.as_of, list(table.caveats))


def _catalog_shortboard_rows(catalog) -> _BoardRows:
    rows = [(line.segment, line.name, line.mark, line.status, "、".join(line.technologies), "；".join(line.reasons))
            for line in catalog.shortboard]
    return _BoardRows(rows, dict(catalog.shortboard_counts), catalog.as_of, [])


def _shortboard_item(ctx: _Context, board: _BoardRows, statements: dict[str, list[Statement]]) -> DossierItem:
    item = DossierItem(7, "shortboard", "核心技术短板长板动态表", ANALYSIS,
                       statements=list(statements.get("核心技术短板长板动态表", [])))
    item.summary = {**{mark: board.counts.get(mark, 0) for mark in ("短板", "长板")}, "数据截至": board.as_of}
    for segment, name, mark, status, techs, reasons in board.rows:
        item.entries.append(Entry(name, segment, "Segment", {"短板/长板": mark, "状态": status, "关键技术": techs,
                                                             "理由": reasons}))
    item.notes = ["chainkg 对图谱数据的分析，不是城市正式发布的动态表", *board.caveats]
    ctx.note(None, board.as_of)
    return item


def _sources(reader: GraphReader, cited: list[str]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for source in cited:
        counts[source] = counts.get(source, 0) + 1
    if not counts:
        return []
    table = reader.nodes("Source", list(counts))
    return [{"id": s, "title": _text(table.get(s, {}).get("title")), "kind": _text(table.get(s, {}).get("kind")),
             "licence": _text(table.get(s, {}).get("licence")), "attribution": _text(table.get(s, {}).get("attribution")),
             "cited": n} for s, n in sorted(counts.items())]


def chain_dossier(store: GraphStore, *, chain: str, region: str | None = None, top: int = DOSSIER_TOP,
                  catalog=None, include_synthetic: bool | None = None,
                  reader: GraphReader | None = None, report=None, shared=None) -> ChainDossier:
    """The dossier of ``chain`` (name, short name or key) in ``region`` (code, name or short name; default 常州市).

    ``catalog``: the chain's :class:`queries.catalog.ChainCatalog` when the caller has one (the
    catalogue does: its 短板长板 section is reused), else it is made here with the ``top`` targets and the
    短板长板 table with :func:`queries.shortboard.shortboard_table`. ``reader``: a
    :class:`queries._reader.GraphReader` shared by the dossiers of many chains. Without ``catalog``:
    ``report``, the chain's :class:`queries.gaps.ChainGapReport` in ``region`` when the caller has made it
    (not made again), and ``shared``, a :class:`queries.shared.SharedWork` for the targets (the work the
    region's chains have in common, as the catalogue and the web workbench keep it).
    """
    from queries.catalog import chain_catalog
    from queries.gaps import DEFAULT_REGION, chain_gaps

    ctx = _Context(store, chain, region or DEFAULT_REGION, reader or GraphReader(store))
    if catalog is None:
        if report is None:
            report = chain_gaps(store, chain=ctx.chain.key, region=ctx.region, include_synthetic=include_synthetic)
        elif (report.chain, report.region) != (ctx.chain.key, ctx.region):
            raise ValueError(f"the gap report is of {report.chain} in {report.region}, "
                             f"not of {ctx.chain.key} in {ctx.region}")
        catalog = chain_catalog(store, chain=ctx.chain.key, report=report, top=top, shared=shared)
        table = _shortboard_rows(catalog.shortboard_table)  # the catalogue's own, not made a second time
    else:
        table = _catalog_shortboard_rows(catalog)
    statements = _statements(ctx)
    platforms, parks = _carrier_items(ctx, statements)
    items = [_document_item(ctx, 1, "work_plan", "推进工作方案", statements),
             _document_item(ctx, 2, "service_team", "服务团队", statements),
             _leading_enterprises(ctx, statements), _projects(ctx, statements), platforms,
             _catalog_item(ctx, catalog, statements), _shortboard_item(ctx, table, statements), parks]
    sources = _sources(ctx.reader, ctx.cited)
    caveats = ["“空”表示图中没有该项内容，不表示该市没有；空项不从别处填补",
               *([f"{ctx.chain.name}是否为实行七个一机制的优势产业链，图中未知"]
                 if plain_value(ctx.node.get("advantage_chain")) is None else []),
               "招商指导目录、短板长板两项是 chainkg 对图谱数据的分析，不是城市正式文件"]
    facts = [f for i in items for e in [*i.entries, *i.related] for f in e.facts]
    if any(f.verified is False for f in facts):
        caveats.append("标为未核实的事实（curated-public-knowledge）是公开常识，未与文件核对")
    if any(f.source == "curated" for f in facts):
        caveats.append("来源为 curated 的关联是整理者依据原文（名称、所列领域）所作的判读，原文一并引出")
    if any(s.get("kind") == "synthetic" for s in sources):
        caveats.append("档案包含合成（synthetic）数据，不是真实情况")
    for s in sources:
        if s.get("attribution"):
            caveats.append(f"来源 {s['id']} 要求署名：{s['attribution']}")
    info = store.info()
    dates = ctx.dates
    return ChainDossier(
        chain=ctx.chain.key, chain_name=ctx.chain.name, region=ctx.region, region_name=ctx.region_name,
        clusters=[{"key": k, "name": str(r["name"])} for k, r in sorted(ctx.clusters.items())],
        advantage_chain=plain_value(ctx.node.get("advantage_chain")), mechanism=_text(ctx.node.get("mechanism")),
        items=items, as_of=max(dates) if dates else None, graph_as_of=info.as_of, graph_digest=info.digest,
        sources=sources, caveats=caveats)

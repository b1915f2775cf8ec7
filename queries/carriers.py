"""载体 and 平台: the parks and the platforms tied to a chain, a segment or a technology, with the facts that tie them.

For 招商 staff a park is where a target lands and a platform is a reason to
come. :func:`carriers` answers, for one chain, segment or technology (and a
region), which parks and which platforms the graph ties to it and why:

=============  ===========================================================  ==========================
what           how the graph ties it                                        ``via``
=============  ===========================================================  ==========================
platform       SERVES the chain (of the segment)                            服务产业链 X
platform       WORKS_ON the technology / a technology KEY_TO the segment    研发或服务技术 T
platform       SUPPORTS a cluster the chain belongs to                      支撑所属集群 C
platform       RUNS by an enterprise that OPERATES_IN the segment           由 E 运营（经营环节 S）
park           FOCUSES_ON the chain or the segment (a segment's chain too)  重点发展 X
park           a key project of the chain is AT_PARK the park               本链重点项目 P 落户
=============  ===========================================================  ==========================

Each tie carries its facts (:class:`Fact`: the relationship, the source's
words, ``source``, ``as_of``, ``verified``). With a region, only parks and
platforms located in it (``PARK_LOCATED_IN`` / ``PLATFORM_LOCATED_IN`` within
its subtree) are kept; those whose location the graph does not know are
listed apart (``unlocated``), never counted as local.

>>> from queries._fixture import fixture_store_with_carriers
>>> found = carriers(fixture_store_with_carriers(), segment="部件", region="常州市")
>>> [(c.name, [link.via for link in c.links]) for c in found.platforms]
[('示例控制研究院', ['研发或服务技术 示例控制技术'])]
>>> [(c.name, c.level, [link.via for link in c.links]) for c in found.parks]
[('示例高新区', '国家级', ['重点发展 部件'])]
>>> found.platforms[0].links[0].facts[0].source
'synthetic'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from chainkg.errors import ChainkgError
from graph.store import GraphStore
from queries._arrow import plain_value
from queries._reader import GraphReader

__all__ = ["Fact", "CarrierLink", "Carrier", "Carriers", "carriers", "CARRIER_LOCATIONS"]

#: the relationship type that says where a park or a platform is
CARRIER_LOCATIONS = {"Platform": "PLATFORM_LOCATED_IN", "Park": "PARK_LOCATED_IN"}
_PROV = ["source", "as_of", "verified"]


@dataclass(frozen=True)
class Fact:
    """One fact behind a tie: what it says (``a —TYPE→ b``), the source's words, where from and when."""

    text: str
    quote: str | None
    source: str
    as_of: str | None
    verified: bool | None
    #: the keys of the relationship's two ends (``a`` and ``b`` of ``a —TYPE→ b``)
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class CarrierLink:
    """Why a park or platform is tied to the subject: a short phrase and the facts behind it."""

    relation: str
    via: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Carrier:
    """A park or a platform, where it is, and its ties to the subject."""

    label: str
    key: str
    name: str
    kind: str | None
    level: str | None
    status: str | None
    region: str | None
    region_name: str | None
    local: bool | None
    links: tuple[CarrierLink, ...]
    source: str
    as_of: str | None
    verified: bool | None
    evidence: str | None


@dataclass
class Carriers:
    """The parks and platforms of one subject (a chain, a segment or a technology) in a region."""

    subject_label: str
    subject: str
    subject_name: str
    region: str | None
    region_name: str | None
    platforms: list[Carrier]
    parks: list[Carrier]
    #: tied to the subject but located outside the region (counted, not listed)
    elsewhere: int = 0
    #: tied to the subject, location unknown: not counted as local
    unlocated: list[Carrier] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(value) -> str | None:
    value = plain_value(value)
    return None if value is None or value == "" else str(value)


def _fact(row: dict, text: str, quote_column: str | None = "evidence") -> Fact:
    quote = _text(row.get(quote_column)) if quote_column else None
    as_of = plain_value(row.get("as_of"))
    return Fact(text, quote, str(row.get("source")), None if as_of is None else str(as_of)[:10],
                plain_value(row.get("verified")), _text(row.get("from")), _text(row.get("to")))


def _subject(store: GraphStore, chain: str | None, segment: str | None, technology: str | None):
    given = [(label, name) for label, name in (("Chain", chain), ("Segment", segment), ("Technology", technology))
             if name is not None]
    if len(given) != 1:
        raise ChainkgError("say what the parks and platforms are for: one chain, segment or technology",
                           hint="e.g. carriers(store, chain='石墨烯') or carriers(store, segment='石墨烯薄膜')")
    label, name = given[0]
    return store.resolve(label, name)


def _operators_running_platforms(reader: GraphReader, segments: set[str]) -> tuple[list[dict], list[dict]]:
    """(RUNS rows, OPERATES_IN rows) of the enterprises that run a platform and operate in one of ``segments``.

    A segment has up to hundreds of thousands of enterprises and a graph a few platform operators: when
    RUNS is the smaller table it is read whole and only its enterprises' OPERATES_IN rows are looked up;
    otherwise the segments' enterprises are looked up first. Both give the same rows: RUNS in table order
    per enterprise, OPERATES_IN by enterprise and segment key.
    """
    if not segments:
        return [], []
    if reader.size("RUNS") <= reader.size("OPERATES_IN") and reader.is_small("RUNS"):
        runners = list(dict.fromkeys(str(r["from"]) for r in reader.all_edges("RUNS")))
        theirs = reader.remember(("OPERATES_IN of RUNS",), lambda: reader.edges("OPERATES_IN", "from", runners))
        operators = [r for r in theirs if str(r["to"]) in segments]
    else:
        operators = reader.edges("OPERATES_IN", "to", sorted(segments))
    operating = {str(r["from"]) for r in operators}
    if not operating:
        return [], []
    operators = sorted(operators, key=lambda r: (str(r["from"]), str(r["to"])))  # stable: table order per pair
    runs = reader.edges("RUNS", "from", sorted(operating))
    return runs, operators


def carriers(store: GraphStore, *, chain: str | None = None, segment: str | None = None,
             technology: str | None = None, region: str | None = None, reader: GraphReader | None = None) -> Carriers:
    """The parks and platforms tied to one chain, segment or technology (name, short name or key).

    ``region`` (code, name or short name): keep those located in it; the others are counted
    (``elsewhere``) or, when their location is unknown, listed apart (``unlocated``). ``reader``: a
    :class:`queries._reader.GraphReader` shared by many calls (the catalogue's chains).
    """
    match = _subject(store, chain, segment, technology)
    reader = reader or GraphReader(store)

    # the scope: chains, segments and technologies the subject stands for
    if match.label == "Chain":
        chains = {match.key}
        segments = {r["from"] for r in reader.edges("SEGMENT_OF", "to", chains)}
        technologies = {r["from"] for r in reader.edges("KEY_TO", "to", segments)}
    elif match.label == "Segment":
        segments = {match.key}
        chains = {r["to"] for r in reader.edges("SEGMENT_OF", "from", segments)}
        technologies = {r["from"] for r in reader.edges("KEY_TO", "to", segments)}
    else:
        technologies = {match.key}
        segments = {r["to"] for r in reader.edges("KEY_TO", "from", technologies)}
        chains = {r["to"] for r in reader.edges("SEGMENT_OF", "from", segments)}
    clusters = {r["to"]: r for r in reader.edges("IN_CLUSTER", "from", chains)} if match.label == "Chain" else {}

    ties: dict[tuple[str, str], list[CarrierLink]] = {}

    def tie(label: str, key: str, link: CarrierLink) -> None:
        ties.setdefault((label, key), [])
        if link not in ties[(label, key)]:
            ties[(label, key)].append(link)

    chain_names = reader.names("Chain", chains)
    # a chain's parks and platforms serve each of its segments too; a technology's reach no further than its segments
    own_chains = chains if match.label in ("Chain", "Segment") else set()
    for r in reader.edges("SERVES", "to", own_chains):
        text = f"{reader.one('Platform', r['from'])} —SERVES→ {chain_names[r['to']]}"
        tie("Platform", r["from"], CarrierLink("SERVES", f"服务产业链 {chain_names[r['to']]}", (_fact(r, text),)))
    if match.label == "Chain":
        cluster_names = reader.names("Cluster", clusters)
        for r in reader.edges("SUPPORTS", "to", clusters):
            text = f"{reader.one('Platform', r['from'])} —SUPPORTS→ {cluster_names[r['to']]}"
            membership = clusters[r["to"]]
            facts = (_fact(r, text), _fact(membership, f"{chain_names[membership['from']]} —IN_CLUSTER→ "
                                                       f"{cluster_names[r['to']]}", None))
            tie("Platform", r["from"], CarrierLink("SUPPORTS", f"支撑所属集群 {cluster_names[r['to']]}", facts))
    tech_names = reader.names("Technology", technologies)
    for r in reader.edges("WORKS_ON", "to", technologies):
        text = f"{reader.one('Platform', r['from'])} —WORKS_ON→ {tech_names[r['to']]}"
        tie("Platform", r["from"], CarrierLink("WORKS_ON", f"研发或服务技术 {tech_names[r['to']]}", (_fact(r, text),)))
    segment_names = reader.names("Segment", segments)
    runs, operators = _operators_running_platforms(reader, segments)
    if runs:
        by_enterprise: dict[str, list[dict]] = {}
        for r in operators:
            by_enterprise.setdefault(r["from"], []).append(r)
        enterprise_names = reader.names("Enterprise", by_enterprise)
        for r in runs:
            who = enterprise_names[r["from"]]
            ops = by_enterprise.get(r["from"], [])
            facts = (_fact(r, f"{who} —RUNS→ {reader.one('Platform', r['to'])}"),
                     *(_fact(op, f"{who} —OPERATES_IN→ {segment_names[op['to']]}", None) for op in ops))
            where = "、".join(dict.fromkeys(segment_names[op["to"]] for op in ops))
            tie("Platform", r["to"], CarrierLink("RUNS", f"由 {who} 运营（经营环节 {where}）", facts))
    for end_keys, end_names in ((own_chains, chain_names), (segments, segment_names)):
        for r in reader.edges("FOCUSES_ON", "to", end_keys):
            if r.get("to_label") not in (None, "", "Chain" if end_names is chain_names else "Segment"):
                continue
            text = f"{reader.one('Park', r['from'])} —FOCUSES_ON→ {end_names[r['to']]}"
            tie("Park", r["from"], CarrierLink("FOCUSES_ON", f"重点发展 {end_names[r['to']]}", (_fact(r, text),)))
    if match.label == "Chain":
        projects = {r["from"]: r for r in reader.edges("IN_CHAIN", "to", chains)}
        projects.update({r["from"]: r for r in reader.edges("FOR_SEGMENT", "to", segments) if r["from"] not in projects})
        project_names = reader.names("Project", projects)
        for r in reader.edges("AT_PARK", "from", projects):
            member = projects[r["from"]]
            facts = (_fact(r, f"{project_names[r['from']]} —AT_PARK→ {reader.one('Park', r['to'])}"),
                     _fact(member, f"{project_names[r['from']]} —IN_CHAIN→ {match.name}"))
            tie("Park", r["to"], CarrierLink("AT_PARK", f"本链重点项目 {project_names[r['from']]} 落户", facts))

    code = region_name = None
    local_codes: set[str] | None = None
    if region is not None:
        found = store.resolve("Region", region)
        code, region_name = found.key, found.name
        local_codes = reader.subtree(code)
    out = Carriers(match.label, match.key, match.name, code, region_name, [], [])
    for label in ("Platform", "Park"):
        keys = [k for (lab, k) in ties if lab == label]
        if not keys:
            continue
        nodes = reader.nodes(label, keys)
        located = {}
        for r in reader.edges(CARRIER_LOCATIONS[label], "from", keys):
            located.setdefault(r["from"], r["to"])
        place_names = reader.names("Region", located.values())
        for key in sorted(keys, key=lambda k: (str(nodes.get(k, {}).get("name", k)), k)):
            node = nodes.get(key)
            if node is None:
                continue
            where = located.get(key)
            local = None if where is None or local_codes is None else where in local_codes
            carrier = Carrier(label, key, str(node["name"]), _text(node.get("kind")), _text(node.get("level")),
                              _text(node.get("status")), where, place_names.get(where) if where else None, local,
                              tuple(ties[(label, key)]), str(node["source"]),
                              None if plain_value(node.get("as_of")) is None else str(node["as_of"])[:10],
                              plain_value(node.get("verified")), _text(node.get("evidence")))
            if local_codes is not None and where is None:
                out.unlocated.append(carrier)
            elif local is False:
                out.elsewhere += 1
            else:
                (out.platforms if label == "Platform" else out.parks).append(carrier)
    return out

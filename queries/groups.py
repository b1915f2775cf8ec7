"""Corporate groups (集团): which enterprises belong together through SUBSIDIARY_OF / BRANCH_OF.

A group is a connected set of enterprises linked by ``SUBSIDIARY_OF`` (子公司 →
母公司) or ``BRANCH_OF`` (分公司 → 总公司), in either direction and
transitively: a parent, its subsidiaries and their branches are one group.
For 招商 this means: a local subsidiary is local presence of its whole group,
so the group's other members are not new targets but a case for 增资扩产 /
以商招商 through the local member (:mod:`queries.targets`).

>>> from graph.memory import TableStore
>>> from graph.tables import GraphTables
>>> from graph.schema import load_schema
>>> import pandas as pd
>>> tables = GraphTables(load_schema())
>>> tables.nodes["Enterprise"] = pd.DataFrame({"id": ["p", "c", "b", "x"], "name": ["母公司", "子公司", "分公司", "无关"]})
>>> prov = {"source": "curated", "as_of": "2026-01-01", "verified": True}
>>> tables.edges["SUBSIDIARY_OF"] = pd.DataFrame([{"from": "c", "to": "p", **prov}])
>>> tables.edges["BRANCH_OF"] = pd.DataFrame([{"from": "b", "to": "c", **prov}])
>>> groups = enterprise_groups(TableStore(tables))
>>> sorted(groups.members("b")), groups.members("x")
(['b', 'c', 'p'], ())
>>> [(link.child_name, link.kind, link.parent_name) for link in groups.path("p", "b")]
[('子公司', 'SUBSIDIARY_OF', '母公司'), ('分公司', 'BRANCH_OF', '子公司')]
>>> groups.path("p", "b")[0].words
'子公司 是 母公司 的子公司'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from graph.store import GraphStore

__all__ = ["GROUP_RELATIONSHIPS", "GroupLink", "EnterpriseGroups", "enterprise_groups"]

#: the relationship types that tie an enterprise to its group, child → parent
GROUP_RELATIONSHIPS = {"SUBSIDIARY_OF": "子公司", "BRANCH_OF": "分支机构"}


@dataclass(frozen=True)
class GroupLink:
    """One SUBSIDIARY_OF / BRANCH_OF fact: ``child`` belongs to ``parent``, with its provenance."""

    child: str
    child_name: str
    kind: str
    parent: str
    parent_name: str
    source: str
    as_of: str
    verified: bool
    as_written: str = ""

    @property
    def words(self) -> str:
        """The link in plain Chinese."""
        return f"{self.child_name} 是 {self.parent_name} 的{GROUP_RELATIONSHIPS.get(self.kind, '成员')}"


@dataclass
class EnterpriseGroups:
    """Every group link of a store, indexed: members of an enterprise's group and the links between two."""

    links: list[GroupLink] = field(default_factory=list)
    _neighbours: dict[str, list[tuple[str, GroupLink]]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for link in self.links:
            self._neighbours.setdefault(link.child, []).append((link.parent, link))
            self._neighbours.setdefault(link.parent, []).append((link.child, link))

    def members(self, enterprise: str) -> tuple[str, ...]:
        """The enterprises of ``enterprise``'s group, itself included; () when it has no group link."""
        if enterprise not in self._neighbours:
            return ()
        seen, todo = {enterprise}, [enterprise]
        while todo:
            for other, _ in self._neighbours.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return tuple(sorted(seen))

    def path(self, start: str, end: str) -> list[GroupLink]:
        """The links from ``start`` to ``end`` through the group (shortest; [] when not in one group)."""
        previous: dict[str, tuple[str, GroupLink] | None] = {start: None}
        todo = [start]
        while todo and end not in previous:
            nxt = []
            for node in todo:
                for other, link in sorted(self._neighbours.get(node, ()), key=lambda item: item[0]):
                    if other not in previous:
                        previous[other] = (node, link)
                        nxt.append(other)
            todo = nxt
        if end not in previous or start == end:
            return []
        out = []
        node = end
        while previous[node] is not None:
            node, link = previous[node]
            out.append(link)
        return out[::-1]

    def present_through(self, enterprises: Iterable[str], local: Callable[[str], bool]) -> dict[str, list[str]]:
        """For each of ``enterprises`` (not local itself), the members of its group that are local."""
        out: dict[str, list[str]] = {}
        for key in enterprises:
            members = [m for m in self.members(key) if m != key and local(m)]
            if members:
                out[key] = members
        return out


def enterprise_groups(store: GraphStore, *, keep: Callable[[pd.DataFrame], pd.DataFrame] | None = None
                      ) -> EnterpriseGroups:
    """The group links of ``store`` (SUBSIDIARY_OF and BRANCH_OF); ``keep`` filters the edge tables first
    (the synthetic filter of an analysis)."""
    from queries.targets import _truth

    links: list[GroupLink] = []
    frames = []
    for rel in GROUP_RELATIONSHIPS:
        if rel not in store.schema.relationships:
            continue
        edges = store.edges(rel)
        for column in ("as_written", "source", "as_of", "verified"):
            if column not in edges.columns:
                edges = edges.assign(**{column: None})
        if keep is not None:
            edges = keep(edges)
        if len(edges):
            frames.append((rel, edges))
    if not frames:
        return EnterpriseGroups()
    keys = pd.unique(pd.concat([pd.concat([e["from"], e["to"]]) for _, e in frames]).astype(str))
    names = store.names("Enterprise", keys)
    for rel, edges in frames:
        for child, parent, written, source, as_of, verified in zip(
                edges["from"].astype(str), edges["to"].astype(str), edges["as_written"], edges["source"],
                edges["as_of"], edges["verified"]):
            links.append(GroupLink(child, str(names.get(child, child)), rel, parent, str(names.get(parent, parent)),
                                   str(source), str(as_of), _truth(verified),
                                   "" if written is None or written != written else str(written)))
    links.sort(key=lambda link: (link.child, link.kind, link.parent))
    return EnterpriseGroups(links)

"""The names the graph already knows, for the entity ruler and for linking.

A :class:`Gazetteer` holds, per label (Enterprise, Cluster, Chain, Technology),
every name and alias with its graph key, plus *derived* forms that let a short
name in a text find a full registered name in the graph:

* enterprises: the name without its legal form (股份有限公司, 有限公司, 集团有限公司 …),
  without a leading region name taken from the graph's Region nodes
  (江苏省, 常州市, 常州 …) and without a bracketed note;
* clusters and chains: the name without 产业集群 / 集群 / 产业链 / 产业 and without a
  bracketed note (汽车及核心零部件（含新能源汽车） → 汽车及核心零部件).

A text name links to a key when it equals a name or alias (``name`` /
``alias``), or when one of its derived forms equals exactly one entry's derived
form (``derived``). Several keys make it ``ambiguous``; none makes it new.

Clusters and chains belong to a region: 北泉's 高端装备 cluster is not
常州's. A cluster or chain name links only to a node of the document's region
(or of a region it lies within); a same-named node elsewhere is reported as a
candidate with ``match = "other-region"``. The document's region is given, or
found in the text (:meth:`Gazetteer.detect_region`: the prefecture- or
county-level region of the graph the text names most often).

>>> gaz = Gazetteer([
...     Entry("Enterprise", "e-hl", "江苏恒立液压股份有限公司", ("恒立液压",)),
...     Entry("Enterprise", "e-xy", "常州星宇车灯股份有限公司", ()),
...     Entry("Cluster", "cl-car", "汽车及核心零部件", ("汽车及核心零部件（含新能源汽车）",)),
... ], regions=["常州市", "江苏省"])
>>> gaz.link("Enterprise", "恒立液压")
Link(key='e-hl', name='江苏恒立液压股份有限公司', match='alias', candidates=())
>>> gaz.link("Enterprise", "星宇车灯").match, gaz.link("Enterprise", "常州星宇车灯股份有限公司").match
('derived', 'name')
>>> gaz.link("Cluster", "汽车及核心零部件(含新能源汽车)集群").key
'cl-car'
>>> gaz.link("Enterprise", "某某科技").match is None
True
>>> gaz = Gazetteer([Entry("Cluster", "cz-hi", "高端装备", region="320400")],
...                 region_codes={"常州市": "320400", "苏州市": "320500"}, parents={"320412": "320400"})
>>> gaz.link("Cluster", "高端装备", region="320412").key, gaz.link("Cluster", "高端装备", region="320500").match
('cz-hi', 'other-region')
>>> gaz.detect_region("常州市人民政府 … 常州 …")
'320400'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.extract.normalize import clean_name

__all__ = ["Entry", "Link", "Gazetteer", "LABELS", "variants"]

#: the labels the extractor links, and the entity-ruler label of each
LABELS = {"Enterprise": "ENTERPRISE", "Cluster": "CLUSTER", "Chain": "CHAIN", "Technology": "TECHNOLOGY",
          "Platform": "PLATFORM", "Park": "PARK", "Project": "PROJECT"}

_LEGAL_FORMS = (
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
    "股份公司", "总公司", "分公司", "公司",
)
_GROUP_HEADS = ("产业集群", "集群", "产业链", "产业")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


@dataclass(frozen=True)
class Entry:
    """One known node: its label, key, name and aliases."""

    label: str
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    region: str | None = None  # clusters and chains: the region they belong to


@dataclass(frozen=True)
class Link:
    """How a text name resolved: the key (None when new or ambiguous), the graph name, how it matched."""

    key: str | None
    name: str | None
    match: str | None  # "name", "alias", "derived", "ambiguous" or None (new)
    candidates: tuple[str, ...] = ()


class _Prefixes:
    """Region names to strip from the front of a name, indexed by length (longest first), so that a name is
    matched against one candidate per length rather than against every region name.

    Made once per gazetteer: a graph names thousands of regions.
    """

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(r for r in names if r)
        self.lengths = sorted({len(name) for name in self.names}, reverse=True)

    def __iter__(self):
        return iter(sorted(self.names, key=lambda name: (-len(name), name)))


def _strip_prefixes(name: str, prefixes: Iterable[str]) -> str:
    """``name`` without the region names at its front: the longest one that is there, again and again, as
    long as at least two characters are left.

    The longest first, so that 常州市 goes whole rather than 常州 leaving 市 behind; the answer does
    not depend on the order the names come in.

    >>> regions = _Prefixes(["江苏", "江苏省", "常州", "常州市", "武进", "武进区"])
    >>> _strip_prefixes("江苏省常州市武进区恒立液压", regions)
    '恒立液压'
    >>> _strip_prefixes("常州市恒立", ["常州", "常州市"]), _strip_prefixes("常州市恒立", ["常州市", "常州"])
    ('恒立', '恒立')
    >>> _strip_prefixes("常州市", regions)
    '常州市'
    """
    if not isinstance(prefixes, _Prefixes):
        prefixes = _Prefixes(prefixes)
    names, lengths = prefixes.names, prefixes.lengths
    stripped = True
    while stripped:
        stripped = False
        for length in lengths:
            if len(name) - length >= 2 and name[:length] in names:
                name = name[length:]
                stripped = True
                break
    return name


def variants(label: str, name: str, regions: Iterable[str] = ()) -> set[str]:
    """The derived forms of ``name`` (see the module notes), the cleaned name included.

    >>> sorted(variants("Enterprise", "江苏恒立液压股份有限公司", ["江苏省", "江苏"]))
    ['恒立液压', '江苏恒立液压', '江苏恒立液压股份有限公司']
    >>> sorted(variants("Chain", "特钢材料产业链"))
    ['特钢材料', '特钢材料产业链']
    """
    clean = clean_name(name)
    out = {clean}
    bare = _BRACKETED.sub("", clean).strip() or clean
    out.add(bare)
    if not isinstance(regions, _Prefixes):  # a gazetteer passes its own, made once
        regions = _Prefixes(regions)
    if label == "Enterprise":
        for form in list(out):
            for legal in _LEGAL_FORMS:
                if form.endswith(legal) and len(form) - len(legal) >= 2:
                    form = form[: -len(legal)]
                    break
            out.add(form)
            out.add(_strip_prefixes(form, regions))
    elif label in ("Cluster", "Chain"):
        for form in list(out):
            form = _strip_prefixes(form, regions)
            for head in _GROUP_HEADS:
                if form.endswith(head) and len(form) - len(head) >= 2:
                    form = form[: -len(head)]
                    break
            out.add(form)
    return {v for v in out if len(v) >= 2}


class Gazetteer:
    """Known names per label, with keys; see the module notes."""

    def __init__(self, entries: Iterable[Entry] = (), *, regions: Iterable[str] = (), origin: str = "",
                 region_codes: dict[str, str] | None = None, parents: dict[str, str] | None = None):
        self.entries = tuple(entries)
        self.region_codes = dict(region_codes or {})  # a local region's name or short name → code
        self.parents = dict(parents or {})  # region code → the code of the region it lies within
        self._regions_of = {(e.label, e.key): e.region for e in self.entries if e.region}
        names = {r for r in [*regions, *self.region_codes] if r}
        names |= {r[:-1] for r in names if len(r) >= 3 and r[-1] in "省市区县"}  # 常州市 → 常州
        self.regions = tuple(sorted(names))
        self._prefixes = _Prefixes(self.regions)  # what variants() strips, indexed once
        self.origin = origin
        self._exact: dict[tuple[str, str], dict[str, str]] = {}  # (label, surface) → {key: "name"/"alias"}
        self._derived: dict[tuple[str, str], set[str]] = {}
        self._names: dict[tuple[str, str], str] = {}
        for entry in self.entries:
            self._names[(entry.label, entry.key)] = entry.name
            for surface, how in [(entry.name, "name"), *((a, "alias") for a in entry.aliases)]:
                surface = clean_name(surface)
                if surface:
                    slot = self._exact.setdefault((entry.label, surface), {})
                    if slot.get(entry.key) != "name":
                        slot[entry.key] = how
                for form in variants(entry.label, surface, self._prefixes):
                    self._derived.setdefault((entry.label, form), set()).add(entry.key)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_store(cls, store, *, origin: str = "") -> Gazetteer:
        """Every Enterprise, Cluster, Chain and Technology of a :class:`~graph.store.GraphStore`."""
        entries = []
        for label in LABELS:
            spec = store.schema.label(label)
            columns = [spec.key, "name"] + [c for c in ("aliases", "region") if c in spec.properties]
            table = store.nodes(label, columns)
            aliases = table["aliases"] if "aliases" in table else [None] * len(table)
            regions_of = table["region"] if "region" in table else [None] * len(table)
            for key, name, alias, region in zip(table[spec.key], table["name"], aliases, regions_of):
                parts = tuple(a.strip() for a in str(alias).split("|") if a.strip()) if _present(alias) else ()
                entries.append(Entry(label, str(key), str(name), parts, str(region) if _present(region) else None))
        regions: list[str] = []
        codes: dict[str, str] = {}
        table = store.nodes("Region", ["code", "name", "short_name", "level"])
        for code, name, short, level in zip(table["code"], table["name"], table["short_name"], table["level"]):
            derived = str(name)[:-1] if _present(name) and len(str(name)) >= 3 and str(name)[-1] in "市区县" else None
            for value in (name, short, derived):
                if _present(value):
                    regions.append(str(value))
                    if str(level) in ("prefecture", "county") and len(str(value)) >= 2:
                        codes.setdefault(str(value), str(code))
        within = store.edges("WITHIN", ["from", "to"])
        parents = {str(a): str(b) for a, b in zip(within["from"], within["to"])}
        return cls(entries, regions=regions, origin=origin, region_codes=codes, parents=parents)

    def detect_region(self, text: str) -> str | None:
        """The prefecture- or county-level region the text names most often (None when none or a tie).

        Full names (常州市) count double; a short name inside a full name is not counted again.
        """
        counts: dict[str, int] = {}
        for name, code in self.region_codes.items():
            hits = text.count(name)
            if hits:
                longer = [n for n in self.region_codes if n != name and name in n]
                hits -= sum(text.count(n) for n in longer)
                weight = 2 if name[-1] in "省市区县" else 1
                counts[code] = counts.get(code, 0) + max(hits, 0) * weight
        counts = {c: n for c, n in counts.items() if n > 0}
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def _in_region(self, label: str, key: str, region: str | None) -> bool:
        """Whether a cluster / chain of ``key`` may be meant by a document of ``region``."""
        home = self._regions_of.get((label, key))
        if label not in ("Cluster", "Chain") or home is None:
            return True
        seen, code = set(), region
        while code is not None and code not in seen:
            if code == home:
                return True
            seen.add(code)
            code = self.parents.get(code)
        return False

    def fingerprint(self) -> str:
        """Equal for gazetteers with the same entries and regions."""
        h = hashlib.sha256()
        for entry in sorted(self.entries, key=lambda e: (e.label, e.key)):
            h.update(f"{entry.label}\x1f{entry.key}\x1f{entry.name}\x1f{'|'.join(entry.aliases)}\x1e".encode())
        h.update("|".join(self.regions).encode())  # (regions of groups do not change the ruler's names)
        return h.hexdigest()

    def name_of(self, label: str, key: str) -> str | None:
        return self._names.get((label, key))

    def surfaces(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(label, surface) → keys, for the entity ruler: names, aliases and unambiguous derived forms.

        Derived forms shorter than three characters are left out (too easily part of other words).
        """
        out: dict[tuple[str, str], set[str]] = {}
        for (label, surface), keys in self._exact.items():
            out.setdefault((label, surface), set()).update(keys)
        for (label, form), keys in self._derived.items():
            if len(form) >= 3 and len(keys) == 1 and (label, form) not in out:
                out[(label, form)] = set(keys)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    def link(self, label: str, text: str, *, region: str | None = None) -> Link:
        """Resolve a name as written in a text (of a document of ``region``) to a key of ``label``."""
        name = clean_name(text)
        exact = self._exact.get((label, name), {})
        how = None
        found = set(exact)
        if found:
            how = "name" if "name" in exact.values() else "alias"
        else:
            forms = variants(label, name, self._prefixes)
            for form in forms:
                found |= set(self._exact.get((label, form), {}))
            if not found:
                for form in forms:
                    found |= self._derived.get((label, form), set())
            how = "derived"
        if not found:
            return Link(None, None, None)
        local = {k for k in found if self._in_region(label, k, region)}
        if not local:
            return Link(None, None, "other-region", tuple(sorted(found)))
        if len(local) == 1:
            key = next(iter(local))
            if how != "derived":
                how = exact.get(key, how)
            return Link(key, self._names[(label, key)], how)
        return Link(None, None, "ambiguous", tuple(sorted(local)))


def _present(value) -> bool:
    if value is None:
        return False
    try:
        if value != value:  # NaN
            return False
    except (TypeError, ValueError):
        return False
    return str(value).strip() not in ("", "<NA>")

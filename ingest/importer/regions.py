"""Place a company in a county: from its province/city/county columns, its address and its 统一社会信用代码.

The region table is the graph's own (``regions.csv`` and ``within.csv`` of the data
folders: every GB/T 2260 province, prefecture and county). Old codes map to current
ones through ``vocab/region_crosswalk.csv`` (金坛市 320482 → 金坛区 320413, 戚墅堰区
320405 → 武进区 320412); addresses that name only a town (湖塘镇) or a development
zone (常州高新区) use ``vocab/towns.csv`` and ``vocab/zones.csv``.

An address is read left to right: each region name (full, 武进区, or short, 武进) must
lie inside the one before it, so 鼓楼区 after 南京市 is 320106 and after 福州 350102;
a name that exists in several places with no higher-level context stays unresolved
and goes to review with its candidates, never to the first match.

>>> index = RegionIndex.load()
>>> index.place(address="江苏省常州市武进区湖塘镇人民中路1号").code
'320412'
>>> index.place(address="南京市鼓楼区中山路1号").code, index.place(address="福州市鼓楼区五四路1号").code
('320106', '350102')
>>> index.place(address="鼓楼区某路1号").code is None
True
>>> index.current_code("320482")
('320413', 'county')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.importer.text import LongestMatch, normalise, read_vocab_csv

__all__ = ["Region", "RegionIndex", "Placement"]

#: characters after a place name that show it is part of a street or building name, not a region
_NOT_A_REGION_AFTER = tuple("路街道巷弄桥大广港湾村园里坊")
_LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3, "area": 0}


@dataclass(frozen=True)
class Region:
    """One administrative division."""

    code: str
    name: str
    short_name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class Placement:
    """Where a company is: the most precise code found, how it was found, and what disagrees.

    ``precision`` is the level of ``code`` (county, prefecture, province); ``doubtful`` means a
    person should look at it (no county, an ambiguous name, or sources that disagree).
    """

    code: str | None
    precision: str | None
    evidence: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()

    @property
    def doubtful(self) -> bool:
        return self.code is None or self.precision != "county" or bool(self.problems)


@dataclass
class _Reading:
    code: str | None = None
    words: list[str] = field(default_factory=list)
    ambiguous: tuple[str, ...] = ()


class RegionIndex:
    """The region table with name look-ups, the old-code crosswalk, towns and development zones."""

    def __init__(self, regions: Iterable[Region]):
        self.regions: dict[str, Region] = {r.code: r for r in regions}
        names: dict[str, set[str]] = {}
        for region in self.regions.values():
            if region.level not in ("province", "prefecture", "county"):
                continue
            names.setdefault(normalise(region.name), set()).add(region.code)
            if region.short_name and len(region.short_name) >= 2:
                names.setdefault(normalise(region.short_name), set()).add(region.code)
        for row in read_vocab_csv("zones.csv"):
            if row["code"] in self.regions:
                names.setdefault(normalise(row["name"]), set()).add(row["code"])
        crosswalk = read_vocab_csv("region_crosswalk.csv")
        for row in crosswalk:  # former county names (戚墅堰区, 金坛市) still written in addresses
            old = normalise(row["old_name"])
            if row["precision"] == "county" and row["code"] in self.regions and len(old) >= 3 and old not in names:
                names.setdefault(old, set()).add(row["code"])
        self._names = {name: frozenset(codes) for name, codes in names.items()}
        self._full = {normalise(r.name) for r in self.regions.values()} | {
            normalise(row["name"]) for row in read_vocab_csv("zones.csv")} | {
            normalise(row["old_name"]) for row in crosswalk}
        self._scanner = LongestMatch(self._names)
        self._crosswalk = {row["old_code"]: (row["code"], row["precision"])
                           for row in read_vocab_csv("region_crosswalk.csv") if row["code"] in self.regions}
        towns: dict[str, dict[str, set[str]]] = {}  # prefecture (or province) → town name → counties
        for row in read_vocab_csv("towns.csv"):
            county = self.regions.get(row["code"])
            if county is None:
                continue
            towns.setdefault(county.parent or "", {}).setdefault(normalise(row["name"]), set()).add(county.code)
        self._towns = towns
        self._ancestors_cache: dict[str, tuple[str, ...]] = {}
        self._read_cache: dict[str, _Reading] = {}

    @classmethod
    def load(cls, folders: Iterable[str | Path] | None = None) -> RegionIndex:
        """The regions of the data folders (default: the bundled ``data/``), parents from ``within.csv``."""
        from ingest.load import DEFAULT_DATA_DIR

        folders = tuple(str(Path(f).resolve()) for f in (folders or [DEFAULT_DATA_DIR]))
        return _load(folders)

    # -- codes -------------------------------------------------------------------------------------

    def ancestors(self, code: str) -> tuple[str, ...]:
        """``code`` and every region above it, nearest first."""
        cached = self._ancestors_cache.get(code)
        if cached is None:
            chain, seen = [], set()
            at: str | None = code
            while at and at not in seen and at in self.regions:
                chain.append(at)
                seen.add(at)
                at = self.regions[at].parent
            cached = self._ancestors_cache[code] = tuple(chain)
        return cached

    def within(self, code: str, other: str) -> bool:
        """True when ``code`` is ``other`` or lies inside it."""
        return other in self.ancestors(code)

    def related(self, code: str, other: str) -> bool:
        """True when one of the two regions contains the other."""
        return self.within(code, other) or self.within(other, code)

    def current_code(self, code: str) -> tuple[str, str] | None:
        """(current code, its level) for a current, old or development-zone code; None when unknown."""
        if code in self.regions:
            return code, self.regions[code].level
        if code in self._crosswalk:
            return self._crosswalk[code]
        for up in (code[:4] + "00", code[:2] + "0000"):  # an unknown code still tells its prefecture
            if up in self.regions:
                return up, self.regions[up].level
        return None

    def path(self, code: str) -> str:
        """Names from the province down: ``江苏省常州市武进区``."""
        names = [self.regions[c].name for c in reversed(self.ancestors(code)) if self.regions[c].level != "country"]
        return "".join(names)

    # -- text --------------------------------------------------------------------------------------

    def read(self, text: str) -> _Reading:
        """The most precise region a text names, reading its place names left to right (cached per text)."""
        cached = self._read_cache.get(text)
        if cached is None:
            cached = self._read(text)
            if len(self._read_cache) < 200_000:
                self._read_cache[text] = cached
        return cached

    def _read(self, text: str) -> _Reading:
        text = normalise(text)
        reading = _Reading()
        context: str | None = None
        for match in self._scanner.find(text[:80]):
            after = text[match.end:match.end + 1]
            if match.term not in self._full and after and after in _NOT_A_REGION_AFTER:
                continue  # 延安路, 常州大道: a street, not a region
            codes = match.value
            if context is not None:
                codes = frozenset(c for c in codes if self.within(c, context) and c != context)
                if not codes:
                    continue
            if len(codes) > 1:
                deepest = max(_LEVEL_RANK[self.regions[c].level] for c in codes)
                codes = frozenset(c for c in codes if _LEVEL_RANK[self.regions[c].level] == deepest)
            if len(codes) == 1:
                context = next(iter(codes))
                reading.code = context
                reading.words.append(match.term)
                reading.ambiguous = ()
            elif context is None and not reading.ambiguous:
                reading.ambiguous = tuple(sorted(codes))
                reading.words.append(match.term)
        if reading.code is not None and self.regions[reading.code].level != "county":
            town = self._town(text, reading.code)
            if town:
                reading.code, name = town
                reading.words.append(name)
        return reading

    def _town(self, text: str, context: str) -> tuple[str, str] | None:
        """A county from a town or street name of the prefecture (or province) ``context``, when unique."""
        for parent, towns in ((context, self._towns.get(context, {})),):
            found = {}
            for name, counties in towns.items():
                if name in text:
                    found.setdefault(name, counties)
            if not found:
                return None
            name = max(found, key=len)
            counties = found[name]
            if len(counties) == 1:
                return next(iter(counties)), name
        return None

    # -- a company ---------------------------------------------------------------------------------

    def place(self, *, province: str = "", city: str = "", county: str = "", region_code: str = "",
              address: str = "", uscc: str = "") -> Placement:
        """Where a company is, from whatever it has; see the module docstring for the method."""
        evidence: list[str] = []
        problems: list[str] = []
        candidates: tuple[str, ...] = ()
        declared = declared_from = None
        if region_code.strip():
            current = self.current_code(region_code.strip()[:6])
            if current:
                declared, declared_from = current[0], f"区划代码 {region_code.strip()}"
        columns = "".join(part for part in (province, city, county) if part and part.strip() not in ("-", "—"))
        if declared is None and columns:
            reading = self.read(columns)
            if reading.code:
                declared, declared_from = reading.code, f"columns {'/'.join(reading.words)}"
            elif reading.ambiguous:
                candidates = reading.ambiguous
        from_address = None
        if address:
            reading = self.read(address)
            if reading.code:
                from_address = reading.code
                if declared and not self.related(from_address, declared):
                    # the columns may name the place without context (鼓楼区): the address settles it
                    problems.append(f"the address says {self.path(from_address)} but the columns say "
                                    f"{self.path(declared)}")
                elif declared and self.within(from_address, declared) and from_address != declared:
                    declared, declared_from = from_address, f"address {'/'.join(reading.words)} (inside the columns' {self.regions[declared].name})"
            elif reading.ambiguous and not candidates:
                candidates = reading.ambiguous
        code, how = (declared, declared_from) if declared else (from_address, "address" if from_address else None)
        if how == "address":
            how = f"address {'/'.join(self.read(address).words)}"
        if code:
            evidence.append(f"{how} → {self.path(code)} {code}")
        area = _uscc_area(uscc)
        if area:
            current = self.current_code(area)
            if current is None:
                problems.append(f"统一社会信用代码 area {area} is not a known region code")
            else:
                area_code, _ = current
                mapped = "" if area_code == area else f" (old code {area} → {area_code})"
                if code is None:
                    code = area_code
                    evidence.append(f"统一社会信用代码 area {area}{mapped} → {self.path(area_code)} (registering authority)")
                elif self.within(area_code, code) and area_code != code and self.regions[code].level != "county":
                    evidence.append(f"统一社会信用代码 area {area}{mapped} → {self.path(area_code)} (registering "
                                    f"authority, inside {self.regions[code].name})")
                    code = area_code
                elif self.related(code, area_code):
                    evidence.append(f"统一社会信用代码 area {area}{mapped} agrees ({self.regions[area_code].name})")
                else:
                    problems.append(f"统一社会信用代码 area {area}{mapped} is {self.path(area_code)}, "
                                    f"not {self.path(code)} (moved, or registered elsewhere?)")
        if code is None and candidates:
            names = ", ".join(f"{self.path(c)} {c}" for c in candidates[:6])
            problems.append(f"the place name fits several regions and nothing says which: {names}")
        if code is None and not candidates:
            problems.append("no region found: no province/city/county columns, no place name in the address, "
                            "no valid 统一社会信用代码")
        precision = self.regions[code].level if code else None
        if code and precision != "county":
            problems.append(f"only the {precision} is known ({self.regions[code].name})")
        return Placement(code, precision, tuple(evidence), tuple(problems), candidates)


def _uscc_area(uscc: str) -> str | None:
    """Characters 3–8 of a well-formed 统一社会信用代码 (the registering authority's region)."""
    if len(uscc) == 18 and uscc[2:8].isdigit():
        return uscc[2:8]
    return None


@lru_cache(maxsize=4)
def _load(folders: tuple[str, ...]) -> RegionIndex:
    from ingest.importer.folders import table_rows

    rows = {row["code"]: row for row in table_rows(folders, "regions.csv")}
    parents: dict[str, str] = {}
    for row in table_rows(folders, "within.csv"):
        parents.setdefault(row["from"], row["to"])
    return RegionIndex(Region(code, row["name"], row.get("short_name") or "", row["level"], parents.get(code))
                       for code, row in rows.items())

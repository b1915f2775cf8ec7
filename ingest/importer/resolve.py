"""Entity resolution: is an imported row an enterprise the graph already has?

A row merges into an existing enterprise (its id stays) when it has

1. the same valid 统一社会信用代码; or
2. the same full name after normalisation (full-/half-width, （）/(), spaces,
   有限责任公司 = 有限公司); a branch (…分公司) never matches its parent, whose name differs; or
3. a short name (the row's 简称, or its name without region and legal-form words) equal to an
   existing enterprise's name or alias, and the same region (one region containing the other).

>>> known = KnownEnterprises([KnownEnterprise("ent-hengli", "江苏恒立液压股份有限公司", ("恒立液压",), "", ("320412",))])
>>> known.match(uscc="", name="江苏恒立液压股份有限公司", short_name="", region=None, within=lambda a, b: a == b).how
'same full name'
>>> known.match(uscc="", name="恒立液压（常州）有限公司", short_name="恒立液压", region="320412",
...             within=lambda a, b: a == b).key
'ent-hengli'
>>> known.match(uscc="", name="江苏恒立液压股份有限公司常州分公司", short_name="", region="320412",
...             within=lambda a, b: a == b) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.importer.text import normalise

__all__ = ["KnownEnterprise", "KnownEnterprises", "MatchResult", "name_key", "short_form", "is_branch"]

_LEGAL_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团有限公司|集团股份有限公司|股份公司|集团公司|集团|公司|"
                          r"有限合伙|普通合伙|合伙企业|厂|研究院|研究所)$")
_FILLER = re.compile(r"(科技|技术|实业|发展|工业|控股|国际|股份|新材料|制造)$")
_BRANCH = re.compile(r"(分公司|分厂|办事处|分部|分所|分中心|经营部|门市部|分店)$|(分公司|分厂)")


def name_key(name: str) -> str:
    """A full name in the one form used for matching.

    >>> name_key("江苏 某某（常州）有限责任公司") == name_key("江苏某某(常州)有限公司")
    True
    """
    key = normalise(name).replace("有限责任公司", "有限公司")
    return key.replace("(", "(").replace(")", ")")


def is_branch(name: str) -> bool:
    """True for a branch (分公司, 分厂, 办事处 …), which is a separate registration of its parent."""
    return bool(_BRANCH.search(normalise(name)))


def short_form(name: str, region_names: Iterable[str] = ()) -> str:
    """A full name without its leading region names, bracketed parts and legal form: 江苏恒立液压股份有限公司 → 恒立液压.

    >>> short_form("江苏恒立液压股份有限公司", ["江苏", "常州"]), short_form("天合光能股份有限公司")
    ('恒立液压', '天合光能')
    >>> short_form("常州市某某精密机械科技有限公司", ["常州市", "常州"])
    '某某精密机械'
    """
    core = re.sub(r"\(.*?\)", "", normalise(name))
    previous = None
    while previous != core:
        previous = core
        core = _LEGAL_FORMS.sub("", core)
        for region in sorted(region_names, key=len, reverse=True):
            if region and core.startswith(region) and len(core) > len(region) + 1:
                core = core[len(region):]
                break
        core = core.lstrip("省市县区")
    stripped = _FILLER.sub("", core)
    return stripped if len(stripped) >= 2 else core


@dataclass(frozen=True)
class KnownEnterprise:
    """An enterprise the graph already has: key, name, aliases, 统一社会信用代码 and its regions."""

    key: str
    name: str
    aliases: tuple[str, ...]
    uscc: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class MatchResult:
    """Which existing enterprise a row is, and by which rule."""

    key: str
    name: str
    how: str
    notes: tuple[str, ...] = ()


class KnownEnterprises:
    """Look-ups over the enterprises already in the data folders."""

    def __init__(self, enterprises: Iterable[KnownEnterprise]):
        self.by_key: dict[str, KnownEnterprise] = {}
        self._by_uscc: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_short: dict[str, list[str]] = {}
        for enterprise in enterprises:
            self.by_key[enterprise.key] = enterprise
            if enterprise.uscc:
                self._by_uscc[enterprise.uscc] = enterprise.key
            self._by_name.setdefault(name_key(enterprise.name), []).append(enterprise.key)
            for alias in (enterprise.name, *enterprise.aliases):
                alias = normalise(alias)
                if len(alias) >= 2:
                    self._by_short.setdefault(alias, []).append(enterprise.key)
                    self._by_short.setdefault(short_form(alias), []).append(enterprise.key)

    @classmethod
    def load(cls, folders: Iterable[str | Path]) -> KnownEnterprises:
        """The enterprises of the data folders (``enterprises.csv`` with ``located_in.csv``)."""
        from ingest.importer.folders import table_rows

        folders = list(folders)
        rows = list(table_rows(folders, "enterprises.csv"))
        regions: dict[str, list[str]] = {}
        for row in table_rows(folders, "located_in.csv"):
            regions.setdefault(row["from"], []).append(row["to"])
        return cls(KnownEnterprise(row["id"], row["name"], tuple(a for a in (row.get("aliases") or "").split("|") if a),
                                   (row.get("uscc") or "").strip(), tuple(regions.get(row["id"], ())))
                   for row in rows)

    def match(self, *, uscc: str, name: str, short_name: str, region: str | None,
              within: Callable[[str, str], bool]) -> MatchResult | None:
        """The existing enterprise a row is, or None; ``within(a, b)`` tells whether region a lies in b."""
        if uscc and uscc in self._by_uscc:
            known = self.by_key[self._by_uscc[uscc]]
            notes = () if name_key(known.name) == name_key(name) else (
                f"the graph names it {known.name} (renamed, or a different spelling)",)
            return MatchResult(known.key, known.name, "same 统一社会信用代码", notes)
        for key in self._by_name.get(name_key(name), ()):
            known = self.by_key[key]
            if uscc and known.uscc and known.uscc != uscc:
                continue  # two companies cannot share a code; a name reused after deregistration
            return MatchResult(key, known.name, "same full name")
        if is_branch(name) or region is None:
            return None
        for candidate in dict.fromkeys(c for c in (normalise(short_name), short_form(name)) if len(c) >= 2):
            keys = self._by_short.get(candidate, ())
            fits = [k for k in dict.fromkeys(keys)
                    if any(within(region, r) or within(r, region) for r in self.by_key[k].regions)
                    and not (uscc and self.by_key[k].uscc and self.by_key[k].uscc != uscc)]
            if len(fits) == 1:
                known = self.by_key[fits[0]]
                return MatchResult(known.key, known.name, f"short name {candidate} in the same region")
        return None

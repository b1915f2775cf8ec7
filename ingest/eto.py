"""Adapter for the ETO Chip Explorer data: the semiconductor supply chain as graph records.

The Emerging Technology Observatory (ETO) of the Center for Security and
Emerging Technology (CSET), Georgetown University, publishes the Chip Explorer
data under CC BY-NC 4.0: attribution is required wherever results derived
from it are shown (:data:`ATTRIBUTION`, and the ``attribution`` of the Source
nodes this adapter writes). The files are read where they lie and never
copied into the project.

Mapping (docs/chokepoints.md has the full table):

=================  ===========================================================
ETO                graph
=================  ===========================================================
stages.csv         ``Segment`` ``eto-S1`` … of one ``Chain`` ``eto-semiconductors``
                   (first stage upstream, last downstream, others midstream)
inputs.csv         ``Technology`` ``eto-N20`` …; ``kind`` from ``type``
                   (tool_resource → tool, material_resource → material,
                   design_resource → design, process → process,
                   ultimate_output → product); a process ``KEY_TO`` its stage
sequence.csv       ``goes_into`` → ``FEEDS`` (Technology → Technology);
                   ``is_type_of`` → ``SUBTYPE_OF``
providers.csv      organisations → ``Enterprise`` ``eto-P9`` … ``LOCATED_IN``
                   their country; countries → ``Region`` (ISO alpha-3 code,
                   level ``country``), added only when the graph has no
                   Region of that code yet
provision.csv      ``PROVIDES`` (Region|Enterprise → Technology|Segment) with
                   ``share`` (percent, empty stays empty) and ``year``: the
                   latest year per provider and input
eto_crosswalk.csv  beside other data (``--with-data``): curated links from ETO
                   stages and inputs to the chains' segments and technologies
                   (``same_as`` → SUBTYPE_OF, ``key_to`` → KEY_TO), e.g.
                   Lithography tools → 光刻机; market sizes → ``Technology``
                   ``market_size_musd`` / ``market_size_year``
=================  ===========================================================

Pseudo-providers are handled explicitly:

- ``Various countries`` (P5, also written ``Various``) is the share ETO does
  not attribute to a named country: Region ``XXX`` (the code ISO/IEC 7501
  uses for "unspecified"), level ``area``. Analyses treat it as fragmented
  supply, not as one supplier.
- ``EUR`` (Europe) is a group of countries: Region ``EUR``, level ``area``.
- ``TWN`` is reported separately by ETO: Region ``TWN`` named 中国台湾,
  level ``area``, not placed within CHN, so that the CHN perspective means
  what the source's CHN rows mean.
- ``Various companies`` (P370) is the company-level remainder. It is not an
  enterprise and is left out (with its PROVIDES rows, counted in the
  report); analyses that fall back to company shares treat whatever named
  companies leave of 100 % as unattributed.

>>> _kind("tool_resource"), _kind("ultimate_output"), REGION_NAMES["NLD"]
('tool', 'product', '荷兰')
>>> ATTRIBUTION.startswith("数据来源 Data: ETO Chip Explorer") and LICENCE in ATTRIBUTION
True
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem
from graph.records import EdgeRecord, NodeRecord
from graph.schema import Schema, load_schema
from ingest.load import _read_file, _table_files, raw_tables_from_records
from ingest.readers import RawTable, read_csv_table

__all__ = [
    "ETO_SOURCE",
    "ETO_CHAIN",
    "LICENCE",
    "ATTRIBUTION",
    "UNATTRIBUTED",
    "EtoFiles",
    "EtoReport",
    "read_eto",
    "eto_records",
    "eto_raw_tables",
    "build_eto",
    "existing_region_codes",
    "existing_keys",
    "CROSSWALK_PATH",
    "CROSSWALK_SOURCE",
    "CrosswalkRow",
    "read_crosswalk",
    "market_size",
]

ETO_SOURCE = "eto-chip-explorer"
ETO_CHAIN = "eto-semiconductors"
LICENCE = "CC BY-NC 4.0"
PUBLISHER = ("Emerging Technology Observatory (ETO), Center for Security and Emerging Technology (CSET), "
             "Georgetown University")
REPOSITORY = "github.com/georgetown-cset/eto-chip-explorer"
#: the Region code of ETO's "Various countries": share not attributed to a named country
UNATTRIBUTED = "XXX"

#: columns each file must have (extra columns are ignored)
COLUMNS = {
    "stages.csv": ("stage_id", "stage_name", "description"),
    "inputs.csv": ("input_id", "input_name", "type", "stage_id", "description"),
    "sequence.csv": ("input_id", "goes_into_id", "is_type_of_id"),
    "providers.csv": ("provider_name", "alias", "provider_id", "provider_type", "country"),
    "provision.csv": ("provider_id", "provided_id", "share_provided", "year", "source"),
}

_KINDS = {
    "tool_resource": "tool",
    "material_resource": "material",
    "design_resource": "design",
    "process": "process",
    "ultimate_output": "product",
}

#: Chinese names of the countries and areas ETO names (ISO 3166-1 alpha-3 codes)
REGION_NAMES = {
    "USA": "美国", "CHN": "中国", "KOR": "韩国", "JPN": "日本", "TWN": "中国台湾", "DEU": "德国",
    "ITA": "意大利", "NLD": "荷兰", "MYS": "马来西亚", "SGP": "新加坡", "CHE": "瑞士", "AUT": "奥地利",
    "SWE": "瑞典", "GBR": "英国", "FRA": "法国", "ISR": "以色列", "BLR": "白俄罗斯", "CZE": "捷克",
    "CAN": "加拿大", "LUX": "卢森堡", "HUN": "匈牙利", "IND": "印度", "IRL": "爱尔兰", "BEL": "比利时",
    "FIN": "芬兰", "DNK": "丹麦", "NOR": "挪威", "ESP": "西班牙", "PHL": "菲律宾", "THA": "泰国",
    "VNM": "越南", "IDN": "印度尼西亚", "RUS": "俄罗斯", "AUS": "澳大利亚", "BRA": "巴西", "MEX": "墨西哥",
    "EUR": "欧洲", UNATTRIBUTED: "多个国家（未具体归属）",
}
#: codes that are supply areas, not countries (Region level ``area``)
AREAS = {"EUR", "TWN", UNATTRIBUTED}
#: how ETO writes the unattributed remainder
_VARIOUS_COUNTRIES = {"various countries", "various"}
_VARIOUS_COMPANIES = {"various companies"}
_CODE = re.compile(r"^[A-Z]{3}$")
#: the curated crosswalk from ETO's stages and inputs to the chains' segments and technologies
CROSSWALK_PATH = Path(__file__).with_name("eto_crosswalk.csv")
#: the Source of the crosswalk's links
CROSSWALK_SOURCE = "eto-crosswalk"
_RELATIONS = {"same_as": "SUBTYPE_OF", "subtype_of": "SUBTYPE_OF", "key_to": "KEY_TO"}
_SIZE = re.compile(r"\$\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(trillion|billion|million|thousand)?", re.IGNORECASE)
_SIZE_YEAR = re.compile(r"\((\d{4})\)")
_MILLIONS = {"trillion": 1_000_000.0, "billion": 1_000.0, "million": 1.0, "thousand": 0.001, None: 0.000001}


def market_size(text: str, default_year: str = "") -> tuple[float | None, int | None]:
    """ETO's global market size (``market_share_chart_global_market_size_info``) as (million US dollars, year).

    The year is the one in brackets, else ``default_year`` (the input's ``year``); an empty or unreadable
    text gives ``(None, None)``: unknown stays unknown.

    >>> market_size("$32.6 billion (2025)")
    (32600.0, 2025)
    >>> market_size("$56.2 billion (microprocessors) (2019)")
    (56200.0, 2019)
    >>> market_size("$10.9 billion", "2019"), market_size("$44 million (2022)"), market_size("")
    ((10900.0, 2019), (44.0, 2022), (None, None))
    """
    match = _SIZE.search(text or "")
    if not match:
        return None, None
    value = float(match[1].replace(",", "")) * _MILLIONS[match[2].lower() if match[2] else None]
    years = _SIZE_YEAR.findall(text)
    year = years[-1] if years else default_year
    return round(value, 6), int(year) if str(year).isdigit() else None


@dataclass(frozen=True)
class CrosswalkRow:
    """One curated link from an ETO stage or input to a segment or technology of the chains."""

    eto_id: str
    eto_name: str
    relation: str  # same_as, subtype_of (→ SUBTYPE_OF) or key_to (→ KEY_TO)
    target_label: str
    target: str
    target_name: str
    rationale: str
    source: str
    as_of: str


def read_crosswalk(path: str | Path = CROSSWALK_PATH) -> list[CrosswalkRow]:
    """The crosswalk rows of ``path`` (default: the curated file beside this module), checked.

    >>> rows = read_crosswalk()
    >>> next((r.target_name, r.relation) for r in rows if r.eto_name == "Lithography tools")
    ('光刻机', 'same_as')
    """
    table = read_csv_table(Path(path))
    problems = []
    rows = []
    for i, row in enumerate(table.frame.to_dict("records")):
        missing = [c for c in CrosswalkRow.__dataclass_fields__ if not str(row.get(c) or "").strip()]
        for column in missing:
            problems.append(InputProblem(str(path), i + 2, column, "empty crosswalk cell",
                                         "every row needs an ETO id and name, a relation, a target, a rationale, "
                                         "a source and a date"))
        if row.get("relation") not in _RELATIONS:
            problems.append(InputProblem(str(path), i + 2, "relation", f"unknown relation {row.get('relation')!r}",
                                         f"use one of {', '.join(_RELATIONS)}"))
        if row.get("target_label") not in ("Technology", "Segment"):
            problems.append(InputProblem(str(path), i + 2, "target_label", "target_label must be Technology or Segment",
                                         "link to a Technology (same_as) or a Segment (key_to)"))
        if not missing:
            rows.append(CrosswalkRow(**{c: str(row[c]).strip() for c in CrosswalkRow.__dataclass_fields__}))
    if problems:
        raise BadInputError(problems, hint="fix the crosswalk file; nothing was changed")
    return rows
_README_COMMIT = re.compile(r"commit\s+([0-9a-f]{7,40})\s*\((\d{4}-\d{2}-\d{2})\)")


def _attribution(commit: str | None) -> str:
    at = f" (data/, commit {commit[:8]})" if commit else ""
    return (f"数据来源 Data: ETO Chip Explorer, {PUBLISHER}; {REPOSITORY}{at}; "
            f"licensed {LICENCE}: non-commercial use, attribution required.")


#: the attribution every output derived from ETO data must show
ATTRIBUTION = _attribution(None)


def _kind(eto_type: str) -> str | None:
    return _KINDS.get(eto_type)


@dataclass(frozen=True)
class EtoFiles:
    """The five ETO tables as read (all-string frames), and the snapshot they come from."""

    folder: Path
    tables: dict[str, RawTable]
    commit: str | None
    snapshot: str | None  # YYYY-MM-DD of the commit, from the folder's README

    def frame(self, name: str):
        return self.tables[name].frame

    @property
    def attribution(self) -> str:
        return _attribution(self.commit)


@dataclass
class EtoReport:
    """What the adapter made of the files: counts, and what it left out and why."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    regions_added: list[str] = field(default_factory=list)
    regions_reused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the crosswalk links made ("Lithography tools → 光刻机"), when the ETO data is layered beside chains
    crosswalk: list[str] = field(default_factory=list)


def read_eto(folder: str | Path) -> EtoFiles:
    """Read the ETO files of ``folder``; a :class:`BadInputError` names each missing file or column."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError([InputProblem(str(folder), None, None, "no such folder",
                                          "pass the folder that holds the ETO Chip Explorer CSV files "
                                          "(e.g. ../shared/datasets/eto-chip-explorer)")])
    tables: dict[str, RawTable] = {}
    problems: list[InputProblem] = []
    for name, columns in COLUMNS.items():
        path = folder / name
        if not path.exists():
            problems.append(InputProblem(str(path), None, None, "missing ETO file",
                                         f"the folder must hold {', '.join(COLUMNS)}"))
            continue
        try:
            table = read_csv_table(path)
        except BadInputError as error:
            problems += error.problems
            continue
        missing = [c for c in columns if c not in table.frame.columns]
        for col in missing:
            problems.append(InputProblem(str(path), 1, col, "required ETO column is missing",
                                         "use the files of the ETO Chip Explorer data/ folder unchanged"))
        tables[name] = table
    if problems:
        raise BadInputError(problems, hint="nothing was changed")
    commit = snapshot = None
    readme = folder / "README.md"
    if readme.exists():
        match = _README_COMMIT.search(readme.read_text(encoding="utf-8", errors="replace"))
        if match:
            commit, snapshot = match[1], match[2]
    return EtoFiles(folder, tables, commit, snapshot)


def _cite_id(text: str) -> str:
    return f"{ETO_SOURCE}/" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _region_code(name: str, where: str, row: int, column: str) -> str:
    if name.strip().lower() in _VARIOUS_COUNTRIES:
        return UNATTRIBUTED
    if _CODE.match(name):
        return name
    raise BadInputError([InputProblem(where, row, column, f"not an ISO alpha-3 country code: {name!r}",
                                      "ETO names countries by ISO 3166-1 alpha-3 codes; add the pseudo-country "
                                      "to ingest/eto.py if ETO introduced a new one")])


def eto_records(files: EtoFiles | str | Path, *, existing_regions: Iterable[str] = (),
                report: EtoReport | None = None, existing: Mapping[str, Iterable[str]] | None = None,
                crosswalk: Iterable[CrosswalkRow] | None = None) -> Iterator[NodeRecord | EdgeRecord]:
    """Yield the graph records of the ETO files (see the module docstring for the mapping).

    ``existing_regions`` are Region codes the graph has already (e.g. CHN of the
    bundled data): the adapter links to them and does not define them again.
    ``report``, when given, is filled with counts and what was left out.
    ``existing`` (label → keys the other data folders define: ``Technology``, ``Segment``) switches on the
    crosswalk (:data:`CROSSWALK_PATH`, or ``crosswalk`` rows): each row whose target is in the data links the
    ETO stage or input to it (``same_as`` → SUBTYPE_OF, ``key_to`` → KEY_TO), so that the chains' choke points
    use ETO's market shares.
    """
    eto = files if isinstance(files, EtoFiles) else read_eto(files)
    report = report if report is not None else EtoReport()
    targets = {label: set(keys) for label, keys in (existing or {}).items()}
    existing = set(existing_regions)
    counts: dict[str, int] = {}

    def count(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    stamp = eto.snapshot
    provision = eto.frame("provision.csv")
    years = [int(y) for y in provision["year"] if y.isdigit()]
    if stamp is None:
        stamp = str(max(years)) if years else "1970"
        report.notes.append(f"no commit date in README.md: structure facts dated {stamp} (latest provision year)")
    base = {"source": ETO_SOURCE, "as_of": stamp}

    # sources: the dataset, and each citation ETO gives for its market shares
    yield NodeRecord("Source", ETO_SOURCE, {
        "title": "ETO Chip Explorer: semiconductor supply chain (inputs, sequence, providers, market shares)",
        "kind": "dataset", "publisher": PUBLISHER, "licence": LICENCE, "attribution": eto.attribution,
        "note": f"read from {REPOSITORY} data/" + (f" at commit {eto.commit}" if eto.commit else "")
                + "; never copied into this repository", **base})
    count("Source")
    yield NodeRecord("Chain", ETO_CHAIN, {
        "name": "半导体供应链（ETO）", "aliases": ["Semiconductor supply chain (ETO Chip Explorer)", "ETO"],
        "description": "The semiconductor supply chain as ETO Chip Explorer maps it: design, fabrication, "
                       "assembly/testing/packaging, with the tools, materials and design resources they need.",
        **base})
    count("Chain")

    stages = eto.frame("stages.csv")
    stage_ids = list(stages["stage_id"])
    for layer, row in enumerate(stages.to_dict("records"), 1):
        position = "upstream" if layer == 1 else "downstream" if layer == len(stage_ids) else "midstream"
        key = f"eto-{row['stage_id']}"
        yield NodeRecord("Segment", key, {"name": row["stage_name"], "position": position, "layer": layer,
                                          "description": row["description"], **base})
        yield EdgeRecord("SEGMENT_OF", key, ETO_CHAIN, base)
        count("Segment")

    inputs = eto.frame("inputs.csv")
    where = eto.tables["inputs.csv"].path
    known_inputs = set(inputs["input_id"])
    for i, row in enumerate(inputs.to_dict("records")):
        kind = _kind(row["type"])
        if kind is None:
            raise BadInputError([InputProblem(where, i + 2, "type", f"unknown ETO input type {row['type']!r}",
                                              f"expected one of {', '.join(_KINDS)}")])
        key = f"eto-{row['input_id']}"
        size, size_year = market_size(row.get("market_share_chart_global_market_size_info") or "",
                                      row.get("year") or "")
        yield NodeRecord("Technology", key, {"name": row["input_name"], "kind": kind,
                                             "description": row["description"], "market_size_musd": size,
                                             "market_size_year": size_year if size is not None else None,
                                             **base})
        count("Technology")
        if row["stage_id"]:
            if row["stage_id"] not in stage_ids:
                raise BadInputError([InputProblem(where, i + 2, "stage_id", f"unknown stage {row['stage_id']!r}",
                                                  "use a stage_id of stages.csv")])
            yield EdgeRecord("KEY_TO", key, f"eto-{row['stage_id']}", base)
            count("KEY_TO")

    sequence = eto.frame("sequence.csv")
    where = eto.tables["sequence.csv"].path
    for i, row in enumerate(sequence.to_dict("records")):
        for column in ("input_id", "goes_into_id", "is_type_of_id"):
            if row[column] and row[column] not in known_inputs:
                raise BadInputError([InputProblem(where, i + 2, column, f"unknown input {row[column]!r}",
                                                  "use an input_id of inputs.csv")])
        if row["goes_into_id"]:
            yield EdgeRecord("FEEDS", f"eto-{row['input_id']}", f"eto-{row['goes_into_id']}", base,
                             from_label="Technology", to_label="Technology")
            count("FEEDS")
        if row["is_type_of_id"]:
            yield EdgeRecord("SUBTYPE_OF", f"eto-{row['input_id']}", f"eto-{row['is_type_of_id']}", base,
                             from_label="Technology", to_label="Technology")
            count("SUBTYPE_OF")

    # providers: one row per alias, so group by provider_id
    providers = eto.frame("providers.csv")
    where = eto.tables["providers.csv"].path
    provider_node: dict[str, tuple[str, str] | None] = {}  # provider_id → (label, key); None = left out
    enterprises: dict[str, dict] = {}
    regions_needed: dict[str, str] = {}  # code → English name as ETO gives it
    for i, row in enumerate(providers.to_dict("records")):
        pid, name = row["provider_id"], row["provider_name"]
        if row["provider_type"] == "country":
            code = _region_code(name, where, i + 2, "provider_name")
            provider_node[pid] = ("Region", code)
            regions_needed.setdefault(code, row["alias"] or name)
        elif row["provider_type"] == "organization":
            if name.strip().lower() in _VARIOUS_COMPANIES:
                provider_node[pid] = None
                continue
            country = _region_code(row["country"], where, i + 2, "country") if row["country"] else None
            entry = enterprises.setdefault(pid, {"name": name, "aliases": [], "country": country})
            if name != entry["name"] and name not in entry["aliases"]:
                entry["aliases"].append(name)
            if row["alias"] and row["alias"] not in entry["aliases"] and row["alias"] != entry["name"]:
                entry["aliases"].append(row["alias"])
            provider_node[pid] = ("Enterprise", f"eto-{pid}")
            if country:
                regions_needed.setdefault(country, country)
        else:
            raise BadInputError([InputProblem(where, i + 2, "provider_type",
                                              f"unknown provider type {row['provider_type']!r}",
                                              "expected country or organization")])
    for code in sorted(regions_needed):
        if code in existing:
            report.regions_reused.append(code)
            continue
        english = regions_needed[code]
        yield NodeRecord("Region", code, {
            "name": REGION_NAMES.get(code, english), "short_name": english if english != code else None,
            "level": "area" if code in AREAS else "country", **base})
        report.regions_added.append(code)
        count("Region")
    for pid, entry in enterprises.items():
        yield NodeRecord("Enterprise", f"eto-{pid}", {"name": entry["name"], "aliases": entry["aliases"], **base})
        count("Enterprise")
        if entry["country"]:
            yield EdgeRecord("LOCATED_IN", f"eto-{pid}", entry["country"], base)
            count("LOCATED_IN")

    # provision: the latest year per provider and input
    where = eto.tables["provision.csv"].path
    latest: dict[tuple[str, str], tuple[int, int, dict]] = {}
    skipped_various = 0
    for i, row in enumerate(provision.to_dict("records")):
        pid, provided = row["provider_id"], row["provided_id"]
        if pid not in provider_node:
            raise BadInputError([InputProblem(where, i + 2, "provider_id", f"unknown provider {pid!r}",
                                              "use a provider_id of providers.csv")])
        if provided not in known_inputs and provided not in stage_ids:
            raise BadInputError([InputProblem(where, i + 2, "provided_id", f"unknown input or stage {provided!r}",
                                              "use an input_id of inputs.csv or a stage_id of stages.csv")])
        if provider_node[pid] is None:
            skipped_various += 1
            continue
        if not row["year"].isdigit():
            raise BadInputError([InputProblem(where, i + 2, "year", f"not a year: {row['year']!r}",
                                              "write the four-digit year")])
        year = int(row["year"])
        previous = latest.get((pid, provided))
        if previous is None or year >= previous[0]:
            if previous is not None:
                report.skipped["older provision rows"] = report.skipped.get("older provision rows", 0) + 1
            latest[(pid, provided)] = (year, i, row)
        else:
            report.skipped["older provision rows"] = report.skipped.get("older provision rows", 0) + 1
    if skipped_various:
        report.skipped["Various companies provision rows"] = skipped_various
    # each citation ETO gives for the market shares kept becomes a Source of its own
    citations: dict[str, str] = {}
    for _year, _i, row in sorted(latest.values(), key=lambda item: item[1]):
        text = _one_line(row["source"])
        if text and text not in citations:
            citations[text] = _cite_id(text)
            yield NodeRecord("Source", citations[text], {
                "title": text, "kind": "dataset", "publisher": f"{PUBLISHER} (citing its own sources)",
                "licence": LICENCE, "attribution": eto.attribution,
                "note": "a citation ETO Chip Explorer gives for its market shares (provision.csv)", **base})
            count("Source")
    for (pid, provided), (year, _i, row) in sorted(latest.items(), key=lambda item: item[1][1]):
        label, key = provider_node[pid]
        text = _one_line(row["source"])
        to_label = "Segment" if provided in stage_ids else "Technology"
        yield EdgeRecord("PROVIDES", key, f"eto-{provided}", {
            "share": row["share_provided"] or None, "year": year,
            "source": citations.get(text, ETO_SOURCE), "as_of": str(year)}, from_label=label, to_label=to_label)
        count("PROVIDES")
    # the crosswalk to the chains the other folders define
    if targets:
        rows = list(crosswalk) if crosswalk is not None else read_crosswalk()
        known = set(stage_ids) | known_inputs
        linked = [r for r in rows if r.eto_id in known and r.target in targets.get(r.target_label, ())]
        missing = len(rows) - len(linked)
        if linked:
            yield NodeRecord("Source", CROSSWALK_SOURCE, {
                "title": "ETO Chip Explorer ↔ chains crosswalk (curated; ingest/eto_crosswalk.csv)",
                "kind": "curated", "publisher": "chainkg curators",
                "note": "links ETO stages and inputs to the chains' segments and technologies, one rationale a row",
                "source": CROSSWALK_SOURCE, "as_of": max(r.as_of for r in linked)})
            count("Source")
        for r in linked:
            from_label = "Segment" if r.eto_id in stage_ids else "Technology"
            rel = _RELATIONS[r.relation]
            props = {"source": CROSSWALK_SOURCE, "as_of": r.as_of}
            if rel == "KEY_TO":
                if from_label != "Technology" or r.target_label != "Segment":
                    raise BadInputError([InputProblem(str(CROSSWALK_PATH), None, "relation",
                                                      f"key_to links an input to a segment: {r.eto_id} → {r.target}",
                                                      "use same_as for a stage or a technology")])
                yield EdgeRecord("KEY_TO", f"eto-{r.eto_id}", r.target, props)
            else:
                yield EdgeRecord("SUBTYPE_OF", f"eto-{r.eto_id}", r.target, props, from_label=from_label,
                                 to_label=r.target_label)
            count(f"crosswalk {rel}")
        report.crosswalk = [f"{r.eto_name} → {r.target_name}" for r in linked]
        if missing:
            report.skipped["crosswalk rows whose target is not in the data"] = missing
    report.counts = counts


def eto_raw_tables(files: EtoFiles | str | Path, schema: Schema | None = None, *,
                   existing_regions: Iterable[str] = (), report: EtoReport | None = None,
                   existing: Mapping[str, Iterable[str]] | None = None) -> list[RawTable]:
    """The ETO records as raw tables, validated later exactly like CSV input."""
    eto = files if isinstance(files, EtoFiles) else read_eto(files)
    schema = schema or load_schema()
    return raw_tables_from_records(eto_records(eto, existing_regions=existing_regions, report=report,
                                               existing=existing), schema, f"eto:{eto.folder}")


def existing_keys(folders: Iterable[str | Path], labels: Iterable[str], schema: Schema | None = None
                  ) -> dict[str, set[str]]:
    """The keys of ``labels`` (e.g. Technology, Segment) that the data folders define (their CSV tables and
    workbooks): what the crosswalk may link ETO's inputs to."""
    schema = schema or load_schema()
    specs = {schema.label(label).file: schema.label(label) for label in labels}
    found: dict[str, set[str]] = {spec.name: set() for spec in specs.values()}
    for folder in folders:
        paths, _problems = _table_files(Path(folder))
        for path in paths:
            if path.name not in specs and path.suffix.lower() != ".xlsx":
                continue
            tables, _trouble = _read_file(path, schema)
            for table in tables:
                spec = specs.get(table.name)
                if spec is not None and spec.key in table.frame.columns:
                    found[spec.name] |= set(table.frame[spec.key])
    return found


def existing_region_codes(folders: Iterable[str | Path], schema: Schema | None = None) -> set[str]:
    """Region codes the data folders define (their regions tables), so the adapter does not define them again.

    Only the files that can hold a regions table are read: the regions CSV file and the workbooks.
    """
    schema = schema or load_schema()
    region = schema.label("Region")
    codes: set[str] = set()
    for folder in folders:
        paths, _problems = _table_files(Path(folder))  # problems surface when the build validates
        for path in paths:
            if path.name != region.file and path.suffix.lower() != ".xlsx":
                continue
            tables, _trouble = _read_file(path, schema)
            for table in tables:
                if table.name == region.file and region.key in table.frame.columns:
                    codes |= set(table.frame[region.key])
    return codes


@dataclass(frozen=True)
class EtoBuildResult:
    """What ``chainkg ingest eto`` built."""

    folder: Path
    digest: str
    counts: dict[str, dict[str, int]]
    report: EtoReport
    attribution: str


def build_eto(path: str | Path, home: str | Path, *, folders: Iterable[str | Path] = (),
              progress=None) -> EtoBuildResult:
    """Build the store at ``home`` from the ETO files at ``path``, alone or layered beside ``folders``."""
    from graph.embedded import write_embedded
    from ingest.build import _shown
    from ingest.load import load_tables

    say = progress or (lambda _msg: None)
    folders = [Path(f) for f in folders]
    schema = load_schema()
    say(f"reading ETO Chip Explorer files in {path}")
    eto = read_eto(path)
    report = EtoReport()
    raw = eto_raw_tables(eto, schema, existing_regions=existing_region_codes(folders, schema), report=report,
                         existing=existing_keys(folders, ("Technology", "Segment"), schema) if folders else None)
    tables = load_tables(folders, records=raw, schema=schema, progress=progress)
    say("writing the store")
    data = [_shown(f) for f in folders] + [f"eto:{eto.folder}"]
    folder = write_embedded(tables, home, data=data)
    digest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["digest"]
    return EtoBuildResult(folder, digest, tables.counts(), report, eto.attribution)


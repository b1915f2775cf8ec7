"""``import enterprises``: turn enterprise exports into tables for ``chainkg build --data data --data DIR``.

For every input row: read its fields, place it in a county (:mod:`.regions`), classify it
into chain segments (:mod:`.segments`), and decide which enterprise it is (:mod:`.resolve`:
an existing one, a new one, or a repeat of an earlier row). The facts each dataset brings
live on a ``Registration`` node (one per enterprise per dataset, with the dataset as its
source), linked by ``HAS_REGISTRATION``; new enterprises get an ``Enterprise`` row, and
``LOCATED_IN`` / ``OPERATES_IN`` edges carry the dataset as their source. Every decision is
written to ``review/review.xlsx`` (:mod:`.output`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem
from graph.identifiers import slugify, stable_id, uscc_problem
from ingest.importer.fields import parse_capital, parse_day, parse_headcount, parse_status
from ingest.importer.reader import ColumnMap, ExportTable, InputRow, read_export
from ingest.importer.regions import Placement, RegionIndex
from ingest.importer.resolve import KnownEnterprises, is_branch, name_key, short_form
from ingest.importer.segments import Classification, SegmentClassifier
from ingest.importer.text import normalise
from ingest.values import parse_date

__all__ = ["ImportOptions", "RowOutcome", "ImportPlan", "plan_import", "SOURCE_ID_PATTERN", "parent_candidates"]

#: a dataset id: letters, digits, CJK, and . _ - (it becomes a Source key and part of node ids)
SOURCE_ID_PATTERN = re.compile(r"^[\w.\-]{1,80}$")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose: the dataset's source id, its date, a title, the data folders to match against."""

    source: str
    as_of: str
    title: str = ""
    data: tuple[str, ...] = ()
    columns: str | None = None


@dataclass
class RowOutcome:
    """Every decision about one input row (one row of review.xlsx)."""

    row: InputRow
    name: str = ""
    uscc: str = ""
    action: str = ""
    enterprise: str = ""
    placement: Placement | None = None
    classification: Classification | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str = ""
    held: bool = False

    @property
    def rank(self) -> int:
        """0 = look first: held or skipped; 1 = problems; 2 = segment or region doubtful; 3 = no segment; 9 = fine."""
        if self.held or self.action.startswith("skipped"):
            return 0
        if self.problems:
            return 1
        if (self.classification and (self.classification.review or
                                     (self.classification.assigned and self.classification.doubts))) \
                or (self.placement and self.placement.doubtful):
            return 2
        if self.classification and not self.classification.assigned and not self.action.startswith("merged"):
            return 3
        return 9


@dataclass
class ImportPlan:
    """The tables to write and the outcome of every row."""

    options: ImportOptions
    tables: dict[str, list[dict]]
    outcomes: list[RowOutcome]
    inputs: list[ExportTable]
    problems: list[InputProblem]
    counts: dict[str, int]


_USCC_CLEAN = re.compile(r"\s+")


def _read_rows(rows: list[InputRow], regions: RegionIndex, classifier: SegmentClassifier,
               units: dict[str, dict[str, str]], *, progress: Progress | None) -> tuple[list[RowOutcome], list[dict]]:
    """Every row read, placed and classified, in input order.

    One process: the work per row is a fraction of a millisecond, and handing rows and their
    decisions to other processes costs as much as it saves (measured, docs/import.md).
    """
    outcomes: list[RowOutcome] = []
    facts: list[dict] = []
    total = len(rows)
    for done, row in enumerate(rows, 1):
        outcome, values = _read_row(row, regions, classifier, units.get(row.file, {}))
        outcomes.append(outcome)
        facts.append(values)
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    return outcomes, facts


def plan_import(files: Sequence[str | Path], options: ImportOptions, *, progress: Progress | None = None
                ) -> ImportPlan:
    """Read the exports and decide everything; nothing is written. Raises BadInputError for unusable input."""
    from ingest.load import DEFAULT_DATA_DIR

    folders = tuple(options.data) or (str(DEFAULT_DATA_DIR),)
    _check_options(options, folders)
    columns = ColumnMap.from_file(options.columns)
    inputs: list[ExportTable] = []
    problems: list[InputProblem] = []
    for path in files:
        try:
            inputs += read_export(path, columns)
        except BadInputError as error:
            problems += error.problems
    if problems:
        raise BadInputError(problems, hint="nothing was written: fix the files named above and import again")
    rows = [row for table in inputs for row in table.rows]
    if not rows:
        raise BadInputError([InputProblem(t.path, t.header_row, None, "no data rows below the header row",
                                          "export the list with its rows") for t in inputs],
                            hint="nothing was written")
    regions = RegionIndex.load(folders)
    classifier = SegmentClassifier.load(folders)
    known = KnownEnterprises.load(folders)
    existing_edges = _existing_edges(folders)
    units = {t.path: t.units for t in inputs}

    outcomes, facts = _read_rows(rows, regions, classifier, units, progress=progress)

    tables = _decide(outcomes, facts, options, regions, known, existing_edges)
    counts = {
        "rows": len(outcomes),
        "new": sum(o.action == "new enterprise" for o in outcomes),
        "merged": sum(o.action.startswith("merged") for o in outcomes),
        "repeated": sum(o.action.startswith("repeat") for o in outcomes),
        "held": sum(o.held for o in outcomes),
        "skipped": sum(o.action.startswith("skipped") for o in outcomes),
        "with_segment": sum(bool(o.classification and o.classification.assigned) for o in outcomes
                            if not o.held and not o.action.startswith(("skipped", "repeat"))),
        "with_county": sum(bool(o.placement and o.placement.precision == "county") for o in outcomes
                           if not o.held and not o.action.startswith(("skipped", "repeat"))),
    }
    row_problems = [InputProblem(o.row.file, o.row.row, column, text)
                    for o in outcomes for column, text in (_split_problem(p) for p in o.problems)]
    return ImportPlan(options, tables, outcomes, inputs, row_problems, counts)


def _split_problem(problem: str) -> tuple[str | None, str]:
    if problem.startswith("[") and "] " in problem:
        column, text = problem[1:].split("] ", 1)
        return column, text
    return None, problem


def _check_options(options: ImportOptions, folders: Iterable[str]) -> None:
    problems = []
    if not SOURCE_ID_PATTERN.match(options.source or ""):
        problems.append(InputProblem("--source", None, None, f"not a usable dataset id: {options.source!r}",
                                     "use letters, digits, Chinese characters, '.', '_' or '-', e.g. qcc-2026-11"))
    try:
        parse_date(options.as_of)
    except ValueError as error:
        problems.append(InputProblem("--as-of", None, None, f"{options.as_of!r}: {error}",
                                     "give the export's date, e.g. 2026-11-30"))
    from ingest.importer.folders import table_rows

    for folder in folders:
        if not Path(folder).is_dir():
            problems.append(InputProblem(str(folder), None, None, "no such data folder",
                                         "pass --data with a folder of tables"))
        elif any(row.get("id") == options.source for row in table_rows([folder], "sources.csv")):
            problems.append(InputProblem(str(Path(folder) / "sources.csv"), None, "id",
                                         f"the source {options.source!r} is already defined there",
                                         "give this dataset its own --source id"))
    if problems:
        raise BadInputError(problems, hint="nothing was written")


def _existing_edges(folders: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    from ingest.importer.folders import table_rows

    return {table: {(row["from"], row["to"]) for row in table_rows(folders, table)}
            for table in ("operates_in.csv", "located_in.csv", "subsidiary_of.csv", "branch_of.csv")}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _read_row(row: InputRow, regions: RegionIndex, classifier: SegmentClassifier,
              units: dict[str, str]) -> tuple[RowOutcome, dict]:
    """The fields of one row, parsed, placed and classified; problems name the column."""
    v = row.values  # placeholders (-, 暂无 …) were dropped by the reader
    col = row.columns
    outcome = RowOutcome(row)
    outcome.problems.extend(row.problems)
    name = _one_line(v.get("name", ""))
    outcome.name = name
    facts: dict[str, object] = {}
    if not name:
        outcome.action = "skipped: no company name"
        outcome.problems.append(f"[{col.get('name', '企业名称')}] the company name is empty")
        return outcome, facts
    code = _USCC_CLEAN.sub("", normalise(v.get("uscc", ""))).upper()
    if code:
        problem = uscc_problem(code)
        if problem:
            outcome.problems.append(f"[{col['uscc']}] 统一社会信用代码 {code}: {problem}; the row is kept without the code")
            code = ""
    outcome.uscc = code
    placement = regions.place(province=v.get("province", ""), city=v.get("city", ""), county=v.get("county", ""),
                              region_code=v.get("region_code", ""), address=v.get("address", ""), uscc=code)
    outcome.placement = placement
    classification = classifier.classify(scope=v.get("scope", ""), industry=v.get("industry", ""), name=name)
    outcome.classification = classification
    if "registered_capital" in v:
        try:
            unit = units.get("registered_capital")
            unit = {"万元": "万", "亿元": "亿", "万美元": "万"}.get(unit, unit)
            currency = v.get("capital_currency", "") or ("USD" if units.get("registered_capital") == "万美元" else "")
            capital = parse_capital(v["registered_capital"], unit_in_header=unit if unit != "元" else None,
                                    currency=currency)
            facts["registered_capital_wan"] = capital.amount_wan
            facts["capital_currency"] = capital.currency
        except ValueError as error:
            outcome.problems.append(f"[{col['registered_capital']}] {v['registered_capital']!r}: {error}; left empty")
        facts["capital_as_written"] = _one_line(v["registered_capital"])
    if "established" in v:
        try:
            facts["established"] = parse_day(v["established"])
        except ValueError as error:
            outcome.problems.append(f"[{col['established']}] {v['established']!r}: {error}; left empty")
    if "status" in v:
        facts["status_as_written"] = _one_line(v["status"])
        try:
            status = parse_status(v["status"])
            facts["status"] = status.status
            outcome.status = status.status
            if not status.active:
                outcome.notes.append(f"{status.status}: kept in the graph, left out of analyses")
        except ValueError as error:
            outcome.problems.append(f"[{col['status']}] {error}; left empty")
    for key, target in (("insured", "insured"), ("staff_size", "staff")):
        if key in v:
            try:
                count = parse_headcount(v[key])
                if target == "insured":
                    if count.low is not None and count.low == count.high:
                        facts["insured_employees"] = count.low
                    else:
                        facts["staff_size_min"], facts["staff_size_max"] = count.low, count.high
                else:
                    facts["staff_size_min"], facts["staff_size_max"] = count.low, count.high
                facts[f"{target}_as_written"] = _one_line(v[key])
            except ValueError as error:
                outcome.problems.append(f"[{col[key]}] {v[key]!r}: {error}; left empty")
    for key in ("legal_representative", "company_type", "address"):
        if key in v:
            facts[key] = _one_line(v[key])
    if "scope" in v:
        facts["business_scope"] = v["scope"].strip()
    if "industry" in v:
        facts["industry"] = _one_line(v["industry"])
        known_codes = [c for c in classifier.codes_for(v["industry"]) if c in classifier.industry_names]
        if known_codes:
            facts["industry_code"] = known_codes[0]
    facts["short_name"] = _one_line(v.get("short_name", ""))
    facts["former_names"] = _one_line(v.get("former_names", ""))
    facts["website"] = _one_line(v.get("website", ""))
    facts["parent"] = _one_line(v.get("parent", ""))
    if facts["parent"]:
        facts["parent_column"] = col.get("parent", "母公司")
    return outcome, facts


def _decide(outcomes: list[RowOutcome], facts: list[dict], options: ImportOptions, regions: RegionIndex,
            known: KnownEnterprises, existing: dict[str, set[tuple[str, str]]]) -> dict[str, list[dict]]:
    """Group repeated rows, resolve against the graph, and build the output tables."""
    common = {"source": options.source, "as_of": parse_date(options.as_of), "verified": "true"}
    # repeated rows: the same valid code, else the same normalised name
    groups: dict[str, list[int]] = {}
    names_codes: dict[str, set[str]] = {}
    for index, outcome in enumerate(outcomes):
        if outcome.action:
            continue
        key = f"uscc:{outcome.uscc}" if outcome.uscc else f"name:{name_key(outcome.name)}"
        groups.setdefault(key, []).append(index)
        if outcome.uscc:
            names_codes.setdefault(name_key(outcome.name), set()).add(outcome.uscc)
    conflicted = {name for name, codes in names_codes.items() if len(codes) > 1}
    for index, outcome in enumerate(outcomes):
        if not outcome.action and name_key(outcome.name) in conflicted:
            codes = ", ".join(sorted(names_codes[name_key(outcome.name)]))
            outcome.held = True
            outcome.action = "held for review: one name with different 统一社会信用代码"
            outcome.problems.append(f"[uscc] {outcome.name} comes with different codes ({codes}): "
                                    "check which is right, then import again")
    # a row with a code and a row of the same name without one are one company
    by_name_with_code = {name_key(outcomes[i].name): key for key, ix in groups.items() if key.startswith("uscc:")
                         for i in ix if not outcomes[i].held}
    for key in [k for k in groups if k.startswith("name:")]:
        target = by_name_with_code.get(key[5:])
        if target:
            groups[target] += groups.pop(key)

    tables: dict[str, list[dict]] = {name: [] for name in (
        "enterprises.csv", "registrations.csv", "has_registration.csv", "located_in.csv", "operates_in.csv",
        "subsidiary_of.csv", "branch_of.csv")}
    parents: list[tuple[RowOutcome, str, dict]] = []  # (first row, enterprise, merged facts): linked at the end
    used_ids: set[str] = set(known.by_key)
    for key, members in groups.items():
        members = [i for i in sorted(members) if not outcomes[i].held]
        if not members:
            continue
        first = outcomes[members[0]]
        merged = _merge_facts([facts[i] for i in members])
        placement = next((outcomes[i].placement for i in members if outcomes[i].placement
                          and outcomes[i].placement.precision == "county"), first.placement)
        classification = first.classification
        for i in members[1:]:
            outcomes[i].action = f"repeat of {_file_name(first.row.file)} row {first.row.row} (collapsed)"
        code = next((outcomes[i].uscc for i in members if outcomes[i].uscc), "")
        match = known.match(uscc=code, name=first.name, short_name=str(merged.get("short_name", "")),
                            region=placement.code if placement else None, within=regions.within)
        if match:
            enterprise = match.key
            first.action = f"merged into {match.key} {match.name} ({match.how})"
            first.notes += list(match.notes)
            known_regions = known.by_key[match.key].regions
        else:
            enterprise = code or stable_id("ent", name_key(first.name))
            if enterprise in used_ids:
                enterprise = stable_id("ent", f"{name_key(first.name)}/{options.source}")
            first.action = "new enterprise"
            known_regions = ()
            aliases = [a for a in dict.fromkeys([
                merged.get("short_name", ""), *str(merged.get("former_names", "")).replace("；", ";").split(";"),
                "" if is_branch(first.name) else short_form(first.name, _region_words(regions, placement))])
                       if a and a != first.name]
            tables["enterprises.csv"].append({
                "id": enterprise, "uscc": code, "name": first.name,
                "aliases": "|".join(a.replace("|", "/") for a in aliases),
                "website": merged.get("website", ""), **common})
        used_ids.add(enterprise)
        for i in members:
            outcomes[i].enterprise = enterprise
        registration = f"reg-{slugify(options.source) or 'dataset'}-{slugify(enterprise) or stable_id('x', enterprise)[2:]}"
        tables["registrations.csv"].append({
            "id": registration, "name": first.name, "uscc": code,
            **{k: merged.get(k, "") for k in _REGISTRATION_FIELDS},
            "input_rows": "; ".join(f"{_file_name(outcomes[i].row.file)}:{outcomes[i].row.row}" for i in members),
            **common})
        tables["has_registration.csv"].append({"from": enterprise, "to": registration, **common})
        if merged.get("parent"):
            parents.append((first, enterprise, merged))
        if placement and placement.code:
            _locate(first, enterprise, placement.code, known_regions, regions, existing, tables, common)
        if classification:
            for rank, match_ in enumerate(classification.assigned):
                if (enterprise, match_.segment) in existing["operates_in.csv"]:
                    first.notes.append(f"already operates in {match_.name} in the graph")
                    continue
                tables["operates_in.csv"].append({
                    "from": enterprise, "to": match_.segment, "products": _products(match_.evidence),
                    "main": "true" if rank == 0 else "false", "confidence": f"{match_.confidence:.3f}",
                    "evidence": "; ".join(match_.evidence)[:500], **common})
    imported = {name_key(o.name): o.enterprise for o in outcomes if o.enterprise and not o.held}
    for first, enterprise, merged in parents:
        _link_parent(first, enterprise, merged, known, imported, existing, tables, common)
    return tables


#: an organisation's name (a parent candidate worth a review row when it does not resolve), not a person's
_ORGANISATION = re.compile(r"(公司|集团|企业|厂|研究院|研究所|中心|合作社|事务所|银行|基金|合伙|控股|"
                           r"co\b|ltd|inc\b|corp|gmbh|\bag\b|s\.a\.|plc|holding|group|limited)", re.IGNORECASE)
#: what separates several names in one cell, and a share written after a name: 某某公司（51%）
_NAME_SEPARATORS = re.compile(r"[、;；,，/\n]+")
_SHARE = re.compile(r"[（(][^()（）]*[%％股][^()（）]*[)）]|\d+(?:\.\d+)?\s*[%％]")


def parent_candidates(text: str) -> list[str]:
    """The names in a 母公司 / 股东 / 上级单位 cell, in order, without shares.

    >>> parent_candidates("宁德时代新能源科技股份有限公司（100%）")
    ['宁德时代新能源科技股份有限公司']
    >>> parent_candidates("甲集团有限公司 51%、张三（49%）")
    ['甲集团有限公司', '张三']
    """
    out = []
    for part in _NAME_SEPARATORS.split(str(text)):
        name = _one_line(_SHARE.sub("", part)).strip(" :：")
        if len(name) >= 2 and name not in out:
            out.append(name)
    return out


def _link_parent(outcome: RowOutcome, enterprise: str, merged: dict, known: KnownEnterprises,
                 imported: dict[str, str], existing: dict[str, set[tuple[str, str]]], tables: dict[str, list[dict]],
                 common: dict) -> None:
    """A SUBSIDIARY_OF (BRANCH_OF for a branch) edge to the first name of the parent column that is an enterprise
    of the graph or of this import (by 统一社会信用代码 or full name); a review problem when none is."""
    written = str(merged["parent"])
    column = merged.get("parent_column", "母公司")
    relationship = "BRANCH_OF" if is_branch(outcome.name) else "SUBSIDIARY_OF"
    table = "branch_of.csv" if relationship == "BRANCH_OF" else "subsidiary_of.csv"
    for candidate in parent_candidates(written):
        code = _USCC_CLEAN.sub("", normalise(candidate)).upper()
        match = known.match(uscc=code if not uscc_problem(code) else "", name=candidate, short_name="", region=None,
                            within=lambda a, b: False)
        parent = match.key if match else imported.get(name_key(candidate))
        if parent is None or parent == enterprise:
            continue
        if (enterprise, parent) in existing.get(table, set()):
            outcome.notes.append(f"{relationship} {parent} already in the graph")
            return
        tables[table].append({"from": enterprise, "to": parent, "as_written": candidate,
                              "evidence": f"[{column}] {written}"[:500], **common})
        outcome.notes.append(f"{relationship} {parent} ({candidate}, from [{column}])")
        return
    organisations = [c for c in parent_candidates(written) if _ORGANISATION.search(c)]
    if organisations:
        outcome.problems.append(f"[{column}] {'、'.join(organisations)} is not an enterprise of the graph or of this "
                                f"import: no {relationship} written; add the parent to the data (or import it) "
                                "and import again")


@lru_cache(maxsize=64)
def _file_name(path: str) -> str:
    return Path(path).name


_REGISTRATION_FIELDS = ("registered_capital_wan", "capital_currency", "capital_as_written", "established", "status",
                        "status_as_written", "legal_representative", "company_type", "address", "industry_code",
                        "industry", "business_scope", "insured_employees", "staff_size_min", "staff_size_max",
                        "staff_as_written")


def _merge_facts(rows: list[dict]) -> dict:
    merged: dict = {}
    for row in rows:
        for key, value in row.items():
            if value not in ("", None) and key not in merged:
                merged[key] = value
    return {k: ("" if v is None else v) for k, v in merged.items()}


def _region_words(regions: RegionIndex, placement: Placement | None) -> list[str]:
    if not placement or not placement.code:
        return []
    words = []
    for code in regions.ancestors(placement.code):
        region = regions.regions[code]
        words += [region.name, region.short_name]
    return [w for w in words if w]


_SCOPE_EVIDENCE = re.compile(r"^scope item \d+(?: \(trade\))? (.*)$")


def _products(evidence: tuple[str, ...]) -> str:
    terms = []
    for item in (part for text in evidence for part in text.split("; ")):
        found = _SCOPE_EVIDENCE.match(item)
        if found:
            terms += found.group(1).split(", ")
    return "、".join(dict.fromkeys(t for t in terms if t))[:200]


def _locate(outcome: RowOutcome, enterprise: str, code: str, known_regions: tuple[str, ...], regions: RegionIndex,
            existing: dict[str, set[tuple[str, str]]], tables: dict[str, list[dict]], common: dict) -> None:
    """A LOCATED_IN edge unless the graph already says as much; a contradiction goes to review instead."""
    if (enterprise, code) in existing["located_in.csv"]:
        return
    for region in known_regions:
        if regions.within(region, code):
            return  # the graph is as precise or more
        if not regions.within(code, region):
            outcome.problems.append(f"the graph locates it in {regions.path(region)} {region}, the export in "
                                    f"{regions.path(code)} {code}: not changed, check which is right")
            return
    tables["located_in.csv"].append({"from": enterprise, "to": code, **common})

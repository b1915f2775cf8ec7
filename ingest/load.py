"""Load data folders (and adapter records) into validated :class:`~graph.tables.GraphTables`.

Several folders are layered (``--data data/ --data pool/``): tables of the
same name are stacked, and a key defined twice anywhere is an error that names
both places. Every relationship endpoint and every ``source`` must resolve.

>>> from pathlib import Path
>>> tables = load_tables([Path(__file__).parents[1] / "data"])
>>> tables.counts()["nodes"]["Cluster"]
10
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from chainkg.errors import BadInputError, InputProblem
from graph.hashing import one_value_mostly
from graph.records import EdgeRecord, NodeRecord
from graph.schema import Label, Relationship, Schema, load_schema
from graph.tables import GraphTables, worker_count
from ingest.inputs import input_file_problem
from ingest.readers import RawTable, read_csv_table, read_xlsx_tables
from ingest.references import KeyCheck
from ingest.validate import STRING, _arrow, validate_table

__all__ = ["load_tables", "stage_tables", "StagedTables", "raw_tables_from_records", "DEFAULT_DATA_DIR"]

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"

Progress = Callable[[str], None]


@dataclass
class _Part:
    """A validated piece of one table, with where its rows came from."""

    raw: RawTable
    frame: pd.DataFrame


def _table_files(folder: Path) -> tuple[list[Path], list[InputProblem]]:
    """The CSV and XLSX files of a data folder, in name order, or the problem with the folder."""
    if not folder.is_dir():
        return [], [InputProblem(str(folder), None, None, "no such data folder",
                                 "pass --data with a folder that holds the CSV tables")]
    paths, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".csv", ".xlsx") or path.name.startswith((".", "~$")):
            continue
        problem = input_file_problem(path, what="table")  # a folder, FIFO, device or dangling link named *.csv
        if problem is not None:
            problems.append(problem)
        else:
            paths.append(path)
    if not paths and not problems:
        return [], [InputProblem(str(folder), None, None, "the folder holds no data tables",
                                 "put the CSV tables described in data/README.md there")]
    return paths, problems


def _read_file(path: Path, schema: Schema) -> tuple[list[RawTable], list[InputProblem]]:
    """The tables of one file (a CSV file, or each sheet of a workbook), with the problems found reading it."""
    known = schema.table_files()
    try:
        found = [read_csv_table(path)] if path.suffix.lower() == ".csv" else read_xlsx_tables(path)
    except BadInputError as error:
        return [], list(error.problems)
    by_lower = {name.lower(): name for name in known}
    tables, problems = [], []
    for table in found:
        name = by_lower.get(table.name.lower())  # enterprises.CSV, Enterprises.csv and a sheet "Enterprises" alike
        if name is None:
            problems.append(InputProblem(
                table.path, None, None, f"unknown table {table.name!r}",
                f"name the file (or sheet) after one of: {', '.join(sorted(known))}"))
        else:
            tables.append(table if table.name == name else replace(table, name=name))
    return tables, problems


def _read_and_validate(path: Path, schema: Schema) -> tuple[list[_Part], list[InputProblem]]:
    tables, problems = _read_file(path, schema)
    parts = []
    for raw in tables:
        part, trouble = _validated(raw, schema)
        parts += part
        problems += trouble
    return parts, problems


def _validated(raw: RawTable, schema: Schema) -> tuple[list[_Part], list[InputProblem]]:
    typed, problems = validate_table(raw, schema.table_files()[raw.name])
    return ([] if problems else [_Part(raw, typed)]), problems


def raw_tables_from_records(records: Iterable[NodeRecord | EdgeRecord], schema: Schema,
                            origin: str) -> list[RawTable]:
    """Turn adapter records into raw string tables, so they are validated like files.

    ``origin`` names where the records came from in error messages (e.g. the adapter and its path).
    """
    rows: dict[str, list[dict]] = {}
    for record in records:
        if isinstance(record, NodeRecord):
            spec = schema.label(record.label)
            row = {spec.key: record.key, **record.properties}
        else:
            spec = schema.relationship(record.type)
            row = {"from": record.from_key, "to": record.to_key, **record.properties}
            if record.from_label is not None:
                row["from_label"] = record.from_label
            if record.to_label is not None:
                row["to_label"] = record.to_label
        rows.setdefault(spec.file, []).append({k: _text(v) for k, v in row.items()})
    tables = []
    for name, table_rows in rows.items():
        frame = pd.DataFrame(table_rows).fillna("").astype(STRING)
        tables.append(RawTable(name, f"{origin}:{name}", frame, "records"))
    return tables


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "|".join(str(v) for v in value)
    return str(value)


def load_tables(folders: Iterable[Path], *, records: Iterable[RawTable] = (), schema: Schema | None = None,
                progress: Progress | None = None) -> GraphTables:
    """Read, validate and cross-check every table; raise :class:`BadInputError` listing every problem."""
    with ThreadPoolExecutor(max_workers=worker_count()) as pool:
        try:
            staged = stage_tables(folders, records=records, schema=schema, progress=progress, pool=pool)
            staged.confirm()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # work still queued (digests started early) is dropped
            raise
    return staged.tables


@dataclass
class StagedTables:
    """Tables read and validated, with keys and references resolved, while the last checks still run.

    A writer may start on :attr:`tables` but must call :meth:`confirm` before it
    makes them current: it waits for the checks and raises :class:`BadInputError`.
    """

    tables: GraphTables
    checks: list

    def confirm(self) -> None:
        problems = [problem for check in self.checks for problem in check.result()]
        if problems:
            raise BadInputError(problems, hint="nothing was changed: fix the rows named above and build again")


def stage_tables(folders: Iterable[Path], *, records: Iterable[RawTable] = (), schema: Schema | None = None,
                 progress: Progress | None = None, pool: Executor, digests: bool = False) -> StagedTables:
    """Read and validate every table and resolve keys and references on ``pool``; return while the
    remaining checks (duplicate relationships, sources) run, unless a problem is already certain.
    With ``digests``, the node tables' digests start as soon as their keys are hashed (for a writer).

    Raises :class:`BadInputError` for problems found while reading, and for any problem once a key is
    duplicated or a reference does not resolve (so no writer starts on such input).
    """
    schema = schema or load_schema()
    say = progress or (lambda _msg: None)
    files = schema.table_files()
    problems: list[InputProblem] = []
    parts: dict[str, list[_Part]] = {}
    # each file is validated as soon as it is read, while the next one is parsed
    entries: list[Path | list[InputProblem]] = []
    for folder in folders:
        say(f"reading {folder}")
        paths, trouble = _table_files(Path(folder))
        entries += [trouble, *paths]
    # the largest files first, so that no large file is left to be read alone at the end
    reads = {path: pool.submit(_read_and_validate, path, schema)
             for path in sorted({e for e in entries if isinstance(e, Path)}, key=_size, reverse=True)}
    jobs = [reads[e] if isinstance(e, Path) else e for e in entries]
    jobs += [pool.submit(_validated, raw, schema) for raw in records]
    for job in jobs:
        found, trouble = ([], job) if isinstance(job, list) else job.result()
        problems += trouble
        for part in found:
            parts.setdefault(part.raw.name, []).append(part)
    if problems:
        raise BadInputError(problems, hint="nothing was changed: fix the rows named above and build again")
    say("checking keys and references")
    tables = GraphTables(schema)
    for name, pieces in parts.items():
        spec = files[name]
        frame = pd.concat([p.frame for p in pieces], ignore_index=True) if len(pieces) > 1 else pieces[0].frame
        if isinstance(spec, Label):
            tables.nodes[spec.name] = frame
        else:
            tables.edges[spec.name] = frame
    sources = pool.submit(_unknown_sources, tables, parts)  # needs no join: it fills gaps in the join's work
    regions = pool.submit(_region_problems, tables, parts)

    def keys_hashed(key_hashes: dict[str, np.ndarray]) -> None:
        """Hand the key hashes to the digest; its node tables need nothing else, so they queue right
        behind the reference lookups."""
        for label, hashes in key_hashes.items():
            if label in tables.nodes:
                frame, key = tables.nodes[label], schema.label(label).key
                tables.column_hashes[label, key] = (frame, frame[key].array, hashes)
        if digests:
            tables.prefetch_node_digests(pool)

    clean = KeyCheck(tables, pool, then=keys_hashed)
    checks = [pool.submit(_check_distinct, tables, clean, files[name], pieces) for name, pieces in parts.items()]
    unresolved = [schema.relationship(rel) for rel in tables.edges if not clean.resolved(schema.relationship(rel))]
    checks += [pool.submit(_dangling, tables, spec, tables.edges[spec.name], parts[spec.file]) for spec in unresolved]
    checks += [sources, regions]
    staged = StagedTables(tables, checks)
    if unresolved or not all(clean.distinct_nodes(label) for label in tables.nodes):
        staged.confirm()  # a problem is certain: word it before anything is written
    tables.endpoint_rows = clean.endpoint_rows()
    tables.column_hashes.update(clean.identity_hashes)
    tables.endpoint_owners = {}
    for rel, end in tables.endpoint_rows:
        spec = schema.relationship(rel)
        label = (spec.from_labels if end == "from" else spec.to_labels)[0]
        tables.endpoint_owners[rel, end] = (tables.edges[rel], tables.edges[rel][end].array, tables.nodes.get(label))
    return staged


def _check_distinct(tables: GraphTables, clean: KeyCheck, spec: Label | Relationship,
                    pieces: list[_Part]) -> list[InputProblem]:
    """Problems with keys (or relationships) defined more than once."""
    if isinstance(spec, Label):
        if clean.distinct_nodes(spec.name):
            return []
        return _duplicates(tables.nodes[spec.name], [spec.key], pieces, f"duplicate {spec.name} key",
                           "keep one row per key (keys must be unique across all data folders)")
    if clean.distinct_edges(spec):
        return []
    identity = spec.endpoint_columns() + list(spec.identity)
    return _duplicates(tables.edges[spec.name], identity, pieces, f"duplicate {spec.name} relationship",
                       "keep one row per relationship" + (
                           f" (rows differ only by {', '.join(spec.identity)})" if spec.identity else ""))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _where(pieces: list[_Part], position: int) -> tuple[str, int]:
    """File and row of the ``position``-th row of the stacked table."""
    for part in pieces:
        if position < len(part.frame):
            return part.raw.path, part.raw.row_of(position)
        position -= len(part.frame)
    raise IndexError(position)


def _all_distinct(frame: pd.DataFrame, columns: list[str]) -> bool | None:
    """Whether the rows are distinct on ``columns``, by hashing in Arrow; None when it cannot tell cheaply."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(frame) < 2:
        return True
    if any(not isinstance(frame[c].dtype, pd.StringDtype) for c in columns):
        return None
    if len(columns) == 1:
        return pc.count_distinct(_arrow(frame[columns[0]]), mode="all").as_py() == len(frame)
    combined = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for col in columns:
        encoded = pc.dictionary_encode(_arrow(frame[col]).combine_chunks())
        size = max(len(encoded.dictionary), 1)
        if span * size >= 2**62:
            return None
        combined = combined * size + encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        span *= size
    return pc.count_distinct(pa.array(combined)).as_py() == len(frame)


def _duplicates(frame: pd.DataFrame, columns: list[str], pieces: list[_Part], reason: str, fix: str) -> list[InputProblem]:
    if _all_distinct(frame, columns):
        return []
    dup = frame.duplicated(subset=columns, keep=False).to_numpy()
    if not dup.any():
        return []
    problems = []
    positions = np.flatnonzero(dup)
    first_seen: dict[tuple, int] = {}
    for pos in positions[:200]:
        key = tuple(frame.iloc[pos][c] for c in columns)
        if key not in first_seen:
            first_seen[key] = pos
            continue
        file, row = _where(pieces, pos)
        other_file, other_row = _where(pieces, first_seen[key])
        shown = key[0] if len(key) == 1 else " → ".join(str(k) for k in key[:2])
        problems.append(InputProblem(file, row, columns[0], f"{reason} {shown!r}, also at {other_file}:{other_row}", fix))
        if len(problems) >= 20:
            break
    return problems


def _dangling(tables: GraphTables, spec: Relationship, frame: pd.DataFrame, pieces: list[_Part]) -> list[InputProblem]:
    problems = []
    for end, labels, label_col in (("from", spec.from_labels, "from_label"), ("to", spec.to_labels, "to_label")):
        keys = frame[end]
        if len(labels) == 1:
            missing = ~_isin(keys, tables.node_table(labels[0])[tables.schema.label(labels[0]).key])
        else:
            missing = np.ones(len(frame), dtype=bool)
            for label in labels:
                node_keys = tables.node_table(label)[tables.schema.label(label).key]
                missing &= ~((frame[label_col] == label).fillna(False).to_numpy(dtype=bool) & _isin(keys, node_keys))
        for pos in np.flatnonzero(missing)[:10]:
            file, row = _where(pieces, pos)
            label = frame.iloc[pos][label_col] if len(labels) > 1 else labels[0]
            problems.append(InputProblem(
                file, row, end,
                f"{spec.name} {frame.iloc[pos]['from']!r} → {frame.iloc[pos]['to']!r}: no {label} with key {keys.iloc[pos]!r}",
                f"add the {label} to {tables.schema.label(label).file} or correct the key"))
    return problems


def _unknown_sources(tables: GraphTables, origins: dict[str, list[_Part]]) -> list[InputProblem]:
    known = tables.node_table("Source")["id"]
    problems = []
    for name, pieces in origins.items():
        spec = tables.schema.table_files()[name]
        frame = tables.nodes[spec.name] if isinstance(spec, Label) else tables.edges[spec.name]
        missing = ~_isin(frame["source"], known)
        for pos in np.flatnonzero(missing)[:5]:
            file, row = _where(pieces, pos)
            problems.append(InputProblem(file, row, "source", f"unknown source {frame.iloc[pos]['source']!r}",
                                         "add it to sources.csv or use a listed source id"))
    return problems


#: administrative levels from the bottom up; a region lies within one of a higher level (``area`` stands apart)
_LEVEL_RANK = {"county": 0, "prefecture": 1, "province": 2, "country": 3}


def _region_problems(tables: GraphTables, origins: dict[str, list[_Part]]) -> list[InputProblem]:
    """Region properties that name no region, and a region hierarchy (WITHIN) that is not a tree.

    A region lies within at most one other, of a higher level (county →
    prefecture → province → country; a level may be skipped), and following
    WITHIN upwards never comes back: every analysis that asks "is this local
    to 常州市?" walks that path, and a cycle would make every region local to
    every other on it.
    """
    schema = tables.schema
    regions = tables.nodes.get("Region")
    codes = regions["code"] if regions is not None else pd.Series([], dtype=STRING)
    problems: list[InputProblem] = []
    for name, pieces in origins.items():
        spec = schema.table_files()[name]
        frame = tables.nodes[spec.name] if isinstance(spec, Label) else tables.edges[spec.name]
        key = spec.key if isinstance(spec, Label) else None
        for col, prop in spec.properties.items():
            if prop.type != "region_code" or col == key or col not in frame.columns:
                continue
            values = frame[col]
            missing = ~_isin(values, codes) & (values != "").fillna(False).to_numpy(dtype=bool)
            for pos in np.flatnonzero(missing)[:5]:
                file, row = _where(pieces, pos)
                problems.append(InputProblem(file, row, col, f"no Region with code {values.iloc[pos]!r}",
                                             "add the region to regions.csv or correct the code"))
    within = tables.edges.get("WITHIN")
    if within is None or not len(within) or regions is None:
        return problems
    pieces = origins[schema.relationship("WITHIN").file]
    children, parents = within["from"].tolist(), within["to"].tolist()
    level = dict(zip(codes.tolist(), regions["level"].tolist()))
    parent_of: dict[str, int] = {}
    for pos, (child, parent) in enumerate(zip(children, parents)):
        file, row = None, None
        if child == parent:
            file, row = _where(pieces, pos)
            problems.append(InputProblem(file, row, "to", f"region {child!r} lies within itself",
                                         "name the larger region it belongs to"))
            continue
        if child in parent_of:
            file, row = _where(pieces, pos)
            other_file, other_row = _where(pieces, parent_of[child])
            problems.append(InputProblem(
                file, row, "from", f"region {child!r} lies within {parent!r} here and within "
                f"{parents[parent_of[child]]!r} at {other_file}:{other_row}",
                "keep one row per region: a region lies within one larger region"))
            continue
        parent_of[child] = pos
        low, high = _LEVEL_RANK.get(level.get(child)), _LEVEL_RANK.get(level.get(parent))
        if low is not None and high is not None and low >= high:
            file, row = _where(pieces, pos)
            problems.append(InputProblem(
                file, row, "to", f"region {child!r} ({level[child]}) lies within {parent!r} ({level[parent]}), "
                "which is not a larger level", "a county lies within a prefecture, a prefecture within a province, "
                "a province within a country: swap from and to, or correct the levels in regions.csv"))
    problems += _cycles(children, parents, parent_of, pieces)
    return problems


def _cycles(children: list[str], parents: list[str], parent_of: dict[str, int],
            pieces: list[_Part]) -> list[InputProblem]:
    """Every cycle of the WITHIN hierarchy (one parent per region), named with its rows."""
    state: dict[str, int] = {}  # 1: on the path being followed, 2: known to end at a top region
    problems = []
    for start in parent_of:
        path = []
        node = start
        while node in parent_of and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parents[parent_of[node]]
        if state.get(node) == 1:  # came back to a region on this path: the cycle starts there
            cycle = path[path.index(node):]
            last = max(range(len(cycle)), key=lambda i: parent_of[cycle[i]])
            cycle = cycle[last:] + cycle[:last]  # named from its last row, most likely the one added by mistake
            node = cycle[0]
            where = [_where(pieces, parent_of[region]) for region in cycle]
            shown = " → ".join([*cycle, node])
            rows = ", ".join(f"{file}:{row}" for file, row in where)
            file, row = where[0]
            problems.append(InputProblem(
                file, row, "to", f"the region hierarchy has a cycle: {shown} (rows {rows})",
                "each region lies within a larger one, up to a country: remove or reverse one of these rows"))
        for region in path:
            state[region] = 2
    return problems


def _isin(values: pd.Series, among: pd.Series) -> np.ndarray:
    """``values.isin(among)`` as a numpy mask, hashed in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    haystack = _arrow(among)
    haystack = haystack.combine_chunks() if haystack.num_chunks != 1 else haystack.chunk(0)
    arrow = _arrow(values)
    mostly = one_value_mostly(arrow)  # a source column: look up its one value and the few others
    if mostly is None:
        return pc.is_in(arrow, value_set=haystack).to_numpy(zero_copy_only=False).astype(bool, copy=False)
    common, other = mostly
    found = np.full(len(arrow), pc.is_in(pa.array([common], type=haystack.type), value_set=haystack)[0].as_py())
    if other.any():
        found[other] = pc.is_in(arrow.filter(pa.array(other)), value_set=haystack).to_numpy(zero_copy_only=False)
    return found

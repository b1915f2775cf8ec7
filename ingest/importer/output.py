"""Write an import: the tables, the dataset's ``sources.csv`` row and ``review/review.xlsx``, all or nothing.

Everything is written to a temporary folder beside ``DIR`` and renamed into place at the
end, so a failure leaves ``DIR`` as it was. ``DIR`` must be new, empty, or an earlier import
(it holds ``.chainkg-import.json``), which is then replaced.

The review workbook has one row per input row, the doubtful ones first. Its cells are
strings typed as text, and a text that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` …) is written with a leading apostrophe.

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise("常州")
('\\'=HYPERLINK("http://x")', '-5', '常州')
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem
from graph.outputs import spreadsheet_safe
from ingest.importer.core import ImportPlan, RowOutcome

__all__ = ["write_import", "neutralise", "MARKER", "REVIEW_FILE"]

MARKER = ".chainkg-import.json"
REVIEW_FILE = Path("review") / "review.xlsx"

_COLUMNS = {
    "enterprises.csv": ["id", "uscc", "name", "aliases", "website", "source", "as_of", "verified"],
    "registrations.csv": ["id", "name", "uscc", "registered_capital_wan", "capital_currency", "capital_as_written",
                          "established", "status", "status_as_written", "legal_representative", "company_type",
                          "address", "industry_code", "industry", "business_scope", "insured_employees",
                          "staff_size_min", "staff_size_max", "staff_as_written", "input_rows",
                          "source", "as_of", "verified"],
    "has_registration.csv": ["from", "to", "source", "as_of", "verified"],
    "located_in.csv": ["from", "to", "source", "as_of", "verified"],
    "operates_in.csv": ["from", "to", "products", "main", "confidence", "evidence", "source", "as_of", "verified"],
    "subsidiary_of.csv": ["from", "to", "as_written", "evidence", "source", "as_of", "verified"],
    "branch_of.csv": ["from", "to", "as_written", "evidence", "source", "as_of", "verified"],
}


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell: a leading apostrophe before a formula-like start
    (the one rule of every output, :func:`graph.outputs.spreadsheet_safe`)."""
    return spreadsheet_safe(text)


def write_import(plan: ImportPlan, out: str | Path) -> Path:
    """Write ``plan`` to ``out`` atomically; returns the folder."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise BadInputError([InputProblem(str(out), None, None, "is a file, not a folder",
                                              "give --out a new folder")], hint="nothing was written")
        entries = [p for p in out.iterdir()]
        if entries and not (out / MARKER).exists():
            raise BadInputError([InputProblem(str(out), None, None, "the folder is not empty and holds no earlier import",
                                              "give --out a new or empty folder")], hint="nothing was written")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, columns in _COLUMNS.items():
            _write_csv(temp / name, columns, plan.tables.get(name, []))
        _write_csv(temp / "sources.csv", ["id", "title", "kind", "publisher", "licence", "attribution", "note",
                                          "source", "as_of", "verified"], [_source_row(plan)])
        (temp / "review").mkdir()
        write_review(plan, temp / REVIEW_FILE)
        (temp / MARKER).write_text(json.dumps({
            "source": plan.options.source, "as_of": plan.options.as_of,
            "files": [t.path for t in plan.inputs], "counts": plan.counts}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8")
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old.{os.getpid()}")
            out.rename(old)
        temp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return out


def _source_row(plan: ImportPlan) -> dict:
    options = plan.options
    files = ", ".join(Path(t.path).name for t in plan.inputs)
    title = options.title or f"enterprise list {files}"
    counts = plan.counts
    note = (f"Imported by chainkg import enterprises from {files}: {counts['rows']} rows, {counts['new']} new "
            f"enterprises, {counts['merged']} merged into existing ones, {counts['repeated']} repeated rows collapsed, "
            f"{counts['held']} held for review, {counts['skipped']} skipped. Segments from business scope, industry "
            "and name by the vocabularies of ingest/importer/vocab (see the confidence and evidence of each "
            "OPERATES_IN); review/review.xlsx lists every decision.")
    return {"id": options.source, "title": _one_line(title), "kind": "dataset", "publisher": "", "licence": "",
            "attribution": "", "note": note, "source": options.source, "as_of": options.as_of, "verified": "true"}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if (value := row.get(k)) is None else value for k in columns] for row in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


REVIEW_HEADERS = ["优先 (priority)", "文件 (file)", "行 (row)", "企业名称 (name)", "统一社会信用代码 (code)",
                  "处理 (action)", "企业 id", "区县 (county)", "区域依据 (region evidence)", "入图环节 (segments)",
                  "待复核环节 (segments to review)", "环节依据 (matched terms, codes)", "问题 (problems)",
                  "备注 (notes)", "登记状态 (status)"]
_PRIORITY = {0: "held/skipped", 1: "problem", 2: "doubtful", 3: "no segment", 9: "ok"}


def review_rows(plan: ImportPlan) -> list[list[str]]:
    """The review table: one row per input row, doubtful ones first (then file and row order)."""
    ordered = sorted(plan.outcomes, key=lambda o: (o.rank, o.row.file, o.row.row))
    return [_review_row(o, plan) for o in ordered]


def _review_row(outcome: RowOutcome, plan: ImportPlan) -> list[str]:
    placement, classification = outcome.placement, outcome.classification
    county = ""
    evidence = ""
    problems = list(outcome.problems)
    if placement:
        county = placement.code or ("?" + "/".join(placement.candidates))
        evidence = "; ".join(placement.evidence)
        problems += list(placement.problems)
    assigned = review = why = ""
    if classification:
        assigned = "; ".join(f"{m.name} [{m.chain}] {m.confidence:.2f}" for m in classification.assigned)
        review = "; ".join(f"{m.name} [{m.chain}] {m.confidence:.2f}" for m in classification.review)
        why = " | ".join(f"{m.name}: {'; '.join(m.evidence)}" for m in (*classification.assigned, *classification.review))
        problems += list(classification.doubts)
    return [_PRIORITY[outcome.rank], Path(outcome.row.file).name, str(outcome.row.row), outcome.name, outcome.uscc,
            outcome.action, outcome.enterprise, county, evidence, assigned, review, why, "\n".join(problems),
            "\n".join(outcome.notes), outcome.status]


def write_review(plan: ImportPlan, path: Path) -> None:
    """``review.xlsx``: the review table (sheet 审核), and a sheet of the import's figures (说明).

    Every cell is text (an inline string, never evaluated); formula-like starts also get an apostrophe,
    so that the text stays inert when copied into another sheet or saved as CSV.
    """
    from ingest.importer.review_xlsx import write_text_workbook

    counts = plan.counts
    about = [["项目 item", "值 value"], ["数据集 source", plan.options.source], ["数据日期 as_of", plan.options.as_of],
             ["文件 files", "; ".join(f"{t.path} (header row {t.header_row})" for t in plan.inputs)],
             *([key, str(value)] for key, value in counts.items()),
             ["读法 how to read", "One row per input row, doubtful rows first: held/skipped, then rows with problems, "
                                 "then doubtful region or segment, then rows that fit no segment. Fix the export (or "
                                 "add terms to the vocabularies, docs/import.md) and import again."]]
    review = ([neutralise(v) for v in row] for row in [REVIEW_HEADERS, *review_rows(plan)])
    write_text_workbook(path, [("审核 review", _WIDTHS, review),
                               ("说明 about", [24, 100], ([neutralise(v) for v in row] for row in about))])


_WIDTHS = [12, 18, 6, 30, 21, 34, 22, 10, 40, 34, 30, 60, 60, 30, 8]

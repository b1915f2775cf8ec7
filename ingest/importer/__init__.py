"""Bring your own enterprise list: import 企查查 / 天眼查 / 启信宝 / 公示系统 exports and 统计名录.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> export = folder / "export.csv"
>>> _ = export.write_text("企业名称,统一社会信用代码,所属区县,经营范围\\n"
...                       "常州示例液压科技有限公司,,武进区,液压件、液压泵的研发、制造\\n", encoding="utf-8")
>>> result = import_enterprises([export], folder / "out", source="demo-2026", as_of="2026-11-30")
>>> result.counts["new"], result.counts["with_county"], result.counts["with_segment"]
(1, 1, 1)
>>> sorted(p.name for p in (folder / "out").iterdir())  # doctest: +NORMALIZE_WHITESPACE
['.chainkg-import.json', 'branch_of.csv', 'enterprises.csv', 'has_registration.csv', 'located_in.csv',
 'operates_in.csv', 'registrations.csv', 'review', 'sources.csv', 'subsidiary_of.csv']

Then ``chainkg build --data data --data out``. Method and caveats: docs/import.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chainkg.errors import InputProblem

__all__ = ["import_enterprises", "ImportResult"]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the folder, the review workbook, the figures and the problems found in rows."""

    folder: Path
    review: Path
    counts: dict[str, int]
    problems: tuple[InputProblem, ...]
    headers: tuple[tuple[str, int, tuple[str, ...]], ...]  # (file, header row, ignored columns)


def import_enterprises(files: Sequence[str | Path], out: str | Path, *, source: str, as_of: str, title: str = "",
                       data: Sequence[str | Path] = (), columns: str | Path | None = None,
                       progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Read the exports, decide every row, and write ``out`` (tables, sources.csv, review/review.xlsx).

    ``data`` are the folders the result will be layered on (default: the bundled ``data/``): rows
    are matched against their enterprises and placed in their regions and segments. Raises
    :class:`~chainkg.errors.BadInputError` (and writes nothing) for unusable input.
    """
    from ingest.importer.core import ImportOptions, plan_import
    from ingest.importer.output import REVIEW_FILE, write_import

    options = ImportOptions(source=source, as_of=as_of, title=title, data=tuple(str(d) for d in data),
                            columns=None if columns is None else str(columns))
    plan = plan_import(files, options, progress=progress)
    folder = write_import(plan, out)
    return ImportResult(folder, folder / REVIEW_FILE, dict(plan.counts), tuple(plan.problems),
                        tuple((t.path, t.header_row, tuple(t.ignored)) for t in plan.inputs))

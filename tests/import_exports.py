"""Write the hand-written test exports (tests/fixtures/import/*.csv) in the styles of the platforms.

Each style has its own headers, file type and encoding, as the platforms export them:

- 企查查 (qcc): .xlsx, a title row and a note above the header, typed date and number cells, 国标行业 as a path;
- 天眼查 (tyc): CSV in GBK, 人员规模 ranges;
- 启信宝 (qxb): .xlsx without title, industry as "C3514 名称", no 统一社会信用代码;
- 国家企业信用信息公示系统 (gsxt): CSV UTF-8 with BOM, only 住所 (no region columns, no industry);
- 统计名录 (tjml): CSV in GB18030, 单位详细名称, 4-digit 行业代码, 主要业务活动, 从业人员期末人数.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

from graph.identifiers import uscc_check_character

FIXTURES = Path(__file__).parent / "fixtures" / "import"

STYLES = {
    "qcc": (["企业名称", "登记状态", "注册资本", "成立日期", "统一社会信用代码", "所属省份", "所属城市", "所属区县",
             "国标行业", "参保人数", "企业地址", "经营范围"],
            ["name", "status", "capital", "established", "uscc", "province", "city", "county", "industry", "staff",
             "address", "scope"]),
    "tyc": (["公司名称", "经营状态", "注册资本", "成立日期", "统一社会信用代码", "省份", "城市", "区县", "行业",
             "人员规模", "注册地址", "经营范围"],
            ["name", "status", "capital", "established", "uscc", "province", "city", "county", "industry", "staff",
             "address", "scope"]),
    "qxb": (["企业名称", "经营状态", "注册资本", "成立日期", "信用代码", "所属省份", "所属城市", "所属区县", "所属行业",
             "参保人数", "注册地址", "经营范围"],
            ["name", "status", "capital", "established", "uscc", "province", "city", "county", "industry", "staff",
             "address", "scope"]),
    "gsxt": (["名称", "统一社会信用代码", "类型", "法定代表人", "注册资本", "成立日期", "住所", "登记状态", "经营范围"],
             ["name", "uscc", None, None, "capital", "established", "address", "status", "scope"]),
    "tjml": (["单位详细名称", "统一社会信用代码", "单位所在地详细地址", "行业代码", "主要业务活动", "从业人员期末人数"],
             ["name", "uscc", "address", "industry", "scope", "staff"]),
}


def read_fixture(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def full_code(first17: str) -> str:
    """A synthetic 统一社会信用代码 with its check character (17 characters given), or as it is."""
    return first17 + uscc_check_character(first17) if len(first17) == 17 else first17


def write_style(style: str, rows: list[dict], folder: Path) -> Path:
    """Write ``rows`` (held-out fixture rows) as the ``style`` platform exports them; returns the file."""
    headers, fields = STYLES[style]
    table = []
    for row in rows:
        values = {**row, "uscc": full_code(row["uscc17"])}
        if style == "qcc":
            values["industry"] = row["industry"].replace("-", " > ")
        table.append([values.get(f, "") if f else "" for f in fields])
    if style in ("qcc", "qxb"):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "导出数据" if style == "qcc" else "Sheet1"
        if style == "qcc":
            sheet.append(["企查查 · 企业数据导出"])
            sheet.append(["导出时间：2026-11-30　数据来源：公开信息整理"])
        sheet.append(headers)
        for values in table:
            cells = list(values)
            for i, field in enumerate(fields):
                if field == "established" and cells[i]:
                    cells[i] = datetime.datetime.strptime(cells[i], "%Y-%m-%d")
                elif field == "staff" and str(cells[i]).isdigit():
                    cells[i] = int(cells[i])
            sheet.append(cells)
        path = folder / f"{style}.xlsx"
        book.save(path)
        return path
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(table)
    encoding = {"tyc": "gbk", "gsxt": "utf-8-sig", "tjml": "gb18030"}[style]
    path = folder / f"{style}.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_persona(folder: Path) -> Path:
    """The persona's 18-row 企查查 export as .xlsx: a title row, a note, an empty row, then the header."""
    from openpyxl import Workbook

    rows = list(csv.reader(open(FIXTURES / "persona_qcc.csv", encoding="utf-8", newline="")))
    book = Workbook()
    sheet = book.active
    sheet.title = "企业列表"
    sheet.append(["企查查 企业数据导出"])
    sheet.append(["导出时间：2026-11-30，共18条"])
    sheet.append([])
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list = list(row)
        try:
            cells[4] = datetime.datetime.strptime(cells[4], "%Y-%m-%d")
        except ValueError:
            pass
        if cells[14].isdigit():
            cells[14] = int(cells[14])
        sheet.append(cells)
    path = folder / "企查查导出.xlsx"
    book.save(path)
    return path

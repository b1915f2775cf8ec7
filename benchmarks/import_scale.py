"""Import benchmark: ``chainkg import enterprises`` on a generated 企查查-style export of 100,000 rows.

Generates (or reuses) an export of obviously synthetic companies (合成企业0000123号（虚构）有限公司,
synthetic codes with valid check characters) placed in counties all over China, with business
scopes, industries, capital, dates and statuses drawn from realistic pools (scopes repeat, as in
real exports). Measures side by side in one run:

- the baseline: pandas reading the same CSV file;
- ``chainkg import enterprises`` of it in a child process: wall time, peak resident memory,
  and its ratio to the baseline.

Prints ONE JSON line and exits 1 when a budget is missed. Not a test: timings depend on the
machine and its load. Heavy: run it under the shared lock::

    flock /tmp/chainkg-heavy.lock python benchmarks/import_scale.py            # 100,000 rows
    python benchmarks/import_scale.py --rows 5000                               # quick
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {"import_s": 60.0, "import_peak_rss_gb": 2.0}

HEADERS = ["企业名称", "登记状态", "法定代表人", "注册资本", "成立日期", "统一社会信用代码", "所属省份", "所属城市",
           "所属区县", "企业类型", "国标行业", "参保人数", "企业地址", "经营范围"]
SCOPES = [
    "一般项目：液压动力机械及元件制造；液压动力机械及元件销售；机械零件、零部件加工；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "许可项目：第三类医疗器械生产（依法须经批准的项目，经相关部门批准后方可开展经营活动）一般项目：骨科植入器械的研发；第二类医疗器械销售",
    "光伏设备及元器件制造；电池片、光伏组件的研发、生产；太阳能发电技术服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "软件开发；信息系统集成服务；数据处理和存储支持服务；人工智能应用软件开发",
    "纺纱加工；面料纺织加工；针纺织品销售",
    "汽车零部件及配件制造；汽车座椅、内饰件的生产；模具制造",
    "电线、电缆制造；电线、电缆经营；电力设施器材制造",
    "工业机器人制造；工业机器人安装、维修；智能机器人的研发",
    "餐饮服务；食品销售；外卖递送服务",
    "道路货物运输（不含危险货物）；普通货物仓储服务；国内货物运输代理",
    "锂离子电池正极材料、三元前驱体的研发、生产、销售；化工产品销售（不含许可类化工产品）",
    "数控机床制造；金属切削机床制造；机床功能部件及附件销售",
    "污水处理设备、除尘设备的制造、安装；环保工程施工",
    "服装、服饰的制造、加工；服装设计；纺织品销售",
    "集成电路设计；集成电路芯片设计及服务；电子元器件销售",
]
INDUSTRIES = ["制造业 > 通用设备制造业 > 液压动力机械及元件制造", "C3841", "制造业 > 电气机械和器材制造业", "I6513",
              "C3670", "", "C1711", "制造业 > 专用设备制造业"]
STATUSES = ["存续", "在业", "存续（在营、开业、在册）", "注销", "吊销，未注销"]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """A 企查查-style CSV export of ``rows`` synthetic companies."""
    sys.path.insert(0, str(ROOT))
    from graph.identifiers import uscc_check_character

    rng = random.Random(seed)
    counties = []
    with open(ROOT / "data" / "regions.csv", encoding="utf-8") as handle:
        regions = {r["code"]: r for r in csv.DictReader(handle)}
    with open(ROOT / "data" / "within.csv", encoding="utf-8") as handle:
        parent = {r["from"]: r["to"] for r in csv.DictReader(handle)}
    for code, region in regions.items():
        if region["level"] == "county":
            city = regions.get(parent.get(code, ""), {})
            province = regions.get(parent.get(city.get("code", ""), ""), city)
            counties.append((code, province.get("name", ""), city.get("name", ""), region["name"]))
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["企查查 企业数据导出（合成数据，仅供性能测试）"])
        writer.writerow(HEADERS)
        for i in range(rows):
            code, province, city, county = rng.choice(counties)
            first17 = f"91{code}MA{i:07d}"
            writer.writerow([
                f"合成企业{i:07d}号（虚构）有限公司", rng.choice(STATUSES), "虚构", f"{rng.randint(10, 90000)}万元人民币",
                f"{rng.randint(1995, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                first17 + uscc_check_character(first17), province, city, county, "有限责任公司",
                rng.choice(INDUSTRIES), rng.randint(0, 3000), f"{province}{city}{county}虚构路{i % 997}号",
                rng.choice(SCOPES)])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "chainkg-import-bench")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    export = args.work / f"export-{args.rows}.csv"
    if not export.exists():
        generate(export, args.rows)

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(export, skiprows=1, dtype=str, encoding="utf-8-sig")
    parse_s = time.perf_counter() - started
    assert len(frame) == args.rows

    out = args.work / f"out-{args.rows}"
    command = [sys.executable, "-m", "chainkg", "-q", "import", "enterprises", str(export), "--out", str(out),
               "--source", "bench", "--as-of", "2026-11-30", "--format", "json"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    import_s = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
        raise SystemExit(2)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_gb = usage.ru_maxrss / 1024 / 1024
    cpu_s = usage.ru_utime + usage.ru_stime  # the import and its workers: less sensitive to other load than wall time
    counts = json.loads(result.stdout)["counts"]
    figures = {"rows": args.rows, "pandas_parse_s": round(parse_s, 2), "import_s": round(import_s, 2),
               "import_over_parse": round(import_s / parse_s, 1), "import_cpu_s": round(cpu_s, 1),
               "import_peak_rss_gb": round(peak_gb, 2),
               "rows_per_s": round(args.rows / import_s), "counts": counts, "budgets": BUDGETS,
               "cpu_count": os.cpu_count()}
    print(json.dumps(figures, ensure_ascii=False))
    missed = [k for k, limit in BUDGETS.items() if figures[k] > limit]
    raise SystemExit(1 if missed and args.rows >= 100_000 else 0)


if __name__ == "__main__":
    main()

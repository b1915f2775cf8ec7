"""The drawing of one view's boundaries, projected and simplified once and kept in a cache.

:func:`view_geometry` turns the boundaries of a view's areas (the provinces
of China, the prefectures of a province, the districts of a prefecture) into
SVG path data in the drawing's pixels: Albers projection (``map_rules.toml``),
fitted to the map's width; rings simplified to ``simplify_px``; islands too
small to draw kept as small diamond marks. When the view reaches the South
China Sea (the national view always), rings south of ``cut_latitude`` leave the
main map for the **南海诸岛 inset** at the lower right, which also carries the
ten-dash line; the inset sits below any land drawn in its columns.

Reading and simplifying the national boundaries takes seconds (23 MB of
GeoJSON), so the result is kept as JSON in a cache folder keyed by the
boundary package's version and a digest of the drawing rules
(``$CHAINKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/chainkg``, else
``~/.cache/chainkg``). The cache holds exactly what would be computed, so
output is byte-identical with or without it; a cache that cannot be written is
skipped silently.

>>> g = view_geometry("320400", cache=False)
>>> [a.code for a in g.areas], g.inset is None
(['320402', '320404', '320411', '320412', '320413', '320481'], True)
>>> g.areas[0].path.startswith("M") and g.areas[0].path.endswith("Z")
True
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from viz.geomap.boundaries import area_rings, boundary_index, boundary_source, children, map_rules, sea_lines
from viz.geomap.geometry import Frame, fmt, label_point, ring_area, simplify, svg_path

__all__ = ["AreaShape", "ViewGeometry", "view_geometry", "point_in_view", "cache_folder", "PAD"]

PAD = 12.0
_FORMAT = 3  # bump when the cached layout changes


@dataclass(frozen=True)
class AreaShape:
    """One area as drawn: main-map path, inset path, the label point of its largest ring and that ring's size."""

    code: str
    path: str
    inset_path: str
    label: tuple[float, float] | None
    box: tuple[float, float]  # width, height of its largest ring (to decide whether a label fits)


@dataclass(frozen=True)
class ViewGeometry:
    """The drawing of a view: areas, frame, height, inset box and the ten-dash line."""

    view: str  # boundary code (100000 = China)
    areas: tuple[AreaShape, ...]
    frame: Frame
    width: float
    height: float
    inset: tuple[float, float, float, float] | None  # x, y, width, height
    sea_path: str
    inset_sea_path: str
    island_marks: str


def cache_folder() -> Path:
    """Where drawings are cached: ``$CHAINKG_CACHE_DIR``, ``$XDG_CACHE_HOME/chainkg`` or ``~/.cache/chainkg``."""
    if os.environ.get("CHAINKG_CACHE_DIR"):
        return Path(os.environ["CHAINKG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chainkg"


def _rules_key() -> str:
    source = boundary_source()
    digest = hashlib.sha256(json.dumps(map_rules(), sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return f"geomap-v{_FORMAT}-{source.package}-{source.version}-{source.dataset}-{digest}"


def view_geometry(view: str, *, cache: bool = True) -> ViewGeometry:
    """The drawing of the areas under boundary code ``view`` (``100000`` for China)."""
    return _cached(view) if cache else _compute(view)


@functools.lru_cache(maxsize=16)
def _cached(view: str) -> ViewGeometry:
    path = cache_folder() / _rules_key() / f"{view}.json"
    try:
        return _load(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    geometry = _compute(view)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            json.dump(asdict(geometry), handle, ensure_ascii=False, sort_keys=True)
        os.replace(handle.name, path)
    except OSError:
        pass
    return geometry


def _load(data: dict) -> ViewGeometry:
    areas = tuple(AreaShape(a["code"], a["path"], a["inset_path"], tuple(a["label"]) if a["label"] else None,
                            tuple(a["box"])) for a in data["areas"])
    f = data["frame"]
    frame = Frame(f["central_meridian"], tuple(f["parallels"]), f["scale"], f["x0"], f["y1"], f["left"], f["top"])
    return ViewGeometry(data["view"], areas, frame, data["width"], data["height"],
                        tuple(data["inset"]) if data["inset"] else None, data["sea_path"], data["inset_sea_path"],
                        data["island_marks"])


def _centre_lat(polygon) -> float:
    lat = polygon[0][:, 1]
    return float(lat.min() + lat.max()) / 2


def _extent(polygon) -> float:
    """The area of the box around a polygon's outer ring."""
    ring = polygon[0]
    return float(np.ptp(ring[:, 0]) * np.ptp(ring[:, 1]))


def _project(frame: Frame, ring: np.ndarray) -> np.ndarray:
    x, y = frame.project(ring[:, 0], ring[:, 1])
    return np.column_stack([x, y])


def _shape(frame: Frame, polygons, tolerance: float, min_mark: float, keep=None):
    """Path rings, island marks and the largest ring of ``polygons`` in ``frame``."""
    rings, marks, largest = [], set(), None
    for polygon in polygons:
        outer = _project(frame, polygon[0])
        if keep is not None and not keep(outer, polygon):
            continue
        span = outer.max(axis=0) - outer.min(axis=0)
        ring = simplify(outer, tolerance) if max(span) >= min_mark else []
        area = ring_area(ring) if ring else 0.0
        if area < min_mark * min_mark:
            centre = outer.mean(axis=0)
            marks.add((round(float(centre[0])), round(float(centre[1]))))  # one mark per pixel
            continue
        rings.append(ring)
        rings.extend(r for r in (simplify(_project(frame, h), tolerance) for h in polygon[1:]) if r)
        if largest is None or area > largest[0]:
            largest = (area, ring)
    return rings, marks, largest


def diamonds(centres, size: float) -> str:
    """Small diamond marks for islands too small to draw, one per distinct centre."""
    h = size / 2 + 0.3
    return "".join(f"M{fmt(x)},{fmt(y - h)}L{fmt(x + h)},{fmt(y)}L{fmt(x)},{fmt(y + h)}L{fmt(x - h)},{fmt(y)}Z"
                   for x, y in sorted(set(centres)))


def _polylines(lines) -> str:
    parts = []
    for line in lines:
        pts = [(fmt(x), fmt(y)) for x, y in line]
        if len(pts) > 1:
            parts.append("M" + "L".join(f"{a},{b}" for a, b in pts))
    return "".join(parts)


def _compute(view: str) -> ViewGeometry:
    rules = map_rules()
    draw, proj, inset_rules = rules["drawing"], rules["projection"], rules["inset"]
    parallels = tuple(float(p) for p in proj["standard_parallels"])
    index = boundary_index()
    codes = children(index, view)
    national = view == "100000"
    rings = {code: area_rings(code) for code in codes}
    cut = float(inset_rules["cut_latitude"])
    with_inset = national or any(_centre_lat(p) < cut for polys in rings.values() for p in polys)

    # an area's main body: its polygon of the largest extent (found once per area: 广东 has 1,900 polygons)
    southern_body = {code: bool(polys) and _centre_lat(max(polys, key=_extent)) < cut for code, polys in rings.items()}

    def southern(code, polygon) -> bool:
        """In the inset: south of the cut, or part of an area whose main body is (三沙市 as a whole)."""
        return southern_body[code] or _centre_lat(polygon) < cut

    main = {code: [p for p in polys if not with_inset or not southern(code, p)] for code, polys in rings.items()}
    outer = np.vstack([p[0] for polys in main.values() for p in polys] or [p[0] for polys in rings.values()
                                                                           for p in polys])
    meridian = (float(proj["national_central_meridian"]) if national
                else round(float(outer[:, 0].min() + outer[:, 0].max()) / 2, 2))
    width = float(draw["width"])
    frame = Frame.fit(outer[:, 0], outer[:, 1], central_meridian=meridian, parallels=parallels, left=PAD, top=PAD,
                      width=width - 2 * PAD)
    tolerance, min_mark = float(draw["simplify_px"]), float(draw["min_mark_px"])
    shapes = {}
    bottom = 0.0
    for code in codes:
        path_rings, marks, largest = _shape(frame, main[code], tolerance, min_mark)
        ys = [float(r[:, 1].max()) if isinstance(r, np.ndarray) else max(y for _, y in r) for r in path_rings]
        bottom = max([bottom, *ys, *(y for _, y in marks)])
        shapes[code] = (path_rings, marks, largest)
    height = bottom + PAD

    inset = None
    inset_paths: dict[str, str] = {}
    inset_sea = island_marks = sea_main = ""
    if with_inset:
        inset_w = round(width * float(inset_rules["width_share"]), 1)
        ext_lon = [inset_rules["west"], inset_rules["east"], inset_rules["east"], inset_rules["west"]]
        ext_lat = [inset_rules["south"], inset_rules["south"], inset_rules["north"], inset_rules["north"]]
        probe = Frame.fit(ext_lon, ext_lat, central_meridian=meridian, parallels=parallels, left=0, top=0,
                          width=inset_w)
        _, py = probe.project(ext_lon, ext_lat)
        inset_h = round(float(py.max() - py.min()), 1)
        left = round(width - PAD - inset_w, 1)
        # below any land of the main map in the inset's columns, and at least at the bottom of the map
        above = [y for path_rings, _, _ in shapes.values() for r in path_rings for x, y in r if x >= left - 6]
        top = max(round(max(above, default=PAD) + 10, 1), round(height - inset_h - PAD, 1))
        inset = (left, top, inset_w, inset_h)
        box = Frame.fit(ext_lon, ext_lat, central_meridian=meridian, parallels=parallels, left=left, top=top,
                        width=inset_w)
        islands = set()

        def inside(projected, polygon) -> bool:
            lon, lat = polygon[0][:, 0], polygon[0][:, 1]
            return not (lon.max() < inset_rules["west"] or lon.min() > inset_rules["east"]
                        or lat.max() < inset_rules["south"] or lat.min() > inset_rules["north"])

        def in_box(marks) -> set:
            return {(x, y) for x, y in marks if left <= x <= left + inset_w and top <= y <= top + inset_h}

        for code in codes:
            coast = [p for p in rings[code] if not southern(code, p)]
            sea = [p for p in rings[code] if southern(code, p)]
            path_rings, marks, _ = _shape(box, coast, tolerance, min_mark, keep=inside)
            sea_rings, sea_marks, _ = _shape(box, sea, tolerance, min_mark, keep=inside)
            islands |= in_box(sea_marks)  # 南海诸岛 too small to draw: one mark each, never dropped
            text = svg_path(path_rings + sea_rings) + diamonds(in_box(marks), min_mark)
            if text:
                inset_paths[code] = text
        island_marks = diamonds(islands, min_mark)
        lines = sea_lines()
        inset_sea = _polylines([box.points(line) for line in lines])
        if national:
            sea_main = _polylines([frame.points(line) for line in lines if min(lat for _, lat in line) >= cut])
        height = max(height, top + inset_h + PAD)

    areas = []
    for code in codes:
        path_rings, marks, largest = shapes[code]
        label, size = None, (0.0, 0.0)
        if largest is not None:
            ring = np.asarray(largest[1])
            lx, ly = label_point(largest[1])
            label = (round(lx, 1), round(ly, 1))
            span = ring.max(axis=0) - ring.min(axis=0)
            size = (round(float(span[0]), 1), round(float(span[1]), 1))
        areas.append(AreaShape(code, svg_path(path_rings) + diamonds(marks, min_mark), inset_paths.get(code, ""),
                               label, size))
    frame = Frame(frame.central_meridian, frame.parallels, round(frame.scale, 6), round(frame.x0, 9),
                  round(frame.y1, 9), round(frame.left, 3), round(frame.top, 3))
    return ViewGeometry(view, tuple(areas), frame, width, round(height + 4, 1), inset, sea_main, inset_sea,
                        island_marks)


def point_in_view(geometry: ViewGeometry, code: str) -> tuple[float, float] | None:
    """Where a region with a boundary (e.g. 常州市 inside the national view) sits on the map: the label
    point of its largest ring; None when it has no boundary or is too small to be drawn."""
    if code not in boundary_index():
        return None
    best = None
    for polygon in area_rings(code):
        ring = simplify(_project(geometry.frame, polygon[0]), 0.1)
        if ring and (best is None or ring_area(ring) > ring_area(best)):
            best = ring
    if best is None:
        return None
    x, y = label_point(best)
    return round(x, 1), round(y, 1)

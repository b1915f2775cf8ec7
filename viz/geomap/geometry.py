"""Projection, simplification and SVG paths for the 产业地图 (pure NumPy, deterministic).

* :func:`albers`: Albers equal-area conic on the sphere, standard parallels
  25°N and 47°N (``map_rules.toml``), the usual projection of small-scale maps
  of China; y grows northwards.
* :class:`Frame`: fits a projected extent into a box of the drawing (px, y
  down) and maps (lon, lat) to it.
* :func:`simplify`: a ring snapped to a grid of the tolerance, then
  Douglas–Peucker with the same tolerance (px of the drawing). Rings too small
  to draw become a small diamond mark, never dropped: islands such as
  钓鱼岛 or the reefs of 南沙群岛 stay visible.
* :func:`svg_path`: rings as an SVG path, coordinates with one decimal.

>>> x, y = albers([105.0, 120.0], [25.0, 47.0], central_meridian=105.0)
>>> [round(float(v), 4) for v in x], [round(float(v), 4) for v in y]
([0.0, 0.1779], [0.4122, 0.8144])
>>> simplify([(0, 0), (5, 0.1), (10, 0), (10, 10), (0, 10), (0, 0)], 0.5)
[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
>>> svg_path([[(0, 0), (10, 0), (10, 10.04)]])
'M0,0L10,0L10,10Z'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["albers", "Frame", "simplify", "svg_path", "ring_area", "label_point", "fmt"]


def albers(lon, lat, *, central_meridian: float, parallels: Sequence[float] = (25.0, 47.0),
           origin_latitude: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Albers equal-area conic (unit sphere): (x, y) of each (lon, lat) in degrees; y grows northwards."""
    p1, p2 = (math.radians(p) for p in parallels)
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(c - 2 * n * math.sin(math.radians(origin_latitude))) / n
    lam = np.radians(np.asarray(lon, dtype=float) - central_meridian)
    phi = np.radians(np.asarray(lat, dtype=float))
    rho = np.sqrt(c - 2 * n * np.sin(phi)) / n
    theta = n * lam
    return rho * np.sin(theta), rho0 - rho * np.cos(theta)


@dataclass(frozen=True)
class Frame:
    """A projection fitted into a box: ``x = left + scale·(X − x0)``, ``y = top + scale·(y1 − Y)``."""

    central_meridian: float
    parallels: tuple[float, float]
    scale: float
    x0: float
    y1: float
    left: float
    top: float

    @classmethod
    def fit(cls, lon, lat, *, central_meridian: float, parallels: Sequence[float], left: float, top: float,
            width: float, height: float | None = None) -> Frame:
        """The frame that fits the points' projected extent into ``width`` (and ``height`` if given)."""
        x, y = albers(lon, lat, central_meridian=central_meridian, parallels=parallels)
        span_x = float(x.max() - x.min()) or 1e-9
        span_y = float(y.max() - y.min()) or 1e-9
        scale = width / span_x if height is None else min(width / span_x, height / span_y)
        # centre the extent in the box
        left += (width - span_x * scale) / 2
        if height is not None:
            top += (height - span_y * scale) / 2
        return cls(central_meridian, tuple(parallels), scale, float(x.min()), float(y.max()), left, top)

    def project(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Drawing coordinates (px, y down) of (lon, lat) degrees."""
        x, y = albers(lon, lat, central_meridian=self.central_meridian, parallels=self.parallels)
        return self.left + self.scale * (x - self.x0), self.top + self.scale * (self.y1 - y)

    def points(self, ring: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        pts = np.asarray(list(ring), dtype=float)
        if not len(pts):
            return []
        x, y = self.project(pts[:, 0], pts[:, 1])
        return list(zip(x.tolist(), y.tolist()))


def _douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the points kept (first and last always)."""
    n = len(points)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = points[b] - points[a]
        rel = points[a + 1:b] - points[a]
        length = math.hypot(seg[0], seg[1])
        if length == 0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / length
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            m = a + 1 + i
            keep[m] = True
            stack.append((a, m))
            stack.append((m, b))
    return np.flatnonzero(keep)


def simplify(ring: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """A closed ring (drawing px) with fewer points; the closing point is not repeated. [] if it collapses."""
    pts = np.asarray(ring, dtype=float)
    if len(pts) < 3:
        return []
    if tolerance > 0:
        pts = np.round(pts / tolerance) * tolerance
    moved = np.ones(len(pts), dtype=bool)
    moved[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[moved]
    if len(pts) > 1 and np.all(pts[0] == pts[-1]):
        pts = pts[:-1]
    if len(pts) < 3:
        return []
    # split the closed ring at its point farthest from the first, so that both halves are open paths
    far = int(np.argmax(np.hypot(*(pts - pts[0]).T)))
    first = pts[: far + 1]
    second = np.vstack([pts[far:], pts[:1]])
    kept = [first[i] for i in _douglas_peucker(first, tolerance)]
    kept += [second[i] for i in _douglas_peucker(second, tolerance)[1:-1]]
    if len(kept) < 3:
        return []
    return [(float(x), float(y)) for x, y in kept]


def ring_area(ring: Sequence[tuple[float, float]]) -> float:
    """Unsigned area of a ring (shoelace)."""
    if len(ring) < 3:
        return 0.0
    pts = np.asarray(ring, dtype=float)
    x, y = pts[:, 0], pts[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def label_point(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """A point inside the ring for its label: the middle of the widest stretch of the horizontal line
    through its centroid (a centroid alone can fall outside a crescent-shaped area)."""
    pts = np.asarray(ring, dtype=float)
    x, y = pts[:, 0], pts[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y2 - x2 * y
    area = cross.sum() / 2
    if area == 0:
        return float(x.mean()), float(y.mean())
    cy = float(((y + y2) * cross).sum() / (6 * area))
    crossings = []
    for xa, ya, xb, yb in zip(x, y, x2, y2):
        if (ya <= cy < yb) or (yb <= cy < ya):
            crossings.append(xa + (cy - ya) * (xb - xa) / (yb - ya))
    crossings.sort()
    best = None
    for i in range(0, len(crossings) - 1, 2):
        width = crossings[i + 1] - crossings[i]
        if best is None or width > best[0]:
            best = (width, (crossings[i] + crossings[i + 1]) / 2)
    cx = best[1] if best else float(((x + x2) * cross).sum() / (6 * area))
    return float(cx), cy


def fmt(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zero, no ``-0`` (stable across runs)."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def svg_path(rings: Iterable[Sequence[tuple[float, float]]]) -> str:
    """Closed rings as one SVG path (``M…L…Z`` per ring); repeated points after rounding are dropped."""
    parts = []
    for ring in rings:
        out, last = [], None
        for x, y in ring:
            point = (fmt(x), fmt(y))
            if point != last:
                out.append(point)
                last = point
        if len(out) > 1 and out[-1] == out[0]:
            out.pop()
        if not out:
            continue
        parts.append("M" + "L".join(f"{a},{b}" for a, b in out) + "Z")
    return "".join(parts)

"""The edge curves of vis-network, computed in Python so the SVG draws the very same arrows.

vis-network draws a ``cubicBezier`` edge (``forceDirection: horizontal``) from
the centre of one node to the centre of the other with control points pulled
horizontally by ``roundness`` × the horizontal distance, and a ``curvedCW`` /
``curvedCCW`` edge as a quadratic curve through a "via" point turned off the
straight line; both formulas below are vis-network 9.1's
(``BezierEdgeStatic._getViaCoordinates`` and ``CubicBezierEdge._getViaCoordinates``).
The SVG cuts each curve where it enters the target's box, which is where vis
puts the arrowhead.

>>> cubic_controls((0, 0), (100, 50), 0.5)
((50.0, 0), (50.0, 50))
>>> curved_via((100, 0), (0, 0), 0.0, clockwise=False)
(50.0, 0.0)
>>> x, y = curved_via((100, 0), (0, 0), 0.4, clockwise=False)
>>> y < 0  # a right-to-left edge bent counter-clockwise arches upwards
True
"""

from __future__ import annotations

import math

__all__ = ["cubic_controls", "curved_via", "bezier_point", "split_bezier", "entry_parameter"]

Point = tuple[float, float]


def cubic_controls(a: Point, b: Point, roundness: float) -> tuple[Point, Point]:
    """The two control points of vis's horizontal ``cubicBezier`` edge from ``a`` to ``b``."""
    dx = a[0] - b[0]
    return (a[0] - roundness * dx, a[1]), (b[0] + roundness * dx, b[1])


def curved_via(a: Point, b: Point, roundness: float, *, clockwise: bool) -> Point:
    """The via point of vis's ``curvedCW`` (``clockwise``) or ``curvedCCW`` edge from ``a`` to ``b``."""
    o, r = b[0] - a[0], a[1] - b[1]
    distance = math.hypot(o, r)
    turn = (0.5 * roundness + 0.5) if clockwise else (-0.5 * roundness + 0.5)
    angle = (math.atan2(r, o) + turn * math.pi) % (2 * math.pi)
    reach = (0.5 * roundness + 0.5) * distance
    return (round(a[0] + reach * math.sin(angle), 6) + 0.0, round(a[1] + reach * math.cos(angle), 6) + 0.0)


def bezier_point(points: list[Point], t: float) -> Point:
    """The point at ``t`` of the Bézier curve with these control points (de Casteljau)."""
    pts = list(points)
    while len(pts) > 1:
        pts = [((1 - t) * p[0] + t * q[0], (1 - t) * p[1] + t * q[1]) for p, q in zip(pts, pts[1:])]
    return pts[0]


def split_bezier(points: list[Point], t: float) -> list[Point]:
    """The control points of the part of the curve from 0 to ``t``."""
    first: list[Point] = [points[0]]
    pts = list(points)
    while len(pts) > 1:
        pts = [((1 - t) * p[0] + t * q[0], (1 - t) * p[1] + t * q[1]) for p, q in zip(pts, pts[1:])]
        first.append(pts[0])
    return first


def _inside(p: Point, box: tuple[float, float, float, float]) -> bool:
    cx, cy, w, h = box
    return abs(p[0] - cx) <= w / 2 and abs(p[1] - cy) <= h / 2


def _last_outside_sample(points: list[Point], box: tuple[float, float, float, float], steps: int) -> float:
    """The largest ``i / steps`` (0 when none) at which the curve is outside ``box``: :func:`bezier_point` and
    :func:`_inside` at every sample at once, with numpy's float64 doing the very same operations in the same
    order, so the same bits.

    >>> _last_outside_sample([(0, 0), (10, 0)], (10, 0, 4, 4), 10)  # the box covers x from 8 to 12
    0.7
    """
    import numpy as np

    t = np.arange(steps + 1) / steps
    xs = [np.full_like(t, p[0]) for p in points]
    ys = [np.full_like(t, p[1]) for p in points]
    while len(xs) > 1:
        xs = [(1 - t) * p + t * q for p, q in zip(xs, xs[1:])]
        ys = [(1 - t) * p + t * q for p, q in zip(ys, ys[1:])]
    cx, cy, w, h = box
    outside = np.flatnonzero(~((np.abs(xs[0] - cx) <= w / 2) & (np.abs(ys[0] - cy) <= h / 2)))
    return float(t[outside[-1]]) if len(outside) else 0.0


def entry_parameter(points: list[Point], box: tuple[float, float, float, float]) -> float:
    """The largest ``t`` at which the curve is still outside ``box`` (centre x, centre y, width, height)."""
    steps = 200
    last_outside = _last_outside_sample(points, box, steps)
    lo, hi = last_outside, min(1.0, last_outside + 1 / steps)
    for _ in range(30):
        mid = (lo + hi) / 2
        if _inside(bezier_point(points, mid), box):
            hi = mid
        else:
            lo = mid
    return lo

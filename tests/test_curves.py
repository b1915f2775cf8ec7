"""The edge curves' cut at the target box (viz.curves): the vectorised scan finds the sample the
point-by-point scan finds, bit for bit, so the SVG's arrows do not move."""

from __future__ import annotations

import random

import pytest

from viz import curves


def _scan_point_by_point(points, box, steps=200) -> float:
    last = 0.0
    for i in range(steps + 1):
        t = i / steps
        if not curves._inside(curves.bezier_point(points, t), box):
            last = t
    return last


@pytest.mark.parametrize("seed", range(4))
def test_vectorised_scan_finds_the_same_sample(seed):
    rng = random.Random(seed)
    for _ in range(400):
        points = [(rng.uniform(-500, 500), rng.uniform(-300, 300)) for _ in range(rng.choice([2, 3, 4]))]
        end = points[-1]
        if rng.random() < 0.2:  # whole numbers, where a sample can sit exactly on the box's edge
            points = [(round(x), round(y)) for x, y in points]
            box = (round(end[0]), round(end[1]), 2 * rng.randint(1, 80), 2 * rng.randint(1, 30))
        else:
            box = (end[0] + rng.uniform(-5, 5), end[1] + rng.uniform(-5, 5), rng.uniform(1, 300), rng.uniform(1, 100))
        assert curves._last_outside_sample(points, box, 200) == _scan_point_by_point(points, box)


def test_entry_parameter_is_where_the_curve_enters_the_box():
    points = [(0.0, 0.0), (60.0, 0.0), (40.0, 50.0), (100.0, 50.0)]
    box = (100.0, 50.0, 80.0, 30.0)
    t = curves.entry_parameter(points, box)
    x, y = curves.bezier_point(points, t)
    assert not curves._inside((x, y), box)
    assert curves._inside(curves.bezier_point(points, t + 1e-6), box)
    assert abs(x - 60.0) < 1e-3 or abs(y - 35.0) < 1e-3  # on the left or the top edge

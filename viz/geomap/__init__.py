"""产业地图: where a chain's enterprises are, on a standard map of China (docs/geomap.md).

* :func:`geo_map` → the model (areas with counts, classes, marks, inset, sources, caveats);
* :func:`render_svg` / :func:`render_html` / :func:`render_png` → SVG, offline HTML page, PNG;
* :func:`render_fragment` + :func:`script_tags` → the map as an HTML fragment for another page
  (the web workbench's chain and segment pages), and the script that makes it interactive;
* :func:`geomap_svg` / :func:`geomap_fragment` → the same straight from a store.

>>> from queries._fixture import fixture_store
>>> svg = geomap_svg(fixture_store(), chain="示例链", targets=0)
>>> svg.count('class="area"') >= 34
True
"""

from __future__ import annotations

from graph.store import GraphStore
from viz.geomap.boundaries import BoundaryDataMissing, boundary_source
from viz.geomap.html import GEOMAP_SCRIPT, render_fragment, render_html, script_data, script_tags
from viz.geomap.model import SCOPES, GeoMap, ViewError, geo_map
from viz.geomap.png import render_png
from viz.geomap.svg import render_svg

__all__ = ["geo_map", "render_svg", "render_html", "render_png", "render_fragment", "script_tags", "script_data",
           "GEOMAP_SCRIPT", "geomap_svg",
           "geomap_fragment", "GeoMap", "SCOPES", "ViewError", "BoundaryDataMissing", "boundary_source"]


def geomap_svg(store: GraphStore, **options) -> str:
    """The SVG of ``geo_map(store, **options)`` (e.g. ``chain=…`` or ``segment=…``, ``scope=…``)."""
    return render_svg(geo_map(store, **options))


def geomap_fragment(store: GraphStore, **options) -> str:
    """An HTML fragment with the map and its script, for a page that embeds it (same CSP rules)."""
    model = geo_map(store, **options)
    return render_fragment(model) + "\n" + script_tags(model)

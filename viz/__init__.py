"""Chain maps (产业链图谱): interactive HTML and static SVG / PNG.

The functions other parts of chainkg (the catalogue, the CLI) reuse:

* :func:`chain_map` → the map model (layout, colours, tooltips, sources);
* :func:`render_html` / :func:`render_svg` → HTML / SVG text of a model;
* :func:`map_html` / :func:`map_svg` → the same straight from a store.

>>> from queries._fixture import fixture_store
>>> svg = map_svg(fixture_store(), chain="示例链", enterprises=0)
>>> svg.count("<g id=\\"segment:")
4
"""

from __future__ import annotations

from graph.store import GraphStore
from viz.html import render_html
from viz.model import DEFAULT_REGION, MAX_NODES, ChainMap, chain_map
from viz.svg import render_svg

__all__ = ["chain_map", "render_html", "render_svg", "map_html", "map_svg", "ChainMap",
           "DEFAULT_REGION", "MAX_NODES"]


def map_html(store: GraphStore, **options) -> str:
    """The interactive HTML page of ``chain_map(store, **options)``."""
    return render_html(chain_map(store, **options))


def map_svg(store: GraphStore, **options) -> str:
    """The SVG of ``chain_map(store, **options)``."""
    return render_svg(chain_map(store, **options))

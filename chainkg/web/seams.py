"""Where other parts of chainkg plug into the workbench's pages: the 产业地图 and the 七个一 dossier.

Each panel is a function ``panel(store, *, scope, key, region) -> dict | None``
registered in :data:`PANELS`. The chain page shows a section for each panel
(``产业地图``, ``七个一``) and the routes ``/chains/<id>/<panel>`` and
``/segments/<id>/<panel>`` answer with the panel's page. While a panel has no
function (None), the section says it is not connected yet and its route gives
the Chinese 404 page; nothing is drawn that the data does not hold.

To connect the 产业地图 (``viz.geomap``), set ``PANELS["geomap"]`` to a function
that returns ``{"title": …, "html": <a complete offline page>, "as_of": …,
"sources": […], "caveats": […]}`` for a chain or a segment; the route serves
``html`` (which must load nothing from elsewhere and run no inline script),
and the section links to it.

>>> sorted(PANELS), panel_for("geomap") is None
(['dossier', 'geomap'], True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["PANELS", "PANEL_TITLES", "panel_for"]

#: panel name → function, or None while it is not connected
PANELS: dict[str, Callable[..., dict[str, Any] | None] | None] = {
    "geomap": None,   # 产业地图: enterprise counts per province / city / district (chainkg geomap, viz.geomap)
    "dossier": None,  # 七个一 chain dossier (one chain, one leader, one plan, …)
}
#: how the pages name each panel
PANEL_TITLES = {"geomap": "产业地图", "dossier": "七个一工作机制"}


def panel_for(name: str) -> Callable[..., dict[str, Any] | None] | None:
    """The function of panel ``name``, or None when it is not connected (or unknown)."""
    return PANELS.get(name)

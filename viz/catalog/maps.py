"""The chain maps of a catalogue, from the chain-map functions of ``viz`` (产业链图谱).

The catalogue embeds each chain's map: as an SVG in HTML (a data: URI, so the
page stays self-contained) and as a PNG in Word (when a PNG can be made: the
map module renders it with an installed CJK font). When a PNG cannot be made
(cairosvg and a CJK font are needed: see docs/maps.md), it is left out and
:attr:`MapImage.notes` says why; the renderers print that note in place of the
picture and among the caveats.

>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> images = chain_images(fixture_store(), region_catalog(fixture_store(), chains=["示例链"]), png=False)
>>> image = images["ch-demo"]
>>> image.svg is None or image.svg.lstrip().startswith(("<svg", "<?xml"))
True
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.store import GraphStore
from viz import chain_map, render_svg
from viz.png import png_support, render_png

__all__ = ["MapImage", "chain_images"]


@dataclass(frozen=True)
class MapImage:
    """A chain's map as SVG text and PNG bytes (either may be missing), with notes on what is missing."""

    chain: str
    svg: str | None
    png: bytes | None
    notes: tuple[str, ...] = ()


def chain_images(store: GraphStore, catalog, *, png: bool = True, enterprises: int = 5,
                 shared=None, workers=1) -> dict[str, MapImage]:
    """The map of every chain of ``catalog`` (a :class:`queries.catalog.Catalog`), by chain key.

    Each map is drawn from the catalogue's region with its thresholds and
    choke-point threshold, reusing each chain's gap analysis, and lists up to
    ``enterprises`` local enterprises per segment. ``png``: make PNGs too (for
    Word), when :func:`viz.png.png_support` finds cairosvg and a CJK font. ``shared``
    (:class:`queries.shared.SharedWork`; by default the one the catalogue was made with) keeps the
    region's choke-point figures, so the maps read the scores the catalogue computed. ``workers`` (a
    :class:`queries.workers.WorkerPool`, or a number of processes) draws the maps on worker processes.
    """
    from queries.workers import per_chain

    shared = shared if shared is not None else getattr(catalog, "shared", None)
    font, png_note = None, None
    if png:
        font, reason = png_support()
        if font is None:
            png_note = f"无法生成 PNG 图谱（{reason}），Word 版不含图谱图片"
    notes = (png_note,) if png_note else ()
    tasks = [_MapTask(chain.chain, catalog.region, enterprises, chain.synthetic_included or None, catalog.choke_score,
                      catalog.thresholds, chain.gap_report, font, notes) for chain in catalog.chains]
    images = per_chain(store, _draw, tasks, workers=workers, shared=shared)
    return {image.chain: image for image in images}


@dataclass(frozen=True)
class _MapTask:
    chain: str
    region: str
    enterprises: int
    synthetic: bool | None
    choke_score: float
    thresholds: object
    report: object
    font: str | None
    notes: tuple[str, ...]


def _draw(store: GraphStore, shared, task: _MapTask) -> MapImage:
    """One chain's map as SVG (and PNG), perhaps in another process."""
    m = chain_map(store, chain=task.chain, region=task.region, enterprises=task.enterprises, synthetic=task.synthetic,
                  choke_score=task.choke_score, thresholds=task.thresholds, reports={task.chain: task.report},
                  shared=shared)
    picture = render_png(m, font=task.font) if task.font is not None else None
    return MapImage(task.chain, render_svg(m), picture, task.notes)

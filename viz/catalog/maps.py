"""The chain maps of a catalogue, from the chain-map functions of ``viz`` (产业链图谱).

The catalogue embeds each chain's map: as an SVG in HTML (a data: URI, so the
page stays self-contained) and as a PNG in Word (when a PNG can be made: the
map module renders it with an installed CJK font). When a PNG cannot be made
(cairosvg, a default dependency, needs the cairo library and a CJK font: see
docs/maps.md), it is left out and :attr:`MapImage.notes` says so in plain
Chinese for the document's reader (where the map is instead: the HTML/SVG); the
technical reason goes to the person running the command (:func:`setup_hints`).

>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> images = chain_images(fixture_store(), region_catalog(fixture_store(), chains=["示例链"]), png=False)
>>> image = images["ch-demo"]
>>> image.svg is None or image.svg.lstrip().startswith(("<svg", "<?xml"))
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from graph.store import GraphStore
from viz import chain_map, render_svg
from viz.png import png_support, render_png

#: the width (cm) at which the Word catalogue places a chain map and a 产业地图 (at most: the page's text width when
#: narrower); their PNGs are drawn for viz.png.PRINT_DPI (300 dpi) at that width, no bigger
MAP_WIDTH_CM = 25.0
GEO_WIDTH_CM = 22.0

__all__ = ["MAP_WIDTH_CM", "GEO_WIDTH_CM", "MapImage", "chain_images", "GeoImage", "geo_images", "GEO_SECTION", "GEO_SHEET", "GEO_COLUMNS",
           "GEO_MISSING_NOTE", "png_missing_note", "setup_hints", "PictureJob", "draw_picture", "PendingPictures"]


@dataclass(frozen=True)
class MapImage:
    """A chain's map as SVG text and PNG bytes (either may be missing), with notes on what is missing."""

    chain: str
    svg: str | None
    png: bytes | None
    notes: tuple[str, ...] = ()
    #: with ``later=True``: what draws the PNG (:func:`draw_picture`), not drawn yet
    job: PictureJob | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PictureJob:
    """What draws one PNG picture for Word, perhaps in another process: the SVG with the PNG's font first, the
    width at which Word places it and, for a 产业地图, its model (the areas drawn beneath, :mod:`viz.geomap.png`)."""

    svg: str
    placed_cm: float
    geo: object | None = None


def draw_picture(store: GraphStore, shared, job: PictureJob) -> bytes:
    """The PNG of ``job`` (as :func:`viz.png.render_png` and :func:`viz.geomap.render_png` draw it from the
    model: the same SVG text, the same areas beneath)."""
    import functools

    from viz.png import svg_to_png

    beneath = None
    if job.geo is not None:
        from viz.geomap.png import draw_beneath

        beneath = functools.partial(draw_beneath, job.geo)
    return svg_to_png(job.svg, placed_cm=job.placed_cm, beneath=beneath)


def chain_images(store: GraphStore, catalog, *, png: bool = True, enterprises: int = 5,
                 shared=None, workers=1, later: bool = False) -> dict[str, MapImage]:
    """The map of every chain of ``catalog`` (a :class:`queries.catalog.Catalog`), by chain key.

    Each map is drawn from the catalogue's region with its thresholds and
    choke-point threshold, reusing each chain's gap analysis, and lists up to
    ``enterprises`` local enterprises per segment. ``png``: make PNGs too (for
    Word), when :func:`viz.png.png_support` finds cairosvg and a CJK font. ``shared``
    (:class:`queries.shared.SharedWork`; by default the one the catalogue was made with) keeps the
    region's choke-point figures, so the maps read the scores the catalogue computed. ``workers`` (a
    :class:`queries.workers.WorkerPool`, or a number of processes) draws the maps on worker processes.
    ``later``: leave the PNGs undrawn, each image's :attr:`MapImage.job` says how to draw it
    (:class:`PendingPictures`).
    """
    from queries.workers import per_chain

    shared = shared if shared is not None else getattr(catalog, "shared", None)
    font, png_note = _png_font(png, "PNG 图谱", "图谱图片")
    notes = (png_note,) if png_note else ()
    tasks = [_MapTask(chain.chain, catalog.region, enterprises, chain.synthetic_included or None, catalog.choke_score,
                      catalog.thresholds, chain.gap_report, font, notes, later) for chain in catalog.chains]
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
    later: bool = False


def _draw(store: GraphStore, shared, task: _MapTask) -> MapImage:
    """One chain's map as SVG (and PNG, or what draws it ``later``), perhaps in another process."""
    m = chain_map(store, chain=task.chain, region=task.region, enterprises=task.enterprises, synthetic=task.synthetic,
                  choke_score=task.choke_score, thresholds=task.thresholds, reports={task.chain: task.report},
                  shared=shared)
    if task.font is not None and task.later:
        job = PictureJob(render_svg(m, fonts=[task.font]), MAP_WIDTH_CM)
        return MapImage(task.chain, render_svg(m), None, task.notes, job)
    picture = render_png(m, font=task.font, placed_cm=MAP_WIDTH_CM) if task.font is not None else None
    return MapImage(task.chain, render_svg(m), picture, task.notes)


#: the catalogue's section for the 产业地图 (viz.geomap)
GEO_SECTION = "产业地图（全国企业分布）"
#: the Excel sheet with the counts per province
GEO_SHEET = "企业分布（省）"
GEO_COLUMNS = ("产业链", "地区", "代码", "企业数", "招商目标数", "说明", "数据截至")


@dataclass(frozen=True)
class GeoImage:
    """A chain's national 产业地图 (``viz.geomap``): SVG, PNG, the counts per province as table rows, notes."""

    chain: str
    svg: str | None
    png: bytes | None
    rows: tuple[dict, ...] = ()
    notes: tuple[str, ...] = ()
    #: with ``later=True``: what draws the PNG (:func:`draw_picture`), not drawn yet
    job: PictureJob | None = field(default=None, compare=False, repr=False)


def geo_images(store: GraphStore, catalog, *, png: bool = True, targets: int = 20, workers=1,
               shared=None, later: bool = False) -> dict[str, GeoImage]:
    """The national 产业地图 of every chain of ``catalog``, by chain key, seen from the catalogue's region.

    The map marks the catalogue's own targets (its first ``targets``). Without
    the boundary package each chain gets a note saying how to install it,
    instead of a map; the counts per province need the boundaries too. ``workers`` (a
    :class:`queries.workers.WorkerPool`, or a number of processes) draws them on worker processes. ``later``:
    leave the PNGs undrawn, each image's :attr:`GeoImage.job` says how to draw it (:class:`PendingPictures`).
    """
    from queries.workers import per_chain

    font, png_note = _png_font(png, "产业地图 PNG", "产业地图图片")
    notes = (png_note,) if png_note else ()
    tasks = [_GeoTask(chain.chain, chain.chain_name, catalog.region, targets, tuple(row.key for row in chain.targets),
                      chain.synthetic_included or None, font, notes, later) for chain in catalog.chains]
    shared = shared if shared is not None else getattr(catalog, "shared", None)
    return {image.chain: image for image in per_chain(store, _draw_geo, tasks, workers=workers, shared=shared)}


@dataclass(frozen=True)
class _GeoTask:
    chain: str
    chain_name: str
    region: str
    targets: int
    target_keys: tuple[str, ...]
    synthetic: bool | None
    font: str | None
    notes: tuple[str, ...]
    later: bool = False


def _draw_geo(store: GraphStore, shared, task: _GeoTask) -> GeoImage:
    """One chain's 产业地图, perhaps in another process."""
    from viz.geomap import BoundaryDataMissing, geo_map
    from viz.geomap import render_png as geo_png
    from viz.geomap import render_svg as geo_svg

    try:
        m = geo_map(store, chain=task.chain, perspective=task.region, targets=task.targets,
                    target_keys=list(task.target_keys), include_synthetic=task.synthetic)
    except BoundaryDataMissing:
        return GeoImage(task.chain, None, None, (), (GEO_MISSING_NOTE,))
    rows = [{"产业链": task.chain_name, "地区": a.name, "代码": a.code, "企业数": a.count,
             "招商目标数": len(a.targets), "说明": "" if a.in_graph else "图中无此地区", "数据截至": m.as_of}
            for a in sorted(m.areas, key=lambda a: (-a.count, a.code)) if a.count or a.targets]
    rows += [{"产业链": task.chain_name, "地区": g.name, "代码": g.code, "企业数": g.count, "招商目标数": 0,
              "说明": g.reason, "数据截至": m.as_of} for g in m.unmapped]
    if task.font is not None and task.later:
        job = PictureJob(geo_svg(m, fonts=[task.font], beneath=False), GEO_WIDTH_CM, m)
        return GeoImage(task.chain, geo_svg(m), None, tuple(rows), task.notes, job)
    picture = geo_png(m, font=task.font, placed_cm=GEO_WIDTH_CM) if task.font is not None else None
    return GeoImage(task.chain, geo_svg(m), picture, tuple(rows), task.notes)


class PendingPictures:
    """The PNGs of images made with ``later=True``, drawn on the worker processes while this process goes on
    (the catalogue writes its other formats meanwhile) and handed over in the order of the images.

    ``images``: chain key → :class:`MapImage` or :class:`GeoImage` mappings, each image with a
    :attr:`MapImage.job` or none (nothing to draw). :meth:`pending` gives images whose ``png`` waits for its
    picture when read; :meth:`drawn` the images with their PNGs, after every picture is drawn.
    """

    def __init__(self, store: GraphStore, images: Sequence[dict], *, workers=1, shared=None):
        from queries.shared import shared_for
        from queries.workers import WorkerPool

        self._images = [dict(group) for group in images]
        self._order = [(n, key) for key in _chain_order(self._images) for n, group in enumerate(self._images)
                       if key in group and group[key].job is not None]  # chain by chain: the order Word places them
        jobs = [self._images[n][key].job for n, key in self._order]
        self._pool = workers if isinstance(workers, WorkerPool) else WorkerPool(store, int(workers))
        self._own_pool = self._pool is not workers
        if self._pool.store is not store:
            raise ValueError("the WorkerPool belongs to another store")
        if self._pool.usable(len(jobs)):
            self._results: Iterator[bytes] = iter(self._pool.map(draw_picture, jobs, shared))  # submitted now
        else:
            shared = shared_for(store, shared)
            self._results = (draw_picture(store, shared, job) for job in jobs)  # drawn when asked for
        self._done: dict[tuple[int, str], bytes] = {}

    def _png(self, n: int, key: str) -> bytes:
        while (n, key) not in self._done:
            self._done[self._order[len(self._done)]] = next(self._results)
        return self._done[(n, key)]

    def pending(self, n: int) -> dict:
        """The ``n``-th mapping of images, each image's ``png`` drawn (or waited for) when first read."""
        return {key: _Pending(image, self, n, key) if image.job is not None else image
                for key, image in self._images[n].items()}

    def drawn(self) -> list[dict]:
        """Every mapping of images with its PNGs (each image's ``job`` cleared), once all are drawn."""
        try:
            for n, key in self._order:
                self._png(n, key)
        finally:
            self.close()
        return [{key: replace(image, png=self._done[(n, key)], job=None) if image.job is not None else image
                 for key, image in group.items()} for n, group in enumerate(self._images)]

    def close(self) -> None:
        if self._own_pool:
            self._pool.close()


def _chain_order(groups: list[dict]) -> list[str]:
    order: list[str] = []
    for group in groups:
        order += [key for key in group if key not in order]
    return order


class _Pending:
    """An image whose ``png`` is drawn elsewhere: read it and it is waited for (:class:`PendingPictures`)."""

    def __init__(self, image, pictures: PendingPictures, n: int, key: str):
        self._image, self._pictures, self._n, self._key = image, pictures, n, key

    def __getattr__(self, name: str):
        return getattr(self._image, name)

    @property
    def png(self) -> bytes:
        return self._pictures._png(self._n, self._key)


#: what a document says in place of a national map when the boundary data is missing (plain words, no commands)
GEO_MISSING_NOTE = "本目录未附产业地图：本机缺少绘制全国地图所需的行政区划边界数据。"


def png_missing_note(what: str, picture: str) -> str:
    """What the Word catalogue says in place of a picture it could not draw: plain Chinese for its reader,
    no developer message (the CLI prints the technical reason, :func:`setup_hints`).

    >>> png_missing_note("图谱", "图谱图片")
    'Word 版未附图谱图片（本机无法绘制图片）；图谱见同时生成的 HTML 版目录或 SVG 文件。'
    """
    return f"Word 版未附{picture}（本机无法绘制图片）；{what}见同时生成的 HTML 版目录或 SVG 文件。"


def setup_hints(images: Iterable[object] = (), *, png: bool = True) -> list[str]:
    """For the person who runs the catalogue (stderr, never the document): why pictures or maps are missing
    and what to install."""
    hints = []
    if png:
        font, reason = png_support()
        if font is None:
            hints.append(f"PNG pictures were left out of the Word catalogue: {reason}")
    if any(GEO_MISSING_NOTE in getattr(image, "notes", ()) for image in images):
        from viz.geomap.boundaries import map_rules

        rules = map_rules()["boundaries"]
        hints.append(f"national maps were left out: the boundary package {rules['package']} is missing "
                     f"({rules['install']})")
    return hints


def _png_font(png: bool, what: str, picture: str) -> tuple[str | None, str | None]:
    """The CJK font for PNGs, or the note that says why Word gets no picture (None, None when not wanted)."""
    if not png:
        return None, None
    font, _ = png_support()
    return (font, None) if font is not None else (None, png_missing_note(what, picture))

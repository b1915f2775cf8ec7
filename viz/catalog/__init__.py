"""Renderers of the 招商指导目录 (:mod:`queries.catalog`): Excel, Word, HTML and Markdown.

:func:`write_catalog` writes the formats asked for into a folder, with the
chain maps of ``viz`` embedded where they are available::

    from queries.catalog import region_catalog
    from viz.catalog import write_catalog

    catalog = region_catalog(store, region="常州市")
    written = write_catalog(store, catalog, "out/", formats=("xlsx", "docx", "html", "md"))

File names are ``catalog-<region code>-<scope>.<ext>`` (scope: the chain key,
the cluster key, or ``all``); Markdown's map SVGs go to ``maps/<chain key>.svg``
beside it.

>>> import tempfile
>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> store = fixture_store()
>>> out = tempfile.mkdtemp()
>>> written = write_catalog(store, region_catalog(store, chains=["示例链"]), out, formats=("md", "html"),
...                         scope_key="ch-demo")
>>> sorted(str(p.relative_to(out)) for p in written.files)
['catalog-320400-ch-demo.html', 'catalog-320400-ch-demo.md', 'maps/catalog-320400-ch-demo-geo.svg', 'maps/catalog-320400-ch-demo.svg']
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import ChainkgError
from graph.outputs import write_text
from graph.store import GraphStore
from viz.catalog.common import file_stem
from viz.catalog.maps import MapImage, PendingPictures, chain_images, geo_images, setup_hints

__all__ = ["FORMATS", "DEFAULT_FORMATS", "FormatError", "WrittenCatalog", "write_catalog", "parse_formats",
           "chain_dossiers"]

#: the formats, in the order they are written (json: the catalogue's data, for machines)
FORMATS = ("xlsx", "docx", "html", "md", "json")
#: the formats written unless asked otherwise
DEFAULT_FORMATS = ("xlsx", "docx", "html", "md")
#: the formats that show the chain maps
_MAP_FORMATS = ("docx", "html", "md")


class FormatError(ChainkgError):
    """Unknown catalogue format."""


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"xlsx,md"`` → ``("xlsx", "md")`` in :data:`FORMATS` order; unknown names are an error.

    >>> parse_formats("md, XLSX")
    ('xlsx', 'md')
    """
    items = text.split(",") if isinstance(text, str) else list(text)
    wanted = {i.strip().lower().lstrip(".") for i in items if i and i.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise FormatError(f"unknown catalogue format(s): {', '.join(unknown) or '(none given)'}",
                          hint=f"use a comma-separated list of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


@dataclass
class WrittenCatalog:
    """What :func:`write_catalog` wrote, and the notes about maps."""

    files: list[Path]
    maps: dict[str, MapImage] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    geo: dict = field(default_factory=dict)  # chain key → GeoImage (产业地图)
    #: for the person running the command, never the documents: why pictures or maps are missing, what to install
    setup_hints: list[str] = field(default_factory=list)


def write_catalog(store: GraphStore, catalog, out_dir: str | Path, *, formats: Iterable[str] = DEFAULT_FORMATS,
                  scope_key: str = "all", maps: bool = True, dossiers: bool = True, workers=1) -> WrittenCatalog:
    """Write ``catalog`` in each of ``formats`` into ``out_dir`` (created).

    The chain maps are drawn (by ``viz``) when a format shows them (docx, html, md), and the national
    产业地图 (``viz.geomap``) for those formats and for xlsx (its counts per province), unless ``maps=False``;
    each chain gets its 七个一 section (:mod:`queries.dossier`) unless ``dossiers=False``. The maps are
    drawn on worker processes when ``workers`` allows (a :class:`queries.workers.WorkerPool`, or a number).
    """
    from viz.catalog.excel import write_xlsx
    from viz.catalog.markdown import render_markdown
    from viz.catalog.webpage import render_html
    from viz.catalog.word import write_docx

    formats = parse_formats(list(formats))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(catalog.region, scope_key)
    docx = "docx" in formats
    images, geo = {}, {}
    if maps and any(f in _MAP_FORMATS for f in formats):
        images = chain_images(store, catalog, png=docx, workers=workers, later=True)
    if maps and any(f in ("xlsx", *_MAP_FORMATS) for f in formats):
        geo = geo_images(store, catalog, png=docx, workers=workers, later=True)
    # the PNGs for Word are drawn on the workers while the other formats are written here (PendingPictures)
    pictures = PendingPictures(store, [images, geo], workers=workers)
    try:
        notes: list[str] = []
        for image in [*images.values(), *geo.values()]:
            for note in image.notes:
                if note not in notes:
                    notes.append(note)
        written: dict[str, list[Path]] = {}
        extra = {"dossiers": chain_dossiers(store, catalog)} if dossiers else {}
        if "xlsx" in formats:
            written["xlsx"] = [write_xlsx(catalog, out / f"{stem}.xlsx", distribution=geo if maps else None, **extra)]
        if "html" in formats:
            path = out / f"{stem}.html"
            write_text(path, render_html(catalog, maps=images, geo=geo if maps else None, **extra))
            written["html"] = [path]
        if "md" in formats:
            written["md"] = []
            links = _svg_files(out, catalog.region, images, "", written["md"])
            geo_links = _svg_files(out, catalog.region, geo, "-geo", written["md"])
            path = out / f"{stem}.md"
            write_text(path, render_markdown(catalog, maps=images, map_links=links, geo=geo if maps else None,
                                             geo_links=geo_links, **extra))
            written["md"].append(path)
        if docx:  # last: its pictures are the ones drawn meanwhile
            written["docx"] = [write_docx(catalog, out / f"{stem}.docx", maps=pictures.pending(0),
                                          geo=pictures.pending(1) if maps else None, **extra)]
        images, geo = pictures.drawn()
    finally:
        pictures.close()
    files = [path for f in ("xlsx", "docx", "html", "md") for path in written.get(f, [])]
    if "json" in formats:
        path = out / f"{stem}.json"
        data = catalog.to_dict()
        data["map_notes"] = notes
        if dossiers:
            data["dossiers"] = [d.to_dict() for d in extra["dossiers"].values()]
        write_text(path, json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
        files.append(path)
    hints = setup_hints([*images.values(), *geo.values()], png=maps and "docx" in formats) if notes else []
    return WrittenCatalog(files, images, notes, geo, hints)


def _svg_files(out: Path, region: str, images: dict, suffix: str, files: list[Path]) -> dict[str, str]:
    """Write each image's SVG as ``maps/<stem><suffix>.svg`` (added to ``files``); chain key → relative link."""
    links = {}
    for key, image in sorted(images.items()):
        if image.svg:
            svg = out / "maps" / f"{file_stem(region, key)}{suffix}.svg"
            svg.parent.mkdir(exist_ok=True)
            write_text(svg, image.svg)
            links[key] = f"maps/{svg.name}"
            files.append(svg)
    return links


def chain_dossiers(store: GraphStore, catalog) -> dict:
    """Chain key → the chain's dossier (:func:`queries.dossier.chain_dossier`), reusing its catalogue sections."""
    from queries._reader import GraphReader
    from queries.dossier import chain_dossier

    shared = getattr(catalog, "shared", None)  # the run's reader, when the catalogue kept one
    reader = shared.for_store(store).reader() if shared is not None else GraphReader(store)
    return {c.chain: chain_dossier(store, chain=c.chain, region=catalog.region, catalog=c, reader=reader)
            for c in catalog.chains}

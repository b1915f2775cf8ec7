"""The catalogue as a Word document (.docx, python-docx): headings, tables and the chain maps.

Landscape A4 so the nine-column target list fits; a heading per chain (level 1)
and per section (level 2); tables in the built-in "Table Grid" style with a
repeated, bold header row; each chain's map as a PNG picture when one could be
made (:mod:`viz.catalog.maps`), else a note in its place. East Asian text uses
宋体 / 黑体 (set as the ``eastAsia`` font, which Word and WPS honour).

>>> import tempfile, pathlib
>>> import docx
>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.docx"
>>> _ = write_docx(region_catalog(fixture_store(), chains=["示例链"]), path)
>>> [p.text for p in docx.Document(path).paragraphs if p.style.name == "Heading 1"]
['总览', '示例链', '数据来源与说明']
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from graph.outputs import write_bytes
from queries.catalog import SOURCE_COLUMNS, SUMMARY_COLUMNS
from viz.catalog.maps import GEO_SECTION, GEO_WIDTH_CM, MAP_WIDTH_CM
from viz.catalog.common import (
    MAP_SECTION,
    chain_sections,
    clean_text,
    meta_lines,
    number,
    overview_lines,
    weights_lines,
)
from queries.wording import all_for_readers

__all__ = ["write_docx", "BODY_FONT", "HEADING_FONT"]

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


def _east_asian(style_or_run, font: str) -> None:
    from docx.oxml.ns import qn

    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


def _styles(document) -> None:
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    _east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(document.styles[name], HEADING_FONT)


def _landscape(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(1.6)


def _repeat_header(row) -> None:
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(header)


def _text(value) -> str:
    return clean_text(value if isinstance(value, str) else number(value))


def _table(document, columns: Sequence[str], rows: Iterable[Mapping[str, object]], *, size: float = 8.5):
    """A "Table Grid" table: a bold header row repeated on each page, then one row per mapping, each line of a
    value its own paragraph, every run at ``size`` points.

    The XML is python-docx's (``add_row``, ``add_run``, ``font.size``), made faster: each row is a copy of
    one empty row python-docx added, each run's properties a copy of the first run's, a line without tabs or
    breaks one ``w:t`` as python-docx writes it, and the table style's id looked up once per document (a
    catalogue has thousands of cells; tests/test_catalog.py compares the XML with python-docx's own).
    """
    from copy import deepcopy

    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    rows = list(rows)
    table = document.add_table(rows=1, cols=len(columns))
    table._tbl.tblStyle_val = _style_id(document, "Table Grid", WD_STYLE_TYPE.TABLE)  # what table.style = … writes
    header = table.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, columns):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = Pt(size)
    if not rows:
        return table
    empty_row = deepcopy(table.add_row()._tr)  # an empty row as python-docx adds it
    table._tbl.remove(table._tbl.tr_lst[-1])
    sized = None  # the run properties python-docx writes for font.size
    for row in rows:
        tr = deepcopy(empty_row)
        table._tbl.append(tr)
        for tc, name in zip(tr.tc_lst, columns):
            paragraph = tc.p_lst[0]
            for k, line in enumerate(_text(row.get(name)).split("\n")):
                if k:
                    paragraph = tc.add_p()
                run = paragraph.add_r()
                if line and _RUN_BREAKS.isdisjoint(line):
                    run.add_t(line)  # what Run.text writes for plain text: one w:t, spaces preserved
                elif line:
                    run.text = line  # python-docx's Run.text: tabs and breaks as their XML
                if sized is None:
                    from docx.text.run import Run

                    Run(run, None).font.size = Pt(size)
                    sized = deepcopy(run.rPr)
                else:
                    run.insert(0, deepcopy(sized))
    return table


#: the characters python-docx's Run.text writes as elements of their own (w:tab, w:br)
_RUN_BREAKS = frozenset("\t\r\n")


def _style_id(document, name: str, kind) -> str | None:
    """python-docx's id for the style ``name`` of type ``kind`` (None for the type's default), looked up once per
    document: python-docx looks the name up in the style part on every call."""
    ids = document.__dict__.setdefault("_chainkg_style_ids", {})
    if (name, kind) not in ids:
        ids[(name, kind)] = document.part.get_style_id(document.styles[name], kind)
    return ids[(name, kind)]


def _styled(document, text: str = "", style: str = "List Bullet"):
    """``document.add_paragraph(text, style=style)``, the same XML, with the style's id looked up once per
    document: python-docx looks the name up, and the default style, in every call (most of a catalogue's
    Word time went to it)."""
    from docx.enum.style import WD_STYLE_TYPE

    style_id = _style_id(document, style, WD_STYLE_TYPE.PARAGRAPH)
    paragraph = document.add_paragraph(text)
    if style_id is not None:
        paragraph._p.style = style_id  # what python-docx's paragraph.style setter writes
    return paragraph


def _heading(document, text: str, level: int):
    """``document.add_heading(text, level)``: the same XML, through :func:`_styled` (python-docx looks the heading
    style up by name in every call)."""
    return _styled(document, text, "Title" if level == 0 else f"Heading {level}")


def _bullets(document, items: Iterable[str]) -> None:
    for item in items:
        _styled(document, _text(item))


def write_docx(catalog, path: str | Path, *, maps: Mapping[str, object] | None = None,
               geo: Mapping[str, object] | None = None, dossiers: Mapping[str, object] | None = None) -> Path:
    """Write the document to ``path`` and return the path; ``maps``: chain key → MapImage (PNG used);
    ``geo``: chain key → GeoImage, the 产业地图 (its section is left out when ``geo`` is None);
    ``dossiers``: chain key → :class:`queries.dossier.ChainDossier` (its 七个一 section)."""
    import docx
    from docx.shared import Cm

    maps = maps or {}
    path = Path(path)
    document = docx.Document()
    _styles(document)
    _landscape(document)
    document.core_properties.title = clean_text(catalog.title)
    document.core_properties.author = "chainkg"
    _heading(document, _text(catalog.title), 0)
    for label, text in meta_lines(catalog):
        document.add_paragraph(_text(f"{label}：{text}"))
    _heading(document, "总览", 1)
    _table(document, SUMMARY_COLUMNS, catalog.summary_rows())
    width = document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    for chain in catalog.chains:
        document.add_page_break()
        _heading(document, _text(chain.chain_name), 1)
        _heading(document, "概况", 2)
        for label, text in overview_lines(chain):
            paragraph = _styled(document)
            paragraph.add_run(_text(label) + "：").bold = True
            paragraph.add_run(_text(text))
        _heading(document, MAP_SECTION, 2)
        image = maps.get(chain.chain)
        png = getattr(image, "png", None)
        if png:
            document.add_picture(io.BytesIO(png), width=min(width, Cm(MAP_WIDTH_CM)))
            _styled(document, _text(f"{chain.chain_name}产业链图谱"), "Caption")
        elif image is None:
            document.add_paragraph("未生成图谱。")
        _bullets(document, getattr(image, "notes", ()) or ())
        if geo is not None:
            _heading(document, GEO_SECTION, 2)
            picture = geo.get(chain.chain)
            if getattr(picture, "png", None):
                document.add_picture(io.BytesIO(picture.png), width=min(width, Cm(GEO_WIDTH_CM)))
                _styled(document, _text(f"{chain.chain_name}产业地图：各省企业数"), "Caption")
            elif picture is None:
                document.add_paragraph("未生成产业地图。")
            _bullets(document, getattr(picture, "notes", ()) or ())
        for title, columns, rows, empty in chain_sections(chain):
            _heading(document, title, 2)
            if rows or empty is None:
                _table(document, columns, rows, size=7.5 if title == "目标企业" else 8.5)
            else:
                document.add_paragraph(empty)
        if dossiers and chain.chain in dossiers:
            from viz.catalog.dossier import DOSSIER_SECTION, add_dossier_docx

            _heading(document, DOSSIER_SECTION, 2)
            add_dossier_docx(document, dossiers[chain.chain], level=2, table=_table, bullets=_bullets,
                             heading=_heading)
        _heading(document, "说明", 2)
        _bullets(document, all_for_readers(chain.caveats))
    document.add_page_break()
    _heading(document, "数据来源与说明", 1)
    _heading(document, "数据来源", 2)
    _table(document, SOURCE_COLUMNS, catalog.source_rows())
    _heading(document, "评分方法", 2)
    _bullets(document, weights_lines(catalog))
    _heading(document, "说明", 2)
    _bullets(document, all_for_readers(catalog.caveats))
    path.parent.mkdir(parents=True, exist_ok=True)
    # saved in memory first: a full disk then fails in one place, with no zip left open
    write_bytes(path, docx_bytes(document))  # checked target, atomic
    return path


#: parts that are compressed already: stored in the zip, not deflated again
_COMPRESSED_MEDIA = (".png", ".jpg", ".jpeg", ".gif")


class _MediaStoredZip:
    """The zip writer python-docx saves through (``write(pack_uri, blob)``, ``close()``), with the pictures
    stored: deflating a 1M catalogue's 42 PNGs again took a second of the Word file's 1.2 s save for 10 % of
    their bytes."""

    def __init__(self, stream):
        from zipfile import ZIP_DEFLATED, ZipFile

        self._zip = ZipFile(stream, "w", compression=ZIP_DEFLATED)

    def write(self, pack_uri, blob) -> None:
        from zipfile import ZIP_DEFLATED, ZIP_STORED

        stored = pack_uri.membername.lower().endswith(_COMPRESSED_MEDIA)
        self._zip.writestr(pack_uri.membername, blob, compress_type=ZIP_STORED if stored else ZIP_DEFLATED)

    def close(self) -> None:
        self._zip.close()


def docx_bytes(document) -> bytes:
    """``document.save``'s package, as bytes, with its pictures stored instead of deflated (the same parts in
    the same order; tests/test_catalog.py compares them with python-docx's own save)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _MediaStoredZip(buffer)
    PackageWriter._write_content_types_stream(writer, parts)  # what PackageWriter.write does, with our writer
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return buffer.getvalue()

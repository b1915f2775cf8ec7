"""Facts from policy texts: a spaCy pipeline that turns documents into candidate facts with provenance.

The steps (one module each):

1. :mod:`~ingest.extract.documents` reads a file (UTF-8 or GBK), finds its title, reference and date;
2. :mod:`~ingest.extract.normalize` cleans OCR line breaks and punctuation, keeping a map to the original;
3. :mod:`~ingest.extract.nlp` runs spaCy (``blank("zh")`` + jieba, an entity ruler of the graph's names
   from :mod:`~ingest.extract.gazetteer`, a matcher of the genre's cue words);
4. :mod:`~ingest.extract.rules` reads the lists between the cues (:mod:`~ingest.extract.lists`);
5. :mod:`~ingest.extract.facts` links names to graph keys and maps offsets back to the original text;
6. :mod:`~ingest.extract.apply` writes accepted facts into the data tables, as a reviewable diff;
7. :mod:`~ingest.extract.evaluate` scores the candidates against a hand-labelled gold file.

>>> result = extract_text("——新材料集群依托甲材料、乙科技等重点企业，在石墨烯、碳纤维等方面有突破。", name="demo.txt")
>>> sorted((f.relation, (f.member or f.group).name) for f in result.facts)  # doctest: +NORMALIZE_WHITESPACE
[('ANCHORS', '乙科技'), ('ANCHORS', '甲材料'), ('BREAKTHROUGH_FOR', '石墨烯'), ('BREAKTHROUGH_FOR', '碳纤维'),
 ('CLUSTER', '新材料')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.extract.documents import Document, read_document
from ingest.extract.facts import CandidateFact, Mention
from ingest.extract.gazetteer import Gazetteer

__all__ = [
    "Extraction", "Document", "CandidateFact", "Mention", "Gazetteer",
    "extract_document", "extract_text", "extract_files", "read_document", "gazetteer_from_folders",
]


@dataclass(frozen=True)
class Extraction:
    """The candidate facts of one document."""

    document: Document
    facts: list[CandidateFact]


def extract_document(document: Document, gazetteer: Gazetteer | None = None, *,
                     region: str | None = None) -> Extraction:
    """Candidate facts of a :class:`Document`, linked to ``gazetteer`` (every name is new without one).

    ``region`` is the code of the region the document is about (clusters and
    chains link only to that region's); by default it is detected from the text.
    """
    import dataclasses
    import warnings

    from ingest.extract.facts import link_facts
    from ingest.extract.nlp import pipeline
    from ingest.extract.normalize import normalize
    from ingest.extract.rules import find_facts

    gazetteer = gazetteer or Gazetteer()
    document = dataclasses.replace(document, region=region or document.region
                                   or gazetteer.detect_region(document.text))
    if len(document.text) > PIECE_CHARS:
        return _in_pieces(document, gazetteer)
    nlp = pipeline(gazetteer)
    clean = normalize(document.text)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W036\]")  # an empty gazetteer gives the ruler no patterns
        doc = nlp(clean.text)
    raw = find_facts(clean, doc, gazetteer)
    return Extraction(document, link_facts(raw, clean, gazetteer, document.name, region=document.region))


#: characters of text the pipeline reads at once: a longer document is read in pieces cut at line ends, so
#: that memory stays bounded and spaCy's own limit (``max_length``, 1,000,000) is never reached
PIECE_CHARS = 200_000


def _pieces(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` cut into pieces of at most ``size`` characters, at line ends where there are any: (start, piece).

    >>> _pieces("ab\\ncd\\nef", 6)
    [(0, 'ab\\ncd\\n'), (6, 'ef')]
    """
    pieces, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def _in_pieces(document: Document, gazetteer: Gazetteer) -> Extraction:
    """:func:`extract_document` of a long document, piece by piece; offsets and lines are the whole text's.

    A piece keeps the document's title, reference, date and region; what a
    heading says carries on to the sentences after it within its piece only.
    """
    import dataclasses

    from ingest.extract.facts import merge_repeats

    facts = []
    lines_before = 0
    for start, text in _pieces(document.text, PIECE_CHARS):
        part = extract_document(dataclasses.replace(document, text=text), gazetteer, region=document.region)
        for fact in part.facts:
            facts.append(dataclasses.replace(
                fact, group=_shifted(fact.group, start), member=fact.member and _shifted(fact.member, start),
                sentence_start=fact.sentence_start + start, sentence_end=fact.sentence_end + start,
                line=fact.line + lines_before))
        lines_before += text.count("\n")
    return Extraction(document, merge_repeats(facts))


def _shifted(mention, offset: int):
    import dataclasses

    return dataclasses.replace(mention, start=mention.start + offset, end=mention.end + offset)


def extract_text(text: str, *, name: str = "<text>", gazetteer: Gazetteer | None = None,
                 region: str | None = None) -> Extraction:
    """Candidate facts of a text (``name`` is the document name the facts cite)."""
    return extract_document(Document.from_text(text, name), gazetteer, region=region)


def extract_files(paths: Iterable[str | Path], *, gazetteer: Gazetteer | None = None, region: str | None = None,
                  progress: Callable[[str], None] | None = None) -> list[Extraction]:
    """Candidate facts of each file (``-`` is standard input)."""
    out = []
    for path in paths:
        if progress:
            progress(f"extracting {path}")
        out.append(extract_document(read_document(path), gazetteer, region=region))
    return out


def gazetteer_from_folders(folders: Iterable[str | Path]) -> Gazetteer:
    """The known names of the data tables in ``folders`` (validated like a build)."""
    from graph.memory import TableStore
    from ingest.load import load_tables

    folders = [Path(f) for f in folders]
    store = TableStore(load_tables(folders))
    return Gazetteer.from_store(store, origin=", ".join(str(f) for f in folders))

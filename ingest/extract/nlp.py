"""The spaCy pipeline: ``spacy.blank("zh")`` with jieba, an entity ruler of known names, cue matchers.

Components, in order:

``tokenizer``
    spaCy's Chinese tokenizer with the jieba segmenter, run in dictionary mode
    (no HMM guessing, which glues function words to names: 钢等, 网及, 伏为).
    Known names from the graph are kept whole, so the entity ruler and the
    list splitter see them as single tokens whatever jieba's dictionary says.
``chainkg_sentences``
    sentence starts after 。！？ (and closing quotes) and at paragraph ends.
``entity_ruler``
    phrase patterns for every name, alias and derived short name of the
    graph's enterprises, clusters, chains and technologies; ``ent_id_`` is the
    graph key (keys joined by ``|`` when a surface is ambiguous).
``chainkg_cues``
    a :class:`spacy.matcher.Matcher` for the cue words of the genre, stored in
    ``doc.spans["chainkg_cues"]`` with labels such as ``RELY`` (依托), ``ROLE``
    (等重点企业), ``AT`` (在), ``AREA`` (方面), ``BREAK`` (有突破), ``BY`` (以),
    ``LEADER`` (为链主的), ``BUILD`` (打造), ``COUNT`` (等23条), ``HEAD`` (产业集群).

The pipeline is built once per process (jieba loads its dictionary in about a
second); loading another gazetteer only swaps the names.

spaCy and jieba are imported inside functions: importing this module is cheap.
"""

from __future__ import annotations

from chainkg.errors import ChainkgError
from ingest.extract.gazetteer import LABELS, Gazetteer
from ingest.extract.normalize import _sentences

__all__ = ["pipeline", "CUE_KEY", "MissingDependencyError"]

CUE_KEY = "chainkg_cues"

_STATE: dict[str, object] = {}

_NUM = r"^(?:\d+|[一二三四五六七八九十两百千]+)(?:个|条|大|家|项)?$"
ROLE_WORDS = ["重点", "龙头", "骨干", "领军", "头部", "链主", "核心", "标杆", "优势", "重点骨干", "龙头骨干", "骨干龙头"]
BREAK_VERBS = ["有", "取得", "实现", "争取", "寻求", "力争", "有所", "率先", "加快", "重点", "重大", "新", "的"]
BUILD_VERBS = ["打造", "建设", "培育", "壮大", "做强", "做大", "做优", "形成", "建成", "发展", "构建"]


def _cue_patterns() -> dict[str, list[list[dict]]]:
    """Token patterns of the cue words (tokens as jieba cuts them in dictionary mode)."""
    chain_leader = [{"TEXT": "链"}, {"TEXT": "主"}]
    role_end = [
        [{"TEXT": "等", "OP": "?"}, {"TEXT": {"REGEX": _NUM}, "OP": "?"}, {"TEXT": {"IN": ["家", "个"]}, "OP": "?"},
         {"TEXT": {"IN": ROLE_WORDS}, "OP": "*"}, {"TEXT": {"REGEX": r"^(?:重点|龙头|骨干|领军|头部|链主|核心|标杆)*(?:企业|链主)$"}}],
        [{"TEXT": "等", "OP": "?"}, {"TEXT": {"REGEX": _NUM}, "OP": "?"}, {"TEXT": {"IN": ["家", "个"]}, "OP": "?"},
         *chain_leader, {"TEXT": "企业", "OP": "?"}],
    ]
    return {
        "RELY": [[{"TEXT": {"IN": ["依托", "依靠"]}}]],
        "ROLE": role_end,
        "AT": [[{"TEXT": "在"}]],
        "AREA": [[{"TEXT": {"IN": ["方面", "领域", "上"]}}]],
        "BREAK": [[{"TEXT": {"IN": BREAK_VERBS}, "OP": "*"}, {"TEXT": {"REGEX": r"^(?:有所|有|取得|实现|争取|寻求|力争|新)?突破$"}}]],
        "BY": [[{"TEXT": "以"}]],
        "LEADER": [
            [{"TEXT": "为"}, *chain_leader, {"TEXT": "企业", "OP": "?"}, {"TEXT": "的", "OP": "?"}],
            [{"TEXT": "为"}, {"TEXT": {"IN": ["链主", "龙头", "龙头企业", "链主企业"]}}, {"TEXT": "企业", "OP": "?"},
             {"TEXT": "的", "OP": "?"}],
        ],
        "BUILD": [[{"TEXT": {"IN": BUILD_VERBS}}]],
        "COUNT": [[{"TEXT": "等", "OP": "?"}, {"TEXT": {"REGEX": _NUM}}, {"TEXT": {"IN": ["个", "条", "大"]}, "OP": "?"}]],
        "HEAD": [[{"TEXT": {"REGEX": r"(?:集群|产业链)$"}}]],
    }


class MissingDependencyError(ChainkgError, ImportError):
    """spaCy or jieba is not installed."""

    hint = "pip install 'chainkg[extract]' (the README's install command includes it)"


def _imports():
    try:
        import jieba
        import spacy
    except ImportError as error:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError(
            f"the extraction pipeline needs spaCy and jieba ({error.name} is missing): "
            "pip install 'chainkg[extract]'") from None
    return spacy, jieba


class _Segmenter:
    """Stands in for the jieba module in spaCy's Chinese tokenizer: dictionary-mode jieba, known names whole."""

    def __init__(self, jieba_tokenizer):
        self._jieba = jieba_tokenizer
        self._names: dict[str, set[int]] = {}  # first character → lengths of known names starting with it

    def set_names(self, names) -> None:
        index: dict[str, set[int]] = {}
        for name in names:
            if len(name) >= 2:
                index.setdefault(name[0], set()).add(len(name))
        self._names = {ch: sorted(lengths, reverse=True) for ch, lengths in index.items()}
        self._known = set(names)

    def _protected(self, text: str):
        """Leftmost-longest known names in ``text``, as (start, end)."""
        i, n = 0, len(text)
        known = getattr(self, "_known", set())
        while i < n:
            for length in self._names.get(text[i], ()):
                if i + length <= n and text[i:i + length] in known:
                    yield i, i + length
                    i += length
                    break
            else:
                i += 1

    def cut(self, text: str, cut_all: bool = False, HMM: bool = False):  # noqa: N803 - jieba's signature
        pos = 0
        for start, end in self._protected(text):
            if start > pos:
                yield from self._jieba.cut(text[pos:start], HMM=False)
            yield text[start:end]
            pos = end
        if pos < len(text):
            yield from self._jieba.cut(text[pos:], HMM=False)


def _base():
    """The process-wide pipeline without names (built once)."""
    if "nlp" in _STATE:
        return _STATE["nlp"]
    import logging

    spacy, jieba = _imports()
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    jieba.setLogLevel(logging.WARNING)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy's jieba segmenter has just loaded jieba's default dictionary (jieba.dt); a Tokenizer of our own
    # loaded the same dictionary a second time (about 2 s of a first extraction)
    tokenizer = jieba.dt
    tokenizer.initialize()  # nothing to do once loaded
    segmenter = _Segmenter(tokenizer)
    nlp.tokenizer.jieba_seg = segmenter

    if not Language.has_factory("chainkg_sentences"):
        def sentences(doc: Doc) -> Doc:
            import numpy
            from spacy.attrs import SENT_START

            starts = {start for start, _ in _sentences(doc.text)}
            values = numpy.array([[1 if token.i == 0 or token.idx in starts else -1] for token in doc],
                                 dtype="int64").reshape(len(doc), 1).astype("uint64")
            if len(doc):
                doc.from_array([SENT_START], values)
            return doc

        Language.component("chainkg_sentences", func=sentences)

    matcher = Matcher(nlp.vocab)
    for label, patterns in _cue_patterns().items():
        matcher.add(label, patterns)

    if not Language.has_factory("chainkg_cues"):
        def cues(doc: Doc) -> Doc:
            from spacy.tokens import Span
            from spacy.util import filter_spans

            by_label: dict[str, list] = {}
            for match_id, start, end in _STATE["matcher"](doc):
                label = doc.vocab.strings[match_id]
                by_label.setdefault(label, []).append(Span(doc, start, end, label=label))
            spans = [span for group in by_label.values() for span in filter_spans(group)]
            doc.spans[CUE_KEY] = sorted(spans, key=lambda s: (s.start, s.end))
            return doc

        Language.component("chainkg_cues", func=cues)

    nlp.add_pipe("chainkg_sentences")
    nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.add_pipe("chainkg_cues")
    _STATE.update(nlp=nlp, segmenter=segmenter, matcher=matcher, fingerprint=None)
    return nlp


def pipeline(gazetteer: Gazetteer | None = None):
    """The pipeline with ``gazetteer``'s names loaded into the segmenter and the entity ruler.

    Built once per process; the names are swapped only when the gazetteer changes.
    """
    nlp = _base()
    gazetteer = gazetteer or Gazetteer()
    fingerprint = gazetteer.fingerprint()
    if _STATE["fingerprint"] != fingerprint:
        surfaces = gazetteer.surfaces()
        _STATE["segmenter"].set_names({surface for _, surface in surfaces})
        ruler = nlp.get_pipe("entity_ruler")
        ruler.clear()
        patterns = [{"label": LABELS[label], "pattern": surface, "id": "|".join(keys)}
                    for (label, surface), keys in sorted(surfaces.items())]
        if patterns:
            ruler.add_patterns(patterns)
        _STATE["fingerprint"] = fingerprint
    return nlp

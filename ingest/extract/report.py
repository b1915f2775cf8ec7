"""The JSON report of an extraction, and reading it back after review.

The report carries ``as_of``, ``sources`` and ``caveats`` next to the facts
(as every chainkg output does), the documents with their title, reference
and date, and one object per candidate fact. A reviewer may add
``"accept": true`` or ``"accept": false`` to facts and apply the file with
``chainkg extract --apply --reviewed FILE``.

>>> from ingest.extract import extract_text
>>> result = extract_text("——新材料集群依托甲材料等重点企业。2020年8月24日", name="a.txt")
>>> payload = report([result])
>>> payload["as_of"], payload["sources"], len(payload["facts"])
('2020-08-24', ['a.txt'], 2)
>>> documents, facts, decisions = read_report(payload)
>>> [f.relation for f in facts] == [f.relation for f in result.facts], documents[0].as_of
(True, '2020-08-24')
"""

from __future__ import annotations

from typing import Any

from chainkg.errors import BadInputError, InputProblem
from ingest.extract.documents import Document
from ingest.extract.facts import CandidateFact, Mention

__all__ = ["report", "read_report", "CAVEATS"]

CAVEATS = [
    "candidate facts are read by rules from the text: review them before they enter the graph "
    "(extract --apply shows the rows it adds as a diff; --dry-run writes nothing)",
    "start/end count characters of the decoded file (UTF-8 or GBK; a BOM is not counted), end exclusive; "
    "line numbers start at 1; as_written is the original text with OCR line breaks removed",
    "key is the graph key of a name the graph knows (match: name, alias or derived short name); "
    "new = true marks names the graph does not know; clusters and chains link only within the document's region "
    "(match other-region lists same-named ones elsewhere as candidates)",
]


def report(extractions, *, gazetteer=None, min_confidence: float = 0.0) -> dict[str, Any]:
    """The JSON-able report of a list of :class:`~ingest.extract.Extraction`."""
    caveats = list(CAVEATS)
    documents = []
    facts = []
    for extraction in extractions:
        doc = extraction.document
        kept = [f for f in extraction.facts if f.confidence >= min_confidence]
        documents.append({"name": doc.name, "path": doc.path, "title": doc.title, "reference": doc.reference,
                          "as_of": doc.as_of, "region": doc.region, "characters": len(doc.text),
                          "facts": len(kept)})
        if not doc.as_of:
            caveats.append(f"{doc.name}: no date found in the text; --apply uses today's date as as_of "
                           "(pass --as-of to set it)")
        facts += [f.to_dict() for f in kept]
    if gazetteer is not None and len(gazetteer) == 0:
        caveats.append("no graph names were loaded: every name is flagged new (build the graph or pass --data)")
    if min_confidence:
        caveats.append(f"facts below confidence {min_confidence} are left out")
    dates = [d["as_of"] for d in documents if d["as_of"]]
    return {
        "as_of": max(dates) if dates else None,
        "sources": [d["name"] for d in documents],
        "caveats": caveats,
        "names_from": (gazetteer.origin or None) if gazetteer is not None else None,
        "known_names": len(gazetteer) if gazetteer is not None else None,
        "documents": documents,
        "facts": facts,
    }


def _mention(data: dict | None) -> Mention | None:
    if data is None:
        return None
    fields = {k: data.get(k) for k in Mention.__dataclass_fields__}
    fields["candidates"] = tuple(fields.get("candidates") or ())
    fields["new"] = bool(fields.get("new"))
    return Mention(**fields)


def read_report(payload: dict, where: str = "report") -> tuple[list[Document], list[CandidateFact], dict[int, bool | None]]:
    """Documents, facts and the reviewer's decisions (``id(fact)`` → accept) of a JSON report."""
    try:
        documents = [Document(name=d["name"], text="", path=d.get("path"), title=d.get("title"),
                              reference=d.get("reference"), as_of=d.get("as_of"), region=d.get("region"))
                     for d in payload.get("documents", [])]
        facts, decisions = [], {}
        for i, item in enumerate(payload["facts"]):
            fact = CandidateFact(
                document=item["document"], relation=item["relation"], group=_mention(item["group"]),
                member=_mention(item.get("member")), confidence=float(item["confidence"]), rule=item["rule"],
                sentence=item.get("sentence", ""), sentence_start=int(item.get("sentence_start", 0)),
                sentence_end=int(item.get("sentence_end", 0)), line=int(item.get("line", 0)),
                role=item.get("role"), properties=dict(item.get("properties") or {}),
                notes=tuple(item.get("notes") or ()), occurrences=int(item.get("occurrences", 1)))
            facts.append(fact)
            accept = item.get("accept")
            if accept is not None and not isinstance(accept, bool):
                raise ValueError(f"facts[{i}].accept must be true or false, not {accept!r}")
            decisions[id(fact)] = accept
    except (KeyError, TypeError, ValueError) as error:
        raise BadInputError([InputProblem(where, None, None, f"not an extract report ({error})",
                                          "pass the JSON written by `chainkg extract --format json`")]) from None
    return documents, facts, decisions

"""``extract`` on big, endless or special input (issue 18, defect 11): bounded, refused in words, or read in pieces."""

from __future__ import annotations

import os

import pytest

from conftest import SHARED
from ingest.extract import extract_document, read_document
from ingest.extract.documents import MAX_DOCUMENT_BYTES

SEED = SHARED / "seeds" / "000_e5d676fd73d92b64.txt"


def test_a_text_longer_than_a_piece_is_read_in_pieces_with_offsets_into_the_whole(monkeypatch):
    """20 MB gave spaCy's E088 traceback: longer texts are now cut at line ends (here pieces of 3,000 characters)."""
    import ingest.extract as extract

    document = read_document(SEED)
    whole = extract_document(document)
    monkeypatch.setattr(extract, "PIECE_CHARS", 3000)
    pieces = extract_document(document)
    assert len(document.text) > 4 * 3000 and pieces.facts
    for fact in pieces.facts:
        for mention in (fact.group, fact.member):
            if mention is not None:
                # as written, but for the line breaks a name may be split by (中车戚\n\n研所)
                assert "".join(document.text[mention.start:mention.end].split()) == "".join(mention.as_written.split())
        assert fact.sentence_start <= fact.start < fact.end <= fact.sentence_end
        assert fact.line == document.text.count("\n", 0, fact.start) + 1
    found = {f.identity() for f in whole.facts}
    assert len(found & {f.identity() for f in pieces.facts}) >= 0.8 * len(found)  # headings do not cross pieces


def test_a_file_larger_than_the_limit_is_refused_at_once(run, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: nothing is written, nothing need be read
    result = run("extract", big)
    assert result.exit_code == 2 and f"{big}: {MAX_DOCUMENT_BYTES + 1:,} bytes, more than the" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_special_files_are_refused_without_reading(run, tmp_path, kind):
    path = {"device": "/dev/zero", "fifo": str(tmp_path / "pipe.txt"), "folder": str(tmp_path)}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    result = run("extract", path)
    expected = {"device": "/dev/zero: a device, not a regular file", "fifo": "pipe.txt: a FIFO (named pipe)",
                "folder": "a folder, not a text file"}[kind]
    assert result.exit_code == 2 and expected in result.output, result.output


def test_endless_standard_input_is_cut_off(run):
    from click.testing import CliRunner

    from chainkg.cli import cli

    result = CliRunner().invoke(cli, ["extract", "-"], input=b"y\n" * (MAX_DOCUMENT_BYTES // 2 + 1))
    assert result.exit_code == 2 and f"-: more than {MAX_DOCUMENT_BYTES:,} bytes of text" in result.output


def test_a_nul_byte_anywhere_means_not_text(run, tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("常州市。\n".encode() * 20000 + b"\x00")
    result = run("extract", path)
    assert result.exit_code == 2 and "not a text file" in result.output

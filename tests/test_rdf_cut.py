"""The compiled line tokenizer against the line regexes: a line it cuts is one the regex matches, cut the
same way; anything else it leaves to the regex. And the file is read in whole lines at any block size."""

from __future__ import annotations

import mmap
import random
import threading

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import ingest.rdf_lines as rdf_lines
from ingest.rdf_cut import ABSOLUTE, EMPTY, NT_FIELDS, ODD, RELATIVE, TTL_FIELDS, cut_lines, iri_kinds, line_ends

NT_LINES = [
    '<http://x/a> <http://x/b> <http://x/c> .\n',
    '<http://x/a> <http://x/b> "plain" .\n',
    '<http://x/a> <http://x/b> "with spaces > and <, {braces} | carets ^^ @at" .\n',
    '<http://x/a> <http://x/b> "escaped \\" quote and \\\\ backslash \\u00e9" .\n',
    '<http://x/a> <http://x/b> "2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
    '<http://x/a> <http://x/b> "texte"@fr-CA .\n',
    '<http://x/企业/甲> <http://x/b> "常州 市" .\n',
    '<http://x/a> <http://x/b> "" .\n',
    '<http://x/a> <http://x/b> <http://x/c> .',  # the file's last line, no line end
    # other layouts: valid, for the regex
    '<http://x/a>  <http://x/b> <http://x/c> .\n',
    '<http://x/a>\t<http://x/b> <http://x/c> .\n',
    '<http://x/a> <http://x/b> <http://x/c>.\n',
    '<http://x/a><http://x/b><http://x/c> .\n',
    '<http://x/a> <http://x/b> <http://x/c> . # a comment\n',
    '<http://x/a> <http://x/b> "x" . # "quoted" .\n',
    '<http://x/a> <http://x/b> <http://x/c> .\r\n',
    '   <http://x/a> <http://x/b> <http://x/c> .\n',
    # not valid
    '<http://x/a b> <http://x/b> <http://x/c> .\n',
    '<http://x/a> <http://x/b> "unclosed .\n',
    '<http://x/a> <http://x/b> "x"@ .\n',
    '<http://x/a> <http://x/b> "x"@-en .\n',
    '<http://x/a> <http://x/b> "x"^^xsd:date .\n',
    '<http://x/a> <http://x/b> "x" "y" .\n',
    '<http://x/a> <http://x/b> <> .\n',
    '<http://x/a> <http://x/b> <http://x/{c}> .\n',
    '<http://x/a> <http://x/b> ex:c .\n',
    '<http://x/a> <http://x/b> "a"b" .\n',
    '<http://x/a> <http://x/b> .\n',
    '\n',
    '# a comment\n',
]

TTL_LINES = [
    '<enterprise/syn-1> a ckg:Enterprise ;\n',
    '    prov:wasDerivedFrom <source/synthetic> ;\n',
    '    ckg:name "合成企业1号（虚构）" ;\n',
    '    ckg:asOf "2026-01-01"^^xsd:date ;\n',
    '    ckg:revenueYi "0.075"^^<http://www.w3.org/2001/XMLSchema#decimal> ;\n',
    '    ckg:label "x > y; z ."@zh-Hans .\n',
    '    <http://x/p> ckg:Class .\n',
    'ckg:Thing a <http://x/Class> .\n',
    '<chain/a> ckg:aliases "工程机械|农业机械" .',
    # other layouts
    '  ckg:name "x" ;\n',
    '     ckg:name "x" ;\n',
    '    ckg:name  "x" ;\n',
    '    ckg:name "x";\n',
    '    ckg:name "x" ; # comment\n',
    '\tckg:name "x" ;\n',
    '<enterprise/syn-1> a ckg:Enterprise ;\r\n',
    '@prefix ckg: <https://w3id.org/chainkg/ontology#> .\n',
    # not valid
    '    ckg:name "x" ,\n',
    '    ckg: "x" ;\n',
    '    1ckg:name "x" ;\n',
    '    ckg:na.me "x" ;\n',
    '    ckg:name "x"^^ ;\n',
    '    ckg:name "x"^^<> ;\n',
    '    ckg:name x ;\n',
    '<a b> a ckg:Enterprise ;\n',
    '    aa ckg:X ;\n',
]


def _check(texts: list[str], *, turtle: bool) -> np.ndarray:
    """Every line cut is matched by the regex and cut as it cuts; returns which lines were odd."""
    pattern = rdf_lines._TTL if turtle else rdf_lines._NT
    names = TTL_FIELDS if turtle else NT_FIELDS
    lines = pa.array(texts, pa.large_string())
    cut = cut_lines(lines, turtle=turtle)
    valid = pc.match_substring_regex(lines, pattern).to_numpy(zero_copy_only=False)
    taken = np.flatnonzero(~cut.odd)
    assert valid[taken].all(), [texts[i] for i in taken if not valid[i]]
    found = pc.extract_regex(lines.take(pa.array(taken)), pattern)
    for name in names:
        expected = found.field(name).cast(pa.large_string()).to_pylist()
        assert cut.fields[name].take(pa.array(taken)).to_pylist() == expected, name
        assert all(value == "" for value in cut.fields[name].filter(pa.array(cut.odd)).to_pylist())
    return cut.odd


@pytest.mark.parametrize("turtle", [False, True])
def test_the_tokenizer_cuts_what_the_regex_matches_and_leaves_the_rest(turtle):
    texts = TTL_LINES if turtle else NT_LINES
    odd = _check(texts, turtle=turtle)
    canonical = texts.index('<http://x/a>  <http://x/b> <http://x/c> .\n' if not turtle else '  ckg:name "x" ;\n')
    assert not odd[:canonical].any()  # the form chainkg writes, with every kind of term
    assert odd[canonical:].all()  # other layouts and what is not valid: for the regex


@pytest.mark.parametrize("turtle", [False, True])
def test_the_tokenizer_agrees_with_the_regex_on_mutated_lines(turtle):
    """Lines of the form chainkg writes with a character changed, added or dropped: whatever the tokenizer
    cuts, the regex matches and cuts the same way."""
    rng = random.Random(19)
    seeds = [t for t in (TTL_LINES if turtle else NT_LINES)[:9]]
    alphabet = ' \t"<>\\^@:;.#{}|`-_aZ9é\r'
    texts = []
    for _ in range(3000):
        line = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(line))
            action = rng.random()
            if action < 0.4:
                line[at] = rng.choice(alphabet)
            elif action < 0.8:
                line.insert(at, rng.choice(alphabet))
            else:
                del line[at]
        texts.append("".join(line))
    odd = _check(texts, turtle=turtle)
    assert 0 < odd.sum() < len(texts)


def test_a_repeated_subject_is_compared_not_checked_again_and_cut_the_same():
    """N-Triples: a line that begins with the subject term (and its space) of the line before, when that line was
    cut, has the same subject (compared, not checked byte by byte again). Subjects that begin alike, differ in
    their last byte or in the space after them, or repeat an odd line's: each line is still cut as the regex
    cuts it, and the same subject in a run of lines is the same value on each."""
    rng = random.Random(23)
    subjects = ["<http://x/a>", "<http://x/ab>", "<http://x/a>", "<http://x/b>", "<http://x/a b>", "<http://x/企>",
                "<http://x/企业>", "<>", "<http://x/aa>", "<http://x/a>\t", "<http://x/a>  ", "<http://x/a>>"]
    ends = ['<http://x/p> <http://x/o> .\n', '<http://x/p> "v" .\n', '<http://x/p> .\n', '.\n', '\n', '',
            '<http://x/p> "v"']
    for trial in range(300):
        texts = []
        for _ in range(rng.randint(1, 30)):
            subject = rng.choice(subjects)
            space = "" if subject.endswith(("\t", "  ")) else " "
            texts.append(subject + space + rng.choice(ends))
        odd = _check(texts, turtle=False)
        cut = cut_lines(pa.array(texts, pa.large_string()), turtle=False)
        for i, text in enumerate(texts):
            if not odd[i]:
                assert "<" + cut.fields["s"][i].as_py() + "> " == text[:text.index(">") + 2], (trial, i)
    # a run of one subject over many lines, with the subject long enough to be compared 16 bytes at a time
    long = "<http://x/" + "长" * 40 + "/relationship/SUPPLIES/syn-0645272/syn-0595546>"
    texts = [f'{long} <http://x/p{k}> "{k}" .\n' for k in range(50)] + [f'{long[:-1]}x> <http://x/p> "y" .\n',
                                                                         f'{long[:-2]}> <http://x/p> "z" .\n']
    assert not _check(texts, turtle=False).any()
    cut = cut_lines(pa.array(texts, pa.large_string()), turtle=False)
    assert cut.fields["s"].to_pylist() == [long[1:-1]] * 50 + [long[1:-1] + "x", long[1:-2]]
    # held once per run of lines: the 50 lines point at one copy
    assert cut.fields["s"].dictionary.to_pylist() == [long[1:-1], long[1:-1] + "x", long[1:-2]]
    assert cut.fields["s"].indices.to_pylist() == [0] * 50 + [1, 2]


def test_the_tokenizer_reads_lines_inside_a_larger_buffer():
    """Lines sliced out of a bigger array (an offset into the buffers) are cut where they are."""
    lines = pa.array(NT_LINES[:9] * 3, pa.large_string()).slice(4, 10)
    cut = cut_lines(lines, turtle=False)
    assert not cut.odd.any()
    assert cut.fields["s"].to_pylist() == ["http://x/a"] * 2 + ["http://x/企业/甲"] + ["http://x/a"] * 7


def test_line_ends_are_found_word_by_word_as_byte_by_byte():
    """The line ends found 8 bytes at a time are those numpy finds byte by byte: at every alignment of the
    buffer, from empty to a few hundred bytes, with no, few or only line ends (more than the first guess of
    room: found again), with bytes that differ from a line end in one bit, and UTF-8."""
    rng = random.Random(29)
    alphabet = [b"\n", b"\x0b", b"\x08", b"\x8a", b"\x0a\x0a", b"a", "中".encode()]
    for trial in range(2000):
        weights = [rng.random() for _ in alphabet]
        body = b"".join(rng.choices(alphabet, weights, k=rng.randint(0, 300)))
        shift = rng.randrange(16)
        data = memoryview(bytearray(b"\n" * shift + body))[shift:]  # the buffer at any alignment
        expected = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10) + 1
        assert line_ends(data).tolist() == expected.tolist(), trial


def test_iri_kinds_are_what_the_regexes_say():
    """Turtle's IRI references told apart in one compiled pass, as the regexes the reader used tell them: absolute
    (a scheme), relative to the base, or relative in another way (a path from the root, a query, a fragment, a
    "." or ".." segment), on random strings of the characters that matter, inside a larger buffer."""
    rng = random.Random(31)
    alphabet = list("aZ9+-.:/?#") + ["..", "/.", "/..", "企"]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 8))) for _ in range(20000)]
    iris = pa.array(["pad"] + texts, pa.large_string()).slice(1)
    absolute = pc.match_substring_regex(iris, r"^[A-Za-z][A-Za-z0-9+.-]*:").to_numpy(zero_copy_only=False)
    odd = pc.match_substring_regex(iris, r"^[/?#.]|/\.\.?(?:/|$)").to_numpy(zero_copy_only=False)
    empty = np.array([t == "" for t in texts])
    expected = np.where(empty, EMPTY, np.where(absolute, ABSOLUTE, np.where(odd, ODD, RELATIVE)))
    assert iri_kinds(iris).tolist() == expected.tolist()
    assert {EMPTY, ABSOLUTE, RELATIVE, ODD} == set(expected.tolist())


@pytest.mark.parametrize("reader", ["_direct_chunks", "_mapped_chunks", "_read_chunks"])
def test_the_file_is_read_in_whole_lines_at_any_block_size(tmp_path, monkeypatch, reader):
    """Read past the page cache or mapped (a regular file), or read (a pipe): the same whole lines at the same
    offsets."""
    rng = random.Random(7)
    path = tmp_path / "lines.nt"
    for trial in range(200):
        bom = rng.random() < 0.3
        lines = ["x" * rng.randint(0, 40) + "中" * rng.randint(0, 2) for _ in range(rng.randint(0, 30))]
        text = "\n".join(lines) + ("\n" if rng.random() < 0.5 else "")
        raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
        path.write_bytes(raw)
        monkeypatch.setattr(rdf_lines, "BLOCK_BYTES", rng.randint(1, 50))
        got, starts = [], []
        for chunk in getattr(rdf_lines, reader)(path, None):
            block = chunk.block()
            got += block.lines.to_pylist()
            starts += block.starts.tolist()
        assert got == text.splitlines(keepends=True), trial
        assert [rdf_lines._line_number(path, start) for start in starts] == list(range(1, len(got) + 1)), trial
        assert [raw[s:s + len(line.encode())].decode() for s, line in zip(starts, got)] == got, trial


@pytest.mark.parametrize("reader", ["_direct_chunks", "_mapped_chunks", "_read_chunks"])
@pytest.mark.parametrize("parser", ["nt", "turtle"])
def test_blocks_end_between_subjects(tmp_path, monkeypatch, parser, reader):
    """Given the format, a block ends where a subject's lines (Turtle: a statement) begin, unless one subject
    fills it; the lines, their offsets and numbers are the same as cut anywhere."""
    rng = random.Random(11)
    path = tmp_path / f"subjects.{parser}"
    for trial in range(100):
        lines = []
        for subject in range(rng.randint(1, 12)):
            term = f"<http://x/{subject:03d}{'中' * rng.randint(0, 3)}>"
            for k in range(rng.randint(1, 6)):
                if parser == "nt":
                    lines.append(f'{term} <http://x/p{k}> "{"v" * rng.randint(0, 20)}" .\n')
                else:
                    start = f"{term} " if k == 0 else "    "
                    lines.append(f'{start}<http://x/p{k}> "{"v" * rng.randint(0, 20)}" {";" if k < 5 else "."}\n')
        if parser == "turtle":  # the statement's last line ends it
            lines = [line.replace(" ;\n", " .\n") if i + 1 == len(lines) or not lines[i + 1].startswith(" ")
                     else line for i, line in enumerate(lines)]
        raw = "".join(lines).encode("utf-8")
        path.write_bytes(raw)
        monkeypatch.setattr(rdf_lines, "BLOCK_BYTES", rng.randint(1, 300))
        blocks = [chunk.block() for chunk in getattr(rdf_lines, reader)(path, parser)]
        got = [line for block in blocks for line in block.lines.to_pylist()]
        assert got == lines, trial
        assert [rdf_lines._line_number(path, s) for b in blocks for s in b.starts.tolist()] == \
            list(range(1, len(lines) + 1)), trial
        assert [s for b in blocks for s in b.starts.tolist()] == \
            [len("".join(lines[:i]).encode()) for i in range(len(lines))], trial

        def subject(line: str) -> str:
            return line.split(" ", 1)[0]
        for block, after in zip(blocks, blocks[1:]):
            last, first = block.lines.to_pylist()[-1], after.lines.to_pylist()[0]
            if parser == "nt":
                one_subject = len({subject(x) for x in block.lines.to_pylist()}) == 1
                assert subject(last) != subject(first) or one_subject, trial
            else:
                statements = sum(not x.startswith(" ") for x in block.lines.to_pylist())
                assert not first.startswith(" ") or statements <= 1, trial


def test_a_regular_file_is_read_directly_else_mapped_and_a_pipe_read(tmp_path, monkeypatch):
    import errno
    import os
    import threading

    monkeypatch.setattr(rdf_lines, "BLOCK_BYTES", 64)
    raw = b"".join(f'<http://x/{i:03d}> <http://x/p> "{"v" * (i % 17)}" .\n'.encode() for i in range(40))
    path, pipe = tmp_path / "g.nt", tmp_path / "pipe.nt"
    path.write_bytes(raw)
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_bytes, args=(raw,))
    writer.start()
    from_pipe = list(rdf_lines._chunks(pipe, "nt"))
    writer.join()
    direct = list(rdf_lines._chunks(path, "nt"))
    # each piece in a buffer of its own, its bytes from a multiple of DIRECT_ALIGN on
    assert all(isinstance(chunk.data.obj, bytearray) for chunk in direct)
    assert len({id(chunk.data.obj) for chunk in direct}) == len(direct)
    assert not any(isinstance(chunk.data.obj, mmap.mmap) for chunk in from_pipe)
    with monkeypatch.context() as refused:  # a file system without direct reads: the file is mapped
        refused.delattr(os, "O_DIRECT")
        mapped = list(rdf_lines._chunks(path, "nt"))
    assert all(isinstance(chunk.data.obj, mmap.mmap) for chunk in mapped)

    def refuse(*_args):
        raise OSError(errno.EINVAL, "Invalid argument")
    with monkeypatch.context() as refused:  # opened with O_DIRECT, the first read refused: mapped
        refused.setattr(rdf_lines, "_read_at", refuse)
        mapped_after_all = list(rdf_lines._chunks(path, "nt"))
    assert all(isinstance(chunk.data.obj, mmap.mmap) for chunk in mapped_after_all)

    def lines(read):  # each line with its offset (the pieces may be cut in other places)
        blocks = [chunk.block() for chunk in read]
        return [pair for block in blocks for pair in zip(block.lines.to_pylist(), block.starts.tolist())]
    assert lines(direct) == lines(mapped) == lines(mapped_after_all) == lines(from_pipe) == \
        [(line, raw.index(line.encode())) for line in raw.decode().splitlines(keepends=True)]
    assert len(direct) > 5 and len(mapped) > 5 and len(from_pipe) > 5


def test_a_direct_read_error_other_than_refusal_is_raised(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "g.nt"
    path.write_bytes(b'<http://x/a> <http://x/p> "1" .\n')

    def broken(*_args):
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(rdf_lines, "_read_at", broken)
    with pytest.raises(OSError, match="Input/output"):
        list(rdf_lines._chunks(path, "nt"))


def test_reading_ahead_raises_the_readers_error_and_stops_when_left():
    def failing():
        yield 1
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(rdf_lines._read_ahead(failing(), 2))
    endless = rdf_lines._read_ahead(iter(range(10**9)), 2)
    assert next(endless) == 0
    endless.close()  # the reading thread stops (or this would not return)
    assert not [t for t in threading.enumerate() if t.name == "chainkg-rdf-read"]

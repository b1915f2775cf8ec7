"""graph/streaming_io.py: pieces land as plain pwrite puts them, and the pages behind are dropped."""

from __future__ import annotations

import os
import random

import pytest

import graph.streaming_io as streaming_io
import ingest.rdf_lines as rdf_lines
from graph.streaming_io import StreamingWriter


def _pieces(rng: random.Random, size: int) -> list[tuple[int, bytes]]:
    """The file cut at random places into pieces, shuffled."""
    cuts = sorted({0, size, *(rng.randrange(size) for _ in range(rng.randint(1, 12)))})
    pieces = [(a, rng.randbytes(b - a)) for a, b in zip(cuts, cuts[1:])]
    rng.shuffle(pieces)
    return pieces


@pytest.fixture
def dropped(monkeypatch) -> list[tuple[int, int]]:
    """The (offset, length) of each drop asked for, dropped as asked."""
    asked: list[tuple[int, int]] = []
    drop = streaming_io.drop_cached

    def recorded(fd, offset, length):
        asked.append((offset, length))
        drop(fd, offset, length)
    monkeypatch.setattr(streaming_io, "drop_cached", recorded)
    return asked


@pytest.mark.parametrize("sync", ["kernel", "missing"])
def test_pieces_at_any_offsets_in_any_order_make_the_file(tmp_path, monkeypatch, dropped, sync):
    if sync == "missing":  # not Linux: plain pwrite
        monkeypatch.setattr(streaming_io, "_SYNC_FILE_RANGE", None)
    elif streaming_io._SYNC_FILE_RANGE is None:
        pytest.skip("no sync_file_range here")
    rng = random.Random(5)
    for trial in range(40):
        size = rng.choice([1, 100, 4095, 4096, 40_000, 200_000])
        path = tmp_path / f"out{trial}.bin"
        fd = os.open(path, os.O_RDWR | os.O_CREAT)
        writer = StreamingWriter(fd, lag=rng.choice([1, 5000, 1 << 30]))
        pieces = _pieces(rng, size)
        for offset, data in pieces:
            writer.pwrite(memoryview(data), offset)
        os.close(fd)
        assert path.read_bytes() == b"".join(data for _, data in sorted(pieces)), trial
    assert bool(dropped) == (sync == "kernel")


def test_a_piece_is_dropped_once_the_lag_is_written_after_it(tmp_path, dropped):
    if streaming_io._SYNC_FILE_RANGE is None:
        pytest.skip("no sync_file_range here")
    fd = os.open(tmp_path / "out.bin", os.O_RDWR | os.O_CREAT)
    writer = StreamingWriter(fd, lag=250)
    for k in range(6):
        writer.pwrite(bytes([k]) * 100, 100 * k)
    os.close(fd)
    # after the fourth piece, 300 bytes (≥ 250) follow the first: it goes; and so on, oldest first
    assert dropped == [(0, 100), (100, 100), (200, 100)]


def test_a_forked_process_drops_only_its_own_pieces(tmp_path):
    if streaming_io._SYNC_FILE_RANGE is None:
        pytest.skip("no sync_file_range here")
    path = tmp_path / "forked.bin"
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    writer = StreamingWriter(fd, lag=1 << 30)
    writer.pwrite(b"a" * 10, 0)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            writer.pwrite(b"b" * 10, 10)
            os.write(write, repr(list(writer._written)).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 1000).decode()
    os.close(read)
    writer.pwrite(b"c" * 10, 20)
    os.close(fd)
    assert child == "[(10, 10)]"
    assert list(writer._written) == [(0, 10), (20, 10)]
    assert path.read_bytes() == b"a" * 10 + b"b" * 10 + b"c" * 10


def test_the_import_drops_what_it_has_read_behind_it(tmp_path, monkeypatch, dropped):
    monkeypatch.setattr(rdf_lines, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(rdf_lines, "READ_LAG", 3 * 4096)
    path = tmp_path / "g.nt"
    raw = b"".join(f'<http://x/{i:05d}> <http://x/p> "{"v" * (i % 50)}" .\n'.encode() for i in range(3000))
    path.write_bytes(raw)
    after = []  # with each drop, the end of the piece given out just before it
    end = None
    for chunk in rdf_lines._mapped_chunks(path, "nt"):  # (a file read directly is not in the cache)
        after += [end] * (len(dropped) - len(after))
        end = chunk.offset + len(chunk.data)
    after += [end] * (len(dropped) - len(after))
    assert len(dropped) > 5
    # contiguous from the start, each READ_LAG behind the end of what was given out
    assert dropped[0][0] == 0
    assert all(a + n == b for (a, n), (b, _) in zip(dropped, dropped[1:]))
    assert [a + n + rdf_lines.READ_LAG for a, n in dropped] == after
    assert after[-1] == len(raw)

"""Streaming a big file through the page cache without letting it grow: what is written is sent to the
disk at once and dropped a little later, what is read is dropped once read.

The RDF export writes, and the import reads, files of many gigabytes once, start to end. Left to
itself, the kernel keeps all of it in the page cache: every 4 KiB of the file takes a page of
memory the machine had not used lately. On a virtual machine whose host takes freed memory back,
such a page costs microseconds to touch (``dd`` of 4 GB: 15–19 s of system time), while a page
used and freed a moment ago costs almost nothing (the same 4 GB written with the pages behind it
dropped: 1.8–2.1 s, ``fsync`` included). So:

- :class:`StreamingWriter` writes with ``pwrite`` as before, asks the kernel to start writing each
  piece to the disk (``sync_file_range``) and, once the pieces written after it pass :data:`LAG`
  bytes, waits for an old piece to be on the disk and drops its pages (``POSIX_FADV_DONTNEED``): the
  next pieces reuse them. The bytes in the file are those plain ``pwrite`` gives; only what the page
  cache keeps changes. Durability is still the caller's (``fsync``).
- :func:`drop_cached` lets a reader drop what it has read, :func:`read_ahead` ask for what it will read.

Both do nothing where the calls are missing (not Linux).

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "out.bin")
>>> fd = os.open(path, os.O_RDWR | os.O_CREAT)
>>> writer = StreamingWriter(fd)
>>> writer.pwrite(b"b" * 10_000, 5)
>>> writer.pwrite(b"a" * 5, 0)
>>> os.close(fd)
>>> open(path, "rb").read() == b"a" * 5 + b"b" * 10_000
True
"""

from __future__ import annotations

import ctypes
import os
from collections import deque

__all__ = ["LAG", "StreamingWriter", "drop_cached", "read_ahead"]

#: bytes written after a piece before its pages are dropped (the disk has had time to take it)
LAG = 64 << 20

_WAIT_BEFORE, _WRITE, _WAIT_AFTER = 1, 2, 4  # sync_file_range's flags (linux/fs.h)


def _sync_file_range():
    """libc's ``sync_file_range``, or None (not Linux, not glibc or musl)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_SYNC_FILE_RANGE = _sync_file_range()


def drop_cached(fd: int, offset: int, length: int) -> None:
    """Drop the page cache's clean pages of ``length`` bytes at ``offset`` (a hint: pages still dirty or
    mapped stay, and nothing is lost either way; read again, they come from the disk)."""
    if hasattr(os, "posix_fadvise") and length > 0:
        try:
            os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)
        except OSError:
            pass


def read_ahead(fd: int, offset: int, length: int) -> None:
    """Ask the disk for ``length`` bytes at ``offset`` ahead of their reading (a hint, ``POSIX_FADV_WILLNEED``)."""
    if hasattr(os, "posix_fadvise") and length > 0:
        try:
            os.posix_fadvise(fd, offset, length, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass


def _pwrite_all(fd: int, view: memoryview, offset: int) -> None:
    while len(view):
        done = os.pwrite(fd, view[:1 << 24], offset)
        view, offset = view[done:], offset + done


class StreamingWriter:
    """``pwrite`` for a regular file, each piece sent to the disk at once and its pages dropped
    :data:`LAG` bytes later (see the module docstring). Usable after a fork: each process keeps the
    pieces it wrote itself."""

    def __init__(self, fd: int, lag: int = LAG):
        self.fd, self.lag = fd, lag
        self._written: deque[tuple[int, int]] = deque()  # (offset, length) not dropped yet
        self._bytes = 0
        self._owner = os.getpid()
        self._sync = _SYNC_FILE_RANGE

    def pwrite(self, data, offset: int) -> None:
        """Write all of ``data`` at ``offset``."""
        view = memoryview(data).cast("B")
        _pwrite_all(self.fd, view, offset)
        length = len(view)
        if self._sync is None or not length:
            return
        if self._owner != os.getpid():  # a forked copy: the parent's pieces are the parent's
            self._written, self._bytes, self._owner = deque(), 0, os.getpid()
        if self._sync(self.fd, offset, length, _WRITE) != 0:  # refused (the file system): left to the kernel
            self._sync = None
            return
        self._written.append((offset, length))
        self._bytes += length
        while self._bytes - self._written[0][1] >= self.lag:
            old, old_length = self._written.popleft()
            self._bytes -= old_length
            self._sync(self.fd, old, old_length, _WAIT_BEFORE | _WRITE | _WAIT_AFTER)
            drop_cached(self.fd, old, old_length)

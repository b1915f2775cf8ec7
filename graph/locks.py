"""Locks that keep the writers and readers of one embedded store apart.

Two kinds, both ``fcntl.flock`` locks, which the kernel drops when the process
holding them ends (a killed build never leaves a lock behind):

* **the writer lock** — ``HOME/write.lock``, exclusive: one build (or import)
  writes a store at a time; a second one waits, saying so, or refuses;
* **a pin** — a shared lock on a build's ``manifest.json``, held by every
  open :class:`~graph.embedded.EmbeddedStore` for its lifetime: a writer
  removes an old build only when it can lock that file exclusively without
  waiting (:func:`claim_build`), so a reader never loses the files under it;
  a build left pinned is removed by a later writer.

>>> import tempfile
>>> from pathlib import Path
>>> home = Path(tempfile.mkdtemp())
>>> with writer_lock(home):
...     writer_lock(home, wait=0).__enter__()
Traceback (most recent call last):
...
chainkg.errors.StoreBusyError: another build is writing ... (process ...)
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from chainkg.errors import StoreBusyError, StoreError, StoreNotBuiltError

__all__ = ["writer_lock", "pin_build", "claim_build", "BuildGone", "LOCK_FILE", "PIN_FILE"]

LOCK_FILE = "write.lock"
#: the file of a build whose shared lock pins it
PIN_FILE = "manifest.json"
#: how often a writer with a time limit tries the lock again (seconds)
_POLL = 0.1


class BuildGone(StoreNotBuiltError):
    """The build folder was removed (or is being removed) before it could be pinned; resolve ``current`` again."""

    def __init__(self, folder: str):
        super().__init__(f"no built graph in {folder}")


@contextmanager
def writer_lock(home: str | Path, *, wait: float | None = None,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock for the ``with`` block.

    ``wait``: None waits as long as another writer runs, a number of seconds
    waits at most that long, 0 does not wait; when the lock cannot be had,
    :class:`~chainkg.errors.StoreBusyError`. ``on_wait`` is told once, in
    words, that this writer waits (by default it is printed on stderr).
    """
    on_wait = on_wait or _on_stderr
    home = Path(home)
    path = home / LOCK_FILE
    try:
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise StoreError(f"cannot lock {path} ({_reason(error)})",
                         hint="check that --home names a folder you can write to") from None
    with os.fdopen(fd, "r+b") as handle:
        if not _try(handle, fcntl.LOCK_EX):
            holder = _holder(handle)
            if wait is not None and wait <= 0:
                raise StoreBusyError(f"another build is writing {home}{holder}",
                                     hint="wait for it to finish, or build without --no-wait")
            limit = "" if wait is None else f" (at most {wait:g} s)"
            on_wait(f"waiting for another build of {home}{holder} to finish{limit} …")
            if wait is None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            else:
                deadline = time.monotonic() + wait
                while not _try(handle, fcntl.LOCK_EX):
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(f"another build is still writing {home}{_holder(handle)} "
                                             f"after {wait:g} s", hint="try again when it has finished")
                    time.sleep(_POLL)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n".encode())
            handle.flush()
        except OSError:
            pass  # the pid is only for the messages of waiting writers
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pin_build(folder: str | Path) -> BinaryIO:
    """Pin a build folder: its manifest, open and share-locked; the pin lasts until the file is closed.

    Raises :class:`BuildGone` when the folder is gone or a writer is removing it.
    """
    path = Path(folder) / PIN_FILE
    try:
        handle = open(path, "rb")
    except (FileNotFoundError, NotADirectoryError):
        raise BuildGone(str(folder)) from None
    if not _try(handle, fcntl.LOCK_SH):
        handle.close()
        raise BuildGone(str(folder))
    try:  # removed between the open and the lock: the lock holds a file no longer in the folder
        same = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        same = False
    if not same:
        handle.close()
        raise BuildGone(str(folder))
    return handle


def claim_build(folder: str | Path) -> BinaryIO | None:
    """The exclusive lock of a build no reader pins (close it after removing the folder), or None when pinned.

    A folder without a manifest cannot be pinned, so it is claimed as it is (an
    open handle on nothing: ``None`` is kept for "pinned").
    """
    try:
        handle = open(Path(folder) / PIN_FILE, "rb")
    except (FileNotFoundError, NotADirectoryError):
        return open(os.devnull, "rb")
    if _try(handle, fcntl.LOCK_EX):
        return handle
    handle.close()
    return None


def _on_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _try(handle, operation: int) -> bool:
    try:
        fcntl.flock(handle, operation | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise


def _holder(handle) -> str:
    try:
        handle.seek(0)
        pid = handle.read(32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "it is a symbolic link; a lock file must be a plain file"
    return error.strerror or str(error)

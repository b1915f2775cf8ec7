"""Every file chainkg writes: a checked target, written beside it and renamed into place; safe CSV cells.

Three rules, one implementation each, for every layer:

* **the target** (:func:`check_output_path`): a regular file is replaced; a
  folder, a FIFO, a device, a socket or a symbolic link is refused with the
  reason (writing "into" ``/dev/sda`` or through a link someone planted is
  never what was meant);
* **atomic** (:func:`atomic_path`, :func:`atomic_output`, :func:`write_text`,
  :func:`write_bytes`): the content goes to a temporary file in the same
  folder, is flushed to disk and renamed over the target in one step, so a
  reader sees the old file or the new one, never half of one; on any error
  (a full disk) the temporary file is removed and the error is an
  :class:`~chainkg.errors.OutputError` naming the file, with a hint;
* **spreadsheet-safe CSV** (:func:`spreadsheet_safe`, :func:`csv_text`): a
  text cell that a spreadsheet would run as a formula — starting with
  ``= + - @`` (also after leading spaces), or with a tab or a carriage
  return — gets a leading apostrophe, the spreadsheet's own mark for
  "this is text". Numbers stay numbers. The xlsx writers need no such
  mark: they store text cells as text (``viz/catalog/excel.py``).

>>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")"), spreadsheet_safe(" @SUM(1)"), spreadsheet_safe("-12.5")
('\\'=HYPERLINK("http://x")', "' @SUM(1)", '-12.5')
>>> print(csv_text(["name", "n"], [["+1-1", -3], ["常州", None]]), end="")
name,n
'+1-1,-3
常州,
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from chainkg.errors import OutputError

__all__ = [
    "FORMULA_STARTS",
    "spreadsheet_safe",
    "csv_text",
    "check_output_path",
    "output_folder",
    "atomic_path",
    "atomic_output",
    "write_text",
    "write_bytes",
    "write_csv",
    "output_error",
    "os_error_hint",
    "DISK_FULL",
    "NOT_ALLOWED",
]

#: what a spreadsheet reads as the start of a formula (after leading spaces), or of a cell that hides one
FORMULA_STARTS = ("=", "+", "-", "@")
_HIDING_STARTS = ("\t", "\r")
#: text that is only a number is no formula, whatever its sign
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs: dangerous text gets a leading ``'``; other values unchanged.

    >>> spreadsheet_safe("\\t=1+1"), spreadsheet_safe("常州=1"), spreadsheet_safe(-5), spreadsheet_safe("+86")
    ("'\\t=1+1", '常州=1', -5, '+86')
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_HIDING_STARTS):
        return "'" + value
    stripped = value.lstrip(" \u3000\u00a0")
    if stripped.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(stripped):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    return spreadsheet_safe(value)


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]] | Any) -> str:
    """CSV text with every cell (headers too) made :func:`spreadsheet_safe`; lists are joined with ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def check_output_path(path: str | Path) -> Path:
    """``path`` as a file chainkg may (re)place; :class:`OutputError` saying why not.

    >>> check_output_path("/dev/null")
    Traceback (most recent call last):
    ...
    chainkg.errors.OutputError: cannot write /dev/null: it is a device, not a regular file
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as error:
        raise output_error(path, error) from None
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return path
    if stat.S_ISLNK(mode):
        reason = (f"it is a symbolic link (to {os.readlink(path)}): chainkg replaces the files it writes, "
                  "and will not replace a link or write where it points")
    elif stat.S_ISDIR(mode):
        reason = "it is a folder"
    elif stat.S_ISFIFO(mode):
        reason = "it is a FIFO (named pipe), not a regular file"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        reason = "it is a device, not a regular file"
    else:
        reason = "it is not a regular file"
    raise OutputError(f"cannot write {path}: {reason}", hint="choose a new file name, or remove what is there")


def output_folder(path: str | Path) -> Path:
    """``path`` as a folder to write files into, created when missing; :class:`OutputError` when it cannot be."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"cannot write into {path}: it is not a folder", hint="name a folder (it is created if needed)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise output_error(path, error) from None
    return path


#: errors that mean the disk (or the quota) is full, and that writing there is not allowed
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
NOT_ALLOWED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def os_error_hint(error: OSError, *, elsewhere: str = "write to another disk") -> str:
    """What to do about an operating-system error while writing, in words (one wording for every writer).

    >>> os_error_hint(OSError(errno.ENOSPC, "No space left on device"), elsewhere="use another --home")
    'free disk space, or use another --home'
    """
    number = error.errno
    if number in DISK_FULL:
        return f"free disk space, or {elsewhere}"
    if number in NOT_ALLOWED:
        return "write to a folder you may write to"
    if number in (errno.ENOENT, errno.ENOTDIR):
        return "check the folder part of the path"
    if number == errno.ENAMETOOLONG:
        return "choose a shorter name"
    return "check the path and the disk"


def output_error(path: str | Path, error: OSError) -> OutputError:
    """An :class:`OutputError` for an operating-system error while writing ``path``, with a hint that fits it."""
    return OutputError(f"cannot write {path}: {error.strerror or error}; nothing was written",
                       hint=os_error_hint(error))


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block ends without error.

    For writers that want a file name (openpyxl, python-docx, cairosvg).
    The folder is created when missing; on any error the temporary file is
    removed and an ``OSError`` becomes an :class:`OutputError`.
    """
    target = check_output_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise output_error(target, error) from None
    temp = target.parent / f".{target.name[:200]}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        yield temp
        _sync(temp)
        check_output_path(target)  # nothing was put in its place meanwhile
        os.replace(temp, target)
    except OSError as error:
        _remove(temp)
        raise output_error(target, error) from None
    except BaseException:
        _remove(temp)
        raise


@contextmanager
def atomic_output(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                  newline: str | None = None) -> Iterator[IO]:
    """An open file (text by default, ``mode="wb"`` for bytes) whose content replaces ``path`` at the end."""
    binary = "b" in mode
    with atomic_path(path) as temp:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temp, flags, 0o666)  # the umask decides the mode, as for any new file
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": encoding, "newline": newline})) \
                as handle:
            yield handle


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``text`` (atomically); returns the path."""
    with atomic_output(path, encoding=encoding, newline="") as handle:
        handle.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` (atomically); returns the path."""
    with atomic_output(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_csv(path: str | Path, headers: Sequence[str], rows, *, bom: bool = False) -> Path:
    """Replace ``path`` with the :func:`csv_text` of ``rows`` (UTF-8; with ``bom`` the mark Excel looks for)."""
    return write_text(path, ("\ufeff" if bom else "") + csv_text(headers, rows))


def _sync(path: Path) -> None:
    """Flush the file to disk, so that a full disk shows now and not after the rename."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

"""Which paths may be read as input files: regular files only, of a bounded size.

A folder, a dangling symbolic link, a FIFO or a device can carry any name,
``enterprises.csv`` included. Opening a FIFO waits for a writer that may never
come, and ``/dev/zero`` never ends; so every reader asks :func:`check_input_file`
first, which answers from ``stat`` without opening anything.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> check_input_file(folder)
Traceback (most recent call last):
...
chainkg.errors.BadInputError: ...: a folder, not a file (fix: pass a file, or rename the folder)
>>> os.rmdir(folder)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from chainkg.errors import BadInputError, InputProblem

__all__ = ["check_input_file", "input_file_problem"]


def input_file_problem(path: str | Path, *, max_bytes: int | None = None,
                       what: str = "file") -> InputProblem | None:
    """Why ``path`` cannot be read as an input file, or None when it can.

    Follows symbolic links (a link to a regular file is fine); refuses what is
    missing, a dangling link, a folder, a FIFO, a socket or a device, and a file
    larger than ``max_bytes``.
    """
    shown = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return InputProblem(shown, None, None, f"a symbolic link to {os.readlink(path)!r}, which does not exist",
                                "point the link at an existing file, or delete it")
        return InputProblem(shown, None, None, "no such file", f"check the path of the {what}")
    except OSError as error:
        return InputProblem(shown, None, None, f"cannot be read ({error.strerror or error})",
                            "check the path and its permissions")
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        return InputProblem(shown, None, None, "a folder, not a file", "pass a file, or rename the folder")
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        return InputProblem(shown, None, None, f"{kind}, not a regular file",
                            f"save the {what} as a regular file and pass that")
    if max_bytes is not None and info.st_size > max_bytes:
        return InputProblem(shown, None, None,
                            f"{info.st_size:,} bytes, more than the {max_bytes:,} read",
                            f"split the {what} into smaller files")
    if not os.access(path, os.R_OK):
        return InputProblem(shown, None, None, "cannot be read (permission denied)", "check the file's permissions")
    return None


def check_input_file(path: str | Path, *, max_bytes: int | None = None, what: str = "file") -> int:
    """The size of ``path`` in bytes; :class:`BadInputError` when :func:`input_file_problem` finds one."""
    problem = input_file_problem(path, max_bytes=max_bytes, what=what)
    if problem is not None:
        raise BadInputError([problem])
    return os.stat(path).st_size

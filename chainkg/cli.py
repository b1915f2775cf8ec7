"""The ``chainkg`` command line: a thin layer, each command calls one library function.

Commands live in ``chainkg/commands/<topic>.py``; each module lists its click
commands in ``COMMANDS`` and is picked up here. User errors
(:class:`~chainkg.errors.ChainkgError`) print a message and a hint and exit
with code 2; tracebacks only with ``--verbose``.
"""

from __future__ import annotations

import errno
import importlib
import os
import pkgutil
import sys
import time
import traceback

from collections.abc import Iterable

import click

from chainkg import __version__
from chainkg.config import Settings
from chainkg.errors import ChainkgError

__all__ = ["main", "cli", "AppContext", "pass_app", "format_option", "hoist_global_options"]


class AppContext:
    """What every command gets: settings, verbosity, progress and the store."""

    def __init__(self, settings: Settings, *, verbose: bool, quiet: bool):
        self.settings = settings
        self.verbose = verbose
        self.quiet = quiet
        self._started = time.perf_counter()
        self._store = None

    def progress(self, message: str) -> None:
        """A progress line on stderr (silenced by --quiet)."""
        if not self.quiet:
            click.echo(f"[{time.perf_counter() - self._started:6.1f}s] {message}", err=True)

    def notice(self, message: str) -> None:
        """A line on stderr that --quiet does not silence: why a command is slow or did less than asked."""
        from chainkg.render import terminal_text

        click.echo(f"note: {terminal_text(message)}", err=True)

    def json(self, data) -> str:
        """``data`` as JSON; a dict gets a top-level ``store`` field naming the store that answered
        (``embedded`` or ``neo4j``), the one field by which the two stores' answers may differ."""
        from chainkg.render import to_json

        if isinstance(data, dict):
            data = {**data, "store": self.settings.store}
        return to_json(data)

    def store(self):
        """The store chosen by --store (opened once)."""
        if self._store is None:
            if self.settings.store == "neo4j":
                from graph.neo4j_store import Neo4jStore

                self._store = Neo4jStore.connect(self.settings.neo4j)
            else:
                from graph.embedded import EmbeddedStore

                self._store = EmbeddedStore.open(self.settings.home)
        return self._store


pass_app = click.make_pass_decorator(AppContext)


def format_option(*choices: str, default: str = "table"):
    """The shared ``--format`` option."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="output format")


#: operating-system errors a user causes or fixes (a full disk, a read-only folder, a wrong path): exit 2
_USER_OS_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT,
                   errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP, errno.EMFILE, errno.ENXIO}


class _Group(click.Group):
    """The ``chainkg`` group: global options anywhere on the line, user errors as ``error:``/``hint:``.

    Its ``commands`` are the modules of :mod:`chainkg.commands`, registered the first time anything
    looks at them, not when this module is imported: a command module imports ``chainkg.cli`` (and
    some import each other), so registering at import time would import the others while the first
    is half-made (``import chainkg.commands.maps`` alone, or a doctest run of one module, failed so).
    A module still being imported then (it has no ``COMMANDS`` yet) is registered at the next look.
    """

    _pending: tuple[str, ...] | None = None  # None: not looked at yet

    @property
    def commands(self) -> dict[str, click.Command]:
        if self._pending is None:
            self._pending = _command_modules()
        if self._pending:
            waiting, self._pending = self._pending, ()
            self._pending = _register_modules(self, waiting)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Accept the group's own options (``-q``, ``--home DIR`` …) after the command too: they are moved
        before it, unless the command itself has an option of that name (then it is the command's)."""
        if ctx.parent is None:
            args = hoist_global_options(self, ctx, list(args))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ChainkgError as error:
            _fail(ctx, str(error), getattr(error, "hint", None))
        except OSError as error:
            if isinstance(error, BrokenPipeError):  # the reader of our output went away (`| head`)
                _quiet_broken_pipe()
                ctx.exit(0)
            if error.errno not in _USER_OS_ERRORS:
                raise
            from graph.outputs import os_error_hint

            where = f": {error.filename}" if error.filename else ""
            _fail(ctx, f"{error.strerror or error}{where}", os_error_hint(error, elsewhere="write somewhere else"))


def _option_words(command: click.Command, ctx: click.Context) -> tuple[dict[str, bool], set[str]]:
    """The option words of ``command`` (all its sub-commands included): word → takes a value; and its
    sub-command names."""
    words: dict[str, bool] = {}
    names: set[str] = set()
    todo = [command]
    while todo:
        current = todo.pop()
        for param in current.params:
            if isinstance(param, click.Option):
                for word in (*param.opts, *param.secondary_opts):
                    words[word] = not (param.is_flag or param.count)
        if isinstance(current, click.Group):
            for name in current.list_commands(ctx):
                names.add(name)
                sub = current.get_command(ctx, name)
                if sub is not None:
                    todo.append(sub)
    return words, names


def hoist_global_options(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """``args`` with the group's options that follow the command moved before it.

    Nothing after ``--`` moves, nor a word that is the value of the command's own option, nor an option
    the command (or one of its sub-commands) defines itself.

    >>> hoist_global_options(cli, click.Context(cli), ["build", "-q", "--data", "d"])
    ['-q', 'build', '--data', 'd']
    >>> hoist_global_options(cli, click.Context(cli), ["stats", "--home=h", "--format", "json", "--store", "embedded"])
    ['--home=h', '--store', 'embedded', 'stats', '--format', 'json']
    >>> hoist_global_options(cli, click.Context(cli), ["ingest", "--", "-q"])
    ['ingest', '--', '-q']
    """
    own: dict[str, bool] = {}
    for param in group.params:
        if isinstance(param, click.Option):
            for word in (*param.opts, *param.secondary_opts):
                own[word] = not (param.is_flag or param.count)
    # the command: the first word that is neither one of the group's options nor the value of one
    position, start = None, 0
    while start < len(args):
        word = args[start]
        if word == "--":
            return args
        if word.startswith("-"):
            start += 2 if own.get(word) else 1
            continue
        position = start
        break
    if position is None:
        return args
    command = group.get_command(ctx, args[position])
    if command is None:
        return args
    theirs, _ = _option_words(command, ctx)
    head, rest, moved = args[:position + 1], [], []
    index = position + 1
    while index < len(args):
        word = args[index]
        if word == "--":
            rest.extend(args[index:])
            break
        name = word.split("=", 1)[0] if word.startswith("--") else word
        if name in own and name not in theirs:
            takes_value = own[name] and "=" not in word
            moved.extend(args[index:index + (2 if takes_value else 1)])
            index += 2 if takes_value else 1
            continue
        rest.append(word)
        if theirs.get(name) and "=" not in word and index + 1 < len(args):
            rest.append(args[index + 1])
            index += 1
        index += 1
    return head[:position] + moved + head[position:] + rest


def _fail(ctx: click.Context, message: str, hint: str | None) -> None:
    """Print a user error (control characters shown, never sent to the terminal) and exit 2."""
    from chainkg.render import terminal_text

    app = ctx.find_object(AppContext)
    if app is not None and app.verbose:
        traceback.print_exc()
    click.echo(f"error: {terminal_text(message, keep=chr(10))}", err=True)
    if hint:
        click.echo(f"hint: {terminal_text(hint, keep=chr(10))}", err=True)
    ctx.exit(2)


def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null, so that Python's final flush does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _TerminalStream:
    """A text stream that shows control and invisible characters visibly; for stdout when it is a terminal.

    Whatever a command prints (tables, JSON, CSV), a terminal never receives an
    escape sequence, a bell or a bidi override from the data.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from chainkg.render import terminal_text

        self._stream.write(terminal_text(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--home", envvar="CHAINKG_HOME", type=click.Path(file_okay=False),
              help="folder of the embedded store [default: .chainkg]")
@click.option("--store", "store", type=click.Choice(["embedded", "neo4j"]), default=None,
              help="which store to read [default: embedded, or $CHAINKG_STORE]")
@click.option("-v", "--verbose", is_flag=True, help="show tracebacks for errors")
@click.option("-q", "--quiet", is_flag=True, help="no progress output")
@click.version_option(__version__, prog_name="chainkg")
@click.pass_context
def cli(ctx: click.Context, home: str | None, store: str | None, verbose: bool, quiet: bool) -> None:
    """chainkg: the industrial-chain knowledge graph (产业链知识图谱).

    \b
    Example:
      chainkg build && chainkg stats && chainkg show enterprise 恒立液压
    """
    try:
        settings = Settings.load(home=home, store=store)
    except ChainkgError as error:
        _fail(ctx, str(error), getattr(error, "hint", None))
    ctx.obj = AppContext(settings, verbose=verbose, quiet=quiet)


def _register_modules(group: click.Group, names: Iterable[str]) -> tuple[str, ...]:
    """Add the commands of the modules ``chainkg.commands.<name>``; return the names of those still
    being imported (their ``COMMANDS`` do not exist yet), to be added when they are looked at."""
    pending = []
    for name in names:
        module = importlib.import_module(f"chainkg.commands.{name}")
        if not hasattr(module, "COMMANDS"):  # every module here defines it: still being imported
            pending.append(name)
            continue
        for command in module.COMMANDS:
            group.add_command(command)
    return tuple(pending)


def _command_modules() -> tuple[str, ...]:
    import chainkg.commands as package

    return tuple(sorted(info.name for info in pkgutil.iter_modules(package.__path__)))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and ``python -m chainkg``."""
    if _is_terminal(sys.stdout):
        sys.stdout = _TerminalStream(sys.stdout)
    try:
        cli.main(args=argv, prog_name="chainkg", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

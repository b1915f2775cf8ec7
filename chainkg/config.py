"""Settings: where the store lives, which backend, Neo4j connection.

Order of precedence: command-line options, environment variables
(``CHAINKG_HOME``, ``CHAINKG_STORE``, ``CHAINKG_NEO4J_*``), the git-ignored
``chainkg.local.toml`` in the working folder (for credentials), then defaults.
Nothing secret is ever read from a committed file, and no credential is ever
shown: :func:`redact` removes them from every message chainkg prints about a
connection.

A value of the wrong kind in ``chainkg.local.toml`` (``neo4j = "x"``,
``uri = 5``) or an unknown key is a :class:`~chainkg.errors.ConfigError` that
names the file, the key and what it should be. The Neo4j address is checked
when it is used (:meth:`Neo4jSettings.address`): scheme, host and a port
between 1 and 65535; a user and password written into the address
(``bolt://user:password@host``) are taken from it and never shown.

>>> Settings.load(environ={"CHAINKG_HOME": "/tmp/kg"}, local_file=None).home
PosixPath('/tmp/kg')
>>> redact("cannot reach bolt://neo4j:S3cr3t@db:7687 (S3cr3t)", secrets=["S3cr3t"])
'cannot reach bolt://neo4j:***@db:7687 (***)'
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.errors import ConfigError

__all__ = ["Settings", "Neo4jSettings", "Neo4jAddress", "LOCAL_FILE", "NEO4J_SCHEMES", "NEO4J_CHUNK_SIZE",
           "NEO4J_WORKERS", "NEO4J_RETRY_SECONDS", "redact"]

LOCAL_FILE = Path("chainkg.local.toml")
#: the URI schemes of the Neo4j driver: bolt (one server) and neo4j (routing), +s / +ssc for TLS
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
#: rows per transaction when loading into Neo4j (benchmarks/neo4j_scale.py measured the choice)
NEO4J_CHUNK_SIZE = 20_000
#: transactions of one table in flight at once when loading into Neo4j
NEO4J_WORKERS = 2
#: seconds a statement keeps being retried while Neo4j is unreachable or restarting (the driver's
#: retry budget for one transaction; chainkg tries once more after it)
NEO4J_RETRY_SECONDS = 60.0
#: secrets shorter than this are not searched for in messages (they would blank out ordinary letters)
_MIN_SECRET = 4
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^\s/@:]*):(?P<password>[^\s/@]*)@")
_ADDRESS_HINT = "use bolt://host:7687 or neo4j://host:7687 (bolt+s:// or neo4j+s:// for TLS)"

# key → (type or types, description) of each value chainkg.local.toml may hold
_TOP_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "home": ((str,), "a folder name"),
    "store": ((str,), "embedded or neo4j"),
    "neo4j": ((dict,), "a table: [neo4j] with uri, user, password, database, timeout"),
}
_NEO4J_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "uri": ((str,), 'a text such as "bolt://localhost:7687"'),
    "user": ((str,), 'a text such as "neo4j"'),
    "password": ((str,), "a text"),
    "database": ((str,), 'a text such as "neo4j"'),
    "timeout": ((int, float), "a number of seconds, e.g. 60"),
    "retry": ((int, float), "a number of seconds, e.g. 60"),
}


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with the password of every ``scheme://user:password@`` and each of ``secrets`` replaced by ``***``.

    >>> redact("neo4j+s://u:p%40ss@example.org/x and bolt://plain:7687")
    'neo4j+s://u:***@example.org/x and bolt://plain:7687'
    """
    out = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", str(text))
    for secret in sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len, reverse=True):
        out = out.replace(secret, "***")
    return out


@dataclass(frozen=True)
class Neo4jAddress:
    """A checked Neo4j address: the URI to connect to (without credentials) and the parts of it."""

    uri: str
    scheme: str
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)


def _parse_address(uri: str) -> Neo4jAddress:
    """Check a Neo4j URI and take any credentials out of it.

    >>> _parse_address("bolt://u:pw@localhost:7688").uri
    'bolt://localhost:7688'
    >>> _parse_address("neo4j://db.example.org").port
    7687
    """
    from urllib.parse import unquote, urlsplit

    shown = redact(uri)
    if "://" not in uri:
        raise ConfigError(f"{shown!r} is not a Neo4j address (no scheme such as bolt://)", hint=_ADDRESS_HINT)
    scheme = uri.split("://", 1)[0].lower()
    if scheme not in NEO4J_SCHEMES:
        raise ConfigError(f"{shown!r} is not a Neo4j address (bolt:// or neo4j://)", hint=_ADDRESS_HINT)
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        port_text = parts.netloc.rsplit("@", 1)[-1]
        port_text = port_text.rsplit("]", 1)[-1] if port_text.startswith("[") else port_text
        port_text = port_text.rpartition(":")[2] if ":" in port_text else ""
    except ValueError as error:
        raise ConfigError(f"{shown!r} is not a valid address: {redact(str(error))}", hint=_ADDRESS_HINT) from None
    if not host:
        raise ConfigError(f"{shown!r} names no host", hint=_ADDRESS_HINT)
    if port_text and not port_text.isdigit():
        raise ConfigError(f"{shown!r}: the port {port_text!r} is not a number", hint=_ADDRESS_HINT)
    port = int(port_text) if port_text else 7687
    if not 1 <= port <= 65535:
        raise ConfigError(f"{shown!r}: port {port} is out of range (1 to 65535)",
                          hint="Neo4j's Bolt port is usually 7687")
    if parts.path not in ("", "/") or parts.fragment:
        raise ConfigError(f"{shown!r}: a Neo4j address has no path (use CHAINKG_NEO4J_DATABASE for the database)",
                          hint=_ADDRESS_HINT)
    if parts.query and not scheme.startswith("neo4j"):
        raise ConfigError(f"{shown!r}: only neo4j:// addresses take a routing context (?…)", hint=_ADDRESS_HINT)
    netloc = f"[{host}]" if ":" in host else host
    clean = f"{scheme}://{netloc}:{port}" + (f"?{parts.query}" if parts.query else "")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return Neo4jAddress(clean, scheme, host, port, user, password)


@dataclass(frozen=True)
class Neo4jSettings:
    """How to reach Neo4j. ``timeout``: seconds a statement may run (server-side), None for the server's own;
    ``retry``: seconds a statement keeps being retried while the server is unreachable or restarting."""

    uri: str | None = None
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str = "neo4j"
    timeout: float | None = None
    retry: float = NEO4J_RETRY_SECONDS

    def address(self) -> Neo4jAddress:
        """The checked address; credentials written into the URI are used unless set on their own."""
        if not self.uri:
            raise ConfigError("no Neo4j server configured",
                              hint="set CHAINKG_NEO4J_URI (e.g. bolt://localhost:7687) and CHAINKG_NEO4J_PASSWORD, "
                                   "or put uri and password under [neo4j] in chainkg.local.toml; "
                                   "`eval \"$(bash .ci/neo4j start)\"` starts a local server and sets them")
        return _parse_address(self.uri)

    def credentials(self) -> tuple[str, str | None]:
        """(user, password): the ones set on their own, else the ones in the URI."""
        found = _parse_address(self.uri) if self.uri else None
        password = self.password if self.password is not None else (found.password if found else None)
        user = self.user
        if found and found.user and self.password is None:
            user = found.user
        return user, password

    def secrets(self) -> list[str]:
        """Every secret these settings hold (to take out of messages)."""
        out = [self.password] if self.password else []
        if self.uri:
            match = _USERINFO.search(self.uri)
            if match and match["password"]:
                from urllib.parse import unquote

                out += [match["password"], unquote(match["password"])]
        return out

    def shown_uri(self) -> str:
        """The URI as it may be shown: without a password."""
        return redact(self.uri or "", self.secrets())

    def redact(self, text: str) -> str:
        """``text`` without any of these settings' secrets."""
        return redact(text, self.secrets())


@dataclass(frozen=True)
class Settings:
    home: Path = Path(".chainkg")
    store: str = "embedded"
    neo4j: Neo4jSettings = Neo4jSettings()

    @classmethod
    def load(cls, *, home: str | None = None, store: str | None = None,
             environ: Mapping[str, str] | None = None, local_file: Path | None = LOCAL_FILE) -> "Settings":
        """Settings from the options, the environment and ``local_file``.

        >>> Settings.load(environ={"CHAINKG_NEO4J_TIMEOUT": "2.5"}, local_file=None).neo4j.timeout
        2.5
        """
        env = os.environ if environ is None else environ
        local = _read_local(local_file) if local_file is not None else {}
        neo = local.get("neo4j", {})

        def pick(option, env_name, local_value, default):
            for value in (option, env.get(env_name) if env_name else None, local_value):
                if value not in (None, ""):
                    return value
            return default

        store = pick(store, "CHAINKG_STORE", local.get("store"), "embedded")
        if store not in ("embedded", "neo4j"):
            raise ConfigError(f"unknown store {store!r}", hint="use embedded or neo4j")
        return cls(
            home=Path(pick(home, "CHAINKG_HOME", local.get("home"), ".chainkg")),
            store=store,
            neo4j=Neo4jSettings(
                uri=pick(None, "CHAINKG_NEO4J_URI", neo.get("uri"), None),
                user=pick(None, "CHAINKG_NEO4J_USER", neo.get("user"), "neo4j"),
                password=pick(None, "CHAINKG_NEO4J_PASSWORD", neo.get("password"), None),
                database=pick(None, "CHAINKG_NEO4J_DATABASE", neo.get("database"), "neo4j"),
                timeout=_seconds(pick(None, "CHAINKG_NEO4J_TIMEOUT", neo.get("timeout"), None), "timeout"),
                retry=_seconds(pick(None, "CHAINKG_NEO4J_RETRY", neo.get("retry"), None), "retry")
                or NEO4J_RETRY_SECONDS,
            ),
        )


def _seconds(value: Any, name: str) -> float | None:
    """A duration in seconds (None: none set); a clear error for anything that is not a positive number."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if isinstance(value, bool) or not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(f"the Neo4j {name} {value!r} is not a positive number of seconds",
                          hint=f"set CHAINKG_NEO4J_{name.upper()} (or [neo4j] {name}) to e.g. 60, or leave it unset")
    return seconds


def _check_types(path: Path, table: dict, keys: dict[str, tuple[tuple[type, ...], str]], prefix: str) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if key not in keys:
            known = ", ".join(prefix + k for k in keys)
            raise ConfigError(f"{path}: unknown setting {name!r} (the settings are {known}; docs/neo4j.md)",
                              hint=f"the settings are {known} (docs/neo4j.md)")
        types, wanted = keys[key]
        bad = not isinstance(value, types) or isinstance(value, bool)
        if not bad and types == (int, float):
            bad = not math.isfinite(value) or value <= 0
            wanted = "a positive number of seconds, e.g. 60"
        if bad:
            # the message says how to fix it: the command line prints no hint for settings it cannot load
            raise ConfigError(f"{path}: {name} = {_shown_value(key, value)} is not {wanted} "
                              f"(fix {name} or remove it)", hint=f"fix {name} in {path} or remove it")


def _shown_value(key: str, value: Any) -> str:
    if key == "password":
        return "(a hidden value)"
    text = repr(value)
    return redact(text if len(text) <= 60 else text[:57] + "…")


def _read_local(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}", hint="fix the TOML syntax or remove the file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})", hint="fix or remove the file") from None
    _check_types(path, data, _TOP_KEYS, "")
    _check_types(path, data.get("neo4j", {}), _NEO4J_KEYS, "neo4j.")
    return data

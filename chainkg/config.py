"""Settings: where the store lives, which backend, Neo4j connection.

Order of precedence: command-line options, environment variables
(``CHAINKG_HOME``, ``CHAINKG_STORE``, ``CHAINKG_NEO4J_*``), the git-ignored
``chainkg.local.toml`` in the working folder (for credentials), then defaults.
Nothing secret is ever read from a committed file.

>>> Settings.load(environ={"CHAINKG_HOME": "/tmp/kg"}, local_file=None).home
PosixPath('/tmp/kg')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from chainkg.errors import ConfigError

__all__ = ["Settings", "Neo4jSettings", "LOCAL_FILE"]

LOCAL_FILE = Path("chainkg.local.toml")


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str | None = None
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str = "neo4j"


@dataclass(frozen=True)
class Settings:
    home: Path = Path(".chainkg")
    store: str = "embedded"
    neo4j: Neo4jSettings = Neo4jSettings()

    @classmethod
    def load(cls, *, home: str | None = None, store: str | None = None,
             environ: Mapping[str, str] | None = None, local_file: Path | None = LOCAL_FILE) -> "Settings":
        env = os.environ if environ is None else environ
        local = _read_local(local_file) if local_file is not None else {}
        neo = local.get("neo4j", {})

        def pick(option, env_name, local_value, default):
            for value in (option, env.get(env_name), local_value):
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
            ),
        )


def _read_local(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}", hint="fix the TOML syntax or remove the file") from None

"""``chainkg export``: the graph in other tools' formats (one subcommand per format)."""

from __future__ import annotations

import click

__all__ = ["COMMANDS", "export"]


@click.group()
def export() -> None:
    """Write the graph in another tool's format.

    \b
    Example:
      chainkg export neo4j-admin --out out/neo4j-import
    """


COMMANDS = [export]

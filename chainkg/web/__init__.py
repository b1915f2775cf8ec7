"""The web workbench (``chainkg serve``): server-rendered pages and a JSON API over the library.

:func:`create_app` builds the Starlette application over a store function; the
pieces: :mod:`~chainkg.web.views` (one dict per page), :mod:`~chainkg.web.app`
(routes, templates), :mod:`~chainkg.web.stores` (the current build, the
analysis cache), :mod:`~chainkg.web.security`, :mod:`~chainkg.web.exports`,
:mod:`~chainkg.web.openapi`, :mod:`~chainkg.web.panels`. Nothing heavy is
imported here, so ``chainkg --help`` stays fast. See docs/web.md.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    """:func:`chainkg.web.app.create_app` (imported on first use)."""
    from chainkg.web.app import create_app as build

    return build(*args, **kwargs)

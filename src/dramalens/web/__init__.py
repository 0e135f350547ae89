"""The script desk's web app (FastAPI, server-rendered pages, JSON API under /api/).

>>> from dramalens.web import create_app  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    """Build the app; see :func:`dramalens.web.app.create_app`."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)

"""The script desk's web app (FastAPI, server-rendered pages, JSON API under /api/).

>>> from dramalens.web import create_app
>>> create_app("sqlite://").title
'dramalens script desk'
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]

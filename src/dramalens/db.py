"""Database plumbing shared by the catalog and the script desk.

SQLite (one file, WAL) by default, PostgreSQL by URL. Each area keeps its own tables, its own
SQLAlchemy ``MetaData`` and its own Alembic migration folder with its own version table, so the
catalog and the triage schema evolve independently inside one database.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from .errors import StoreError

__all__ = ["DEFAULT_URL", "default_url", "make_engine", "upgrade"]

DEFAULT_URL = "sqlite:///dramalens.sqlite"


def default_url() -> str:
    """``DRAMALENS_DB`` if set, else a SQLite file in the working directory."""
    return os.environ.get("DRAMALENS_DB", DEFAULT_URL)


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    url = url or default_url()
    if "://" not in url:  # a bare path means a SQLite file
        url = f"sqlite:///{url}"
    url = _with_installed_pg_driver(url)
    try:
        if url.startswith("sqlite"):
            kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
            engine = create_engine(url, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            kwargs.setdefault("pool_pre_ping", True)
            engine = create_engine(url, **kwargs)
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(f"cannot open database {url!r}: {exc}", hint="use sqlite:///FILE or postgresql://USER@HOST/DB") from exc
    return engine


def _with_installed_pg_driver(url: str) -> str:
    """SQLAlchemy 2.1 reads a bare ``postgresql://`` as psycopg 3; use psycopg2 when only it is installed."""
    if not url.startswith(("postgresql://", "postgres://")):
        return url
    import importlib.util

    rest = url.split("://", 1)[1]
    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is not None:
        return f"postgresql+psycopg2://{rest}"
    return f"postgresql://{rest}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while the worker writes; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def upgrade(engine: Engine, migrations: Path, version_table: str, revision: str = "head") -> None:
    """Run the Alembic migrations in folder ``migrations`` against ``engine``.

    Each area calls this with its own folder and version table (``alembic_version_catalog``,
    ``alembic_version_triage``), so their histories never interleave.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    cfg.attributes["version_table"] = version_table
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        try:
            command.upgrade(cfg, revision)
        except Exception as exc:
            raise StoreError(f"database migration failed in {migrations.name}: {exc}") from exc

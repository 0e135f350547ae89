"""Database plumbing shared by the catalog and the script desk.

SQLite (one file, WAL) by default, PostgreSQL by URL. Each area keeps its own tables, its own
SQLAlchemy ``MetaData`` and its own Alembic migration folder with its own version table, so the
catalog and the triage schema evolve independently inside one database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from .errors import StoreError
from .settings import DEFAULT_DB_URL

__all__ = ["DEFAULT_URL", "make_engine", "pg_url", "upgrade"]

#: A SQLite file in the working directory (the CLI passes ``Settings.db_url`` instead).
DEFAULT_URL = DEFAULT_DB_URL


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default :data:`DEFAULT_URL`); SQLite gets WAL, foreign keys and a
    busy timeout; PostgreSQL goes through psycopg 3.

    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    url = url or DEFAULT_URL
    if "://" not in url:  # a bare path means a SQLite file
        url = f"sqlite:///{url}"
    url = pg_url(url)
    try:
        if url.startswith("sqlite"):
            kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
            engine = create_engine(url, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            kwargs.setdefault("pool_pre_ping", True)
            engine = create_engine(url, **kwargs)
    except ImportError as exc:  # the PostgreSQL driver is an extra
        raise StoreError(f"cannot open database {url!r}: {exc}", hint="pip install 'dramalens[pg]' for PostgreSQL") from exc
    except Exception as exc:  # bad URL
        raise StoreError(f"cannot open database {url!r}: {exc}", hint="use sqlite:///FILE or postgresql://USER@HOST/DB") from exc
    return engine


def pg_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs with the psycopg 3 driver named explicitly
    (the ``pg`` extra installs it), so the driver never depends on SQLAlchemy's default; any
    other URL, or one that names its driver, is returned as is.

    >>> pg_url("postgres://desk@db/dramalens")
    'postgresql+psycopg://desk@db/dramalens'
    """
    if not url.startswith(("postgresql://", "postgres://")):
        return url
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
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

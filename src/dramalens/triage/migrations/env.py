"""Alembic environment of the script desk: runs on the connection dramalens.db.upgrade passes.

The version table is ``alembic_version_triage`` so this history never mixes with the catalog's.
"""

from __future__ import annotations

from alembic import context

from dramalens.triage.models import VERSION_TABLE, metadata

config = context.config
connection = config.attributes.get("connection")
version_table = config.attributes.get("version_table", VERSION_TABLE)


def _include(obj, name, type_, reflected, compare_to):  # only our tables
    return type_ != "table" or name.startswith("triage_")


if connection is None:  # pragma: no cover - alembic CLI use; dramalens always passes a connection
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, version_table=version_table,
                          include_object=_include, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, version_table=version_table,
                      include_object=_include, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

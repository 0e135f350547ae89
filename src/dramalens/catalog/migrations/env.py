"""Alembic environment of the catalog: runs on the connection dramalens.db.upgrade hands over,
recording versions in the catalog's own table (``alembic_version_catalog``)."""

from alembic import context

config = context.config
connection = config.attributes["connection"]
version_table = config.attributes.get("version_table", "alembic_version_catalog")

context.configure(
    connection=connection,
    target_metadata=None,
    version_table=version_table,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)

with context.begin_transaction():
    context.run_migrations()

"""Each work's lexical term counts and embedding features in its own row (computed by the
import's workers), instead of one blob of every work's counts rewritten by the importing process
after each import and every text read back to fit the embedder.

Revision ID: catalog_0002
Revises: catalog_0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "catalog_0002"
down_revision = "catalog_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for works stored before: the next refresh counts them from their text.
    with op.batch_alter_table("catalog_works") as batch:
        batch.add_column(sa.Column("lexical", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("features", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalog_works") as batch:
        batch.drop_column("features")
        batch.drop_column("lexical")

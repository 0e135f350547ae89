"""The catalog's first schema: works with their fingerprints, play counts, import runs, models.

Revision ID: catalog_0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "catalog_0001"
down_revision = None
branch_labels = ("catalog",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_works",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("title", sa.String(500), nullable=False, server_default=""),
        sa.Column("language", sa.String(8), nullable=False, server_default="zh"),
        sa.Column("synopsis", sa.Text(), nullable=False, server_default=""),
        sa.Column("tags", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("episodes", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(32), nullable=True),
        sa.Column("track", sa.String(100), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(1000), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("names", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("passages", sa.LargeBinary(), nullable=False),
        sa.Column("passage_lines", sa.LargeBinary(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("tropes", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("skeleton", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_catalog_works_content_hash", "catalog_works", ["content_hash"])
    op.create_index("ix_catalog_works_track", "catalog_works", ["track"])
    op.create_table(
        "catalog_plays",
        sa.Column("work_id", sa.String(200), sa.ForeignKey("catalog_works.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("plays", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "catalog_import_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("imported", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("errors", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_catalog_import_runs_key", "catalog_import_runs", ["key"])
    op.create_table(
        "catalog_import_done",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("catalog_import_runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item", sa.String(1200), primary_key=True),
    )
    op.create_table(
        "catalog_models",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("meta", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalog_models")
    op.drop_table("catalog_import_done")
    op.drop_index("ix_catalog_import_runs_key", "catalog_import_runs")
    op.drop_table("catalog_import_runs")
    op.drop_table("catalog_plays")
    op.drop_index("ix_catalog_works_track", "catalog_works")
    op.drop_index("ix_catalog_works_content_hash", "catalog_works")
    op.drop_table("catalog_works")

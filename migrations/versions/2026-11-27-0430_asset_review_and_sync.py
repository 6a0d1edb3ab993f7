"""asset review and sync: asset versions and store link, one sync record per publish or removal, and the
workspace's time zone

Revision ID: 8d1e6f4a2b97
Revises: 5f3d2b8a6c41
Create Date: 2026-11-27 04:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8d1e6f4a2b97"
down_revision: str | None = "5f3d2b8a6c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("organizations", sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False))
    op.add_column("assets", sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.add_column("assets", sa.Column("store_connection_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_assets_store_connection_id_store_connections"),
        "assets",
        "store_connections",
        ["store_connection_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_table(
        "sync_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("store_connection_id", sa.Uuid(), nullable=True),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.Enum("publish", "unpublish", name="sync_action"), nullable=False),
        sa.Column("status", sa.Enum("pending", "running", "succeeded", "failed", name="sync_status"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("external_product_id", sa.String(length=255), nullable=True),
        sa.Column("external_media_id", sa.String(length=255), nullable=True),
        sa.Column(
            "state", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("error_message", sa.String(length=1000), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sync_records_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_sync_records_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_connection_id"],
            ["store_connections.id"],
            name=op.f("fk_sync_records_store_connection_id_store_connections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sync_records_product_id_products"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_sync_records_job_id_jobs"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_records")),
    )
    op.create_index(op.f("ix_sync_records_organization_id"), "sync_records", ["organization_id"])
    op.create_index(op.f("ix_sync_records_asset_id"), "sync_records", ["asset_id"])
    op.create_index(op.f("ix_sync_records_store_connection_id"), "sync_records", ["store_connection_id"])
    op.create_index(op.f("ix_sync_records_job_id"), "sync_records", ["job_id"])


def downgrade() -> None:
    op.drop_table("sync_records")
    for enum in ("sync_status", "sync_action"):
        sa.Enum(name=enum).drop(op.get_bind(), checkfirst=True)
    op.drop_constraint(op.f("fk_assets_store_connection_id_store_connections"), "assets", type_="foreignkey")
    op.drop_column("assets", "store_connection_id")
    op.drop_column("assets", "version")
    op.drop_column("organizations", "time_zone")

"""generation: one item per requested image, the assets they deliver, every provider call, the job's hold, and
the workspace's generation defaults

Revision ID: c4a9e7f2b815
Revises: 7e2b4c9d1a53
Create Date: 2026-11-27 03:30:00.000000+00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c4a9e7f2b815"
down_revision: str | None = "7e2b4c9d1a53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_STATUS = ("pending", "running", "succeeded", "failed", "canceled")


def _tenant_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.add_column(
        "organizations",
        sa.Column(
            "generation_settings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column(
        "organizations", sa.Column("default_provider", sa.String(length=50), server_default="local", nullable=False)
    )
    op.add_column("jobs", sa.Column("hold_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_jobs_hold_id_credit_holds"), "jobs", "credit_holds", ["hold_id"], ["id"], ondelete="SET NULL"
    )
    op.create_table(
        "generation_items",
        *_tenant_columns(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("variant", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Enum(*ITEM_STATUS, name="generation_item_status"), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("error_message", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_generation_items_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_generation_items_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_generation_items_product_id_products"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generation_items")),
        sa.UniqueConstraint("job_id", "position", name=op.f("uq_generation_items_job_id_position")),
    )
    op.create_index(op.f("ix_generation_items_job_id"), "generation_items", ["job_id"])
    op.create_index(op.f("ix_generation_items_organization_id"), "generation_items", ["organization_id"])
    op.create_index(op.f("ix_generation_items_product_id"), "generation_items", ["product_id"])
    op.create_table(
        "assets",
        *_tenant_columns(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.Enum("image", "video", name="asset_type"), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("parent_asset_id", sa.Uuid(), nullable=True),
        sa.Column("original_key", sa.String(length=500), nullable=False),
        sa.Column("preview_key", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("settings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("scene_type", sa.String(length=50), nullable=False),
        sa.Column("aspect_ratio", sa.String(length=10), nullable=False),
        sa.Column("quality", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=50), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("credits_charged", sa.Integer(), nullable=False),
        sa.Column("pinned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("favorite", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("approval", sa.Enum("pending", "approved", "rejected", name="asset_approval"), nullable=False),
        sa.Column("approved_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sync_state", sa.Enum("not_synced", "pending", "synced", "failed", name="asset_sync_state"), nullable=False
        ),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("sync_error", sa.String(length=1000), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_assets_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_assets_product_id_products"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_assets_job_id_jobs"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["generation_items.id"], name=op.f("fk_assets_item_id_generation_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["parent_asset_id"], ["assets.id"], name=op.f("fk_assets_parent_asset_id_assets"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_user_id"], ["users.id"], name=op.f("fk_assets_approved_by_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("item_id", name=op.f("uq_assets_item_id")),
    )
    op.create_index("ix_assets_organization_created", "assets", ["organization_id", "created_at", "id"])
    op.create_index(op.f("ix_assets_organization_id"), "assets", ["organization_id"])
    op.create_index(op.f("ix_assets_product_id"), "assets", ["product_id"])
    op.create_index(op.f("ix_assets_job_id"), "assets", ["job_id"])
    op.create_foreign_key(
        op.f("fk_generation_items_asset_id_assets"),
        "generation_items",
        "assets",
        ["asset_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_table(
        "provider_calls",
        *_tenant_columns(),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("provider", sa.String(length=50), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("operation", sa.String(length=50), nullable=False),
        sa.Column("units", sa.Float(), nullable=False),
        sa.Column("cost_micros", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_provider_calls_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_provider_calls_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["generation_items.id"],
            name=op.f("fk_provider_calls_item_id_generation_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_calls")),
    )
    op.create_index("ix_provider_calls_organization_created", "provider_calls", ["organization_id", "created_at"])
    op.create_index(op.f("ix_provider_calls_organization_id"), "provider_calls", ["organization_id"])
    op.create_index(op.f("ix_provider_calls_job_id"), "provider_calls", ["job_id"])


def downgrade() -> None:
    op.drop_table("provider_calls")
    op.drop_constraint(op.f("fk_generation_items_asset_id_assets"), "generation_items", type_="foreignkey")
    op.drop_table("assets")
    op.drop_table("generation_items")
    op.drop_constraint(op.f("fk_jobs_hold_id_credit_holds"), "jobs", type_="foreignkey")
    op.drop_column("jobs", "hold_id")
    op.drop_column("organizations", "default_provider")
    op.drop_column("organizations", "generation_settings")
    for enum in ("asset_sync_state", "asset_approval", "asset_type", "generation_item_status"):
        sa.Enum(name=enum).drop(op.get_bind(), checkfirst=True)

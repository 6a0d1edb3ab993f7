"""plans and packs: the price list as data, seeded with the launch defaults; organizations on a plan

Revision ID: 3d8e5a1f9c27
Revises: 9b1f4c2e7a60
Create Date: 2026-11-27 02:30:00.000000+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "3d8e5a1f9c27"
down_revision: str | None = "9b1f4c2e7a60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_AT = datetime(2026, 11, 27, tzinfo=UTC)
# design/domain.md: (code, name, slots, monthly credits, monthly ¢, yearly ¢, seats, concurrent jobs, API, sold)
DEFAULT_PLANS = [
    ("trial", "Free trial", 25, 0, 0, None, 1, 1, False, False),
    ("starter", "Starter", 100, 100, 4900, 49000, 1, 2, False, True),
    ("pro", "Pro", 500, 500, 14900, 149000, 3, 5, True, True),
    ("business", "Business", 1000, 1000, 29900, 299000, 10, 10, True, True),
    ("scale", "Scale", 5000, 5000, 89900, 899000, None, 20, True, True),
]
DEFAULT_PACKS = [
    ("pack_50", "50 credits", 50, 1200),
    ("pack_200", "200 credits", 200, 4000),
    ("pack_1000", "1,000 credits", 1000, 15000),
]


def upgrade() -> None:
    plans = op.create_table(
        "plans",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("product_slots", sa.Integer(), nullable=False),
        sa.Column("monthly_credits", sa.Integer(), nullable=False),
        sa.Column("monthly_price_cents", sa.Integer(), nullable=False),
        sa.Column("yearly_price_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="usd", nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("concurrent_jobs", sa.Integer(), nullable=False),
        sa.Column("api_access", sa.Boolean(), nullable=False),
        sa.Column("rollover_cap", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("purchasable", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("monthly_credits >= 0", name=op.f("ck_plans_monthly_credits_not_negative")),
        sa.CheckConstraint("product_slots >= 0", name=op.f("ck_plans_product_slots_not_negative")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_plans")),
    )
    packs = op.create_table(
        "credit_packs",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="usd", nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("purchasable", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("credits > 0", name=op.f("ck_credit_packs_credits_positive")),
        sa.CheckConstraint("price_cents > 0", name=op.f("ck_credit_packs_price_positive")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_credit_packs")),
    )
    op.bulk_insert(
        plans,
        [
            {
                "code": code,
                "name": name,
                "product_slots": slots,
                "monthly_credits": credits,
                "monthly_price_cents": monthly,
                "yearly_price_cents": yearly,
                "seats": seats,
                "concurrent_jobs": jobs,
                "api_access": api,
                "purchasable": sold,
                "sort_order": index,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
            for index, (code, name, slots, credits, monthly, yearly, seats, jobs, api, sold) in enumerate(DEFAULT_PLANS)
        ],
    )
    op.bulk_insert(
        packs,
        [
            {
                "code": code,
                "name": name,
                "credits": credits,
                "price_cents": price,
                "sort_order": index,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
            for index, (code, name, credits, price) in enumerate(DEFAULT_PACKS)
        ],
    )
    op.add_column("organizations", sa.Column("plan_code", sa.String(length=40), server_default="trial", nullable=False))
    op.create_index(op.f("ix_organizations_plan_code"), "organizations", ["plan_code"], unique=False)
    op.create_foreign_key(
        op.f("fk_organizations_plan_code_plans"), "organizations", "plans", ["plan_code"], ["code"], ondelete="RESTRICT"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_organizations_plan_code_plans"), "organizations", type_="foreignkey")
    op.drop_index(op.f("ix_organizations_plan_code"), table_name="organizations")
    op.drop_column("organizations", "plan_code")
    op.drop_table("credit_packs")
    op.drop_table("plans")

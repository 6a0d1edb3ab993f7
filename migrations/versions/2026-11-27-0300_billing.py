"""billing: Stripe customers, the subscription and invoice mirrors, stored Stripe events, credit pack purchases

Revision ID: 7e2b4c9d1a53
Revises: 3d8e5a1f9c27
Create Date: 2026-11-27 03:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7e2b4c9d1a53"
down_revision: str | None = "3d8e5a1f9c27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _tenant(table: str) -> list[sa.Column[object] | sa.ForeignKeyConstraint]:
    return [
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f(f"fk_{table}_organization_id_organizations"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.add_column("organizations", sa.Column("stripe_customer_id", sa.String(length=255), nullable=True))
    op.create_unique_constraint(op.f("uq_organizations_stripe_customer_id"), "organizations", ["stripe_customer_id"])

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("stripe_subscription_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("plan_code", sa.String(length=40), nullable=False),
        sa.Column("interval", sa.String(length=10), nullable=False),
        sa.Column("current_period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancel_at_period_end", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("scheduled_plan_code", sa.String(length=40), nullable=True),
        sa.Column("scheduled_interval", sa.String(length=10), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("keep_product_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("stripe_event_created", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        *_timestamps(),
        *_tenant("subscriptions"),
        sa.CheckConstraint("interval IN ('month', 'year')", name=op.f("ck_subscriptions_interval_known")),
        sa.CheckConstraint(
            "scheduled_interval IN ('month', 'year')", name=op.f("ck_subscriptions_scheduled_interval_known")
        ),
        sa.ForeignKeyConstraint(
            ["plan_code"], ["plans.code"], name=op.f("fk_subscriptions_plan_code_plans"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_plan_code"],
            ["plans.code"],
            name=op.f("fk_subscriptions_scheduled_plan_code_plans"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_subscriptions_organization_id")),
        sa.UniqueConstraint("stripe_subscription_id", name=op.f("uq_subscriptions_stripe_subscription_id")),
    )
    op.create_index(op.f("ix_subscriptions_organization_id"), "subscriptions", ["organization_id"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("stripe_invoice_id", sa.String(length=255), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_due", sa.Integer(), nullable=False),
        sa.Column("amount_paid", sa.Integer(), nullable=False),
        sa.Column("billing_reason", sa.String(length=60), nullable=True),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hosted_invoice_url", sa.String(length=2048), nullable=True),
        sa.Column("invoice_pdf", sa.String(length=2048), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        *_tenant("invoices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("stripe_invoice_id", name=op.f("uq_invoices_stripe_invoice_id")),
    )
    op.create_index(op.f("ix_invoices_organization_id"), "invoices", ["organization_id"], unique=False)

    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )
    op.create_index(
        "ix_stripe_events_unprocessed",
        "stripe_events",
        ["received_at"],
        unique=False,
        postgresql_where=sa.text("processed_at IS NULL"),
    )

    op.create_table(
        "pack_purchases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("checkout_session_id", sa.String(length=255), nullable=False),
        sa.Column("pack_code", sa.String(length=40), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lot_id", sa.Uuid(), nullable=True),
        *_timestamps(),
        *_tenant("pack_purchases"),
        sa.CheckConstraint("credits > 0", name=op.f("ck_pack_purchases_credits_positive")),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'failed', 'refunded')", name=op.f("ck_pack_purchases_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["credit_lots.id"], name=op.f("fk_pack_purchases_lot_id_credit_lots"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["pack_code"],
            ["credit_packs.code"],
            name=op.f("fk_pack_purchases_pack_code_credit_packs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_purchases")),
        sa.UniqueConstraint("checkout_session_id", name=op.f("uq_pack_purchases_checkout_session_id")),
    )
    op.create_index(op.f("ix_pack_purchases_organization_id"), "pack_purchases", ["organization_id"], unique=False)
    op.create_index(op.f("ix_pack_purchases_payment_intent_id"), "pack_purchases", ["payment_intent_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pack_purchases_payment_intent_id"), table_name="pack_purchases")
    op.drop_index(op.f("ix_pack_purchases_organization_id"), table_name="pack_purchases")
    op.drop_table("pack_purchases")
    op.drop_index(
        "ix_stripe_events_unprocessed", table_name="stripe_events", postgresql_where=sa.text("processed_at IS NULL")
    )
    op.drop_table("stripe_events")
    op.drop_index(op.f("ix_invoices_organization_id"), table_name="invoices")
    op.drop_table("invoices")
    op.drop_index(op.f("ix_subscriptions_organization_id"), table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_constraint(op.f("uq_organizations_stripe_customer_id"), "organizations", type_="unique")
    op.drop_column("organizations", "stripe_customer_id")

"""woocommerce webhooks: deliveries remember the connection they came to, connections when the last one arrived

Revision ID: 9b1f4c2e7a60
Revises: 5c3e9a71d2b4
Create Date: 2026-11-27 02:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b1f4c2e7a60"
down_revision: str | None = "5c3e9a71d2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("store_connections", sa.Column("last_webhook_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("store_webhook_events", sa.Column("store_connection_id", sa.Uuid(), nullable=True))
    op.create_index(
        op.f("ix_store_webhook_events_store_connection_id"),
        "store_webhook_events",
        ["store_connection_id"],
        unique=False,
    )
    op.create_foreign_key(
        op.f("fk_store_webhook_events_store_connection_id_store_connections"),
        "store_webhook_events",
        "store_connections",
        ["store_connection_id"],
        ["id"],
        ondelete="CASCADE",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_store_webhook_events_store_connection_id_store_connections"),
        "store_webhook_events",
        type_="foreignkey",
    )
    op.drop_index(op.f("ix_store_webhook_events_store_connection_id"), table_name="store_webhook_events")
    op.drop_column("store_webhook_events", "store_connection_id")
    op.drop_column("store_connections", "last_webhook_at")

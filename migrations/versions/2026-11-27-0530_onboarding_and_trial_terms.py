"""onboarding and trial terms: the onboarding wizard's choices kept per organization (steps skipped, trial kept),
and the free trial's grant (credits, days) as data on the trial plan instead of constants in code

Revision ID: e5a1c3b7d902
Revises: 3c7a9e2d5b18
Create Date: 2026-11-27 05:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e5a1c3b7d902"
down_revision: str | None = "3c7a9e2d5b18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "organizations",
        sa.Column("onboarding", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.add_column("plans", sa.Column("trial_credits", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("plans", sa.Column("trial_days", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.execute("UPDATE plans SET trial_credits = 10, trial_days = 30 WHERE code = 'trial'")


def downgrade() -> None:
    op.drop_column("plans", "trial_days")
    op.drop_column("plans", "trial_credits")
    op.drop_column("organizations", "onboarding")

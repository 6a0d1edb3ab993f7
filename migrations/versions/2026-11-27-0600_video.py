"""video: what a video asset records beside its size and duration (frames per second, codec, sound, the small
preview clip; the poster frame is the asset's WebP preview)

Revision ID: 6b2f8d4e1a73
Revises: e5a1c3b7d902
Create Date: 2026-11-27 06:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6b2f8d4e1a73"
down_revision: str | None = "e5a1c3b7d902"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("assets", sa.Column("fps", sa.Float(), nullable=True))
    op.add_column("assets", sa.Column("codec", sa.String(length=20), nullable=True))
    op.add_column("assets", sa.Column("has_audio", sa.Boolean(), nullable=True))
    op.add_column("assets", sa.Column("preview_video_key", sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.drop_column("assets", "preview_video_key")
    op.drop_column("assets", "has_audio")
    op.drop_column("assets", "codec")
    op.drop_column("assets", "fps")

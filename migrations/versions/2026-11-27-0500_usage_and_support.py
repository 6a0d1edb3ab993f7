"""usage and support: the usage rollup kept by a trigger on credit entries, per-organization low-balance
thresholds, weekly digests (once per organization and week), admin retries of failed items, and read-only
support access

Revision ID: 3c7a9e2d5b18
Revises: 8d1e6f4a2b97
Create Date: 2026-11-27 05:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "3c7a9e2d5b18"
down_revision: str | None = "8d1e6f4a2b97"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rollup row an entry lands in: the job it belongs to gives the operation (job kind), the member who started
# it and the provider; the generation item (item_key = its position) gives the product. 15-minute UTC buckets:
# every time zone in use is a whole number of quarter hours from UTC, so local days are whole buckets.
ROLLUP_FUNCTION = """
CREATE FUNCTION credit_entries_usage_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_operation text;
    v_member uuid;
    v_provider text;
    v_product uuid;
    v_bucket timestamptz := date_bin('15 minutes', NEW.created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00');
    v_day date := (NEW.created_at AT TIME ZONE 'UTC')::date;
    v_captured bigint := CASE WHEN NEW.type = 'capture' THEN -NEW.amount ELSE 0 END;
    v_refunded bigint := CASE WHEN NEW.type = 'refund' THEN NEW.amount ELSE 0 END;
    v_released bigint := CASE WHEN NEW.type = 'release' THEN -NEW.held_delta ELSE 0 END;
    v_captures integer := CASE WHEN NEW.type = 'capture' THEN 1 ELSE 0 END;
    v_refunds integer := CASE WHEN NEW.type = 'refund' THEN 1 ELSE 0 END;
    v_failed integer := CASE WHEN NEW.type = 'release' AND NEW.item_key IS NOT NULL THEN 1 ELSE 0 END;
BEGIN
    IF NEW.job_id IS NOT NULL THEN
        SELECT kind::text, created_by_user_id, params->>'provider'
          INTO v_operation, v_member, v_provider
          FROM jobs WHERE id = NEW.job_id;
        IF NEW.item_key ~ '^[0-9]{1,9}$' THEN
            SELECT product_id INTO v_product
              FROM generation_items WHERE job_id = NEW.job_id AND position = NEW.item_key::integer;
        END IF;
    END IF;
    v_operation := coalesce(v_operation, '');
    v_provider := coalesce(v_provider, '');

    INSERT INTO usage_rollups AS r
        (organization_id, bucket_start, operation, product_id, member_id, provider,
         captured, refunded, released, captures, refunds, failed_items)
    VALUES (NEW.organization_id, v_bucket, v_operation, v_product, v_member, v_provider,
            v_captured, v_refunded, v_released, v_captures, v_refunds, v_failed)
    ON CONFLICT (organization_id, bucket_start, operation, product_id, member_id, provider) DO UPDATE SET
        captured = r.captured + EXCLUDED.captured, refunded = r.refunded + EXCLUDED.refunded,
        released = r.released + EXCLUDED.released, captures = r.captures + EXCLUDED.captures,
        refunds = r.refunds + EXCLUDED.refunds, failed_items = r.failed_items + EXCLUDED.failed_items;

    INSERT INTO usage_totals AS t
        (organization_id, bucket_start, captured, refunded, released, captures, refunds, failed_items)
    VALUES (NEW.organization_id, v_bucket, v_captured, v_refunded, v_released, v_captures, v_refunds, v_failed)
    ON CONFLICT (organization_id, bucket_start) DO UPDATE SET
        captured = t.captured + EXCLUDED.captured, refunded = t.refunded + EXCLUDED.refunded,
        released = t.released + EXCLUDED.released, captures = t.captures + EXCLUDED.captures,
        refunds = t.refunds + EXCLUDED.refunds, failed_items = t.failed_items + EXCLUDED.failed_items;

    INSERT INTO usage_daily AS d
        (organization_id, day, dimension, key, captured, refunded, released, captures, refunds, failed_items)
    SELECT NEW.organization_id, v_day, dims.dimension, dims.key,
           v_captured, v_refunded, v_released, v_captures, v_refunds, v_failed
    FROM (VALUES ('operation', v_operation), ('product', coalesce(v_product::text, '')),
                 ('member', coalesce(v_member::text, '')), ('provider', v_provider)) AS dims (dimension, key)
    ON CONFLICT (organization_id, day, dimension, key) DO UPDATE SET
        captured = d.captured + EXCLUDED.captured, refunded = d.refunded + EXCLUDED.refunded,
        released = d.released + EXCLUDED.released, captures = d.captures + EXCLUDED.captures,
        refunds = d.refunds + EXCLUDED.refunds, failed_items = d.failed_items + EXCLUDED.failed_items;
    RETURN NULL;
END
$$
"""

ROLLUP_TRIGGER = """
CREATE TRIGGER credit_entries_usage_rollup AFTER INSERT ON credit_entries
FOR EACH ROW WHEN (NEW.type IN ('capture', 'refund', 'release'))
EXECUTE FUNCTION credit_entries_usage_rollup()
"""

# Entries written before this migration, summarized the way the trigger would have.
BACKFILL = """
INSERT INTO usage_rollups
    (organization_id, bucket_start, operation, product_id, member_id, provider,
     captured, refunded, released, captures, refunds, failed_items)
SELECT e.organization_id,
       date_bin('15 minutes', e.created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       coalesce(j.kind::text, ''), gi.product_id, j.created_by_user_id, coalesce(j.params->>'provider', ''),
       sum(CASE WHEN e.type = 'capture' THEN -e.amount ELSE 0 END),
       sum(CASE WHEN e.type = 'refund' THEN e.amount ELSE 0 END),
       sum(CASE WHEN e.type = 'release' THEN -e.held_delta ELSE 0 END),
       count(*) FILTER (WHERE e.type = 'capture'),
       count(*) FILTER (WHERE e.type = 'refund'),
       count(*) FILTER (WHERE e.type = 'release' AND e.item_key IS NOT NULL)
FROM credit_entries e
LEFT JOIN jobs j ON j.id = e.job_id
LEFT JOIN generation_items gi
       ON gi.job_id = e.job_id AND e.item_key ~ '^[0-9]{1,9}$' AND gi.position = e.item_key::integer
WHERE e.type IN ('capture', 'refund', 'release')
GROUP BY 1, 2, 3, 4, 5, 6
"""
BACKFILL_TOTALS = """
INSERT INTO usage_totals
    (organization_id, bucket_start, captured, refunded, released, captures, refunds, failed_items)
SELECT organization_id, bucket_start,
       sum(captured), sum(refunded), sum(released), sum(captures), sum(refunds), sum(failed_items)
FROM usage_rollups GROUP BY 1, 2
"""
BACKFILL_DAILY = """
INSERT INTO usage_daily
    (organization_id, day, dimension, key, captured, refunded, released, captures, refunds, failed_items)
SELECT organization_id, (bucket_start AT TIME ZONE 'UTC')::date, dims.dimension, dims.key,
       sum(captured), sum(refunded), sum(released), sum(captures), sum(refunds), sum(failed_items)
FROM usage_rollups,
     LATERAL (VALUES ('operation', operation), ('product', coalesce(product_id::text, '')),
                     ('member', coalesce(member_id::text, '')), ('provider', provider)) AS dims (dimension, key)
GROUP BY 1, 2, 3, 4
"""


def _sum_columns() -> list[sa.Column[int]]:
    return [
        sa.Column("captured", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("released", sa.BigInteger(), nullable=False),
        sa.Column("captures", sa.Integer(), nullable=False),
        sa.Column("refunds", sa.Integer(), nullable=False),
        sa.Column("failed_items", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.add_column(
        "credit_accounts",
        sa.Column(
            "low_balance_percents",
            postgresql.ARRAY(sa.SmallInteger()),
            server_default=sa.text("'{20,10,0}'::smallint[]"),
            nullable=False,
        ),
    )
    op.add_column(
        "credit_accounts",
        sa.Column(
            "low_balance_absolute",
            postgresql.ARRAY(sa.Integer()),
            server_default=sa.text("'{}'::integer[]"),
            nullable=False,
        ),
    )
    op.add_column(
        "credit_accounts",
        sa.Column(
            "low_balance_alerted_absolute",
            postgresql.ARRAY(sa.Integer()),
            server_default=sa.text("'{}'::integer[]"),
            nullable=False,
        ),
    )
    op.create_table(
        "usage_rollups",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operation", sa.String(length=50), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("provider", sa.String(length=50), nullable=False),
        sa.Column("captured", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("released", sa.BigInteger(), nullable=False),
        sa.Column("captures", sa.Integer(), nullable=False),
        sa.Column("refunds", sa.Integer(), nullable=False),
        sa.Column("failed_items", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_usage_rollups_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_rollups")),
    )
    op.create_index(
        "uq_usage_rollups_key",
        "usage_rollups",
        ["organization_id", "bucket_start", "operation", "product_id", "member_id", "provider"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_table(
        "usage_totals",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        *_sum_columns(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_usage_totals_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", "bucket_start", name=op.f("pk_usage_totals")),
    )
    op.create_table(
        "usage_daily",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        *_sum_columns(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_usage_daily_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", "day", "dimension", "key", name=op.f("pk_usage_daily")),
    )
    op.create_table(
        "usage_digests",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_usage_digests_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", "week_start", name=op.f("pk_usage_digests")),
    )
    op.create_table(
        "job_retries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("source_job_id", sa.Uuid(), nullable=False),
        sa.Column("retry_job_id", sa.Uuid(), nullable=False),
        sa.Column("item_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("admin_user_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_user_id"], ["users.id"], name=op.f("fk_job_retries_admin_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_job_retries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retry_job_id"], ["jobs.id"], name=op.f("fk_job_retries_retry_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_job_id"], ["jobs.id"], name=op.f("fk_job_retries_source_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_retries")),
        sa.UniqueConstraint("source_job_id", name=op.f("uq_job_retries_source_job_id")),
    )
    op.create_index(op.f("ix_job_retries_organization_id"), "job_retries", ["organization_id"], unique=False)
    op.create_index(op.f("ix_job_retries_retry_job_id"), "job_retries", ["retry_job_id"], unique=False)
    op.create_table(
        "support_access_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("admin_user_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("expires_at > created_at", name=op.f("ck_support_access_grants_expires_after_start")),
        sa.ForeignKeyConstraint(
            ["admin_user_id"],
            ["users.id"],
            name=op.f("fk_support_access_grants_admin_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_support_access_grants_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_support_access_grants_session_id_user_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_access_grants")),
    )
    op.create_index(
        op.f("ix_support_access_grants_organization_id"), "support_access_grants", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_support_access_grants_session",
        "support_access_grants",
        ["session_id"],
        unique=False,
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.execute(ROLLUP_FUNCTION)
    op.execute(ROLLUP_TRIGGER)
    op.execute(BACKFILL)
    op.execute(BACKFILL_TOTALS)
    op.execute(BACKFILL_DAILY)


def downgrade() -> None:
    op.execute("DROP TRIGGER credit_entries_usage_rollup ON credit_entries")
    op.execute("DROP FUNCTION credit_entries_usage_rollup()")
    op.drop_index(
        "ix_support_access_grants_session",
        table_name="support_access_grants",
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.drop_index(op.f("ix_support_access_grants_organization_id"), table_name="support_access_grants")
    op.drop_table("support_access_grants")
    op.drop_index(op.f("ix_job_retries_retry_job_id"), table_name="job_retries")
    op.drop_index(op.f("ix_job_retries_organization_id"), table_name="job_retries")
    op.drop_table("job_retries")
    op.drop_table("usage_digests")
    op.drop_table("usage_daily")
    op.drop_table("usage_totals")
    op.drop_index("uq_usage_rollups_key", table_name="usage_rollups", postgresql_nulls_not_distinct=True)
    op.drop_table("usage_rollups")
    op.drop_column("credit_accounts", "low_balance_alerted_absolute")
    op.drop_column("credit_accounts", "low_balance_absolute")
    op.drop_column("credit_accounts", "low_balance_percents")

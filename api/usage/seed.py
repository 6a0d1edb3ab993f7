"""`epox dev seed-usage`: a large usage data set for benchmarks, written by set-based SQL (generate_series), not
the ORM. Organization #1 is the big one (its entries spread over the last 180 days); the rest share the remaining
entries over the last year. Each seeded job is one hold entry and four item entries (about 85% captures, the rest
releases), with jobs, items and holds behind them. The rollup trigger is switched off for the bulk insert (this
transaction holds the table's lock meanwhile) and the three rollups are built set-based with the migration's
backfill statements, attributing every entry to its operation, product, member and provider as the trigger does.

The seeded holds and lots are not a balanced ledger (no lots are granted): `epox credits verify` is meaningful on
real data, not on this benchmark set. Development only."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

ENTRIES_PER_JOB = 5  # hold + 4 items
ITEMS_PER_JOB = 4


@dataclass(frozen=True)
class SeedReport:
    organizations: int
    entries: int
    big_organization_id: uuid.UUID
    big_entries: int
    seconds: float


_STEPS = (
    """
    CREATE TEMP TABLE seed_orgs ON COMMIT DROP AS
    SELECT gen_random_uuid() AS id, n FROM generate_series(1, CAST(:organizations AS integer)) AS n
    """,
    """
    INSERT INTO organizations (id, name, created_at, updated_at, time_zone)
    SELECT id, 'Usage seed ' || n, now() - interval '400 days', now(),
           (ARRAY['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'])[1 + n % 4]
    FROM seed_orgs
    """,
    """
    CREATE TEMP TABLE seed_users ON COMMIT DROP AS
    SELECT gen_random_uuid() AS id, n FROM generate_series(1, 5) AS n
    """,
    """
    INSERT INTO users (id, email, name, password_hash, is_platform_admin, created_at, updated_at)
    SELECT id, 'usage-seed-' || n || '-' || substr(md5(random()::text), 1, 8) || '@example.com',
           'Seed member ' || n, 'x', false, now(), now()
    FROM seed_users
    """,
    """
    INSERT INTO memberships (id, organization_id, user_id, role, created_at)
    SELECT gen_random_uuid(), o.id, u.id, CASE WHEN u.n = 1 THEN 'owner' ELSE 'member' END::role, now()
    FROM seed_orgs o, seed_users u WHERE o.n = 1
    """,
    """
    CREATE TEMP TABLE seed_products ON COMMIT DROP AS
    SELECT gen_random_uuid() AS id, n FROM generate_series(0, 199) AS n
    """,
    """
    INSERT INTO products (id, organization_id, name, description, source, scene_types, generation_settings,
                          created_at, updated_at)
    SELECT p.id, o.id, 'Seed product ' || p.n, '', 'uploaded', '[]', '{}', now(), now()
    FROM seed_products p, seed_orgs o WHERE o.n = 1
    """,
    """
    CREATE TEMP TABLE seed_jobs ON COMMIT DROP AS
    SELECT gen_random_uuid() AS id, gen_random_uuid() AS hold_id, o.id AS organization_id, o.n AS org_n, j,
           CASE WHEN j % 5 = 0 THEN 'video' ELSE 'image' END AS kind,
           CASE WHEN j % 5 = 0 THEN 5 ELSE 1 + (j % 2) END AS unit,
           now() - random() * CASE WHEN o.n = 1 THEN interval '180 days' ELSE interval '365 days' END AS at
    FROM seed_orgs o,
         generate_series(1, CASE WHEN o.n = 1 THEN CAST(:big_jobs AS integer) ELSE CAST(:jobs_each AS integer) END)
         AS j
    """,
    """
    INSERT INTO jobs (id, organization_id, kind, status, task, queue, params, progress_total, progress_done,
                      progress_failed, recent_items, item_seq, checkpoint, attempts, max_attempts, dispatches,
                      timeout_seconds, created_by_user_id, hold_id, created_at, updated_at, started_at, finished_at)
    SELECT j.id, j.organization_id, j.kind::job_kind, 'succeeded', 'generate_images', 'epox:image',
           jsonb_build_object('provider', (ARRAY['local', 'gemini', 'fal'])[1 + j.j % 3]),
           4, 4, 0, '[]', 0, '{}', 1, 3, 1, 600,
           CASE WHEN j.org_n = 1 THEN (SELECT id FROM seed_users WHERE n = 1 + j.j % 5) END,
           NULL, j.at, j.at, j.at, j.at + interval '2 minutes'
    FROM seed_jobs j
    """,
    """
    INSERT INTO generation_items (id, organization_id, job_id, position, product_id, variant, seed, status, credits,
                                  attempts, request, created_at, updated_at)
    SELECT gen_random_uuid(), j.organization_id, j.id, p,
           CASE WHEN j.org_n = 1 THEN (SELECT id FROM seed_products WHERE n = (j.j * 7 + p) % 200) END,
           p, j.j, 'succeeded', j.unit, 1, '{}', j.at, j.at
    FROM seed_jobs j, generate_series(0, 3) AS p
    """,
    """
    INSERT INTO credit_holds (id, organization_id, amount, captured, released, state, expires_at, job_id,
                              created_at, closed_at)
    SELECT hold_id, organization_id, 4 * unit, 0, 4 * unit, 'released', at + interval '1 hour', id, at,
           at + interval '2 minutes'
    FROM seed_jobs
    """,
    # The rollups are built set-based below, once, instead of by the trigger row by row.
    "ALTER TABLE credit_entries DISABLE TRIGGER credit_entries_usage_rollup",
    """
    INSERT INTO credit_entries (id, organization_id, type, amount, held_delta, available_after, held_after,
                                allocations, hold_id, job_id, actor_type, created_at)
    SELECT gen_random_uuid(), organization_id, 'hold', 0, 4 * unit, 0, 4 * unit, '[]', hold_id, id, 'system', at
    FROM seed_jobs
    """,
    """
    INSERT INTO credit_entries (id, organization_id, type, amount, held_delta, available_after, held_after,
                                allocations, hold_id, item_key, job_id, actor_type, created_at)
    SELECT gen_random_uuid(), j.organization_id,
           CASE WHEN settle.capture THEN 'capture' ELSE 'release' END::credit_entry_type,
           CASE WHEN settle.capture THEN -j.unit ELSE 0 END, -j.unit, 0, 0, '[]', j.hold_id, p::text, j.id,
           'system', j.at + p * interval '20 seconds'
    FROM seed_jobs j, generate_series(0, 3) AS p, LATERAL (SELECT random() < 0.85 AS capture) AS settle
    """,
    "ALTER TABLE credit_entries ENABLE TRIGGER credit_entries_usage_rollup",
    # What the trigger would have written, for the seeded organizations (the migration's backfill, filtered).
    """
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
    JOIN seed_orgs o ON o.id = e.organization_id
    LEFT JOIN jobs j ON j.id = e.job_id
    LEFT JOIN generation_items gi
           ON gi.job_id = e.job_id AND e.item_key ~ '^[0-9]{1,9}$' AND gi.position = e.item_key::integer
    WHERE e.type IN ('capture', 'refund', 'release')
    GROUP BY 1, 2, 3, 4, 5, 6
    """,
    """
    INSERT INTO usage_totals
        (organization_id, bucket_start, captured, refunded, released, captures, refunds, failed_items)
    SELECT r.organization_id, r.bucket_start, sum(captured), sum(refunded), sum(released), sum(captures),
           sum(refunds), sum(failed_items)
    FROM usage_rollups r JOIN seed_orgs o ON o.id = r.organization_id
    GROUP BY 1, 2
    """,
    """
    INSERT INTO usage_daily
        (organization_id, day, dimension, key, captured, refunded, released, captures, refunds, failed_items)
    SELECT r.organization_id, (r.bucket_start AT TIME ZONE 'UTC')::date, dims.dimension, dims.key,
           sum(captured), sum(refunded), sum(released), sum(captures), sum(refunds), sum(failed_items)
    FROM usage_rollups r
    JOIN seed_orgs o ON o.id = r.organization_id,
    LATERAL (VALUES ('operation', r.operation), ('product', coalesce(r.product_id::text, '')),
                    ('member', coalesce(r.member_id::text, '')), ('provider', r.provider)) AS dims (dimension, key)
    GROUP BY 1, 2, 3, 4
    """,
)


async def seed_usage(
    connection: AsyncConnection, *, organizations: int = 1000, entries: int = 1_000_000, big_entries: int = 100_000
) -> SeedReport:
    """Write the data set in the connection's transaction (the caller commits)."""
    if organizations < 2 or big_entries < ENTRIES_PER_JOB or entries < big_entries:
        raise ValueError("need at least 2 organizations and entries >= big_entries >= 5")
    started = time.perf_counter()
    big_jobs = big_entries // ENTRIES_PER_JOB
    jobs_each = max(1, (entries - big_entries) // ENTRIES_PER_JOB // (organizations - 1))
    params = {"organizations": organizations, "big_jobs": big_jobs, "jobs_each": jobs_each}
    for step in _STEPS:
        await connection.execute(text(step), {k: v for k, v in params.items() if f":{k}" in step})
    big = (await connection.execute(text("SELECT id FROM seed_orgs WHERE n = 1"))).scalar_one()
    for table in ("credit_entries", "usage_rollups", "usage_totals", "usage_daily"):
        await connection.execute(text(f"ANALYZE {table}"))
    return SeedReport(
        organizations=organizations,
        entries=(big_jobs + jobs_each * (organizations - 1)) * ENTRIES_PER_JOB,
        big_organization_id=big,
        big_entries=big_jobs * ENTRIES_PER_JOB,
        seconds=time.perf_counter() - started,
    )

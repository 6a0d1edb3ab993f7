"""`GET /usage/summary` latency for a 90-day window of a big organization, next to bare SQL in the same run.

    .venv/bin/python -m tests.bench.bench_usage [--full] [--requests 200]

Starts its own throwaway PostgreSQL, applies the migrations, seeds with `epox dev seed-usage`'s generate_series
writer (default: 200 organizations and 200,000 entries, organization #1 with 100,000 of them over 180 days;
`--full`: 1,000 organizations and 1,000,000 entries), then measures sequentially:

- the API: `GET /api/v1/usage/summary?from=..&to=..&group_by=day|operation|product` through the whole FastAPI
  stack in process (API key auth, transaction, rollup queries, burn rate, JSON);
- the bare SQL aggregate of the same 90 days straight from `credit_entries` (what a rollup-less design runs);
- the bare rollup query alone (the day series from `usage_totals`).

Target (issue 8): API p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from api.core.config import Settings
from api.core.db import create_engine
from api.core.security import hash_secret, new_secret
from api.core.time import utc_now
from api.main import create_app
from api.models import ApiKey, Role
from api.usage.seed import seed_usage
from tests.bench.services import bench_settings

TARGET_P95_MS = 150.0

BARE_ENTRIES = text(
    """
SELECT (e.created_at AT TIME ZONE :tz)::date AS day,
       sum(CASE WHEN e.type = 'capture' THEN -e.amount ELSE 0 END),
       sum(CASE WHEN e.type = 'refund' THEN e.amount ELSE 0 END),
       sum(CASE WHEN e.type = 'release' THEN -e.held_delta ELSE 0 END)
FROM credit_entries e
WHERE e.organization_id = :org AND e.created_at >= :lower AND e.created_at < :upper
  AND e.type IN ('capture', 'refund', 'release')
GROUP BY 1
"""
)
BARE_ROLLUP = text(
    """
SELECT (bucket_start AT TIME ZONE :tz)::date AS day, sum(captured), sum(refunded), sum(released)
FROM usage_totals
WHERE organization_id = :org AND bucket_start >= :lower AND bucket_start < :upper
GROUP BY 1
"""
)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


async def timed(count: int, call: Callable[[], Awaitable[None]]) -> list[float]:
    await call()  # warm: plans cached, connections open
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def measure(settings: Settings, full: bool, requests: int) -> int:
    organizations, entries = (1000, 1_000_000) if full else (200, 200_000)
    engine = create_engine(settings.database_url or "")
    async with engine.begin() as connection:
        report = await seed_usage(connection, organizations=organizations, entries=entries, big_entries=100_000)
    print(
        f"seeded {report.organizations} organizations, {report.entries:,} entries in {report.seconds:.1f} s "
        f"(big organization: {report.big_entries:,} entries)"
    )
    secret = f"epox_bench_{new_secret(32)}"
    app = create_app(settings)
    async with LifespanManager(app):
        async with app.state.sessionmaker() as session, session.begin():
            session.add(
                ApiKey(
                    organization_id=report.big_organization_id,
                    name="bench",
                    prefix="epox_bench",
                    secret_hash=hash_secret(secret),
                    role=Role.viewer,
                )
            )
        today = utc_now().date()
        start, end = today - timedelta(days=89), today
        lower, upper = utc_now() - timedelta(days=91), utc_now() + timedelta(days=1)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://bench/api/v1",
            headers={"Authorization": f"Bearer {secret}"},
        ) as client:
            results: dict[str, list[float]] = {}
            for group_by in ("day", "operation", "product"):

                async def api_call(group: str = group_by) -> None:
                    response = await client.get(
                        "/usage/summary",
                        params={"from": start.isoformat(), "to": end.isoformat(), "group_by": group},
                    )
                    assert response.status_code == 200, response.text

                results[f"API group_by={group_by}"] = await timed(requests, api_call)
            sample = (
                await client.get("/usage/summary", params={"from": start.isoformat(), "to": end.isoformat()})
            ).json()
        params = {"org": report.big_organization_id, "tz": "UTC", "lower": lower, "upper": upper}
        async with engine.connect() as connection:
            in_window = (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM credit_entries WHERE organization_id = :org "
                        "AND created_at >= :lower AND created_at < :upper"
                    ),
                    params,
                )
            ).scalar_one()

            async def bare_entries() -> None:
                await connection.execute(BARE_ENTRIES, params)

            async def bare_rollup() -> None:
                await connection.execute(BARE_ROLLUP, params)

            results["bare SQL on credit_entries"] = await timed(max(20, requests // 5), bare_entries)
            results["bare SQL on usage_totals"] = await timed(requests, bare_rollup)
    await engine.dispose()
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"90-day window of the big organization: {in_window:,} entries, net {sample['totals']['net']:,} credits")
    api_p95 = 0.0
    for name, samples in results.items():
        p50, p95 = percentiles(samples)
        if name.startswith("API"):
            api_p95 = max(api_p95, p95)
        print(f"{name:32s} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   ({len(samples)} runs)")
    baseline_p50, _ = percentiles(results["bare SQL on credit_entries"])
    api_p50, _ = percentiles(results["API group_by=day"])
    print(f"API day series p50 / bare entries aggregate p50: {api_p50 / baseline_p50:.2f}x")
    ok = api_p95 < TARGET_P95_MS
    print(f"target: API p95 < {TARGET_P95_MS:.0f} ms -> {'met' if ok else 'MISSED'} ({api_p95:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1,000 organizations and 1,000,000 entries")
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    with bench_settings() as bench:
        code = asyncio.run(measure(bench, arguments.full, arguments.requests))
    raise SystemExit(code)

"""A 500-asset batch through the API next to the bare UPDATE it comes down to, in the same run.

    .venv/bin/python -m tests.bench.bench_asset_batch [--assets 500] [--rounds 7]

Starts its own throwaway PostgreSQL and Valkey, signs up a workspace with `--assets` assets, then times (median of
`--rounds`, alternating actions so every round changes every row):

- the API: `POST /assets/batch` {action: pin|unpin, asset_ids: all of them} in process (auth, CSRF, validation,
  the state read, the set-based UPDATE, per-asset results, commit);
- the baseline: `UPDATE assets SET pinned = :v, version = version + 1 WHERE organization_id = :o AND id = ANY(:ids)`
  alone in its transaction.

Target (issue 9): the API batch of 500 under 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

from asgi_lifespan import LifespanManager
from sqlalchemy import text

from api.core.config import Settings
from api.main import create_app
from api.models import Asset
from tests.assets.helpers import asset_row
from tests.bench.services import bench_settings
from tests.helpers import new_browser, signup

TARGET_MS = 2000.0


def _asset(organization_id: uuid.UUID) -> Asset:
    return asset_row(organization_id, width=1024, height=1024, prompt="bench")


async def bench(settings: Settings, assets: int, rounds: int) -> dict[str, float]:
    app = create_app(settings)
    async with LifespanManager(app), new_browser(app) as client:
        await signup(client)
        organization_id = uuid.UUID((await client.get("/organization")).json()["id"])
        async with app.state.sessionmaker() as session:
            rows = [_asset(organization_id) for _ in range(assets)]
            session.add_all(rows)
            await session.commit()
            ids = [row.id for row in rows]
        body_ids = [str(i) for i in ids]
        api_ms, bare_ms = [], []
        for index in range(rounds + 1):  # the first round warms up both paths
            action = "pin" if index % 2 == 0 else "unpin"
            started = time.perf_counter()
            response = await client.post("/assets/batch", json={"action": action, "asset_ids": body_ids})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text
            assert response.json()["succeeded"] == assets
            async with app.state.sessionmaker() as session:
                started = time.perf_counter()
                await session.execute(
                    text(
                        "UPDATE assets SET pinned = :v, version = version + 1 "
                        "WHERE organization_id = :o AND id = ANY(:ids)"
                    ),
                    {"v": action == "unpin", "o": organization_id, "ids": ids},
                )
                await session.commit()
                bare = (time.perf_counter() - started) * 1000
            if index:
                api_ms.append(elapsed)
                bare_ms.append(bare)
        return {"api": statistics.median(api_ms), "bare": statistics.median(bare_ms)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with bench_settings() as settings:
        figures = asyncio.run(bench(settings, args.assets, args.rounds))
    met = figures["api"] < TARGET_MS
    print(f"asset batch, {args.assets} assets, median of {args.rounds} rounds")
    verdict = "met" if met else "NOT met"
    print(f"{'POST /assets/batch (API)':34}{figures['api']:10.1f} ms   target < {TARGET_MS:.0f} ms: {verdict}")
    print(f"{'bare UPDATE ... WHERE id = ANY':34}{figures['bare']:10.1f} ms")
    print(f"{'ratio API / bare':34}{figures['api'] / figures['bare']:10.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

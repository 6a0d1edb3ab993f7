"""Generation throughput end to end (API → queue → worker → storage) next to calling the provider directly, and the
time from POST /generations to the first progress event, in the same run.

    .venv/bin/python -m tests.bench.bench_generation [--images 12] [--workers 2]

Starts its own throwaway PostgreSQL and Valkey, then with the `local` provider at 1k:

- direct: `LocalImageProvider.generate` called in a loop in this process, `--images` times;
- end to end: the same number of images requested through the API as `--workers` jobs (one per worker, each
  product times variants), run by `--workers` worker processes (`epox worker --queue epox:image`), each image stored
  with its preview, its credits captured and its progress committed; timed from the first POST until every job
  has succeeded;
- first progress: from a one-image POST until the job's first item event is committed (what the events stream
  sends), with the workers idle and waiting.

Target (issue 6): end to end at >= 80% of the direct rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from typing import Any

from asgi_lifespan import LifespanManager

from api.core.config import Settings
from api.core.queue import IMAGE_QUEUE
from api.credits.service import CreditLedgerService
from api.generation.providers.base import ImageRequest
from api.generation.providers.local import LocalImageProvider
from api.main import create_app
from api.models import LotCategory, LotSource
from tests.bench.services import bench_settings
from tests.generation.test_generation_jobs import product_photo
from tests.helpers import Browser, new_browser, put_on_plan, signup

TARGET = 0.80
VARIANTS = 4


async def _direct(count: int) -> float:
    """Images per minute calling the provider in a loop."""
    provider, photo = LocalImageProvider(), product_photo()
    started = time.perf_counter()
    for index in range(count):
        await provider.generate(ImageRequest(product_images=[photo], seed=index, variant=index % VARIANTS))
    return count * 60 / (time.perf_counter() - started)


async def _products(client: Browser, count: int) -> list[str]:
    ids = []
    for index in range(count):
        product = (await client.post("/products", json={"name": f"Bench bottle {index}"})).json()
        files = {"file": ("bottle.png", product_photo((40 + index * 30, 90, 160)), "image/png")}
        (await client.post(f"/products/{product['id']}/images", files=files)).raise_for_status()
        ids.append(str(product["id"]))
    return ids


async def _wait(client: Browser, job_ids: list[str], limit: float = 900) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        jobs = [(await client.get(f"/jobs/{job_id}")).json() for job_id in job_ids]
        if all(job["status"] == "succeeded" for job in jobs):
            return
        failed = [job for job in jobs if job["status"] in {"failed", "canceled"}]
        assert not failed, failed
        await asyncio.sleep(0.05)
    raise TimeoutError("the jobs did not finish")


async def _first_event(client: Browser, product_id: str) -> float:
    """Seconds from POST to the first committed item event of a one-image job."""
    started = time.perf_counter()
    response = await client.post("/generations", json={"product_ids": [product_id]})
    job_id = response.json()["job"]["id"]
    while True:
        job = (await client.get(f"/jobs/{job_id}")).json()
        if job["progress"]["done"] + job["progress"]["failed"] > 0:
            return time.perf_counter() - started
        await asyncio.sleep(0.005)


async def bench(settings: Settings, images: int, workers: int) -> dict[str, float]:
    app = create_app(settings)
    async with LifespanManager(app), new_browser(app) as client:
        await signup(client)
        organization_id = (await client.get("/organization")).json()["id"]
        await put_on_plan(app, organization_id, "scale")
        async with app.state.sessionmaker() as session:
            await CreditLedgerService(session).grant(
                uuid.UUID(organization_id), 10_000, source=LotSource.pack, category=LotCategory.paid
            )
            await session.commit()
        per_job = max(1, images // (workers * VARIANTS))
        products = await _products(client, per_job * workers)
        direct = await _direct(per_job * workers * VARIANTS)

        env = {**os.environ, "DATABASE_URL": settings.database_url or "", "REDIS_URL": settings.redis_url or ""}
        env["EPOX_DATA_DIR"] = str(settings.data_dir)
        env["EPOX_ENV"] = "test"
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "api.cli",
                "worker",
                "--queue",
                IMAGE_QUEUE,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        try:
            # Warm up: both workers started (imports, connections) and each has rendered once.
            warmup = [(await client.post("/generations", json={"product_ids": [p]})).json() for p in products[:workers]]
            await _wait(client, [job["job"]["id"] for job in warmup])
            first = await _first_event(client, products[0])
            await _wait_idle(client)
            started = time.perf_counter()
            job_ids = []
            for index in range(workers):
                chunk = products[index * per_job : (index + 1) * per_job]
                body: dict[str, Any] = {"product_ids": chunk, "variants": VARIANTS}
                job_ids.append((await client.post("/generations", json=body)).json()["job"]["id"])
            await _wait(client, job_ids)
            end_to_end = per_job * workers * VARIANTS * 60 / (time.perf_counter() - started)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                await asyncio.wait_for(process.wait(), 60)
        return {
            "direct": direct,
            "end_to_end": end_to_end,
            "first_event": first,
            "images": per_job * workers * VARIANTS,
        }


async def _wait_idle(client: Browser) -> None:
    while any(job["status"] in {"queued", "running"} for job in (await client.get("/jobs")).json()["items"]):  # noqa: ASYNC110 - polling the API
        await asyncio.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=16, help="images per measurement")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the end-to-end figure")
    args = parser.parse_args()
    with bench_settings() as settings:
        figures = asyncio.run(bench(settings, args.images, args.workers))
    ratio = figures["end_to_end"] / figures["direct"]
    print(f"local provider, 1k, {int(figures['images'])} images, {args.workers} worker processes")
    print(f"{'direct provider loop':34}{figures['direct']:10.1f} images/min")
    print(f"{'API -> queue -> worker -> storage':34}{figures['end_to_end']:10.1f} images/min")
    print(f"{'ratio':34}{ratio:10.0%}   target >= {TARGET:.0%}: {'met' if ratio >= TARGET else 'NOT met'}")
    print(f"{'POST to first progress event':34}{figures['first_event'] * 1000:10.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Publishing throughput: assets per minute pushed to the Shopify sandbox by the sync worker with 2 worker tasks,
next to the sandbox's raw media-create rate (the same Shopify calls with a bare client), in the same run.

    .venv/bin/python -m tests.bench.bench_publish [--assets 200] [--rounds 2]

Starts its own throwaway PostgreSQL and Valkey and the Shopify sandbox, then per round:

- publish: a fresh workspace connects the sandbox shop, imports 4 products, gets `--assets` approved 64x64 PNG
  assets (stored files) and publishes them all with one batch request; the sync jobs then run 2 at a time the way
  the sync queue runs them: a job row per asset, the store product's advisory lock, the marker check, staged
  upload, productUpdate(media:), checkpoints committed between steps, polling until READY, the asset marked synced;
- raw: the same number of images through the bare Shopify calls, 2 at a time: stagedUploadsCreate, the PUT of the
  bytes, productUpdate(media:) and polling until READY; nothing stored, locked or checked.

Both poll every 50 ms (the sandbox processes a media in two polls), so the ratio is the worker's own overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from typing import Any

from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from api.core.config import Settings
from api.main import create_app
from api.models import Approval
from api.stores.platform import MediaState, MediaUpload
from api.stores.shopify import ShopifyClient
from sandbox.catalog import PRODUCTS
from sandbox.server import serve
from sandbox.shopify import ShopifySandbox
from tests.bench.services import bench_settings
from tests.helpers import new_browser, signup
from tests.stores.conftest import connect_shop
from tests.stores.publishing import FAST, import_products, make_assets, png, run_sync_jobs
from workers.publish import PublishPolicy

WORKERS = 2
POLICY = PublishPolicy(**{**FAST.__dict__, "poll_interval": 0.05})
PRODUCTS_USED = 4


async def _publish(app: Any, shopify: ShopifySandbox, shop: str, count: int) -> float:
    """Assets per minute through publish requests and the sync worker (2 tasks)."""
    async with new_browser(app) as merchant:
        await signup(merchant)
        store_id = await connect_shop(merchant, shopify, shop)
        products = await import_products(app, merchant, store_id, [p.gid for p in PRODUCTS[:PRODUCTS_USED]])
        ids = await make_assets(app, products, count, approval=Approval.approved)
        started = time.perf_counter()
        response = await merchant.post("/assets/batch", json={"action": "publish", "asset_ids": [str(i) for i in ids]})
        assert response.json()["succeeded"] == count, response.text
        assert await run_sync_jobs(app, workers=WORKERS, policy=POLICY) == count
        elapsed = time.perf_counter() - started
        assert len(shopify.added_media(shop)) == count
        return count * 60 / elapsed


async def _raw(settings: Settings, shopify: ShopifySandbox, shop: str, count: int) -> float:
    """Media per minute through the bare Shopify calls (staged upload, attach, poll until READY), 2 at a time."""
    token = next(iter(shopify.shop(shop).tokens))
    client = ShopifyClient(settings, shop, token)
    body = png(1)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)

    async def one(index: int) -> None:
        mark = f"raw-{uuid.uuid4()}"

        async def load() -> bytes:
            return body

        upload = MediaUpload(mark, f"{mark}.png", "image/png", len(body), "raw", load, lambda: "")
        product = PRODUCTS[index % PRODUCTS_USED].gid
        media_id = await client.add_media(product, upload, {}, _nothing)
        assert media_id is not None
        while True:
            [media] = await client.media_status([media_id])
            if media.state != MediaState.processing:
                assert media.state == MediaState.ready
                return
            await asyncio.sleep(POLICY.poll_interval)

    async def worker() -> None:
        while not queue.empty():
            await one(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return count * 60 / (time.perf_counter() - started)


async def _nothing(values: dict[str, Any]) -> None:
    return None


async def bench(base: Settings, count: int, rounds: int) -> dict[str, float]:
    with serve(ShopifySandbox()) as shopify:
        settings = base.model_copy(
            update={
                "shopify_client_id": shopify.client_id,
                "shopify_client_secret": SecretStr(shopify.client_secret),
                "shopify_api_base_url": shopify.base_url,
                "fetch_allowed_prefixes": [f"{shopify.base_url}/cdn/"],
                "log_level": "WARNING",  # a request log line per store call would be most of the output
            }
        )
        app = create_app(settings)
        async with LifespanManager(app):
            samples: dict[str, list[float]] = {"publish": [], "raw": []}
            for round_ in range(rounds):
                shop = f"bench-{round_}-{uuid.uuid4().hex[:6]}.myshopify.com"
                samples["publish"].append(await _publish(app, shopify, shop, count))
                raw_shop = f"raw-{round_}-{uuid.uuid4().hex[:6]}.myshopify.com"
                shopify.shop(raw_shop).tokens.add(f"shpat_{uuid.uuid4().hex}")
                samples["raw"].append(await _raw(settings, shopify, raw_shop, count))
            return {kind: statistics.median(values) for kind, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=200, help="assets published per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the median is reported")
    args = parser.parse_args()
    with bench_settings() as settings:
        rates = asyncio.run(bench(settings, args.assets, args.rounds))
    print(
        f"{args.assets} assets (64x64 PNG) over {PRODUCTS_USED} products, {WORKERS} worker tasks, "
        f"median of {args.rounds} rounds"
    )
    print(f"{'':10}{'published assets/min':>22}{'raw media-create/min':>22}{'ratio':>8}")
    print(f"{'Shopify':10}{rates['publish']:22.0f}{rates['raw']:22.0f}{rates['publish'] / rates['raw']:8.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

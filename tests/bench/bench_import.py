"""Store import throughput: products per second (3 images each) through the import job, next to the sandbox's
raw serving rate for the same data, in the same run.

    .venv/bin/python -m tests.bench.bench_import [--rounds 2]

Starts its own throwaway PostgreSQL and Valkey and both store sandboxes, then for Shopify and WooCommerce:

- import: a fresh workspace (Starter plan) connects the sandbox store and runs the import job for all 60 products
  the way the worker does: pages from the store API, every image downloaded through the SSRF-safe fetcher,
  decoded, re-encoded without metadata with a WebP preview, stored, and each product committed with its
  progress checkpoint;
- raw: the same pages and the same 180 image downloads with a bare HTTP client, nothing else done with them.

The ratio says how much of an import's time is the product's own work rather than the store serving data.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from api.core.config import Settings
from api.main import create_app
from api.stores.platform import StoreClient
from api.stores.shopify import ShopifyClient
from api.stores.woocommerce import WooCommerceClient
from sandbox.catalog import PRODUCT_COUNT
from sandbox.server import serve
from sandbox.shopify import ShopifySandbox
from sandbox.woocommerce import WooSandbox
from tests.bench.services import bench_settings
from tests.helpers import new_browser, put_on_plan, signup, worker_ctx
from tests.stores.conftest import connect_shop, connect_woo
from workers.store_sync import import_store_products

PAGE_SIZE = 25


async def _raw(client: StoreClient) -> float:
    """Products per second when only paging the store and downloading every image, nothing else."""
    started = time.perf_counter()
    products, cursor = 0, None
    async with httpx.AsyncClient() as http:
        while True:
            page = await client.product_page(limit=PAGE_SIZE, cursor=cursor)
            for product in page.products:
                for image in product.images:
                    (await http.get(image.url)).raise_for_status()
            products += len(page.products)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert products == PRODUCT_COUNT
    return products / (time.perf_counter() - started)


async def _import(app: Any, connect: Callable[[Any], Awaitable[str]]) -> float:
    """Products per second through the import job for a fresh workspace."""
    async with new_browser(app) as merchant:
        await signup(merchant)
        await put_on_plan(app, (await merchant.get("/organization")).json()["id"], "starter")
        store_id = await connect(merchant)
        response = await merchant.post(f"/stores/{store_id}/imports", json={"all": True})
        job_id = response.json()["id"]
        await app.state.arq.flushdb()  # the job runs here, not in a worker
        started = time.perf_counter()
        await import_store_products(worker_ctx(app), job_id)
        elapsed = time.perf_counter() - started
        job = (await merchant.get(f"/jobs/{job_id}")).json()
        assert job["status"] == "succeeded", job
        assert job["result"]["created"] == PRODUCT_COUNT, job
        return PRODUCT_COUNT / elapsed


async def bench(base: Settings, rounds: int) -> dict[str, dict[str, float]]:
    with serve(ShopifySandbox()) as shopify, serve(WooSandbox()) as woo:
        settings = base.model_copy(
            update={
                "shopify_client_id": shopify.client_id,
                "shopify_client_secret": SecretStr(shopify.client_secret),
                "shopify_api_base_url": shopify.base_url,
                "fetch_allowed_prefixes": [f"{shopify.base_url}/cdn/", f"{woo.base_url}/"],
                "store_import_page_size": PAGE_SIZE,
            }
        )
        app = create_app(settings)
        async with LifespanManager(app):
            samples: dict[str, dict[str, list[float]]] = {
                "Shopify": {"import": [], "raw": []},
                "WooCommerce": {"import": [], "raw": []},
            }
            for round_ in range(rounds):
                shop = f"bench-{round_}-{uuid.uuid4().hex[:6]}.myshopify.com"
                site = f"bench-{round_}-{uuid.uuid4().hex[:6]}"
                samples["Shopify"]["import"].append(
                    await _import(app, partial(connect_shop, shopify=shopify, shop=shop))
                )
                token = next(iter(shopify.shop(shop).tokens))  # the one the app got when it connected
                samples["Shopify"]["raw"].append(await _raw(ShopifyClient(settings, shop, token)))
                samples["WooCommerce"]["import"].append(await _import(app, partial(connect_woo, woo=woo, site=site)))
                keys = woo.grant_keys(site, "bench", "read")
                woo_raw = WooCommerceClient(settings, woo.site_url(site), keys["consumer_key"], keys["consumer_secret"])
                samples["WooCommerce"]["raw"].append(await _raw(woo_raw))
            return {
                store: {kind: statistics.median(values) for kind, values in figures.items()}
                for store, figures in samples.items()
            }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds per store; the median is reported")
    args = parser.parse_args()
    with bench_settings() as settings:
        rates = asyncio.run(bench(settings, args.rounds))
    print(f"{PRODUCT_COUNT} products x 3 images per import, median of {args.rounds} rounds, one worker task")
    print(f"{'':14}{'import products/s':>20}{'raw serving products/s':>26}{'ratio':>8}")
    for store, figures in rates.items():
        ratio = figures["import"] / figures["raw"]
        print(f"{store:14}{figures['import']:20.1f}{figures['raw']:26.1f}{ratio:8.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

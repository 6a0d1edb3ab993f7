"""A worker process serves its own /metrics when EPOX_WORKER_METRICS_PORT is set: the counters its jobs feed
(credits, jobs, provider calls), without the API's scrape-time gauges."""

from __future__ import annotations

import asyncio

import httpx

from api.core.metrics import CREDITS, serve_worker_metrics
from tests.helpers import free_port


async def test_worker_metrics_serve_the_counters_its_jobs_feed() -> None:
    port = free_port()
    stop = serve_worker_metrics("127.0.0.1", port)
    try:
        CREDITS.labels("captured").inc(0)  # the series exists in this process
        before = await _scrape(port)
        CREDITS.labels("captured").inc(4)
        after = await _scrape(port)
    finally:
        await asyncio.to_thread(stop)
    assert (
        _sample(after, 'epox_credits_total{movement="captured"}')
        == _sample(before, 'epox_credits_total{movement="captured"}') + 4
    )
    assert "# TYPE epox_provider_call_seconds histogram" in after
    assert "# TYPE epox_jobs_total counter" in after
    assert "epox_queue_depth" not in after, "queue depth is the API's, read at its scrape"
    async with httpx.AsyncClient() as client:
        try:
            await client.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the metrics server is still listening after stop")


async def _scrape(port: int) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200
    return response.text


def _sample(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{series} not in the scrape")

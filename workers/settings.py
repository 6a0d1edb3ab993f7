"""The queues and what runs on each. `epox worker` starts one arq worker per queue in one process."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from arq import cron
from arq.worker import Function, Worker, func

from api.core.config import Settings
from api.core.metrics import serve_worker_metrics
from api.core.queue import DEFAULT_QUEUE, IMAGE_QUEUE, SYNC_QUEUE, VIDEO_QUEUE
from api.core.redis import redis_settings
from workers.billing import handle_stripe_event
from workers.context import shutdown, startup
from workers.cron import reconcile
from workers.edits import edit_asset
from workers.email import send_email
from workers.generation import edit_video, generate_images, generate_videos
from workers.publish import publish_asset
from workers.store_sync import handle_store_webhook, import_store_products

logger = logging.getLogger("epox.worker")


# Per-queue tasks and limits: video jobs run far longer than image jobs. The image, video and sync queues are
# filled by the generation, video and store domains as they land.
QUEUE_TASKS: dict[str, list[Function]] = {
    DEFAULT_QUEUE: [func(send_email, max_tries=6, timeout=60), func(handle_stripe_event, max_tries=1, timeout=60)],
    IMAGE_QUEUE: [func(generate_images, max_tries=10), func(edit_asset, max_tries=10)],
    VIDEO_QUEUE: [func(generate_videos, max_tries=10), func(edit_video, max_tries=10)],
    # arq's own tries stay above the job's max_attempts: the job row, not arq, decides when to give up.
    SYNC_QUEUE: [
        func(import_store_products, max_tries=10),
        func(handle_store_webhook, max_tries=5, timeout=60),
        func(publish_asset, max_tries=10),
    ],
}
# (concurrent jobs per worker, seconds before a job is timed out)
QUEUE_LIMITS: dict[str, tuple[int, int]] = {
    DEFAULT_QUEUE: (10, 60),
    IMAGE_QUEUE: (4, 300),
    VIDEO_QUEUE: (1, 1800),
    SYNC_QUEUE: (4, 300),
}
RECONCILE_SECONDS = set(range(0, 60, 30))


def build_worker(queue: str, settings: Settings, *, burst: bool = False) -> Worker:
    assert settings.redis_url
    max_jobs, job_timeout = QUEUE_LIMITS[queue]
    return Worker(
        functions=QUEUE_TASKS[queue],
        # Every worker runs the reconciler; its steps are idempotent and tolerate running concurrently.
        cron_jobs=[cron(reconcile, second=RECONCILE_SECONDS, unique=True, run_at_startup=True)]
        if queue == DEFAULT_QUEUE
        else [],
        queue_name=queue,
        redis_settings=redis_settings(settings.redis_url),
        ctx={"settings": settings},
        on_startup=startup,
        on_shutdown=shutdown,
        handle_signals=False,
        job_completion_wait=30,
        burst=burst,
        poll_delay=0.2,
        keep_result=3600,
        max_jobs=max_jobs,
        job_timeout=job_timeout,
    )


def active_queues(queues: Sequence[str] | None = None) -> list[str]:
    """The requested queues that have tasks (an arq worker needs at least one)."""
    return [q for q in (queues or QUEUE_TASKS) if QUEUE_TASKS[q] or q == DEFAULT_QUEUE]


async def run_workers(settings: Settings, queues: Sequence[str] | None = None, *, burst: bool = False) -> None:
    """Run the queues' workers until SIGINT/SIGTERM; running jobs get up to 30 s to finish."""
    workers = [build_worker(q, settings, burst=burst) for q in active_queues(queues)]
    loop = asyncio.get_running_loop()

    def stop(signum: signal.Signals) -> None:
        logger.info("worker stopping", extra={"signal": signum.name})
        for worker in workers:
            worker.handle_sig_wait_for_completion(signum)

    if not burst:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop, signum)
    stop_metrics = (
        serve_worker_metrics(settings.worker_metrics_host, settings.worker_metrics_port)
        if settings.worker_metrics_port is not None
        else None
    )
    logger.info("worker started", extra={"queues": [w.queue_name for w in workers]})
    try:
        await asyncio.gather(*(w.async_run() for w in workers), return_exceptions=True)
    finally:
        for worker in workers:
            await worker.close()
        if stop_metrics is not None:
            stop_metrics()

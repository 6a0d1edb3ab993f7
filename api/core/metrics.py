"""Prometheus metrics for the money and the work: credits held / captured / released / refunded, ledger entries,
jobs by kind and status, provider call latency and errors, queue depth.

Counters are fed from what a transaction writes and emitted only when it commits (SQLAlchemy session events), so
a rolled-back hold or a superseded worker attempt is never counted. Holds are written by one SQL statement the ORM
does not see; the ledger reports them with `count_held`. Queue depth and unfinished jobs are read at scrape time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from sqlalchemy import event, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from api.core.queue import ALL_QUEUES
from api.models import CreditEntry, EntryType, Job, JobStatus, ProviderCall

logger = logging.getLogger("epox.metrics")

CREDITS = Counter("epox_credits_total", "Credits moved by the ledger", ["movement"])
CREDIT_ENTRIES = Counter("epox_credit_entries_total", "Ledger entries written", ["type"])
JOBS = Counter("epox_jobs_total", "Jobs entering a status", ["kind", "status"])
PROVIDER_CALLS = Counter("epox_provider_calls_total", "AI provider calls", ["provider", "operation", "outcome"])
PROVIDER_ERRORS = Counter("epox_provider_errors_total", "Failed AI provider calls", ["provider", "error_code"])
PROVIDER_LATENCY = Histogram(
    "epox_provider_call_seconds",
    "AI provider call latency",
    ["provider", "operation"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120),
)
PROVIDER_COST = Counter("epox_provider_cost_micros_total", "AI provider spend (micro-dollars)", ["provider"])
QUEUE_DEPTH = Gauge("epox_queue_depth", "Messages waiting in an arq queue", ["queue"])
JOBS_IN_FLIGHT = Gauge("epox_jobs_in_flight", "Jobs queued or running now", ["kind", "status"])

_PENDING = "epox_metrics_pending"
Emit = Callable[[], None]


def _pending(session: Session) -> list[Emit]:
    pending: list[Emit] = session.info.setdefault(_PENDING, [])
    return pending


def count_held(session: AsyncSession, credits: int) -> None:
    """A hold written (counted once its transaction commits)."""
    pending = _pending(session.sync_session)
    pending.append(lambda: CREDITS.labels("held").inc(credits))
    pending.append(lambda: CREDIT_ENTRIES.labels("hold").inc())


def _entry(entry: CreditEntry) -> list[Emit]:
    emits: list[Emit] = [lambda: CREDIT_ENTRIES.labels(entry.type.value).inc()]
    movement = {
        EntryType.capture: ("captured", -entry.amount),
        EntryType.release: ("released", -entry.held_delta),
        EntryType.refund: ("refunded", entry.amount),
        EntryType.grant: ("granted", entry.amount),
        EntryType.expire: ("expired", -entry.amount),
    }.get(entry.type)
    if movement is not None:
        name, credits = movement
        emits.append(lambda: CREDITS.labels(name).inc(credits))
    return emits


def _call(call: ProviderCall) -> list[Emit]:
    outcome = "success" if call.success else "error"
    emits: list[Emit] = [
        lambda: PROVIDER_CALLS.labels(call.provider, call.operation, outcome).inc(),
        lambda: PROVIDER_COST.labels(call.provider).inc(call.cost_micros),
    ]
    if call.success:
        emits.append(lambda: PROVIDER_LATENCY.labels(call.provider, call.operation).observe(call.duration_ms / 1000))
    else:
        emits.append(lambda: PROVIDER_ERRORS.labels(call.provider, call.error_code or "unknown").inc())
    return emits


def _job(job: Job, is_new: bool) -> list[Emit]:
    if is_new:
        status = job.status or JobStatus.queued
    else:
        history = inspect(job).attrs.status.history
        if not history.has_changes() or not history.added:
            return []
        status = history.added[0]
    kind = job.kind.value
    label = status.value if isinstance(status, JobStatus) else str(status)
    return [lambda: JOBS.labels(kind, label).inc()]


def _before_flush_dirty_jobs(session: Session, flush_context: Any, instances: Any) -> None:
    """Job status changes are read from attribute history, which the flush clears; capture them first."""
    pending = _pending(session)
    for obj in session.dirty:
        if isinstance(obj, Job) and obj not in session.new:
            pending.extend(_job(obj, False))


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for emit in pending:
        try:
            emit()
        except Exception:  # metrics never break the work
            logger.exception("metric emit failed")


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _after_flush_new_only(session: Session, flush_context: Any) -> None:
    pending = _pending(session)
    for obj in session.new:
        if isinstance(obj, CreditEntry):
            pending.extend(_entry(obj))
        elif isinstance(obj, ProviderCall):
            pending.extend(_call(obj))
        elif isinstance(obj, Job):
            pending.extend(_job(obj, True))


def install() -> None:
    """Register the session listeners once per process."""
    if event.contains(Session, "after_commit", _after_commit):
        return
    event.listen(Session, "before_flush", _before_flush_dirty_jobs)
    event.listen(Session, "after_flush", _after_flush_new_only)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)


async def refresh_gauges(sessionmaker: async_sessionmaker[AsyncSession] | None, redis: Any) -> None:
    """Scrape-time gauges: queue depth (arq keeps each queue as a sorted set) and unfinished jobs."""
    if redis is not None:
        for queue in ALL_QUEUES:
            try:
                QUEUE_DEPTH.labels(queue).set(await redis.zcard(queue))
            except Exception:
                logger.warning("queue depth unavailable", extra={"queue": queue})
    if sessionmaker is not None:
        try:
            async with sessionmaker() as session:
                rows = (
                    await session.execute(
                        select(Job.kind, Job.status, func.count())
                        .where(Job.status.in_([JobStatus.queued, JobStatus.running]))
                        .group_by(Job.kind, Job.status)
                    )
                ).all()
        except Exception:
            logger.warning("jobs in flight unavailable")
            return
        JOBS_IN_FLIGHT.clear()
        for kind, status, count in rows:
            JOBS_IN_FLIGHT.labels(kind.value, status.value).set(count)


def serve_worker_metrics(host: str, port: int) -> Callable[[], None]:
    """A worker process's own /metrics on `host:port` (a background thread): what its jobs counted - credits
    captured and released, jobs by status, provider calls, latency and errors. The scrape-time gauges (queue
    depth, jobs in flight) are left to the API's /metrics, so summing instances never counts them twice.
    Returns the function that stops the server."""
    registry = CollectorRegistry()
    for collector in (CREDITS, CREDIT_ENTRIES, JOBS, PROVIDER_CALLS, PROVIDER_ERRORS, PROVIDER_LATENCY, PROVIDER_COST):
        registry.register(collector)
    server, thread = start_http_server(port, host, registry=registry)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop


install()

"""The job row's state machine under at-least-once delivery, the reconciler, and the jobs API."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from arq import Retry
from fastapi import FastAPI
from sqlalchemy import update

from api.core.queue import SYNC_QUEUE
from api.core.time import utc_now
from api.models import Job, JobKind, JobStatus
from tests.helpers import Browser, assert_problem, make_browser, on_plan, signup
from tests.jobs.helpers import create_job, load_job, worker_ctx
from workers.cron import reconcile
from workers.jobs import JobContext, TransientJobError, reconcile_jobs, run_job


async def _org(browser: Browser) -> str:
    return str((await signup(browser))["organization"]["id"])


async def _queued_ids(app: FastAPI) -> list[str]:
    return sorted(j.job_id for j in await app.state.arq.queued_jobs(queue_name=SYNC_QUEUE))


async def test_create_records_the_enqueue_after_commit_with_a_deterministic_id(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))
    assert await _queued_ids(app) == [f"job:{job_id}:0:1"]
    job = await load_job(app, job_id)
    assert job.status == JobStatus.queued
    assert job.enqueued_at is not None


async def test_the_same_job_run_twice_does_its_work_once(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))
    ctx = worker_ctx(app)
    work_done: list[int] = []

    async def work(job: JobContext) -> dict[str, Any]:
        work_done.append(job.run.attempt)
        await job.progress(done=1, total=1, item={"name": "only"})
        return {"imported": 1}

    assert await run_job(ctx, str(job_id), work) == JobStatus.succeeded
    assert await run_job(ctx, str(job_id), work) is None  # the duplicate delivery finds it finished
    assert work_done == [1]
    job = await load_job(app, job_id)
    assert job.status == JobStatus.succeeded
    assert job.result == {"imported": 1}
    assert job.attempts == 1


async def test_two_concurrent_deliveries_run_the_work_once(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))
    ctx = worker_ctx(app)
    calls = 0

    async def work(job: JobContext) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.2)
        return {}

    results = await asyncio.gather(*(run_job(ctx, str(job_id), work) for _ in range(2)))
    assert sorted(results, key=str) == sorted([JobStatus.succeeded, None], key=str)
    assert calls == 1


async def test_a_job_that_crashes_every_try_ends_failed_without_relying_on_arq_hooks(
    app: FastAPI, browser: Browser
) -> None:
    job_id = await create_job(app, await _org(browser), max_attempts=3)
    ctx = worker_ctx(app)

    async def crash(job: JobContext) -> dict[str, Any]:
        raise RuntimeError("boom: secret internals")

    # Each delivery arq makes (it re-delivers on Retry) is one attempt; the last one writes `failed` itself.
    for _ in range(2):
        with pytest.raises(Retry):
            await run_job(ctx, str(job_id), crash)
        assert (await load_job(app, job_id)).status == JobStatus.queued
    assert await run_job(ctx, str(job_id), crash) == JobStatus.failed
    job = await load_job(app, job_id)
    assert job.status == JobStatus.failed
    assert job.attempts == 3
    assert job.error_code == "internal_error"
    assert "secret" not in (job.error_message or "")
    assert await run_job(ctx, str(job_id), crash) is None


async def test_a_worker_killed_every_try_ends_failed_through_the_reconciler(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser), max_attempts=2)
    ctx = worker_ctx(app)
    from api.jobs.service import JobService

    for attempt in (1, 2):
        # The worker starts the job and dies (no exception handler runs, no arq hook either).
        async with app.state.sessionmaker() as session:
            run = await JobService(session).start(job_id)
            assert run is not None
            assert run.attempt == attempt
            await session.commit()
        async with app.state.sessionmaker() as session:
            await session.execute(update(Job).values(deadline_at=utc_now() - timedelta(seconds=1)))
            await session.commit()
        assert await reconcile_jobs(ctx) == 1
    job = await load_job(app, job_id)
    assert job.status == JobStatus.failed
    assert job.error_code == "timed_out"
    assert await reconcile_jobs(ctx) == 0


async def test_an_overdue_attempt_is_retried_and_the_stale_worker_cannot_write(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))
    ctx = worker_ctx(app)
    from api.jobs.service import JobService

    async with app.state.sessionmaker() as session:
        stale = await JobService(session).start(job_id)
        assert stale is not None
        await session.commit()
    async with app.state.sessionmaker() as session:
        await session.execute(update(Job).values(deadline_at=utc_now() - timedelta(seconds=1)))
        await session.commit()
    assert await reconcile_jobs(ctx) == 1
    assert (await load_job(app, job_id)).status == JobStatus.queued
    assert f"job:{job_id}:1:2" in await _queued_ids(app)

    async def work(job: JobContext) -> dict[str, Any]:
        return {"attempt": job.run.attempt}

    assert await run_job(ctx, str(job_id), work) == JobStatus.succeeded
    async with app.state.sessionmaker() as session:
        assert not await JobService(session).finish(stale, {"attempt": 1})
        await session.commit()
    assert (await load_job(app, job_id)).result == {"attempt": 2}


async def test_reconciler_resends_queued_jobs_whose_message_was_lost_once_even_when_run_twice_at_once(
    app: FastAPI, browser: Browser
) -> None:
    job_id = await create_job(app, await _org(browser))
    await app.state.arq.flushdb()  # Redis restarted: the message is gone
    async with app.state.sessionmaker() as session:
        await session.execute(update(Job).values(enqueued_at=utc_now() - timedelta(minutes=10)))
        await session.commit()
    ctx = worker_ctx(app)
    counts = await asyncio.gather(reconcile_jobs(ctx), reconcile_jobs(ctx))
    assert sum(counts) == 1
    assert await _queued_ids(app) == [f"job:{job_id}:0:2"]
    results = await reconcile(ctx)
    assert results["reconcile_jobs"] == 0


async def test_transient_errors_retry_with_the_given_delay(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))

    async def throttled(job: JobContext) -> dict[str, Any]:
        raise TransientJobError("throttled", retry_after=7)

    with pytest.raises(Retry) as caught:
        await run_job(worker_ctx(app), str(job_id), throttled)
    assert caught.value.defer_score == 7000
    job = await load_job(app, job_id)
    assert job.status == JobStatus.queued
    assert job.error_code == "transient_error"


async def test_cancel_stops_a_running_job_at_its_next_progress(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))
    steps: list[int] = []

    async def work(job: JobContext) -> dict[str, Any]:
        for step in range(1, 4):
            if step == 2:
                response = await browser.post(f"/jobs/{job_id}/cancel")
                assert response.status_code == 200, response.text
                assert response.json()["status"] == "canceled"
            await job.progress(done=step, total=3)
            steps.append(step)
        return {}

    assert await run_job(worker_ctx(app), str(job_id), work) is None
    assert steps == [1]
    job = await load_job(app, job_id)
    assert job.status == JobStatus.canceled
    assert job.progress_done == 1
    assert_problem(await browser.post(f"/jobs/{job_id}/cancel"), 409, "job_not_cancelable")


async def test_list_filters_and_pages_jobs(app: FastAPI, browser: Browser) -> None:
    organization_id = await _org(browser)
    ids = [await create_job(app, organization_id, kind=JobKind.import_) for _ in range(3)]
    await create_job(app, organization_id, kind=JobKind.sync)

    page = (await browser.get("/jobs", params={"kind": "import", "limit": 2})).json()
    assert [item["id"] for item in page["items"]] == [str(ids[2]), str(ids[1])]
    rest = (await browser.get("/jobs", params={"kind": "import", "cursor": page["next_cursor"]})).json()
    assert [item["id"] for item in rest["items"]] == [str(ids[0])]
    assert rest["next_cursor"] is None
    queued = (await browser.get("/jobs", params={"status": "queued"})).json()
    assert len(queued["items"]) == 4
    assert (await browser.get("/jobs", params={"status": "failed"})).json()["items"] == []

    one = (await browser.get(f"/jobs/{ids[0]}")).json()
    assert one["kind"] == "import"
    assert one["progress"] == {"done": 0, "failed": 0, "total": 0, "percent": 0}
    assert one["error"] is None
    assert_problem(await browser.get(f"/jobs/{uuid.uuid4()}"), 404, "job_not_found")


def _events(body: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


async def test_events_stream_progress_items_and_finish_with_cookie_or_bearer(app: FastAPI, browser: Browser) -> None:
    job_id = await create_job(app, await _org(browser))

    async def work(job: JobContext) -> dict[str, Any]:
        await job.progress(done=1, total=2, item={"name": "chair"})
        await asyncio.sleep(0.7)
        await job.progress(done=2, total=2, item={"name": "table"})
        await asyncio.sleep(0.7)
        return {"imported": 2}

    runner = asyncio.create_task(run_job(worker_ctx(app), str(job_id), work))
    response = await browser.get(f"/jobs/{job_id}/events", timeout=10)
    await runner
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    names = [name for name, _ in events]
    assert names[-1] == "finished"
    assert events[-1][1]["status"] == "succeeded"
    assert events[-1][1]["result"] == {"imported": 2}
    items = [data["name"] for name, data in events if name == "item"]
    assert items == ["chair", "table"]
    assert [d["done"] for n, d in events if n == "progress"][-1] == 2

    await on_plan(browser)  # API access
    key = (await browser.post("/organization/api-keys", json={"name": "events"})).json()["secret"]
    async with make_browser(app) as integration:
        integration.headers["Authorization"] = f"Bearer {key}"
        again = await integration.get(f"/jobs/{job_id}/events")
        assert again.status_code == 200
        assert _events(again.text)[-1][0] == "finished"

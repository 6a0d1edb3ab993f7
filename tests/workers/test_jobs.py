"""Jobs are sent only after the commit, run by the real arq worker, and the reconciler repairs lost ones."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select, update

from api.core.config import Settings
from api.core.queue import DEFAULT_QUEUE
from api.core.time import utc_now
from api.models import EmailMessage
from tests.helpers import Browser, signup, unique_email
from workers.cron import reconcile
from workers.settings import run_workers


async def queued_job_ids(app: FastAPI) -> list[str]:
    jobs = await app.state.arq.queued_jobs(queue_name=DEFAULT_QUEUE)
    return sorted(job.job_id for job in jobs)


async def emails(app: FastAPI) -> list[EmailMessage]:
    async with app.state.sessionmaker() as session:
        return list((await session.scalars(select(EmailMessage).order_by(EmailMessage.id))).all())


async def test_email_job_is_enqueued_after_commit_and_delivered_by_the_worker(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    await signup(browser)
    [message] = await emails(app)
    assert await queued_job_ids(app) == [f"email:{message.id}"]
    assert message.sent_at is None

    await run_workers(settings, [DEFAULT_QUEUE], burst=True)

    [delivered] = await emails(app)
    assert delivered.sent_at is not None
    assert delivered.attempts == 1
    assert await queued_job_ids(app) == []


async def test_a_rolled_back_request_enqueues_nothing(app: FastAPI, browser: Browser) -> None:
    email = unique_email()
    await signup(browser, email)
    before = await queued_job_ids(app)
    # Inviting an existing member fails inside the request: no invitation row, no mail, no job.
    response = await browser.post("/organization/invitations", json={"email": email, "role": "member"})
    assert response.status_code == 409
    assert await queued_job_ids(app) == before
    assert len(await emails(app)) == 1


async def test_reconciler_requeues_emails_whose_job_was_lost(
    app: FastAPI, browser: Browser, settings: Settings
) -> None:
    await signup(browser)
    await app.state.arq.flushdb()  # the job is lost (Redis restarted)
    async with app.state.sessionmaker() as session:
        await session.execute(update(EmailMessage).values(created_at=utc_now() - timedelta(minutes=10)))
        await session.commit()

    ctx = {"sessionmaker": app.state.sessionmaker, "redis": app.state.arq, "settings": settings}
    results = await reconcile(ctx)
    assert results["requeue_stuck_emails"] == 1
    assert -1 not in results.values(), results
    assert len(await queued_job_ids(app)) == 1

    await run_workers(settings, [DEFAULT_QUEUE], burst=True)
    [message] = await emails(app)
    assert message.sent_at is not None
    assert (await reconcile(ctx))["requeue_stuck_emails"] == 0


async def test_delivering_twice_sends_once(app: FastAPI, browser: Browser, settings: Settings) -> None:
    from api.mail.service import deliver_email

    await signup(browser)
    [message] = await emails(app)
    for _ in range(2):
        async with app.state.sessionmaker() as session:
            assert await deliver_email(session, message.id, settings)
            await session.commit()
    [delivered] = await emails(app)
    assert delivered.attempts == 1

"""Acceptance 6: a merchant's usage (seeded through the real ledger: an image job with a failed item and a video
job) shows in the usage chart and its table, and the credit history downloads as CSV; a platform admin finds the
workspace by the merchant's email, grants 25 credits with a reason, and the merchant sees them in their history with
that reason. Real SPA, real API, headless Chromium."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from api.core.config import Settings
from api.core.db import create_engine, create_sessionmaker
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.models import GenerationItem, Job, JobKind, LotCategory, LotSource, User
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email

PASSWORD = "linen throws on oak benches"
REASON = "Launch week goodwill"


async def _sign_up(context: Any, name: str, workspace: str) -> dict[str, Any]:
    """Through the API with the browser context's own cookies, so its pages are signed in."""
    email = unique_email("usage")
    response = await context.request.post(
        "/api/v1/auth/signup",
        data={"email": email, "password": PASSWORD, "name": name, "organization_name": workspace},
    )
    assert response.status == 201, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def _seed_usage(settings: Settings, org: uuid.UUID) -> None:
    """A pack bought six days ago; three days ago an image job delivers 3 of 4 images (the failed one's credit is
    released); yesterday a 5-credit video. Each step is its own transaction, as requests and workers run them."""
    now = utc_now()
    engine = create_engine(settings.database_url or "", pool_size=1, max_overflow=0)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            await CreditLedgerService(session).grant(
                org, 100, source=LotSource.pack, category=LotCategory.paid, now=now - timedelta(days=6)
            )
            await session.commit()
        for kind, at, units, outcomes in (
            (JobKind.image, now - timedelta(days=3), 1, ["capture", "capture", "release", "capture"]),
            (JobKind.video, now - timedelta(days=1), 5, ["capture"]),
        ):
            async with sessions() as session:
                job = Job(organization_id=org, kind=kind, task="seed", queue="seed", params={"provider": "local"})
                session.add(job)
                await session.flush()
                session.add_all(
                    GenerationItem(
                        organization_id=org, job_id=job.id, position=n, variant=0, seed=1, credits=units, request={}
                    )
                    for n in range(len(outcomes))
                )
                await session.flush()
                hold = await CreditLedgerService(session).hold(
                    org, units * len(outcomes), expires_at=at + timedelta(hours=1), job_id=job.id, now=at
                )
                await session.commit()
            for position, outcome in enumerate(outcomes):
                async with sessions() as session:
                    ledger = CreditLedgerService(session)
                    moment = at + timedelta(minutes=position + 1)
                    if outcome == "capture":
                        await ledger.capture(org, hold.id, str(position), units, now=moment)
                    else:
                        await ledger.release(org, hold.id, item_key=str(position), amount=units, now=moment)
                    await session.commit()
    finally:
        await engine.dispose()


async def _make_platform_admin(settings: Settings, user_id: str) -> None:
    engine = create_engine(settings.database_url or "", pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await session.execute(update(User).where(User.id == uuid.UUID(user_id)).values(is_platform_admin=True))
    finally:
        await engine.dispose()


async def _ledger_differences(settings: Settings) -> list[str]:
    engine = create_engine(settings.database_url or "", pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session:
            _, differences = await CreditLedgerService(session).verify()
            return [str(d) for d in differences]
    finally:
        await engine.dispose()


async def test_usage_chart_csv_and_an_admin_grant_the_merchant_sees(
    page, chromium, live_server: str, live_settings: Settings
) -> None:
    merchant = await _sign_up(page.context, "Nora Linen", "Nora Linen Co")
    org = uuid.UUID(merchant["organization"]["id"])
    await _seed_usage(live_settings, org)

    # The usage page: 3 image credits and a 5-credit video, stacked per day by operation.
    await page.goto("/usage")
    summary = "Credits used per day by operation: 8 credits in total; the most, 5,"
    chart = page.get_by_role("img", name=summary, exact=False)
    await chart.wait_for()
    assert await chart.locator('rect[data-stack="image"]').count() == 1
    assert await chart.locator('rect[data-stack="video"]').count() == 1
    legend = page.get_by_role("list", name="Legend")
    assert await legend.get_by_role("listitem").all_inner_texts() == ["Videos", "Images"]
    stats = page.get_by_label("Totals for the period")
    assert "8" in await stats.get_by_text("Credits used", exact=True).locator("xpath=..").inner_text()
    await page.get_by_text("1 failed, 1 credit returned").wait_for()
    await page.get_by_role("list", name="By provider").get_by_text("local").wait_for()
    await page.screenshot(path=screenshot_path("usage-overview"), full_page=True)

    # The same numbers as a table: one row per day, the two active days carrying 3 and 5.
    await page.get_by_role("group", name="Show credits used per day as").get_by_role("button", name="Table").click()
    table = page.get_by_role("table", name="Credits used per day by operation")
    await table.wait_for()
    totals = [text for text in await table.locator("tbody tr td:last-child").all_inner_texts() if text.strip() != "0"]
    assert totals == ["3", "5"], totals

    # The ledger's CSV export: the pack, the trial, three image charges, the released credit and the video.
    await page.get_by_role("navigation", name="Usage").get_by_role("link", name="Credit history").click()
    await page.get_by_role("table", name="Credit history").wait_for()
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download CSV").click()
    download = await download_info.value
    assert download.suggested_filename == "credit-history.csv"
    lines = (await download.path()).read_text().splitlines()
    assert lines[0].startswith("created_at,type,amount,held_delta"), lines[0]
    kinds = [line.split(",")[1:3] for line in lines[1:]]
    assert kinds.count(["capture", "-1"]) == 3, lines
    assert kinds.count(["capture", "-5"]) == 1, lines
    assert ["grant", "100"] in kinds, lines
    assert ["grant", "10"] in kinds, lines
    assert sum(1 for kind, _ in kinds if kind == "release") == 1, lines

    # A platform admin, in another browser, finds the workspace by the merchant's email and grants 25 credits.
    admin_context = await chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    try:
        admin_page = await admin_context.new_page()
        admin = await _sign_up(admin_context, "Sam Support", "Epox Support Desk")
        await _make_platform_admin(live_settings, admin["user"]["id"])
        await admin_page.goto("/admin")
        await admin_page.get_by_label("Search").fill(merchant["user"]["email"])
        workspaces = admin_page.get_by_role("table", name="Workspaces")
        # The admin's own workspace drops out of the list: only the merchant's matches the email.
        await workspaces.get_by_role("link", name="Epox Support Desk").wait_for(state="detached")
        await workspaces.get_by_role("link", name="Nora Linen Co").click()
        await admin_page.get_by_role("heading", name="Nora Linen Co").wait_for()
        await admin_page.get_by_role("img", name="Credits used per day: 8 credits in total", exact=False).wait_for()

        form = admin_page.get_by_role("form", name="Grant credits for Nora Linen Co")
        await form.get_by_label("Credits to grant").fill("25")
        await form.get_by_label("Reason").fill(REASON)
        await form.get_by_role("button", name="Review grant").click()
        dialog = admin_page.get_by_role("dialog", name="Grant credits for Nora Linen Co?")
        await dialog.get_by_text(REASON, exact=False).wait_for()
        await dialog.get_by_role("button", name="Grant credits").click()
        await form.get_by_text("Granted 25 credits for Nora Linen Co. Available now: 127.").wait_for()
        await admin_page.screenshot(path=screenshot_path("admin-organization"), full_page=True)

        # The grant is in the audit log with before and after.
        await admin_page.get_by_role("link", name="Its audit log").click()
        log = admin_page.get_by_role("list", name="Audit log")
        entry = log.get_by_role("listitem").filter(has_text="credits.grant")
        await entry.wait_for()
        assert "Nora Linen Co" in await entry.inner_text()
    finally:
        await admin_context.close()

    # The merchant sees the grant, with the admin's reason, in their history.
    await page.goto("/usage/credits")
    row = page.get_by_role("table", name="Credit history").get_by_role("row").filter(has_text=REASON)
    await row.wait_for()
    text = await row.inner_text()
    assert "+25" in text, text
    assert "Epox support" in text, text
    await page.screenshot(path=screenshot_path("usage-credit-history-grant"), full_page=True)
    assert await _ledger_differences(live_settings) == []

"""GET /usage/summary over HTTP: bad input refused with clear problems, the workspace's time zone as a setting,
low-balance thresholds per workspace (absolute and percent), and a burn rate with a run-out date."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from api.core.time import utc_now
from tests.credits.conftest import Ledger
from tests.helpers import Browser, assert_problem, signup


async def test_bad_usage_queries_are_refused(browser: Browser) -> None:
    await signup(browser)
    cases = [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "from"),
        ({"from": "2023-01-01", "to": "2026-01-02"}, "to"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"group_by": "weekday"}, None),
        ({"from": "yesterday"}, None),
        ({"group_by": "product", "split_by": "operation"}, "split_by"),
        ({"split_by": "member"}, None),
    ]
    for params, field in cases:
        body = assert_problem(await browser.get("/usage/summary", params=params), 422)
        if field is not None:
            assert body["code"] == "invalid_usage_query"
            assert body["errors"][0]["field"] == field
    ok = await browser.get("/usage/summary", params={"from": "2024-01-01", "to": "2025-12-31", "group_by": "month"})
    assert ok.status_code == 200, ok.text
    assert len(ok.json()["series"]) == 24
    assert_problem(await browser.put("/usage/settings", json={"time_zone": "Nowhere/Special"}), 422)
    assert_problem(await browser.put("/usage/settings", json={"low_balance_percents": [120]}), 422)
    assert (await browser.get("/usage/settings")).json() == {
        "time_zone": "UTC",
        "low_balance_percents": [20, 10, 0],
        "low_balance_absolute": [],
    }


async def test_time_zone_setting_moves_the_local_day(app: FastAPI, browser: Browser) -> None:
    created = await signup(browser)
    ledger = Ledger(app.state.sessionmaker)
    import uuid

    org = uuid.UUID(created["organization"]["id"])
    late = utc_now().replace(hour=23, minute=30, second=0, microsecond=0) - timedelta(days=2)
    await ledger.grant(org, 10, now=late - timedelta(hours=1))  # the trial only starts now
    hold = await ledger.hold(org, 2, now=late)
    await ledger(lambda service: service.capture(org, hold.id, "0", 2, now=late))
    utc_day = late.date().isoformat()
    next_day = (late + timedelta(days=1)).date().isoformat()

    def used(summary: dict[str, object]) -> dict[str, int]:
        return {p["key"]: p["net"] for p in summary["series"] if p["net"]}  # type: ignore[index,union-attr]

    assert used((await browser.get("/usage/summary")).json()) == {utc_day: 2}
    assert used((await browser.get("/usage/summary", params={"tz": "Europe/Berlin"})).json()) == {next_day: 2}
    changed = await browser.put("/usage/settings", json={"time_zone": "Asia/Tokyo"})
    assert changed.json()["time_zone"] == "Asia/Tokyo"
    summary = (await browser.get("/usage/summary")).json()
    assert summary["time_zone"] == "Asia/Tokyo"
    assert used(summary) == {next_day: 2}
    burn = summary["burn"]
    assert burn["credits_per_day"] == round(2 / 14, 4)
    assert burn["available"] == 18
    assert burn["runs_out_on"] is not None


async def test_low_balance_thresholds_per_workspace(app: FastAPI, browser: Browser) -> None:
    """Absolute and percent thresholds each fire once when available crosses them downward; a top-up re-arms."""
    import uuid

    created = await signup(browser)
    org = uuid.UUID(created["organization"]["id"])
    updated = await browser.put("/usage/settings", json={"low_balance_percents": [50], "low_balance_absolute": [7, 2]})
    assert updated.json() == {"time_zone": "UTC", "low_balance_percents": [50], "low_balance_absolute": [7, 2]}
    ledger = Ledger(app.state.sessionmaker)

    async def notices() -> list[str]:
        items = (await browser.get("/notifications", params={"limit": 50})).json()["items"]
        return [n["title"] for n in items if n["kind"] == "low_balance"]

    await ledger.hold(org, 2)  # 10 -> 8: nothing crossed
    assert await notices() == []
    await ledger.hold(org, 1)  # 8 -> 7: the absolute 7
    assert await notices() == ["Credits running low: 7 left"]
    await ledger.hold(org, 3)  # 7 -> 4: 50% (5) of the trial's 10
    assert len(await notices()) == 2
    released = await ledger.hold(org, 1)
    await ledger(lambda service: service.release(org, released.id))  # 3 -> 4 -> 3: nothing new
    assert len(await notices()) == 2
    await ledger.hold(org, 2)  # 4 -> 2: the absolute 2
    assert (await notices())[0] == "Credits running low: 2 left"
    assert len(await notices()) == 3
    await ledger.grant(org, 10)  # a top-up re-arms
    await ledger.hold(org, 10)  # 12 -> 2: crosses 7, 5 (50% of 10) and 2 again; one notice, the lowest
    assert len(await notices()) == 4
    assert await ledger.differences() == []


async def test_a_period_series_split_by_operation_for_stacked_charts(app: FastAPI, browser: Browser) -> None:
    """`split_by=operation` gives every day its operations, adding up to the day; quiet days have none."""
    import uuid

    from api.models import Job, JobKind

    created = await signup(browser)
    org = uuid.UUID(created["organization"]["id"])
    ledger = Ledger(app.state.sessionmaker)
    yesterday = utc_now() - timedelta(days=1)
    await ledger.grant(org, 10, now=yesterday - timedelta(hours=1))  # the trial only starts now
    async with app.state.sessionmaker() as session:
        jobs = [Job(organization_id=org, kind=kind, task="t", queue="q", params={}) for kind in JobKind]
        session.add_all(jobs)
        await session.commit()
        image, video = (next(j.id for j in jobs if j.kind == kind) for kind in (JobKind.image, JobKind.video))
    for job_id, amount in ((image, 2), (video, 5)):
        hold = await ledger(
            lambda service, job_id=job_id, amount=amount: service.hold(
                org, amount, expires_at=yesterday + timedelta(hours=1), job_id=job_id, now=yesterday
            )
        )
        await ledger(
            lambda service, hold=hold, amount=amount: service.capture(org, hold.id, "0", amount, now=yesterday)
        )

    summary = (await browser.get("/usage/summary", params={"split_by": "operation"})).json()
    assert summary["split_by"] == "operation"
    [day] = [point for point in summary["series"] if point["net"]]
    assert day["key"] == yesterday.date().isoformat()
    assert [(part["key"], part["label"], part["net"]) for part in day["parts"]] == [
        ("image", "Images", 2),
        ("video", "Videos", 5),
    ]
    assert all(point["parts"] == [] for point in summary["series"] if point is not day)
    plain = (await browser.get("/usage/summary")).json()
    assert plain["split_by"] is None
    assert all(point["parts"] == [] for point in plain["series"])

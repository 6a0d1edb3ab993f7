"""Acceptance 3: every admin route in the OpenAPI document refuses a merchant, an API key and an anonymous
client with the plain 404 of a missing path; as an admin, every admin write leaves an audit record with before
and after values."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from api.models import GenerationItem, ItemStatus, Job, JobKind, JobStatus
from api.openapi import build_openapi
from tests.admin.helpers import audit_rows, make_admin
from tests.helpers import Browser, assert_problem, make_browser, on_plan, signup
from tests.platform.test_tenancy import example

SPEC = build_openapi()
ADMIN_PREFIX = "/api/v1/admin/"
UNSAFE = {"post", "put", "patch", "delete"}


def admin_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in SPEC["paths"].items()
        if path.startswith(ADMIN_PREFIX)
        for method, operation in item.items()
    ]


async def test_admin_routes_answer_404_to_everyone_else(app: FastAPI) -> None:
    operations = admin_operations()
    assert len(operations) >= 10
    merchant, anonymous = make_browser(app), make_browser(app)
    try:
        created = await signup(merchant)
        await on_plan(merchant)
        key = (await merchant.post("/organization/api-keys", json={"name": "k", "role": "admin"})).json()
        async with make_browser(app) as integration:
            integration.headers["Authorization"] = f"Bearer {key['secret']}"
            missing = assert_problem(await anonymous.get("/admin/no-such-route"), 404)
            for method, path, operation in operations:
                url = path.removeprefix("/api/v1")
                for name in re.findall(r"{(\w+)}", path):
                    value = created["organization"]["id"] if name == "organization_id" else str(uuid.uuid4())
                    url = url.replace(f"{{{name}}}", value)
                schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                kwargs = {"json": example(schema)} if schema else {}
                for caller in (merchant, integration, anonymous):
                    response = await caller.request(method.upper(), url, **kwargs)
                    body = assert_problem(response, 404)
                    assert {k: body[k] for k in ("code", "title", "detail")} == {
                        k: missing[k] for k in ("code", "title", "detail")
                    }, f"{method.upper()} {path}"
    finally:
        await merchant.aclose()
        await anonymous.aclose()
    admin_actions = ("credits.", "jobs.", "support_access.")
    assert [row.action for row in await audit_rows(app) if row.action.startswith(admin_actions)] == []


async def _failed_job(app: FastAPI, organization_id: str) -> str:
    async with app.state.sessionmaker() as session, session.begin():
        job = Job(
            organization_id=uuid.UUID(organization_id),
            kind=JobKind.image,
            status=JobStatus.succeeded,
            task="generate_images",
            queue="epox:image",
            params={"provider": "local"},
            progress_total=2,
        )
        session.add(job)
        await session.flush()
        for position, status in enumerate((ItemStatus.succeeded, ItemStatus.failed)):
            session.add(
                GenerationItem(
                    organization_id=job.organization_id,
                    job_id=job.id,
                    position=position,
                    variant=position,
                    seed=7,
                    credits=1,
                    status=status,
                    request={"provider": "local", "prompt": "a bottle", "settings": {}},
                    error_code="content_rejected" if status == ItemStatus.failed else None,
                )
            )
        return str(job.id)


Write = Callable[[Browser, dict[str, Any]], Awaitable[Any]]


async def test_every_admin_write_is_audited_with_before_and_after(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    async with make_browser(app) as merchant:
        shop = await signup(merchant, organization_name="Audited Shop")
    org = shop["organization"]["id"]
    job_id = await _failed_job(app, org)
    state: dict[str, Any] = {}

    async def grant(client: Browser, _: dict[str, Any]) -> Any:
        return await client.post(f"/admin/organizations/{org}/credit-grants", json={"amount": 5, "reason": "Sorry"})

    async def adjust(client: Browser, _: dict[str, Any]) -> Any:
        return await client.post(
            f"/admin/organizations/{org}/credit-adjustments", json={"amount": -2, "reason": "Correction"}
        )

    async def retry(client: Browser, _: dict[str, Any]) -> Any:
        return await client.post(f"/admin/jobs/{job_id}/retry", json={"reason": "Provider outage"})

    async def open_access(client: Browser, s: dict[str, Any]) -> Any:
        response = await client.post(
            f"/admin/organizations/{org}/support-access", json={"reason": "Ticket 42", "minutes": 30}
        )
        s["grant_id"] = response.json()["id"]
        return response

    async def end_access(client: Browser, s: dict[str, Any]) -> Any:
        return await client.post(f"/admin/support-access/{s['grant_id']}/end")

    # The catalog of plans and packs belongs to no workspace.
    async def create_plan(client: Browser, _: dict[str, Any]) -> Any:
        plan = {
            "code": "audited",
            "name": "Audited",
            "product_slots": 1,
            "monthly_credits": 1,
            "monthly_price_cents": 1,
        }
        return await client.post("/admin/plans", json=plan)

    async def update_plan(client: Browser, _: dict[str, Any]) -> Any:
        return await client.patch("/admin/plans/audited", json={"monthly_credits": 2})

    async def create_pack(client: Browser, _: dict[str, Any]) -> Any:
        return await client.post("/admin/packs", json={"code": "audited", "name": "A", "credits": 1, "price_cents": 1})

    async def update_pack(client: Browser, _: dict[str, Any]) -> Any:
        return await client.patch("/admin/packs/audited", json={"credits": 2})

    writes: dict[tuple[str, str], Write] = {
        ("post", "/api/v1/admin/organizations/{organization_id}/credit-grants"): grant,
        ("post", "/api/v1/admin/organizations/{organization_id}/credit-adjustments"): adjust,
        ("post", "/api/v1/admin/jobs/{job_id}/retry"): retry,
        ("post", "/api/v1/admin/organizations/{organization_id}/support-access"): open_access,
        ("post", "/api/v1/admin/support-access/{grant_id}/end"): end_access,
        ("post", "/api/v1/admin/plans"): create_plan,
        ("patch", "/api/v1/admin/plans/{plan_code}"): update_plan,
        ("post", "/api/v1/admin/packs"): create_pack,
        ("patch", "/api/v1/admin/packs/{pack_code}"): update_pack,
    }
    documented = {(method, path) for method, path, _ in admin_operations() if method in UNSAFE}
    assert documented == set(writes), "a new admin write needs a line here (and an audit record)"
    for (_, path), write in writes.items():
        before = len(await audit_rows(app))
        response = await write(browser, state)
        assert response.status_code in (200, 201, 202), f"{path}: {response.text}"
        rows = await audit_rows(app)
        assert len(rows) == before + 1, path
        assert rows[-1].before is not None, (path, rows[-1].action)  # a creation's before is {}: nothing
        assert rows[-1].after is not None, (path, rows[-1].action)
        catalog = "/plans" in path or "/packs" in path
        assert str(rows[-1].organization_id) == ("None" if catalog else org)

    log = (await browser.get("/admin/audit-log", params={"organization_id": org})).json()["items"]
    assert [entry["action"] for entry in log] == [
        "support_access.end",
        "support_access.open",
        "jobs.retry_failed_items",
        "credits.adjust",
        "credits.grant",
    ]
    only_credits = (await browser.get("/admin/audit-log", params={"action": "credits."})).json()["items"]
    assert {entry["action"] for entry in only_credits} == {"credits.adjust", "credits.grant"}


async def test_bad_admin_input_is_refused_and_changes_nothing(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    async with make_browser(app) as merchant:
        shop = await signup(merchant)
    org = shop["organization"]["id"]
    job_id = await _failed_job(app, org)
    no_reason = await browser.post(f"/admin/organizations/{org}/credit-grants", json={"amount": 5, "reason": "  "})
    assert_problem(no_reason, 422)
    missing = await browser.post(f"/admin/organizations/{org}/credit-grants", json={"amount": 5})
    assert_problem(missing, 422)
    assert_problem(await browser.post(f"/admin/jobs/{job_id}/retry", json={"reason": ""}), 422)
    assert (await browser.post(f"/admin/jobs/{job_id}/retry", json={"reason": "first"})).status_code == 202
    again = await browser.post(f"/admin/jobs/{job_id}/retry", json={"reason": "again"})
    assert_problem(again, 409, "job_already_retried")
    retry_of = (await browser.get("/admin/jobs", params={"organization_id": org})).json()["items"]
    assert [job["retried_by_job_id"] is not None for job in retry_of] == [True]
    # The retry job has not run: it is not finished, so it cannot be retried.
    async with app.state.sessionmaker() as session:
        from sqlalchemy import select

        retry_job = await session.scalar(select(Job).where(Job.params["retry_of"].astext == job_id))
        assert retry_job is not None
    not_failed = await browser.post(f"/admin/jobs/{retry_job.id}/retry", json={"reason": "x"})
    assert_problem(not_failed, 409, "job_not_retryable")
    assert_problem(await browser.post(f"/admin/jobs/{uuid.uuid4()}/retry", json={"reason": "x"}), 404)
    assert_problem(await browser.get("/admin/costs", params={"from": "2026-02-01", "to": "2026-01-01"}), 422)
    assert_problem(await browser.get("/admin/costs", params={"from": "2020-01-01", "to": "2026-01-01"}), 422)
    assert_problem(await browser.get("/admin/organizations", params={"sort": "mood"}), 422)
    assert_problem(await browser.get(f"/admin/organizations/{uuid.uuid4()}"), 404)
    actions = [row.action for row in await audit_rows(app)]
    assert actions == ["jobs.retry_failed_items"]

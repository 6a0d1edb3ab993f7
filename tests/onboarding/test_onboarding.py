"""The onboarding wizard's state lives on the server: steps complete from the workspace's own data, skips and the
kept trial are stored, so the wizard resumes in any browser."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy import select, update

from api.core.time import utc_now
from api.models import Approval, Asset, Product
from tests.helpers import PASSWORD, Browser, assert_problem, make_browser, signup
from tests.stores.publishing import make_assets


def statuses(body: dict[str, object]) -> dict[str, str]:
    return {step["step"]: step["status"] for step in body["steps"]}  # type: ignore[attr-defined]


async def test_steps_complete_from_data_and_choices_are_kept_on_the_server(app: FastAPI, browser: Browser) -> None:
    created = await signup(browser)
    start = (await browser.get("/onboarding")).json()
    assert [s["step"] for s in start["steps"]] == ["workspace", "plan", "catalog", "generate", "approve"]
    assert set(statuses(start).values()) == {"todo"}
    assert (start["next_step"], start["done"], start["total"], start["trial_kept"]) == ("workspace", 0, 5, False)

    assert (await browser.patch("/organization", json={"name": "Lumen Lamps"})).status_code == 200
    skipped = (await browser.patch("/onboarding", json={"skip": "plan"})).json()
    assert statuses(skipped) == {
        "workspace": "done",
        "plan": "skipped",
        "catalog": "todo",
        "generate": "todo",
        "approve": "todo",
    }
    assert skipped["next_step"] == "catalog"
    again = (await browser.patch("/onboarding", json={"skip": "plan"})).json()
    assert again == skipped, "skipping twice changes nothing"

    kept = (await browser.patch("/onboarding", json={"trial_kept": True})).json()
    assert statuses(kept)["plan"] == "done"
    assert kept["trial_kept"] is True
    # Signed in from another browser, the same member resumes where they were.
    async with make_browser(app) as laptop:
        login = {"email": created["user"]["email"], "password": PASSWORD}
        assert (await laptop.post("/auth/login", json=login)).status_code == 200
        assert (await laptop.get("/onboarding")).json() == kept

    product = await browser.post("/products", json={"name": "Desk lamp"})
    assert product.status_code == 201, product.text
    assert statuses((await browser.get("/onboarding")).json())["catalog"] == "done"

    async with app.state.sessionmaker() as session:
        lamp = await session.scalar(select(Product).where(Product.id == uuid.UUID(product.json()["id"])))
    assert lamp is not None
    await make_assets(app, [lamp], 1)
    progress = (await browser.get("/onboarding")).json()
    assert (statuses(progress)["generate"], statuses(progress)["approve"]) == ("done", "todo")
    [_] = await make_assets(app, [lamp], 1, approval=Approval.approved)
    finished = (await browser.get("/onboarding")).json()
    assert (finished["next_step"], finished["done"]) == (None, 5)

    # The data decides: with the only image trashed, the wizard asks for a first image again.
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(Asset).values(deleted_at=utc_now()))
    assert statuses((await browser.get("/onboarding")).json())["generate"] == "todo"


async def test_unskip_and_bad_input(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await browser.patch("/onboarding", json={"skip": "catalog"})
    back = (await browser.patch("/onboarding", json={"unskip": "catalog"})).json()
    assert statuses(back)["catalog"] == "todo"
    assert_problem(await browser.patch("/onboarding", json={}), 422)
    assert_problem(await browser.patch("/onboarding", json={"skip": "launch"}), 422)
    assert_problem(await browser.patch("/onboarding", json={"skip": "plan", "unskip": "plan"}), 422)
    async with make_browser(app) as anonymous:
        assert_problem(await anonymous.get("/onboarding"), 401)


async def test_each_workspace_has_its_own_progress(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await browser.patch("/onboarding", json={"skip": "plan"})
    async with make_browser(app) as other:
        await signup(other)
        assert set(statuses((await other.get("/onboarding")).json()).values()) == {"todo"}

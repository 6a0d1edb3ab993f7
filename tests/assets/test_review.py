"""Reviewing assets: flags and approval with who and when, optimistic concurrency (a stale write is 412, never a
silent overwrite), batches with a result per asset, the trash (restore within 30 days, files purged after), and
the library's filters."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import update

import api.assets.service as asset_service
from api.core.time import utc_now
from api.models import Approval, Asset, AssetSyncState, Collection, Job, JobKind, JobStatus
from tests.assets.helpers import asset_row, count, make_asset, organization_id
from tests.helpers import Browser, assert_problem, make_browser, on_plan, signup, worker_ctx
from workers.cron import purge_trashed_assets


async def _get(client: Browser, asset_id: uuid.UUID | str) -> dict[str, Any]:
    response = await client.get(f"/assets/{asset_id}")
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == f'"{response.json()["version"]}"'
    body: dict[str, Any] = response.json()
    return body


async def test_pin_favorite_and_approval_record_who_and_when(app: FastAPI, browser: Browser) -> None:
    created = await signup(browser)
    asset = await make_asset(app, await organization_id(browser))
    first = await _get(browser, asset.id)
    assert (first["pinned"], first["favorite"], first["approval"], first["version"]) == (False, False, "pending", 1)

    response = await browser.patch(
        f"/assets/{asset.id}",
        json={"pinned": True, "favorite": True, "approval": "approved"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["pinned"], body["favorite"], body["approval"], body["version"]) == (True, True, "approved", 2)
    assert body["approved_by_user_id"] == created["user"]["id"]
    assert body["approved_at"] is not None
    assert response.headers["etag"] == '"2"'

    # Back to pending clears who and when; the version in the body works like If-Match.
    reset = await browser.patch(f"/assets/{asset.id}", json={"approval": "pending", "version": 2})
    assert reset.status_code == 200, reset.text
    assert (reset.json()["approved_by_user_id"], reset.json()["approved_at"], reset.json()["version"]) == (
        None,
        None,
        3,
    )


async def test_a_write_without_a_version_is_refused(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    asset = await make_asset(app, await organization_id(browser))
    assert_problem(await browser.patch(f"/assets/{asset.id}", json={"pinned": True}), 428, "version_required")
    assert (await _get(browser, asset.id))["pinned"] is False


async def test_two_clients_patching_the_same_version_one_gets_412(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    asset = await make_asset(app, await organization_id(browser))
    version = (await _get(browser, asset.id))["version"]
    # Both read version 1; both write at once.
    responses = await asyncio.gather(
        browser.patch(f"/assets/{asset.id}", json={"approval": "approved", "version": version}),
        browser.patch(f"/assets/{asset.id}", json={"approval": "rejected", "version": version}),
    )
    assert sorted(r.status_code for r in responses) == [200, 412]
    loser = next(r for r in responses if r.status_code == 412)
    problem = assert_problem(loser, 412, "version_conflict")
    assert problem["current_version"] == 2
    winner = next(r for r in responses if r.status_code == 200).json()
    assert (await _get(browser, asset.id))["approval"] == winner["approval"], "the loser changed nothing"

    # Sequentially too: a stale If-Match (and a garbled one) never overwrites.
    assert_problem(await browser.patch(f"/assets/{asset.id}", json={"pinned": True}, headers={"If-Match": '"1"'}), 412)
    assert_problem(await browser.patch(f"/assets/{asset.id}", json={"pinned": True}, headers={"If-Match": "x"}), 412)
    assert (await _get(browser, asset.id))["pinned"] is False


async def test_viewers_read_but_cannot_review(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    asset = await make_asset(app, await organization_id(browser))
    await on_plan(browser)
    key = (await browser.post("/organization/api-keys", json={"name": "viewer", "role": "viewer"})).json()
    async with make_browser(app) as viewer:
        viewer.headers["Authorization"] = f"Bearer {key['secret']}"
        assert (await viewer.get(f"/assets/{asset.id}")).status_code == 200
        assert_problem(await viewer.patch(f"/assets/{asset.id}", json={"pinned": True, "version": 1}), 403)
        assert_problem(await viewer.post("/assets/batch", json={"action": "pin", "asset_ids": [str(asset.id)]}), 403)


async def test_batch_of_500_reports_each_asset_and_changes_the_valid_ones(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    organization = await organization_id(browser)
    now = utc_now()
    async with app.state.sessionmaker() as session:
        rows = [_row(organization, now - timedelta(seconds=i)) for i in range(497)]
        session.add_all(rows)
        await session.commit()
        ids = [row.id for row in rows]
    trashed = ids[10]
    async with app.state.sessionmaker() as session:
        await session.execute(update(Asset).where(Asset.id == trashed).values(deleted_at=now))
        await session.commit()
    async with make_browser(app) as other:
        await signup(other)
        foreign = await make_asset(app, await organization_id(other))
    unknown = uuid.uuid4()
    asked = [*ids, foreign.id, unknown, ids[0]]  # 500 entries, one duplicate
    assert len(asked) == 500

    response = await browser.post("/assets/batch", json={"action": "approve", "asset_ids": [str(i) for i in asked]})
    assert response.status_code == 200, response.text
    body = response.json()
    results = {uuid.UUID(r["asset_id"]): r for r in body["results"]}
    assert len(body["results"]) == 499, "one result per distinct id"
    assert [r["asset_id"] for r in body["results"]][:3] == [str(i) for i in asked[:3]], "in the order sent"
    assert results[trashed]["error"]["code"] == "asset_deleted"
    assert results[foreign.id]["error"]["code"] == "asset_not_found"
    assert results[unknown]["error"]["code"] == "asset_not_found"
    assert (body["succeeded"], body["failed"]) == (496, 3)
    assert await count(app, Asset, Asset.approval == Approval.approved) == 496
    assert await count(app, Asset, Asset.id == foreign.id, Asset.approval == Approval.pending) == 1, "B's untouched"

    # Again: already approved counts as done (ok), and nothing is re-stamped or re-versioned.
    again = (await browser.post("/assets/batch", json={"action": "approve", "asset_ids": [str(ids[0])]})).json()
    assert again["results"] == [{"asset_id": str(ids[0]), "ok": True, "error": None, "sync_record_id": None}]
    assert (await _get(browser, ids[0]))["version"] == 2


def _row(organization: uuid.UUID, created_at: Any) -> Asset:
    return asset_row(organization, created_at=created_at)


async def test_batch_input_is_checked(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    ids = [str(uuid.uuid4()) for _ in range(501)]
    assert_problem(await browser.post("/assets/batch", json={"action": "pin", "asset_ids": ids}), 422)
    assert_problem(await browser.post("/assets/batch", json={"action": "explode", "asset_ids": ids[:1]}), 422)
    pin_to_product = {"action": "pin", "asset_ids": ids[:1], "product_id": ids[1]}
    assert_problem(await browser.post("/assets/batch", json=pin_to_product), 422)
    assert_problem(await browser.post("/assets/batch", json={"action": "pin", "asset_ids": []}), 422)


async def test_batch_flags_delete_and_restore(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    organization = await organization_id(browser)
    assets = [await make_asset(app, organization) for _ in range(3)]
    ids = [str(a.id) for a in assets]
    for action, field, value in [("pin", "pinned", True), ("favorite", "favorite", True), ("unpin", "pinned", False)]:
        body = (await browser.post("/assets/batch", json={"action": action, "asset_ids": ids})).json()
        assert body["succeeded"] == 3
        assert [(await _get(browser, i))[field] for i in ids] == [value] * 3
    assert (await browser.post("/assets/batch", json={"action": "reject", "asset_ids": ids[:1]})).json()["failed"] == 0
    assert (await _get(browser, ids[0]))["approved_at"] is not None

    deleted = (await browser.post("/assets/batch", json={"action": "delete", "asset_ids": ids[:2]})).json()
    assert deleted["succeeded"] == 2
    listed = [a["id"] for a in (await browser.get("/assets")).json()["items"]]
    assert listed == [ids[2]]
    trash = [a["id"] for a in (await browser.get("/assets", params={"deleted": "true"})).json()["items"]]
    assert sorted(trash) == sorted(ids[:2])
    pin_trashed = (await browser.post("/assets/batch", json={"action": "pin", "asset_ids": ids[:1]})).json()
    assert pin_trashed["results"][0]["error"]["code"] == "asset_deleted"
    restored = (await browser.post("/assets/batch", json={"action": "restore", "asset_ids": ids})).json()
    assert restored["succeeded"] == 3
    assert len((await browser.get("/assets")).json()["items"]) == 3


async def test_approval_calls_the_publishing_hook_once_per_newly_approved_asset(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    organization = await organization_id(browser)
    assets = [await make_asset(app, organization) for _ in range(3)]
    calls: list[list[uuid.UUID]] = []

    async def hook(session: Any, organization_id: uuid.UUID, asset_ids: Any, *, approved_by_user_id: Any) -> None:
        assert organization_id == organization
        calls.append(sorted(asset_ids))

    monkeypatch.setattr(asset_service, "on_approved", hook)
    await browser.patch(f"/assets/{assets[0].id}", json={"approval": "approved", "version": 1})
    await browser.post("/assets/batch", json={"action": "approve", "asset_ids": [str(a.id) for a in assets]})
    await browser.post("/assets/batch", json={"action": "reject", "asset_ids": [str(assets[1].id)]})
    assert calls == [[assets[0].id], sorted([assets[1].id, assets[2].id])]


async def test_trash_restores_within_30_days_and_is_purged_with_its_files_after(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    organization = await organization_id(browser)
    kept, purged = await make_asset(app, organization), await make_asset(app, organization)
    storage = app.state.storage
    for asset in (kept, purged):
        assert (await browser.delete(f"/assets/{asset.id}")).status_code == 204
        assert (await browser.delete(f"/assets/{asset.id}")).status_code == 204, "deleting again changes nothing"
    trashed = await _get(browser, kept.id)
    assert trashed["deleted_at"] is not None
    assert trashed["purge_at"] is not None
    assert_problem(await browser.patch(f"/assets/{kept.id}", json={"pinned": True, "version": 2}), 409, "asset_deleted")
    edit = {"operation": "rotate", "params": {"degrees": 90}}
    assert_problem(await browser.post(f"/assets/{kept.id}/edits", json=edit), 409, "asset_deleted")
    assert_problem(await browser.get(f"/assets/{kept.id}/download"), 409, "asset_deleted")

    # 29 days on, the first is restored; 31 days on, the second is too late.
    start = utc_now()
    monkeypatch.setattr(asset_service, "utc_now", lambda: start + timedelta(days=29))
    restored = await browser.post(f"/assets/{kept.id}/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["deleted_at"] is None
    monkeypatch.setattr(asset_service, "utc_now", lambda: start + timedelta(days=31))
    assert_problem(await browser.post(f"/assets/{purged.id}/restore"), 410, "restore_window_passed")

    # The sweep with the clock 31 days on removes the second one's files and row, and leaves the first alone.
    assert await purge_trashed_assets(worker_ctx(app), now=start + timedelta(days=29)) == 0
    assert await purge_trashed_assets(worker_ctx(app), now=start + timedelta(days=31)) == 1
    assert not await storage.exists(purged.original_key)
    assert not await storage.exists(purged.preview_key)
    assert await storage.exists(kept.original_key)
    assert_problem(await browser.get(f"/assets/{purged.id}"), 404, "asset_not_found")
    assert_problem(await browser.post(f"/assets/{purged.id}/restore"), 404)
    assert (await _get(browser, kept.id))["deleted_at"] is None
    assert await purge_trashed_assets(worker_ctx(app), now=start + timedelta(days=31)) == 0, "idempotent"


async def test_library_filters(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    organization = await organization_id(browser)
    async with app.state.sessionmaker() as session:
        collection = Collection(organization_id=organization, name="Spring")
        job = Job(
            organization_id=organization,
            kind=JobKind.image,
            status=JobStatus.succeeded,
            task="generate_images",
            queue="epox:image",
            params={"collection_id": None},
        )
        session.add_all([collection, job])
        await session.flush()
        job.params = {"collection_id": str(collection.id)}
        await session.commit()
        collection_id, job_id = collection.id, job.id
    sofa = await make_asset(app, organization, prompt="A velvet sofa in a sunny room", pinned=True, job_id=job_id)
    lamp = await make_asset(app, organization, prompt="A brass lamp", favorite=True, approval=Approval.approved)
    _ = await make_asset(app, organization, prompt="A rug", sync_state=AssetSyncState.synced)

    async def ids(**params: Any) -> set[uuid.UUID]:
        response = await browser.get("/assets", params=params)
        assert response.status_code == 200, response.text
        return {uuid.UUID(item["id"]) for item in response.json()["items"]}

    assert await ids(pinned="true") == {sofa.id}
    assert await ids(favorite="true") == {lamp.id}
    assert await ids(approval="approved") == {lamp.id}
    assert await ids(q="velvet") == {sofa.id}
    assert await ids(q="%") == set(), "LIKE wildcards are matched literally"
    assert await ids(collection_id=str(collection_id)) == {sofa.id}
    assert len(await ids(sync_status="synced")) == 1
    assert len(await ids(type="image")) == 3
    assert len(await ids(type="video")) == 0
    assert_problem(await browser.get("/assets", params={"approval": "maybe"}), 422)

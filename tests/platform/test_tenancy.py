"""Tenant isolation, generated from the OpenAPI document so new endpoints are covered automatically: every
id-bearing endpoint called by tenant B (session and API key) with tenant A's ids answers 404."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from api.core.crypto import CredentialCipher
from api.models import Asset, AssetType, StoreConnection, StoreKind, StoreStatus, SyncAction, SyncRecord, SyncStatus
from api.openapi import build_openapi
from api.stores.credentials import seal_credentials
from tests.helpers import Browser, make_browser, on_plan, signup, unique_email
from tests.jobs.helpers import create_job
from tests.products.images import photo

SPEC = build_openapi()
# Not tenant-scoped: platform admin routes (their own tests check that only admins get in), and signed file
# links, which are public and protected by their signature instead (tests/products/test_images.py).
# Admin routes are for platform staff; signed file URLs and store webhooks authenticate by signature, not by
# workspace (their own tests cover forged and foreign signatures).
NOT_TENANT_SCOPED = ("/api/v1/admin/", "/api/v1/files/", "/api/v1/webhooks/")

IdFactory = Callable[[Browser, dict[str, Any]], Awaitable[str]]


async def _user_id(owner: Browser, created: dict[str, Any]) -> str:
    return str(created["user"]["id"])


async def _invitation_id(owner: Browser, created: dict[str, Any]) -> str:
    response = await owner.post("/organization/invitations", json={"email": unique_email(), "role": "member"})
    return str(response.json()["id"])


async def _api_key_id(owner: Browser, created: dict[str, Any]) -> str:
    return str((await owner.post("/organization/api-keys", json={"name": "A's key"})).json()["id"])


async def _notification_id(owner: Browser, created: dict[str, Any]) -> str:
    # Sign-up grants the free trial, which leaves a notification.
    return str((await owner.get("/notifications")).json()["items"][0]["id"])


async def _product_id(owner: Browser, created: dict[str, Any]) -> str:
    return str((await owner.post("/products", json={"name": "A's product"})).json()["id"])


async def _image_id(owner: Browser, created: dict[str, Any]) -> str:
    product_id = await _product_id(owner, created)
    files = {"file": ("a.png", photo(8, 8, "PNG"), "image/png")}
    return str((await owner.post(f"/products/{product_id}/images", files=files)).json()["id"])


async def _category_id(owner: Browser, created: dict[str, Any]) -> str:
    return str((await owner.post("/categories", json={"name": "A's category"})).json()["id"])


async def _job_id(owner: Browser, created: dict[str, Any]) -> str:
    # No endpoint creates a bare job; the row is made the way a domain service makes it.
    app = owner._transport.app  # type: ignore[attr-defined]
    return str(await create_job(app, str(created["organization"]["id"])))


async def _store_id(owner: Browser, created: dict[str, Any]) -> str:
    # Connecting goes through Shopify's OAuth (tests/stores); here the row is made as the callback makes it.
    app = owner._transport.app  # type: ignore[attr-defined]
    async with app.state.sessionmaker() as session:
        connection = StoreConnection(
            id=uuid.uuid4(),
            organization_id=uuid.UUID(created["organization"]["id"]),
            kind=StoreKind.shopify,
            shop_domain=f"tenant-a-{uuid.uuid4().hex[:8]}.myshopify.com",
            status=StoreStatus.active,
            webhook_ids={},
        )
        seal_credentials(CredentialCipher.from_settings(app.state.settings), connection, {"access_token": "shpat_a"})
        session.add(connection)
        await session.commit()
        return str(connection.id)


async def _asset_id(owner: Browser, created: dict[str, Any]) -> str:
    # Assets come from generation jobs (tests/generation); here the row is made as the worker makes it.
    app = owner._transport.app  # type: ignore[attr-defined]
    async with app.state.sessionmaker() as session:
        asset = Asset(
            organization_id=uuid.UUID(created["organization"]["id"]),
            type=AssetType.image,
            original_key="org/a/assets/a/original.png",
            preview_key="org/a/assets/a/preview.webp",
            content_type="image/png",
            width=8,
            height=8,
            size_bytes=1,
            prompt="",
            settings={},
            scene_type="studio",
            aspect_ratio="1:1",
            quality="1k",
            provider="local",
            model="epox-local-1",
            seed=1,
            credits_charged=1,
        )
        session.add(asset)
        await session.commit()
        return str(asset.id)


async def _sync_record_id(owner: Browser, created: dict[str, Any]) -> str:
    # Sync records come from publishing (tests/stores/test_publish_*); here a failed one is made directly.
    asset_id = await _asset_id(owner, created)
    app = owner._transport.app  # type: ignore[attr-defined]
    async with app.state.sessionmaker() as session:
        record = SyncRecord(
            organization_id=uuid.UUID(created["organization"]["id"]),
            asset_id=uuid.UUID(asset_id),
            action=SyncAction.publish,
            status=SyncStatus.failed,
            attempts=1,
            state={},
        )
        session.add(record)
        await session.commit()
        return str(record.id)


async def _flow_id(owner: Browser, created: dict[str, Any]) -> str:
    product_id = await _product_id(owner, created)
    return str((await owner.post("/flows", json={"product_id": product_id})).json()["id"])


async def _collection_id(owner: Browser, created: dict[str, Any]) -> str:
    return str((await owner.post("/collections", json={"name": "A's collection"})).json()["id"])


# One factory per path parameter: a new kind of id needs a line here, or the test below fails.
ID_FACTORIES: dict[str, IdFactory] = {
    "user_id": _user_id,
    "invitation_id": _invitation_id,
    "api_key_id": _api_key_id,
    "notification_id": _notification_id,
    "product_id": _product_id,
    "image_id": _image_id,
    "category_id": _category_id,
    "job_id": _job_id,
    "store_id": _store_id,
    "asset_id": _asset_id,
    "flow_id": _flow_id,
    "collection_id": _collection_id,
    "sync_record_id": _sync_record_id,
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SPEC["components"]["schemas"][name]
    return schema


def example(schema: dict[str, Any]) -> Any:
    """A minimal valid value for a JSON schema (enough to get past request validation)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return example(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][-1]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "boolean":
        return False
    formats = {"email": unique_email("probe"), "uuid": "00000000-0000-7000-8000-000000000000"}
    return formats.get(schema.get("format", ""), "x" * max(int(schema.get("minLength", 1)), 12))


def id_bearing_operations() -> list[tuple[str, str, dict[str, Any]]]:
    operations = []
    for path, item in SPEC["paths"].items():
        if "{" not in path or path.startswith(NOT_TENANT_SCOPED):
            continue
        for method, operation in item.items():
            operations.append((method, path, operation))
    return operations


async def test_every_id_bearing_endpoint_hides_other_tenants(app: FastAPI) -> None:
    operations = id_bearing_operations()
    assert operations, "the document lists id-bearing endpoints"
    params = {name for _, path, _ in operations for name in re.findall(r"{(\w+)}", path)}
    missing = params - ID_FACTORIES.keys()
    assert not missing, f"add an id factory for {sorted(missing)} to cover the new endpoints"

    tenant_a, tenant_b = make_browser(app), make_browser(app)
    try:
        created_a = await signup(tenant_a)
        await signup(tenant_b)
        # Plans with the seats and API access the factories and tenant B's key need.
        await on_plan(tenant_a)
        await on_plan(tenant_b)
        b_key = (await tenant_b.post("/organization/api-keys", json={"name": "B", "role": "admin"})).json()
        async with make_browser(app) as b_integration:
            b_integration.headers["Authorization"] = f"Bearer {b_key['secret']}"
            checked = 0
            for method, path, operation in operations:
                url = path.removeprefix("/api/v1")
                for name in re.findall(r"{(\w+)}", path):
                    url = url.replace(f"{{{name}}}", await ID_FACTORIES[name](tenant_a, created_a))
                body_schema = (
                    operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                )
                kwargs = {"json": example(body_schema)} if body_schema else {}
                for caller in (tenant_b, b_integration):
                    response = await caller.request(method.upper(), url, **kwargs)
                    assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
                    checked += 1
            assert checked == 2 * len(operations)
    finally:
        await tenant_a.aclose()
        await tenant_b.aclose()

"""Clients and small factories shared by the API tests."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

PASSWORD = "correct horse battery staple"


class Browser(httpx.AsyncClient):
    """Like the SPA: keeps cookies and sends the `epox_csrf` cookie back as `X-CSRF-Token` on writes."""

    csrf = True

    async def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        token = self.cookies.get("epox_csrf")
        if self.csrf and token and method.upper() not in {"GET", "HEAD", "OPTIONS"}:
            kwargs["headers"] = {"X-CSRF-Token": token, **(kwargs.get("headers") or {})}
        return await super().request(method, url, **kwargs)


def make_browser(app: FastAPI) -> Browser:
    """A new client; close it with `aclose()` (or use `new_browser`)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.7", 50000))
    return Browser(transport=transport, base_url="http://127.0.0.1:8000/api/v1")


@asynccontextmanager
async def new_browser(app: FastAPI) -> AsyncIterator[Browser]:
    async with make_browser(app) as client:
        yield client


def unique_email(prefix: str = "merchant") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


async def signup(client: httpx.AsyncClient, email: str | None = None, **fields: Any) -> dict[str, Any]:
    body = {"email": email or unique_email(), "password": PASSWORD, "name": "Mara Merchant", **fields}
    response = await client.post("/auth/signup", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def latest_email_link(client: httpx.AsyncClient, to: str, path: str) -> str:
    """The token from the newest email to `to` whose link points at `path` (read through the dev outbox)."""
    response = await client.get("/dev/outbox")
    assert response.status_code == 200
    for message in response.json()["items"]:
        if message["to"] == to:
            match = re.search(rf"{re.escape(path)}\?token=([\w-]+)", message["body_text"])
            if match:
                return match.group(1)
    raise AssertionError(f"no email to {to} with a {path} link")


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys()
    if code is not None:
        assert body["code"] == code, body
    return body


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The free trial's product slots (design/domain.md, Plans), as the migration seeds them.
TRIAL_PRODUCT_SLOTS = 25


async def put_on_plan(app: FastAPI, organization_id: str, plan_code: str) -> None:
    """Move a workspace to a plan directly (what billing does when a subscription starts)."""
    from sqlalchemy import update

    from api.models import Organization

    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(Organization).where(Organization.id == uuid.UUID(organization_id)).values(plan_code=plan_code)
        )


def worker_ctx(app: FastAPI) -> dict[str, Any]:
    """The context a worker task gets, built from the in-process app (tests run tasks directly)."""
    return {
        "sessionmaker": app.state.sessionmaker,
        "redis": app.state.arq,
        "settings": app.state.settings,
        "storage": app.state.storage,
    }


async def on_plan(client: httpx.AsyncClient, plan_code: str = "scale") -> None:
    """Put the client's active workspace on a plan (the trial has one seat and no API access; most tests that
    invite people or create API keys are about something else)."""
    me = (await client.get("/me")).json()
    await put_on_plan(client._transport.app, str(me["organization"]["id"]), plan_code)  # type: ignore[attr-defined]

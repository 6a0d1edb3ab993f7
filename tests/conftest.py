"""Real PostgreSQL and Redis for the whole run (throwaway, free ports), migrations applied once, and every
table truncated and Redis flushed after each test so tests never see each other's rows."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from redis.asyncio import Redis

from api.cli import migrate
from api.core.config import Settings
from api.core.db import sync_url
from api.main import create_app
from api.models import Base
from tests.helpers import Browser, new_browser


@pytest.fixture(scope="session")
def service_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """TEST_DATABASE_URL / TEST_REDIS_URL when given (CI with services), else local throwaway servers."""
    database_url, redis_url = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if database_url and redis_url:
        yield database_url, redis_url
        return
    from api.core.embedded import start_services

    services = start_services(
        tmp_path_factory.mktemp("services"),
        postgres=not database_url,
        redis=not redis_url,
        ephemeral=True,
        log=lambda line: None,
    )
    try:
        yield database_url or services.database_url or "", redis_url or services.redis_url or ""
    finally:
        services.stop()


@pytest.fixture(scope="session")
def settings(service_urls: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database_url, redis_url = service_urls
    return Settings(
        data_dir=tmp_path_factory.mktemp("data"),  # stored files (product images) stay out of the work tree
        env="test",
        database_url=database_url,
        redis_url=redis_url,
        log_json=False,
        log_level="WARNING",
        public_url="http://127.0.0.1:8000",
        frontend_dist=Path("/nonexistent"),
        smtp_host=None,
    )


REFERENCE_TABLES = [t.name for t in Base.metadata.sorted_tables if t.info.get("reference_data")]


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Settings:
    """Migrations applied, and a copy of the reference data they seed (plans, packs, the cost table) kept in a
    `seed` schema, so a test that edits it (admins can) leaves the next test the seeded rows."""
    migrate(settings)
    copies = "; ".join(f'CREATE TABLE seed."{name}" AS TABLE "{name}"' for name in REFERENCE_TABLES)

    async def snapshot() -> None:
        connection = await asyncpg.connect(sync_url(settings.database_url or ""))
        try:
            await connection.execute(f"DROP SCHEMA IF EXISTS seed CASCADE; CREATE SCHEMA seed; {copies}")
        finally:
            await connection.close()

    asyncio.run(snapshot())
    return settings


@pytest.fixture(scope="session")
async def app(migrated: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(migrated)
    async with LifespanManager(application):
        yield application


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Truncate every table, put the reference data back as seeded, and flush Redis after each test that used the
    database."""
    yield
    if "migrated" not in request.fixturenames:
        return
    settings: Settings = request.getfixturevalue("migrated")
    # Reference data the migrations seed (the cost table) stays: tests rely on it like the app does.
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if not t.info.get("reference_data"))
    connection = await asyncpg.connect(sync_url(settings.database_url or ""))
    try:
        await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        for name in REFERENCE_TABLES:  # names from the models, never input
            live, seeded = f'TABLE "{name}"', f'TABLE seed."{name}"'
            if await connection.fetchval(f"SELECT EXISTS (({live} EXCEPT {seeded}) UNION ({seeded} EXCEPT {live}))"):
                await connection.execute(f'DELETE FROM "{name}"; INSERT INTO "{name}" {seeded}')  # noqa: S608
    finally:
        await connection.close()
    redis = Redis.from_url(settings.redis_url or "")
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[Browser]:
    """A client that behaves like the SPA: keeps cookies and echoes the CSRF cookie on writes."""
    async with new_browser(app) as client:
        yield client


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[Browser]:
    async with new_browser(app) as client:
        yield client

"""The FastAPI application: routers, middleware, problem+json handlers, lifespan, and the built SPA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.admin.dependencies import hide_from_non_admins
from api.admin.router import merchant_router as support_access_router
from api.admin.router import router as admin_router
from api.assets.router import router as assets_router
from api.auth.router import router as auth_router
from api.billing.catalog import router as catalog_admin_router
from api.billing.router import router as billing_router
from api.billing.router import webhook_router as billing_webhooks_router
from api.core.config import Settings, get_settings
from api.core.db import create_engine, create_sessionmaker
from api.core.errors import NotFound, install_error_handlers
from api.core.metrics import refresh_gauges
from api.core.observability import BodySizeLimitMiddleware, RequestContextMiddleware, configure_logging
from api.core.redis import create_redis
from api.core.storage import create_storage
from api.credits.router import admin_router as credits_admin_router
from api.credits.router import router as credits_router
from api.generation.router import router as generation_router
from api.health.router import router as health_router
from api.jobs.router import router as jobs_router
from api.mail.router import router as mail_router
from api.media.router import router as media_router
from api.notifications.router import router as notifications_router
from api.onboarding.router import router as onboarding_router
from api.organizations.router import router as organizations_router
from api.products.router import router as products_router
from api.stores.publish_router import router as publish_router
from api.stores.router import router as stores_router
from api.stores.webhook_router import router as store_webhooks_router
from api.usage.router import router as usage_router

API_PREFIX = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: the endpoint function's name (unique across the app; a test checks it)."""
    return route.name


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    # Platform admin routes answer everyone else 404 before any other check (api/admin/dependencies.py).
    for admin_child in (admin_router, credits_admin_router, catalog_admin_router):
        router.include_router(admin_child, dependencies=[Depends(hide_from_non_admins)])
    for child in (
        health_router,
        auth_router,
        organizations_router,
        onboarding_router,
        support_access_router,
        mail_router,
        credits_router,
        usage_router,
        notifications_router,
        products_router,
        media_router,
        jobs_router,
        generation_router,
        assets_router,
        stores_router,
        publish_router,
        store_webhooks_router,
        billing_router,
        billing_webhooks_router,
    ):
        router.include_router(child)
    return router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if not settings.database_url or not settings.redis_url:
        raise RuntimeError("DATABASE_URL and REDIS_URL must be set (`epox run` starts local ones for you).")
    app.state.engine = create_engine(settings.database_url)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    app.state.arq = await create_redis(settings.redis_url)
    app.state.storage = create_storage(settings)
    try:
        yield
    finally:
        await app.state.storage.aclose()
        await app.state.arq.aclose()
        await app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json_logs=settings.log_json)
    app = FastAPI(
        title="Epox API",
        version="1.0.0",
        description=(
            "AI product visuals for online stores, billed in credits. Authenticate with the `epox_session` "
            "cookie (web app, plus `X-CSRF-Token` on writes) or `Authorization: Bearer <API key>`."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.dependency_overrides[get_settings] = lambda: settings
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        json_limit=settings.max_json_body_bytes,
        upload_limit=settings.max_upload_body_bytes,
    )
    app.add_middleware(RequestContextMiddleware)
    app.include_router(api_router())

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        await refresh_gauges(getattr(app.state, "sessionmaker", None), getattr(app.state, "arq", None))
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    _serve_spa(app, settings)
    return app


def _serve_spa(app: FastAPI, settings: Settings) -> None:
    """The built SPA: static assets, and index.html for every other non-API path (client-side routes)."""
    dist = settings.frontend_dist
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="spa-assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path.startswith("api/") or not index.is_file():
            raise NotFound()
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

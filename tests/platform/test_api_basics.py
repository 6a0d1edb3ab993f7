"""Every error is problem+json; health, readiness, metrics, request ids and body limits."""

from __future__ import annotations

from fastapi import FastAPI

from api.main import create_app
from tests.helpers import Browser, assert_problem, new_browser


async def test_unknown_route_is_a_problem(anonymous: Browser) -> None:
    assert_problem(await anonymous.get("/does-not-exist"), 404, "not_found")


async def test_wrong_method_is_a_problem(anonymous: Browser) -> None:
    assert_problem(await anonymous.delete("/health"), 405, "method_not_allowed")


async def test_invalid_query_is_a_problem_with_field_errors(browser: Browser) -> None:
    from tests.helpers import signup

    await signup(browser)
    body = assert_problem(await browser.get("/organization/members", params={"limit": 500}), 422)
    assert body["errors"][0]["field"] == "limit"
    body = assert_problem(await browser.get("/organization/members", params={"cursor": "!!bogus"}), 422)
    assert body["errors"][0]["field"] == "cursor"


async def test_unhandled_errors_are_a_problem_without_internals(migrated) -> None:
    app = create_app(migrated)

    async def explode() -> None:
        raise RuntimeError("secret internal detail: password=hunter2")

    app.router.add_api_route("/api/v1/explode", explode)
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the SPA's catch-all

    from asgi_lifespan import LifespanManager

    async with LifespanManager(app), new_browser(app) as client:
        response = await client.get("/explode")
    body = assert_problem(response, 500, "internal_error")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"]


async def test_health_and_ready(anonymous: Browser) -> None:
    assert (await anonymous.get("/health")).json() == {"status": "ok", "database": None, "redis": None}
    ready = await anonymous.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_metrics_and_request_ids(app: FastAPI, anonymous: Browser) -> None:
    response = await anonymous.get("/health", headers={"X-Request-ID": "req-123"})
    assert response.headers["x-request-id"] == "req-123"
    assert len((await anonymous.get("/health")).headers["x-request-id"]) == 32
    metrics = await anonymous.get("http://127.0.0.1:8000/metrics")
    assert metrics.status_code == 200
    assert 'epox_http_requests_total{method="GET",route="/api/v1/health",status="200"}' in metrics.text


async def test_oversized_bodies_are_refused(anonymous: Browser) -> None:
    huge = b'{"email": "' + b"a" * 2_000_000 + b'"}'
    response = await anonymous.post("/auth/login", content=huge, headers={"content-type": "application/json"})
    assert_problem(response, 413, "payload_too_large")


async def test_oversized_chunked_bodies_are_refused(anonymous: Browser) -> None:
    async def chunks():
        for _ in range(40):
            yield b"x" * 65536

    response = await anonymous.post("/auth/login", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(response, 413, "payload_too_large")


async def test_ready_reports_an_unreachable_dependency(app: FastAPI) -> None:
    from arq.connections import ArqRedis

    from api.health.service import readiness

    unreachable = ArqRedis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    try:
        status = await readiness(app.state.engine, unreachable)
    finally:
        await unreachable.aclose()
    assert status.model_dump() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
